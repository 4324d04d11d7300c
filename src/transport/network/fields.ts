/**
 * Fields on the voxel grid from a solved network: potentials, electrode currents and the
 * current-density magnitude, plus a 2D slice helper for plots.
 */
import { InputError } from "../../core/errors.js";
import type { Stencil7 } from "../../linalg/stencil.js";
import type { Shape3 } from "../../structure/voxel/grid.js";
import type { NetworkTopology } from "./topology.js";

/** Currents (A) into the low electrode's cells and out through the high electrode's cells. */
export function electrodeCurrents(s: Stencil7, phi: Float64Array, voltage: number): { inA: number; outA: number } {
  let inA = 0, outA = 0;
  for (let k = 0; k < s.ny * s.nz; k++) {
    const p = s.pad + k * s.nx;
    inA += s.shuntLow[k]! * (voltage - phi[p]!);
    outA += s.shuntHigh[k]! * phi[p + s.nx - 1]!;
  }
  return { inA, outA };
}

/**
 * Potential of every voxel (V): the solution on current-carrying voxels, the electrode
 * potential on conducting voxels of electrode layers (voxel-layer electrodes), NaN
 * elsewhere (insulators and clusters that carry no current have no defined potential).
 */
export function potentialField(
  shape: Shape3,
  topo: NetworkTopology,
  s: Stencil7 | undefined,
  phi: Float64Array | undefined,
  layerConducts: (v: number) => boolean,
  voltage: number,
): Float64Array {
  const [nx, ny, nz] = shape;
  const nb = topo.box[0];
  const out = new Float64Array(nx * ny * nz).fill(NaN);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const v0 = nx * (y + ny * z), c0 = nb * (y + ny * z);
      if (topo.x0 === 1) {
        if (layerConducts(v0)) out[v0] = voltage;
        if (layerConducts(v0 + nx - 1)) out[v0 + nx - 1] = 0;
      }
      if (s === undefined || phi === undefined) continue;
      for (let bx = 0; bx < nb; bx++) if (topo.carrying[c0 + bx] === 1) out[v0 + topo.x0 + bx] = phi[s.pad + c0 + bx]!;
    }
  }
  return out;
}

/**
 * |J| at each voxel centre, A/cm^2: along each axis the mean of the currents through the
 * voxel's two faces, divided by that face's area (h^2 for cubic voxels; h_y h_z, h_z h_x,
 * h_x h_y otherwise). Face currents are g (phi_a - phi_b) on bonds and g_shunt (V - phi) /
 * g_shunt phi at the electrodes; outer side faces are insulating, or with periodic sides
 * carry the wrap bonds' currents (`wrap`, periodic.ts). An electrode layer voxel
 * (voxel-layer electrodes) carries the current of its one bond along x (the same through
 * both of its x faces, by conservation) and none across.
 */
export function currentDensityField(
  shape: Shape3,
  topo: NetworkTopology,
  s: Stencil7,
  phi: Float64Array,
  voltage: number,
  faceAreaCm2: readonly [number, number, number],
  wrap?: { readonly jy: ReadonlyMap<number, number>; readonly jz: ReadonlyMap<number, number> },
): Float32Array {
  const [nx, ny, nz] = shape;
  const nb = s.nx;
  const out = new Float32Array(nx * ny * nz);
  const { cx, cy, cz, shuntLow, shuntHigh, pad } = s;
  const oy = nb, oz = nb * ny;
  const cubic = faceAreaCm2[0] === faceAreaCm2[1] && faceAreaCm2[1] === faceAreaCm2[2];
  const half = 0.5 / faceAreaCm2[0];
  const hx = 0.5 / faceAreaCm2[0], hy = 0.5 / faceAreaCm2[1], hz = 0.5 / faceAreaCm2[2];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const k = y + ny * z;
      const v0 = nx * k + topo.x0, c0 = pad + nb * k;
      for (let bx = 0; bx < nb; bx++) {
        const p = c0 + bx;
        const f = phi[p]!;
        const left = bx > 0 ? cx[p - 1]! * (phi[p - 1]! - f) : shuntLow[k]! * (voltage - f);
        const right = bx < nb - 1 ? cx[p]! * (f - phi[p + 1]!) : shuntHigh[k]! * f;
        let jy = cy[p - oy]! * (phi[p - oy]! - f) + cy[p]! * (f - phi[p + oy]!);
        let jz = cz[p - oz]! * (phi[p - oz]! - f) + cz[p]! * (f - phi[p + oz]!);
        if (wrap !== undefined) {
          jy += wrap.jy.get(p) ?? 0;
          jz += wrap.jz.get(p) ?? 0;
        }
        const jx = left + right;
        out[v0 + bx] = cubic ? half * Math.sqrt(jx * jx + jy * jy + jz * jz) : Math.hypot(hx * jx, hy * jy, hz * jz);
      }
      if (topo.x0 === 1) {
        out[nx * k] = (Math.abs(shuntLow[k]! * (voltage - phi[c0]!)) * 2 * hx);
        out[nx * k + nx - 1] = Math.abs(shuntHigh[k]! * phi[c0 + nb - 1]!) * 2 * hx;
      }
    }
  }
  return out;
}

export interface FieldSlice {
  /** Columns (the first free axis: x for "y" and "z" slices, y for "x" slices). */
  readonly width: number;
  /** Rows (the second free axis). */
  readonly height: number;
  /** Row-major values, values[col + width row]. */
  readonly values: Float32Array;
}

/** The 2D slice of a voxel field at `index` along `axis` (for plots of |J| or potential). */
export function fieldSlice(field: ArrayLike<number>, shape: Shape3, axis: "x" | "y" | "z", index: number): FieldSlice {
  const [nx, ny, nz] = shape;
  const a = axis === "x" ? 0 : axis === "y" ? 1 : 2;
  if (field.length !== nx * ny * nz) throw new InputError(`field slice: field has ${field.length} values; shape needs ${nx * ny * nz}`);
  if (!(Number.isInteger(index) && index >= 0 && index < shape[a])) throw new InputError(`field slice: ${axis} = ${index} outside 0..${shape[a] - 1}`);
  const width = a === 0 ? ny : nx;
  const height = a === 2 ? ny : nz;
  const values = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const x = a === 0 ? index : col;
      const y = a === 0 ? col : a === 1 ? index : row;
      const z = a === 2 ? index : row;
      values[col + width * row] = field[x + nx * (y + ny * z)]!;
    }
  }
  return { width, height, values };
}
