/**
 * solveImpedance: the AC response of the voxel network over a frequency sweep.
 *
 * Each phase has the complex conductivity y = sigma + i w eps0 eps_r (S/cm); bonds are
 * the complex analogue of the DC bonds (options.ts): two half-voxels in series, a grain
 * boundary R_gb || C_gb in series between grains, electrode planes reached through the
 * half-voxel and the interface R_int || C_int. The admittance matrix Y (complex symmetric)
 * is solved for the applied voltage V by COCG preconditioned with the real
 * aggregation multigrid built on the bond magnitudes |y| (complex-stencil.ts: the
 * preconditioned field of values stays at least 1/sqrt(2) from 0 at every frequency and
 * contrast). Iterations are fewest where one kind of element dominates and most where
 * bulk, grain-boundary and interface arcs overlap (6 to 125 over 1e-1..1e11 Hz on a 32^3
 * two-phase sample with grains and blocking-ish contacts); the previous frequency's
 * solution starts the next solve. Z(f) = V / I, I the current into the
 * x = 0 electrode; Im Z < 0 for a capacitive response (e^{+i w t} convention), so a
 * Nyquist plot shows -imagOhm.
 */
import { InputError } from "../../core/errors.js";
import { VACUUM_PERMITTIVITY_F_PER_M, M_PER_CM } from "../../core/constants.js";
import { cocg } from "../../linalg/cocg.js";
import {
  complexStencilArenaBytes,
  complexStencilOperator,
  createComplexStencil,
  magnitudeStencil,
  updateComplexDiagonal,
  type ComplexStencil7,
} from "../../linalg/complex-stencil.js";
import { arenaComplexVectorOps, createArena } from "../../linalg/arena.js";
import { AggregationMultigrid } from "../../linalg/multigrid.js";
import { createStencil, stencilArenaBytes, stencilLength } from "../../linalg/stencil.js";
import type { VoxelGrid } from "../../structure/voxel/grid.js";
import { resolveNetwork, type NetworkOptions, type ResolvedNetwork } from "./options.js";
import { networkTopology, type NetworkTopology } from "./topology.js";

/** Vacuum permittivity in F/cm. */
const EPS0_F_PER_CM = VACUUM_PERMITTIVITY_F_PER_M * M_PER_CM;

export interface ImpedanceResult {
  readonly frequenciesHz: readonly number[];
  /** Re Z, ohm. Infinity when no admittance path joins the electrodes. */
  readonly realOhm: Float64Array;
  /** Im Z, ohm (negative for capacitive behaviour). */
  readonly imagOhm: Float64Array;
  readonly iterations: Int32Array;
  /** True relative residual of each frequency's solve. */
  readonly relativeResidual: Float64Array;
  /** A cluster of voxels with non-zero admittance joins the two electrodes. */
  readonly percolates: boolean;
  readonly lengthCm: number;
  readonly areaCm2: number;
  readonly stats: { readonly unknowns: number; readonly multigridLevels: number; readonly seconds: number };
}

// complex scratch results (no allocation per bond)
let RE = 0, IM = 0;

/** (RE, IM) <- 1 / (a + i b); 0 stays 0 (an open element has admittance 0). */
function inv(a: number, b: number): void {
  const m = a * a + b * b;
  if (m === 0 || !Number.isFinite(m)) {
    RE = 0;
    IM = 0;
    return;
  }
  RE = a / m;
  IM = -b / m;
}

/**
 * (RE, IM) <- admittance (S) of two half-voxels with complex conductivities ya, yb (S/cm)
 * in series, h 2 ya yb / (ya + yb), then an area element with admittance per area
 * (er, ei) (S/cm^2) in series when `element` (Z = 1/y + 1/(h^2 Y_el)).
 */
function bondAdmittance(ar: number, ai: number, br: number, bi: number, h: number, element: boolean, er: number, ei: number): void {
  if ((ar === 0 && ai === 0) || (br === 0 && bi === 0)) {
    RE = 0;
    IM = 0;
    return;
  }
  const nr = ar * br - ai * bi, ni = ar * bi + ai * br;
  inv(ar + br, ai + bi);
  let yr = 2 * h * (nr * RE - ni * IM), yi = 2 * h * (nr * IM + ni * RE);
  if (element) {
    inv(yr, yi);
    const zr = RE, zi = IM;
    inv(er * h * h, ei * h * h);
    inv(zr + RE, zi + IM);
    yr = RE;
    yi = IM;
  }
  RE = yr;
  IM = yi;
}

