/**
 * DC assembly: bond conductances of the current-carrying voxels into a 7-point stencil
 * (conventions in options.ts). Electrodes enter as shunts (Dirichlet nodes eliminated
 * symmetrically: their bond goes on the diagonal and, times the electrode potential, into
 * the right-hand side), so the matrix is the SPD reduced Laplacian of network_ref.py.
 */
import type { Float64Arena } from "../../linalg/arena.js";
import { createStencil, updateDiagonal, type Stencil7 } from "../../linalg/stencil.js";
import type { VoxelGrid } from "../../structure/voxel/grid.js";
import type { ResolvedNetwork } from "./options.js";
import type { NetworkTopology } from "./topology.js";

/**
 * Conductance (S) of the bond between voxels of conductivity sa, sb (S/cm) across a face of
 * area A (cm^2) with centres h_d apart, `lengthCm` = A / h_d (h for cubic voxels): two
 * half-voxels in series, g = (A/h_d) 2 sa sb / (sa + sb), then the grain-boundary resistance
 * rgb / A (ohm) in series when `boundary`. Zero when either voxel is an insulator.
 */
export function bondConductance(sa: number, sb: number, lengthCm: number, areaCm2: number, boundary: boolean, rgbOhmCm2: number): number {
  if (!(sa > 0 && sb > 0)) return 0;
  const g = ((2 * sa * sb) / (sa + sb)) * lengthCm;
  return boundary && rgbOhmCm2 > 0 ? 1 / (1 / g + rgbOhmCm2 / areaCm2) : g;
}

/** Conductance (S) from a voxel's centre to an electrode plane: 1/g = h_x/(2 s A_x) + R_int / A_x (`lengthCm` = A_x / h_x). */
export function planeConductance(s: number, lengthCm: number, areaCm2: number, rIntOhmCm2: number): number {
  if (!(s > 0)) return 0;
  const g = 2 * s * lengthCm;
  return rIntOhmCm2 > 0 ? 1 / (1 / g + rIntOhmCm2 / areaCm2) : g;
}

/**
 * The DC stencil of the current-carrying voxels (bonds between removed voxels are 0); with
 * `ground` it carries a zero ground array (periodic sides, periodic.ts). Wrap bonds across
 * periodic faces are not in the stencil (periodic.ts holds them).
 */
export function assembleConductance(grid: VoxelGrid, r: ResolvedNetwork, topo: NetworkTopology, arena?: Float64Arena, ground = false): Stencil7 {
  const [nx, ny, nz] = grid.shape;
  const [nb] = topo.box;
  const s = createStencil(nb, ny, nz, arena, ground);
  const { cx, cy, cz, shuntLow, shuntHigh, pad } = s;
  const { phase, grain } = grid;
  const carrying = topo.carrying;
  const sigma = r.sigma, rgb = r.gbR;
  const [lx, ly, lz] = r.bondLengthCm, [ax, ay, az] = r.faceAreaCm2;
  const sy = nx, sz = nx * ny;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const c0 = nb * (y + ny * z);
      const v0 = topo.x0 + nx * (y + ny * z);
      for (let bx = 0; bx < nb; bx++) {
        const c = c0 + bx;
        if (carrying[c] === 0) continue;
        const v = v0 + bx, p = pad + c;
        const pa = phase[v]!, sa = sigma[pa]!, ga = grain[v]!;
        if (bx + 1 < nb && carrying[c + 1] === 1) cx[p] = bondConductance(sa, sigma[phase[v + 1]!]!, lx, ax, ga !== grain[v + 1] && pa === phase[v + 1], rgb);
        if (y + 1 < ny && carrying[c + nb] === 1) cy[p] = bondConductance(sa, sigma[phase[v + sy]!]!, ly, ay, ga !== grain[v + sy] && pa === phase[v + sy], rgb);
        if (z + 1 < nz && carrying[c + nb * ny] === 1) cz[p] = bondConductance(sa, sigma[phase[v + sz]!]!, lz, az, ga !== grain[v + sz] && pa === phase[v + sz], rgb);
        const k = y + ny * z;
        if (bx === 0) {
          shuntLow[k] = r.layers ? bondConductance(sigma[phase[v - 1]!]!, sa, lx, ax, grain[v - 1] !== ga && phase[v - 1] === pa, rgb) : planeConductance(sa, lx, ax, r.intR);
        }
        if (bx === nb - 1) {
          shuntHigh[k] = r.layers ? bondConductance(sa, sigma[phase[v + 1]!]!, lx, ax, ga !== grain[v + 1] && pa === phase[v + 1], rgb) : planeConductance(sa, lx, ax, r.intR);
        }
      }
    }
  }
  updateDiagonal(s);
  return s;
}

/** Right-hand side of the reduced system: b_i = shunt_i V on the low-electrode cells. */
export function dcRightHandSide(s: Stencil7, voltage: number, arena?: Float64Arena): Float64Array {
  const b = arena === undefined ? new Float64Array(s.length) : arena.alloc(s.length);
  for (let k = 0; k < s.ny * s.nz; k++) b[s.pad + k * s.nx] = s.shuntLow[k]! * voltage;
  return b;
}
