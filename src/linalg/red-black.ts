/**
 * Red-black Gauss-Seidel and the multigrid transfers of the lean solve, one z-plane at a
 * time: the kernels the slab team (slab-team.ts) runs on its threads, in JavaScript (the
 * WebAssembly twins in wasm/red-black-kernels.ts perform the same operations in the same
 * order, so the two agree bit for bit).
 *
 * Colouring: a cell (x, y, z) of the box is red when x + y + z is even, black otherwise, so
 * every face neighbour of a red cell is black and a half sweep over one colour updates
 * cells that do not read each other: the result of a half sweep does not depend on the
 * order its cells are visited in, nor on how the planes are shared among threads (Adams
 * and Ortega, "A multi-color SOR method for parallel computation", ICPP 1982). A forward
 * sweep is red then black, the backward sweep black then red, so the cycle stays
 * symmetric (the backward sweep is the adjoint of the forward one) and serves PCG.
 *
 * From zero, the red half sweep sees no neighbour values: x_i = b_i / d_i. After the black
 * half sweep the black cells have zero residual (their red neighbours did not change since)
 * and a red cell's residual is b_i - d_i x_i + sum_j g_ij x_j = sum_j g_ij x_j, its six
 * bonds times its black neighbours (the red-black counterpart of multigrid.ts's
 * restrictUpperResidual): the restriction after the forward sweep reads no b and no d.
 *
 * Label levels (label-stencil.ts layout) are float32 vectors, arithmetic in double and each
 * stored value rounded once; stored levels (stencil.ts) are double.
 */
import type { LabelStencil } from "./label-stencil.js";
import type { Stencil7 } from "./stencil.js";

/** Flat index of the first cell of row y of plane z of a label stencil. */
const labelRow = (s: LabelStencil, y: number, z: number): number => s.start + 1 + s.sy * y + s.sz * z;

/** x_i = b_i / d_i on the cells of colour c in plane z (the red half of a sweep from zero; non-cells get 0). */
export function labelRbDiag(s: LabelStencil, c: number, b: Float32Array, x: Float32Array, z: number): void {
  const { code, gx, gy, gz, weight, guard, sy, sz, nx, ny } = s;
  const K = s.codes;
  for (let y = 0; y < ny; y++) {
    const i0 = labelRow(s, y, z);
    for (let xx = (c + y + z) & 1; xx < nx; xx += 2) {
      const i = i0 + xx, ci = code[i]!, row = ci * K;
      const d = gx[row + code[i - 1]!]! + gx[row + code[i + 1]!]! + gy[row + code[i - sy]!]! + gy[row + code[i + sy]!]! + gz[row + code[i - sz]!]! + gz[row + code[i + sz]!]!;
      x[i] = b[i]! * (weight[ci]! / (d + guard[ci]!));
    }
  }
}

/**
 * x_i = (b_i + sum_j g_ij x_j) / d_i on the cells of colour c in plane z; returns the sum of
 * b_i x_i over them (x_i as stored), the r . z of the Krylov step when this is the last half sweep.
 */
export function labelRbSweep(s: LabelStencil, c: number, b: Float32Array, x: Float32Array, z: number): number {
  const { code, gx, gy, gz, weight, guard, sy, sz, nx, ny } = s;
  const K = s.codes;
  let bx = 0;
  for (let y = 0; y < ny; y++) {
    const i0 = labelRow(s, y, z);
    for (let xx = (c + y + z) & 1; xx < nx; xx += 2) {
      const i = i0 + xx, ci = code[i]!, row = ci * K;
      const gl = gx[row + code[i - 1]!]!, gr = gx[row + code[i + 1]!]!;
      const gd = gy[row + code[i - sy]!]!, gu = gy[row + code[i + sy]!]!;
      const gb = gz[row + code[i - sz]!]!, gf = gz[row + code[i + sz]!]!;
      const inv = weight[ci]! / (gl + gr + gd + gu + gb + gf + guard[ci]!);
      const v = Math.fround((b[i]! + gl * x[i - 1]! + gr * x[i + 1]! + gd * x[i - sy]! + gu * x[i + sy]! + gb * x[i - sz]! + gf * x[i + sz]!) * inv);
      x[i] = v;
      bx += b[i]! * v;
    }
  }
  return bx;
}

/**
 * bc[aggregate] += the residual of the red cells of plane z after a forward sweep from zero,
 * sum_j g_ij x_j (file header); the caller clears bc's coarse plane first.
 */
export function labelRestrictRed(s: LabelStencil, shift: readonly [number, number, number], x: Float32Array, C: Stencil7, bc: Float64Array, z: number): void {
  const { code, gx, gy, gz, sy, sz, nx, ny } = s;
  const K = s.codes;
  const [hx, hy, hz] = shift;
  for (let y = 0; y < ny; y++) {
    const i0 = labelRow(s, y, z);
    const cRow = C.pad + C.nx * ((y >> hy) + C.ny * (z >> hz));
    for (let xx = (y + z) & 1; xx < nx; xx += 2) {
      const i = i0 + xx, row = code[i]! * K;
      bc[cRow + (xx >> hx)]! +=
        gx[row + code[i - 1]!]! * x[i - 1]! + gx[row + code[i + 1]!]! * x[i + 1]! + gy[row + code[i - sy]!]! * x[i - sy]! +
        gy[row + code[i + sy]!]! * x[i + sy]! + gz[row + code[i - sz]!]! * x[i - sz]! + gz[row + code[i + sz]!]! * x[i + sz]!;
    }
  }
}

