/**
 * Complex symmetric 7-point stencils: the admittance matrix Y = G + i B of an AC network
 * on a structured grid, same layout and conventions as Stencil7 (stencil.ts), with real
 * and imaginary parts in separate arrays:
 *   (Y v)_i = d_i v_i - sum_j y_ij v_j,  d_i = sum_j y_ij + s_i,
 * y_ij the complex bond admittance, s_i a complex shunt to an electrode. Y is symmetric
 * (Y^T = Y), not Hermitian, which is what COCG needs.
 */
import type { Float64Arena } from "./arena.js";
import type { ComplexLinearOperator } from "./operator.js";
import { createStencil, stencilArenaBytes, stencilLength, updateDiagonal, type Stencil7 } from "./stencil.js";

/** |a + i b| (no over/underflow guard needed for admittances and potentials; Math.hypot is ~10x slower in V8). */
const modulus = (a: number, b: number): number => Math.sqrt(a * a + b * b);

export interface ComplexStencil7 {
  /** Real parts (and the box geometry) as a Stencil7; its invDiag is unused. */
  readonly re: Stencil7;
  /** Imaginary parts of cx, cy, cz, shunts and diagonal excess, same layout. */
  readonly cxIm: Float64Array;
  readonly cyIm: Float64Array;
  readonly czIm: Float64Array;
  readonly shuntLowIm: Float64Array;
  readonly shuntHighIm: Float64Array;
  readonly selfIm: Float64Array;
}

/** Arena bytes of a complex stencil's arrays. */
export function complexStencilArenaBytes(nx: number, ny: number, nz: number): number {
  return stencilArenaBytes(nx, ny, nz) + 8 * (4 * stencilLength(nx, ny, nz) + 2 * ny * nz);
}

/** A complex stencil with all admittances zero, its arrays from `arena` if given. */
export function createComplexStencil(nx: number, ny: number, nz: number, arena?: Float64Arena): ComplexStencil7 {
  const re = createStencil(nx, ny, nz, arena);
  const f = (k: number): Float64Array => (arena === undefined ? new Float64Array(k) : arena.alloc(k));
  return {
    re,
    cxIm: f(re.length),
    cyIm: f(re.length),
    czIm: f(re.length),
    shuntLowIm: f(ny * nz),
    shuntHighIm: f(ny * nz),
    selfIm: f(re.length),
  };
}

/**
 * Diagonal excess e = shunts (real and imaginary parts); a cell with no admittance at all
 * is decoupled (e = 1). Far-face forward bonds are zeroed first, as in updateDiagonal.
 */
export function updateComplexDiagonal(s: ComplexStencil7): void {
  const r = s.re;
  const { nx, ny, nz, pad, cx, cy, cz, self } = r;
  const { cxIm, cyIm, czIm, selfIm } = s;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = pad + nx * (y + ny * z);
      cx[row + nx - 1] = 0;
      cxIm[row + nx - 1] = 0;
      for (let x = 0; x < nx; x++) {
        if (y === ny - 1) cy[row + x] = cyIm[row + x] = 0;
        if (z === nz - 1) cz[row + x] = czIm[row + x] = 0;
      }
    }
  }
  const sy = nx, sz = nx * ny, end = pad + r.n;
  self.fill(0, pad, end);
  selfIm.fill(0, pad, end);
  for (let k = 0; k < ny * nz; k++) {
    self[pad + k * nx]! += r.shuntLow[k]!;
    selfIm[pad + k * nx]! += s.shuntLowIm[k]!;
    self[pad + k * nx + nx - 1]! += r.shuntHigh[k]!;
    selfIm[pad + k * nx + nx - 1]! += s.shuntHighIm[k]!;
  }
  for (let i = pad; i < end; i++) {
    const any =
      cx[i]! + cx[i - 1]! + cy[i]! + cy[i - sy]! + cz[i]! + cz[i - sz]! !== 0 ||
      cxIm[i]! + cxIm[i - 1]! + cyIm[i]! + cyIm[i - sy]! + czIm[i]! + czIm[i - sz]! !== 0 ||
      self[i] !== 0 || selfIm[i] !== 0;
    if (!any) self[i] = 1;
  }
}

