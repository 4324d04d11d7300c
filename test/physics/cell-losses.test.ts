/**
 * What limits a cell: the capacity with each loss removed in turn (pipeline/electrochem.ts).
 * Removing a loss never costs capacity (each one only lowers the voltage at a given state of
 * charge), and a membrane 1000 times more resistive than a good one is what limits it at 3 C:
 * removing its loss gains more than removing any other (its ohmic drop at 3 C, 0.89 mA/cm2
 * x 2.9 kohm cm2 = 2.6 V, exceeds the 0.9 V between the plateau and the cut-off on its own).
 */
import { describe, expect, it } from "vitest";
import { runCellExperiments } from "../../src/pipeline/electrochem.js";
import { limitRows } from "../../src/report/compare.js";
import { cellSchema, type VoxelMorphologySettings } from "../../src/scenario/schema.js";
import { createVoxelGrid } from "../../src/structure/voxel/grid.js";
import type { Results } from "../../src/pipeline/results.js";

function cellWith(sigma: number, cathode?: Record<string, number>) {
  const n = 4, T = 298.15;
  const phase = { name: "mof", conductivitySPerCm: sigma, transferenceNumber: 1 };
  const morphology: VoxelMorphologySettings = { kind: "random-voxels", shape: [n, n, n], voxelNm: 100, phases: [{ ...phase, fraction: 1 }], realizations: 1, tolerance: 1e-10 };
  const built = { grid: createVoxelGrid([n, n, n], new Uint8Array(n ** 3).fill(1), new Int32Array(n ** 3)), phases: [{ ...phase, label: 1 }] };
  const cell = cellSchema.parse({ fixedChargeMolPerL: 1, rateCapability: { cRates: [0.2, 3], ...(cathode !== undefined ? { cathode } : {}) } });
  return runCellExperiments({ morphology, built, cell, temperatureK: T, effectiveSPerCm: sigma, effectiveStdErr: 0 });
}

describe("the loss breakdown of the rate test", () => {
  const good = cellWith(1e-3), poor = cellWith(3e-6);

  it("removing a loss never lowers the capacity", () => {
    for (const out of [good, poor]) {
      for (const row of out.rateCapability) {
        for (const q of Object.values(row.capacityWithoutLossMAhPerG!)) expect(q).toBeGreaterThanOrEqual(row.dischargeCapacityMAhPerG - 1e-6);
      }
    }
  });

  it("the scenario's cathode reaches the cell: where solid diffusion limits, a faster diffusivity or smaller particles give more at 3 C, and the defaults are the library's", () => {
    // the good membrane's cell at 3 C is limited by LiFePO4 solid diffusion (the breakdown says so)
    const cap3 = (c?: Record<string, number>) => cellWith(1e-3, c).rateCapability.find((r) => r.cRate === 3)!.dischargeCapacityMAhPerG;
    const base = cap3();
    expect(cap3({ particleRadiusNm: 100, solidDiffusivityCm2PerS: 1.8e-14, porosity: 0.4 })).toBe(base);
    expect(cap3({ solidDiffusivityCm2PerS: 1.8e-13 })).toBeGreaterThan(base + 10);
    expect(cap3({ solidDiffusivityCm2PerS: 1.8e-15 })).toBeLessThan(base - 10);
    expect(cap3({ particleRadiusNm: 50 })).toBeGreaterThan(base + 10);
    expect(() => cellSchema.parse({ rateCapability: { cathode: { solidDiffusivityCm2PerS: -1 } } })).toThrow();
  });

  it("a resistive membrane is what limits its cell at 3 C", () => {
    const results = { scenario: "poor", transport: [], transferenceNumber: [], arrhenius: [], kmc: [], effective: [], rateCapability: poor.rateCapability } as unknown as Results;
    const at3 = limitRows([results]).find((r) => r.cRate === 3)!;
    expect(at3.limitedBy).toBe("membrane");
    expect(at3.capacityMAhPerG).toBe(0);
  });
});
