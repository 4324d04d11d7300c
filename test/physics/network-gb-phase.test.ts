/**
 * A grain boundary is a boundary between two grains of the same phase: a MOF particle's
 * contact with another particle adds R_gb, its contact with a binder or liquid voxel (a
 * different phase, whose grain ids mean nothing) does not. Exact series resistance of a
 * 4-voxel chain between electrode planes: R = 2/(s1 h) + 2/(s2 h) + R_gb/h^2.
 */
import { describe, expect, it } from "vitest";
import { createVoxelGrid } from "../../src/structure/voxel/grid.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
import { solveImpedance } from "../../src/transport/network/impedance.js";

describe("grain boundaries only between grains of one phase", () => {
  const grid = createVoxelGrid([4, 1, 1], Uint8Array.from([1, 1, 2, 2]), Int32Array.from([1, 2, 0, 0]));
  const s1 = 1e-3, s2 = 2e-4, rgb = 0.5, voxelNm = 100, h = voxelNm * 1e-7;
  const options = { phases: [{ label: 1, conductivitySPerCm: s1 }, { label: 2, conductivitySPerCm: s2 }], voxelNm, grainBoundary: { resistanceOhmCm2: rgb } };
  const exact = 2 / (s1 * h) + 2 / (s2 * h) + rgb / (h * h);
  it("DC", () => {
    expect(Math.abs(solveNetwork(grid, options).resistanceOhm / exact - 1)).toBeLessThan(1e-9);
  });
  it("AC at low frequency", () => {
    const z = solveImpedance(grid, options, [1e-3]);
    expect(Math.abs(z.realOhm[0]! / exact - 1)).toBeLessThan(1e-9);
  });
});
