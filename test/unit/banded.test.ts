/**
 * Banded LU with partial pivoting against dense solves (ml-matrix LU as the reference).
 * Tolerances: LU with partial pivoting is backward stable, so the residual
 * |A x - b| / (|A| |x|) is a few eps (asserted < 1e-14, max norms) and the forward error
 * against the dense solve is below cond(A) eps (asserted < 100 cond(A) eps, cond from the
 * dense inverse). An integer system with pivots 2 and 4 is solved exactly.
 */
import { LuDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { createStream, type RandomStream } from "../../src/core/rng.js";
import {
  addToBand,
  bandIndex,
  bandedLuFactor,
  bandedLuSolve,
  bandedMultiply,
  clearBand,
  createBandedMatrix,
  SingularMatrixError,
  type BandedMatrix,
} from "../../src/linalg/banded.js";

/** Random band (entries U(-1, 1), diagonal scaled by `diag` so pivoting is needed when small). */
function randomBand(n: number, kl: number, ku: number, rng: RandomStream, diag: number): { band: BandedMatrix; dense: Matrix } {
  const band = createBandedMatrix(n, kl, ku);
  const dense = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
      const v = (2 * rng.nextFloat() - 1) * (i === j ? diag : 1);
      addToBand(band, i, j, v);
      dense.set(i, j, v);
    }
  }
  return { band, dense };
}

/** Max-row-sum norm. */
function normInf(m: Matrix): number {
  let best = 0;
  for (let i = 0; i < m.rows; i++) best = Math.max(best, m.getRow(i).reduce((s, v) => s + Math.abs(v), 0));
  return best;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return m / scale;
}

describe("banded LU", () => {
  it("matches dense LU for many shapes, with and without pivoting", () => {
    const rng = createStream(5, "banded");
    const shapes: [number, number, number][] = [[1, 0, 0], [2, 1, 1], [7, 0, 3], [7, 3, 0], [12, 3, 3], [40, 2, 5], [40, 5, 1], [200, 3, 3]];
    for (const [n, kl, ku] of shapes) {
      for (const diag of [10, 0.01]) {
        const { band, dense } = randomBand(n, kl, ku, rng, diag);
        const b = Float64Array.from({ length: n }, () => rng.nextFloat() - 0.5);
        const ab = new Float64Array(n);
        bandedMultiply(band, b, ab);
        const denseAb = dense.mmul(Matrix.columnVector(Array.from(b))).getColumn(0);
        expect(maxRelDiff(ab, denseAb)).toBeLessThan(1e-15);
        const x = b.slice();
        bandedLuFactor(band);
        bandedLuSolve(band, x);
        const lu = new LuDecomposition(dense);
        const ref = lu.solve(Matrix.columnVector(Array.from(b))).getColumn(0);
        const cond = normInf(dense) * normInf(lu.solve(Matrix.eye(n)));
        const what = `n ${n} kl ${kl} ku ${ku} diag ${diag}`;
        expect(maxRelDiff(x, ref), what).toBeLessThan(100 * cond * Number.EPSILON);
        // backward error of the banded solve itself
        const ax = dense.mmul(Matrix.columnVector(Array.from(x))).getColumn(0);
        let r = 0;
        for (let i = 0; i < n; i++) r = Math.max(r, Math.abs(ax[i]! - b[i]!));
        expect(r / (normInf(dense) * Math.max(...Array.from(x, Math.abs))), what).toBeLessThan(1e-14);
      }
    }
  });

  it("pivots: a zero diagonal that needs a row swap solves exactly", () => {
    // [[0, 1, 0], [2, 0, 1], [0, 4, 2]]: kl = ku = 1, A(0,0) = 0 forces the swap of rows 0 and 1.
    const m = createBandedMatrix(3, 1, 1);
    const entries: [number, number, number][] = [[0, 1, 1], [1, 0, 2], [1, 2, 1], [2, 1, 4], [2, 2, 2]];
    for (const [i, j, v] of entries) addToBand(m, i, j, v);
    // x = (1, 2, 3): b = (2, 5, 14)
    const b = Float64Array.from([2, 5, 14]);
    bandedLuFactor(m);
    expect(m.pivots[0]).toBe(1);
    bandedLuSolve(m, b);
    expect(Array.from(b)).toEqual([1, 2, 3]);
  });

  it("reuses one workspace: clear, assemble, factor, solve, twice, and solves at an offset", () => {
    const rng = createStream(6, "banded-reuse");
    const n = 30, kl = 3, ku = 3;
    const m = createBandedMatrix(n, kl, ku);
    for (let round = 0; round < 2; round++) {
      clearBand(m);
      const dense = Matrix.zeros(n, n);
      for (let i = 0; i < n; i++) {
        for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
          const v = 2 * rng.nextFloat() - 1;
          m.data[bandIndex(m, i, j)] = v;
          dense.set(i, j, v);
        }
      }
      const b = Float64Array.from({ length: n + 5 }, (_, k) => (k < 5 ? 99 : rng.nextFloat()));
      const ref = new LuDecomposition(dense).solve(Matrix.columnVector(Array.from(b.subarray(5)))).getColumn(0);
      bandedLuFactor(m);
      bandedLuSolve(m, b, 5);
      expect(Array.from(b.subarray(0, 5))).toEqual([99, 99, 99, 99, 99]);
      expect(maxRelDiff(b.subarray(5), ref)).toBeLessThan(1e-10);
    }
  });

  it("names singular matrices and out-of-band entries", () => {
    const m = createBandedMatrix(3, 1, 1);
    addToBand(m, 0, 0, 1);
    addToBand(m, 1, 1, 1);
    expect(() => bandedLuFactor(m)).toThrowError(SingularMatrixError);
    expect(() => bandedLuFactor(m)).toThrowError("banded LU: zero pivot in column 2 (the matrix is singular)");
    expect(() => addToBand(m, 0, 2, 1)).toThrowError("banded matrix: entry (0, 2) is outside the band (n 3, kl 1, ku 1)");
    expect(() => createBandedMatrix(0, 1, 1)).toThrowError("banded matrix: n must be an integer >= 1, got 0");
  });
});
