/**
 * COCG: conjugate orthogonal conjugate gradients for complex symmetric systems A x = b,
 * A^T = A (van der Vorst and Melissen, IEEE Trans. Magn. 26, 706, 1990): CG with the
 * unconjugated bilinear form x^T y in place of the inner product,
 *   alpha = (r^T z) / (p^T A p),  beta = (r'^T z') / (r^T z),
 * preconditioned by a real symmetric M applied to the real and imaginary parts (so M^-1 is
 * complex symmetric too, as COCG requires). Stops on the Euclidean norm ||r|| <= tol ||b||,
 * verified on the recomputed true residual, or at the rounding floor as conjugateGradient
 * does (cg.ts). Complex vectors are split re/im Float64Arrays.
 */
import { InputError, NotConvergedError } from "../core/errors.js";
import type { KrylovOptions, KrylovResult } from "./cg.js";

export interface CocgOptions extends Omit<KrylovOptions, "vectors"> {
  /** Where the work vectors live and how they are combined (default: plain JavaScript). */
  readonly vectors?: ComplexVectorOps;
}
import { UNIT_ROUNDOFF, jsComplexVectorOps, type ComplexLinearOperator, type ComplexVectorOps, type Preconditioner } from "./operator.js";

/**
 * Solve A x = b. `xRe`, `xIm` hold the initial guess and receive the solution. `M`, if
 * given, must be linear and symmetric (a V- or W-cycle, not a K-cycle).
 */
export function cocg(
  A: ComplexLinearOperator,
  bRe: Float64Array,
  bIm: Float64Array,
  xRe: Float64Array,
  xIm: Float64Array,
  M: Preconditioner | undefined,
  options: CocgOptions = {},
): KrylovResult {
  const n = A.length;
  const tol = options.tolerance ?? 1e-8;
  const maxIt = options.maxIterations ?? 10_000;
  const name = options.name ?? "COCG";
  for (const v of [bRe, bIm, xRe, xIm]) if (v.length !== n) throw new InputError(`${name}: vector of length ${v.length}; operator needs ${n}`);
  if (M !== undefined && (!M.linear || M.length !== n)) throw new InputError(`${name}: the preconditioner must be linear and of length ${n}`);
  // work vectors where options.vectors puts them (a WebAssembly arena lets M run its kernels)
  const ops = options.vectors ?? jsComplexVectorOps;
  const alloc = ops.alloc;
  const rr = alloc(n), ri = alloc(n);
  const zr = M === undefined ? rr : alloc(n), zi = M === undefined ? ri : alloc(n);
  const pr = alloc(n), pi = alloc(n), qr = alloc(n), qi = alloc(n);
  let bb = 0;
  for (let i = 0; i < n; i++) bb += bRe[i]! * bRe[i]! + bIm[i]! * bIm[i]!;
  const bNorm = Math.sqrt(bb);
  if (bNorm === 0) {
    xRe.fill(0);
    xIm.fill(0);
    return { iterations: 0, relativeResidual: 0, converged: true, attainableResidual: 0 };
  }
  const target = tol * bNorm;
  let iterations = 0, trueRel = Infinity, restarts = 0;
  const trueResidual = (): number => {
    A.apply(xRe, xIm, qr, qi);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const a = bRe[i]! - qr[i]!, c = bIm[i]! - qi[i]!;
      rr[i] = a;
      ri[i] = c;
      s += a * a + c * c;
    }
    return Math.sqrt(s) / bNorm;
  };
  outer: for (;;) {
    trueRel = trueResidual();
    if (trueRel <= tol || iterations >= maxIt || restarts > 5) break;
    restarts++;
    if (M !== undefined) {
      M.apply(rr, zr);
      M.apply(ri, zi);
    }
    pr.set(zr);
    pi.set(zi);
    // rho = r^T z (no conjugation)
    let [rhoR, rhoI] = ops.dot(rr, ri, zr, zi);
    while (iterations < maxIt) {
      A.apply(pr, pi, qr, qi);
      const [muR, muI] = ops.dot(pr, pi, qr, qi);
      const mu2 = muR * muR + muI * muI;
      if (!(mu2 > 0) || !(rhoR * rhoR + rhoI * rhoI > 0)) break outer; // breakdown
      // alpha = rho / mu
      const aR = (rhoR * muR + rhoI * muI) / mu2, aI = (rhoI * muR - rhoR * muI) / mu2;
      const s = ops.update(xRe, xIm, rr, ri, pr, pi, qr, qi, aR, aI);
      iterations++;
      if (Math.sqrt(s) <= target) continue outer;
      if (M !== undefined) {
        M.apply(rr, zr);
        M.apply(ri, zi);
      }
      const [nR, nI] = ops.dot(rr, ri, zr, zi);
      const rho2 = rhoR * rhoR + rhoI * rhoI;
      const bR = (nR * rhoR + nI * rhoI) / rho2, bI = (nI * rhoR - nR * rhoI) / rho2;
      rhoR = nR;
      rhoI = nI;
      ops.xpby(zr, zi, pr, pi, bR, bI);
    }
  }
  if (trueRel > tol) trueRel = trueResidual();
  const floor = A.absNorm === undefined ? 0 : (UNIT_ROUNDOFF * A.absNorm(xRe, xIm)) / bNorm;
  const converged = trueRel <= Math.max(tol, floor);
  if (!converged && (options.throwOnFailure ?? true)) throw new NotConvergedError(name, iterations, trueRel, tol);
  return { iterations, relativeResidual: trueRel, converged, attainableResidual: floor };
}
