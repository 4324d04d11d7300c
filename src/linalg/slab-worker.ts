/**
 * A slab-team worker (slab-team.ts; loaded from the BUILT file dist/linalg/slab-worker.js):
 * rebuilds the caller's views over the shared memory, compiles its own kernels for the same
 * memory, then runs each task on its slab until told to stop.
 */
import { workerData } from "node:worker_threads";
import { SLAB_CONTROL, readTask, takeSlabs, type SlabWorkerData } from "./slab-team.js";
import { slabViewsFromPlan, SlabOp, type SlabWasm } from "./slab-program.js";
import { slabWasm } from "./lean-multigrid.js";

const d = workerData as SlabWorkerData;
const control = new Int32Array(d.control), scalar = new Float64Array(d.scalar), partial = new Float64Array(d.partial);
const { GEN, DONE, READY, FAILED } = SLAB_CONTROL;
let seen = Atomics.load(control, GEN);
try {
  const arena = d.memory instanceof SharedArrayBuffer ? d.memory : d.memory.buffer;
  const views = slabViewsFromPlan(d.plan, arena, d.xBuffer);
  const wasm: SlabWasm | undefined = d.memory instanceof SharedArrayBuffer ? undefined : slabWasm(d.memory, views.fine);
  Atomics.add(control, READY, 1);
  Atomics.notify(control, READY);
  for (;;) {
    Atomics.wait(control, GEN, seen);
    seen = Atomics.load(control, GEN);
    const task = readTask(control, scalar);
    if (task.op === SlabOp.stop) break;
    const level = task.op === SlabOp.restrict ? task.level + 1 : task.level;
    try {
      takeSlabs(views, wasm, task, d.bounds[level]!, control, partial);
    } catch (e) {
      Atomics.store(control, FAILED, 1);
      process.stderr.write(`slab worker ${d.member}: ${e instanceof Error ? e.stack : String(e)}\n`);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
} catch (e) {
  Atomics.store(control, FAILED, 1);
  Atomics.notify(control, READY);
  process.stderr.write(`slab worker ${d.member}: ${e instanceof Error ? e.stack : String(e)}\n`);
}
