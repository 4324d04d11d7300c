/**
 * solveNetwork: the DC resistor network of a voxel grid (conventions in options.ts).
 * Pipeline: check options -> current-carrying clusters -> conductances into a 7-point
 * stencil -> PCG with an aggregation-multigrid K-cycle -> electrode currents ->
 * effective conductivity, tortuosity factor, percolation, fields.
 */
import { InputError } from "../../core/errors.js";
import { arenaVectorOps, createArena } from "../../linalg/arena.js";
import { conjugateGradient } from "../../linalg/cg.js";
import { AggregationMultigrid } from "../../linalg/multigrid.js";
import { stencilArenaBytes, stencilLength, stencilOperator, updateDiagonal } from "../../linalg/stencil.js";
import { connectedComponents, spanningMask } from "../../structure/voxel/components.js";
import type { Shape3, VoxelGrid } from "../../structure/voxel/grid.js";
import { assembleConductance, dcRightHandSide } from "./assemble.js";
import { LEAN_MIN_CELLS, leanObstacle, leanSolution, leanThreads, solveLean } from "./lean.js";
import { currentDensityField, electrodeCurrents, potentialField } from "./fields.js";
import { resolveNetwork, type NetworkOptions, type ResolvedNetwork } from "./options.js";
import { assembleWrapBonds, boxSelf, groundWrapCells, periodicOperator, wrapFaceCurrents } from "./periodic.js";
import { networkTopology } from "./topology.js";

export interface PhaseSummary {
  readonly label: number;
  readonly name: string;
  readonly conductivitySPerCm: number;
  readonly volumeFraction: number;
  /**
   * Fraction of this phase's voxels in clusters of this phase alone (face-connected, across
   * the side faces too when they are periodic) that touch both x faces of the grid (absent
   * when phaseConnectivity is off).
   */
  readonly spanningFraction?: number;
  /** Whether this phase alone spans from x = 0 to x = nx-1 (absent when phaseConnectivity is off). */
  readonly percolates?: boolean;
}

export interface NetworkStats {
  /** Unknowns in the reduced system (current-carrying voxels). */
  readonly unknowns: number;
  readonly multigridLevels: number;
  readonly assemblySeconds: number;
  readonly setupSeconds: number;
  readonly solveSeconds: number;
  /** Bytes of the typed arrays alive at the peak of the solve (operator, multigrid, Krylov vectors, masks). */
  readonly solverBytes: number;
  /** Whether the kernels ran as WebAssembly. */
  readonly webAssembly: boolean;
  /** "lean" (matrix-free fine level, float32 inner iterations; lean.ts) or "stored" (stencil of doubles). */
  readonly solverPath: "lean" | "stored";
  /** Outer steps of the lean path's iterative refinement (true residuals recomputed; 1 on the stored path). */
  readonly outerSteps: number;
  /** Threads the solve ran on (the lean path's slab team; 1 on the stored path). */
  readonly threads: number;
}

export interface NetworkResult {
  readonly shape: Shape3;
  /** sigma_eff = I L / (V A), S/cm; 0 when no cluster spans the electrodes. */
  readonly conductivitySPerCm: number;
  /** V / I, ohm (Infinity when no current flows). */
  readonly resistanceOhm: number;
  readonly currentInA: number;
  readonly currentOutA: number;
  /** |I_in - I_out| / |I_in| (Kirchhoff check; 0 without current). */
  readonly currentBalance: number;
  /** Tortuosity factor f_p sigma_p / sigma_eff (TauFactor definition; Infinity when sigma_eff = 0). */
  readonly tortuosityFactor: number;
  readonly tortuosityPhaseLabel: number;
  /** A conducting cluster connects the two electrodes. */
  readonly percolates: boolean;
  /** Fraction of all voxels that carry current. */
  readonly currentCarryingFraction: number;
  readonly phases: readonly PhaseSummary[];
  readonly solverIterations: number;
  /** True ||b - A x|| / ||b|| of the reduced system (0 when there is nothing to solve). */
  readonly relativeResidual: number;
  readonly lengthCm: number;
  readonly areaCm2: number;
  readonly appliedVoltageV: number;
  /** Per-voxel potential, V; NaN outside current-carrying clusters. */
  readonly potentialV: Float64Array;
  /** Per-voxel |J|, A/cm^2, at the applied voltage (absent when options.currentDensity is false). */
  readonly currentDensityACm2?: Float32Array;
  readonly stats: NetworkStats;
}

/**
 * Volume fraction and spanning fraction of each phase present. `scratch` (at least as long
 * as the grid, overwritten), when lent: memory for the cluster labels.
 */
