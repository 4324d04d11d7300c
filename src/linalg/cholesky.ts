/**
 * Dense symmetric positive-definite solves by Cholesky, A = L L^T (Golub and Van Loan,
 * Matrix Computations, 4th ed., alg. 4.2.1), on a row-major Float64Array. For the small
 * normal-equation systems of regressions (hundreds of unknowns); the factor overwrites
 * the lower triangle of a copy.
 */

/** The Cholesky factor L (row-major, n x n, upper part zero), or null if A is not positive definite. */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solve L z = b in place (forward substitution). */
export function forwardSubstitute(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

/** Solve L^T x = z in place (back substitution). */
export function backSubstitute(l: Float64Array, n: number, z: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
}
