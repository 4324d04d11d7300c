/**
 * Global sensitivity from the samples already run: a polynomial chaos expansion (PCE) of
 * the output in the inputs' uniform scores u (each input x = Q(u), so u is uniform and
 * independent), fitted by least squares, whose Sobol indices follow from its coefficients
 * (Sudret, Reliab. Eng. Syst. Saf. 93, 964, 2008):
 *   y ~ sum_a c_a Psi_a(u),  Psi_a = prod_i sqrt(2 a_i + 1) P_{a_i}(2 u_i - 1) (orthonormal Legendre),
 *   D = sum_{a != 0} c_a^2,  S_i = sum_{a: only a_i > 0} c_a^2 / D,  ST_i = sum_{a: a_i > 0} c_a^2 / D.
 * The degree (total degree p, optionally hyperbolic truncation q = 0.5, Blatman and Sudret,
 * J. Comput. Phys. 230, 2345, 2011) is chosen by the leave-one-out error, with at most n/3
 * terms; the leave-one-out error itself (e_i / (1 - h_ii), the fraction of the output's
 * variance the expansion does not predict on points it was not fitted to) is reported, so
 * a poor emulator shows. Intervals: the bootstrap over samples (B refits, percentiles).
 */
import type { RandomStream } from "../core/rng.js";
import { sortedQuantile } from "../core/stats.js";
import { backSubstitute, choleskyFactor, forwardSubstitute } from "../linalg/cholesky.js";

export interface SobolOptions {
  /** Highest total degree tried (default 8; fewer where the samples do not support it). */
  readonly maxDegree?: number;
  /** Bootstrap refits for the intervals (default 200; 0: no intervals). */
  readonly bootstrap?: number;
  /** Stream for the bootstrap resampling (required when bootstrap > 0). */
  readonly stream?: RandomStream;
}

export interface Expansion {
  readonly basis: readonly Int32Array[];
  readonly degree: number;
  readonly coefficients: readonly number[];
}

/** The expansion's value at uniform scores `u` (one point). */
export function predict(e: Expansion, u: ArrayLike<number>): number {
  const table = new Float64Array(u.length * (e.degree + 1));
  legendreTable(u, e.degree, table);
  return evaluate(e, table, e.degree);
}

/**
 * Orthonormal Legendre values of every input up to degree p, row j at j (p + 1): for
 * evaluating several expansions at one point without allocating (`evaluate`).
 */
export function legendreTable(u: ArrayLike<number>, p: number, table: Float64Array): void {
  for (let j = 0; j < u.length; j++) legendre(2 * u[j]! - 1, p, table, j * (p + 1));
}

/** An expansion's value from a table of `legendreTable` built to degree p >= its degree. */
export function evaluate(e: Expansion, table: Float64Array, p: number): number {
  let y = 0;
  const k = e.basis[0]!.length;
  for (let t = 0; t < e.basis.length; t++) {
    const alpha = e.basis[t]!;
    let v = e.coefficients[t]!;
    for (let j = 0; j < k; j++) if (alpha[j]! > 0) v *= table[j * (p + 1) + alpha[j]!]!;
    y += v;
  }
  return y;
}

export interface SobolResult {
  /** The fitted expansion (an emulator of the output). */
  readonly expansion: Expansion;
  /** First-order and total indices per input, in the inputs' order. */
  readonly firstOrder: readonly number[];
  readonly total: readonly number[];
  /** 90 % bootstrap intervals (5th and 95th percentiles), when bootstrap > 0. */
  readonly firstOrderBand90?: readonly (readonly [number, number])[];
  readonly totalBand90?: readonly (readonly [number, number])[];
  /** The expansion chosen: total degree, hyperbolic q, number of terms. */
  readonly degree: number;
  readonly q: number;
  readonly terms: number;
  /** Leave-one-out error / variance of the output (0: a perfect emulator; 1: no better than the mean). */
  readonly looRelativeError: number;
  readonly mean: number;
  readonly variance: number;
}

