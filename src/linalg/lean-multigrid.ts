/**
 * The aggregation multigrid of multigrid.ts with a matrix-free fine level, run in slabs of
 * z-planes on a team of threads (slab-team.ts). The fine operator is a label stencil
 * (label-stencil.ts, one byte a cell) smoothed on float32 vectors; the levels below are
 * stored stencils of doubles built from its Galerkin operator (1/8 of the cells each).
 *
 * Levels 0 (fine) .. m: red-black Gauss-Seidel (red-black.ts), one forward sweep from zero
 * (red, then black), the restricted red residual, the coarse correction, the prolongation,
 * one backward sweep (black, then red): symmetric and linear, so it serves plain PCG, and
 * the same numbers on any number of threads. The stored levels with at least
 * RED_BLACK_MIN_CELLS cells are levels 1 .. m; the first smaller level and those below are
 * an AggregationMultigrid (lexicographic Gauss-Seidel, on the calling thread: at 256^3 it
 * is the 32^3 level and below, about 2 % of a cycle's work). A coarse level k >= 1 is
 * solved by the W-cycle's two cycles, x = B b, then x += B (b - A x) with the residual
 * written over b (each entry reads only its own b), or one cycle (V).
 *
 * Every array of a solve (fine vectors, the double solution, coarse levels) is handed to
 * the team as a vector id, so the workers address the same memory.
 */
import { InputError } from "../core/errors.js";
import type { Float64Arena } from "./arena.js";
import { labelGalerkin, type LabelStencil } from "./label-stencil.js";
import { AggregationMultigrid, galerkinCoarsen, type MultigridOptions } from "./multigrid.js";
import { SlabOp, type SlabTask, type SlabViews, type SlabWasm } from "./slab-program.js";
import { SlabTeam } from "./slab-team.js";
import { createStencil, stencilArenaBytes, stencilLength, stencilResidual, type Stencil7 } from "./stencil.js";
import { WasmKernels, type WasmMemory } from "./wasm/kernels.js";

/** Stored levels with at least this many cells are smoothed red-black in slabs; the first smaller one heads the serial hierarchy. */
export const RED_BLACK_MIN_CELLS = 131_072;

/** Aggregate shift of a box (a side of 1 is not coarsened) and the coarse box. */
function coarsen(s: readonly [number, number, number]): { shift: [number, number, number]; shape: [number, number, number] } {
  const shift: [number, number, number] = [s[0] > 1 ? 1 : 0, s[1] > 1 ? 1 : 0, s[2] > 1 ? 1 : 0];
  return { shift, shape: [(s[0] + shift[0]) >> shift[0], (s[1] + shift[1]) >> shift[1], (s[2] + shift[2]) >> shift[2]] };
}

/** Shapes of the stored levels this class keeps (1 .. m + 1; the last heads the serial hierarchy). */
function storedShapes(nx: number, ny: number, nz: number, redBlackMinCells: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  let s: [number, number, number] = [nx, ny, nz];
  for (;;) {
    s = coarsen(s).shape;
    out.push(s);
    if (s[0] * s[1] * s[2] < redBlackMinCells || (s[0] === 1 && s[1] === 1 && s[2] === 1)) return out;
  }
}

/** The WebAssembly kernels of a thread for a fine label stencil on `memory`. */
export function slabWasm(memory: WasmMemory, fine: LabelStencil): SlabWasm {
  const stored = new WasmKernels(memory);
  const label = stored.labelKernels({
    nx: fine.nx, ny: fine.ny, nz: fine.nz, sy: fine.sy, sz: fine.sz, start: fine.start, end: fine.end, shift: Math.log2(fine.codes),
    code: fine.code.byteOffset, gx: fine.gx.byteOffset, gy: fine.gy.byteOffset, gz: fine.gz.byteOffset, weight: fine.weight.byteOffset, guard: fine.guard.byteOffset,
  });
  return { stored, label };
}

