/**
 * The lean DC solve: the network of solve.ts when every bond is a function of the two
 * voxels' phases (no grain-boundary element, no-flux sides), stored as one byte per voxel
 * (linalg/label-stencil.ts) instead of a stencil of doubles.
 *
 * Codes: 0 for a voxel that carries no current, 1 .. L for the conducting labels present
 * (ascending), and electrode codes for the pads at the two ends of each row: with plane
 * electrodes one code P = L + 1 (its bond to a cell of phase a is the plane conductance of
 * assemble.ts), with voxel-layer electrodes L + a for an electrode voxel of phase a (its
 * bond is the bond between the two phases), 0 for an insulating one. Tables hold
 * bondConductance / planeConductance of assemble.ts, symmetric (the lower code's phase
 * first), so an entry is the stored path's bond or differs from it in the last bit (the
 * order of the harmonic mean's product).
 *
 * The effective conductance is the dissipated power over V^2, sum g (dphi)^2 / V^2, not the
 * electrode current: by Dirichlet's principle its error is e^T A e / V^2, second order in
 * the solution error e, as the current of plain CG is (its iterates are Galerkin
 * projections), while the current of a refined solution carries the first-order error of
 * its last float32 correction (8.7e-8 against 6e-9 on a 40^3 map with plane electrodes at
 * tolerance 1e-8). The two electrode currents are still reported and their balance checked.
 *
 * Memory at the peak, per voxel of the box: the codes (1 B), three float32 vectors (12 B),
 * the double solution (8 B, which becomes the returned potential field in place), the
 * stored coarse levels (1/8 of a stencil and its cycle vectors, about 9 B), plus the grid's
 * phase bytes and the topology's carrying mask (1 B each); networkMemoryBytes (memory.ts)
 * turns this into the guard's figure.
 *
 * Threads: the multigrid and the Krylov kernels run on a slab team (linalg/slab-team.ts,
 * lean-multigrid.ts) of leanThreads() threads; with more than one, the arena is a shared
 * WebAssembly memory and the double solution a SharedArrayBuffer (still outside the arena,
 * so the returned potential field does not keep the arena alive). The result is the same
 * bit for bit on any number of threads.
 */
import { availableParallelism } from "node:os";
import { isMainThread } from "node:worker_threads";
import { createArena } from "../../linalg/arena.js";
import { createLabelStencil, labelAbsNorm, labelIndex, labelLength, labelPower, labelStencilArenaBytes, type LabelStencil } from "../../linalg/label-stencil.js";
import { LeanMultigrid, RED_BLACK_MIN_CELLS, slabWasm } from "../../linalg/lean-multigrid.js";
import { mixedPrecisionCG } from "../../linalg/mixed-cg.js";
import type { MultigridOptions } from "../../linalg/multigrid.js";
import { SlabOp } from "../../linalg/slab-program.js";
import { SlabTeam } from "../../linalg/slab-team.js";
import type { VoxelGrid } from "../../structure/voxel/grid.js";
import { bondConductance, planeConductance } from "./assemble.js";
import type { ResolvedNetwork } from "./options.js";
import type { NetworkTopology } from "./topology.js";

/** Fewest box cells for which "auto" takes the lean path (smaller solves cost little either way). */
export const LEAN_MIN_CELLS = 32_768;

/** Most threads the automatic choice takes (the slabs' memory traffic saturates beyond a few cores). */
export const LEAN_MAX_THREADS = 8;
/** Fewest box cells for which the automatic choice starts worker threads (starting one takes about 30 ms). */
export const LEAN_THREAD_MIN_CELLS = 262_144;

/**
 * Threads of a lean solve: `requested` when given (an integer >= 1), else the cores
 * (os.availableParallelism(), at most LEAN_MAX_THREADS) from LEAN_THREAD_MIN_CELLS box
 * cells on the main thread, and 1 inside a worker thread (sweeps and side-by-side designs
 * already keep the cores busy). The solve's result does not depend on it.
 */
