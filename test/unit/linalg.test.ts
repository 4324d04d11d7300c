/**
 * linalg kernels against dense linear algebra (ml-matrix's LU and Cholesky as the direct
 * reference). Tolerances: iterative solves stop at a relative residual tol; the solution
 * error is then bounded by cond(A) tol, so the small, mildly conditioned systems here are
 * compared at 1e3 tol, and exact algebra (stencil = dense matrix) at 1e-14 relative.
 */
import { CholeskyDecomposition, LuDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { NotConvergedError } from "../../src/core/errors.js";
import { createStream, type RandomStream } from "../../src/core/rng.js";
import { bandedCholesky, bandedCholeskySolve } from "../../src/linalg/banded-cholesky.js";
import { conjugateGradient } from "../../src/linalg/cg.js";
import { cocg } from "../../src/linalg/cocg.js";
import { complexStencilOperator, createComplexStencil, magnitudeStencil, updateComplexDiagonal } from "../../src/linalg/complex-stencil.js";
import { csrDiagonal, csrFromTriplets, csrMultiply, csrOperator, csrToDense } from "../../src/linalg/csr.js";
import { AggregationMultigrid } from "../../src/linalg/multigrid.js";
import { jacobiPreconditioner } from "../../src/linalg/operator.js";
import { createStencil, stencilApply, stencilIndex, stencilOperator, updateDiagonal, type Stencil7 } from "../../src/linalg/stencil.js";

/** A random SPD stencil: bonds 10^U(-k, 0), some cells cut out, shunts on both x faces. */
function randomStencil(nx: number, ny: number, nz: number, rng: RandomStream, decades = 3, holes = 0): Stencil7 {
  const s = createStencil(nx, ny, nz);
  const dead = new Uint8Array(s.length);
  for (let i = s.pad; i < s.pad + s.n; i++) dead[i] = rng.nextFloat() < holes ? 1 : 0;
  const w = (): number => 10 ** (-decades * rng.nextFloat());
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = stencilIndex(s, x, y, z);
        if (dead[i]) continue;
        if (x + 1 < nx && !dead[i + 1]) s.cx[i] = w();
        if (y + 1 < ny && !dead[i + nx]) s.cy[i] = w();
        if (z + 1 < nz && !dead[i + nx * ny]) s.cz[i] = w();
      }
  for (let k = 0; k < ny * nz; k++) {
    if (!dead[s.pad + k * nx]) s.shuntLow[k] = w();
    if (!dead[s.pad + k * nx + nx - 1]) s.shuntHigh[k] = w();
  }
  updateDiagonal(s);
  return s;
}

/** Dense matrix of a stencil, on the n box cells. */
function denseOf(s: Stencil7): Matrix {
  const n = s.n;
  const m = new Matrix(n, n);
  const e = new Float64Array(s.length), y = new Float64Array(s.length);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[s.pad + j] = 1;
    stencilApply(s, e, y);
    for (let i = 0; i < n; i++) m.set(i, j, y[s.pad + i]!);
  }
  return m;
}

function randomVector(s: Stencil7, rng: RandomStream): Float64Array {
  const v = new Float64Array(s.length);
  for (let i = s.pad; i < s.pad + s.n; i++) v[i] = rng.nextFloat() - 0.5;
  return v;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return m / scale;
}

