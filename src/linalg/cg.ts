/**
 * Preconditioned conjugate gradients for symmetric positive definite systems
 * (Hestenes and Stiefel, J. Res. NBS 49, 409, 1952; Saad, Iterative Methods, alg. 9.1).
 * With a nonlinear preconditioner (a K-cycle) the search direction is A-orthogonalised
 * against the previous one explicitly, beta = -(z, A p) / (p, A p): flexible CG, FCG(1)
 * (Notay, SIAM J. Sci. Comput. 22, 1444, 2000), which reduces to PCG for a fixed SPD M.
 *
 * Stopping: ||r_k|| <= tolerance ||b|| (two-norm) on the recursively updated residual,
 * then the true residual b - A x is recomputed; if recursion drift left it above the
 * tolerance, CG restarts from the true residual. The result reports the true value.
 * When the operator provides absNorm and double precision cannot reach the tolerance
 * (true residual at or below the rounding floor eps || |A| |x| || / ||b||, e.g. a network
 * whose electrode coupling is 1e8 times weaker than its bonds), the solve is accepted at
 * that floor and the result says so (`attainableResidual` > tolerance).
 */
import { InputError, NotConvergedError } from "../core/errors.js";
import { UNIT_ROUNDOFF, jsVectorOps, type LinearOperator, type Preconditioner, type VectorOps } from "./operator.js";

export interface KrylovOptions {
  /** Relative residual ||b - A x|| / ||b|| to reach (default 1e-8). */
  readonly tolerance?: number;
  /** Iteration cap (default 10 000). */
  readonly maxIterations?: number;
  /** Throw NotConvergedError when the tolerance is not reached (default true). */
  readonly throwOnFailure?: boolean;
  /** Name used in error messages. */
  readonly name?: string;
  /** Where the work vectors live and how they are combined (default: plain JavaScript). */
  readonly vectors?: VectorOps;
}

export interface KrylovResult {
  readonly iterations: number;
  /** True relative residual ||b - A x|| / ||b||, recomputed from the returned x. */
  readonly relativeResidual: number;
  readonly converged: boolean;
  /** Rounding floor of the relative residual, eps || |A| |x| || / ||b|| (0 when the operator cannot tell). */
  readonly attainableResidual: number;
}

/**
 * Solve A x = b by (flexible) preconditioned CG. `x` holds the initial guess and receives
 * the solution. Work vectors (r, z, p, q) are allocated once per call.
 */
export function conjugateGradient(
  A: LinearOperator,
  b: Float64Array,
  x: Float64Array,
  M: Preconditioner | undefined,
  options: KrylovOptions = {},
): KrylovResult {
  const n = A.length;
  const tol = options.tolerance ?? 1e-8;
  const maxIt = options.maxIterations ?? 10_000;
  const name = options.name ?? (M === undefined ? "CG" : M.linear ? "PCG" : "flexible PCG");
  if (b.length !== n || x.length !== n) throw new InputError(`${name}: vectors of length ${b.length}, ${x.length}; operator needs ${n}`);
  if (M !== undefined && M.length !== n) throw new InputError(`${name}: preconditioner length ${M.length}; operator needs ${n}`);
  if (!(tol > 0)) throw new InputError(`${name}: tolerance ${tol} must be > 0`);
  const flexible = M !== undefined && !M.linear;
  const ops = options.vectors ?? jsVectorOps;
  const dot = ops.dot;
  const r = ops.alloc(n), z = M === undefined ? r : ops.alloc(n), p = ops.alloc(n), q = ops.alloc(n);
  const bNorm = Math.sqrt(dot(b, b));
  if (bNorm === 0) {
    x.fill(0);
    return { iterations: 0, relativeResidual: 0, converged: true, attainableResidual: 0 };
  }
  const target = tol * bNorm;
  let iterations = 0;
  let trueRel = Infinity;
  let restarts = 0;
  outer: for (;;) {
    // r = b - A x (true residual)
    A.apply(x, q);
    let rr = 0;
    for (let i = 0; i < n; i++) {
      const v = b[i]! - q[i]!;
      r[i] = v;
      rr += v * v;
    }
    trueRel = Math.sqrt(rr) / bNorm;
    if (trueRel <= tol || iterations >= maxIt || restarts > 5) break;
    restarts++;
    if (M !== undefined) M.apply(r, z);
    p.set(z);
    let rz = dot(r, z);
    while (iterations < maxIt) {
      A.apply(p, q);
      const pq = dot(p, q);
      if (!(pq > 0) || !(rz > 0)) break outer; // breakdown: A or M not positive definite
      const alpha = rz / pq;
      rr = ops.cgUpdate(x, r, p, q, alpha);
      iterations++;
      if (Math.sqrt(rr) <= target) continue outer; // verify with the true residual
      if (M !== undefined) M.apply(r, z);
      const rzNew = dot(r, z);
      const beta = flexible ? -dot(z, q) / pq : rzNew / rz;
      rz = rzNew;
      ops.xpby(z, p, beta);
    }
  }
  if (trueRel > tol) {
    // recompute in case the loop left through a breakdown
    A.apply(x, q);
    let rr = 0;
    for (let i = 0; i < n; i++) rr += (b[i]! - q[i]!) ** 2;
    trueRel = Math.sqrt(rr) / bNorm;
  }
  const floor = A.absNorm === undefined ? 0 : (UNIT_ROUNDOFF * A.absNorm(x)) / bNorm;
  const converged = trueRel <= Math.max(tol, floor);
  if (!converged && (options.throwOnFailure ?? true)) throw new NotConvergedError(name, iterations, trueRel, tol);
  return { iterations, relativeResidual: trueRel, converged, attainableResidual: floor };
}
