/**
 * Lin-KK (Schönleber et al., Electrochim. Acta 131, 20, 2014): spectra of passive
 * networks pass; spectra that break causality fail.
 */
import { describe, expect, it } from "vitest";
import { CIRCUITS, circuitImpedance, logFrequencies } from "../../src/analysis/circuits.js";
import { linKK, linKKTimeConstants } from "../../src/analysis/kramersKronig.js";
import type { ImpedanceSpectrum } from "../../src/analysis/impedance.js";
import { createStream } from "../../src/core/rng.js";

const FREQ = logFrequencies(0.1, 1e7, 65);
const qFor = (r: number, fApexHz: number, n: number): number => 1 / (r * Math.pow(2 * Math.PI * fApexHz, n));

function spectrum(circuit: string, p: Record<string, number>, noise = 0): ImpedanceSpectrum {
  const z = circuitImpedance(circuit, p, FREQ);
  const rng = createStream(5, "kk-test");
  const re = Float64Array.from(z.re), im = Float64Array.from(z.im);
  for (let i = 0; i < FREQ.length; i++) {
    const m = Math.hypot(re[i]!, im[i]!);
    re[i]! += noise * m * rng.nextNormal();
    im[i]! += noise * m * rng.nextNormal();
  }
  return { frequenciesHz: FREQ, realOhm: re, imagOhm: im };
}

const LI_GB = { R_bulk: 100, R_gb: 300, Q_gb: qFor(300, 1e6, 0.9), n_gb: 0.9, R_int: 800, Q_int: qFor(800, 1e3, 0.8), n_int: 0.8 };

describe("valid spectra pass", () => {
  it("ideal RC networks: residuals below 1e-4", () => {
    for (const [circuit, p] of [
      ["R0-p(R1,C1)", { R0: 10, R1: 1000, C1: 1e-7 }],
      ["R0-p(R1,C1)-p(R2,C2)-p(R3,C3)", { R0: 5, R1: 100, C1: 1e-9, R2: 300, C2: 1e-7, R3: 50, C3: 1e-3 }],
    ] as const) {
      const r = linKK(spectrum(circuit, p));
      expect(r.pass, circuit).toBe(true);
      expect(r.maxAbsResidual, circuit).toBeLessThan(1e-4);
    }
  });
  it("CPE networks (Li|SE|Li with a grain-boundary arc): rms residual ~1e-4, max below 1e-3", () => {
    const r = linKK(spectrum(CIRCUITS.liSymmetricGrainBoundary, LI_GB));
    expect(r.pass).toBe(true);
    expect(r.residualRms).toBeLessThan(2e-4);
    expect(r.maxAbsResidual).toBeLessThan(1e-3);
    // mu falls monotonically here, so the M chosen is the paper's: the first with mu <= c
    expect(r.mu).toBeLessThanOrEqual(0.85);
    expect(linKK(spectrum(CIRCUITS.liSymmetricGrainBoundary, LI_GB), { elements: r.elements - 1 }).mu).toBeGreaterThan(0.85);
  });
  it("blocking electrodes with the series capacitance", () => {
    const r = linKK(spectrum("p(R_bulk,C_bulk)-C_el", { R_bulk: 2000, C_bulk: 1e-10, C_el: 1e-5 }), { capacitance: true });
    expect(r.pass).toBe(true);
    expect(r.maxAbsResidual).toBeLessThan(1e-6);
    expect(r.capacitanceF! / 1e-5).toBeCloseTo(1, 6);
    // a CPE spike (n = 0.85) is not a capacitor: the residual rises at the lowest frequencies but stays under 1 %
    const q = linKK(spectrum(CIRCUITS.blocking, { R_bulk: 2000, Q_bulk: qFor(2000, 1e6, 0.9), n_bulk: 0.9, Q_el: 1e-5, n_el: 0.85 }), { capacitance: true });
    expect(q.pass).toBe(true);
  });
  it("1 % noise: residuals at the noise level (rms 0.01 within 20 %), passing a 5 % threshold", () => {
    const r = linKK(spectrum(CIRCUITS.liSymmetricGrainBoundary, LI_GB, 0.01), { residualThreshold: 0.05 });
    expect(r.pass).toBe(true);
    // the fit absorbs about (M + 1) of the 2N degrees of freedom, so rms < noise
    expect(r.residualRms).toBeGreaterThan(0.008 * Math.sqrt(1 - (r.elements + 1) / (2 * FREQ.length)));
    expect(r.residualRms).toBeLessThan(0.012);
  });
  it("an inductive cable needs the inductance term", () => {
    const s = spectrum("R0-p(R1,C1)-L1", { R0: 10, R1: 1000, C1: 1e-7, L1: 1e-6 });
    expect(linKK(s).pass).toBe(false);
    const r = linKK(s, { inductance: true });
    expect(r.pass).toBe(true);
    expect(r.inductanceH! / 1e-6).toBeCloseTo(1, 6);
  });
});

