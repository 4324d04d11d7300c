/**
 * The distribution of relaxation times (analysis/drt.ts) against spectra whose DRT is known
 * exactly. Frequencies 1e-2 to 1e6 Hz, 10 per decade (81 points); the DRT's tau grid runs a
 * decade beyond 1/(2 pi f) at each end with 10 nodes per decade, spacing
 * Delta = ln(10)/10 = 0.230 in ln tau.
 */
import { Matrix, inverse } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { circuitImpedance, logFrequencies } from "../../src/analysis/circuits.js";
import { distributionOfRelaxationTimes } from "../../src/analysis/drt.js";
import type { ImpedanceSpectrum } from "../../src/analysis/impedance.js";
import { linKK } from "../../src/analysis/kramersKronig.js";
import { createStream } from "../../src/core/rng.js";
import { Z_TOL, expectWithinErrors } from "../stats-tolerance.js";

const FREQ = logFrequencies(1e-2, 1e6, 81);
const DELTA = Math.LN10 / 10;

// two R||C elements: the exact DRT is R1 delta(ln tau - ln tau1) + R2 delta(ln tau - ln tau2)
const R_INF = 20, R1 = 100, TAU1 = 1e-4, R2 = 300, TAU2 = 1e-1;
const TWO_RC = { R0: R_INF, R1, C1: TAU1 / R1, R2, C2: TAU2 / R2 };

function withNoise(z: { re: ArrayLike<number>; im: ArrayLike<number> }, relative: number, seed: number): ImpedanceSpectrum {
  const rng = createStream(seed, "drt-noise");
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < FREQ.length; i++) {
    const m = Math.hypot(z.re[i]!, z.im[i]!);
    re.push(z.re[i]! + relative * m * rng.nextNormal());
    im.push(z.im[i]! + relative * m * rng.nextNormal());
  }
  return { frequenciesHz: FREQ, realOhm: re, imagOhm: im };
}

