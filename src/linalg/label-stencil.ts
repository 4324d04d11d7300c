/**
 * Matrix-free 7-point operators from cell labels: the lean fine level of a network solve.
 *
 * A stored stencil (stencil.ts) keeps three bonds, the diagonal excess and 1/d per cell,
 * 40 bytes. When every bond is a function of the two cells' labels alone (no grain-boundary
 * map, no per-bond field), the operator is one byte per cell, `code`, and a small table
 * per axis, g_d[a K + b] = conductance of the bond from a cell of code a to its + d
 * neighbour of code b (K codes, a power of two; the tables are symmetric, so a cell finds
 * all six of its bonds in its own row). The product is the difference form of stencil.ts,
 *   (A x)_i = w(c_i) sum_j g(c_i, c_j) (x_i - x_j),
 * w(c) = 1 for a cell code and 0 for every other code, so those entries come out 0.
 *
 * Layout (all vectors share it): rows of nx + 2 entries, [low pad, x = 0 .. nx-1, high
 * pad]; planes of ny + 1 rows (the last row is padding); one padding plane before and
 * after the nz planes. Cell (x, y, z) is at start + 1 + x + sy y + sz z with sy = nx + 2,
 * sz = sy (ny + 1), start = sz. Padding carries code 0 (all its bonds 0), except the low
 * and high pads of each row, which carry an electrode code: the bond from a row's end cell
 * to its pad is the electrode shunt of stencil.ts (plane contact or, with voxel-layer
 * electrodes, the bond to the electrode voxel, whose label the pad's code encodes). So
 * the kernels run over one flat index range with no boundary branches, vectors keep 0 in
 * all padding, and a vector holding the electrode potentials in the low pads gives the
 * right-hand side for free: b - A x = -A_full x (labelResidual).
 *
 * Vectors of the inner iterations are float32 (4 bytes a cell); arithmetic is in double,
 * each stored value rounded once. The diagonal is summed on the fly from the six bonds,
 * d_i = sum_j g_ij, and 1/d_i = w / (d_i + (1 - w)) keeps non-cells at 0 without a branch.
 * Cell codes must be 1 .. K-1 with w = 1; code 0 is "no cell" (an insulator or a voxel
 * that carries no current).
 */
import { InputError } from "../core/errors.js";
import type { Float64Arena } from "./arena.js";
import type { Stencil7 } from "./stencil.js";
import { updateDiagonal } from "./stencil.js";
import type { LabelKernels, WasmKernels } from "./wasm/kernels.js";

export interface LabelStencil {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** Cells in the box, nx ny nz. */
  readonly n: number;
  /** Row and plane strides, nx + 2 and (nx + 2)(ny + 1). */
  readonly sy: number;
  readonly sz: number;
  /** Flat range the kernels run over: [start, end) = the nz planes with their pads. */
  readonly start: number;
  readonly end: number;
  /** Vector length, sz (nz + 2). */
  readonly length: number;
  /** Code of every entry (layout above). */
  readonly code: Uint8Array;
  /** Number of codes K, a power of two (tables are K x K and symmetric; row = the cell's code). */
  readonly codes: number;
  readonly gx: Float64Array;
  readonly gy: Float64Array;
  readonly gz: Float64Array;
  /** w(c): 1 for cell codes, 0 otherwise. */
  readonly weight: Float64Array;
  /** 1 - w(c), added to the diagonal so non-cells divide by a non-zero. */
  readonly guard: Float64Array;
  /** The stencil's WebAssembly kernels (compiled for its layout) and the kernels of its arena. */
  readonly wasm?: LabelKernels;
  readonly arenaKernels?: WasmKernels;
}

/** Vector length of a labelled box: (nx + 2)(ny + 1)(nz + 2). */
export function labelLength(nx: number, ny: number, nz: number): number {
  return (nx + 2) * (ny + 1) * (nz + 2);
}

/** Arena bytes of a label stencil (codes and tables) with K codes, with room to keep its six arrays 8-byte aligned. */
export function labelStencilArenaBytes(nx: number, ny: number, nz: number, codes: number): number {
  return labelLength(nx, ny, nz) + 8 * (3 * codes * codes + 2 * codes) + 6 * 8;
}

