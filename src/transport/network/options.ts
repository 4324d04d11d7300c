/**
 * Options of the resistor-network stage and their checks.
 *
 * Conventions (all solves; units in names, SI-like electrochemistry units inside:
 * conductivity S/cm, lengths cm, conductance S, resistance ohm, capacitance F):
 * - Voxel edge h = voxelNm 1e-7 cm (one number), or edges h_x, h_y, h_z (voxelNm [x, y, z],
 *   anisotropic voxels, DC only); a voxel is a node at its centre.
 * - Bond between face neighbours a, b along axis d: two half-voxels in series through the
 *   face of area A_d (A_x = h_y h_z, ...),
 *     1/g = h_d/(2 s_a A_d) + h_d/(2 s_b A_d)   (g = (A_d/h_d) 2 s_a s_b / (s_a + s_b)),
 *   plus R_gb / A_d in series when the voxels are of one phase but different grains (R_gb the
 *   area-specific grain-boundary resistance, ohm cm^2). Cubic voxels: A_d/h_d = h, A_d = h^2.
 *   AC: s -> s + i w eps0 eps_r and the grain boundary is R_gb || C_gb:
 *   Z_gb = 1 / (h^2 (1/R_gb + i w C_gb)).
 * - Current flows along x. Electrodes (`electrodes.kind`):
 *   "planes" (default, the physical cell): equipotential planes on the outer faces of the
 *     x = 0 and x = nx-1 voxel layers, at V and 0. A boundary voxel connects to its plane
 *     through its half-voxel and the interface element in series:
 *       1/g = 1/(2 s h) + R_int / h^2     (AC: R_int || C_int, like the grain boundary).
 *     Sample length L = nx h_x.
 *   "voxel-layers" (the benchmark, exactly as ../shared/bench-ref/network_ref.py): the x = 0
 *     and x = nx-1 voxel layers are themselves the electrodes (Dirichlet nodes at V and 0;
 *     their conductivities enter the bonds to their neighbours). L = (nx - 1) h_x.
 *   Cross-section A = ny nz h_y h_z; effective conductivity sigma = I L / (V A).
 * - Side faces (y and z), `sides`: "no-flux" (default, insulating) or "periodic" (DC only):
 *   the y = ny-1 layer is bonded to the y = 0 layer across the boundary like any face
 *   neighbours (likewise z), so the sample is one period of an infinite slab; clusters
 *   connect across the wrap too. Needs ny, nz >= 2 along a wrapped axis to matter (a side of
 *   1 voxel wraps onto itself and carries no side current).
 * - Only clusters of conducting voxels that touch both electrodes carry current; all other
 *   voxels are removed before the solve (so the system is SPD and a non-percolating
 *   sample gives sigma = 0 without a solve).
 */
import { InputError } from "../../core/errors.js";
import type { MultigridOptions } from "../../linalg/multigrid.js";
import { phaseCounts, type VoxelGrid } from "../../structure/voxel/grid.js";

/** Properties of the voxels carrying one phase label. */
export interface NetworkPhase {
  /** Voxel label (0..255) this entry describes. */
  readonly label: number;
  readonly name?: string;
  /** Ionic conductivity, S/cm, >= 0 (0: an insulator, removed from DC solves). */
  readonly conductivitySPerCm: number;
  /** Relative permittivity for AC solves (default 0: no displacement current). */
  readonly relativePermittivity?: number;
}

/** An area-specific R || C element: a grain boundary or an electrode interface. */
export interface AreaElement {
  /** Area-specific resistance, ohm cm^2, >= 0 (0: no element). Electrode interfaces may be Infinity (blocking: DC current 0, AC through C only). */
  readonly resistanceOhmCm2: number;
  /** Area-specific capacitance in parallel, F/cm^2 (default 0). AC only. */
  readonly capacitanceFPerCm2?: number;
}

export type ElectrodeModel =
  | { readonly kind: "planes"; readonly interface?: AreaElement }
  | { readonly kind: "voxel-layers" };

