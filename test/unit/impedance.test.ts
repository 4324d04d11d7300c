/**
 * Equivalent-circuit fitting: synthetic spectra from known circuits are recovered.
 *
 * Noise model: Z_noisy = Z (1 + 0.01 (e1 + i e2)), e1, e2 independent standard normals
 * from a seeded stream, i.e. each of Z' and Z'' carries independent Gaussian noise of
 * 1 % of |Z| -- the error model that modulus weighting assumes, so chi2/dof estimates
 * 0.01^2 and the Jacobian standard errors are the asymptotic (Cramer-Rao) ones.
 * Tolerance for noisy recovery: |fitted - true| < 4 standard errors per parameter. With
 * 44 parameter checks over the cases below and Gaussian estimates, the chance that any
 * exceeds 4 sigma is 44 * 6.3e-5 = 0.3 %; the seeds are fixed, so the test is repeatable.
 */
import { describe, expect, it } from "vitest";
import { CIRCUITS, circuitImpedance, logFrequencies } from "../../src/analysis/circuits.js";
import { fitCellSpectrum, fitCircuit, initialGuesses, spectrumFeatures, arcWidthLn } from "../../src/analysis/impedance.js";
import type { ImpedanceSpectrum } from "../../src/analysis/impedance.js";
import { createStream } from "../../src/core/rng.js";

/** The CPE coefficient that puts an R||Q arc's apex at fApexHz: omega^n = 1/(R Q). */
const qFor = (r: number, fApexHz: number, n: number): number => 1 / (r * Math.pow(2 * Math.PI * fApexHz, n));

/** 0.1 Hz to 10 MHz, 8 points per decade, swept from high to low frequency. */
const FREQ = logFrequencies(0.1, 1e7, 65);

function spectrum(circuit: string, p: Record<string, number>, noise = 0, seed = 1): ImpedanceSpectrum {
  const z = circuitImpedance(circuit, p, FREQ);
  const rng = createStream(seed, "impedance-test");
  const re = new Float64Array(FREQ.length), im = new Float64Array(FREQ.length);
  for (let i = 0; i < FREQ.length; i++) {
    const a = noise * rng.nextNormal(), b = noise * rng.nextNormal();
    re[i] = z.re[i]! * (1 + a) - z.im[i]! * b;
    im[i] = z.im[i]! * (1 + a) + z.re[i]! * b;
  }
  return { frequenciesHz: FREQ, realOhm: re, imagOhm: im };
}

interface Case {
  readonly label: string;
  readonly circuit: string;
  readonly p: Record<string, number>;
}

const CASES: readonly Case[] = [
  { label: "Li|SE|Li, R_bulk 10 ohm, interface arc at 1e5 Hz", circuit: CIRCUITS.liSymmetric, p: { R_bulk: 10, R_int: 40, Q_int: qFor(40, 1e5, 0.85), n_int: 0.85 } },
  { label: "Li|SE|Li, R_bulk 1e4 ohm, interface arc at 1e2 Hz", circuit: CIRCUITS.liSymmetric, p: { R_bulk: 1e4, R_int: 3e4, Q_int: qFor(3e4, 100, 0.8), n_int: 0.8 } },
  {
    label: "Li|SE|Li with a grain-boundary arc, apexes 1e6 and 1e3 Hz",
    circuit: CIRCUITS.liSymmetricGrainBoundary,
    p: { R_bulk: 100, R_gb: 300, Q_gb: qFor(300, 1e6, 0.9), n_gb: 0.9, R_int: 800, Q_int: qFor(800, 1e3, 0.8), n_int: 0.8 },
  },
  {
    label: "overlapping arcs half a decade apart (one apex shows)",
    circuit: CIRCUITS.liSymmetricGrainBoundary,
    p: { R_bulk: 1e3, R_gb: 1e3, Q_gb: qFor(1e3, 1e4, 0.9), n_gb: 0.9, R_int: 1.5e3, Q_int: qFor(1.5e3, 3e3, 0.85), n_int: 0.85 },
  },
  { label: "SS|SE|SS blocking, bulk arc at 1e6 Hz", circuit: CIRCUITS.blocking, p: { R_bulk: 2000, Q_bulk: qFor(2000, 1e6, 0.9), n_bulk: 0.9, Q_el: 1e-5, n_el: 0.85 } },
  { label: "ideal R + R||C", circuit: "R0-p(R1,C1)", p: { R0: 50, R1: 500, C1: 1 / (500 * 2 * Math.PI * 1e4) } },
  { label: "three arcs", circuit: "R0-p(R1,Q1)-p(R2,Q2)-p(R3,Q3)", p: { R0: 20, R1: 100, Q1: qFor(100, 1e6, 0.9), n1: 0.9, R2: 200, Q2: qFor(200, 1e4, 0.85), n2: 0.85, R3: 400, Q3: qFor(400, 10, 0.8), n3: 0.8 } },
];

