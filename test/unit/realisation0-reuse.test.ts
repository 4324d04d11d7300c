/**
 * Realisation 0 is built and solved once: the page's fields of a voxel design and the slab
 * of a particle network (RunOptions.onRealisation0) come from the network stage's own build
 * and solve. Each must give exactly (bit for bit) what building and solving again gives:
 * cli/fields.ts's voxelFields and buildNetworkDesign(..., 0).currents.
 */
import { describe, expect, it } from "vitest";
import { runScenario, type Realisation0 } from "../../src/pipeline/runScenario.js";
import { voxelFields, type VoxelFields } from "../../src/pipeline/morphology.js";
import { buildNetworkDesign, networkSliceTemperature, type NetworkCurrents } from "../../src/pipeline/design.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import { isNetworkDesign, type Scenario, type VoxelMorphologySettings } from "../../src/scenario/schema.js";

/** The same bits (NaN included), not merely close. */
const sameBits = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("realisation 0 kept from the network stage", () => {
  it("a voxel design's page fields are voxelFields' (the same grid, potential and |j|), and the run's numbers are unchanged", () => {
    const s = parseScenario({
      name: "two-phase",
      seed: 7,
      temperaturesK: [273.15, 298.15, 313.15],
      morphology: {
        kind: "random-voxels", shape: [14, 10, 9], voxelNm: 20, realizations: 2,
        phases: [{ name: "A", fraction: 0.55, conductivitySPerCm: 1e-3, activationEnergyEV: 0.3, transferenceNumber: 1 }, { name: "B", fraction: 0.45, conductivitySPerCm: 1e-6, transferenceNumber: 0.4 }],
      },
    });
    const got: Realisation0[] = [];
    const withPage = runScenario(s, { onRealisation0: (r) => got.push(r) });
    expect(JSON.stringify(withPage)).toBe(JSON.stringify(runScenario(s)));
    expect(got.length).toBe(1);
    const kept = got[0]!;
    if (kept.kind !== "voxel") throw new Error("expected voxel fields");
    const f: VoxelFields = voxelFields(s.morphology as VoxelMorphologySettings, s.seed, ".", 298.15, undefined);
    expect(kept.fields.temperatureK).toBe(f.temperatureK);
    expect(kept.fields.shape).toEqual(f.shape);
    expect(kept.fields.voxelNm).toEqual(f.voxelNm);
    expect(kept.fields.phases).toEqual(f.phases);
    expect(kept.fields.appliedVoltageV).toBe(f.appliedVoltageV);
    expect(Object.is(kept.fields.conductivitySPerCm, f.conductivitySPerCm)).toBe(true);
    for (const key of ["phase", "grain", "potentialV", "currentDensityACm2"] as const) expect(sameBits(kept.fields[key], f[key]), key).toBe(true);
  });

  it("a particle network's currents are buildNetworkDesign(realisation 0).currents' at the slice's temperature", () => {
    const loaded = loadScenario("scenarios/paper/pellet.json").scenario;
    const m = loaded.morphology!;
    if (!isNetworkDesign(m)) throw new Error("pellet.json is not a particle network");
    // no KMC (a given particle conductivity) and no cell: the network stage alone
    const { lattice: _l, species: _s, kmc: _k, cell: _c, ...rest } = loaded;
    const scenario = { ...rest, temperaturesK: [298.15, 313.15], morphology: { ...m, particleCount: 200, realizations: 2, phases: [{ ...m.phases[0], conductivitySPerCm: 1e-4, transferenceNumber: 1 }] } } as Scenario;
    const got: Realisation0[] = [];
    runScenario(scenario, { onRealisation0: (r) => got.push(r) });
    expect(got.length).toBe(1);
    const kept = got[0]!;
    if (kept.kind !== "network") throw new Error("expected a network's currents");
    const T = networkSliceTemperature(scenario, []);
    expect(kept.temperatureK).toBe(T);
    const again: NetworkCurrents = buildNetworkDesign(scenario, scenario.morphology as typeof m, 0).currents(T, undefined);
    expect(Object.is(kept.currents.conductivitySPerCm, again.conductivitySPerCm)).toBe(true);
    expect(sameBits(kept.currents.bondCurrentA, again.bondCurrentA)).toBe(true);
    expect(sameBits(kept.currents.radiusCm, again.radiusCm)).toBe(true);
    expect(sameBits(kept.currents.graph.positionCm, again.graph.positionCm)).toBe(true);
  });
});
