/**
 * The standard errors are honest: over independent seeds, the z-scores
 * (estimate - exact) / stdErr of the exclusion-lattice-gas charge diffusivity
 * (exact: D0 (M - N)/(M - 1), Kutner 1981) have a root-mean-square
 * near 1. With K = 40 scores, K rms^2 is chi-square with 40 degrees of freedom if the
 * errors are calibrated; its 0.05 % and 99.95 % quantiles are 17.9 and 73.4, so rms must
 * lie in [0.67, 1.35].
 */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { createStream } from "../../src/core/rng.js";
import { runKmc } from "../../src/transport/kmc/run.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";

describe("standard-error calibration", () => {
  it("charge-diffusivity z-scores have unit rms", () => {
    const M = 512, N = 200;
    const base: KmcModel = {
      lattice: cubicLattice({ kind: "simple-cubic", cells: [8, 8, 8], latticeConstantAngstrom: 1 }),
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1, hopBarrierEV: [0], siteEnergyEV: [0], count: N }],
      temperatureK: 300,
      fieldVPerCm: [0, 0, 0],
    };
    const exactD = ((1e-16 * (M - N)) / (M - 1)); // D0 = nu a^2 = 1 A^2/s
    const zD: number[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const s = runKmc(base, { replicas: 2, equilibrationHops: 2000, hops: 20000, blocks: 20 }, (r) => createStream(seed, "cal", r)).summary.species[0]!;
      zD.push((s.chargeDiffusivityCm2PerS - exactD) / s.chargeDiffusivityStdErr);
    }
    const rms = Math.sqrt(zD.reduce((a, z) => a + z * z, 0) / zD.length);
    expect(rms).toBeGreaterThan(0.67);
    expect(rms).toBeLessThan(1.35);
  });
});
