/**
 * Periodic side faces (options.ts, `sides: "periodic"`): bonds across the y and z faces of
 * the unknown box, from the last layer to the first, held beside the 7-point stencil.
 *
 * Operator. A = A_box + W, where A_box is the stencil (bonds inside the box, electrode
 * shunts) and W the wrap bonds' Laplacian, applied in the stencil's difference form:
 *   (W x)_i = g (x_i - x_j), (W x)_j = g (x_j - x_i) for a wrap bond (i, j, g).
 * Preconditioner. The aggregation multigrid works on the stencil alone, so it gets
 * M = A_box + D_W, D_W the diagonal of W laid on the stencil as a ground (stencil.ts): every
 * cell with wrap bonds is grounded by their sum. Then diag(M) = diag(A), so the smoother
 * divides by A's own diagonal; M is SPD (every cluster of A_box has an electrode shunt or a
 * wrap cell); and 0 <= W <= 2 D_W gives A <= 2 M. A - M = W - D_W is a boundary term; CG
 * (A and M SPD) converges to the periodic solution, and the residual it reports is A's.
 * Measured against grounding only the clusters that reach an electrode across the wrap
 * alone: 254 vs 455 iterations (48^3, 35 % conducting), 137 vs 240 (64^3, 40 %); the
 * no-flux solves of the same samples take 127 and 71.
 */
import type { LinearOperator } from "../../linalg/operator.js";
import { stencilApply, type Stencil7 } from "../../linalg/stencil.js";
import type { VoxelGrid } from "../../structure/voxel/grid.js";
import { bondConductance } from "./assemble.js";
import type { ResolvedNetwork } from "./options.js";
import type { NetworkTopology } from "./topology.js";

export interface WrapBonds {
  /** gy[bx + nb z]: bond between box cells (bx, ny-1, z) and (bx, 0, z), S; empty when ny < 2. */
  readonly gy: Float64Array;
  /** gz[bx + nb y]: bond between box cells (bx, y, nz-1) and (bx, y, 0), S; empty when nz < 2. */
  readonly gz: Float64Array;
}

/** Conductances of the bonds across the periodic y and z faces between current-carrying cells (assemble.ts conventions). */
export function assembleWrapBonds(grid: VoxelGrid, r: ResolvedNetwork, topo: NetworkTopology): WrapBonds {
  const [nx, ny, nz] = grid.shape;
  const [nb] = topo.box;
  const { phase, grain } = grid;
  const carrying = topo.carrying, sigma = r.sigma;
  const [, ly, lz] = r.bondLengthCm, [, ay, az] = r.faceAreaCm2;
  const bond = (va: number, vb: number, l: number, a: number): number => {
    const pa = phase[va]!, pb = phase[vb]!;
    return bondConductance(sigma[pa]!, sigma[pb]!, l, a, pa === pb && grain[va] !== grain[vb], r.gbR);
  };
  const gy = new Float64Array(ny >= 2 ? nb * nz : 0), gz = new Float64Array(nz >= 2 ? nb * ny : 0);
  if (ny >= 2) {
    for (let z = 0; z < nz; z++) {
      for (let bx = 0; bx < nb; bx++) {
        const ci = bx + nb * (ny - 1 + ny * z), cj = bx + nb * (ny * z);
        if (carrying[ci] === 1 && carrying[cj] === 1) gy[bx + nb * z] = bond(topo.x0 + bx + nx * (ny - 1 + ny * z), topo.x0 + bx + nx * (ny * z), ly, ay);
      }
    }
  }
  if (nz >= 2) {
    for (let y = 0; y < ny; y++) {
      for (let bx = 0; bx < nb; bx++) {
        const ci = bx + nb * (y + ny * (nz - 1)), cj = bx + nb * y;
        if (carrying[ci] === 1 && carrying[cj] === 1) gz[bx + nb * y] = bond(topo.x0 + bx + nx * (y + ny * (nz - 1)), topo.x0 + bx + nx * y, lz, az);
      }
    }
  }
  return { gy, gz };
}

/** Visit every wrap bond as (padded index i on the last layer, padded index j on the first, g). */
function eachWrap(s: Stencil7, w: WrapBonds, visit: (i: number, j: number, g: number) => void): void {
  const { nx: nb, ny, nz, pad } = s;
  for (let k = 0; k < w.gy.length; k++) {
    const g = w.gy[k]!;
    if (g === 0) continue;
    const bx = k % nb, z = (k - bx) / nb;
    visit(pad + bx + nb * (ny - 1 + ny * z), pad + bx + nb * ny * z, g);
  }
  for (let k = 0; k < w.gz.length; k++) {
    const g = w.gz[k]!;
    if (g === 0) continue;
    const bx = k % nb, y = (k - bx) / nb;
    visit(pad + bx + nb * (y + ny * (nz - 1)), pad + bx + nb * y, g);
  }
}

/**
 * Fill `s.ground` with D_W, the diagonal of the wrap bonds' Laplacian (the preconditioner's
 * ground, file header). Call `updateDiagonal(s)` afterwards.
 */
