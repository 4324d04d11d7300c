/**
 * Operator interfaces shared by the Krylov solvers. Vectors are Float64Arrays of
 * `length` entries; an operator writes its result into a caller-owned output array, so
 * a solver allocates its work vectors once and nothing inside the iteration loop.
 */

/** y = A x for a real linear operator. */
export interface LinearOperator {
  readonly length: number;
  apply(x: Float64Array, y: Float64Array): void;
  /**
   * || |A| |x| ||_2, the scale of the rounding error in A x (optional). Krylov solvers use
   * it to accept a residual that is as small as double precision allows,
   * eps || |A| |x| || / ||b||, when that floor lies above the requested tolerance.
   */
  absNorm?(x: Float64Array): number;
}

/** z = M^-1 r. `linear` is false for preconditioners that change from call to call (K-cycle). */
export interface Preconditioner {
  readonly length: number;
  readonly linear: boolean;
  apply(r: Float64Array, z: Float64Array): void;
}

/** y = A x for a complex operator, real and imaginary parts in separate arrays. */
export interface ComplexLinearOperator {
  readonly length: number;
  apply(xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void;
  /** || |A| |x| ||_2 as for LinearOperator.absNorm (|.| the complex modulus). */
  absNorm?(xRe: Float64Array, xIm: Float64Array): number;
}

/** Unit roundoff of IEEE double precision, 2^-53. */
export const UNIT_ROUNDOFF = 2 ** -53;

/** The identity preconditioner. */
export function identityPreconditioner(length: number): Preconditioner {
  return { length, linear: true, apply: (r, z) => z.set(r) };
}

/** Jacobi: z_i = r_i / d_i (d_i = 0 leaves z_i = 0). */
export function jacobiPreconditioner(diagonal: Float64Array): Preconditioner {
  const inv = new Float64Array(diagonal.length);
  for (let i = 0; i < inv.length; i++) inv[i] = diagonal[i] !== 0 ? 1 / diagonal[i]! : 0;
  return {
    length: inv.length,
    linear: true,
    apply(r, z) {
      for (let i = 0; i < inv.length; i++) z[i] = r[i]! * inv[i]!;
    },
  };
}

/**
 * The vector operations of a Krylov iteration, so a solver can run them where its vectors
 * live (a WebAssembly arena) without allocating in the loop.
 */
export interface VectorOps {
  /** A zero-filled work vector. */
  alloc(length: number): Float64Array;
  dot(a: Float64Array, b: Float64Array): number;
  /** x += alpha p; r -= alpha q; returns r . r. */
  cgUpdate(x: Float64Array, r: Float64Array, p: Float64Array, q: Float64Array, alpha: number): number;
  /** p = z + beta p. */
  xpby(z: Float64Array, p: Float64Array, beta: number): void;
}

/** Plain JavaScript vector operations on fresh Float64Arrays. */
export const jsVectorOps: VectorOps = {
  alloc: (length) => new Float64Array(length),
  dot(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
  },
  cgUpdate(x, r, p, q, alpha) {
    let rr = 0;
    for (let i = 0; i < x.length; i++) {
      x[i]! += alpha * p[i]!;
      const v = r[i]! - alpha * q[i]!;
      r[i] = v;
      rr += v * v;
    }
    return rr;
  },
  xpby(z, p, beta) {
    for (let i = 0; i < z.length; i++) p[i] = z[i]! + beta * p[i]!;
  },
};

/** The complex vector operations of COCG on split re/im arrays (unconjugated products). */
export interface ComplexVectorOps {
  alloc(length: number): Float64Array;
  /** [Re, Im] of a^T b = sum (ar + i ai)(br + i bi). */
  dot(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): [number, number];
  /** x += alpha p; r -= alpha q (complex alpha); returns ||r||^2. */
  update(xr: Float64Array, xi: Float64Array, rr: Float64Array, ri: Float64Array, pr: Float64Array, pi: Float64Array, qr: Float64Array, qi: Float64Array, aR: number, aI: number): number;
  /** p = z + beta p (complex beta). */
  xpby(zr: Float64Array, zi: Float64Array, pr: Float64Array, pi: Float64Array, bR: number, bI: number): void;
}

export const jsComplexVectorOps: ComplexVectorOps = {
  alloc: (length) => new Float64Array(length),
  dot(ar, ai, br, bi) {
    let re = 0, im = 0;
    for (let i = 0; i < ar.length; i++) {
      re += ar[i]! * br[i]! - ai[i]! * bi[i]!;
      im += ar[i]! * bi[i]! + ai[i]! * br[i]!;
    }
    return [re, im];
  },
  update(xr, xi, rr, ri, pr, pi, qr, qi, aR, aI) {
    let s = 0;
    for (let i = 0; i < xr.length; i++) {
      const p1 = pr[i]!, p2 = pi[i]!, q1 = qr[i]!, q2 = qi[i]!;
      xr[i]! += aR * p1 - aI * p2;
      xi[i]! += aR * p2 + aI * p1;
      const u = rr[i]! - (aR * q1 - aI * q2), v = ri[i]! - (aR * q2 + aI * q1);
      rr[i] = u;
      ri[i] = v;
      s += u * u + v * v;
    }
    return s;
  },
  xpby(zr, zi, pr, pi, bR, bI) {
    for (let i = 0; i < zr.length; i++) {
      const p1 = pr[i]!, p2 = pi[i]!;
      pr[i] = zr[i]! + bR * p1 - bI * p2;
      pi[i] = zi[i]! + bR * p2 + bI * p1;
    }
  },
};
