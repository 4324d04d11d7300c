/**
 * A team of threads that runs the lean solve's plane kernels (slab-program.ts) over slabs of
 * z-planes: the calling thread is member 0, and threads - 1 worker threads (the BUILT file
 * dist/linalg/slab-worker.js, as the sweep pool loads its worker) hold views of the same
 * shared memory. `run` posts a task; every member then takes slabs from a shared counter
 * (Atomics.add) until none is left, and the caller waits for the others (Atomics.wait on a
 * shared counter: the solve is synchronous, and the main thread of Node may block). Taking
 * slabs as they come, rather than one fixed slab a thread, keeps both cores busy when
 * another process takes one of them for a while (the machine is shared). A level is cut
 * into about 4 slabs a thread, whose boundaries are multiples of 2^h fine planes, h the
 * number of z-coarsenings of the stored levels: a slab restricts into and prolongs from
 * whole coarse planes, and a coarse plane's sum is made by one thread in one order.
 *
 * Sums come back per plane (slab-program.ts) and are added here in plane order, so every
 * result is bit for bit the same on any number of threads, however the slabs fell (tested).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { levelPlanes, runSlab, slabPlan, SlabOp, type SlabPlan, type SlabTask, type SlabViews, type SlabWasm } from "./slab-program.js";
import type { WasmMemory } from "./wasm/kernels.js";

/** Control words of the shared Int32Array (the task's fields follow CONTROL_TASK). */
const GEN = 0, DONE = 1, READY = 2, FAILED = 3, NEXT = 4, CONTROL_TASK = 5;
/** Slabs a thread of the team, about (more balance the load when a core is taken away; each costs a wait-free Atomics.add). */
const SLABS_PER_THREAD = 4;
const TASK_FIELDS = ["op", "level", "colour", "v0", "v1", "v2", "v3"] as const;
const CONTROL_WORDS = CONTROL_TASK + TASK_FIELDS.length;
/** Milliseconds to wait for the workers to start (each compiles its kernels: well under a second). */
const START_TIMEOUT_MS = 30_000;

/** What a worker thread is started with (workerData). */
export interface SlabWorkerData {
  readonly member: number;
  readonly threads: number;
  readonly plan: SlabPlan;
  /** The arena's WebAssembly memory (shared), or its SharedArrayBuffer when it has no kernels. */
  readonly memory: WasmMemory | SharedArrayBuffer;
  readonly xBuffer: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  readonly scalar: SharedArrayBuffer;
  readonly partial: SharedArrayBuffer;
  /** Slab boundaries of each level (planes of that level). */
  readonly bounds: readonly (readonly number[])[];
}

/** file: URL of the built worker (from src/ under vitest, which runs the TypeScript sources). */
function workerUrl(): URL {
  const here = import.meta.url;
  const url = /\.ts$/.test(here) ? new URL("../../dist/linalg/slab-worker.js", here) : new URL("./slab-worker.js", here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`the slab worker ${fileURLToPath(url)} is missing: run \`npm run build\` first`);
  return url;
}

/** Fine planes that slab boundaries are multiples of: 2^(z-coarsenings down to the last stored level). */
export function slabAlignment(shifts: readonly (readonly [number, number, number])[]): number {
  return shifts.reduce((a, s) => a * (1 << s[2]), 1);
}

/** The most members a fine box of nz planes can keep busy (each at least one aligned block of planes). */
export function maxMembers(nz: number, alignment: number): number {
  return Math.max(1, Math.floor(nz / alignment));
}

/** Read a task's fields from control words (a worker's side of `run`). */
export function readTask(control: Int32Array, scalar: Float64Array): SlabTask {
  const t = { op: 0, level: 0, colour: 0, v0: 0, v1: 0, v2: 0, v3: 0, scalar: scalar[0]! };
  TASK_FIELDS.forEach((f, k) => (t[f] = control[CONTROL_TASK + k]!));
  return t;
}

export const SLAB_CONTROL = { GEN, DONE, READY, FAILED, NEXT } as const;

/** Run `task` on the slabs of `bounds` taken from the shared counter until none is left. */
export function takeSlabs(views: SlabViews, wasm: SlabWasm | undefined, task: SlabTask, bounds: readonly number[], control: Int32Array, partial: Float64Array): void {
  const slabs = bounds.length - 1;
  for (;;) {
    const k = Atomics.add(control, NEXT, 1);
    if (k >= slabs) return;
    runSlab(views, wasm, task, bounds[k]!, bounds[k + 1]!, partial);
  }
}

export class SlabTeam {
  readonly threads: number;
  private readonly bounds: number[][];
  private readonly partial: Float64Array;
  private readonly control: Int32Array;
  private readonly scalar: Float64Array;
  private readonly workers: Worker[] = [];
  private closed = false;

