/**
 * sigma_eff / sigma of a voxel grid whose label 1 conducts at 1 S/cm and label 0 insulates
 * (sigma_eff is scale-free), solved to a relative residual of 1e-10: the resolved references
 * of the contact tests.
 */
import { solveNetwork } from "../src/transport/network/solve.js";
import type { VoxelGrid } from "../src/structure/voxel/grid.js";

export function conductorRatio(grid: VoxelGrid): number {
  return solveNetwork(grid, {
    phases: [{ label: 0, conductivitySPerCm: 0 }, { label: 1, conductivitySPerCm: 1 }],
    voxelNm: 1,
    tolerance: 1e-10,
    currentDensity: false,
    phaseConnectivity: false,
  }).conductivitySPerCm;
}
