/**
 * Rasterisation kernels. Lengths are in voxel units; voxel (x, y, z) is the unit cube
 * [x, x+1) x [y, y+1) x [z, z+1) and belongs to a body when its centre (x+1/2, ...) does.
 * Each kernel visits only the bounding box of its object. Spheres wrap periodically
 * (packings are periodic); fibres are clipped at the box faces.
 */

/**
 * Minimum scale map: out[v] = min over spheres i of |c_v - x_i| / r_i, for voxels with
 * that ratio <= sMax (others untouched). A voxel lies inside sphere i scaled by s iff
 * |c_v - x_i| <= s r_i, so the voxels inside the union of all spheres scaled by s are
 * exactly those with out[v] <= s: choosing s as a quantile of `out` hits a voxel count.
 */
export function minScaleMap(shape: readonly [number, number, number], centres: Float64Array, radii: Float64Array, sMax: number, out: Float32Array): void {
  const [nx, ny, nz] = shape;
  for (let i = 0; i < radii.length; i++) {
    const r = radii[i]!, reach = sMax * r, inv = 1 / r;
    const cx = centres[3 * i]!, cy = centres[3 * i + 1]!, cz = centres[3 * i + 2]!;
    const x0 = Math.ceil(cx - reach - 0.5), x1 = Math.floor(cx + reach - 0.5);
    const y0 = Math.ceil(cy - reach - 0.5), y1 = Math.floor(cy + reach - 0.5);
    const z0 = Math.ceil(cz - reach - 0.5), z1 = Math.floor(cz + reach - 0.5);
    const reach2 = reach * reach;
    for (let z = z0; z <= z1; z++) {
      const dz = z + 0.5 - cz, wz = mod(z, nz) * nx * ny;
      for (let y = y0; y <= y1; y++) {
        const dy = y + 0.5 - cy, dyz = dy * dy + dz * dz;
        if (dyz > reach2) continue;
        const wyz = wz + mod(y, ny) * nx;
        for (let x = x0; x <= x1; x++) {
          const dx = x + 0.5 - cx, d2 = dx * dx + dyz;
          if (d2 > reach2) continue;
          const q = Math.sqrt(d2) * inv;
          const v = wyz + mod(x, nx);
          if (q < out[v]!) out[v] = q;
        }
      }
    }
  }
}

/**
 * Laguerre (power) assignment of the voxels inside the union of spheres of radii s r_i:
 * a covered voxel goes to the sphere with the smallest power |c_v - x_i|^2 - (s r_i)^2, so
 * two overlapping spheres meet on their radical plane (the flat contact facet of pressed
 * particles). Writes `label` and grain id `firstGrain + i`; `work` (Float32, +Infinity on
 * entry) holds the best power. Returns the number of voxels covered.
 */
export function powerAssign(
  shape: readonly [number, number, number],
  centres: Float64Array,
  radii: Float64Array,
  s: number,
  label: number,
  firstGrain: number,
  phase: Uint8Array,
  grain: Int32Array,
  work: Float32Array,
): number {
  const [nx, ny, nz] = shape;
  let covered = 0;
  for (let i = 0; i < radii.length; i++) {
    const r = s * radii[i]!, r2 = r * r, id = firstGrain + i;
    const cx = centres[3 * i]!, cy = centres[3 * i + 1]!, cz = centres[3 * i + 2]!;
    const x0 = Math.ceil(cx - r - 0.5), x1 = Math.floor(cx + r - 0.5);
    const y0 = Math.ceil(cy - r - 0.5), y1 = Math.floor(cy + r - 0.5);
    const z0 = Math.ceil(cz - r - 0.5), z1 = Math.floor(cz + r - 0.5);
    for (let z = z0; z <= z1; z++) {
      const dz = z + 0.5 - cz, wz = mod(z, nz) * nx * ny;
      for (let y = y0; y <= y1; y++) {
        const dy = y + 0.5 - cy, dyz = dy * dy + dz * dz;
        if (dyz > r2) continue;
        const wyz = wz + mod(y, ny) * nx;
        for (let x = x0; x <= x1; x++) {
          const dx = x + 0.5 - cx, d2 = dx * dx + dyz;
          if (d2 > r2) continue;
          const power = d2 - r2;
          const v = wyz + mod(x, nx);
          const best = work[v]!;
          if (power < best) {
            if (best === Infinity) covered++;
            work[v] = power;
            phase[v] = label;
            grain[v] = id;
          }
        }
      }
    }
  }
  return covered;
}