/** (RE, IM) <- admittance (S) from a voxel centre (half-voxel, y in S/cm) through an interface element to the plane. */
function planeAdmittance(yr: number, yi: number, h: number, element: boolean, er: number, ei: number): void {
  if ((yr === 0 && yi === 0) || (element && er === 0 && ei === 0)) {
    RE = 0;
    IM = 0;
    return;
  }
  let gr = 2 * h * yr, gi = 2 * h * yi;
  if (element) {
    inv(gr, gi);
    const zr = RE, zi = IM;
    inv(er * h * h, ei * h * h);
    inv(zr + RE, zi + IM);
    gr = RE;
    gi = IM;
  }
  RE = gr;
  IM = gi;
}

/** Fill the admittance stencil of the current-carrying voxels at angular frequency w (rad/s). */
export function assembleAdmittance(grid: VoxelGrid, r: ResolvedNetwork, topo: NetworkTopology, omega: number, Y: ComplexStencil7): void {
  const [nx, ny, nz] = grid.shape;
  const nb = topo.box[0];
  const s = Y.re;
  const { pad } = s;
  const { phase, grain } = grid;
  const carrying = topo.carrying;
  const h = r.hCm;
  const yRe = r.sigma;
  const yIm = new Float64Array(256);
  for (let l = 0; l < 256; l++) yIm[l] = omega * EPS0_F_PER_CM * r.epsr[l]!;
  // area elements: Y = 1/R + i w C per cm^2; R = 0 means no element (a short)
  const gbOn = r.gbR > 0, gbR = r.gbR > 0 ? 1 / r.gbR : 0, gbI = omega * r.gbC;
  const intOn = r.intR > 0, intR = r.intR > 0 ? 1 / r.intR : 0, intI = omega * r.intC;
  const sy = nx, sz = nx * ny;
  const fields = [s.cx, s.cy, s.cz, Y.cxIm, Y.cyIm, Y.czIm, s.shuntLow, s.shuntHigh, Y.shuntLowIm, Y.shuntHighIm];
  for (const f of fields) f.fill(0);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const c0 = nb * (y + ny * z);
      const v0 = topo.x0 + nx * (y + ny * z);
      const k = y + ny * z;
      for (let bx = 0; bx < nb; bx++) {
        const c = c0 + bx;
        if (carrying[c] === 0) continue;
        const v = v0 + bx, p = pad + c;
        const la = phase[v]!, ga = grain[v]!;
        const ar = yRe[la]!, ai = yIm[la]!;
        if (bx + 1 < nb && carrying[c + 1] === 1) {
          const lb = phase[v + 1]!;
          bondAdmittance(ar, ai, yRe[lb]!, yIm[lb]!, h, gbOn && ga !== grain[v + 1] && la === phase[v + 1], gbR, gbI);
          s.cx[p] = RE;
          Y.cxIm[p] = IM;
        }
        if (y + 1 < ny && carrying[c + nb] === 1) {
          const lb = phase[v + sy]!;
          bondAdmittance(ar, ai, yRe[lb]!, yIm[lb]!, h, gbOn && ga !== grain[v + sy] && la === phase[v + sy], gbR, gbI);
          s.cy[p] = RE;
          Y.cyIm[p] = IM;
        }
        if (z + 1 < nz && carrying[c + nb * ny] === 1) {
          const lb = phase[v + sz]!;
          bondAdmittance(ar, ai, yRe[lb]!, yIm[lb]!, h, gbOn && ga !== grain[v + sz] && la === phase[v + sz], gbR, gbI);
          s.cz[p] = RE;
          Y.czIm[p] = IM;
        }
        if (bx === 0) {
          if (r.layers) {
            const lb = phase[v - 1]!;
            bondAdmittance(yRe[lb]!, yIm[lb]!, ar, ai, h, gbOn && grain[v - 1] !== ga && phase[v - 1] === la, gbR, gbI);
          } else planeAdmittance(ar, ai, h, intOn, intR, intI);
          s.shuntLow[k] = RE;
          Y.shuntLowIm[k] = IM;
        }
        if (bx === nb - 1) {
          if (r.layers) {
            const lb = phase[v + 1]!;
            bondAdmittance(ar, ai, yRe[lb]!, yIm[lb]!, h, gbOn && ga !== grain[v + 1] && la === phase[v + 1], gbR, gbI);
          } else planeAdmittance(ar, ai, h, intOn, intR, intI);
          s.shuntHigh[k] = RE;
          Y.shuntHighIm[k] = IM;
        }
      }
    }
  }
  updateComplexDiagonal(Y);
}

/** One frequency's solve: Z = re + i im (ohm), COCG's iterations and true relative residual. */
export interface ImpedancePoint {
  readonly realOhm: number;
  readonly imagOhm: number;
  readonly iterations: number;
  readonly relativeResidual: number;
}

/**
 * The AC network of one grid and options, set up once and solved at any frequency: the
 * topology, the arena (stencils, preconditioner, vectors) and the multigrid hierarchy are
 * built on the first solve and kept; each solve starts from the previous one's potentials
 * (the nearer the frequencies, the fewer iterations). Frequencies may come in any order.
 */