/**
 * A label stencil with all codes 0 and the given tables (K x K per axis; `cellCodes`, the
 * number of cell codes, makes codes 1 .. cellCodes cells). Arrays come from `arena` if given.
 */
export function createLabelStencil(
  nx: number, ny: number, nz: number,
  tables: { readonly gx: ArrayLike<number>; readonly gy: ArrayLike<number>; readonly gz: ArrayLike<number> },
  codes: number, cellCodes: number, arena?: Float64Arena,
): LabelStencil {
  for (const s of [nx, ny, nz]) if (!Number.isInteger(s) || s < 1) throw new InputError(`label stencil box [${nx}, ${ny}, ${nz}]: sides must be positive integers`);
  if (!(Number.isInteger(codes) && codes >= 2 && codes <= 256 && (codes & (codes - 1)) === 0)) throw new InputError(`label stencil: ${codes} codes; must be a power of two, 2..256`);
  if (!(Number.isInteger(cellCodes) && cellCodes >= 1 && cellCodes < codes)) throw new InputError(`label stencil: ${cellCodes} cell codes of ${codes}`);
  for (const t of [tables.gx, tables.gy, tables.gz]) {
    if (t.length !== codes * codes) throw new InputError(`label stencil: a table has ${t.length} entries; ${codes} codes need ${codes * codes}`);
    for (let a = 0; a < codes; a++) for (let b = 0; b < a; b++) if (t[a * codes + b] !== t[b * codes + a]) throw new InputError(`label stencil: table entries (${a}, ${b}) and (${b}, ${a}) differ; bonds are symmetric`);
  }
  const sy = nx + 2, sz = sy * (ny + 1);
  const length = sz * (nz + 2);
  const f = (k: number): Float64Array => (arena === undefined ? new Float64Array(k) : arena.alloc(k));
  const gx = f(codes * codes), gy = f(codes * codes), gz = f(codes * codes), weight = f(codes), guard = f(codes);
  gx.set(tables.gx);
  gy.set(tables.gy);
  gz.set(tables.gz);
  for (let c = 0; c < codes; c++) {
    const cell = c >= 1 && c <= cellCodes;
    weight[c] = cell ? 1 : 0;
    guard[c] = cell ? 0 : 1;
  }
  const code = arena === undefined ? new Uint8Array(length) : arena.allocU8(length);
  const s = { nx, ny, nz, n: nx * ny * nz, sy, sz, start: sz, end: sz * (nz + 1), length, code, codes, gx, gy, gz, weight, guard };
  const k = arena?.kernels;
  if (k === undefined) return s;
  const layout = { nx, ny, nz, sy, sz, start: s.start, end: s.end, shift: Math.log2(codes), code: code.byteOffset, gx: gx.byteOffset, gy: gy.byteOffset, gz: gz.byteOffset, weight: weight.byteOffset, guard: guard.byteOffset };
  return { ...s, wasm: k.labelKernels(layout), arenaKernels: k };
}

/** Flat index of cell (x, y, z); x = -1 and x = nx are the row's low and high pads. */
export function labelIndex(s: LabelStencil, x: number, y: number, z: number): number {
  return s.start + 1 + x + s.sy * y + s.sz * z;
}

/** Whether the stencil's WebAssembly kernels can run on these vectors (all in its arena). */
function wasmOn(s: LabelStencil, ...v: { readonly buffer: ArrayBufferLike }[]): boolean {
  const k = s.arenaKernels;
  return s.wasm !== undefined && k !== undefined && v.every((a) => k.owns(a));
}

/** q = A p (float32 vectors, layout above); returns p . q (summed in double, the rounded q). */
export function labelApply(s: LabelStencil, p: Float32Array, q: Float32Array): number {
  if (wasmOn(s, p, q)) return s.wasm!.apply(p, q);
  return labelApplyRange(s, p, q, s.start, s.end);
}

