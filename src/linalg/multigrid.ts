/**
 * Aggregation multigrid for 7-point stencil operators (a preconditioner for CG).
 *
 * Coarsening: the cells of each 2 x 2 x 2 block form one aggregate (a side of 1 cell is
 * not coarsened), prolongation P is piecewise constant over the aggregate and restriction
 * is P^T. The Galerkin operator P^T A P of a graph Laplacian under such a P is again a
 * 7-point graph Laplacian: the coarse bond between two blocks is the sum of the fine bonds
 * crossing their common face, bonds inside a block drop out, shunts add up. So every level
 * keeps the lean stencil storage and the same kernels (Vanek, Mandel and Brezina,
 * Computing 56, 179, 1996; Notay, ETNA 37, 123, 2010).
 *
 * Cycles: plain V-cycles of unsmoothed aggregation lose ground with depth (the Galerkin
 * coarse operator is about twice too stiff per level; Poisson 16^3 .. 128^3 takes 10, 15,
 * 21, 30 PCG iterations). "W" (default) visits each coarse level twice (10, 13, 15, 16),
 * costs about 1/3 more than a V-cycle per application, and is linear and symmetric, so it
 * serves plain PCG and COCG alike. "K" solves each coarse problem by two steps of flexible
 * CG preconditioned by the next level (Notay and Vassilevski, Numer. Linear Algebra Appl.
 * 15, 473, 2008): flat (10, 12, 12, 12) but nonlinear, so the outer solver must be
 * flexible (conjugateGradient switches itself when `linear` is false). On the random
 * two-phase benchmark (contrast 1e3) all three need 50-70 iterations at 64^3-128^3: there
 * the limit is the coefficient jumps inside aggregates, not the depth.
 *
 * Smoothing: forward Gauss-Seidel before, backward after (so the cycle is symmetric);
 * with one pre-sweep from zero the residual to restrict is just the upper-triangle part
 * (3 products a cell). Coarsest level: banded Cholesky. Cells with no bonds (decoupled,
 * identity rows, zero right-hand side) are set to 0 by the post-smoother, so P need not
 * know which cells are active.
 * Nothing is allocated after construction but the small coarsest factor; `update()`
 * recomputes the coarse operators in place after the fine stencil's coefficients change
 * (frequency sweeps). Given an arena (arena.ts), the hierarchy lives in it and the
 * WebAssembly kernels run every level.
 */
import { InputError } from "../core/errors.js";
import type { Float64Arena } from "./arena.js";
import { bandedCholesky, bandedCholeskySolve, type BandedCholesky } from "./banded-cholesky.js";
import type { Preconditioner } from "./operator.js";
import {
  createStencil,
  gaussSeidelBackward,
  gaussSeidelForward,
  gaussSeidelForwardFromZero,
  stencilApply,
  stencilArenaBytes,
  stencilBytes,
  stencilDiagonal,
  stencilLength,
  updateDiagonal,
  type Stencil7,
} from "./stencil.js";

export type CycleKind = "V" | "W" | "K";

export interface MultigridOptions {
  /** "W" (default) or "V" (linear, symmetric), or "K" (nonlinear: needs flexible CG). */
  readonly cycle?: CycleKind;
  /** Forward Gauss-Seidel sweeps before the coarse correction (default 1). */
  readonly preSweeps?: number;
  /** Backward Gauss-Seidel sweeps after it (default 1; at least 1). */
  readonly postSweeps?: number;
  /** Stop coarsening at this many cells or fewer (default 64); that level is factored. */
  readonly coarsestCells?: number;
  /** Factor on the coarse correction of the V and W cycles (default 1; K-cycles choose it). */
  readonly correctionScale?: number;
  /** K-cycle: skip the second inner step when it reduced the residual below this factor (0.25). */
  readonly kCycleThreshold?: number;
}