export class ImpedanceSolver {
  readonly lengthCm: number;
  readonly areaCm2: number;
  /** A cluster of voxels with non-zero admittance joins the two electrodes (else every Z is Infinity). */
  readonly percolates: boolean;
  readonly unknowns: number;
  private readonly grid: VoxelGrid;
  private readonly r: ResolvedNetwork;
  private readonly options: NetworkOptions;
  private readonly topo: NetworkTopology;
  private state: {
    readonly Y: ComplexStencil7;
    readonly M: ReturnType<typeof createStencil>;
    readonly bRe: Float64Array;
    readonly bIm: Float64Array;
    readonly xRe: Float64Array;
    readonly xIm: Float64Array;
    readonly arena: ReturnType<typeof createArena>;
    readonly vectorOps: ReturnType<typeof arenaComplexVectorOps>;
    readonly reset: () => void;
    mg: AggregationMultigrid | undefined;
  } | undefined;

  constructor(grid: VoxelGrid, options: NetworkOptions) {
    const r = resolveNetwork(grid, options);
    if (!r.cubic) throw new InputError(`voxelNm: got ${JSON.stringify(options.voxelNm)}; impedance (AC) solves take cubic voxels (one number): anisotropic voxels are DC only`);
    if (r.periodic) throw new InputError(`sides: got "periodic"; impedance (AC) solves take no-flux sides: periodic sides are DC only`);
    if (options.multigrid?.cycle === "K") throw new InputError("multigrid.cycle: got \"K\"; COCG needs a linear preconditioner: V or W");
    this.grid = grid;
    this.r = r;
    this.options = options;
    const [nx, ny, nz] = grid.shape;
    const h = r.hCm;
    this.lengthCm = (r.layers ? nx - 1 : nx) * h;
    this.areaCm2 = ny * nz * h * h;
    const conducts = new Uint8Array(256);
    for (let l = 0; l < 256; l++) conducts[l] = r.sigma[l]! > 0 || r.epsr[l]! > 0 ? 1 : 0;
    const planeContact = Number.isFinite(r.intR) || r.intC > 0;
    this.topo = networkTopology(grid, conducts, r.layers, planeContact);
    this.percolates = this.topo.carryingCount > 0;
    this.unknowns = this.topo.carryingCount;
  }

  /**
   * Start the next solve from a DC solution of the same network (potentialV per voxel, V, as
   * NetworkResult gives it for `voltageV` applied; NaN outside its current-carrying clusters,
   * taken there as the linear drop between the electrodes), imaginary part 0. Near the
   * frequencies where the network is nearly resistive (or the electrode elements nearly
   * shorted) this is close to the AC solution, so COCG needs few iterations; the answer is
   * the same to the solver's tolerance from any start.
   */
  startFrom(potentialV: Float64Array, voltageV: number): void {
    if (!this.percolates) return;
    const st = (this.state ??= this.setUp());
    const [nx, ny, nz] = this.grid.shape;
    if (potentialV.length !== nx * ny * nz) throw new RangeError(`startFrom: ${potentialV.length} potentials for ${nx * ny * nz} voxels`);
    const nb = this.topo.box[0], pad = st.Y.re.pad, x0 = this.topo.x0;
    const scale = voltageV !== 0 ? this.r.voltage / voltageV : 0;
    st.xRe.fill(0);
    st.xIm.fill(0);
    for (let q = 0; q < ny * nz; q++) {
      for (let bx = 0; bx < nb; bx++) {
        const phi = potentialV[x0 + bx + nx * q]!;
        st.xRe[pad + bx + nb * q] = Number.isFinite(phi) ? phi * scale : this.r.voltage * (1 - (bx + 0.5) / nb);
      }
    }
  }

  /** Multigrid levels of the preconditioner (0 before the first solve or without a path). */
  get multigridLevels(): number {
    return this.state?.mg?.depth ?? 0;
  }