describe("fitCircuit recovers known circuits", () => {
  for (const c of CASES) {
    it(`noise-free: ${c.label} (relative error < 1e-6)`, () => {
      const fit = fitCircuit(spectrum(c.circuit, c.p), c.circuit);
      for (const [k, v] of Object.entries(c.p)) expect(Math.abs(fit.parameters[k]! - v) / v, k).toBeLessThan(1e-6);
      expect(fit.residualRms).toBeLessThan(1e-10);
    });
  }
  for (const c of CASES) {
    it(`1 % noise: ${c.label} (within 4 standard errors)`, () => {
      const fit = fitCircuit(spectrum(c.circuit, c.p, 0.01, 7), c.circuit);
      for (const [k, v] of Object.entries(c.p)) {
        const se = fit.stdErrors[k]!;
        expect(se, k).toBeGreaterThan(0);
        expect(Math.abs(fit.parameters[k]! - v) / se, k).toBeLessThan(4);
      }
      // chi2/dof estimates the noise variance: s = 0.01 within 3 sigma of s, 1/sqrt(2 dof)
      expect(Math.abs(fit.residualRms / 0.01 - 1)).toBeLessThan(3 / Math.sqrt(2 * fit.degreesOfFreedom));
    });
  }

  it("standard errors match the scatter of repeated noisy fits (40 seeds)", () => {
    const c = CASES[2]!;
    const names = Object.keys(c.p);
    const values: number[][] = names.map(() => []);
    const ses: number[][] = names.map(() => []);
    for (let seed = 100; seed < 140; seed++) {
      const fit = fitCircuit(spectrum(c.circuit, c.p, 0.01, seed), c.circuit);
      names.forEach((k, j) => {
        values[j]!.push(fit.parameters[k]!);
        ses[j]!.push(fit.stdErrors[k]!);
      });
    }
    names.forEach((k, j) => {
      const xs = values[j]!, n = xs.length;
      const m = xs.reduce((a, b) => a + b) / n;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
      const se = ses[j]!.reduce((a, b) => a + b) / n;
      // a sample standard deviation of n Gaussian values has relative error 1/sqrt(2 (n - 1)): 3 sigma
      expect(Math.abs(sd / se - 1), k).toBeLessThan(3 / Math.sqrt(2 * (n - 1)));
      expect(Math.abs(m - c.p[k]!) / (se / Math.sqrt(n)), k).toBeLessThan(4);
    });
  });
});

describe("features and initial guesses", () => {
  it("finds the apex of an R||C arc at 1/(2 pi R C) and reads n from the arc's width", () => {
    const p = { R0: 50, R1: 500, C1: 1 / (500 * 2 * Math.PI * 1e4) };
    const feat = spectrumFeatures(spectrum("R0-p(R1,C1)", p));
    expect(feat.arcs).toHaveLength(1);
    // 8 points per decade: the parabolic apex lands within 2 % in frequency, 1 % in height
    expect(Math.abs(feat.arcs[0]!.apexFrequencyHz / 1e4 - 1)).toBeLessThan(0.02);
    expect(Math.abs(feat.arcs[0]!.apexHeightOhm / 250 - 1)).toBeLessThan(0.01);
    expect(Math.abs(feat.arcs[0]!.widthDecades! * Math.LN10 - arcWidthLn(1))).toBeLessThan(0.05);
    expect(feat.highFrequencyInterceptOhm).toBeCloseTo(50, 0);
    expect(feat.tail).toBeNull();
  });
  it("reads a blocking electrode's tail exponent from the low-frequency slope", () => {
    const c = CASES[4]!;
    const feat = spectrumFeatures(spectrum(c.circuit, c.p));
    expect(feat.tail!.exponent).toBeCloseTo(0.85, 2);
    expect(feat.arcs).toHaveLength(1);
    expect(Math.abs(feat.arcs[0]!.apexFrequencyHz / 1e6 - 1)).toBeLessThan(0.05);
  });
  it("starts overlapping arcs from several placements when fewer apexes show", () => {
    const c = CASES[3]!;
    const s = spectrum(c.circuit, c.p);
    expect(spectrumFeatures(s).arcs).toHaveLength(1);
    expect(initialGuesses(s, c.circuit).length).toBeGreaterThan(1);
  });
});

