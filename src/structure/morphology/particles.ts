/**
 * Particle helpers shared by the particle generators: size checks, lognormal sampling in
 * voxel units, and "swell to a voxel count" (choose the common radius scale s whose
 * union of spheres covers exactly the requested number of voxels, then assign the covered
 * voxels to particles by power distance).
 */
import { ScenarioError } from "../../core/errors.js";
import type { RandomStream } from "../../core/rng.js";
import { checkResolved, fmt } from "./check.js";
import type { GridShape } from "./phases.js";
import { kthSmallest, minScaleMap, powerAssign } from "./raster.js";
import { LOG_SD_TRUNCATION, lognormalDiameters } from "./sampling.js";

/** Most particles a generator places (the packing is O(N) per sweep; this bounds its time). */
export const MAX_PARTICLES = 100_000;

/**
 * Check that the smallest particle (median exp(-3 sd)) spans >= 2 voxels and that every box
 * side holds twice the largest (median exp(+3 sd) x `inflate`), which keeps the periodic
 * minimum-image packing exact.
 */
export function checkParticleSizes(shape: GridShape, voxelNm: number, medianNm: number, logSd: number, inflate = 1): void {
  const dMin = medianNm * Math.exp(-LOG_SD_TRUNCATION * logSd);
  checkResolved("particleDiameterNm", `the smallest particle (median ${fmt(medianNm)} nm x exp(-3 x ${fmt(logSd)}))`, dMin, voxelNm, 2);
  const dMax = medianNm * Math.exp(LOG_SD_TRUNCATION * logSd) * inflate;
  const sideNm = Math.min(shape[0], shape[1], shape[2]) * voxelNm;
  if (sideNm < 2 * dMax) {
    throw new ScenarioError(
      "shape",
      `got [${shape.join(", ")}] voxels of ${fmt(voxelNm)} nm: the shortest side (${fmt(sideNm)} nm) must hold twice the largest particle (${fmt(dMax)} nm at +3 sd), i.e. at least ${Math.ceil((2 * dMax) / voxelNm)} voxels`,
    );
  }
}

/** Lognormal diameters in voxel units summing (in sphere volume) to about `targetVolumeVox`. */
export function sampleDiameters(stream: RandomStream, medianVox: number, logSd: number, targetVolumeVox: number): Float64Array {
  const d = lognormalDiameters(stream, medianVox, logSd, targetVolumeVox);
  if (d.length > MAX_PARTICLES) {
    throw new ScenarioError("shape", `the box would hold ${d.length} particles; at most ${MAX_PARTICLES} (use a smaller shape or larger voxels)`);
  }
  return d;
}

/** Uniform random centres in [0, L)^3, xyz interleaved. */
export function uniformCentres(stream: RandomStream, count: number, shape: GridShape): Float64Array {
  const out = new Float64Array(3 * count);
  for (let i = 0; i < count; i++) {
    out[3 * i] = stream.nextFloat() * shape[0];
    out[3 * i + 1] = stream.nextFloat() * shape[1];
    out[3 * i + 2] = stream.nextFloat() * shape[2];
  }
  return out;
}

/**
 * Scale all radii by the common factor s that makes the union of spheres cover
 * `targetCount` voxels, and label those voxels (power-distance assignment, grain ids
 * firstGrain + i). s is the targetCount-th smallest of the per-voxel minimum ratio
 * |c_v - x_i| / r_i (minScaleMap), so the count is hit to within ties and float rounding.
 * `work` is a Float32 scratch array of the grid's size. Returns s and the voxels covered.
 */
export function swellToCount(
  shape: GridShape,
  centres: Float64Array,
  radii: Float64Array,
  targetCount: number,
  firstScale: number,
  label: number,
  firstGrain: number,
  phase: Uint8Array,
  grain: Int32Array,
  work: Float32Array,
): { scale: number; covered: number } {
  if (targetCount <= 0) return { scale: 0, covered: 0 };
  let sMax = firstScale;
  for (;;) {
    work.fill(Infinity);
    minScaleMap(shape, centres, radii, sMax, work);
    let within = 0;
    for (let v = 0; v < work.length; v++) if (work[v]! <= sMax) within++;
    if (within >= targetCount) break;
    sMax *= 1.25;
  }
  const s = kthSmallest(work, work.length, targetCount - 1);
  work.fill(Infinity);
  const covered = powerAssign(shape, centres, radii, s, label, firstGrain, phase, grain, work);
  return { scale: s, covered };
}

export function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

export function sphereVolumes(diameters: Float64Array): number {
  let v = 0;
  for (let i = 0; i < diameters.length; i++) v += (Math.PI / 6) * diameters[i]! ** 3;
  return v;
}

export function scaled(a: Float64Array, f: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * f;
  return out;
}

/** Positions, diameters and the like, returned in nm alongside a generated grid. */
export interface ParticleSet {
  /** Particle centres (nm), xyz interleaved; particle i is grain `firstGrain + i`. */
  readonly centresNm: Float64Array;
  /** Diameters (nm) as rasterised. */
  readonly diametersNm: Float64Array;
  readonly firstGrain: number;
}
