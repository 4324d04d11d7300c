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

/** An axis of the grid by name. */
export type Axis = "x" | "y" | "z";

/**
 * The grid turned so that `axis` becomes x (the solver's current direction), by a cyclic
 * permutation of the axes (a rotation, so handedness is kept): "x" returns the grid itself,
 * "y" maps (x, y, z) -> (y, z, x), "z" maps (x, y, z) -> (z, x, y). `turnEdges` turns
 * per-axis values (voxel edges) the same way.
 */
export function turnToAxis(grid: VoxelGrid, axis: Axis): VoxelGrid {
  if (axis === "x") return grid;
  const [nx, ny, nz] = grid.shape;
  const shape: Shape3 = axis === "y" ? [ny, nz, nx] : [nz, nx, ny];
  const [mx, my] = shape;
  const phase = new Uint8Array(grid.phase.length), grain = new Int32Array(grid.grain.length);
  // a grid without grains keeps its grain array untouched (zero pages, no resident memory)
  const grains = grid.grain.some((g) => g !== 0);
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const j = axis === "y" ? y + mx * (z + my * x) : z + mx * (x + my * y);
        phase[j] = grid.phase[i]!;
        if (grains) grain[j] = grid.grain[i]!;
      }
    }
  }
  return { shape, phase, grain };
}

/** Per-axis values [x, y, z] in the order of `turnToAxis(grid, axis)`'s axes. */
export function turnEdges<T>(values: readonly [T, T, T], axis: Axis): [T, T, T] {
  const [a, b, c] = values;
  return axis === "x" ? [a, b, c] : axis === "y" ? [b, c, a] : [c, a, b];
}