describe("CSR", () => {
  it("sums duplicate triplets, sorts columns and multiplies", () => {
    const a = csrFromTriplets(3, 3, [0, 2, 0, 1, 0, 2], [2, 0, 0, 1, 2, 2], [1, 4, 2, 3, 5, 6]);
    expect(Array.from(a.rowStart)).toEqual([0, 2, 3, 5]);
    expect(Array.from(a.colIndex)).toEqual([0, 2, 1, 0, 2]);
    expect(Array.from(a.values)).toEqual([2, 6, 3, 4, 6]);
    expect(Array.from(csrToDense(a))).toEqual([2, 0, 6, 0, 3, 0, 4, 0, 6]);
    const y = new Float64Array(3);
    csrMultiply(a, Float64Array.from([1, 2, 3]), y);
    expect(Array.from(y)).toEqual([20, 6, 22]);
    expect(Array.from(csrDiagonal(a))).toEqual([2, 3, 6]);
    expect(() => csrFromTriplets(2, 2, [0], [2], [1])).toThrow("csr triplet 0: (0, 2) outside 2 x 2");
  });
  it("plain and Jacobi CG solve a small SPD system like LU", () => {
    // 1D Laplacian with a shunt at each end (exactly representable)
    const n = 20;
    const r: number[] = [], c: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) {
      r.push(i); c.push(i); v.push(i === 0 || i === n - 1 ? 3 : 2);
      if (i + 1 < n) { r.push(i, i + 1); c.push(i + 1, i); v.push(-1, -1); }
    }
    const a = csrFromTriplets(n, n, r, c, v);
    const b = new Float64Array(n).fill(1);
    const direct = new LuDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(csrToDense(a).slice(i * n, i * n + n))))).solve(Matrix.columnVector(Array.from(b)));
    for (const M of [undefined, jacobiPreconditioner(csrDiagonal(a))]) {
      const x = new Float64Array(n);
      const res = conjugateGradient(csrOperator(a), b, x, M, { tolerance: 1e-12 });
      expect(res.converged).toBe(true);
      expect(res.relativeResidual).toBeLessThanOrEqual(1e-12);
      expect(maxRelDiff(x, direct.getColumn(0))).toBeLessThan(1e-10);
    }
  });
});

describe("7-point stencil", () => {
  it("is the symmetric matrix of bonds and shunts, with decoupled holes as identity rows", () => {
    const s = randomStencil(4, 3, 3, createStream(1, "stencil"), 2, 0.2);
    const A = denseOf(s);
    expect(A.isSymmetric()).toBe(true);
    for (let i = 0; i < s.n; i++) {
      let off = 0;
      for (let j = 0; j < s.n; j++) if (j !== i) off -= A.get(i, j);
      const x = i % s.nx, k = (i - x) / s.nx;
      const shunt = (x === 0 ? s.shuntLow[k]! : 0) + (x === s.nx - 1 ? s.shuntHigh[k]! : 0);
      // row sum = shunt (a Laplacian), or 1 for a decoupled cell
      expect(A.get(i, i)).toBeCloseTo(off + shunt === 0 ? 1 : off + shunt, 14);
    }
  });
  it("banded Cholesky solves the stencil's system like dense Cholesky", () => {
    const s = randomStencil(5, 4, 3, createStream(2, "band"), 3, 0.1);
    const A = denseOf(s);
    const f = bandedCholesky(s.n, s.nx * s.ny, (i, j) => A.get(i, j));
    const b = Array.from({ length: s.n }, (_, i) => Math.sin(i + 1));
    const x = Float64Array.from(b);
    bandedCholeskySolve(f, x);
    const ref = new CholeskyDecomposition(A).solve(Matrix.columnVector(b)).getColumn(0);
    expect(maxRelDiff(x, ref)).toBeLessThan(1e-12);
    expect(() => bandedCholesky(2, 1, (i, j) => (i === j ? 1 : 2))).toThrow("not positive definite");
  });
});