interface Level {
  readonly A: Stencil7;
  /** Right-hand side and solution of this level (unused on level 0, which works on the caller's arrays). */
  readonly b: Float64Array;
  readonly x: Float64Array;
  /** Work vectors for W and K cycles (empty arrays when not needed). */
  readonly w1: Float64Array;
  readonly w2: Float64Array;
  readonly w3: Float64Array;
  /** log2 of the aggregate side along x, y, z towards the next level (0 or 1). */
  readonly shift: readonly [number, number, number];
}

const EMPTY = new Float64Array(0);

export class AggregationMultigrid implements Preconditioner {
  readonly length: number;
  readonly linear: boolean;
  readonly cycle: CycleKind;
  private readonly levels: Level[] = [];
  private coarse: BandedCholesky | undefined;
  private readonly pre: number;
  private readonly post: number;
  private readonly scale: number;
  private readonly threshold: number;

  /** Shapes of the levels below the fine one, by the rule the constructor applies. */
  static coarseShapes(nx: number, ny: number, nz: number, coarsestCells = 64): [number, number, number][] {
    const out: [number, number, number][] = [];
    let s: [number, number, number] = [nx, ny, nz];
    while (!(s[0] * s[1] * s[2] <= coarsestCells || (s[0] === 1 && s[1] === 1 && s[2] === 1))) {
      s = [(s[0] + 1) >> 1, (s[1] + 1) >> 1, (s[2] + 1) >> 1];
      out.push(s);
    }
    return out;
  }

  /** Arena bytes the hierarchy of a fine box needs (coarse stencils and level vectors). */
  static arenaBytes(nx: number, ny: number, nz: number, options: MultigridOptions = {}, ground = false): number {
    const cycle = options.cycle ?? "W";
    const vectors = cycle === "V" ? 2 : cycle === "W" ? 4 : 5;
    let total = 0;
    for (const [a, b, c] of AggregationMultigrid.coarseShapes(nx, ny, nz, options.coarsestCells)) {
      total += stencilArenaBytes(a, b, c, ground) + 8 * vectors * stencilLength(a, b, c);
    }
    return total;
  }

  constructor(fine: Stencil7, options: MultigridOptions = {}, arena?: Float64Arena) {
    this.cycle = options.cycle ?? "W";
    this.pre = options.preSweeps ?? 1;
    this.post = options.postSweeps ?? 1;
    this.scale = options.correctionScale ?? 1;
    this.threshold = options.kCycleThreshold ?? 0.25;
    const coarsest = options.coarsestCells ?? 64;
    if (!(this.pre >= 0 && Number.isInteger(this.pre))) throw new InputError(`multigrid preSweeps ${this.pre}: must be an integer >= 0`);
    if (!(this.post >= 1 && Number.isInteger(this.post))) throw new InputError(`multigrid postSweeps ${this.post}: must be an integer >= 1`);
    if (!(coarsest >= 1)) throw new InputError(`multigrid coarsestCells ${coarsest}: must be >= 1`);
    this.length = fine.length;
    this.linear = this.cycle !== "K";
    const work = this.cycle === "V" ? 0 : this.cycle === "W" ? 2 : 3; // w1, w2 (W); w1..w3 (K)
    const vec = (k: number): Float64Array => (arena === undefined ? new Float64Array(k) : arena.alloc(k));
    let A = fine;
    for (;;) {
      const last = A.n <= coarsest || (A.nx === 1 && A.ny === 1 && A.nz === 1);
      const shift: [number, number, number] = [A.nx > 1 ? 1 : 0, A.ny > 1 ? 1 : 0, A.nz > 1 ? 1 : 0];
      const first = this.levels.length === 0;
      this.levels.push({
        A,
        b: first ? EMPTY : vec(A.length),
        x: first ? EMPTY : vec(A.length),
        w1: work >= 1 && !first ? vec(A.length) : EMPTY,
        w2: work >= 2 && !first ? vec(A.length) : EMPTY,
        w3: work >= 3 && !first ? vec(A.length) : EMPTY,
        shift,
      });
      if (last) break;
      A = createStencil((A.nx + shift[0]) >> shift[0], (A.ny + shift[1]) >> shift[1], (A.nz + shift[2]) >> shift[2], arena, fine.ground !== undefined);
    }
    this.update();
  }

