/**
 * The cell model's Newton matrix: a thin adapter over the general banded LU of
 * src/linalg/banded.ts (LAPACK dgbtrf/dgbtrs layout, partial pivoting), keeping the small
 * interface the discharge assembly uses. A zero pivot becomes a NotConvergedError, which
 * the caller treats like a failed Newton step. Nothing is allocated after construction.
 */
import { NotConvergedError } from "../../core/errors.js";
import { bandedLuFactor, bandedLuSolve, bandIndex, clearBand, createBandedMatrix, SingularMatrixError, type BandedMatrix } from "../../linalg/banded.js";

export class BandedLu {
  readonly n: number;
  readonly kl: number;
  readonly ku: number;
  private readonly m: BandedMatrix;

  constructor(n: number, kl: number, ku: number) {
    this.n = n;
    this.kl = kl;
    this.ku = ku;
    this.m = createBandedMatrix(n, kl, ku);
  }

  /** Zero the matrix before assembly. */
  clear(): void {
    clearBand(this.m);
  }

  /** A(i, j) += v; j - i must lie in [-kl, ku]. */
  add(i: number, j: number, v: number): void {
    this.m.data[bandIndex(this.m, i, j)]! += v;
  }

  /** Multiply row i (before factor()) by f. */
  scaleRow(i: number, f: number): void {
    const j0 = Math.max(0, i - this.kl), j1 = Math.min(this.n - 1, i + this.ku);
    for (let j = j0; j <= j1; j++) this.m.data[bandIndex(this.m, i, j)]! *= f;
  }

  /** A(i, j) before factor() (0 outside the band). */
  get(i: number, j: number): number {
    const d = j - i;
    if (d < -this.kl || d > this.ku) return 0;
    return this.m.data[bandIndex(this.m, i, j)]!;
  }

  /** Factor P A = L U in place. */
  factor(): void {
    try {
      bandedLuFactor(this.m);
    } catch (e) {
      if (e instanceof SingularMatrixError) throw new NotConvergedError("banded LU (singular Jacobian)", e.column, 0, 0);
      throw e;
    }
  }

  /** Solve A x = b in place with the factors. */
  solve(b: Float64Array): void {
    bandedLuSolve(this.m, b);
  }
}
