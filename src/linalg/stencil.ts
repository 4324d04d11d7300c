/**
 * Symmetric 7-point stencil operators on an nx x ny x nz box (cell-centred graph
 * Laplacians with shunts): the matrix of a resistor network on a structured grid,
 *   (A x)_i = e_i x_i + sum_{j face neighbour of i} c_ij (x_i - x_j),
 * i.e. diagonal d_i = e_i + sum_j c_ij, with c_ij >= 0 the bond conductance and the
 * diagonal excess e_i = s_i >= 0 a shunt to a node of fixed potential (a Dirichlet
 * electrode, eliminated symmetrically). Cells with no bond and no shunt are decoupled and
 * get e_i = 1, so A stays non-singular and such a cell's entry stays 0.
 *
 * The product is evaluated in this difference form, not as d_i x_i - sum c_ij x_j: when
 * the electrodes are weakly coupled (interface or grain-boundary resistances, blocking
 * electrodes at low frequency) x is nearly uniform and d_i x_i - sum c_ij x_j cancels
 * catastrophically, putting a floor of eps max(c)/min(s) under ||b - A x|| / ||b||; the
 * differences x_i - x_j are small and exact-ish instead.
 *
 * Storage: each cell stores only its three forward bonds (+x, +y, +z), cx/cy/cz, so a
 * bond is held once; with e and 1/d that is 40 bytes per cell. Arrays are padded by
 * one z-plane (nx ny entries) before and after the box, and the forward bonds of the last
 * cell of a row, column or plane are 0, so the kernels run over one flat index range with
 * no boundary branches: a neighbour outside the box is read through a zero coefficient.
 * Vectors use the same padded layout (length = n + 2 pad) and keep zeros in the padding.
 *
 * A stencil may carry a `ground`: per cell, a conductance to a node at potential 0 besides the
 * electrode shunts (the periodic network's preconditioner lays the wrap bonds' diagonal on the
 * box stencil this way, transport/network/periodic.ts); it enters the
 * diagonal excess e_i and adds up over aggregates in the Galerkin coarsening like a shunt.
 *
 * A stencil created in a WebAssembly arena (arena.ts) carries its kernels (`wasm`), and
 * the functions below hand over to them when their vectors live in the same arena.
 */
import { InputError } from "../core/errors.js";
import type { Float64Arena } from "./arena.js";
import type { LinearOperator } from "./operator.js";
import type { WasmKernels } from "./wasm/kernels.js";

export interface Stencil7 {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** Cells in the box, nx ny nz. */
  readonly n: number;
  /** Padding before (and after) the box: nx ny. Cell (x, y, z) is at pad + x + nx (y + ny z). */
  readonly pad: number;
  /** Array length, n + 2 pad. */
  readonly length: number;
  /** Bond conductance to the +x neighbour (0 on the x = nx-1 face and in the padding). */
  readonly cx: Float64Array;
  readonly cy: Float64Array;
  readonly cz: Float64Array;
  /** Shunts of the x = 0 cells, indexed y + ny z (the low electrode). */
  readonly shuntLow: Float64Array;
  /** Shunts of the x = nx-1 cells, indexed y + ny z (the high electrode). */
  readonly shuntHigh: Float64Array;
  /** Conductance from each cell to potential 0 besides the shunts (padded layout), if any. */
  readonly ground?: Float64Array;
  /** Diagonal excess e = d - sum of bonds: the shunts plus the ground, or 1 for a decoupled cell (set by `updateDiagonal`). */
  readonly self: Float64Array;
  /** 1 / d (the smoother multiplies: a division in Gauss-Seidel's recurrence costs ~30 %). */
  readonly invDiag: Float64Array;
  /** WebAssembly kernels of the arena holding the arrays, if any. */
  readonly wasm?: WasmKernels;
}

/** Padded vector length of a box: n + 2 nx ny. */
export function stencilLength(nx: number, ny: number, nz: number): number {
  return nx * ny * (nz + 2);
}

/** Arena bytes of a stencil's arrays (see createStencil). */
export function stencilArenaBytes(nx: number, ny: number, nz: number, ground = false): number {
  return 8 * ((ground ? 6 : 5) * stencilLength(nx, ny, nz) + 2 * ny * nz);
}

