/**
 * Voxel-map generators.
 * - `randomVoxels`: independent voxels, label k with probability fractions[k], drawn from a
 *   seeded RandomStream (the scenario's `random-voxels` morphology).
 * - `splitmixVoxels`: the standard benchmark map of ../shared/bench-ref/network_ref.py,
 *   reproduced bit for bit (same uint64 rule), so that both sides solve the same system.
 */
import { InputError } from "../../core/errors.js";
import type { RandomStream } from "../../core/rng.js";
import { createVoxelGrid, voxelCount, type Shape3, type VoxelGrid } from "./grid.js";

/**
 * Independent random voxels: voxel i gets the first label k with u_i < f_0 + ... + f_k,
 * u_i uniform in [0, 1) from `stream` (one draw per voxel, in index order). The fractions
 * must be non-negative and sum to 1 (within 1e-9); every voxel is grain 0.
 */
export function randomVoxels(shape: Shape3, fractions: readonly number[], stream: RandomStream): VoxelGrid {
  const n = voxelCount(shape);
  if (fractions.length < 1 || fractions.length > 256) {
    throw new InputError(`random voxels: ${fractions.length} phase fractions; need 1 to 256`);
  }
  let total = 0;
  for (let k = 0; k < fractions.length; k++) {
    const f = fractions[k]!;
    if (!(f >= 0 && f <= 1)) throw new InputError(`random voxels: fraction ${k} is ${f}; must be in [0, 1]`);
    total += f;
  }
  if (Math.abs(total - 1) > 1e-9) throw new InputError(`random voxels: fractions sum to ${total}; must sum to 1`);
  const cumulative = new Float64Array(fractions.length);
  let c = 0;
  for (let k = 0; k < fractions.length; k++) cumulative[k] = c += fractions[k]!;
  cumulative[fractions.length - 1] = Infinity; // rounding never leaves a voxel unassigned
  const last = fractions.length - 1;
  const phase = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = stream.nextFloat();
    let k = 0;
    while (k < last && u >= cumulative[k]!) k++;
    phase[i] = k;
  }
  return createVoxelGrid(shape, phase);
}

const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 2 ** -53;

/** High 32 bits of the 64-bit product of two uint32 values (16-bit limbs, exact in doubles). */
function mulHigh32(a: number, b: number): number {
  const a1 = a >>> 16, a0 = a & 0xffff, b1 = b >>> 16, b0 = b & 0xffff;
  const low = a0 * b0;
  const mid = a1 * b0 + a0 * b1; // < 2^33
  const midLow = (mid % 65536) * 65536 + low; // < 2^33
  return (a1 * b1 + Math.floor(mid / 65536) + Math.floor(midLow / TWO_POW_32)) >>> 0;
}

/**
 * The benchmark's phase map (network_ref.py docstring): voxel i is phase A (label 1) iff
 * u_i < fractionA, else B (label 0), with u_i = (splitmix64_i(seed) >> 11) 2^-53 and
 * splitmix64_i the (i+1)-th output of splitmix64 (Steele, Lea and Flood, OOPSLA 2014):
 *   z = seed + (i+1) 0x9E3779B97F4A7C15; z = (z ^ z>>30) 0xBF58476D1CE4E5B9;
 *   z = (z ^ z>>27) 0x94D049BB133111EB; z ^= z>>31   (all mod 2^64).
 * The 64-bit words are carried as (hi, lo) uint32 pairs. `seed` must be a safe integer >= 0.
 */
export function splitmixVoxels(shape: Shape3, seed: number, fractionA: number): VoxelGrid {
  const n = voxelCount(shape);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`splitmix seed ${seed}: must be a safe integer >= 0`);
  const phase = new Uint8Array(n);
  // state z_0 = seed; add the golden gamma once per voxel
  let sh = Math.floor(seed / TWO_POW_32) >>> 0, sl = seed >>> 0;
  const gh = 0x9e3779b9, gl = 0x7f4a7c15;
  const m1h = 0xbf58476d, m1l = 0x1ce4e5b9;
  const m2h = 0x94d049bb, m2l = 0x133111eb;
  for (let i = 0; i < n; i++) {
    const lo = sl + gl;
    sh = (sh + gh + (lo >= TWO_POW_32 ? 1 : 0)) >>> 0;
    sl = lo >>> 0;
    // z ^= z >> 30
    let zh = sh, zl = sl;
    zl = (zl ^ ((zl >>> 30) | (zh << 2))) >>> 0;
    zh = (zh ^ (zh >>> 30)) >>> 0;
    // z *= m1 (mod 2^64)
    let hi = (Math.imul(zl, m1h) + Math.imul(zh, m1l) + mulHigh32(zl, m1l)) >>> 0;
    zl = Math.imul(zl, m1l) >>> 0;
    zh = hi;
    // z ^= z >> 27
    zl = (zl ^ ((zl >>> 27) | (zh << 5))) >>> 0;
    zh = (zh ^ (zh >>> 27)) >>> 0;
    // z *= m2
    hi = (Math.imul(zl, m2h) + Math.imul(zh, m2l) + mulHigh32(zl, m2l)) >>> 0;
    zl = Math.imul(zl, m2l) >>> 0;
    zh = hi;
    // z ^= z >> 31
    zl = (zl ^ ((zl >>> 31) | (zh << 1))) >>> 0;
    zh = (zh ^ (zh >>> 31)) >>> 0;
    // u = (z >> 11) 2^-53: the top 53 bits
    const u = (zh * 2097152 + (zl >>> 11)) * TWO_POW_M53;
    phase[i] = u < fractionA ? 1 : 0;
  }
  return createVoxelGrid(shape, phase);
}