  /** Number of levels (1 = a direct solve). */
  get depth(): number {
    return this.levels.length;
  }

  /** Cells on each level, finest first. */
  get levelCells(): number[] {
    return this.levels.map((l) => l.A.n);
  }

  /** Bytes of the hierarchy, excluding the fine operator (owned by the caller). */
  get bytes(): number {
    let total = this.coarse?.factor.byteLength ?? 0;
    this.levels.forEach((l, k) => {
      if (k > 0) total += stencilBytes(l.A);
      total += l.b.byteLength + l.x.byteLength + l.w1.byteLength + l.w2.byteLength + l.w3.byteLength;
    });
    return total;
  }

  /** Recompute every coarse operator and the coarsest factor from the fine stencil. */
  update(): void {
    const levels = this.levels;
    for (let k = 0; k + 1 < levels.length; k++) galerkinCoarsen(levels[k]!.A, levels[k]!.shift, levels[k + 1]!.A);
    const A = levels[levels.length - 1]!.A;
    const sy = A.nx, sz = A.nx * A.ny;
    const w = A.nz > 1 ? sz : A.ny > 1 ? sy : 1;
    const p = A.pad;
    this.coarse = bandedCholesky(A.n, w, (i, j) => {
      if (i === j) return stencilDiagonal(A, p + i);
      const d = i - j;
      let v = 0;
      if (d === 1) v -= A.cx[p + j]!;
      if (d === sy && A.ny > 1) v -= A.cy[p + j]!;
      if (d === sz && A.nz > 1) v -= A.cz[p + j]!;
      return v;
    });
  }

  /** z = M^-1 r: one cycle from a zero guess. */
  apply(r: Float64Array, z: Float64Array): void {
    this.cycleAt(0, r, z);
  }

  /** Approximate A_k x = b by one cycle at level k (x overwritten). */
  private cycleAt(k: number, b: Float64Array, x: Float64Array): void {
    const level = this.levels[k]!;
    const A = level.A;
    if (k === this.levels.length - 1) {
      x.set(b);
      bandedCholeskySolve(this.coarse!, x, A.pad);
      return;
    }
    if (this.pre === 0) x.fill(0);
    else gaussSeidelForwardFromZero(A, b, x);
    for (let s = 1; s < this.pre; s++) gaussSeidelForward(A, b, x);
    const next = this.levels[k + 1]!;
    if (this.pre === 1) restrictUpperResidual(A, level.shift, x, next.A, next.b);
    else restrictResidual(A, level.shift, b, x, next.A, next.b);
    this.coarseSolve(k + 1);
    prolongAdd(A, level.shift, x, next.A, next.x, this.cycle === "K" ? 1 : this.scale);
    for (let s = 0; s < this.post; s++) gaussSeidelBackward(A, b, x);
  }