interface StoredLevel {
  readonly A: Stencil7;
  readonly b: Float64Array;
  readonly x: Float64Array;
  /** Second cycle's solution (W); empty for V. */
  readonly w: Float64Array;
  /** Vector ids of b, x, w. */
  readonly ids: readonly [number, number, number];
}

export class LeanMultigrid {
  readonly linear = true;
  readonly cycle: "V" | "W";
  readonly length: number;
  /** Stored levels 1 .. m + 1 (levels[m] heads `serial`). */
  private readonly levels: StoredLevel[] = [];
  private readonly shifts: [number, number, number][] = [];
  private readonly serial: AggregationMultigrid;
  private readonly scale: number;
  private readonly vectors: (Float32Array | Float64Array)[] = [];
  private readonly ids = new Map<Float32Array | Float64Array, number>();
  private team: SlabTeam | undefined;
  private readonly task: SlabTask = { op: 0, level: 0, colour: 0, v0: 0, v1: 0, v2: 0, v3: 0, scalar: 0 };

  /** Whether the options describe a cycle this class runs (V or W, one sweep each way). */
  static supports(options: MultigridOptions): boolean {
    return (options.cycle ?? "W") !== "K" && (options.preSweeps ?? 1) === 1 && (options.postSweeps ?? 1) === 1;
  }

  /** Arena bytes of the stored levels and their vectors under a fine box. */
  static arenaBytes(nx: number, ny: number, nz: number, options: MultigridOptions = {}, redBlackMinCells = RED_BLACK_MIN_CELLS): number {
    const shapes = storedShapes(nx, ny, nz, redBlackMinCells);
    const vectors = (options.cycle ?? "W") === "V" ? 2 : 3;
    let total = 0;
    for (const [a, b, c] of shapes) total += stencilArenaBytes(a, b, c) + 8 * vectors * stencilLength(a, b, c);
    const [a, b, c] = shapes[shapes.length - 1]!;
    return total + AggregationMultigrid.arenaBytes(a, b, c, options);
  }

  /** `redBlackMinCells` (default RED_BLACK_MIN_CELLS) sets which stored levels are red-black (tests use small ones). */
  constructor(private readonly fine: LabelStencil, options: MultigridOptions = {}, arena?: Float64Arena, redBlackMinCells = RED_BLACK_MIN_CELLS) {
    if (!LeanMultigrid.supports(options)) throw new InputError(`lean multigrid: cycle ${options.cycle ?? "W"} with ${options.preSweeps ?? 1} + ${options.postSweeps ?? 1} sweeps; supports V or W with 1 + 1`);
    if (fine.n <= 1) throw new InputError("lean multigrid: a fine box of one cell has no coarse level");
    this.cycle = (options.cycle ?? "W") as "V" | "W";
    this.scale = options.correctionScale ?? 1;
    this.length = fine.length;
    const vec = (k: number): Float64Array => (arena === undefined ? new Float64Array(k) : arena.alloc(k));
    let prev: [number, number, number] = [fine.nx, fine.ny, fine.nz];
    for (const shape of storedShapes(fine.nx, fine.ny, fine.nz, redBlackMinCells)) {
      this.shifts.push(coarsen(prev).shift);
      const A = createStencil(shape[0], shape[1], shape[2], arena);
      const b = vec(A.length), x = vec(A.length), w = this.cycle === "W" ? vec(A.length) : new Float64Array(0);
      this.levels.push({ A, b, x, w, ids: [this.register(b), this.register(x), this.register(w)] });
      prev = shape;
    }
    labelGalerkin(fine, this.shifts[0]!, this.levels[0]!.A);
    for (let k = 1; k < this.levels.length; k++) galerkinCoarsen(this.levels[k - 1]!.A, this.shifts[k]!, this.levels[k]!.A);
    this.serial = new AggregationMultigrid(this.levels[this.levels.length - 1]!.A, options, arena);
  }