export function leanThreads(boxCells: number, requested?: number): number {
  if (requested !== undefined) return requested;
  if (!isMainThread || boxCells < LEAN_THREAD_MIN_CELLS) return 1;
  return Math.max(1, Math.min(LEAN_MAX_THREADS, availableParallelism()));
}

/** Why the lean path cannot describe this solve, or undefined when it can. */
export function leanObstacle(r: ResolvedNetwork, multigrid: MultigridOptions): string | undefined {
  if (r.gbR > 0) return "a grain-boundary element (bonds depend on grain ids)";
  if (r.periodic) return "periodic sides";
  if (!LeanMultigrid.supports(multigrid)) return "multigrid options other than a V or W cycle with one sweep each way";
  const conducting = r.labels.filter((l) => r.sigma[l]! > 0).length;
  if (leanCodes(conducting, r.layers) > 256) return `${conducting} conducting labels (the codes are one byte)`;
  return undefined;
}

export interface LeanSolve {
  /** Conductance between the electrodes, S: the dissipated power over V^2 (second order in the solution error). */
  readonly conductanceS: number;
  /** Currents through the low and high electrode (first order in the error; their balance checks Kirchhoff). */
  readonly inA: number;
  readonly outA: number;
  /** Per-voxel potential (full grid layout), V; NaN outside the current-carrying clusters. */
  readonly potentialV: Float64Array;
  readonly currentDensityACm2?: Float32Array;
  readonly iterations: number;
  readonly restarts: number;
  readonly relativeResidual: number;
  readonly levels: number;
  /** Codes and tables; the coarse levels and vectors (multigrid setup); the solve. */
  readonly assemblySeconds: number;
  readonly setupSeconds: number;
  readonly solveSeconds: number;
  readonly solverBytes: number;
  readonly webAssembly: boolean;
  /** Threads the solve ran on (the slab team's members). */
  readonly threads: number;
}

const now = (): number => Number(process.hrtime.bigint()) * 1e-9;

/** Codes of a network with L conducting labels: a power of two (label-stencil.ts) above the cell and electrode codes. */
export function leanCodes(conductingLabels: number, voxelLayers: boolean): number {
  const used = voxelLayers ? 2 * conductingLabels + 1 : conductingLabels + 2;
  return 2 ** Math.ceil(Math.log2(used));
}

/**
 * Label -> code tables of a resolved network (file header). Tables are symmetric: the bond
 * between phases a < b (by code) is bondConductance(s_a, s_b), entered both ways.
 */
function leanTables(r: ResolvedNetwork): { codeOf: Uint8Array; electrodeCode: Uint8Array; codes: number; cells: number; gx: Float64Array; gy: Float64Array; gz: Float64Array } {
  const conducting = r.labels.filter((l) => r.sigma[l]! > 0);
  const L = conducting.length;
  const codes = leanCodes(L, r.layers);
  const codeOf = new Uint8Array(256), electrodeCode = new Uint8Array(256);
  conducting.forEach((l, k) => {
    codeOf[l] = k + 1;
    electrodeCode[l] = r.layers ? L + k + 1 : L + 1;
  });
  const g = [new Float64Array(codes * codes), new Float64Array(codes * codes), new Float64Array(codes * codes)];
  const both = (d: number, a: number, b: number, v: number): void => {
    g[d]![a * codes + b] = v;
    g[d]![b * codes + a] = v;
  };
  conducting.forEach((a, ka) => {
    const ca = codeOf[a]!, sa = r.sigma[a]!;
    conducting.forEach((b, kb) => {
      if (kb < ka) return;
      const cb = codeOf[b]!, sb = r.sigma[b]!;
      for (let d = 0; d < 3; d++) both(d, ca, cb, bondConductance(sa, sb, r.bondLengthCm[d]!, r.faceAreaCm2[d]!, false, 0));
    });
    // electrode pads: the bond to an electrode voxel of phase b (voxel layers) or to the plane
    if (r.layers) for (const b of conducting) both(0, ca, electrodeCode[b]!, bondConductance(sa, r.sigma[b]!, r.bondLengthCm[0], r.faceAreaCm2[0], false, 0));
    else both(0, ca, L + 1, planeConductance(sa, r.bondLengthCm[0], r.faceAreaCm2[0], r.intR));
  });
  return { codeOf, electrodeCode, codes, cells: L, gx: g[0]!, gy: g[1]!, gz: g[2]! };
}