describe("two RC elements: the exact DRT is two delta peaks", () => {
  const z = circuitImpedance("R0-p(R1,C1)-p(R2,C2)", TWO_RC, FREQ);
  const d = distributionOfRelaxationTimes({ frequenciesHz: FREQ, realOhm: z.re, imagOhm: z.im });

  it("noise-free: two peaks at tau1 and tau2 within half a node spacing; areas, R_inf and R_pol to 1 % and 0.1 %", () => {
    expect(d.lnTauSpacing).toBeCloseTo(DELTA, 12);
    expect(d.criterion).toBe("gcv");
    expect(d.peaks).toHaveLength(2);
    const [p1, p2] = d.peaks as [(typeof d.peaks)[0], (typeof d.peaks)[0]];
    // a delta between two nodes is carried by them: its tau lies within Delta/2 of the nearer node
    expect(Math.abs(Math.log(p1.tauS / TAU1))).toBeLessThan(DELTA / 2);
    expect(Math.abs(Math.log(p2.tauS / TAU2))).toBeLessThan(DELTA / 2);
    // the plateaux of Z' pin the areas (Z'(0) = R_inf + R1 + R2, Z' between the arcs = R_inf + R2)
    // to the fit's residual, ~1e-4 of |Z|: 1 % is a hundred times that
    expect(d.maxAbsResidual).toBeLessThan(1e-3);
    expect(Math.abs(p1.areaOhm / R1 - 1)).toBeLessThan(0.01);
    expect(Math.abs(p2.areaOhm / R2 - 1)).toBeLessThan(0.01);
    expect(Math.abs(d.highFrequencyResistanceOhm / R_INF - 1)).toBeLessThan(0.01);
    expect(Math.abs(d.polarizationResistanceOhm / (R1 + R2) - 1)).toBeLessThan(1e-3);
    // bookkeeping: the peaks share R_pol out exactly
    expect(p1.areaOhm + p2.areaOhm).toBeCloseTo(d.polarizationResistanceOhm, 9);
    expect(p1.inWindow && p2.inWindow).toBe(true);
  });

  it("lambda minimises GCV over the scan; noise-free data drive it to the lower end", () => {
    expect(d.criterionCurve.length).toBeGreaterThan(20);
    for (const c of d.criterionCurve) expect(d.criterionValue).toBeLessThanOrEqual(c.gcv * (1 + 1e-12));
    expect(d.lambda).toBeLessThan(1e-7);
  });

  it("0.5 % noise, 24 seeds: in-window peaks unbiased within their standard error; scatter within 3 times the best possible", () => {
    const noise = 0.005, seeds = 24;
    // the best possible: standard errors of (R_inf, R1, ln tau1, R2, ln tau2) from a fit of
    // the true model, cov = s^2 (J^T J)^-1 with J the Jacobian of the modulus-weighted
    // residuals (Bevington and Robinson, ch. 8). The DRT does not know the model (peak
    // shapes are free), so it scatters more: a factor 3 is allowed (observed 1.5-2 for
    // the areas).
    const params = [R_INF, R1, Math.log(TAU1), R2, Math.log(TAU2)];
    const model = (p: readonly number[]): number[] => {
      const out: number[] = [];
      FREQ.forEach((f, i) => {
        const w = 2 * Math.PI * f, mod = Math.hypot(z.re[i]!, z.im[i]!);
        let re = p[0]!, im = 0;
        for (const [rk, lnt] of [[p[1]!, p[2]!], [p[3]!, p[4]!]] as const) {
          const x = w * Math.exp(lnt), dd = 1 / (1 + x * x);
          re += rk * dd;
          im -= rk * x * dd;
        }
        out[i] = re / mod;
        out[FREQ.length + i] = im / mod;
      });
      return out;
    };
    const J = new Matrix(2 * FREQ.length, params.length);
    params.forEach((_, k) => {
      const h = 1e-6 * Math.max(1, Math.abs(params[k]!));
      const up = [...params], dn = [...params];
      up[k]! += h;
      dn[k]! -= h;
      const a = model(up), b = model(dn);
      a.forEach((v, i) => J.set(i, k, (v - b[i]!) / (2 * h)));
    });
    const cov = inverse(J.transpose().mmul(J)).mul(noise * noise);
    const best = (k: number): number => Math.sqrt(cov.get(k, k));

    const truth = [R1, Math.log(TAU1), R2, Math.log(TAU2)];
    const rows: number[][] = [];
    const n2 = 2 * FREQ.length;
    let rmsRatio = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = distributionOfRelaxationTimes(withNoise(z, noise, seed));
      // resistance GCV leaves beyond the measured window (noise fitted at the lowest
      // frequencies) is not a measured peak
      const inside = r.peaks.filter((p) => p.inWindow);
      expect(inside, `seed ${seed}`).toHaveLength(2);
      rows.push([inside[0]!.areaOhm, Math.log(inside[0]!.tauS), inside[1]!.areaOhm, Math.log(inside[1]!.tauS)]);
      rmsRatio += r.residualRms / (noise * Math.sqrt(1 - r.effectiveParameters / n2)) / seeds;
    }
    truth.forEach((t, k) => {
      const values = rows.map((row) => row[k]!);
      const mean = values.reduce((a, v) => a + v, 0) / seeds;
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (seeds - 1));
      // unbiased: the mean within Z_TOL standard errors of the mean, plus the noise-free
      // bounds (1e-3 relative for areas, Delta/2 for ln tau) as the systematic part
      expectWithinErrors(mean, t, sd / Math.sqrt(seeds), k % 2 === 0 ? 1e-3 * t : DELTA / 2);
      // the scatter: within 3 times the true model's standard error (upper 4-sigma
      // bound of a 23-dof sample sd: sd <= sigma (1 + Z_TOL / sqrt(2 * 23)))
      expect(sd, `scatter of ${["R1", "ln tau1", "R2", "ln tau2"][k]}`).toBeLessThan(3 * best(k + 1) * (1 + Z_TOL / Math.sqrt(2 * (seeds - 1))));
    });
    // the residual is the noise: rms = noise sqrt(1 - trH / 2N) on average, within
    // Z_TOL / sqrt(2 * 2N * seeds) (the relative standard error of the rms of 2N normal values)
    expect(Math.abs(rmsRatio - 1)).toBeLessThan(Z_TOL / Math.sqrt(2 * n2 * seeds));
  });
});