  /** Approximate A_m x_m = b_m on a coarse level (m >= 1) by the chosen cycle. */
  private coarseSolve(m: number): void {
    const L = this.levels[m]!;
    if (m === this.levels.length - 1 || this.cycle === "V") {
      this.cycleAt(m, L.b, L.x);
      return;
    }
    const A = L.A;
    if (this.cycle === "W") {
      // x = B b; x += B (b - A x)
      this.cycleAt(m, L.b, L.x);
      stencilApply(A, L.x, L.w1);
      for (let i = 0; i < L.w1.length; i++) L.w1[i] = L.b[i]! - L.w1[i]!;
      this.cycleAt(m, L.w1, L.w2);
      for (let i = 0; i < L.x.length; i++) L.x[i]! += L.w2[i]!;
      return;
    }
    // K-cycle: two steps of flexible CG on A_m x = b_m, preconditioned by a cycle at m
    const b = L.b, c1 = L.w1, v1 = L.w2, t = L.w3, x = L.x;
    this.cycleAt(m, b, c1);
    stencilApply(A, c1, v1);
    let rho1 = 0, alpha1 = 0, bb = 0;
    for (let i = 0; i < b.length; i++) {
      rho1 += c1[i]! * v1[i]!;
      alpha1 += c1[i]! * b[i]!;
      bb += b[i]! * b[i]!;
    }
    if (!(rho1 > 0)) {
      x.set(c1);
      return;
    }
    const a1 = alpha1 / rho1;
    let tt = 0;
    for (let i = 0; i < b.length; i++) {
      const r = b[i]! - a1 * v1[i]!;
      t[i] = r;
      tt += r * r;
    }
    if (tt <= this.threshold * this.threshold * bb) {
      for (let i = 0; i < x.length; i++) x[i] = a1 * c1[i]!;
      return;
    }
    // the second step's cycle overwrites x (c2 = B t); the next level's arrays are free again
    this.cycleAt(m, t, x);
    let alpha2 = 0;
    for (let i = 0; i < t.length; i++) alpha2 += x[i]! * t[i]!;
    stencilApply(A, x, t); // t <- v2 = A c2
    let gamma = 0, beta = 0;
    for (let i = 0; i < t.length; i++) {
      gamma += x[i]! * v1[i]!;
      beta += x[i]! * t[i]!;
    }
    const rho2 = beta - (gamma * gamma) / rho1;
    if (!(rho2 > 0)) {
      for (let i = 0; i < x.length; i++) x[i] = a1 * c1[i]!;
      return;
    }
    const f1 = a1 - (gamma * alpha2) / (rho1 * rho2), f2 = alpha2 / rho2;
    for (let i = 0; i < x.length; i++) x[i] = f1 * c1[i]! + f2 * x[i]!;
  }
}

/**
 * Galerkin coarse operator P^T A P for piecewise-constant aggregation: fine bonds that
 * cross an aggregate face add to the coarse bond, shunts add to the coarse shunts (and a
 * ground, stencil.ts, to the coarse ground).
 */
export function galerkinCoarsen(A: Stencil7, shift: readonly [number, number, number], C: Stencil7): void {
  const [sx, sy, sz] = shift;
  C.cx.fill(0);
  C.cy.fill(0);
  C.cz.fill(0);
  C.shuntLow.fill(0);
  C.shuntHigh.fill(0);
  const { nx, ny, nz } = A;
  const gf = A.ground, gc = C.ground;
  if (gf !== undefined && gc === undefined) throw new InputError("galerkinCoarsen: the fine stencil has a ground and the coarse one none");
  gc?.fill(0);
  for (let z = 0; z < nz; z++) {
    const zc = z >> sz;
    const zCross = z + 1 < nz && (z + 1) >> sz !== zc;
    for (let y = 0; y < ny; y++) {
      const yc = y >> sy;
      const yCross = y + 1 < ny && (y + 1) >> sy !== yc;
      const fRow = A.pad + nx * (y + ny * z);
      const cRow = C.pad + C.nx * (yc + C.ny * zc);
      for (let x = 0; x < nx; x++) {
        const i = fRow + x, I = cRow + (x >> sx);
        if (x + 1 < nx && (x + 1) >> sx !== x >> sx) C.cx[I]! += A.cx[i]!;
        if (yCross) C.cy[I]! += A.cy[i]!;
        if (zCross) C.cz[I]! += A.cz[i]!;
        if (gf !== undefined) gc![I]! += gf[i]!;
      }
      C.shuntLow[yc + C.ny * zc]! += A.shuntLow[y + ny * z]!;
      C.shuntHigh[yc + C.ny * zc]! += A.shuntHigh[y + ny * z]!;
    }
  }
  updateDiagonal(C);
}

