/**
 * Peak memory of a DC network solve, from the shape and the path it will take: the sum of
 * the arrays alive at the solve's peak, the same figures the solver allocates (its arena
 * sizes come from the same functions). Resident memory only: a grid's grain array that is
 * never written (random, raw and image grids) stays on the zero page and costs nothing.
 *
 * Lean path (lean.ts), per voxel of the box: codes 1 B, three float32 vectors 12 B, the
 * double solution 8 B (the potential field is written over it), the stored coarse levels
 * of a W-cycle about 9 B; stored path (solve.ts): the stencil 40 B, six double Krylov
 * vectors 48 B, the coarse levels about 10 B, and the potential field 8 B. Both: the phase
 * bytes (1 B) and the carrying mask (1 B), the grain ids (4 B) when a generator wrote them,
 * and the current-density field (4 B) when asked for; a lean solve on several threads adds
 * WORKER_THREAD_BYTES a worker thread. AC path (impedance.ts): the complex
 * admittance stencil 72 B, the real preconditioner's stencil 40 B and hierarchy about 10 B,
 * twelve double vectors 96 B, for each solver alive at once. Checked against the peak RSS of a
 * solve in a child process at 64^3 and 128^3 (test/unit/network-memory.test.ts).
 */
import { f64Bytes } from "../../linalg/arena.js";
import { complexStencilArenaBytes } from "../../linalg/complex-stencil.js";
import { AggregationMultigrid, type MultigridOptions } from "../../linalg/multigrid.js";
import { stencilArenaBytes, stencilLength } from "../../linalg/stencil.js";
import { labelLength } from "../../linalg/label-stencil.js";
import { leanArenaBytes, leanCodes, leanThreads } from "./lean.js";

/**
 * Resident memory of a Node process running a solve, apart from the solve's arrays: about
 * 47 MB with the library loaded, plus about 8 MB of heap and compiled code the solve adds
 * (measured: peak RSS minus networkMemoryBytes was 8-9 MiB above 47 MB at 64^3 and 128^3).
 */
export const PROCESS_BYTES = 56 * 2 ** 20;

export interface NetworkMemoryOptions {
  /** "lean" (matrix-free fine level), "stored" (stencil of doubles) or "ac" (impedance.ts: complex stencil, real preconditioner, 12 vectors). */
  readonly path: "lean" | "stored" | "ac";
  /** Voxel-layer electrodes (the unknown box is nx - 2 long). */
  readonly voxelLayers?: boolean;
  readonly periodic?: boolean;
  /** The current-density field is computed (4 B a voxel). */
  readonly currentDensity?: boolean;
  readonly multigrid?: MultigridOptions;
  /** The grid's grain ids were written (design generators), so they are resident. */
  readonly grains?: boolean;
  /** Conducting labels (sizes the lean tables; default 2). */
  readonly conductingLabels?: number;
  /** Further copies of the phase bytes alive during the solve (a grid turned to another axis: 1). */
  readonly gridCopies?: number;
  /** Threads of a lean solve (default: lean.ts's automatic choice for this box on the calling thread); each worker thread adds WORKER_THREAD_BYTES. */
  readonly threads?: number;
  /**
   * AC solvers alive at once (default 1): the cell's reduced spectra keep three (the bulk and
   * both electrodes' networks, pipeline/electrochem.ts) down the frequencies.
   */
  readonly acSolvers?: number;
}

/**
 * Resident memory a worker thread of the lean solve's slab team adds (its Node isolate and
 * its compiled kernels; measured: 16 MiB, peak RSS on 2 threads minus on 1 at 64^3 and 128^3).
 */
export const WORKER_THREAD_BYTES = 16 * 2 ** 20;

/** Bytes a DC solve of a grid of `shape` holds at its peak (file header; no process overhead). */
export function networkMemoryBytes(shape: readonly [number, number, number], o: NetworkMemoryOptions): number {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  const layers = o.voxelLayers ?? false;
  const nb = Math.max(1, layers ? nx - 2 : nx);
  const box = nb * ny * nz;
  const mg = o.multigrid ?? {};
  let bytes = n * (1 + (o.gridCopies ?? 0)) + box + (o.grains ? 4 * n : 0) + (o.currentDensity ? 4 * n : 0);
  if (o.path === "lean") {
    const L = o.conductingLabels ?? 2;
    bytes += leanArenaBytes(nb, ny, nz, leanCodes(L, layers), mg) + f64Bytes(labelLength(nb, ny, nz));
    bytes += (leanThreads(box, o.threads) - 1) * WORKER_THREAD_BYTES;
  } else if (o.path === "ac") {
    bytes += (o.acSolvers ?? 1) * (complexStencilArenaBytes(nb, ny, nz) + stencilArenaBytes(nb, ny, nz) + AggregationMultigrid.arenaBytes(nb, ny, nz, mg) + f64Bytes(stencilLength(nb, ny, nz), 12));
  } else {
    const periodic = o.periodic ?? false;
    bytes += stencilArenaBytes(nb, ny, nz, periodic) + AggregationMultigrid.arenaBytes(nb, ny, nz, mg, periodic) + f64Bytes(stencilLength(nb, ny, nz), periodic ? 7 : 6) + f64Bytes(n);
  }
  return bytes;
}