/**
 * Signed distance to the nearest sphere surface, dist[v] = min_i (|c_v - x_i| - r_i), for
 * voxels within `cutoff` outside a sphere (others untouched; `dist` is +Infinity on entry).
 * Voxels inside a sphere (dist <= 0) get `label` and grain `firstGrain + i` of the sphere
 * with the smallest signed distance. Returns nothing; callers count labels.
 */
export function sphereDistance(
  shape: readonly [number, number, number],
  centres: Float64Array,
  radii: Float64Array,
  cutoff: number,
  label: number,
  firstGrain: number,
  phase: Uint8Array,
  grain: Int32Array,
  dist: Float32Array,
): void {
  const [nx, ny, nz] = shape;
  for (let i = 0; i < radii.length; i++) {
    const r = radii[i]!, reach = r + cutoff, reach2 = reach * reach, id = firstGrain + i;
    const cx = centres[3 * i]!, cy = centres[3 * i + 1]!, cz = centres[3 * i + 2]!;
    const x0 = Math.ceil(cx - reach - 0.5), x1 = Math.floor(cx + reach - 0.5);
    const y0 = Math.ceil(cy - reach - 0.5), y1 = Math.floor(cy + reach - 0.5);
    const z0 = Math.ceil(cz - reach - 0.5), z1 = Math.floor(cz + reach - 0.5);
    for (let z = z0; z <= z1; z++) {
      const dz = z + 0.5 - cz, wz = mod(z, nz) * nx * ny;
      for (let y = y0; y <= y1; y++) {
        const dy = y + 0.5 - cy, dyz = dy * dy + dz * dz;
        if (dyz > reach2) continue;
        const wyz = wz + mod(y, ny) * nx;
        for (let x = x0; x <= x1; x++) {
          const dx = x + 0.5 - cx, d2 = dx * dx + dyz;
          if (d2 > reach2) continue;
          const sd = Math.sqrt(d2) - r;
          const v = wyz + mod(x, nx);
          if (sd < dist[v]!) {
            dist[v] = sd;
            if (sd <= 0) {
              phase[v] = label;
              grain[v] = id;
            }
          }
        }
      }
    }
  }
}

/**
 * A fibre axis p + t u (|u| = 1) seen from its dominant axis k (|u_k| >= 1/sqrt 3), with
 * a and b the two other axes. The axis crosses the slice of voxel centres at coordinate
 * w + 1/2 along k at t = (w + 1/2 - p_k) / u_k, and every voxel of that slice within `reach`
 * of the axis lies within reach / |u_k| of the crossing point along a and b. The squared
 * distance of a voxel centre to the axis is |q|^2 - (q.u)^2 with q = centre - p.
 */
interface LineFrame {
  readonly pk: number; readonly pa: number; readonly pb: number;
  readonly uk: number; readonly ua: number; readonly ub: number;
  readonly nk: number; readonly na: number; readonly nb: number;
  readonly sk: number; readonly sa: number; readonly sb: number;
}

function lineFrame(shape: readonly [number, number, number], lines: Float64Array, offset: number): LineFrame {
  const p = [lines[offset]!, lines[offset + 1]!, lines[offset + 2]!];
  const u = [lines[offset + 3]!, lines[offset + 4]!, lines[offset + 5]!];
  const ax = Math.abs(u[0]!), ay = Math.abs(u[1]!), az = Math.abs(u[2]!);
  const k = ax >= ay && ax >= az ? 0 : ay >= az ? 1 : 2;
  const a = k === 0 ? 1 : 0, b = k === 2 ? 1 : 2;
  const stride = [1, shape[0], shape[0] * shape[1]];
  return {
    pk: p[k]!, pa: p[a]!, pb: p[b]!, uk: u[k]!, ua: u[a]!, ub: u[b]!,
    nk: shape[k], na: shape[a], nb: shape[b], sk: stride[k]!, sa: stride[a]!, sb: stride[b]!,
  };
}

/**
 * Fibre core: voxels within `radius` of axis `index` of `lines` (6 numbers a line: point,
 * unit direction) that still carry `onlyLabel` get `label` and grain `id`. Clipped at the
 * box. Returns how many voxels changed.
 */