/**
 * bc = P^T (b - A x): the fine residual (difference form, see stencil.ts) summed over each
 * aggregate, in one pass; bc is overwritten.
 */
function restrictResidual(A: Stencil7, shift: readonly [number, number, number], b: Float64Array, x: Float64Array, C: Stencil7, bc: Float64Array): void {
  bc.fill(0);
  const { cx, cy, cz, self, pad, nx, ny, nz } = A;
  const [sx, sy, sz] = shift;
  const oy = nx, oz = nx * ny;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const fRow = pad + nx * (y + ny * z);
      const cRow = C.pad + C.nx * ((y >> sy) + C.ny * (z >> sz));
      for (let xx = 0; xx < nx; xx++) {
        const i = fRow + xx, v = x[i]!;
        bc[cRow + (xx >> sx)]! +=
          b[i]! - self[i]! * v -
          (cx[i]! * (v - x[i + 1]!) + cx[i - 1]! * (v - x[i - 1]!) + cy[i]! * (v - x[i + oy]!) + cy[i - oy]! * (v - x[i - oy]!) + cz[i]! * (v - x[i + oz]!) + cz[i - oz]! * (v - x[i - oz]!));
      }
    }
  }
}

/**
 * bc = P^T r right after one forward Gauss-Seidel sweep from x = 0. That sweep solved
 * d_i x_i - sum_{j<i} c_ij x_j = b_i exactly, so the residual is the upper part alone,
 * r_i = sum_{j>i} c_ij x_j = cx_i x_{i+1} + cy_i x_{i+ny} + cz_i x_{i+nx ny}: 3 products
 * instead of 7 and no read of b or d. Along a coarsened x the two cells of an aggregate
 * are summed before they are added to bc (the WebAssembly kernel does the same).
 */
function restrictUpperResidual(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, bc: Float64Array): void {
  const w = A.wasm;
  if (w !== undefined && w.owns(x) && w.owns(bc) && C.wasm === w) return w.restrictUpper(A, shift, x, C, bc);
  bc.fill(0);
  const { cx, cy, cz, pad, nx, ny, nz } = A;
  const [sx, sy, sz] = shift;
  const oy = nx, oz = nx * ny;
  const pairs = sx === 1 ? nx >> 1 : 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let i = pad + nx * (y + ny * z);
      let c = C.pad + C.nx * ((y >> sy) + C.ny * (z >> sz));
      let k = 0;
      for (; k < pairs; k++, i += 2, c++) {
        bc[c]! += cx[i]! * x[i + 1]! + cy[i]! * x[i + oy]! + cz[i]! * x[i + oz]! + (cx[i + 1]! * x[i + 2]! + cy[i + 1]! * x[i + 1 + oy]! + cz[i + 1]! * x[i + 1 + oz]!);
      }
      for (; k < C.nx; k++, i++, c++) bc[c]! += cx[i]! * x[i + 1]! + cy[i]! * x[i + oy]! + cz[i]! * x[i + oz]!;
    }
  }
}

/** x += scale P xc: each fine cell adds its aggregate's value. */
function prolongAdd(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, xc: Float64Array, scale: number): void {
  const w = A.wasm;
  if (w !== undefined && w.owns(x) && w.owns(xc) && C.wasm === w) return w.prolong(A, shift, x, C, xc, scale);
  const { pad, nx, ny, nz } = A;
  const [sx, sy, sz] = shift;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const fRow = pad + nx * (y + ny * z);
      const cRow = C.pad + C.nx * ((y >> sy) + C.ny * (z >> sz));
      if (scale === 1) for (let xx = 0; xx < nx; xx++) x[fRow + xx]! += xc[cRow + (xx >> sx)]!;
      else for (let xx = 0; xx < nx; xx++) x[fRow + xx]! += scale * xc[cRow + (xx >> sx)]!;
    }
  }
}