export function groundWrapCells(s: Stencil7, w: WrapBonds): void {
  const ground = s.ground;
  if (ground === undefined) throw new Error("groundWrapCells: the stencil was created without a ground");
  ground.fill(0);
  eachWrap(s, w, (i, j, g) => {
    ground[i]! += g;
    ground[j]! += g;
  });
}

/**
 * The box stencil's own diagonal excess for the periodic operator, from `s` after its
 * `updateDiagonal` and before any ground: the electrode shunts, and 1 on decoupled cells,
 * except on cells bonded only across the wrap (no bond in the box, no shunt), whose
 * placeholder 1 would be a false shunt: 0 there.
 */
export function boxSelf(s: Stencil7, w: WrapBonds, out: Float64Array): void {
  out.set(s.self);
  const { nx: nb, pad, cx, cy, cz } = s;
  const sy = nb, sz = nb * s.ny;
  const clear = (p: number): void => {
    const c = p - pad, bx = c % nb, k = (c - bx) / nb;
    const shunt = (bx === 0 ? s.shuntLow[k]! : 0) + (bx === nb - 1 ? s.shuntHigh[k]! : 0);
    const bonds = cx[p]! + cx[p - 1]! + cy[p]! + cy[p - sy]! + cz[p]! + cz[p - sz]!;
    if (bonds === 0 && shunt === 0) out[p] = 0;
  };
  eachWrap(s, w, (i, j) => {
    clear(i);
    clear(j);
  });
}

/**
 * The periodic operator A = A_box + W as a LinearOperator on padded vectors. `selfA` is the
 * box stencil's diagonal excess without the ground (`boxSelf`); the bonds are read from `s`.
 */
export function periodicOperator(s: Stencil7, w: WrapBonds, selfA: Float64Array): LinearOperator {
  const box: Stencil7 = { ...s, self: selfA };
  const pairs: number[] = [], gs: number[] = [];
  eachWrap(s, w, (i, j, g) => {
    pairs.push(i, j);
    gs.push(g);
  });
  const ij = Int32Array.from(pairs), g = Float64Array.from(gs);
  const m = g.length;
  return {
    length: s.length,
    apply(x: Float64Array, y: Float64Array): void {
      stencilApply(box, x, y);
      for (let k = 0; k < m; k++) {
        const i = ij[2 * k]!, j = ij[2 * k + 1]!, d = g[k]! * (x[i]! - x[j]!);
        y[i]! += d;
        y[j]! -= d;
      }
    },
    /** || |A| |x| ||_2 with the wrap bonds' terms (cg.ts uses it for the attainable-residual floor). */
    absNorm(x: Float64Array): number {
      const { cx, cy, cz, pad } = s;
      const sy = s.nx, sz = s.nx * s.ny, end = pad + s.n;
      const t = new Float64Array(s.length);
      for (let i = pad; i < end; i++) {
        const v = Math.abs(x[i]!);
        t[i] =
          selfA[i]! * v +
          cx[i]! * (v + Math.abs(x[i + 1]!)) + cx[i - 1]! * (v + Math.abs(x[i - 1]!)) +
          cy[i]! * (v + Math.abs(x[i + sy]!)) + cy[i - sy]! * (v + Math.abs(x[i - sy]!)) +
          cz[i]! * (v + Math.abs(x[i + sz]!)) + cz[i - sz]! * (v + Math.abs(x[i - sz]!));
      }
      for (let k = 0; k < m; k++) {
        const i = ij[2 * k]!, j = ij[2 * k + 1]!, a = g[k]! * (Math.abs(x[i]!) + Math.abs(x[j]!));
        t[i]! += a;
        t[j]! += a;
      }
      let sum = 0;
      for (let i = pad; i < end; i++) sum += t[i]! * t[i]!;
      return Math.sqrt(sum);
    },
  };
}

/**
 * Currents through the wrap bonds, for the current-density field: per cell of the box
 * (padded index), the current leaving through its +y/+z wrap face (last layer) or entering
 * through its -y/-z wrap face (first layer), A, signed along +y / +z.
 */
export function wrapFaceCurrents(s: Stencil7, w: WrapBonds, phi: Float64Array): { jy: Map<number, number>; jz: Map<number, number> } {
  const jy = new Map<number, number>(), jz = new Map<number, number>();
  const { nx: nb, ny, pad } = s;
  for (let k = 0; k < w.gy.length; k++) {
    const g = w.gy[k]!;
    if (g === 0) continue;
    const bx = k % nb, z = (k - bx) / nb;
    const i = pad + bx + nb * (ny - 1 + ny * z), j = pad + bx + nb * ny * z;
    const current = g * (phi[i]! - phi[j]!);
    jy.set(i, current);
    jy.set(j, current);
  }
  for (let k = 0; k < w.gz.length; k++) {
    const g = w.gz[k]!;
    if (g === 0) continue;
    const bx = k % nb, y = (k - bx) / nb;
    const i = pad + bx + nb * (y + ny * (s.nz - 1)), j = pad + bx + nb * y;
    const current = g * (phi[i]! - phi[j]!);
    jz.set(i, current);
    jz.set(j, current);
  }
  return { jy, jz };
}