/** Multi-indices of k variables with total degree <= p and q-norm (sum a_i^q)^(1/q) <= p. */
export function multiIndices(k: number, p: number, q = 1): Int32Array[] {
  const out: Int32Array[] = [];
  const a = new Int32Array(k);
  const rec = (i: number, left: number): void => {
    if (i === k) {
      let s = 0;
      for (let j = 0; j < k; j++) if (a[j]! > 0) s += a[j]! ** q;
      if (s ** (1 / q) <= p + 1e-9) out.push(a.slice());
      return;
    }
    for (let d = 0; d <= left; d++) {
      a[i] = d;
      rec(i + 1, left - d);
    }
    a[i] = 0;
  };
  rec(0, p);
  // constant first, then by total degree
  return out.sort((x, y) => x.reduce((s, v) => s + v, 0) - y.reduce((s, v) => s + v, 0));
}

/** Orthonormal Legendre values sqrt(2d+1) P_d(xi) for d = 0..p, into `out` from `offset`. */
function legendre(xi: number, p: number, out: Float64Array, offset = 0): void {
  let pm = 1;
  let pc = xi;
  out[offset] = 1;
  if (p >= 1) out[offset + 1] = Math.sqrt(3) * xi;
  for (let d = 1; d < p; d++) {
    const pn = ((2 * d + 1) * xi * pc - d * pm) / (d + 1);
    pm = pc;
    pc = pn;
    out[offset + d + 1] = Math.sqrt(2 * d + 3) * pn;
  }
}

/** Design matrix (row-major n x P) of the basis at the sample points. */
function design(u: readonly Float64Array[], basis: readonly Int32Array[], p: number): Float64Array {
  const n = u.length;
  const k = basis[0]!.length;
  const P = basis.length;
  const table = new Float64Array(k * (p + 1));
  const col = new Float64Array(p + 1);
  const a = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      legendre(2 * u[i]![j]! - 1, p, col);
      table.set(col, j * (p + 1));
    }
    for (let t = 0; t < P; t++) {
      const alpha = basis[t]!;
      let v = 1;
      for (let j = 0; j < k; j++) if (alpha[j]! > 0) v *= table[j * (p + 1) + alpha[j]!]!;
      a[i * P + t] = v;
    }
  }
  return a;
}

interface Fit {
  readonly coefficients: Float64Array;
  /** Cholesky factor of A^T A over the rows used. */
  readonly factor: Float64Array;
}

/** Least squares over the rows `rows` (with repeats) of design `a`; null if singular. */
function fitRows(a: Float64Array, P: number, y: readonly number[], rows: ArrayLike<number>): Fit | null {
  const ata = new Float64Array(P * P);
  const aty = new Float64Array(P);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const off = i * P;
    for (let s = 0; s < P; s++) {
      const v = a[off + s]!;
      if (v === 0) continue;
      aty[s] += v * y[i]!;
      for (let t = 0; t <= s; t++) ata[s * P + t] += v * a[off + t]!;
    }
  }
  for (let s = 0; s < P; s++) for (let t = 0; t < s; t++) ata[t * P + s] = ata[s * P + t]!;
  const factor = choleskyFactor(ata, P);
  if (factor === null) return null;
  forwardSubstitute(factor, P, aty);
  backSubstitute(factor, P, aty);
  return { coefficients: aty, factor };
}

function indices(c: Float64Array, basis: readonly Int32Array[], k: number): { first: number[]; total: number[]; variance: number } {
  const first = new Array<number>(k).fill(0);
  const total = new Array<number>(k).fill(0);
  let variance = 0;
  for (let t = 1; t < basis.length; t++) {
    const c2 = c[t]! ** 2;
    variance += c2;
    const alpha = basis[t]!;
    let active = -1;
    let count = 0;
    for (let j = 0; j < k; j++) {
      if (alpha[j]! > 0) {
        total[j] += c2;
        active = j;
        count++;
      }
    }
    if (count === 1) first[active] += c2;
  }
  if (variance > 0) for (let j = 0; j < k; j++) {
    first[j]! /= variance;
    total[j]! /= variance;
  }
  return { first, total, variance };
}

