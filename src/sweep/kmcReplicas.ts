/**
 * KMC replicas on worker threads (piscina, like the sweep pool), with results identical to
 * runKmc on one thread for the same seed: each replica's stream is named by the same path
 * (createStream(seed, ...path, replica)), each round of each replica is one task, or a chain
 * of tasks when there are more replicas than threads (blocksPerTask), each continuing from the
 * state the previous one returned (ReplicaRun's exact checkpoints),
 * and the rounds, block lengths and stopping rule are runKmc's. Checkpoints stay with
 * runKmc; progress is reported per finished replica round (runKmc's fraction of planned hops).
 */
import { Piscina } from "piscina";
import { streamState, type StreamLabel } from "../core/rng.js";
import type { Scheme } from "../transport/kmc/engine.js";
import type { KmcModel } from "../transport/kmc/model.js";
import { summarize, type ReplicaRecord, type ReplicaState } from "../transport/kmc/observe.js";
import type { KmcRunOptions, KmcRunResult } from "../transport/kmc/run.js";
import { setWorkerCompilation, workerFileUrl } from "./pool.js";

/** Main -> worker: equilibrate replica `replica` if it is new, then measure `hops` in `blocks` (at most `maxBlocks` of them now). */
export interface ReplicaTask {
  readonly type: "replica-round";
  readonly model: KmcModel;
  /**
   * The replica's xoshiro128** state at its start, streamState(seed, ...path, replica), seeded
   * here so that the worker does not load seedrandom (a continued replica takes its state's).
   */
  readonly stream: Uint32Array;
  readonly replica: number;
  readonly scheme?: Scheme;
  readonly equilibrationHops: number;
  readonly hops: number;
  readonly blocks: number;
  readonly maxBlocks: number;
  readonly state: ReplicaState | null;
}

/** Worker -> main: the replica's state after the task, the hops it ran, and the record once the round is done (null before). */
export interface ReplicaReply {
  readonly type: "replica-round-done";
  readonly replica: number;
  readonly hops: number;
  readonly state: ReplicaState;
  readonly record: ReplicaRecord | null;
}

/**
 * Fewest hops in one task: a task rebuilds the engine from the replica's state (about the
 * cost of one hop per site), so a task runs at least 100 hops per site as well.
 */
export const MIN_TASK_HOPS = 5e5;

/**
 * Blocks per task when `replicas` replicas of a round of `hops` in `blocks` blocks share
 * `workers` threads: whole rounds when every replica has its own thread; otherwise rounds cut
 * into tasks, about 8 per thread in all, so that a thread that finishes first (a faster core,
 * or a core another process leaves sooner) takes more of them and the last one to finish waits
 * at most about an eighth of its share (with one task per round, 4 replicas on 2 threads
 * waited on the slower core's whole half: two cores of this machine differ by up to 40 %).
 */
export function blocksPerTask(replicas: number, workers: number, hops: number, blocks: number, siteCount: number, minTaskHops = MIN_TASK_HOPS): number {
  const nb = Math.max(1, Math.min(blocks, hops));
  if (replicas <= workers) return nb;
  const minHops = Math.max(minTaskHops, 100 * siteCount);
  const wanted = Math.ceil((8 * workers) / replicas); // tasks per round of one replica
  const most = Math.max(1, Math.floor(hops / minHops)); // tasks per round no shorter than minHops
  return Math.ceil(nb / Math.min(nb, wanted, most));
}

export type WorkerRunOptions = Omit<KmcRunOptions, "checkpoint" | "onProgress">;

/** What the caller sees of a run on workers: progress, and an abort that ends the threads. */
export interface WorkerRunControl {
  /** Fraction of the planned hops done (as runKmc's onProgress), after each replica round. */
  readonly onProgress?: (fraction: number) => void;
  /** Aborting terminates the replicas' threads; the promise rejects with piscina's AbortError. */
  readonly signal?: AbortSignal;
  /** Fewest hops in one task (default MIN_TASK_HOPS); smaller only to test rounds cut into tasks. */
  readonly minTaskHops?: number;
}

/** Threads for replica rounds, reusable across models (runScenarioKmcOnWorkers: one per run). */
export type ReplicaPool = Piscina<ReplicaTask, ReplicaReply>;

export function createReplicaPool(workers: number): ReplicaPool {
  setWorkerCompilation(workers);
  return new Piscina<ReplicaTask, ReplicaReply>({ filename: workerFileUrl("kmcWorker"), minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 1 });
}

/** runKmc(model, options, (r) => createStream(seed, ...path, r)) on `workers` threads. */
export async function runKmcOnWorkers(model: KmcModel, options: WorkerRunOptions, seed: number | string, path: readonly StreamLabel[], workers: number, control: WorkerRunControl = {}): Promise<KmcRunResult> {
  control.signal?.throwIfAborted();
  const pool = createReplicaPool(workers);
  try {
    return await runKmcOnPool(pool, model, options, seed, path, control);
  } finally {
    await pool.destroy();
  }
}

/** runKmcOnWorkers on the threads of `pool` (left running). */
export async function runKmcOnPool(pool: ReplicaPool, model: KmcModel, options: WorkerRunOptions, seed: number | string, path: readonly StreamLabel[], control: WorkerRunControl = {}): Promise<KmcRunResult> {
  control.signal?.throwIfAborted();
  const R = options.replicas;
  const planned = R * (options.equilibrationHops + (options.targetRelativeError === undefined ? options.hops : (options.maxHops ?? options.hops)));
  let doneHops = 0;
  const states: (ReplicaState | null)[] = new Array<ReplicaState | null>(R).fill(null);
  const records: ReplicaRecord[] = new Array<ReplicaRecord>(R);
  const hopsPerBlock = options.hops / Math.max(1, options.blocks);
  const cap = options.maxHops ?? options.hops;
  let hops = options.hops;
  let measured = 0;
  const streams = states.map((_, replica) => streamState(seed, ...path, replica));
  const workers = pool.maxThreads;
  for (;;) {
    const blocks = Math.max(1, Math.round(hops / hopsPerBlock));
    const maxBlocks = blocksPerTask(R, workers, hops, blocks, model.lattice.siteCount, control.minTaskHops);
    // each replica's round as a chain of tasks, each continuing from the state the last returned
    const round = async (replica: number): Promise<void> => {
      for (;;) {
        const reply = await pool.run({
          type: "replica-round",
          model,
          stream: streams[replica]!,
          replica,
          ...(options.scheme !== undefined ? { scheme: options.scheme } : {}),
          equilibrationHops: options.equilibrationHops,
          hops,
          blocks,
          maxBlocks,
          state: states[replica]!,
        }, control.signal !== undefined ? { signal: control.signal } : {});
        states[replica] = reply.state;
        doneHops += reply.hops;
        control.onProgress?.(Math.min(1, doneHops / planned));
        if (reply.record !== null) {
          records[replica] = reply.record;
          return;
        }
      }
    };
    await Promise.all(states.map((_, replica) => round(replica)));
    measured += hops;
    const target = options.targetRelativeError;
    let finished = target === undefined || measured >= cap;
    const summary = summarize(model, records);
    if (!finished) finished = summary.totalConductivityStdErr / Math.abs(summary.totalConductivitySPerCm) <= target!;
    if (finished) {
      return { summary, consistencyErrors: records.flatMap((r) => r.consistencyErrors), attempts: records.reduce((s, r) => s + r.attempts, 0) };
    }
    hops = Math.min(measured, cap - measured); // double the measured hops, up to the cap
  }
}
