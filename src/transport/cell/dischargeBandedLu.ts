/**
 * Banded LU factorisation with partial pivoting, in place, for the cell's Newton systems
 * (n of a few hundred, kl = ku = 7). Row interchanges widen the upper band of U to
 * kl + ku, so each row stores the columns i - kl .. i + kl + ku (the LAPACK dgbtrf layout,
 * held row-wise; Golub and Van Loan, Matrix Computations, 4th ed., sec. 4.3.5).
 * Cost: about n kl (kl + ku) multiply-adds to factor, n (2 kl + ku) per solve.
 * Nothing is allocated after construction. (A general src/linalg/banded.ts was being
 * written concurrently; this stays local to the cell model until that lands.)
 */
import { NotConvergedError } from "../../core/errors.js";

export class BandedLu {
  readonly n: number;
  readonly kl: number;
  readonly ku: number;
  /** Row width: kl + (kl + ku) + 1. Entry (i, j) at a[i * width + j - i + kl]. */
  readonly width: number;
  readonly a: Float64Array;
  readonly pivot: Int32Array;

  constructor(n: number, kl: number, ku: number) {
    this.n = n;
    this.kl = kl;
    this.ku = ku;
    this.width = 2 * kl + ku + 1;
    this.a = new Float64Array(n * this.width);
    this.pivot = new Int32Array(n);
  }

  /** Zero the matrix before assembly. */
  clear(): void {
    this.a.fill(0);
  }

  /** A(i, j) += v; |i - j| must lie inside the band (j - i in [-kl, ku]). */
  add(i: number, j: number, v: number): void {
    this.a[i * this.width + j - i + this.kl]! += v;
  }

  /** Multiply row i (before factor()) by f. */
  scaleRow(i: number, f: number): void {
    const o = i * this.width;
    for (let q = 0; q < this.width; q++) this.a[o + q] = this.a[o + q]! * f;
  }

  get(i: number, j: number): number {
    const d = j - i;
    if (d < -this.kl || d > this.kl + this.ku) return 0;
    return this.a[i * this.width + d + this.kl]!;
  }

  /**
   * Factor P A = L U in place. Throws NotConvergedError when a pivot column is zero
   * (a singular Jacobian; the caller treats it like a failed Newton step).
   */
  factor(): void {
    const { n, kl, ku, width: w, a, pivot } = this;
    for (let k = 0; k < n; k++) {
      const last = Math.min(n - 1, k + kl);
      let p = k;
      let big = Math.abs(a[k * w + kl]!);
      for (let i = k + 1; i <= last; i++) {
        const v = Math.abs(a[i * w + k - i + kl]!);
        if (v > big) {
          big = v;
          p = i;
        }
      }
      if (!(big > 0)) throw new NotConvergedError("banded LU (singular Jacobian)", k, 0, 0);
      pivot[k] = p;
      const jEnd = Math.min(n - 1, k + kl + ku);
      if (p !== k) {
        for (let j = k; j <= jEnd; j++) {
          const ik = k * w + j - k + kl;
          const ip = p * w + j - p + kl;
          const t = a[ik]!;
          a[ik] = a[ip]!;
          a[ip] = t;
        }
      }
      const dkk = a[k * w + kl]!;
      for (let i = k + 1; i <= last; i++) {
        const ik = i * w + k - i + kl;
        const l = a[ik]! / dkk;
        a[ik] = l;
        if (l === 0) continue;
        const rowI = i * w - i + kl;
        const rowK = k * w - k + kl;
        for (let j = k + 1; j <= jEnd; j++) a[rowI + j]! -= l * a[rowK + j]!;
      }
    }
  }

  /** Solve A x = b after factor(); b becomes x. */
  solve(b: Float64Array): void {
    const { n, kl, ku, width: w, a, pivot } = this;
    for (let k = 0; k < n; k++) {
      const p = pivot[k]!;
      if (p !== k) {
        const t = b[k]!;
        b[k] = b[p]!;
        b[p] = t;
      }
      const bk = b[k]!;
      if (bk === 0) continue;
      const last = Math.min(n - 1, k + kl);
      for (let i = k + 1; i <= last; i++) b[i]! -= a[i * w + k - i + kl]! * bk;
    }
    for (let i = n - 1; i >= 0; i--) {
      const row = i * w - i + kl;
      const jEnd = Math.min(n - 1, i + kl + ku);
      let s = b[i]!;
      for (let j = i + 1; j <= jEnd; j++) s -= a[row + j]! * b[j]!;
      b[i] = s / a[row + i]!;
    }
  }
}
