/**
 * Tolerances for stochastic tests. Each stochastic assertion allows Z_TOL standard errors.
 * With about 40 such assertions in the suite and a family-wise false-alarm rate of 0.25 %,
 * Bonferroni gives a two-sided per-assertion level of 6e-5, i.e. z = 4.0 for a normal
 * estimate. The standard errors themselves are checked for calibration (the z-scores of
 * repeated seeded runs have unit root-mean-square) in test/physics/kmc-stderr.test.ts.
 */
import { expect } from "vitest";

export const Z_TOL = 4;

/** |value - reference| < Z_TOL * stdErr (+ an optional bound on a known systematic). */
export function expectWithinErrors(value: number, reference: number, stdErr: number, systematic = 0): void {
  expect(Number.isFinite(stdErr) && stdErr > 0, `standard error ${stdErr} must be positive`).toBe(true);
  const z = Math.abs(value - reference) / stdErr;
  expect(
    Math.abs(value - reference),
    `value ${value} vs reference ${reference}: ${z.toFixed(2)} standard errors (se ${stdErr})`,
  ).toBeLessThan(Z_TOL * stdErr + systematic);
}