/** Leave-one-out error / variance: residuals e_i / (1 - h_ii), h_ii = a_i^T (A^T A)^-1 a_i. */
function looError(a: Float64Array, P: number, y: readonly number[], fit: Fit): number {
  const n = y.length;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  let ss = 0;
  let loo = 0;
  const z = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    let pred = 0;
    for (let t = 0; t < P; t++) {
      z[t] = a[i * P + t]!;
      pred += z[t]! * fit.coefficients[t]!;
    }
    forwardSubstitute(fit.factor, P, z);
    let h = 0;
    for (let t = 0; t < P; t++) h += z[t]! ** 2;
    loo += ((y[i]! - pred) / Math.max(1 - h, 1e-12)) ** 2;
    ss += (y[i]! - mean) ** 2;
  }
  return ss > 0 ? loo / ss : 0;
}

/**
 * Sobol indices of y over inputs whose uniform scores are the rows of `u` (n rows of k
 * values in (0, 1)). Throws RangeError with fewer than 4 samples or a constant output.
 */
export function pceSobol(u: readonly Float64Array[], y: readonly number[], options: SobolOptions = {}): SobolResult {
  const n = u.length;
  if (n !== y.length) throw new RangeError(`pceSobol: ${n} sample rows but ${y.length} outputs`);
  if (n < 4) throw new RangeError(`pceSobol: needs at least 4 samples, got ${n}`);
  const k = u[0]!.length;
  const maxDegree = options.maxDegree ?? 8;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  let best: { basis: Int32Array[]; p: number; q: number; a: Float64Array; fit: Fit; loo: number } | null = null;
  for (let p = 1; p <= maxDegree; p++) {
    for (const q of [1, 0.5]) {
      if (q < 1 && (k === 1 || p < 3)) continue; // the same set as q = 1
      const basis = multiIndices(k, p, q);
      if (basis.length > n / 3) continue;
      const a = design(u, basis, p);
      const fit = fitRows(a, basis.length, y, all);
      if (fit === null) continue;
      const loo = looError(a, basis.length, y, fit);
      if (best === null || loo < best.loo) best = { basis, p, q, a, fit, loo };
    }
  }
  if (best === null) throw new RangeError(`pceSobol: ${n} samples are too few for even a linear expansion in ${k} inputs (needs ${3 * (k + 1)})`);
  const { basis, a, fit } = best;
  const P = basis.length;
  const main = indices(fit.coefficients, basis, k);
  const out = {
    expansion: { basis, degree: best.p, coefficients: Array.from(fit.coefficients) },
    firstOrder: main.first,
    total: main.total,
    degree: best.p,
    q: best.q,
    terms: P,
    looRelativeError: best.loo,
    mean: fit.coefficients[0]!,
    variance: main.variance,
  };
  const B = options.bootstrap ?? 200;
  if (B === 0 || main.variance === 0) return out;
  if (options.stream === undefined) throw new RangeError("pceSobol: a bootstrap needs a random stream");
  const firsts: number[][] = Array.from({ length: k }, () => []);
  const totals: number[][] = Array.from({ length: k }, () => []);
  const rows = new Int32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) rows[i] = options.stream.nextBelow(n);
    const f = fitRows(a, P, y, rows);
    if (f === null) continue; // a resample too degenerate to fit: skipped
    const s = indices(f.coefficients, basis, k);
    for (let j = 0; j < k; j++) {
      firsts[j]!.push(s.first[j]!);
      totals[j]!.push(s.total[j]!);
    }
  }
  const band = (xs: number[]): [number, number] => {
    const sorted = xs.sort((x, y2) => x - y2);
    return [sortedQuantile(sorted, 0.05), sortedQuantile(sorted, 0.95)];
  };
  return { ...out, firstOrderBand90: firsts.map(band), totalBand90: totals.map(band) };
}