/** y = Y v for complex v in difference form, y_i = e_i v_i + sum_j y_ij (v_i - v_j). */
export function complexStencilApply(s: ComplexStencil7, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const w = s.re.wasm;
  if (w !== undefined && w.owns(xr) && w.owns(xi) && w.owns(yr) && w.owns(yi) && w.owns(s.cxIm)) return w.complexApply(s, xr, xi, yr, yi);
  const { cx, cy, cz, self, pad } = s.re;
  const { cxIm, cyIm, czIm, selfIm } = s;
  const sy = s.re.nx, sz = s.re.nx * s.re.ny, end = pad + s.re.n;
  for (let i = pad; i < end; i++) {
    const vr = xr[i]!, vi = xi[i]!;
    // differences v_i - v_j and bonds y = a + i b: sum (a p - b q) + i (a q + b p)
    const p1 = vr - xr[i + 1]!, q1 = vi - xi[i + 1]!, p2 = vr - xr[i - 1]!, q2 = vi - xi[i - 1]!;
    const p3 = vr - xr[i + sy]!, q3 = vi - xi[i + sy]!, p4 = vr - xr[i - sy]!, q4 = vi - xi[i - sy]!;
    const p5 = vr - xr[i + sz]!, q5 = vi - xi[i + sz]!, p6 = vr - xr[i - sz]!, q6 = vi - xi[i - sz]!;
    const a1 = cx[i]!, b1 = cxIm[i]!, a2 = cx[i - 1]!, b2 = cxIm[i - 1]!;
    const a3 = cy[i]!, b3 = cyIm[i]!, a4 = cy[i - sy]!, b4 = cyIm[i - sy]!;
    const a5 = cz[i]!, b5 = czIm[i]!, a6 = cz[i - sz]!, b6 = czIm[i - sz]!;
    const er = self[i]!, ei = selfIm[i]!;
    yr[i] = er * vr - ei * vi + a1 * p1 - b1 * q1 + a2 * p2 - b2 * q2 + a3 * p3 - b3 * q3 + a4 * p4 - b4 * q4 + a5 * p5 - b5 * q5 + a6 * p6 - b6 * q6;
    yi[i] = er * vi + ei * vr + a1 * q1 + b1 * p1 + a2 * q2 + b2 * p2 + a3 * q3 + b3 * p3 + a4 * q4 + b4 * p4 + a5 * q5 + b5 * p5 + a6 * q6 + b6 * p6;
  }
}

/** || |Y| |v| ||_2 with complex moduli (the rounding scale of Y v). */
export function complexStencilAbsNorm(s: ComplexStencil7, xr: Float64Array, xi: Float64Array): number {
  const { cx, cy, cz, self, pad } = s.re;
  const { cxIm, cyIm, czIm, selfIm } = s;
  const sy = s.re.nx, sz = s.re.nx * s.re.ny, end = pad + s.re.n;
  const m = (i: number): number => modulus(xr[i]!, xi[i]!);
  let sum = 0;
  for (let i = pad; i < end; i++) {
    const v = m(i);
    const t =
      modulus(self[i]!, selfIm[i]!) * v +
      modulus(cx[i]!, cxIm[i]!) * (v + m(i + 1)) + modulus(cx[i - 1]!, cxIm[i - 1]!) * (v + m(i - 1)) +
      modulus(cy[i]!, cyIm[i]!) * (v + m(i + sy)) + modulus(cy[i - sy]!, cyIm[i - sy]!) * (v + m(i - sy)) +
      modulus(cz[i]!, czIm[i]!) * (v + m(i + sz)) + modulus(cz[i - sz]!, czIm[i - sz]!) * (v + m(i - sz));
    sum += t * t;
  }
  return Math.sqrt(sum);
}

export function complexStencilOperator(s: ComplexStencil7): ComplexLinearOperator {
  return {
    length: s.re.length,
    apply: (xr, xi, yr, yi) => complexStencilApply(s, xr, xi, yr, yi),
    absNorm: (xr, xi) => complexStencilAbsNorm(s, xr, xi),
  };
}

/**
 * The real stencil of bond magnitudes |y_ij| and |s_i| (written into `m`, same box): an
 * SPD preconditioner for Y. For any v, v^H Y v / v^H M v is a convex combination of the
 * unit numbers y_ij / |y_ij|; with every admittance in the closed first quadrant
 * (conductance >= 0, susceptance >= 0) it lies in the convex hull of the arc from 1 to i,
 * at least 1/sqrt(2) from 0, for every frequency and contrast. So M^-1 Y is uniformly
 * well conditioned in the sense that matters for Krylov methods.
 */
export function magnitudeStencil(s: ComplexStencil7, m: Stencil7): void {
  const r = s.re;
  for (let i = 0; i < r.length; i++) {
    m.cx[i] = modulus(r.cx[i]!, s.cxIm[i]!);
    m.cy[i] = modulus(r.cy[i]!, s.cyIm[i]!);
    m.cz[i] = modulus(r.cz[i]!, s.czIm[i]!);
  }
  for (let k = 0; k < r.shuntLow.length; k++) {
    m.shuntLow[k] = modulus(r.shuntLow[k]!, s.shuntLowIm[k]!);
    m.shuntHigh[k] = modulus(r.shuntHigh[k]!, s.shuntHighIm[k]!);
  }
  updateDiagonal(m);
}
