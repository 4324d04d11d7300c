/**
 * The attempt frequency and a uniform barrier shift multiply every rate by one factor
 * f = (nu / nu_0) exp(-delta / kT), so a KMC run at new values is the old trajectory in a
 * time scaled by 1/f: with the same seed, a fresh run must equal the cached run rescaled,
 * to rounding. This is what lets an uncertainty run or a calibration vary them without
 * running the KMC again.
 */
import { describe, expect, it } from "vitest";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";
import { runScenario, type KmcTemperatureResult } from "../../src/pipeline/runScenario.js";
import { parseScenario } from "../../src/scenario/load.js";

const base = {
  name: "rescale",
  seed: 11,
  temperaturesK: [260, 330],
  lattice: { kind: "bcc", cells: [6, 6, 6], latticeConstantAngstrom: 3.5 },
  species: [{ name: "Li+", charge: 1, occupancy: 0.3, hopBarrierEV: 0.22, attemptFrequencyHz: 1e13, siteEnergiesEV: { site: 0 } }],
  kmc: { equilibrationHops: 2000, hops: 20000, replicas: 2, blocks: 5, interactionEV: 0.02 },
};

describe("exact rescaling of a KMC run by attempt frequency and barrier shift", () => {
  it("a fresh run at (2.5 nu, +0.03 eV) equals the cached run rescaled, to rounding", () => {
    const cache = new Map<string, KmcTemperatureResult>();
    const reference = runScenario(parseScenario(base), { kmcCache: cache });
    const moved = parseScenario({ ...base, species: [{ ...base.species[0], attemptFrequencyHz: 2.5e13, barrierShiftEV: 0.03 }] });
    const fresh = runScenario(moved);
    const fromCache = runScenario(moved, { kmcCache: cache });
    expect(fromCache.kmc.map((k) => k.simulatedTimeS)).not.toEqual(reference.kmc.map((k) => k.simulatedTimeS));
    fresh.transport.forEach((row, i) => {
      const f = 2.5 * Math.exp(-0.03 / (BOLTZMANN_EV_PER_K * row.temperatureK));
      const c = fromCache.transport[i]!;
      for (const key of ["conductivitySPerCm", "conductivityStdErr", "tracerDiffusivityCm2PerS", "chargeDiffusivityCm2PerS", "havenRatio"] as const) {
        expect(Math.abs(c[key] / row[key] - 1), `${key} at ${row.temperatureK} K`).toBeLessThan(1e-9);
      }
      expect(Math.abs(c.conductivitySPerCm / (f * reference.transport[i]!.conductivitySPerCm) - 1)).toBeLessThan(1e-12);
    });
    fresh.kmc.forEach((k, i) => expect(Math.abs(fromCache.kmc[i]!.simulatedTimeS / k.simulatedTimeS - 1)).toBeLessThan(1e-9));
  });

  it("two species rescaled by different factors are not taken from the cache", () => {
    const two = { ...base, species: [base.species[0], { name: "Na+", charge: 1, occupancy: 0.1, hopBarrierEV: 0.25, attemptFrequencyHz: 1e13, siteEnergiesEV: { site: 0 } }] };
    const cache = new Map<string, KmcTemperatureResult>();
    runScenario(parseScenario(two), { kmcCache: cache });
    const moved = parseScenario({ ...two, species: [{ ...two.species[0], attemptFrequencyHz: 2e13 }, two.species[1]] });
    expect(runScenario(moved, { kmcCache: cache })).toEqual(runScenario(moved));
  });
});