describe("aggregation multigrid", () => {
  it("V- and W-cycles are symmetric linear operators (u . B v = v . B u)", () => {
    const rng = createStream(3, "mg-sym");
    const s = randomStencil(13, 10, 9, rng, 3, 0.15);
    for (const cycle of ["V", "W"] as const) {
      const mg = new AggregationMultigrid(s, { cycle, coarsestCells: 20 });
      expect(mg.depth).toBeGreaterThanOrEqual(3);
      const u = randomVector(s, rng), v = randomVector(s, rng);
      const Bu = new Float64Array(s.length), Bv = new Float64Array(s.length);
      mg.apply(u, Bu);
      mg.apply(v, Bv);
      let a = 0, b = 0, c = 0;
      for (let i = 0; i < s.length; i++) {
        a += u[i]! * Bv[i]!;
        b += v[i]! * Bu[i]!;
        c += Math.abs(u[i]! * Bv[i]!);
      }
      expect(Math.abs(a - b)).toBeLessThan(1e-13 * c);
      // and positive definite on these vectors
      let uBu = 0;
      for (let i = 0; i < s.length; i++) uBu += u[i]! * Bu[i]!;
      expect(uBu).toBeGreaterThan(0);
    }
  });
  it("PCG with V, W and K cycles agrees with plain CG and with a direct solve (contrast 1e6, holes)", () => {
    const rng = createStream(4, "mg-direct");
    const s = randomStencil(12, 9, 8, rng, 6, 0.1);
    const b = randomVector(s, rng);
    for (let i = s.pad; i < s.pad + s.n; i++) if (s.self[i] === 1 && s.cx[i] === 0 && s.cx[i - 1] === 0) b[i] = 0; // keep holes at 0
    const A = denseOf(s);
    const ref = new CholeskyDecomposition(A).solve(Matrix.columnVector(Array.from(b.subarray(s.pad, s.pad + s.n)))).getColumn(0);
    const tol = 1e-11;
    const plain = new Float64Array(s.length);
    const rPlain = conjugateGradient(stencilOperator(s), b, plain, undefined, { tolerance: tol, maxIterations: 100_000 });
    expect(maxRelDiff(plain.subarray(s.pad, s.pad + s.n), ref)).toBeLessThan(1e-8);
    for (const cycle of ["V", "W", "K"] as const) {
      const mg = new AggregationMultigrid(s, { cycle, coarsestCells: 30 });
      const x = new Float64Array(s.length);
      const res = conjugateGradient(stencilOperator(s), b, x, mg, { tolerance: tol });
      expect(res.relativeResidual).toBeLessThanOrEqual(tol);
      expect(res.iterations).toBeLessThan(rPlain.iterations / 3);
      expect(maxRelDiff(x.subarray(s.pad, s.pad + s.n), ref)).toBeLessThan(1e-8);
    }
  });
  it("keeps the iteration count nearly flat under refinement (Poisson, 32^3 -> 64^3)", () => {
    const its: Record<string, number[]> = { W: [], K: [] };
    for (const n of [32, 64]) for (const cycle of ["W", "K"] as const) {
      const s = createStencil(n, n, n);
      s.cx.fill(1); s.cy.fill(1); s.cz.fill(1); s.shuntLow.fill(2); s.shuntHigh.fill(2);
      s.cx.fill(0, 0, s.pad); s.cy.fill(0, 0, s.pad); s.cz.fill(0, 0, s.pad);
      s.cx.fill(0, s.pad + s.n); s.cy.fill(0, s.pad + s.n); s.cz.fill(0, s.pad + s.n);
      updateDiagonal(s);
      const b = new Float64Array(s.length);
      for (let k = 0; k < n * n; k++) b[s.pad + k * n] = 2;
      const x = new Float64Array(s.length);
      its[cycle]!.push(conjugateGradient(stencilOperator(s), b, x, new AggregationMultigrid(s, { cycle }), { tolerance: 1e-8 }).iterations);
    }
    // measured: W 13 -> 15, K 12 -> 12 (a plain V-cycle goes 15 -> 21)
    expect(its.W![1]! / its.W![0]!).toBeLessThan(1.25);
    expect(its.K![1]! - its.K![0]!).toBeLessThanOrEqual(1);
  });
  it("throws NotConvergedError with the true residual when the cap is hit", () => {
    const s = randomStencil(10, 10, 10, createStream(5, "cap"), 4);
    const b = randomVector(s, createStream(6));
    const x = new Float64Array(s.length);
    expect(() => conjugateGradient(stencilOperator(s), b, x, undefined, { maxIterations: 3, name: "test CG" })).toThrow(NotConvergedError);
    try {
      conjugateGradient(stencilOperator(s), b, new Float64Array(s.length), undefined, { maxIterations: 3, name: "test CG" });
    } catch (e) {
      expect((e as NotConvergedError).iterations).toBe(3);
      expect((e as Error).message).toMatch(/^test CG did not converge: relative residual \d\.\d{3}e[+-]\d+ after 3 iterations \(tolerance 1\.0e-8\)$/);
    }
    const r = conjugateGradient(stencilOperator(s), b, new Float64Array(s.length), undefined, { maxIterations: 3, throwOnFailure: false });
    expect(r.converged).toBe(false);
  });
});