describe("fitCellSpectrum", () => {
  it("Li|SE|Li: picks the grain-boundary circuit only when the data need it (BIC)", () => {
    const gb = CASES[2]!, one = CASES[0]!;
    const a = fitCellSpectrum(spectrum(gb.circuit, gb.p, 0.01, 3), "Li|SE|Li");
    expect(a.fit.circuit).toBe(CIRCUITS.liSymmetricGrainBoundary);
    expect(Math.abs(a.bulkResistanceOhm - 100)).toBeLessThan(4 * a.bulkResistanceStdErr);
    expect(Math.abs(a.grainBoundaryResistanceOhm! - 300)).toBeLessThan(4 * a.grainBoundaryResistanceStdErr!);
    expect(Math.abs(a.interfacialResistanceOhm! - 800)).toBeLessThan(4 * a.interfacialResistanceStdErr!);
    const b = fitCellSpectrum(spectrum(one.circuit, one.p, 0.01, 3), "Li|SE|Li");
    expect(b.fit.circuit).toBe(CIRCUITS.liSymmetric);
    expect(b.grainBoundaryResistanceOhm).toBeNull();
    expect(Math.abs(b.interfacialResistanceOhm! - 40)).toBeLessThan(4 * b.interfacialResistanceStdErr!);
  });
  it("SS|SE|SS: bulk resistance, no interfacial resistance; R_bulk-Q_el when the bulk arc lies above the data", () => {
    const c = CASES[4]!;
    const a = fitCellSpectrum(spectrum(c.circuit, c.p), "SS|SE|SS");
    expect(a.fit.circuit).toBe(CIRCUITS.blocking);
    expect(a.bulkResistanceOhm).toBeCloseTo(2000, 6);
    expect(a.interfacialResistanceOhm).toBeNull();
    // bulk arc at 1e10 Hz: the data show only R_bulk and the electrode spike
    const p = { R_bulk: 20, Q_bulk: qFor(20, 1e10, 1), n_bulk: 1, Q_el: 1e-6, n_el: 0.9 };
    const b = fitCellSpectrum(spectrum(CIRCUITS.blocking, p), "SS|SE|SS");
    expect(b.fit.circuit).toBe("R_bulk-Q_el");
    expect(Math.abs(b.bulkResistanceOhm / 20 - 1)).toBeLessThan(1e-3); // the arc's tail at 1e7 Hz shifts Z' by ~R (f/f_apex)^2
  });
});

describe("input errors name the field", () => {
  it("rejects malformed spectra and options", () => {
    const s = spectrum(CIRCUITS.liSymmetric, CASES[0]!.p);
    expect(() => fitCircuit({ ...s, realOhm: [1, 2] }, CIRCUITS.liSymmetric)).toThrowErrorMatchingInlineSnapshot(
      `[InputError: spectrum: frequenciesHz has 65 points, realOhm 2, imagOhm 65; all three must have the same length]`,
    );
    expect(() => fitCircuit(s, CIRCUITS.liSymmetric, { initial: { R_x: 1 } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: initial.R_x: not a parameter of R_bulk-p(R_int,Q_int); valid: R_bulk, R_int, Q_int, n_int]`,
    );
    expect(() => fitCircuit(s, "R0-p(R1,C1-R2)")).toThrowErrorMatchingInlineSnapshot(
      `[InputError: initial: no automatic guess for R1, C1, R2 in R0-p(R1,C1-R2) (automatic guesses cover series R, C, Q, L and R||C, R||Q arcs); give their values in options.initial]`,
    );
    expect(() => fitCellSpectrum(s, "Li|SE|Cu" as never)).toThrowErrorMatchingInlineSnapshot(`[InputError: cell: got "Li|SE|Cu"; valid: Li|SE|Li, SS|SE|SS]`);
  });
  it("fits circuits outside the automatic rules from given starting values (Randles cell with a CPE for diffusion)", () => {
    const circuit = "R0-p(C1,R1-Q1)";
    const p = { R0: 10, C1: 1e-6, R1: 100, Q1: 1e-3, n1: 0.5 };
    const z = circuitImpedance(circuit, p, FREQ);
    const fit = fitCircuit({ frequenciesHz: FREQ, realOhm: z.re, imagOhm: z.im }, circuit, { initial: { R0: 12, C1: 2e-6, R1: 80, Q1: 2e-3, n1: 0.6 } });
    for (const [k, v] of Object.entries(p)) expect(Math.abs(fit.parameters[k]! / v - 1), k).toBeLessThan(1e-6);
  });
});