describe("a ZARC (R||CPE) element: the Cole-Cole distribution", () => {
  // Z = R_inf + R / (1 + (i omega tau0)^phi) has the DRT (Cole and Cole, J. Chem. Phys. 9,
  // 341, 1941, with their alpha = 1 - phi; in this form e.g. Boukamp, J. Phys. Energy 2,
  // 042001, 2020):
  //   gamma(ln tau) = (R / 2 pi) sin((1 - phi) pi) / (cosh(phi ln(tau/tau0)) - cos((1 - phi) pi))
  const R = 200, TAU0 = 1e-3, PHI = 0.8, RINF = 10;
  const exact = (tau: number): number => (R / (2 * Math.PI)) * Math.sin((1 - PHI) * Math.PI) / (Math.cosh(PHI * Math.log(tau / TAU0)) - Math.cos((1 - PHI) * Math.PI));
  const zarc = (f: number): [number, number] => {
    const w = 2 * Math.PI * f, mag = Math.pow(w * TAU0, PHI), ang = (PHI * Math.PI) / 2;
    const dr = 1 + mag * Math.cos(ang), di = mag * Math.sin(ang), d2 = dr * dr + di * di;
    return [RINF + (R * dr) / d2, (-R * di) / d2];
  };
  const spectrum: ImpedanceSpectrum = { frequenciesHz: FREQ, realOhm: Array.from(FREQ, (f) => zarc(f)[0]), imagOhm: Array.from(FREQ, (f) => zarc(f)[1]) };
  // the reconstruction resolves gamma to a node: |gamma - exact| <= max |d gamma / d ln tau| Delta / 2
  let slope = 0;
  for (let s = -20; s <= 20; s += 1e-3) slope = Math.max(slope, Math.abs(exact(TAU0 * Math.exp(s + 5e-4)) - exact(TAU0 * Math.exp(s - 5e-4))) / 1e-3);
  const tolerance = (slope * DELTA) / 2;

  it("the formula: its integral is R and it reproduces the ZARC's impedance (trapezoid rule on a fine ln tau grid)", () => {
    const h = 1e-3;
    let total = 0;
    for (let s = -60; s <= 60; s += h) total += exact(TAU0 * Math.exp(s)) * h;
    expect(total / R).toBeCloseTo(1, 5);
    for (const f of [1, 159.15, 1e4]) {
      const w = 2 * Math.PI * f;
      let re = RINF, im = 0;
      for (let s = -60; s <= 60; s += h) {
        const x = w * TAU0 * Math.exp(s), g = exact(TAU0 * Math.exp(s)) * h;
        re += g / (1 + x * x);
        im -= (g * x) / (1 + x * x);
      }
      const [zr, zi] = zarc(f);
      expect(Math.hypot(re - zr, im - zi) / Math.hypot(zr, zi)).toBeLessThan(1e-6);
    }
  });

  it("pointwise within max |gamma'| Delta/2 over two decades each side of tau0; one peak of area R at tau0", () => {
    const d = distributionOfRelaxationTimes(spectrum);
    let worst = 0;
    d.tauS.forEach((tau, k) => {
      if (Math.abs(Math.log10(tau / TAU0)) <= 2) worst = Math.max(worst, Math.abs(d.gammaOhm[k]! - exact(tau)));
    });
    expect(worst).toBeLessThan(tolerance);
    expect(d.peaks).toHaveLength(1);
    expect(Math.abs(Math.log(d.peaks[0]!.tauS / TAU0))).toBeLessThan(DELTA / 2);
    expect(Math.abs(d.peaks[0]!.areaOhm / R - 1)).toBeLessThan(0.01);
    expect(Math.abs(d.highFrequencyResistanceOhm / RINF - 1)).toBeLessThan(0.01);
  });

  it("the tolerance has teeth: an over-smoothed DRT (lambda = 1 fixed) misses it", () => {
    const d = distributionOfRelaxationTimes(spectrum, { lambda: 1 });
    expect(d.criterion).toBe("given");
    let worst = 0;
    d.tauS.forEach((tau, k) => {
      if (Math.abs(Math.log10(tau / TAU0)) <= 2) worst = Math.max(worst, Math.abs(d.gammaOhm[k]! - exact(tau)));
    });
    expect(worst).toBeGreaterThan(tolerance);
  });
});

describe("a spectrum that breaks Kramers-Kronig", () => {
  it("leaves a large DRT residual (and fails Lin-KK), where a valid one of the same shape leaves < 1e-3", () => {
    // Z' of an RC with tau = 1e-4 s, Z'' of one with tau = 1e-2 s: no causal system has both
    const re = Array.from(FREQ, (f) => {
      const x = 2 * Math.PI * f * 1e-4;
      return 20 + 100 / (1 + x * x);
    });
    const im = Array.from(FREQ, (f) => {
      const x = 2 * Math.PI * f * 1e-2;
      return (-100 * x) / (1 + x * x);
    });
    const bad = distributionOfRelaxationTimes({ frequenciesHz: FREQ, realOhm: re, imagOhm: im });
    // a sum of relaxations (KK-consistent by construction) cannot follow it: residuals of
    // tens of percent, against the noise-free valid spectrum's < 1e-3 (first test)
    expect(bad.maxAbsResidual).toBeGreaterThan(0.1);
    expect(bad.residualRms).toBeGreaterThan(0.05);
    expect(linKK({ frequenciesHz: FREQ, realOhm: re, imagOhm: im }).pass).toBe(false);
    const good = circuitImpedance("R0-p(R1,C1)", { R0: 20, R1: 100, C1: 1e-6 }, FREQ);
    expect(distributionOfRelaxationTimes({ frequenciesHz: FREQ, realOhm: good.re, imagOhm: good.im }).maxAbsResidual).toBeLessThan(1e-3);
  });
});
