/**
 * Banded Cholesky factorisation A = L L^T of a symmetric positive definite matrix with
 * half-bandwidth w (A_ij = 0 for |i - j| > w): n w^2 / 2 multiply-adds to factor, 2 n w
 * per solve (Golub and Van Loan, Matrix Computations, 4th ed., alg. 4.3.5). Used for the
 * coarsest multigrid level, where n is a few hundred cells and w one plane of them.
 */
import { NotConvergedError } from "../core/errors.js";

export interface BandedCholesky {
  readonly n: number;
  readonly bandwidth: number;
  /** Row-major lower band: L[i][i - k] at factor[i (w + 1) + (w - k)], k = 0..w. */
  readonly factor: Float64Array;
}

/**
 * Factor the band given by `entry(i, j)` (j <= i, i - j <= w). Throws if a pivot is not
 * positive (the matrix is not positive definite).
 */
export function bandedCholesky(n: number, bandwidth: number, entry: (i: number, j: number) => number): BandedCholesky {
  const w = Math.min(bandwidth, Math.max(0, n - 1));
  const s = w + 1;
  const f = new Float64Array(n * s);
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - w); j <= i; j++) f[i * s + w - (i - j)] = entry(i, j);
  }
  for (let i = 0; i < n; i++) {
    const k0 = Math.max(0, i - w);
    for (let j = k0; j <= i; j++) {
      // L_ij = (A_ij - sum_{k < j} L_ik L_jk) / L_jj; the diagonal takes a square root
      let sum = f[i * s + w - (i - j)]!;
      for (let k = Math.max(k0, j - w); k < j; k++) sum -= f[i * s + w - (i - k)]! * f[j * s + w - (j - k)]!;
      if (j < i) f[i * s + w - (i - j)] = sum / f[j * s + w]!;
      else {
        if (!(sum > 0)) throw new NotConvergedError("banded Cholesky (matrix not positive definite)", i, sum, 0);
        f[i * s + w] = Math.sqrt(sum);
      }
    }
  }
  return { n, bandwidth: w, factor: f };
}

/** Solve L L^T x = b in place (b becomes x). */
export function bandedCholeskySolve(c: BandedCholesky, b: Float64Array, offset = 0): void {
  const { n, bandwidth: w, factor: f } = c;
  const s = w + 1;
  for (let i = 0; i < n; i++) {
    let sum = b[offset + i]!;
    for (let k = Math.max(0, i - w); k < i; k++) sum -= f[i * s + w - (i - k)]! * b[offset + k]!;
    b[offset + i] = sum / f[i * s + w]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[offset + i]!;
    for (let k = i + 1; k <= Math.min(n - 1, i + w); k++) sum -= f[k * s + w - (k - i)]! * b[offset + k]!;
    b[offset + i] = sum / f[i * s + w]!;
  }
}