/** A stencil with all bonds and shunts zero (and a zero `ground` array if asked), its arrays from `arena` if given. */
export function createStencil(nx: number, ny: number, nz: number, arena?: Float64Arena, ground = false): Stencil7 {
  for (const s of [nx, ny, nz]) if (!Number.isInteger(s) || s < 1) throw new InputError(`stencil box [${nx}, ${ny}, ${nz}]: sides must be positive integers`);
  const n = nx * ny * nz;
  const pad = nx * ny;
  const length = n + 2 * pad;
  const f = (k: number): Float64Array => (arena === undefined ? new Float64Array(k) : arena.alloc(k));
  const s = {
    nx, ny, nz, n, pad, length,
    cx: f(length),
    cy: f(length),
    cz: f(length),
    shuntLow: f(ny * nz),
    shuntHigh: f(ny * nz),
    self: f(length),
    invDiag: f(length),
    ...(ground ? { ground: f(length) } : {}),
  };
  return arena?.kernels === undefined ? s : { ...s, wasm: arena.kernels };
}

/** Bytes held by a stencil's arrays. */
export function stencilBytes(s: Stencil7): number {
  return s.cx.byteLength + s.cy.byteLength + s.cz.byteLength + s.self.byteLength + s.invDiag.byteLength + s.shuntLow.byteLength + s.shuntHigh.byteLength + (s.ground?.byteLength ?? 0);
}

/**
 * e_i = shunts (and ground) of cell i (or 1 for a decoupled cell) and 1/d_i with d_i = e_i + sum of
 * its six bonds. Also zeroes the forward bonds that would leave the box, so callers may
 * fill cx, cy, cz carelessly at the far faces.
 */
export function updateDiagonal(s: Stencil7): void {
  const { nx, ny, nz, pad, cx, cy, cz, self, invDiag, shuntLow, shuntHigh } = s;
  const sy = nx, sz = nx * ny;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = pad + nx * (y + ny * z);
      cx[row + nx - 1] = 0;
      if (y === ny - 1) for (let x = 0; x < nx; x++) cy[row + x] = 0;
      if (z === nz - 1) for (let x = 0; x < nx; x++) cz[row + x] = 0;
    }
  }
  const end = pad + s.n;
  self.fill(0, pad, end);
  for (let k = 0; k < ny * nz; k++) {
    self[pad + k * nx]! += shuntLow[k]!;
    self[pad + k * nx + nx - 1]! += shuntHigh[k]!;
  }
  const ground = s.ground;
  if (ground !== undefined) for (let i = pad; i < end; i++) self[i]! += ground[i]!;
  for (let i = pad; i < end; i++) {
    const bonds = cx[i]! + cx[i - 1]! + cy[i]! + cy[i - sy]! + cz[i]! + cz[i - sz]!;
    if (bonds + self[i]! === 0) self[i] = 1;
    invDiag[i] = 1 / (bonds + self[i]!);
  }
}

/** d_i, the diagonal entry of cell i (padded index). */
export function stencilDiagonal(s: Stencil7, i: number): number {
  const sy = s.nx, sz = s.nx * s.ny;
  return s.self[i]! + s.cx[i]! + s.cx[i - 1]! + s.cy[i]! + s.cy[i - sy]! + s.cz[i]! + s.cz[i - sz]!;
}

