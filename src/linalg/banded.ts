/**
 * General banded LU with partial (row) pivoting, LAPACK dgbtf2/dgbtrs style (Anderson et
 * al., LAPACK Users' Guide, 3rd ed., 1999, sec. 5.3.2; Golub and Van Loan, Matrix
 * Computations, 4th ed., alg. 4.3.1 and sec. 4.3.5): for kl sub- and ku super-diagonals
 * the factor costs about 2 n kl (kl + ku) flops and a solve 2 n (2 kl + ku).
 *
 * Storage is LAPACK's band layout, column-major with leading dimension
 * ldab = 2 kl + ku + 1: A(i, j) sits at data[j ldab + kl + ku + i - j] for
 * max(0, j - ku) <= i <= min(n - 1, j + kl). The first kl rows of each column are
 * workspace for the fill-in that row interchanges create (U gets kl + ku superdiagonals).
 * One BandedMatrix is a reusable workspace: clear, assemble, factor, solve, repeat, with no
 * allocation after creation (the Newton steps of transport/cell/membrane use it so).
 */
import { InputError, MofhopError } from "../core/errors.js";

/** A zero pivot: the matrix is singular (to working precision) at that column. */
export class SingularMatrixError extends MofhopError {
  override name = "SingularMatrixError";
  constructor(readonly column: number) {
    super(`banded LU: zero pivot in column ${column} (the matrix is singular)`);
  }
}

export interface BandedMatrix {
  readonly n: number;
  /** Number of subdiagonals kl. */
  readonly lower: number;
  /** Number of superdiagonals ku. */
  readonly upper: number;
  /** Leading dimension 2 kl + ku + 1. */
  readonly ldab: number;
  /** Band storage (see the file comment); holds the LU factors after bandedLuFactor. */
  readonly data: Float64Array;
  /** Row interchanges of the factorisation: row j was swapped with row pivots[j]. */
  readonly pivots: Int32Array;
}

export function createBandedMatrix(n: number, lower: number, upper: number): BandedMatrix {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`banded matrix: n must be an integer >= 1, got ${n}`);
  if (!Number.isInteger(lower) || lower < 0) throw new InputError(`banded matrix: lower bandwidth must be an integer >= 0, got ${lower}`);
  if (!Number.isInteger(upper) || upper < 0) throw new InputError(`banded matrix: upper bandwidth must be an integer >= 0, got ${upper}`);
  const ldab = 2 * lower + upper + 1;
  return { n, lower, upper, ldab, data: new Float64Array(n * ldab), pivots: new Int32Array(n) };
}

/** Storage index of A(i, j); the caller keeps j - ku <= i <= j + kl. */
export function bandIndex(m: BandedMatrix, i: number, j: number): number {
  return j * m.ldab + m.lower + m.upper + i - j;
}

/** Zero the whole band (including the fill-in rows) before assembling a new matrix. */
export function clearBand(m: BandedMatrix): void {
  m.data.fill(0);
}

/** A(i, j) += v, with a range check (for assembly outside hot loops). */
export function addToBand(m: BandedMatrix, i: number, j: number, v: number): void {
  if (i < 0 || j < 0 || i >= m.n || j >= m.n || i - j > m.lower || j - i > m.upper) {
    throw new InputError(`banded matrix: entry (${i}, ${j}) is outside the band (n ${m.n}, kl ${m.lower}, ku ${m.upper})`);
  }
  m.data[bandIndex(m, i, j)]! += v;
}

/** y = A x for an assembled (not yet factored) band. */
export function bandedMultiply(m: BandedMatrix, x: Float64Array, y: Float64Array): void {
  const { n, lower: kl, upper: ku, ldab, data } = m;
  const kv = kl + ku;
  y.fill(0, 0, n);
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    const i1 = Math.min(n - 1, j + kl);
    for (let i = Math.max(0, j - ku); i <= i1; i++) y[i]! += data[j * ldab + kv + i - j]! * xj;
  }
}

/**
 * In-place LU factorisation P A = L U with partial pivoting (dgbtf2): for each column pick
 * the largest entry among the kl below the diagonal, swap rows over the columns the band
 * reaches (ju grows by the pivot's offset), scale the multipliers and update the trailing
 * block by a rank-1 step. Throws SingularMatrixError on an exactly zero pivot.
 */
export function bandedLuFactor(m: BandedMatrix): void {
  const { n, lower: kl, upper: ku, ldab, data: a, pivots } = m;
  const kv = kl + ku;
  // The fill-in rows start as zero (LAPACK zeroes them column by column).
  for (let j = 0; j < n; j++) for (let r = 0; r < kl; r++) a[j * ldab + r] = 0;
  let ju = 0;
  for (let j = 0; j < n; j++) {
    const cj = j * ldab + kv - j; // a[cj + i] = A(i, j)
    const km = Math.min(kl, n - 1 - j);
    let p = j;
    let big = Math.abs(a[cj + j]!);
    for (let i = j + 1; i <= j + km; i++) {
      const v = Math.abs(a[cj + i]!);
      if (v > big) {
        big = v;
        p = i;
      }
    }
    pivots[j] = p;
    if (big === 0 || !Number.isFinite(big)) throw new SingularMatrixError(j);
    ju = Math.max(ju, Math.min(j + ku + p - j, n - 1));
    if (p !== j) {
      for (let c = j; c <= ju; c++) {
        const base = c * ldab + kv - c;
        const t = a[base + j]!;
        a[base + j] = a[base + p]!;
        a[base + p] = t;
      }
    }
    const inv = 1 / a[cj + j]!;
    for (let i = j + 1; i <= j + km; i++) a[cj + i]! *= inv;
    for (let c = j + 1; c <= ju; c++) {
      const base = c * ldab + kv - c;
      const t = a[base + j]!;
      if (t === 0) continue;
      for (let i = j + 1; i <= j + km; i++) a[base + i]! -= a[cj + i]! * t;
    }
  }
}

/**
 * Solve A x = b with the factors of bandedLuFactor (dgbtrs, no transpose), in place on
 * b[offset .. offset + n): apply the interchanges and L column by column, then back-substitute
 * with U (bandwidth kl + ku).
 */
export function bandedLuSolve(m: BandedMatrix, b: Float64Array, offset = 0): void {
  const { n, lower: kl, upper: ku, ldab, data: a, pivots } = m;
  const kv = kl + ku;
  for (let j = 0; j < n - 1; j++) {
    const p = pivots[j]!;
    if (p !== j) {
      const t = b[offset + p]!;
      b[offset + p] = b[offset + j]!;
      b[offset + j] = t;
    }
    const bj = b[offset + j]!;
    if (bj === 0) continue;
    const cj = j * ldab + kv - j;
    const i1 = Math.min(n - 1, j + kl);
    for (let i = j + 1; i <= i1; i++) b[offset + i]! -= a[cj + i]! * bj;
  }
  for (let j = n - 1; j >= 0; j--) {
    const cj = j * ldab + kv - j;
    const xj = b[offset + j]! / a[cj + j]!;
    b[offset + j] = xj;
    if (xj === 0) continue;
    for (let i = Math.max(0, j - kv); i < j; i++) b[offset + i]! -= a[cj + i]! * xj;
  }
}