/** x_i += scale xc[aggregate of i] over the cells of plane z. */
export function labelProlongPlane(s: LabelStencil, shift: readonly [number, number, number], x: Float32Array, C: Stencil7, xc: Float64Array, scale: number, z: number): void {
  const { nx, ny } = s;
  const [hx, hy, hz] = shift;
  for (let y = 0; y < ny; y++) {
    const i0 = labelRow(s, y, z);
    const cRow = C.pad + C.nx * ((y >> hy) + C.ny * (z >> hz));
    for (let xx = 0; xx < nx; xx++) x[i0 + xx] = x[i0 + xx]! + scale * xc[cRow + (xx >> hx)]!;
  }
}

/** First entry of row y of plane z of a stored stencil. */
const stencilRow = (A: Stencil7, y: number, z: number): number => A.pad + A.nx * (y + A.ny * z);

/** x_i = b_i / d_i on the cells of colour c in plane z. */
export function stencilRbDiag(A: Stencil7, c: number, b: Float64Array, x: Float64Array, z: number): void {
  const { invDiag, nx, ny } = A;
  for (let y = 0; y < ny; y++) {
    const i0 = stencilRow(A, y, z);
    for (let xx = (c + y + z) & 1; xx < nx; xx += 2) x[i0 + xx] = b[i0 + xx]! * invDiag[i0 + xx]!;
  }
}

/** x_i = (b_i + sum_j c_ij x_j) / d_i on the cells of colour c in plane z. */
export function stencilRbSweep(A: Stencil7, c: number, b: Float64Array, x: Float64Array, z: number): void {
  const { cx, cy, cz, invDiag, nx, ny } = A;
  const sy = nx, sz = nx * ny;
  for (let y = 0; y < ny; y++) {
    const i0 = stencilRow(A, y, z);
    for (let xx = (c + y + z) & 1; xx < nx; xx += 2) {
      const i = i0 + xx;
      x[i] = (b[i]! + cx[i - 1]! * x[i - 1]! + cx[i]! * x[i + 1]! + cy[i - sy]! * x[i - sy]! + cy[i]! * x[i + sy]! + cz[i - sz]! * x[i - sz]! + cz[i]! * x[i + sz]!) * invDiag[i]!;
    }
  }
}

/** bc[aggregate] += sum_j c_ij x_j over the red cells of plane z (labelRestrictRed on a stored level). */
export function stencilRestrictRed(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, bc: Float64Array, z: number): void {
  const { cx, cy, cz, nx, ny } = A;
  const sy = nx, sz = nx * ny;
  const [hx, hy, hz] = shift;
  for (let y = 0; y < ny; y++) {
    const i0 = stencilRow(A, y, z);
    const cRow = C.pad + C.nx * ((y >> hy) + C.ny * (z >> hz));
    for (let xx = (y + z) & 1; xx < nx; xx += 2) {
      const i = i0 + xx;
      bc[cRow + (xx >> hx)]! += cx[i - 1]! * x[i - 1]! + cx[i]! * x[i + 1]! + cy[i - sy]! * x[i - sy]! + cy[i]! * x[i + sy]! + cz[i - sz]! * x[i - sz]! + cz[i]! * x[i + sz]!;
    }
  }
}

/** x_i += scale xc[aggregate of i] over plane z of a stored level. */
export function stencilProlongPlane(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, xc: Float64Array, scale: number, z: number): void {
  const { nx, ny } = A;
  const [hx, hy, hz] = shift;
  for (let y = 0; y < ny; y++) {
    const i0 = stencilRow(A, y, z);
    const cRow = C.pad + C.nx * ((y >> hy) + C.ny * (z >> hz));
    for (let xx = 0; xx < nx; xx++) x[i0 + xx]! += scale * xc[cRow + (xx >> hx)]!;
  }
}

/** b = b - A x over plane z (stencil.ts's stencilResidual written over b: each entry reads only its own b). */
export function stencilResidualPlane(A: Stencil7, b: Float64Array, x: Float64Array, z: number): void {
  const { cx, cy, cz, self, nx, ny } = A;
  const sy = nx, sz = nx * ny;
  const i0 = stencilRow(A, 0, z), i1 = i0 + sz;
  for (let i = i0; i < i1; i++) {
    const v = x[i]!;
    b[i] =
      b[i]! - self[i]! * v -
      (cx[i]! * (v - x[i + 1]!) + cx[i - 1]! * (v - x[i - 1]!) +
        cy[i]! * (v - x[i + sy]!) + cy[i - sy]! * (v - x[i - sy]!) +
        cz[i]! * (v - x[i + sz]!) + cz[i - sz]! * (v - x[i - sz]!));
  }
}

/** x += w over plane z of a stored level. */
export function stencilAddPlane(A: Stencil7, x: Float64Array, w: Float64Array, z: number): void {
  const i0 = stencilRow(A, 0, z), i1 = i0 + A.nx * A.ny;
  for (let i = i0; i < i1; i++) x[i]! += w[i]!;
}