export function phaseSummaries(grid: VoxelGrid, r: ResolvedNetwork, connectivity: boolean, scratch?: Int32Array): PhaseSummary[] {
  const n = grid.phase.length;
  return r.labels.map((label) => {
    const summary = { label, name: r.names[label]!, conductivitySPerCm: r.sigma[label]!, volumeFraction: r.counts[label]! / n };
    if (!connectivity) return summary;
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] = grid.phase[i] === label ? 1 : 0;
    const span = spanningMask(grid.shape, connectedComponents(grid.shape, mask, [false, r.periodic, r.periodic], scratch), 0);
    let k = 0;
    for (let i = 0; i < n; i++) k += span[i]!;
    return { ...summary, spanningFraction: k / r.counts[label]!, percolates: k > 0 };
  });
}

/** Label used for the tortuosity factor: the given one, else the most conductive phase present. */
export function tortuosityLabel(r: ResolvedNetwork, requested: number | undefined): number {
  if (requested !== undefined) {
    if (!r.labels.includes(requested)) throw new InputError(`tortuosityPhaseLabel ${requested}: no voxel carries it; labels present: ${r.labels.join(", ")}`);
    return requested;
  }
  let best = r.labels[0]!;
  for (const l of r.labels) if (r.sigma[l]! > r.sigma[best]!) best = l;
  return best;
}

const now = (): number => Number(process.hrtime.bigint()) * 1e-9;

