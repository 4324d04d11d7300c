/**
 * Symmetric 7-point stencil operators on an nx x ny x nz box (cell-centred graph
 * Laplacians with shunts): the matrix of a resistor network on a structured grid,
 *   (A x)_i = d_i x_i - sum_{j face neighbour of i} c_ij x_j,
 *   d_i = sum_j c_ij + s_i,
 * with c_ij >= 0 the bond conductance and s_i >= 0 a shunt to a node of fixed potential
 * (a Dirichlet electrode, eliminated symmetrically). Cells with no bond and no shunt are
 * decoupled and get d_i = 1, so A stays non-singular and such a cell's entry stays 0.
 *
 * Storage: each cell stores only its three forward bonds (+x, +y, +z), cx/cy/cz, so a
 * bond is held once; with the diagonal and its inverse that is 40 bytes per cell. Arrays are padded by
 * one z-plane (nx ny entries) before and after the box, and the forward bonds of the last
 * cell of a row, column or plane are 0, so the kernels run over one flat index range with
 * no boundary branches: a neighbour outside the box is read through a zero coefficient.
 * Vectors use the same padded layout (length = n + 2 pad) and keep zeros in the padding.
 */
import { InputError } from "../core/errors.js";
import type { LinearOperator } from "./operator.js";

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
  /** Diagonal; set by `updateDiagonal` from the bonds and shunts. */
  readonly diag: Float64Array;
  /** 1 / diag (the smoother multiplies: a division in Gauss-Seidel's recurrence costs ~30 %). */
  readonly invDiag: Float64Array;
}

/** A stencil with all bonds and shunts zero. */
export function createStencil(nx: number, ny: number, nz: number): Stencil7 {
  for (const s of [nx, ny, nz]) if (!Number.isInteger(s) || s < 1) throw new InputError(`stencil box [${nx}, ${ny}, ${nz}]: sides must be positive integers`);
  const n = nx * ny * nz;
  const pad = nx * ny;
  const length = n + 2 * pad;
  return {
    nx, ny, nz, n, pad, length,
    cx: new Float64Array(length),
    cy: new Float64Array(length),
    cz: new Float64Array(length),
    shuntLow: new Float64Array(ny * nz),
    shuntHigh: new Float64Array(ny * nz),
    diag: new Float64Array(length),
    invDiag: new Float64Array(length),
  };
}

/** Bytes held by a stencil's arrays. */
export function stencilBytes(s: Stencil7): number {
  return s.cx.byteLength + s.cy.byteLength + s.cz.byteLength + s.diag.byteLength + s.invDiag.byteLength + s.shuntLow.byteLength + s.shuntHigh.byteLength;
}

/**
 * d_i = sum of the six bonds of cell i + its shunts; 1 for a decoupled cell.
 * Also zeroes the forward bonds that would leave the box, so callers may fill cx, cy, cz
 * carelessly at the far faces.
 */
export function updateDiagonal(s: Stencil7): void {
  const { nx, ny, nz, pad, cx, cy, cz, diag, shuntLow, shuntHigh } = s;
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
  for (let i = pad; i < end; i++) {
    diag[i] = cx[i]! + cx[i - 1]! + cy[i]! + cy[i - sy]! + cz[i]! + cz[i - sz]!;
  }
  for (let k = 0; k < ny * nz; k++) {
    diag[pad + k * nx]! += shuntLow[k]!;
    diag[pad + k * nx + nx - 1]! += shuntHigh[k]!;
  }
  const inv = s.invDiag;
  for (let i = pad; i < end; i++) {
    if (diag[i] === 0) diag[i] = 1;
    inv[i] = 1 / diag[i]!;
  }
}

/** y = A x (7-point stencil, formula in the file header). */
export function stencilApply(s: Stencil7, x: Float64Array, y: Float64Array): void {
  const { cx, cy, cz, diag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  for (let i = pad; i < end; i++) {
    y[i] =
      diag[i]! * x[i]! -
      (cx[i]! * x[i + 1]! + cx[i - 1]! * x[i - 1]! + cy[i]! * x[i + sy]! + cy[i - sy]! * x[i - sy]! + cz[i]! * x[i + sz]! + cz[i - sz]! * x[i - sz]!);
  }
}

/** r = b - A x. */
export function stencilResidual(s: Stencil7, b: Float64Array, x: Float64Array, r: Float64Array): void {
  const { cx, cy, cz, diag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  for (let i = pad; i < end; i++) {
    r[i] =
      b[i]! - diag[i]! * x[i]! +
      (cx[i]! * x[i + 1]! + cx[i - 1]! * x[i - 1]! + cy[i]! * x[i + sy]! + cy[i - sy]! * x[i - sy]! + cz[i]! * x[i + sz]! + cz[i - sz]! * x[i - sz]!);
  }
}

/**
 * One lexicographic Gauss-Seidel sweep in increasing index order:
 * x_i <- (b_i + sum_j c_ij x_j) / d_i, using the newest x_j. The just-computed x_{i-1}
 * and its bond stay in registers (the store-to-load chain through x[i-1] otherwise
 * dominates the sweep in V8).
 */
export function gaussSeidelForward(s: Stencil7, b: Float64Array, x: Float64Array): void {
  const { cx, cy, cz, invDiag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  let xm = x[pad - 1]!, cm = cx[pad - 1]!;
  for (let i = pad; i < end; i++) {
    const c = cx[i]!;
    const v = (b[i]! + c * x[i + 1]! + cm * xm + cy[i]! * x[i + sy]! + cy[i - sy]! * x[i - sy]! + cz[i]! * x[i + sz]! + cz[i - sz]! * x[i - sz]!) * invDiag[i]!;
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
  const { cx, cy, cz, invDiag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
  let xm = 0, cm = 0;
  for (let i = pad; i < end; i++) {
    const v = (b[i]! + cm * xm + cy[i - sy]! * x[i - sy]! + cz[i - sz]! * x[i - sz]!) * invDiag[i]!;
    x[i] = v;
    xm = v;
    cm = cx[i]!;
  }
}

/** The same sweep in decreasing index order (the adjoint of the forward sweep). */
export function gaussSeidelBackward(s: Stencil7, b: Float64Array, x: Float64Array): void {
  const { cx, cy, cz, invDiag, pad } = s;
  const sy = s.nx, sz = s.nx * s.ny;
  let xp = x[pad + s.n]!;
  for (let i = pad + s.n - 1; i >= pad; i--) {
    const v = (b[i]! + cx[i]! * xp + cx[i - 1]! * x[i - 1]! + cy[i]! * x[i + sy]! + cy[i - sy]! * x[i - sy]! + cz[i]! * x[i + sz]! + cz[i - sz]! * x[i - sz]!) * invDiag[i]!;
    x[i] = v;
    xp = v;
  }
}

/** A stencil as a LinearOperator on padded vectors. */
export function stencilOperator(s: Stencil7): LinearOperator {
  return { length: s.length, apply: (x, y) => stencilApply(s, x, y) };
}

/** Padded index of cell (x, y, z). */
export function stencilIndex(s: Stencil7, x: number, y: number, z: number): number {
  return s.pad + x + s.nx * (y + s.ny * z);
}