/** labelApply over the entries [i0, i1) of the flat range (a slab of planes: i0 = start + sz z0). */
export function labelApplyRange(s: LabelStencil, p: Float32Array, q: Float32Array, i0: number, i1: number): number {
  const { code, gx, gy, gz, weight, sy, sz } = s;
  const K = s.codes;
  let pq = 0;
  for (let i = i0; i < i1; i++) {
    const c = code[i]!, row = c * K, v = p[i]!;
    const qi = Math.fround(
      weight[c]! *
        (gx[row + code[i + 1]!]! * (v - p[i + 1]!) + gx[row + code[i - 1]!]! * (v - p[i - 1]!) +
          gy[row + code[i + sy]!]! * (v - p[i + sy]!) + gy[row + code[i - sy]!]! * (v - p[i - sy]!) +
          gz[row + code[i + sz]!]! * (v - p[i + sz]!) + gz[row + code[i - sz]!]! * (v - p[i - sz]!)),
    );
    q[i] = qi;
    pq += v * qi;
  }
  return pq;
}

/**
 * r = -A_full x in double precision, rounded into the float32 r: with the electrode
 * potentials in x's low and high pads (and 0 in all other padding) this is b - A x of the
 * reduced system. Returns ||b - A x||^2 summed in double from the unrounded values.
 */
export function labelResidual(s: LabelStencil, x: Float64Array, r: Float32Array): number {
  return labelResidualRange(s, x, r, s.start, s.end);
}

/** labelResidual over the entries [i0, i1) of the flat range. */
export function labelResidualRange(s: LabelStencil, x: Float64Array, r: Float32Array, i0: number, i1: number): number {
  const { code, gx, gy, gz, weight, sy, sz } = s;
  const K = s.codes;
  let sum = 0;
  for (let i = i0; i < i1; i++) {
    const c = code[i]!;
    if (weight[c] === 0) {
      r[i] = 0;
      continue;
    }
    const row = c * K, v = x[i]!;
    const t = -(
      gx[row + code[i + 1]!]! * (v - x[i + 1]!) + gx[row + code[i - 1]!]! * (v - x[i - 1]!) +
      gy[row + code[i + sy]!]! * (v - x[i + sy]!) + gy[row + code[i - sy]!]! * (v - x[i - sy]!) +
      gz[row + code[i + sz]!]! * (v - x[i + sz]!) + gz[row + code[i - sz]!]! * (v - x[i - sz]!));
    r[i] = t;
    sum += t * t;
  }
  return sum;
}

/**
 * Power dissipated by the potentials x (electrode potentials in the pads): the sum over
 * every bond that touches a cell of g (x_i - x_j)^2, each bond once (a cell's three upper
 * bonds, and its lower bonds to non-cells, i.e. the low pads). By Dirichlet's principle it
 * exceeds the exact power by e^T A e for an error e, so it is second order in the error.
 */
export function labelPower(s: LabelStencil, x: Float64Array): number {
  const { code, gx, gy, gz, weight, sy, sz, end } = s;
  const K = s.codes;
  let sum = 0;
  for (let i = s.start; i < end; i++) {
    const c = code[i]!;
    if (weight[c] === 0) continue;
    const row = c * K, v = x[i]!;
    const cl = code[i - 1]!, cd = code[i - sy]!, cb = code[i - sz]!;
    sum += gx[row + code[i + 1]!]! * (v - x[i + 1]!) ** 2 + gy[row + code[i + sy]!]! * (v - x[i + sy]!) ** 2 + gz[row + code[i + sz]!]! * (v - x[i + sz]!) ** 2;
    if (weight[cl] === 0) sum += gx[row + cl]! * (v - x[i - 1]!) ** 2;
    if (weight[cd] === 0) sum += gy[row + cd]! * (v - x[i - sy]!) ** 2;
    if (weight[cb] === 0) sum += gz[row + cb]! * (v - x[i - sz]!) ** 2;
  }
  return sum;
}

/** || |A| |x| ||_2 over the cells (x with its electrode pads as in labelResidual; the rounding floor of cg.ts). */
export function labelAbsNorm(s: LabelStencil, x: Float64Array): number {
  const { code, gx, gy, gz, weight, sy, sz, end } = s;
  const K = s.codes;
  let sum = 0;
  for (let i = s.start; i < end; i++) {
    const c = code[i]!;
    if (weight[c] === 0) continue;
    const row = c * K, v = Math.abs(x[i]!);
    const t =
      gx[row + code[i + 1]!]! * (v + Math.abs(x[i + 1]!)) + gx[row + code[i - 1]!]! * (v + Math.abs(x[i - 1]!)) +
      gy[row + code[i + sy]!]! * (v + Math.abs(x[i + sy]!)) + gy[row + code[i - sy]!]! * (v + Math.abs(x[i - sy]!)) +
      gz[row + code[i + sz]!]! * (v + Math.abs(x[i + sz]!)) + gz[row + code[i - sz]!]! * (v + Math.abs(x[i - sz]!));
    sum += t * t;
  }
  return Math.sqrt(sum);
}