/** y = A x in difference form, y_i = e_i x_i + sum_j c_ij (x_i - x_j) (file header). */
export function stencilApply(s: Stencil7, x: Float64Array, y: Float64Array): void {
  const w = s.wasm;
  if (w !== undefined && w.owns(x) && w.owns(y)) return w.apply(s, x, y);
  const { cx, cy, cz, self, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  for (let i = pad; i < end; i++) {
    const v = x[i]!;
    y[i] =
      self[i]! * v +
      cx[i]! * (v - x[i + 1]!) + cx[i - 1]! * (v - x[i - 1]!) +
      cy[i]! * (v - x[i + sy]!) + cy[i - sy]! * (v - x[i - sy]!) +
      cz[i]! * (v - x[i + sz]!) + cz[i - sz]! * (v - x[i - sz]!);
  }
}

/** r = b - A x (difference form). */
export function stencilResidual(s: Stencil7, b: Float64Array, x: Float64Array, r: Float64Array): void {
  const { cx, cy, cz, self, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  for (let i = pad; i < end; i++) {
    const v = x[i]!;
    r[i] =
      b[i]! - self[i]! * v -
      (cx[i]! * (v - x[i + 1]!) + cx[i - 1]! * (v - x[i - 1]!) +
        cy[i]! * (v - x[i + sy]!) + cy[i - sy]! * (v - x[i - sy]!) +
        cz[i]! * (v - x[i + sz]!) + cz[i - sz]! * (v - x[i - sz]!));
  }
}

/**
 * One lexicographic Gauss-Seidel sweep in increasing index order:
 * x_i <- (b_i + sum_j c_ij x_j) / d_i, using the newest x_j. The sweep is a recurrence
 * through x_{i-1}; it is evaluated as x_i = t_i + (c_{i-1,i} / d_i) x_{i-1}, with t_i (all
 * other terms over d_i) computed off the chain and x_{i-1}, c_{i-1,i} kept in locals, so
 * the dependency per cell is one multiply and one add.
 */
export function gaussSeidelForward(s: Stencil7, b: Float64Array, x: Float64Array): void {
  const w = s.wasm;
  if (w !== undefined && w.owns(b) && w.owns(x)) return w.gsForward(s, b, x);
  const { cx, cy, cz, invDiag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  let xm = x[pad - 1]!, cm = cx[pad - 1]!;
  for (let i = pad; i < end; i++) {
    const c = cx[i]!, inv = invDiag[i]!;
    const v = (b[i]! + c * x[i + 1]! + cy[i]! * x[i + sy]! + cy[i - sy]! * x[i - sy]! + cz[i]! * x[i + sz]! + cz[i - sz]! * x[i - sz]!) * inv + cm * inv * xm;
    x[i] = v;
    xm = v;
    cm = c;
  }
}

/**
 * The forward sweep from x = 0 (the first pre-smoothing step of a cycle): only the
 * already-updated lower neighbours are non-zero, x_i <- (b_i + sum_{j<i} c_ij x_j) / d_i.
 * Overwrites all of x's box entries (no need to clear x first).
 */
export function gaussSeidelForwardFromZero(s: Stencil7, b: Float64Array, x: Float64Array): void {
  const w = s.wasm;
  if (w !== undefined && w.owns(b) && w.owns(x)) return w.gsForwardZero(s, b, x);
  const { cx, cy, cz, invDiag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  let xm = 0, cm = 0;
  for (let i = pad; i < end; i++) {
    const inv = invDiag[i]!;
    const v = (b[i]! + cy[i - sy]! * x[i - sy]! + cz[i - sz]! * x[i - sz]!) * inv + cm * inv * xm;
    x[i] = v;
    xm = v;
    cm = cx[i]!;
  }
}

/** The same sweep in decreasing index order (the adjoint of the forward sweep). */
export function gaussSeidelBackward(s: Stencil7, b: Float64Array, x: Float64Array): void {
  const w = s.wasm;
  if (w !== undefined && w.owns(b) && w.owns(x)) return w.gsBackward(s, b, x);
  const { cx, cy, cz, invDiag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny;
  let xp = x[pad + s.n]!;
  for (let i = pad + s.n - 1; i >= pad; i--) {
    const inv = invDiag[i]!;
    const v = (b[i]! + cx[i - 1]! * x[i - 1]! + cy[i]! * x[i + sy]! + cy[i - sy]! * x[i - sy]! + cz[i]! * x[i + sz]! + cz[i - sz]! * x[i - sz]!) * inv + cx[i]! * inv * xp;
    x[i] = v;
    xp = v;
  }
}

/** || |A| |x| ||_2 = sqrt(sum_i (e_i |x_i| + sum_j c_ij (|x_i| + |x_j|))^2). */
export function stencilAbsNorm(s: Stencil7, x: Float64Array): number {
  const { cx, cy, cz, self, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  let sum = 0;
  for (let i = pad; i < end; i++) {
    const v = Math.abs(x[i]!);
    const t =
      self[i]! * v +
      cx[i]! * (v + Math.abs(x[i + 1]!)) + cx[i - 1]! * (v + Math.abs(x[i - 1]!)) +
      cy[i]! * (v + Math.abs(x[i + sy]!)) + cy[i - sy]! * (v + Math.abs(x[i - sy]!)) +
      cz[i]! * (v + Math.abs(x[i + sz]!)) + cz[i - sz]! * (v + Math.abs(x[i - sz]!));
    sum += t * t;
  }
  return Math.sqrt(sum);
}

/** A stencil as a LinearOperator on padded vectors. */
export function stencilOperator(s: Stencil7): LinearOperator {
  return { length: s.length, apply: (x, y) => stencilApply(s, x, y), absNorm: (x) => stencilAbsNorm(s, x) };
}

/** Padded index of cell (x, y, z). */
export function stencilIndex(s: Stencil7, x: number, y: number, z: number): number {
  return s.pad + x + s.nx * (y + s.ny * z);
}