export interface NetworkOptions {
  /** One entry per voxel label present in the grid. */
  readonly phases: readonly NetworkPhase[];
  /** Voxel edge, nm: one number (cubic voxels) or [x, y, z] (anisotropic voxels; DC solves only). */
  readonly voxelNm: number | readonly [number, number, number];
  /** Boundary condition on the four side faces (y and z): "no-flux" (default) or "periodic" (DC solves only). */
  readonly sides?: "no-flux" | "periodic";
  /** Element in series with every bond between voxels of different grains (default none). */
  readonly grainBoundary?: AreaElement;
  /** Default { kind: "planes" } with ideal contacts. */
  readonly electrodes?: ElectrodeModel;
  /** Potential of the x = 0 electrode, V (the other is 0); default 1. */
  readonly appliedVoltageV?: number;
  /** Relative residual ||b - A x|| / ||b|| to reach (default 1e-8). */
  readonly tolerance?: number;
  /** Krylov iteration cap (default 2000). */
  readonly maxIterations?: number;
  /** Multigrid preconditioner settings (defaults: K-cycle, 1 + 1 Gauss-Seidel sweeps). */
  readonly multigrid?: MultigridOptions;
  /** Compute the per-voxel current-density magnitude (default true). */
  readonly currentDensity?: boolean;
  /** Label whose bulk conductivity and volume fraction define the tortuosity factor (default: the most conductive phase present). */
  readonly tortuosityPhaseLabel?: number;
  /** Label the clusters of each phase on its own for its spanning fraction (default true). */
  readonly phaseConnectivity?: boolean;
  /** Run the solver's kernels as WebAssembly where available (default true; false: plain JavaScript, same numbers). */
  readonly webAssembly?: boolean;
  /**
   * DC solver storage (default "auto"): "lean" keeps the fine level as one byte per voxel
   * and float32 inner iterations with a double-precision outer residual (lean.ts; needs
   * bonds that depend on the phases alone: no grain-boundary element, no-flux sides, a V or
   * W cycle); "stored" assembles the stencil of doubles; "auto" takes "lean" when it applies
   * and the box has at least LEAN_MIN_CELLS voxels.
   */
  readonly solverPath?: "auto" | "lean" | "stored";
  /**
   * Threads of the lean DC solve (default: automatic, lean.ts's leanThreads: the cores,
   * os.availableParallelism() up to 8, from 262,144 box voxels on the main thread; 1 in a
   * worker thread). The result is the same bit for bit on any number of threads.
   */
  readonly threads?: number;
}

/** Checked options with defaults filled in and per-label lookup tables. */
export interface ResolvedNetwork {
  /** Voxel edge along x, cm (the only one for cubic voxels). */
  readonly hCm: number;
  /** Voxel edges along x, y, z, cm. */
  readonly edgesCm: readonly [number, number, number];
  /** Face area over edge, A_d / h_d, along x, y, z, cm: a bond's conductance is this times the harmonic-mean conductivity. */
  readonly bondLengthCm: readonly [number, number, number];
  /** Face areas normal to x, y, z, cm^2 (h_y h_z, h_z h_x, h_x h_y). */
  readonly faceAreaCm2: readonly [number, number, number];
  /** All three edges equal. */
  readonly cubic: boolean;
  /** Periodic side faces (y and z). */
  readonly periodic: boolean;
  /** Conductivity by label (0 for labels without voxels). */
  readonly sigma: Float64Array;
  /** Relative permittivity by label. */
  readonly epsr: Float64Array;
  /** Voxels carrying each label. */
  readonly counts: Float64Array;
  /** Labels present in the grid, ascending. */
  readonly labels: readonly number[];
  readonly names: readonly string[];
  /** Grain-boundary R (ohm cm^2) and C (F/cm^2); R = 0 means no grain-boundary element. */
  readonly gbR: number;
  readonly gbC: number;
  readonly layers: boolean;
  /** Interface R (ohm cm^2) and C (F/cm^2) of the planes; 0, 0 for ideal contacts. */
  readonly intR: number;
  readonly intC: number;
  readonly voltage: number;
  readonly tolerance: number;
  readonly maxIterations: number;
}

function checkElement(field: string, e: AreaElement | undefined): [number, number] {
  if (e === undefined) return [0, 0];
  const r = e.resistanceOhmCm2, c = e.capacitanceFPerCm2 ?? 0;
  if (!(r >= 0)) throw new InputError(`${field}.resistanceOhmCm2: got ${r}; must be >= 0`);
  if (!(c >= 0 && Number.isFinite(c))) throw new InputError(`${field}.capacitanceFPerCm2: got ${c}; must be finite and >= 0`);
  return [r, c];
}

