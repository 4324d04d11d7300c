/**
 * Calibration recovers known parameters. Synthetic "KMC" conductivities follow
 * sigma_ref = (A/T) exp(-Ea/kT) with 2 % noise; the "measured" data are the same model
 * with nu scaled by s and every barrier shifted by delta, passed through a forward map.
 * The estimate must fall within Z_TOL standard errors of the truth, and its errors must be
 * calibrated (rms z over seeds).
 */
import { describe, expect, it } from "vitest";
import { arrheniusLine, fitAttemptAndBarrierShift, type CalibrationPoint } from "../../src/analysis/calibration.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";
import { createStream } from "../../src/core/rng.js";
import { expectWithinErrors } from "../stats-tolerance.js";

const temps = [253.15, 273.15, 298.15, 313.15, 333.15];
const truth = { lnS: Math.log(3e-4), delta: 0.035 };
const ref = (T: number) => (3e3 / T) * Math.exp(-0.12 / (BOLTZMANN_EV_PER_K * T));
const forwards: [string, (s: number, T: number) => number][] = [
  ["identity", (s) => s],
  ["pellet-like series grain boundary", (s) => 1 / (1 / (0.4 * s) + 2000)],
];

describe("calibration of attempt frequency and barrier shift", () => {
  for (const [label, forward] of forwards) {
    it(`exact data (${label}): recovers the truth`, () => {
      const pts: CalibrationPoint[] = temps.map((T) => ({
        temperatureK: T,
        referenceSPerCm: ref(T),
        referenceStdErr: 0.02 * ref(T),
        measuredSPerCm: forward(ref(T) * Math.exp(truth.lnS - truth.delta / (BOLTZMANN_EV_PER_K * T)), T),
        measuredRelativeError: 0.02,
      }));
      const fit = fitAttemptAndBarrierShift(pts, forward);
      expect(fit.lnAttemptFrequencyScale).toBeCloseTo(truth.lnS, 5);
      expect(fit.barrierShiftEV).toBeCloseTo(truth.delta, 6);
    });
    it(`noisy reference (${label}): within the reported errors, which are calibrated`, () => {
      const rng = createStream(5, "calibration", label);
      const z: number[] = [];
      for (let k = 0; k < 60; k++) {
        const pts: CalibrationPoint[] = temps.map((T) => {
          const kmc = ref(T) * (1 + 0.03 * rng.nextNormal());
          return {
            temperatureK: T,
            referenceSPerCm: kmc,
            referenceStdErr: 0.03 * ref(T),
            measuredSPerCm: forward(ref(T) * Math.exp(truth.lnS - truth.delta / (BOLTZMANN_EV_PER_K * T)), T),
            measuredRelativeError: 0.001,
          };
        });
        const fit = fitAttemptAndBarrierShift(pts, forward);
        if (k === 0) expectWithinErrors(fit.barrierShiftEV, truth.delta, fit.barrierShiftStdErr);
        z.push((fit.barrierShiftEV - truth.delta) / fit.barrierShiftStdErr);
      }
      const rms = Math.sqrt(z.reduce((a, v) => a + v * v, 0) / z.length);
      // Birge scaling (never below nominal) makes the errors conservative: rms z <= ~1
      expect(rms).toBeGreaterThan(0.5);
      expect(rms).toBeLessThan(1.35);
    });
  }
  it("arrheniusLine: both forms pass through the reference point with the stated slope", () => {
    expect(arrheniusLine(2.65e-4, 298.15, 0.16, 298.15)).toBeCloseTo(2.65e-4, 15);
    const a = arrheniusLine(1, 298.15, 0.16, 300), b = arrheniusLine(1, 298.15, 0.16, 310);
    expect(-BOLTZMANN_EV_PER_K * Math.log(a / b) / (1 / 300 - 1 / 310)).toBeCloseTo(0.16, 10);
  });
});