  /** Register a vector the team may be handed (fine vectors of the Krylov solver, the double solution); returns its id. */
  register(v: Float32Array | Float64Array): number {
    const known = this.ids.get(v);
    if (known !== undefined) return known;
    this.vectors.push(v);
    this.ids.set(v, this.vectors.length - 1);
    return this.vectors.length - 1;
  }

  /** The views of every array the team touches (after all vectors are registered). */
  views(): SlabViews {
    return { fine: this.fine, levels: this.levels.map((l) => l.A), shifts: this.shifts, vectors: this.vectors };
  }

  /** Run on `team` (built over views()); without one, everything runs on the calling thread. */
  attach(team: SlabTeam): void {
    this.team = team;
  }

  /** Levels including the fine one. */
  get depth(): number {
    return this.levels.length + this.serial.depth;
  }

  /** Red-black levels including the fine one (the rest are the serial hierarchy's). */
  get redBlackLevels(): number {
    return this.levels.length;
  }

  /** Id of a registered vector. */
  id(v: Float32Array | Float64Array): number {
    const k = this.ids.get(v);
    if (k === undefined) throw new InputError("lean multigrid: a vector that was not registered");
    return k;
  }

  /** Run one task (on the team, or here on all planes). */
  run(op: number, level: number, colour: number, v0: number, v1: number, v2 = 0, v3 = 0, scalar = 0): number {
    const t = this.task;
    t.op = op;
    t.level = level;
    t.colour = colour;
    t.v0 = v0;
    t.v1 = v1;
    t.v2 = v2;
    t.v3 = v3;
    t.scalar = scalar;
    if (this.team === undefined) this.team = new SlabTeam(this.views(), 1, undefined);
    return this.team.run(t);
  }

  /** z = M^-1 r: one cycle from a zero guess (float32 vectors of the fine layout); returns r . z. */
  apply(r: Float32Array, z: Float32Array): number {
    const R = this.id(r), Z = this.id(z);
    this.cycleAt(0, R, Z);
    return this.run(SlabOp.sweep, 0, 1, R, Z) + this.run(SlabOp.sweep, 0, 0, R, Z);
  }

  /** One cycle on level k from zero: forward sweep, restriction, coarse solve, prolongation; the backward sweep is the caller's. */
  private cycleAt(k: number, b: number, x: number): void {
    this.run(SlabOp.forward, k, 0, b, x);
    const next = this.levels[k]!;
    this.run(SlabOp.restrict, k, 0, x, next.ids[0]);
    this.coarseSolve(k + 1);
    this.run(SlabOp.prolong, k, 0, x, next.ids[1], 0, 0, this.scale);
  }

  /** A full cycle on stored level k (its backward sweep included). */
  private storedCycle(k: number, b: number, x: number): void {
    this.cycleAt(k, b, x);
    this.run(SlabOp.sweep, k, 1, b, x);
    this.run(SlabOp.sweep, k, 0, b, x);
  }

  /** Approximate A_k x_k = b_k (k >= 1) by the cycle kind (b_k is overwritten by a W-cycle). */
  private coarseSolve(k: number): void {
    const L = this.levels[k - 1]!;
    if (k === this.levels.length) {
      // the serial hierarchy, on this thread (the team's workers wait)
      this.serial.apply(L.b, L.x);
      if (this.cycle === "W" && this.serial.depth > 1) {
        stencilResidual(L.A, L.b, L.x, L.b);
        this.serial.apply(L.b, L.w);
        for (let i = 0; i < L.x.length; i++) L.x[i]! += L.w[i]!;
      }
      return;
    }
    const [b, x, w] = L.ids;
    this.storedCycle(k, b, x);
    if (this.cycle === "W") {
      this.run(SlabOp.residualInPlace, k, 0, b, x);
      this.storedCycle(k, b, w);
      this.run(SlabOp.add, k, 0, x, w);
    }
  }
}
