/**
 * Partial conductivities of the effective rows (pipeline/runScenario.ts): where every
 * conducting phase splits its current alike (one t), sigma_+ = t sigma and sigma_- = (1 - t)
 * sigma add up to sigma exactly (linearity: the network with all conductances scaled by t is t
 * times the network); where phases differ the split lies between their t's and still adds up
 * (the exact composite cases: test/physics/partial-conductivities.test.ts).
 */
import { describe, expect, it } from "vitest";
import { scenarioSchema } from "../../src/scenario/schema.js";
import { runScenario } from "../../src/pipeline/runScenario.js";

function scenario(tA: number, tB: number) {
  return scenarioSchema.parse({
    name: "partials", seed: 3, temperaturesK: [298.15],
    morphology: { kind: "random-voxels", shape: [12, 12, 12], voxelNm: 50, phases: [
      { name: "A", fraction: 0.6, conductivitySPerCm: 1e-3, transferenceNumber: tA },
      { name: "B", fraction: 0.4, conductivitySPerCm: 1e-5, transferenceNumber: tB },
    ] },
  });
}

describe("partial conductivities", () => {
  it("one t for every phase: t sigma and (1 - t) sigma, adding up to sigma", () => {
    const row = runScenario(scenario(0.4, 0.4)).effective[0]!;
    expect(row.cationConductivitySPerCm! / row.conductivitySPerCm).toBeCloseTo(0.4, 12);
    expect(Math.abs(row.cationConductivitySPerCm! + row.anionConductivitySPerCm! - row.conductivitySPerCm) / row.conductivitySPerCm).toBeLessThan(1e-12);
  });
  it("phases with different t: a split between them that adds up to sigma", () => {
    const row = runScenario(scenario(0.4, 0.9)).effective[0]!;
    const t = row.cationConductivitySPerCm! / row.conductivitySPerCm;
    expect(t).toBeGreaterThan(0.4);
    expect(t).toBeLessThan(0.9);
    expect(Math.abs(row.cationConductivitySPerCm! + row.anionConductivitySPerCm! - row.conductivitySPerCm) / row.conductivitySPerCm).toBeLessThan(1e-12);
  });
});
