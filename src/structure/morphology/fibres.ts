/**
 * Random nanofibre networks: straight cylinders on isotropic uniform random lines (a
 * Boolean model of infinitely long cylinders, clipped at the box faces). Bacterial
 * cellulose ribbons are many micrometres long, longer than any box here, so fibres run
 * through the box; where two axes pass within a diameter the fibres cross (a junction).
 * For this model the fibre volume fraction is 1 - exp(-lambda pi a^2), lambda the axis
 * length per volume (Stoyan, Kendall and Mecke, Stochastic Geometry, ch. 9).
 *
 * Fibre widths: BC nanofibres (ribbons) are about 20-100 nm wide (Klemm et al., Angew.
 * Chem. Int. Ed. 50, 5438, 2011); default diameter 50 nm.
 */
import { MofhopError } from "../../core/errors.js";
import type { RandomStream } from "../../core/rng.js";
import type { GridShape } from "./phases.js";
import { rasteriseFibreCore } from "./raster.js";
import { lineThroughBall } from "./sampling.js";

export const DEFAULT_FIBRE_DIAMETER_NM = 50;

/** Fibre axes returned with a grid: point and unit direction per fibre, nm. */
export interface FibreSet {
  /** Six numbers per fibre: a point on the axis (nm) and the unit direction. */
  readonly axesNm: Float64Array;
  readonly diameterNm: number;
  /** Fibre f (0-based) carries grain id firstGrain + f. */
  readonly firstGrain: number;
}

/**
 * Draw isotropic random lines through the box (via the circumscribed ball, radius half
 * the diagonal plus the fibre radius) and rasterise cylinders of `radius` voxels onto voxels
 * still labelled `onlyLabel`, until at least `target` voxels carry `label`. Lines that
 * touch no free voxel are skipped. Fibre f gets grain `firstGrain + f`. Returns the axes
 * (voxel units, 6 per fibre) and the voxels labelled.
 */
export function addRandomFibres(
  stream: RandomStream,
  shape: GridShape,
  radius: number,
  target: number,
  onlyLabel: number,
  label: number,
  firstGrain: number,
  phase: Uint8Array,
  grain: Int32Array,
): { axes: Float64Array; labelled: number } {
  const [nx, ny, nz] = shape;
  const ballRadius = 0.5 * Math.hypot(nx, ny, nz) + radius;
  let axes = new Float64Array(6 * 64);
  let count = 0, labelled = 0, misses = 0;
  while (labelled < target) {
    if (6 * (count + 1) > axes.length) {
      const grown = new Float64Array(2 * axes.length);
      grown.set(axes);
      axes = grown;
    }
    lineThroughBall(stream, nx / 2, ny / 2, nz / 2, ballRadius, axes, 6 * count);
    const added = rasteriseFibreCore(shape, axes, count, radius, onlyLabel, label, firstGrain + count, phase, grain);
    if (added > 0) {
      count++;
      labelled += added;
      misses = 0;
    } else if (++misses > 100_000) {
      throw new MofhopError(`fibres: no free voxel reached after 100000 lines (${labelled} of ${target} placed)`);
    }
  }
  return { axes: axes.slice(0, 6 * count), labelled };
}

/** Axes from voxel units to nm (points scaled, directions kept). */
export function axesToNm(axes: Float64Array, voxelNm: number): Float64Array {
  const out = Float64Array.from(axes);
  for (let i = 0; i < out.length; i += 6) {
    out[i] = out[i]! * voxelNm;
    out[i + 1] = out[i + 1]! * voxelNm;
    out[i + 2] = out[i + 2]! * voxelNm;
  }
  return out;
}
