/**
 * Voxel grids: a phase label (uint8) and a grain id (int32) per voxel on an
 * nx x ny x nz box, x fastest: index = x + nx * (y + ny * z) (DESIGN.md, `raw` morphology).
 * A grid is a plain readonly record of typed arrays; generators return new grids and
 * nothing here mutates its input.
 */
import { InputError } from "../../core/errors.js";

export type Shape3 = readonly [number, number, number];

export interface VoxelGrid {
  /** [nx, ny, nz]; current flows along x in the network solver. */
  readonly shape: Shape3;
  /** Phase label of each voxel (0..255). */
  readonly phase: Uint8Array;
  /** Grain id of each voxel; face neighbours with different ids are separated by a grain boundary. */
  readonly grain: Int32Array;
}

/** Number of voxels of a shape, after checking that every side is a positive integer. */
export function voxelCount(shape: Shape3): number {
  for (let d = 0; d < 3; d++) {
    const s = shape[d];
    if (s === undefined || !Number.isInteger(s) || s < 1) {
      throw new InputError(`voxel shape [${shape.join(", ")}]: side ${d} must be a positive integer`);
    }
  }
  const n = shape[0] * shape[1] * shape[2];
  if (n > 2 ** 31 - 1) throw new InputError(`voxel shape [${shape.join(", ")}] has ${n} voxels; at most 2^31 - 1`);
  return n;
}

/** Flat index of voxel (x, y, z): x + nx (y + ny z). */
export function voxelIndex(shape: Shape3, x: number, y: number, z: number): number {
  return x + shape[0] * (y + shape[1] * z);
}

/**
 * A grid from given arrays (checked, not copied). Without `grain` every voxel belongs to
 * grain 0 (a single crystal: no grain boundaries).
 */
export function createVoxelGrid(shape: Shape3, phase: Uint8Array, grain?: Int32Array): VoxelGrid {
  const n = voxelCount(shape);
  if (phase.length !== n) {
    throw new InputError(`phase array has ${phase.length} entries; shape [${shape.join(", ")}] needs ${n}`);
  }
  if (grain !== undefined && grain.length !== n) {
    throw new InputError(`grain array has ${grain.length} entries; shape [${shape.join(", ")}] needs ${n}`);
  }
  return { shape: [shape[0], shape[1], shape[2]], phase, grain: grain ?? new Int32Array(n) };
}

/** Count of voxels carrying each label 0..255. */
export function phaseCounts(grid: VoxelGrid): Float64Array {
  const counts = new Float64Array(256);
  const p = grid.phase;
  for (let i = 0; i < p.length; i++) counts[p[i]]++;
  return counts;
}