export function rasteriseFibreCore(
  shape: readonly [number, number, number],
  lines: Float64Array,
  index: number,
  radius: number,
  onlyLabel: number,
  label: number,
  id: number,
  phase: Uint8Array,
  grain: Int32Array,
): number {
  const f = lineFrame(shape, lines, 6 * index);
  const half = radius / Math.abs(f.uk), r2 = radius * radius;
  let changed = 0;
  for (let w = 0; w < f.nk; w++) {
    const qk = w + 0.5 - f.pk, t = qk / f.uk;
    const ca = f.pa + t * f.ua, cb = f.pb + t * f.ub;
    const a0 = Math.max(0, Math.ceil(ca - half - 0.5)), a1 = Math.min(f.na - 1, Math.floor(ca + half - 0.5));
    const b0 = Math.max(0, Math.ceil(cb - half - 0.5)), b1 = Math.min(f.nb - 1, Math.floor(cb + half - 0.5));
    for (let j = b0; j <= b1; j++) {
      const qb = j + 0.5 - f.pb, base = w * f.sk + j * f.sb;
      const partAlong = qk * f.uk + qb * f.ub, part2 = qk * qk + qb * qb;
      for (let i = a0; i <= a1; i++) {
        const qa = i + 0.5 - f.pa;
        const along = partAlong + qa * f.ua;
        const d2 = part2 + qa * qa - along * along;
        if (d2 > r2) continue;
        const v = base + i * f.sa;
        if (phase[v] === onlyLabel) {
          phase[v] = label;
          grain[v] = id;
          changed++;
        }
      }
    }
  }
  return changed;
}

/**
 * Distance to the nearest fibre axis within `reach`: dist[v] = min over the first `count`
 * lines of the distance from the voxel centre to the axis, nearest[v] = 1 + index of that
 * line (dist is +Infinity on entry; voxels beyond reach of every axis are untouched).
 * The core test of `rasteriseFibreCore` (d^2 <= radius^2) and this distance agree to
 * rounding; callers classify cores from the phase array, not from `dist`.
 */
export function fibreAxisDistance(
  shape: readonly [number, number, number],
  lines: Float64Array,
  count: number,
  reach: number,
  dist: Float32Array,
  nearest: Int32Array,
): void {
  for (let l = 0; l < count; l++) {
    const f = lineFrame(shape, lines, 6 * l);
    const half = reach / Math.abs(f.uk), r2 = reach * reach, id = l + 1;
    for (let w = 0; w < f.nk; w++) {
      const qk = w + 0.5 - f.pk, t = qk / f.uk;
      const ca = f.pa + t * f.ua, cb = f.pb + t * f.ub;
      const a0 = Math.max(0, Math.ceil(ca - half - 0.5)), a1 = Math.min(f.na - 1, Math.floor(ca + half - 0.5));
      const b0 = Math.max(0, Math.ceil(cb - half - 0.5)), b1 = Math.min(f.nb - 1, Math.floor(cb + half - 0.5));
      for (let j = b0; j <= b1; j++) {
        const qb = j + 0.5 - f.pb, base = w * f.sk + j * f.sb;
        const partAlong = qk * f.uk + qb * f.ub, part2 = qk * qk + qb * qb;
        for (let i = a0; i <= a1; i++) {
          const qa = i + 0.5 - f.pa;
          const along = partAlong + qa * f.ua;
          const d2 = part2 + qa * qa - along * along;
          if (d2 > r2) continue;
          const v = base + i * f.sa;
          const d = d2 > 0 ? Math.sqrt(d2) : 0;
          if (d < dist[v]!) {
            dist[v] = d;
            nearest[v] = id;
          }
        }
      }
    }
  }
}

/**
 * k-th smallest (0-based) of values[0..length), by quickselect (Hoare partition, median of
 * three); reorders that part of the array. Expected O(length).
 */
export function kthSmallest(values: Float32Array, length: number, k: number): number {
  if (!(k >= 0 && k < length)) throw new RangeError(`kthSmallest: k ${k} outside [0, ${length})`);
  let lo = 0, hi = length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three to values[mid]
    if (values[mid]! < values[lo]!) swap(values, mid, lo);
    if (values[hi]! < values[lo]!) swap(values, hi, lo);
    if (values[hi]! < values[mid]!) swap(values, hi, mid);
    const pivot = values[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function mod(i: number, n: number): number {
  const r = i % n;
  return r < 0 ? r + n : r;
}
