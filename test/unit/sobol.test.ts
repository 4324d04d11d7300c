/**
 * Sobol indices from a polynomial chaos expansion fitted to samples, against exact values:
 * an additive linear function (S_i = c_i^2 / sum c_j^2, exact to rounding) and the Ishigami
 * function (Ishigami and Homma 1990; exact indices from Sobol' and Levitan 1999, a = 7,
 * b = 0.1): S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { latinHypercube } from "../../src/analysis/distributions.js";
import { pceSobol, predict } from "../../src/analysis/sobol.js";
import { Z_TOL } from "../stats-tolerance.js";

const ishigami = (u: ArrayLike<number>): number => {
  const x = Array.from(u, (v) => -Math.PI + 2 * Math.PI * v);
  return Math.sin(x[0]!) + 7 * Math.sin(x[1]!) ** 2 + 0.1 * x[2]! ** 4 * Math.sin(x[0]!);
};
const design = (n: number, k: number, seed: number) => latinHypercube(n, Array.from({ length: k }, (_, j) => createStream(seed, "sobol-test", j)));

describe("Sobol indices from a polynomial chaos expansion", () => {
  it("an additive linear function: exact indices, no interactions, zero leave-one-out error", () => {
    const c = [2, -1, 0.5, 0];
    const u = design(40, 4, 1);
    const y = u.map((r) => 1 + c.reduce((s, ci, j) => s + ci * r[j]!, 0));
    const s = pceSobol(u, y, { bootstrap: 0 });
    const sum = c.reduce((a, b) => a + b * b, 0);
    c.forEach((ci, j) => {
      expect(s.firstOrder[j]).toBeCloseTo((ci * ci) / sum, 10);
      expect(s.total[j]).toBeCloseTo((ci * ci) / sum, 10);
    });
    expect(s.looRelativeError).toBeLessThan(1e-20);
    // variance of sum c_i u_i with u_i uniform on (0, 1): sum c_i^2 / 12
    expect(s.variance).toBeCloseTo(sum / 12, 10);
  });

  it("Ishigami: first-order and total indices within the bootstrap errors (plus the emulator's own) of the exact values", () => {
    const a = 7, b = 0.1, pi4 = Math.PI ** 4, pi8 = Math.PI ** 8;
    const V = (a * a) / 8 + (b * pi4) / 5 + (b * b * pi8) / 18 + 0.5;
    const V1 = (b * pi4) / 5 + (b * b * pi8) / 50 + 0.5;
    const V2 = (a * a) / 8;
    const V13 = (8 * b * b * pi8) / 225;
    const exactFirst = [V1 / V, V2 / V, 0];
    const exactTotal = [(V1 + V13) / V, V2 / V, V13 / V];
    const u = design(600, 3, 2);
    const s = pceSobol(u, u.map(ishigami), { maxDegree: 12, bootstrap: 100, stream: createStream(2, "bootstrap") });
    expect(s.looRelativeError).toBeLessThan(0.01);
    for (let j = 0; j < 3; j++) {
      for (const [est, band, exact] of [
        [s.firstOrder[j]!, s.firstOrderBand90![j]!, exactFirst[j]!],
        [s.total[j]!, s.totalBand90![j]!, exactTotal[j]!],
      ] as const) {
        // a 90 % band spans 2 x 1.645 standard errors; the unexplained variance fraction bounds the truncation
        const se = (band[1] - band[0]) / (2 * 1.645);
        expect(Math.abs(est - exact), `index of input ${j}: ${est} vs exact ${exact}, band ${band}`).toBeLessThan(Z_TOL * se + s.looRelativeError);
      }
    }
  });

  it("the leave-one-out error predicts the error on samples the expansion never saw", () => {
    const u = design(300, 3, 3);
    const s = pceSobol(u, u.map(ishigami), { maxDegree: 12, bootstrap: 0 });
    const held = design(4000, 3, 4);
    const ys = held.map(ishigami);
    const mean = ys.reduce((x, y) => x + y, 0) / ys.length;
    const mse = held.reduce((acc, r, i) => acc + (predict(s.expansion, r) - ys[i]!) ** 2, 0) / held.length;
    const variance = ys.reduce((acc, y) => acc + (y - mean) ** 2, 0) / (ys.length - 1);
    const heldOut = mse / variance;
    // leave-one-out is a nearly unbiased estimate of the generalisation error (Allen 1974); its
    // own scatter at n = 300 is tens of percent, so agreement within a factor 2 is the check
    expect(heldOut / s.looRelativeError).toBeGreaterThan(0.5);
    expect(heldOut / s.looRelativeError).toBeLessThan(2);
  });

  it("refuses too few samples and mismatched lengths", () => {
    expect(() => pceSobol(design(3, 2, 1), [1, 2, 3])).toThrow(/at least 4 samples/);
    expect(() => pceSobol(design(10, 2, 1), [1, 2])).toThrow(/10 sample rows but 2 outputs/);
    expect(() => pceSobol(design(8, 5, 1), new Array(8).fill(0).map((_, i) => i))).toThrow(/too few for even a linear expansion/);
  });
});
