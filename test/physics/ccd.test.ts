/**
 * The virtual critical-current-density test (pipeline/electrochem.ts). Reference: for a face
 * that touches the electrode over a fraction f of its area and carries the current uniformly
 * there, the local current density is the geometric one over f, so the cell fails at
 * CCD = f i_crit (the analytic limit of uniform contact). Straight conducting columns over a
 * quarter of the face realise it exactly; any uneven distribution focuses the current more
 * (F >= 1/f_carrying by Cauchy-Schwarz), so the CCD of a random composite lies below f i_crit.
 */
import { describe, expect, it } from "vitest";
import { runCellExperiments } from "../../src/pipeline/electrochem.js";
import { cellSchema, type VoxelMorphologySettings } from "../../src/scenario/schema.js";
import { createVoxelGrid } from "../../src/structure/voxel/grid.js";
import { createStream } from "../../src/core/rng.js";

const T = 298.15;
const cell = cellSchema.parse({ fixedChargeMolPerL: 1, criticalLocalCurrentDensityMAPerCm2: 1, rateCapability: { cRates: [0.2, 5] } });
const phases = [{ name: "pore", conductivitySPerCm: 0 }, { name: "mof", conductivitySPerCm: 1e-3, transferenceNumber: 1 }];

function run(phase: Uint8Array, n: [number, number, number]) {
  const morphology: VoxelMorphologySettings = { kind: "random-voxels", shape: n, voxelNm: 100, phases: phases.map((p) => ({ ...p, fraction: 0.5 })), realizations: 1, tolerance: 1e-10 };
  const built = { grid: createVoxelGrid(n, phase, new Int32Array(phase.length)), phases: phases.map((p, label) => ({ ...p, label })) };
  return runCellExperiments({ morphology, built, cell, temperatureK: T, effectiveSPerCm: 2.5e-4, effectiveStdErr: 0 });
}

describe("critical current density", () => {
  it("straight columns over a quarter of the face: CCD = f i_crit = 0.25 mA/cm2", () => {
    const n: [number, number, number] = [6, 8, 8];
    const phase = new Uint8Array(6 * 64);
    for (let z = 0; z < 8; z++) for (let y = 0; y < 8; y++) if (y % 2 === 0 && z % 2 === 0) for (let x = 0; x < 6; x++) phase[x + 6 * (y + 8 * z)] = 1;
    const out = run(phase, n);
    expect(out.criticalCurrent!.focusingFactor).toBeCloseTo(4, 9);
    expect(out.criticalCurrent!.criticalCurrentDensityMAPerCm2).toBeCloseTo(0.25, 9);
    // the rate test flags the rates whose current density exceeds it: 5 C (1.49 mA/cm2), not 0.2 C (0.06)
    expect(out.rateCapability.map((r) => r.exceedsCriticalCurrent)).toEqual([false, true]);
  });

  it("a random composite focuses more than its contact fraction: CCD < f i_crit", () => {
    const n: [number, number, number] = [12, 12, 12];
    const s = createStream(3, "ccd");
    const phase = new Uint8Array(12 ** 3);
    for (let i = 0; i < phase.length; i++) phase[i] = s.nextFloat() < 0.7 ? 1 : 0;
    let face = 0;
    for (let z = 0; z < 12; z++) for (let y = 0; y < 12; y++) face += phase[12 * (y + 12 * z)]!;
    const f = face / 144;
    const out = run(phase, n);
    expect(out.criticalCurrent!.criticalCurrentDensityMAPerCm2).toBeLessThan(f);
    expect(out.criticalCurrent!.criticalCurrentDensityMAPerCm2).toBeGreaterThan(0);
  });
});