/**
 * Forward Gauss-Seidel from x = 0 in increasing index order (stencil.ts,
 * gaussSeidelForwardFromZero): x_i = (b_i + sum_{j<i} g_ij x_j) / d_i, evaluated as
 * t_i + (g_{i-1,i} / d_i) x_{i-1} to keep the recurrence to one multiply-add (x_{i-1}
 * carried in double, the stored value rounded: a rounding on the chain would lengthen it
 * by two conversions). Overwrites
 * every entry of [start, end) (padding gets 0).
 */
export function labelGaussSeidelForwardFromZero(s: LabelStencil, b: Float32Array, x: Float32Array): void {
  if (wasmOn(s, b, x)) return s.wasm!.gsForwardZero(b, x);
  const { code, gx, gy, gz, weight, guard, sy, sz, end } = s;
  const K = s.codes;
  let xm = 0;
  for (let i = s.start; i < end; i++) {
    const c = code[i]!, row = c * K;
    const gl = gx[row + code[i - 1]!]!, gd = gy[row + code[i - sy]!]!, gb = gz[row + code[i - sz]!]!;
    const d = gl + gx[row + code[i + 1]!]! + gd + gy[row + code[i + sy]!]! + gb + gz[row + code[i + sz]!]!;
    const inv = weight[c]! / (d + guard[c]!);
    const v = (b[i]! + gd * x[i - sy]! + gb * x[i - sz]!) * inv + gl * inv * xm;
    x[i] = v;
    xm = v;
  }
}

/**
 * The same sweep in decreasing index order from the current x (the adjoint of the forward
 * sweep). Returns b . x of the swept x, summed in double as the sweep goes (the r . z of
 * the Krylov step that applies the cycle, without another pass).
 */
export function labelGaussSeidelBackward(s: LabelStencil, b: Float32Array, x: Float32Array): number {
  if (wasmOn(s, b, x)) return s.wasm!.gsBackward(b, x);
  const { code, gx, gy, gz, weight, guard, sy, sz } = s;
  const K = s.codes;
  let xp = x[s.end]!, bx = 0;
  for (let i = s.end - 1; i >= s.start; i--) {
    const c = code[i]!, row = c * K;
    const gr = gx[row + code[i + 1]!]!, gl = gx[row + code[i - 1]!]!;
    const gu = gy[row + code[i + sy]!]!, gd = gy[row + code[i - sy]!]!;
    const gf = gz[row + code[i + sz]!]!, gb = gz[row + code[i - sz]!]!;
    const d = gl + gr + gd + gu + gb + gf;
    const inv = weight[c]! / (d + guard[c]!);
    const v = (b[i]! + gl * x[i - 1]! + gu * x[i + sy]! + gd * x[i - sy]! + gf * x[i + sz]! + gb * x[i - sz]!) * inv + gr * inv * xp;
    x[i] = v;
    xp = v;
    bx += b[i]! * Math.fround(v);
  }
  return bx;
}

/**
 * bc = P^T r right after one forward sweep from zero (multigrid.ts, restrictUpperResidual):
 * r_i = sum_{j>i} g_ij x_j, summed over each aggregate of the coarse stencil C (aggregates
 * 2^shift cells a side); bc is overwritten.
 */
export function labelRestrictUpper(s: LabelStencil, shift: readonly [number, number, number], x: Float32Array, C: Stencil7, bc: Float64Array): void {
  if (wasmOn(s, x, bc)) return s.wasm!.restrictUpper(shift, x, C, bc);
  bc.fill(0);
  const { code, gx, gy, gz, sy, sz, nx, ny, nz } = s;
  const K = s.codes;
  const [hx, hy, hz] = shift;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const i0 = s.start + 1 + sy * y + sz * z;
      const cRow = C.pad + C.nx * ((y >> hy) + C.ny * (z >> hz));
      for (let xx = 0; xx < nx; xx++) {
        const i = i0 + xx, row = code[i]! * K;
        bc[cRow + (xx >> hx)]! += gx[row + code[i + 1]!]! * x[i + 1]! + gy[row + code[i + sy]!]! * x[i + sy]! + gz[row + code[i + sz]!]! * x[i + sz]!;
      }
    }
  }
}