  /**
   * A team of `threads` members over `views` (threads > 1 needs every array in the two shared
   * buffers: `memory`, the arena's, and `xBuffer`, the double solution's).
   */
  constructor(
    private readonly views: SlabViews,
    threads: number,
    private readonly wasm: SlabWasm | undefined,
    shared?: { readonly memory: WasmMemory | SharedArrayBuffer; readonly arena: ArrayBufferLike; readonly xBuffer: SharedArrayBuffer },
  ) {
    const align = slabAlignment(views.shifts);
    const nz = views.fine.nz;
    this.threads = shared === undefined ? 1 : Math.max(1, Math.min(Math.floor(threads), maxMembers(nz, align)));
    const T = this.threads;
    // one slab on one thread; else about SLABS_PER_THREAD a thread, each whole aligned blocks
    const blocks = Math.ceil(nz / align);
    const slabs = T === 1 ? 1 : Math.min(blocks, SLABS_PER_THREAD * T);
    const fineBounds = Array.from({ length: slabs + 1 }, (_, t) => (t === slabs ? nz : Math.round((t * blocks) / slabs) * align));
    this.bounds = [];
    let h = 0;
    for (let k = 0; k <= views.levels.length; k++) {
      const planes = levelPlanes(views, k);
      this.bounds.push(fineBounds.map((Z, t) => (t === slabs ? planes : Math.min(planes, Z >> h))));
      if (k < views.shifts.length) h += views.shifts[k]![2];
    }
    const sab = (bytes: number): ArrayBuffer | SharedArrayBuffer => (T > 1 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const partialBuffer = sab(8 * Math.max(1, nz));
    this.partial = new Float64Array(partialBuffer);
    const controlBuffer = sab(4 * CONTROL_WORDS), scalarBuffer = sab(8);
    this.control = new Int32Array(controlBuffer);
    this.scalar = new Float64Array(scalarBuffer);
    if (T === 1 || shared === undefined) return;
    const plan = slabPlan(views, shared.arena, shared.xBuffer);
    const url = workerUrl();
    try {
      for (let m = 1; m < T; m++) {
        const data: SlabWorkerData = {
          member: m, threads: T, plan, memory: shared.memory, xBuffer: shared.xBuffer,
          control: controlBuffer as SharedArrayBuffer, scalar: scalarBuffer as SharedArrayBuffer, partial: partialBuffer as SharedArrayBuffer, bounds: this.bounds,
        };
        // --input-type (a parent run with -e) would stop the worker's file from loading
        const w = new Worker(url, { workerData: data, execArgv: process.execArgv.filter((a) => !a.startsWith("--input-type")) });
        w.unref();
        this.workers.push(w);
      }
      // wait for every worker to build its views and kernels
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (;;) {
        const ready = Atomics.load(this.control, READY);
        if (Atomics.load(this.control, FAILED) !== 0) throw new Error("slab team: a worker failed to start");
        if (ready >= T - 1) break;
        if (Date.now() > deadline) throw new Error(`slab team: ${T - 1 - ready} of ${T - 1} workers did not start within ${START_TIMEOUT_MS / 1000} s`);
        Atomics.wait(this.control, READY, ready, 50);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Run a task on every member's slab; returns the sum of its per-plane partials in plane order (0 when it has none). */
  run(task: SlabTask): number {
    const T = this.threads;
    const level = task.op === SlabOp.restrict ? task.level + 1 : task.level;
    const b = this.bounds[level]!;
    if (T === 1) runSlab(this.views, this.wasm, task, b[0]!, b[b.length - 1]!, this.partial);
    else {
      const c = this.control;
      TASK_FIELDS.forEach((f, k) => (c[CONTROL_TASK + k] = task[f]));
      this.scalar[0] = task.scalar;
      Atomics.store(c, DONE, 0);
      Atomics.store(c, NEXT, 0);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      takeSlabs(this.views, this.wasm, task, b, c, this.partial);
      for (;;) {
        const done = Atomics.load(c, DONE);
        if (done >= T - 1) break;
        Atomics.wait(c, DONE, done);
      }
      if (Atomics.load(c, FAILED) !== 0) {
        this.close();
        throw new Error("slab team: a worker failed (see its stderr)");
      }
    }
    if (!returnsSum(task.op, task.level)) return 0;
    let sum = 0;
    const p = this.partial, planes = b[b.length - 1]!;
    for (let z = 0; z < planes; z++) sum += p[z]!;
    return sum;
  }

  /** Stop the workers (they leave their loop and end). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.workers.length === 0) return;
    const c = this.control;
    c[CONTROL_TASK] = SlabOp.stop;
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
  }
}

/** Whether an operation leaves per-plane partial sums. */
export function returnsSum(op: number, level: number): boolean {
  return op === SlabOp.apply || op === SlabOp.step || op === SlabOp.residual || (op === SlabOp.sweep && level === 0);
}