/** Check options against the grid; fill defaults. */
export function resolveNetwork(grid: VoxelGrid, options: NetworkOptions): ResolvedNetwork {
  const nm = typeof options.voxelNm === "number" ? [options.voxelNm, options.voxelNm, options.voxelNm] : options.voxelNm;
  if (nm.length !== 3 || !nm.every((v) => v > 0 && Number.isFinite(v))) {
    throw new InputError(`voxelNm: got ${JSON.stringify(options.voxelNm)}; must be a finite number > 0 or three of them [x, y, z]`);
  }
  const cubic = nm[0] === nm[1] && nm[1] === nm[2];
  const h = nm[0]! * 1e-7;
  const edgesCm: [number, number, number] = [h, nm[1]! * 1e-7, nm[2]! * 1e-7];
  const [hx, hy, hz] = edgesCm;
  // cubic voxels: exactly h and h^2, as before anisotropy existed (bitwise the same bonds)
  const faceAreaCm2: [number, number, number] = cubic ? [h * h, h * h, h * h] : [hy * hz, hz * hx, hx * hy];
  const bondLengthCm: [number, number, number] = cubic ? [h, h, h] : [faceAreaCm2[0] / hx, faceAreaCm2[1] / hy, faceAreaCm2[2] / hz];
  const sides = options.sides ?? "no-flux";
  if (sides !== "no-flux" && sides !== "periodic") throw new InputError(`sides: got ${JSON.stringify(sides)}; valid: no-flux, periodic`);
  const sigma = new Float64Array(256), epsr = new Float64Array(256);
  const given = new Uint8Array(256);
  const names: string[] = new Array<string>(256).fill("");
  options.phases.forEach((p, k) => {
    if (!(Number.isInteger(p.label) && p.label >= 0 && p.label <= 255)) throw new InputError(`phases.${k}.label: got ${p.label}; must be an integer 0..255`);
    if (given[p.label] === 1) throw new InputError(`phases.${k}.label: label ${p.label} is described twice`);
    if (!(p.conductivitySPerCm >= 0 && Number.isFinite(p.conductivitySPerCm))) {
      throw new InputError(`phases.${k}.conductivitySPerCm: got ${p.conductivitySPerCm}; must be finite and >= 0`);
    }
    const e = p.relativePermittivity ?? 0;
    if (!(e >= 0 && Number.isFinite(e))) throw new InputError(`phases.${k}.relativePermittivity: got ${e}; must be finite and >= 0`);
    given[p.label] = 1;
    sigma[p.label] = p.conductivitySPerCm;
    epsr[p.label] = e;
    names[p.label] = p.name ?? `label ${p.label}`;
  });
  const counts = phaseCounts(grid);
  const labels: number[] = [];
  for (let l = 0; l < 256; l++) {
    if (counts[l] === 0) continue;
    if (given[l] === 0) {
      const valid = options.phases.map((p) => p.label).join(", ");
      throw new InputError(`voxel label ${l} (${counts[l]} voxels) has no phase; phases are given for labels: ${valid || "none"}`);
    }
    labels.push(l);
  }
  const [gbR, gbC] = checkElement("grainBoundary", options.grainBoundary);
  if (!Number.isFinite(gbR)) throw new InputError(`grainBoundary.resistanceOhmCm2: got ${gbR}; must be finite (a blocking grain boundary would cut the clusters)`);
  const electrodes = options.electrodes ?? { kind: "planes" };
  const layers = electrodes.kind === "voxel-layers";
  if (electrodes.kind !== "planes" && electrodes.kind !== "voxel-layers") {
    throw new InputError(`electrodes.kind: got ${JSON.stringify((electrodes as { kind: unknown }).kind)}; valid: planes, voxel-layers`);
  }
  const [intR, intC] = checkElement("electrodes.interface", electrodes.kind === "planes" ? electrodes.interface : undefined);
  if (layers && grid.shape[0] < 3) throw new InputError(`electrodes voxel-layers: nx = ${grid.shape[0]}; needs nx >= 3 (two electrode layers and one inside)`);
  const voltage = options.appliedVoltageV ?? 1;
  if (!(voltage !== 0 && Number.isFinite(voltage))) throw new InputError(`appliedVoltageV: got ${voltage}; must be finite and non-zero`);
  const tolerance = options.tolerance ?? 1e-8;
  if (!(tolerance > 0 && tolerance < 1)) throw new InputError(`tolerance: got ${tolerance}; must be in (0, 1)`);
  const maxIterations = options.maxIterations ?? 2000;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new InputError(`maxIterations: got ${maxIterations}; must be an integer >= 1`);
  return { hCm: h, edgesCm, bondLengthCm, faceAreaCm2, cubic, periodic: sides === "periodic", sigma, epsr, counts, labels, names, gbR, gbC, layers, intR, intC, voltage, tolerance, maxIterations };
}
