/**
 * Mixed-precision preconditioned CG: float32 inner iterations, a double-precision solution
 * and true residual (iterative refinement; Carson and Higham, SIAM J. Sci. Comput. 40,
 * A817, 2018, for the analysis; the same restart-from-the-true-residual loop as cg.ts).
 *
 * The solution x is kept in double. Each outer step computes r = b - A x in double (its
 * norm from the unrounded values), rounds r to float32 and runs PCG on the correction
 * with float32 vectors r, p and one shared q / z (with a linear preconditioner z is not
 * needed once r has been updated, so M r overwrites A p), adding alpha p into the double
 * x as it goes. The operator returns p . q and the preconditioner r . z from the passes
 * that compute q and z, so the two dot products cost no pass of their own. The inner loop stops when its recursive residual has fallen by
 * `innerReduction` (or to the target), and the outer loop recomputes the true residual.
 * The float32 rounding of the recursive residual only perturbs each correction, which the
 * next outer step corrects, so the returned relative residual is the true double one.
 */
import { InputError, NotConvergedError } from "../core/errors.js";
import { UNIT_ROUNDOFF } from "./operator.js";
import type { Vector32Ops } from "./label-stencil.js";

/** The operator as the mixed solver needs it. */
export interface MixedOperator {
  /** Length of the float32 and float64 vectors. */
  readonly length: number;
  /** q = A p on float32 vectors; returns p . q (in double). */
  apply32(p: Float32Array, q: Float32Array): number;
  /** r = b - A x (x double; r rounded to float32); returns ||b - A x||^2 in double. */
  residual(x: Float64Array, r: Float32Array): number;
  /** || |A| |x| ||_2 (the scale of the rounding error of A x in double). */
  absNorm?(x: Float64Array): number;
}

export interface MixedPreconditioner {
  readonly linear: boolean;
  /** z = M^-1 r; returns r . z (in double). */
  apply(r: Float32Array, z: Float32Array): number;
}

export interface MixedCGOptions {
  readonly tolerance?: number;
  readonly maxIterations?: number;
  /** Factor by which an inner solve reduces its recursive residual before the true one is recomputed (default 1e-4). */
  readonly innerReduction?: number;
  readonly throwOnFailure?: boolean;
  readonly name?: string;
}

export interface MixedCGResult {
  readonly iterations: number;
  /** Outer steps (true residuals computed after the first). */
  readonly restarts: number;
  /** True ||b - A x|| / ||b|| in double. */
  readonly relativeResidual: number;
  readonly converged: boolean;
  readonly attainableResidual: number;
}

/**
 * Solve A x = b; x (double) holds the initial guess and receives the solution; `bNorm` is
 * ||b||; r, p, q are the caller's float32 work vectors (so they can live in an arena).
 */
export function mixedPrecisionCG(
  A: MixedOperator,
  M: MixedPreconditioner,
  x: Float64Array,
  bNorm: number,
  work: { readonly r: Float32Array; readonly p: Float32Array; readonly q: Float32Array; readonly ops: Vector32Ops },
  options: MixedCGOptions = {},
): MixedCGResult {
  const n = A.length;
  const tol = options.tolerance ?? 1e-8;
  const maxIt = options.maxIterations ?? 10_000;
  const reduction = options.innerReduction ?? 1e-4;
  const name = options.name ?? "mixed-precision PCG";
  const { r, p, q, ops } = work;
  if (x.length !== n || r.length !== n || p.length !== n || q.length !== n) throw new InputError(`${name}: vectors of lengths ${x.length}, ${r.length}, ${p.length}, ${q.length}; operator needs ${n}`);
  if (!M.linear) throw new InputError(`${name}: needs a linear preconditioner (the shared q / z vector rules out flexible CG)`);
  if (!(tol > 0)) throw new InputError(`${name}: tolerance ${tol} must be > 0`);
  if (!(reduction > 0 && reduction < 1)) throw new InputError(`${name}: innerReduction ${reduction} must be in (0, 1)`);
  if (!(bNorm > 0)) {
    x.fill(0);
    return { iterations: 0, restarts: 0, relativeResidual: 0, converged: true, attainableResidual: 0 };
  }
  const target = tol * bNorm;
  let iterations = 0, restarts = 0;
  let trueRel = Infinity, previous = Infinity;
  for (;;) {
    const rNorm = Math.sqrt(A.residual(x, r));
    trueRel = rNorm / bNorm;
    // stop at the tolerance, the cap, or when an outer step no longer gains (precision floor)
    if (trueRel <= tol || iterations >= maxIt || trueRel > 0.5 * previous) break;
    previous = trueRel;
    restarts++;
    const innerTarget = Math.max(0.5 * target, reduction * rNorm);
    let rz = M.apply(r, q);
    p.set(q);
    while (iterations < maxIt) {
      const pq = A.apply32(p, q);
      if (!(pq > 0) || !(rz > 0)) break; // breakdown: recompute the true residual
      const alpha = rz / pq;
      const rr = ops.step(x, r, p, q, alpha);
      iterations++;
      if (Math.sqrt(rr) <= innerTarget) break;
      const rzNew = M.apply(r, q);
      const beta = rzNew / rz;
      rz = rzNew;
      ops.xpby(q, p, beta);
    }
  }
  const floor = A.absNorm === undefined ? 0 : (UNIT_ROUNDOFF * A.absNorm(x)) / bNorm;
  const converged = trueRel <= Math.max(tol, floor);
  if (!converged && (options.throwOnFailure ?? true)) throw new NotConvergedError(name, iterations, trueRel, tol);
  return { iterations, restarts, relativeResidual: trueRel, converged, attainableResidual: floor };
}
