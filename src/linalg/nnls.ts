/**
 * Non-negative least squares by the active-set method of Lawson and Hanson (Solving Least
 * Squares Problems, 1974, ch. 23, algorithm NNLS), in the normal-equation form of Bro and
 * De Jong (J. Chemometrics 11, 393, 1997, "FNNLS"):
 *
 *   minimise  1/2 x^T Q x - c^T x   subject to  x >= 0,
 *
 * with Q = A^T A (plus any quadratic penalty, e.g. lambda L^T L) and c = A^T b, which is
 * min ||A x - b||^2 (+ penalty) over x >= 0. The passive set P holds the variables that are
 * free; the others sit at 0. The outer loop frees the variable with the largest gradient
 * w = c - Q x (the Karush-Kuhn-Tucker multiplier) while one is positive; the inner loop
 * solves Q_PP s_P = c_P by Cholesky and, when some s_i <= 0, steps from x towards s as far
 * as feasibility allows and returns the variables that reached 0 to the active set. At the
 * end x solves the unconstrained problem on P, and w <= tol off P (the KKT conditions).
 *
 * Q is row-major n x n and must be symmetric positive semi-definite; a passive block that
 * is numerically singular gets a ridge of 1e-13 of its largest diagonal entry (stated in
 * the result).
 */
import { NotConvergedError } from "../core/errors.js";
import { backSubstitute, choleskyFactor, forwardSubstitute } from "./cholesky.js";

export interface NnlsResult {
  readonly x: Float64Array;
  /** Indices of the free (passive) variables at the solution, ascending. */
  readonly passive: readonly number[];
  /** Outer iterations (variables freed). */
  readonly iterations: number;
  /** A ridge was added to a singular passive block. */
  readonly ridged: boolean;
}

/** Solve Q_PP s = c_P for the passive indices `p` (Cholesky, with a tiny ridge if singular). */
function solvePassive(q: Float64Array, c: Float64Array, n: number, p: readonly number[]): { s: Float64Array; ridged: boolean } {
  const m = p.length;
  const a = new Float64Array(m * m);
  let maxDiag = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) a[i * m + j] = q[p[i]! * n + p[j]!]!;
    maxDiag = Math.max(maxDiag, a[i * m + i]!);
  }
  let l = choleskyFactor(a, m);
  let ridged = false;
  if (l === null) {
    for (let i = 0; i < m; i++) a[i * m + i]! += 1e-13 * maxDiag;
    l = choleskyFactor(a, m);
    ridged = true;
    if (l === null) throw new NotConvergedError("nnls (passive block not positive definite)", 0, NaN, 0);
  }
  const s = Float64Array.from(p, (k) => c[k]!);
  forwardSubstitute(l, m, s);
  backSubstitute(l, m, s);
  return { s, ridged };
}

export function nnls(q: Float64Array, c: Float64Array, n: number, options: { readonly maxIterations?: number } = {}): NnlsResult {
  if (q.length !== n * n || c.length !== n) throw new RangeError(`nnls: Q has ${q.length} entries and c ${c.length}; need n^2 = ${n * n} and n = ${n}`);
  const maxIterations = options.maxIterations ?? 3 * n + 10;
  const x = new Float64Array(n);
  const passive = new Uint8Array(n);
  // a variable whose freeing failed numerically (its s_j <= 0 at once) waits for the next change
  const banned = new Uint8Array(n);
  const w = Float64Array.from(c);
  let cMax = 0;
  for (let k = 0; k < n; k++) cMax = Math.max(cMax, Math.abs(c[k]!));
  const tol = 1e-12 * Math.max(cMax, 1e-300);
  let ridged = false;
  let it = 0;
  const passiveList = (): number[] => {
    const p: number[] = [];
    for (let k = 0; k < n; k++) if (passive[k] === 1) p.push(k);
    return p;
  };
  for (;;) {
    let j = -1, best = tol;
    for (let k = 0; k < n; k++) if (passive[k] === 0 && banned[k] === 0 && w[k]! > best) (best = w[k]!), (j = k);
    if (j < 0) break;
    if (++it > maxIterations) throw new NotConvergedError("nnls", it, best / Math.max(cMax, 1e-300), 1e-12);
    passive[j] = 1;
    let moved = false;
    for (let inner = 0; ; inner++) {
      if (inner > n) throw new NotConvergedError("nnls (inner loop)", inner, NaN, 0);
      const p = passiveList();
      if (p.length === 0) break;
      const sol = solvePassive(q, c, n, p);
      ridged ||= sol.ridged;
      const s = sol.s;
      let alpha = Infinity, blocking = -1;
      p.forEach((k, i) => {
        if (s[i]! <= 0) {
          const a = x[k]! / (x[k]! - s[i]!);
          if (a < alpha) (alpha = a), (blocking = k);
        }
      });
      if (blocking < 0) {
        p.forEach((k, i) => (x[k] = s[i]!));
        moved = true;
        break;
      }
      if (inner === 0 && blocking === j && x[j] === 0 && alpha === 0) {
        // the freed variable would go negative at once (rounding): leave it at 0 this round
        passive[j] = 0;
        banned[j] = 1;
        break;
      }
      // step towards s until the blocking variable reaches 0; it (and any other at 0) leaves P
      p.forEach((k, i) => {
        x[k] = x[k]! + alpha * (s[i]! - x[k]!);
        if (k === blocking || x[k]! <= 0) {
          x[k] = 0;
          passive[k] = 0;
        }
      });
      moved = true;
    }
    if (moved) banned.fill(0);
    for (let k = 0; k < n; k++) {
      let s = c[k]!;
      for (let i = 0; i < n; i++) if (x[i] !== 0) s -= q[k * n + i]! * x[i]!;
      w[k] = s;
    }
  }
  return { x, passive: passiveList(), iterations: it, ridged };
}