/** Arena bytes of a lean solve of a box nb x ny x nz with K codes. */
export function leanArenaBytes(nb: number, ny: number, nz: number, codes: number, multigrid: MultigridOptions, redBlackMinCells = RED_BLACK_MIN_CELLS): number {
  const len = labelLength(nb, ny, nz);
  // codes and tables, the stored levels, three float32 vectors (createArena adds the gaps between arrays)
  return labelStencilArenaBytes(nb, ny, nz, codes) + LeanMultigrid.arenaBytes(nb, ny, nz, multigrid, redBlackMinCells) + 3 * 4 * len;
}

/**
 * The double solution of a lean solve of a box nb x ny x nz on `threads` threads (shared when
 * more than one), allocated by the caller before the topology so that the topology's
 * cluster labels can borrow it (solve.ts): the labels are dead before the solve writes it.
 */
export function leanSolution(nb: number, ny: number, nz: number, threads: number): Float64Array {
  const len = labelLength(nb, ny, nz);
  return threads > 1 ? new Float64Array(new SharedArrayBuffer(8 * len)) : new Float64Array(len);
}

/** Solve the DC network of `grid` on the lean path (leanObstacle must be undefined). */
export function solveLean(
  grid: VoxelGrid, r: ResolvedNetwork, topo: NetworkTopology,
  options: {
    readonly multigrid: MultigridOptions; readonly webAssembly: boolean; readonly currentDensity: boolean;
    /** Threads (default automatic, leanThreads). */
    readonly threads?: number;
    /** Stored levels with at least this many cells are smoothed red-black (default RED_BLACK_MIN_CELLS; tests set small ones). */
    readonly redBlackMinCells?: number;
    /** The double solution from leanSolution (same box and threads; any content, zeroed here); default a new one. */
    readonly solution?: Float64Array;
  },
): LeanSolve {
  const t0 = now();
  const [nx, ny, nz] = grid.shape;
  const [nb] = topo.box;
  const phase = grid.phase, carrying = topo.carrying;
  const V = r.voltage;
  const tables = leanTables(r);
  const K = tables.codes;
  const threads = leanThreads(nb * ny * nz, options.threads);
  const rbMin = options.redBlackMinCells ?? RED_BLACK_MIN_CELLS;
  const arena = createArena(leanArenaBytes(nb, ny, nz, K, options.multigrid, rbMin), { wasm: options.webAssembly, shared: threads > 1 });
  const F = createLabelStencil(nb, ny, nz, tables, K, tables.cells, arena);
  const code = F.code;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const c0 = nb * (y + ny * z), v0 = topo.x0 + nx * (y + ny * z), i0 = labelIndex(F, 0, y, z);
      for (let bx = 0; bx < nb; bx++) if (carrying[c0 + bx] === 1) code[i0 + bx] = tables.codeOf[phase[v0 + bx]!]!;
      code[i0 - 1] = r.layers ? tables.electrodeCode[phase[v0 - 1]!]! : tables.cells + 1;
      code[i0 + nb] = r.layers ? tables.electrodeCode[phase[v0 + nb]!]! : tables.cells + 1;
    }
  }
  const tA = now();
  const mg = new LeanMultigrid(F, options.multigrid, arena, rbMin);
  const len = F.length;
  const rv = arena.alloc32(len), pv = arena.alloc32(len), qv = arena.alloc32(len);
  // the double solution, with the electrode potentials in the low pads; it becomes the potential field
  // (outside the arena, so the arena can go once the field is made; shared when threads use it)
  const given = options.solution;
  if (given !== undefined && (given.length !== len || (threads > 1 && !(given.buffer instanceof SharedArrayBuffer)))) {
    throw new Error(`lean solve: a lent solution of ${given.length} doubles${given.buffer instanceof SharedArrayBuffer ? "" : " (not shared)"}; needs ${len}${threads > 1 ? ", shared" : ""}`);
  }
  const x = given === undefined ? leanSolution(nb, ny, nz, threads) : given.fill(0);
  let bb = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const i0 = labelIndex(F, 0, y, z);
      x[i0 - 1] = V;
      if (F.weight[code[i0]!] === 1) bb += (F.gx[code[i0 - 1]! * K + code[i0]!]! * V) ** 2;
    }
  }
  const [R, P, Q, X] = [rv, pv, qv, x].map((v) => mg.register(v)) as [number, number, number, number];
  const memory = arena.memory;
  const team = new SlabTeam(
    mg.views(), threads,
    arena.kernels !== undefined ? slabWasm(arena.kernels.memory, F) : undefined,
    threads > 1 && memory !== undefined ? { memory, arena: memory instanceof SharedArrayBuffer ? memory : memory.buffer, xBuffer: x.buffer as SharedArrayBuffer } : undefined,
  );
  mg.attach(team);
  const t1 = now();
  let cg;
  try {
    cg = mixedPrecisionCG(
      {
        length: len,
        apply32: (p, q) => mg.run(SlabOp.apply, 0, 0, mg.id(p), mg.id(q)),
        residual: () => mg.run(SlabOp.residual, 0, 0, X, R),
        absNorm: (xx) => labelAbsNorm(F, xx),
      },
      mg,
      x,
      Math.sqrt(bb),
      {
        r: rv, p: pv, q: qv,
        ops: {
          step: (_x, _r, _p, _q, alpha) => mg.run(SlabOp.step, 0, 0, X, R, P, Q, alpha),
          xpby: (zz, pp, beta) => mg.run(SlabOp.xpby, 0, 0, mg.id(zz), mg.id(pp), 0, 0, beta),
        },
      },
      { tolerance: r.tolerance, maxIterations: r.maxIterations, name: `network mixed-precision CG + aggregation multigrid (${mg.cycle}-cycle, matrix-free fine level, red-black Gauss-Seidel on ${team.threads} thread${team.threads > 1 ? "s" : ""})` },
    );
  } finally {
    team.close();
  }
  const t2 = now();
  const solverBytes = arena.usedBytes() + x.byteLength + carrying.byteLength;
  let inA = 0, outA = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const i0 = labelIndex(F, 0, y, z), i1 = i0 + nb - 1;
      inA += F.gx[code[i0 - 1]! * K + code[i0]!]! * (V - x[i0]!);
      outA += F.gx[code[i1]! * K + code[i1 + 1]!]! * x[i1]!;
    }
  }
  const conductanceS = labelPower(F, x) / (V * V);
  const currentDensityACm2 = options.currentDensity ? leanCurrentDensity(F, x, grid.shape, topo.x0, r.faceAreaCm2) : undefined;
  const potentialV = leanPotentialInPlace(F, x, grid, topo.x0, (l) => r.sigma[l]! > 0, V);
  return {
    conductanceS, inA, outA, potentialV, ...(currentDensityACm2 !== undefined ? { currentDensityACm2 } : {}),
    iterations: cg.iterations, restarts: cg.restarts, relativeResidual: cg.relativeResidual, levels: mg.depth,
    assemblySeconds: tA - t0, setupSeconds: t1 - tA, solveSeconds: t2 - t1, solverBytes, webAssembly: arena.kernels !== undefined, threads: team.threads,
  };
}