describe("spectra violating causality fail", () => {
  const a = spectrum(CIRCUITS.liSymmetricGrainBoundary, LI_GB);
  it("real part from one circuit, imaginary part from another", () => {
    const b = spectrum(CIRCUITS.liSymmetricGrainBoundary, { ...LI_GB, R_int: 1200 });
    const r = linKK({ frequenciesHz: FREQ, realOhm: a.realOhm, imagOhm: b.imagOhm });
    expect(r.pass).toBe(false);
    expect(r.maxAbsResidual).toBeGreaterThan(0.05);
  });
  it("a sign flip of Z'' at three frequencies", () => {
    const im = Float64Array.from(a.imagOhm);
    for (const i of [30, 31, 32]) im[i] = -im[i]!;
    const r = linKK({ frequenciesHz: FREQ, realOhm: a.realOhm, imagOhm: im });
    expect(r.pass).toBe(false);
    expect(Math.max(...[30, 31, 32].map((i) => Math.abs(r.residualImag[i]!)))).toBeGreaterThan(0.1);
  });
  it("a drifting cell: the interface resistance grows 50 % during the sweep", () => {
    // Lin-KK is weak against slow, smooth drift: a linear 20 %
    // drift leaves max |residual| 0.9 % here, 50 % leaves 1.9 %; valid data leave 0.06 %
    const re = new Float64Array(FREQ.length), im = new Float64Array(FREQ.length);
    for (let i = 0; i < FREQ.length; i++) {
      const z = circuitImpedance(CIRCUITS.liSymmetricGrainBoundary, { ...LI_GB, R_int: 800 * (1 + (0.5 * i) / (FREQ.length - 1)) }, [FREQ[i]!]);
      re[i] = z.re[0]!;
      im[i] = z.im[0]!;
    }
    expect(linKK({ frequenciesHz: FREQ, realOhm: re, imagOhm: im }).pass).toBe(false);
  });
});

describe("details", () => {
  it("time constants are log-spaced from 1/omega_max to 1/omega_min", () => {
    const t = linKKTimeConstants(0.1, 1e7, 9);
    expect(t[0]! * 2 * Math.PI * 1e7).toBeCloseTo(1, 12);
    expect(t[8]! * 2 * Math.PI * 0.1).toBeCloseTo(1, 12);
    for (let k = 1; k < 9; k++) expect(Math.log10(t[k]! / t[k - 1]!)).toBeCloseTo(1, 12);
  });
  it("reports residuals in the order of the input", () => {
    const s = spectrum("R0-p(R1,C1)", { R0: 10, R1: 1000, C1: 1e-7 });
    const rev = { frequenciesHz: Array.from(s.frequenciesHz).reverse(), realOhm: Array.from(s.realOhm).reverse(), imagOhm: Array.from(s.imagOhm).reverse() };
    const r = linKK(rev);
    expect(r.frequenciesHz[0]).toBe(0.1);
    expect(Math.abs(r.fitRealOhm[0]! - rev.realOhm[0]!)).toBeLessThan(1e-6 * 1010);
  });
  it("names bad options", () => {
    const s = spectrum("R0-p(R1,C1)", { R0: 10, R1: 1000, C1: 1e-7 });
    expect(() => linKK(s, { muThreshold: 1.5 })).toThrowErrorMatchingInlineSnapshot(`[InputError: muThreshold: got 1.5; must be in (0, 1]]`);
    expect(() => linKK(s, { elements: 100 })).toThrowErrorMatchingInlineSnapshot(`[InputError: elements: got 100; must be an integer in [1, 65] for 65 frequencies]`);
  });
});