/** x_i += scale xc[aggregate of i] over the box cells (multigrid.ts, prolongAdd). */
export function labelProlongAdd(s: LabelStencil, shift: readonly [number, number, number], x: Float32Array, C: Stencil7, xc: Float64Array, scale: number): void {
  if (wasmOn(s, x, xc)) return s.wasm!.prolong(shift, x, C, xc, scale);
  const { sy, sz, nx, ny, nz } = s;
  const [hx, hy, hz] = shift;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const i0 = s.start + 1 + sy * y + sz * z;
      const cRow = C.pad + C.nx * ((y >> hy) + C.ny * (z >> hz));
      for (let xx = 0; xx < nx; xx++) x[i0 + xx] = x[i0 + xx]! + scale * xc[cRow + (xx >> hx)]!;
    }
  }
}

/**
 * The Galerkin operator P^T A P of the label stencil into the stored stencil C (multigrid.ts,
 * galerkinCoarsen): bonds crossing an aggregate face add to the coarse bond, and the bonds
 * of the row end cells to their pads (the shunts) add to the coarse shunts.
 */
export function labelGalerkin(s: LabelStencil, shift: readonly [number, number, number], C: Stencil7): void {
  const [hx, hy, hz] = shift;
  if (C.nx !== (s.nx + hx) >> hx || C.ny !== (s.ny + hy) >> hy || C.nz !== (s.nz + hz) >> hz) {
    throw new InputError(`labelGalerkin: coarse box [${C.nx}, ${C.ny}, ${C.nz}] does not match the aggregates of [${s.nx}, ${s.ny}, ${s.nz}]`);
  }
  C.cx.fill(0);
  C.cy.fill(0);
  C.cz.fill(0);
  C.shuntLow.fill(0);
  C.shuntHigh.fill(0);
  const { code, gx, gy, gz, sy, sz, nx, ny, nz } = s;
  const K = s.codes;
  for (let z = 0; z < nz; z++) {
    const zc = z >> hz;
    const zCross = z + 1 < nz && (z + 1) >> hz !== zc;
    for (let y = 0; y < ny; y++) {
      const yc = y >> hy;
      const yCross = y + 1 < ny && (y + 1) >> hy !== yc;
      const i0 = s.start + 1 + sy * y + sz * z;
      const cRow = C.pad + C.nx * (yc + C.ny * zc);
      for (let x = 0; x < nx; x++) {
        const i = i0 + x, row = code[i]! * K, I = cRow + (x >> hx);
        if (x + 1 < nx && (x + 1) >> hx !== x >> hx) C.cx[I]! += gx[row + code[i + 1]!]!;
        if (yCross) C.cy[I]! += gy[row + code[i + sy]!]!;
        if (zCross) C.cz[I]! += gz[row + code[i + sz]!]!;
      }
      const k = yc + C.ny * zc;
      C.shuntLow[k]! += gx[code[i0]! * K + code[i0 - 1]!]!;
      C.shuntHigh[k]! += gx[code[i0 + nx - 1]! * K + code[i0 + nx]!]!;
    }
  }
  updateDiagonal(C);
}

/** Single-precision vector operations of the inner iterations (products summed in double). */
export interface Vector32Ops {
  /** x += alpha p (x double); r -= alpha q; returns r . r (of the rounded values). */
  step(x: Float64Array, r: Float32Array, p: Float32Array, q: Float32Array, alpha: number): number;
  /** p = z + beta p. */
  xpby(z: Float32Array, p: Float32Array, beta: number): void;
}

export const jsVector32Ops: Vector32Ops = {
  step(x, r, p, q, alpha) {
    for (let i = 0; i < x.length; i++) x[i]! += alpha * p[i]!;
    let rr = 0;
    for (let i = 0; i < r.length; i++) {
      const v = Math.fround(r[i]! - alpha * q[i]!);
      r[i] = v;
      rr += v * v;
    }
    return rr;
  },
  xpby(z, p, beta) {
    for (let i = 0; i < z.length; i++) p[i] = z[i]! + beta * p[i]!;
  },
};