/**
 * |J| at each voxel centre, A/cm^2 (fields.ts, currentDensityField, on the lean layout):
 * along each axis the mean of the currents through the voxel's two faces over the face
 * area; the pads carry the electrode currents, and an electrode-layer voxel (voxel-layer
 * electrodes) the current of its one bond along x.
 */
function leanCurrentDensity(F: LabelStencil, x: Float64Array, shape: readonly [number, number, number], x0: number, faceAreaCm2: readonly [number, number, number]): Float32Array {
  const [nx, ny, nz] = shape;
  const { code, gx, gy, gz, sy, sz, weight } = F;
  const K = F.codes, nb = F.nx;
  const out = new Float32Array(nx * ny * nz);
  const cubic = faceAreaCm2[0] === faceAreaCm2[1] && faceAreaCm2[1] === faceAreaCm2[2];
  const half = 0.5 / faceAreaCm2[0];
  const hx = 0.5 / faceAreaCm2[0], hy = 0.5 / faceAreaCm2[1], hz = 0.5 / faceAreaCm2[2];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const k = y + ny * z, v0 = nx * k + x0, i0 = labelIndex(F, 0, y, z);
      for (let bx = 0; bx < nb; bx++) {
        const i = i0 + bx, c = code[i]!;
        if (weight[c] === 0) continue;
        const f = x[i]!, row = c * K;
        const jx = gx[code[i - 1]! * K + c]! * (x[i - 1]! - f) + gx[row + code[i + 1]!]! * (f - x[i + 1]!);
        const jy = gy[code[i - sy]! * K + c]! * (x[i - sy]! - f) + gy[row + code[i + sy]!]! * (f - x[i + sy]!);
        const jz = gz[code[i - sz]! * K + c]! * (x[i - sz]! - f) + gz[row + code[i + sz]!]! * (f - x[i + sz]!);
        out[v0 + bx] = cubic ? half * Math.sqrt(jx * jx + jy * jy + jz * jz) : Math.hypot(hx * jx, hy * jy, hz * jz);
      }
      if (x0 === 1) {
        const i1 = i0 + nb - 1;
        out[nx * k] = Math.abs(gx[code[i0 - 1]! * K + code[i0]!]! * (x[i0 - 1]! - x[i0]!)) * 2 * hx;
        out[nx * k + nx - 1] = Math.abs(gx[code[i1]! * K + code[i1 + 1]!]! * x[i1]!) * 2 * hx;
      }
    }
  }
  return out;
}

/**
 * The potential field of fields.ts (potentialField) written over the solution vector: the
 * solution on current-carrying voxels, the electrode potential on conducting voxels of the
 * electrode layers, NaN elsewhere. Every voxel's index in the grid is at most its cell's
 * index in the lean layout, so one ascending pass moves the values without overwriting any
 * not yet read. Returns a view of the first nx ny nz entries.
 */
function leanPotentialInPlace(F: LabelStencil, x: Float64Array, grid: VoxelGrid, x0: number, conducts: (label: number) => boolean, V: number): Float64Array {
  const [nx, ny, nz] = grid.shape;
  const { code, weight } = F;
  const nb = F.nx, phase = grid.phase;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const v0 = nx * (y + ny * z), i0 = labelIndex(F, 0, y, z);
      if (x0 === 1) x[v0] = conducts(phase[v0]!) ? V : NaN;
      for (let bx = 0; bx < nb; bx++) {
        const i = i0 + bx;
        x[v0 + x0 + bx] = weight[code[i]!] === 1 ? x[i]! : NaN;
      }
      if (x0 === 1) x[v0 + nx - 1] = conducts(phase[v0 + nx - 1]!) ? 0 : NaN;
    }
  }
  return x.subarray(0, nx * ny * nz);
}