  /** Z at frequency f (Hz), the previous solve's potentials as the initial guess. */
  solve(frequencyHz: number, name = "frequencyHz"): ImpedancePoint {
    if (!(frequencyHz > 0 && Number.isFinite(frequencyHz))) throw new InputError(`${name}: got ${frequencyHz}; must be finite and > 0`);
    if (!this.percolates) return { realOhm: Infinity, imagOhm: 0, iterations: 0, relativeResidual: 0 };
    const st = (this.state ??= this.setUp());
    const { Y, bRe, bIm, xRe, xIm } = st;
    const [, ny, nz] = this.grid.shape;
    const nb = this.topo.box[0];
    const V = this.r.voltage;
    const omega = 2 * Math.PI * frequencyHz;
    assembleAdmittance(this.grid, this.r, this.topo, omega, Y);
    magnitudeStencil(Y, st.M);
    if (st.mg === undefined) st.mg = new AggregationMultigrid(st.M, this.options.multigrid ?? {}, st.arena);
    else st.mg.update();
    for (let q = 0; q < ny * nz; q++) {
      bRe[Y.re.pad + q * nb] = Y.re.shuntLow[q]! * V;
      bIm[Y.re.pad + q * nb] = Y.shuntLowIm[q]! * V;
    }
    st.reset();
    const res = cocg(complexStencilOperator(Y), bRe, bIm, xRe, xIm, st.mg, {
      tolerance: this.r.tolerance,
      maxIterations: this.r.maxIterations,
      name: `network COCG + aggregation multigrid at ${frequencyHz} Hz`,
      vectors: st.vectorOps,
    });
    // I = sum_low s (V - phi), complex
    let iR = 0, iI = 0;
    for (let q = 0; q < ny * nz; q++) {
      const p = Y.re.pad + q * nb;
      const dr = V - xRe[p]!, di = -xIm[p]!;
      const sr = Y.re.shuntLow[q]!, si = Y.shuntLowIm[q]!;
      iR += sr * dr - si * di;
      iI += sr * di + si * dr;
    }
    // Z = V / I
    const d = iR * iR + iI * iI;
    return { realOhm: (V * iR) / d, imagOhm: (-V * iI) / d, iterations: res.iterations, relativeResidual: res.relativeResidual };
  }

  private setUp(): NonNullable<ImpedanceSolver["state"]> {
    const [, ny, nz] = this.grid.shape;
    const nb = this.topo.box[0];
    // one arena for the admittance stencil, the real preconditioner's stencil and hierarchy,
    // and the 12 complex-part vectors (b, x, COCG's 8), so every kernel runs as WebAssembly
    const mgOptions = this.options.multigrid ?? {};
    const arena = createArena(
      complexStencilArenaBytes(nb, ny, nz) + stencilArenaBytes(nb, ny, nz) + AggregationMultigrid.arenaBytes(nb, ny, nz, mgOptions) +
        8 * 12 * stencilLength(nb, ny, nz),
      { wasm: this.options.webAssembly ?? true },
    );
    const Y = createComplexStencil(nb, ny, nz, arena);
    const M = createStencil(nb, ny, nz, arena);
    const n = Y.re.length;
    const bRe = arena.alloc(n), bIm = arena.alloc(n), xRe = arena.alloc(n), xIm = arena.alloc(n);
    // COCG allocates 8 work vectors per call: hand it the arena's space once, reused per frequency
    const work = Array.from({ length: 8 }, () => arena.alloc(n));
    let next = 0;
    const vectorOps = { ...arenaComplexVectorOps(arena), alloc: (): Float64Array => work[next++]!.fill(0) };
    return { Y, M, bRe, bIm, xRe, xIm, arena, vectorOps, reset: () => void (next = 0), mg: undefined };
  }
}

/**
 * Impedance spectrum Z(f) of the voxel network between the two x electrodes;
 * `onFrequency` (progress only) is called after each frequency's solve.
 */
export function solveImpedance(grid: VoxelGrid, options: NetworkOptions, frequenciesHz: readonly number[], onFrequency?: () => void): ImpedanceResult {
  const t0 = performance.now();
  frequenciesHz.forEach((f, k) => {
    if (!(f > 0 && Number.isFinite(f))) throw new InputError(`frequenciesHz.${k}: got ${f}; must be finite and > 0`);
  });
  const solver = new ImpedanceSolver(grid, options);
  const m = frequenciesHz.length;
  const realOhm = new Float64Array(m), imagOhm = new Float64Array(m), iterations = new Int32Array(m), relativeResidual = new Float64Array(m);
  const base = { frequenciesHz: [...frequenciesHz], realOhm, imagOhm, iterations, relativeResidual, lengthCm: solver.lengthCm, areaCm2: solver.areaCm2 };
  if (!solver.percolates) {
    realOhm.fill(Infinity);
    return { ...base, percolates: false, stats: { unknowns: 0, multigridLevels: 0, seconds: (performance.now() - t0) / 1000 } };
  }
  for (let k = 0; k < m; k++) {
    const z = solver.solve(frequenciesHz[k]!, `frequenciesHz.${k}`);
    realOhm[k] = z.realOhm;
    imagOhm[k] = z.imagOhm;
    iterations[k] = z.iterations;
    relativeResidual[k] = z.relativeResidual;
    onFrequency?.();
  }
  return {
    ...base,
    percolates: true,
    stats: { unknowns: solver.unknowns, multigridLevels: solver.multigridLevels, seconds: (performance.now() - t0) / 1000 },
  };
}