describe("COCG", () => {
  it("solves a complex symmetric admittance system like a dense complex LU (real equivalent form)", () => {
    const rng = createStream(7, "cocg");
    const nx = 7, ny = 6, nz = 5;
    const Y = createComplexStencil(nx, ny, nz);
    const s = Y.re;
    // bonds with conductance and susceptance over 4 decades each (first quadrant)
    for (let i = s.pad; i < s.pad + s.n; i++) {
      s.cx[i] = 10 ** (-4 * rng.nextFloat()); Y.cxIm[i] = 10 ** (-4 * rng.nextFloat());
      s.cy[i] = 10 ** (-4 * rng.nextFloat()); Y.cyIm[i] = 10 ** (-4 * rng.nextFloat());
      s.cz[i] = 10 ** (-4 * rng.nextFloat()); Y.czIm[i] = 10 ** (-4 * rng.nextFloat());
    }
    for (let k = 0; k < ny * nz; k++) { s.shuntLow[k] = 1; Y.shuntLowIm[k] = 0.5; s.shuntHigh[k] = 0.2; }
    updateComplexDiagonal(Y);
    const n = s.n;
    const bRe = new Float64Array(s.length), bIm = new Float64Array(s.length);
    for (let k = 0; k < ny * nz; k++) { bRe[s.pad + k * nx] = 1; bIm[s.pad + k * nx] = 0.5; }
    // dense real form [[Gr, -Gi], [Gi, Gr]] [xr; xi] = [br; bi]
    const big = new Matrix(2 * n, 2 * n);
    const er = new Float64Array(s.length), ei = new Float64Array(s.length), yr = new Float64Array(s.length), yi = new Float64Array(s.length);
    const op = complexStencilOperator(Y);
    for (let j = 0; j < n; j++) {
      er.fill(0); ei.fill(0);
      er[s.pad + j] = 1;
      op.apply(er, ei, yr, yi);
      for (let i = 0; i < n; i++) {
        big.set(i, j, yr[s.pad + i]!); big.set(i + n, j + n, yr[s.pad + i]!);
        big.set(i + n, j, yi[s.pad + i]!); big.set(i, j + n, -yi[s.pad + i]!);
      }
    }
    const rhs = [...Array.from(bRe.subarray(s.pad, s.pad + n)), ...Array.from(bIm.subarray(s.pad, s.pad + n))];
    const ref = new LuDecomposition(big).solve(Matrix.columnVector(rhs)).getColumn(0);
    const M = createStencil(nx, ny, nz);
    magnitudeStencil(Y, M);
    for (const pre of [undefined, new AggregationMultigrid(M, { coarsestCells: 20 })]) {
      const xr = new Float64Array(s.length), xi = new Float64Array(s.length);
      const res = cocg(op, bRe, bIm, xr, xi, pre, { tolerance: 1e-12 });
      expect(res.relativeResidual).toBeLessThanOrEqual(1e-12);
      const got = [...Array.from(xr.subarray(s.pad, s.pad + n)), ...Array.from(xi.subarray(s.pad, s.pad + n))];
      expect(maxRelDiff(got, ref)).toBeLessThan(1e-8);
    }
    expect(() => cocg(op, bRe, bIm, new Float64Array(s.length), new Float64Array(s.length), new AggregationMultigrid(M, { cycle: "K" }))).toThrow("must be linear");
  });
});
