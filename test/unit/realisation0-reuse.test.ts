/**
 * Realisation 0 is built and solved once: the page's fields of a voxel design and the slab
 * of a particle network (RunOptions.onRealisation0) come from the network stage's own build
 * and solve, and the cell stage takes the network stage's DC solve for its ideal-contact one
 * (CellInputs.solvedDc). Each must give exactly (bit for bit) what building and solving
 * again gives: cli/fields.ts's voxelFields and buildNetworkDesign(..., 0).currents, and
 * runCellExperiments' own solve.
 */
import { describe, expect, it } from "vitest";
import { runScenario, type Realisation0 } from "../../src/pipeline/runScenario.js";
import { buildMorphology, morphologyStream, networkOptions, voxelFields, type VoxelFields } from "../../src/pipeline/morphology.js";
import { buildNetworkDesign, networkSliceTemperature, type NetworkCurrents } from "../../src/pipeline/design.js";
import { runCellExperiments } from "../../src/pipeline/electrochem.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
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

  it("the cell stage's ideal-contact solve taken from the network stage gives the same outputs; a solve of another system is not taken", () => {
    const loaded = loadScenario("scenarios/paper/bc.json").scenario;
    const m = { ...(loaded.morphology as VoxelMorphologySettings), shape: [24, 24, 24] } as VoxelMorphologySettings;
    const built = buildMorphology(m, morphologyStream(loaded.seed, 0), ".");
    const T = 298.15;
    const inputs = { morphology: m, built, cell: loaded.cell!, temperatureK: T, effectiveSPerCm: 1e-6, effectiveStdErr: 0, lossBreakdown: false };
    const own = runCellExperiments(inputs);
    // the network stage's options: the same system, with the current density and phase connectivity reported
    const stageOptions = { ...networkOptions(m, built.phases, T, undefined), currentDensity: true, phaseConnectivity: true };
    const kept = runCellExperiments({ ...inputs, solvedDc: { grid: built.grid, options: stageOptions, result: solveNetwork(built.grid, stageOptions) } });
    expect(JSON.stringify(kept)).toBe(JSON.stringify(own));
    // it is taken: a result marked (its conductivity doubled) shows in the membrane's t+
    const result = solveNetwork(built.grid, stageOptions);
    const marked = { ...result, conductivitySPerCm: 2 * result.conductivitySPerCm };
    expect(runCellExperiments({ ...inputs, solvedDc: { grid: built.grid, options: stageOptions, result: marked } }).membraneCationShare).not.toBe(own.membraneCationShare);
    // another system (another temperature's conductivities, or another grid) is never taken
    const other = { ...networkOptions(m, built.phases, 333.15, undefined), currentDensity: false, phaseConnectivity: false };
    expect(JSON.stringify(runCellExperiments({ ...inputs, solvedDc: { grid: built.grid, options: other, result: marked } }))).toBe(JSON.stringify(own));
    const copy = { ...built.grid, phase: built.grid.phase.slice() };
    expect(JSON.stringify(runCellExperiments({ ...inputs, solvedDc: { grid: copy, options: stageOptions, result: marked } }))).toBe(JSON.stringify(own));
  });
});