/** Solve the DC network of `grid` (see options.ts for the conventions). */
export function solveNetwork(grid: VoxelGrid, options: NetworkOptions): NetworkResult {
  const r = resolveNetwork(grid, options);
  const [nx, ny, nz] = grid.shape;
  const [hx, hy, hz] = r.edgesCm;
  const lengthCm = (r.layers ? nx - 1 : nx) * hx;
  const areaCm2 = ny * nz * hy * hz;
  const tauLabel = tortuosityLabel(r, options.tortuosityPhaseLabel);
  // the path, from the shape and the options alone
  const nb = r.layers ? nx - 2 : nx;
  const mgOptions = options.multigrid ?? {};
  const path = options.solverPath ?? "auto";
  if (path !== "auto" && path !== "lean" && path !== "stored") throw new InputError(`solverPath: got ${JSON.stringify(path)}; valid: auto, lean, stored`);
  const obstacle = nb * ny * nz < 2 ? "a box of one voxel" : leanObstacle(r, mgOptions);
  const onLean = obstacle === undefined && (path === "lean" || (path === "auto" && nb * ny * nz >= LEAN_MIN_CELLS));
  // the lean solve's double solution, made first: the topology's cluster labels (4 B a cell)
  // borrow it, so they are not a dead array still resident through the solve (at 512^3 on
  // 2 threads they were: 0.5 GB above the estimate until this)
  const threads = onLean ? leanThreads(nb * ny * nz, options.threads) : 1;
  const solution = onLean ? leanSolution(nb, ny, nz, threads) : undefined;
  const scratch = (cells: number): Int32Array | undefined => (solution === undefined ? undefined : new Int32Array(solution.buffer, solution.byteOffset, cells));
  const phases = phaseSummaries(grid, r, options.phaseConnectivity ?? true, scratch(nx * ny * nz));
  const t0 = now();
  const conducts = new Uint8Array(256);
  for (let l = 0; l < 256; l++) conducts[l] = r.sigma[l]! > 0 ? 1 : 0;
  const topo = networkTopology(grid, conducts, r.layers, Number.isFinite(r.intR), r.periodic, scratch(nb * ny * nz));
  const layerConducts = (v: number): boolean => conducts[grid.phase[v]!] === 1;
  const base = {
    shape: grid.shape,
    tortuosityPhaseLabel: tauLabel,
    phases,
    lengthCm,
    areaCm2,
    appliedVoltageV: r.voltage,
    currentCarryingFraction: topo.carryingCount / grid.phase.length,
  };
  if (topo.carryingCount === 0) {
    return {
      ...base,
      conductivitySPerCm: 0,
      resistanceOhm: Infinity,
      currentInA: 0,
      currentOutA: 0,
      currentBalance: 0,
      tortuosityFactor: Infinity,
      percolates: false,
      solverIterations: 0,
      relativeResidual: 0,
      potentialV: potentialField(grid.shape, topo, undefined, undefined, layerConducts, r.voltage),
      ...(options.currentDensity ?? true ? { currentDensityACm2: new Float32Array(grid.phase.length) } : {}),
      stats: { unknowns: 0, multigridLevels: 0, assemblySeconds: now() - t0, setupSeconds: 0, solveSeconds: 0, solverBytes: topo.carrying.byteLength, webAssembly: false, solverPath: "stored", outerSteps: 0, threads: 1 },
    };
  }
  if (path === "lean" && obstacle !== undefined) throw new InputError(`solverPath "lean": not available with ${obstacle}; use "auto" or "stored"`);
  if (solution !== undefined) {
    const lean = solveLean(grid, r, topo, {
      multigrid: mgOptions, webAssembly: options.webAssembly ?? true, currentDensity: options.currentDensity ?? true,
      threads, solution,
    });
    // sigma from the dissipated power (lean.ts: second order in the error, like CG's current)
    const sigmaEff = (lean.conductanceS * lengthCm) / areaCm2;
    const tauCount = r.counts[tauLabel]! / grid.phase.length;
    return {
      ...base,
      conductivitySPerCm: sigmaEff,
      resistanceOhm: 1 / lean.conductanceS,
      currentInA: lean.inA,
      currentOutA: lean.outA,
      currentBalance: Math.abs(lean.inA - lean.outA) / Math.abs(lean.inA),
      tortuosityFactor: sigmaEff > 0 ? (tauCount * r.sigma[tauLabel]!) / sigmaEff : Infinity,
      percolates: true,
      solverIterations: lean.iterations,
      relativeResidual: lean.relativeResidual,
      potentialV: lean.potentialV,
      ...(lean.currentDensityACm2 !== undefined ? { currentDensityACm2: lean.currentDensityACm2 } : {}),
      stats: {
        unknowns: topo.carryingCount,
        multigridLevels: lean.levels,
        assemblySeconds: lean.assemblySeconds,
        setupSeconds: lean.setupSeconds,
        solveSeconds: lean.solveSeconds,
        solverBytes: lean.solverBytes,
        webAssembly: lean.webAssembly,
        solverPath: "lean",
        outerSteps: lean.restarts,
        threads: lean.threads,
      },
    };
  }
  // one arena for the operator, the hierarchy and the 6 Krylov vectors (b, x, r, z, p, q);
  // periodic sides add a ground on every level and the operator's own diagonal excess
  const periodic = r.periodic;
  const arena = createArena(
    stencilArenaBytes(nb, ny, nz, periodic) + AggregationMultigrid.arenaBytes(nb, ny, nz, mgOptions, periodic) + 8 * (periodic ? 7 : 6) * stencilLength(nb, ny, nz),
    { wasm: options.webAssembly ?? true },
  );
  const A = assembleConductance(grid, r, topo, arena, periodic);
  const wrap = periodic ? assembleWrapBonds(grid, r, topo) : undefined;
  let operator = stencilOperator(A);
  if (wrap !== undefined) {
    // A becomes the preconditioner's M = A_box + D_W; the operator keeps A_box's own excess
    const selfA = arena.alloc(A.length);
    boxSelf(A, wrap, selfA);
    groundWrapCells(A, wrap);
    updateDiagonal(A);
    operator = periodicOperator(A, wrap, selfA);
  }
  const b = dcRightHandSide(A, r.voltage, arena);
  const t1 = now();
  const mg = new AggregationMultigrid(A, mgOptions, arena);
  const t2 = now();
  const phi = arena.alloc(A.length);
  const cg = conjugateGradient(operator, b, phi, mg, {
    tolerance: r.tolerance,
    maxIterations: r.maxIterations,
    name: `network CG + aggregation multigrid (${mg.cycle}-cycle${periodic ? ", periodic sides" : ""})`,
    vectors: arenaVectorOps(arena),
  });
  const t3 = now();
  const solverBytes = arena.usedBytes() + topo.carrying.byteLength;
  const { inA, outA } = electrodeCurrents(A, phi, r.voltage);
  const sigmaEff = (inA * lengthCm) / (r.voltage * areaCm2);
  const tauCount = r.counts[tauLabel]! / grid.phase.length;
  return {
    ...base,
    conductivitySPerCm: sigmaEff,
    resistanceOhm: r.voltage / inA,
    currentInA: inA,
    currentOutA: outA,
    currentBalance: Math.abs(inA - outA) / Math.abs(inA),
    tortuosityFactor: sigmaEff > 0 ? (tauCount * r.sigma[tauLabel]!) / sigmaEff : Infinity,
    percolates: true,
    solverIterations: cg.iterations,
    relativeResidual: cg.relativeResidual,
    potentialV: potentialField(grid.shape, topo, A, phi, layerConducts, r.voltage),
    ...(options.currentDensity ?? true ? { currentDensityACm2: currentDensityField(grid.shape, topo, A, phi, r.voltage, r.faceAreaCm2, wrap === undefined ? undefined : wrapFaceCurrents(A, wrap, phi)) } : {}),
    stats: {
      unknowns: topo.carryingCount,
      multigridLevels: mg.depth,
      assemblySeconds: t1 - t0,
      setupSeconds: t2 - t1,
      solveSeconds: t3 - t2,
      solverBytes,
      webAssembly: arena.kernels !== undefined,
      solverPath: "stored",
      outerSteps: 1,
      threads: 1,
    },
  };
}
