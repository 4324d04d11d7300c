/**
 * Which voxels carry current: the face-connected clusters of conducting voxels inside the
 * unknown box that touch both electrodes. Everything else (insulators, isolated clusters,
 * dead ends hanging from a single electrode) is removed before the solve, which keeps the
 * reduced Laplacian symmetric positive definite (OpenPNM checks for isolated clusters the
 * same way before a solve).
 */
import type { Shape3, VoxelGrid } from "../../structure/voxel/grid.js";
import { connectedComponents } from "../../structure/voxel/components.js";

export interface NetworkTopology {
  /** First voxel layer (x) of the unknown box: 1 with voxel-layer electrodes, else 0. */
  readonly x0: number;
  /** Shape of the unknown box [nb, ny, nz]. */
  readonly box: Shape3;
  /** 1 for box cells in a current-carrying cluster (box index bx + nb (y + ny z)). */
  readonly carrying: Uint8Array;
  readonly carryingCount: number;
  /** Clusters of conducting voxels in the box, and how many of them touch both electrodes. */
  readonly clusters: number;
  readonly spanningClusters: number;
}

/**
 * `conducts[label]` = 1 for labels that conduct (in the solve at hand). With voxel-layer
 * electrodes a box cell at x = 1 touches the low electrode when the x = 0 voxel next to it
 * conducts (likewise at the high side); with planes it touches whenever `planeContact`.
 * `periodicSides`: clusters also connect across the y and z faces (options.ts, `sides`).
 * `scratch` (at least nb ny nz entries): memory for the cluster labels, overwritten.
 */
export function networkTopology(grid: VoxelGrid, conducts: Uint8Array, layers: boolean, planeContact: boolean, periodicSides = false, scratch?: Int32Array): NetworkTopology {
  const [nx, ny, nz] = grid.shape;
  const x0 = layers ? 1 : 0;
  const nb = layers ? nx - 2 : nx;
  const box: Shape3 = [nb, ny, nz];
  const phase = grid.phase;
  const mask = new Uint8Array(nb * ny * nz);
  for (let z = 0, c = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const v = x0 + nx * (y + ny * z);
      for (let bx = 0; bx < nb; bx++, c++) mask[c] = conducts[phase[v + bx]!]!;
    }
  }
  // the cluster labels (4 B a cell) in the caller's scratch when lent (solve.ts: the lean solution's buffer)
  const comp = connectedComponents(box, mask, [false, periodicSides, periodicSides], scratch);
  const low = new Uint8Array(comp.count), high = new Uint8Array(comp.count);
  const labels = comp.labels;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const c = nb * (y + ny * z), v = nx * (y + ny * z);
      const lo = labels[c]!, hi = labels[c + nb - 1]!;
      if (lo >= 0 && (layers ? conducts[phase[v]!] === 1 : planeContact)) low[lo] = 1;
      if (hi >= 0 && (layers ? conducts[phase[v + nx - 1]!] === 1 : planeContact)) high[hi] = 1;
    }
  }
  let spanningClusters = 0;
  for (let k = 0; k < comp.count; k++) if (low[k] === 1 && high[k] === 1) spanningClusters++;
  // reuse the mask as the carrying flag
  let carryingCount = 0;
  for (let c = 0; c < mask.length; c++) {
    const l = labels[c]!;
    const on = l >= 0 && low[l] === 1 && high[l] === 1 ? 1 : 0;
    mask[c] = on;
    carryingCount += on;
  }
  return { x0, box, carrying: mask, carryingCount, clusters: comp.count, spanningClusters };
}
