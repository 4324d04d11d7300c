/**
 * KMC replicas on worker threads (piscina, like the sweep pool), with results identical to
 * runKmc on one thread for the same seed: each replica's stream is named by the same path
 * (createStream(seed, ...path, replica)), each round of each replica is one task that
 * continues from the state the previous round returned (ReplicaRun's exact checkpoints),
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

/** Main -> worker: equilibrate replica `replica` if it is new, then measure `hops` in `blocks`. */
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
  readonly state: ReplicaState | null;
}

/** Worker -> main: the replica's state after the round and its record. */
export interface ReplicaReply {
  readonly type: "replica-round-done";
  readonly replica: number;
  readonly state: ReplicaState;
  readonly record: ReplicaRecord;
}

export type WorkerRunOptions = Omit<KmcRunOptions, "checkpoint" | "onProgress">;

/** What the caller sees of a run on workers: progress, and an abort that ends the threads. */
export interface WorkerRunControl {
  /** Fraction of the planned hops done (as runKmc's onProgress), after each replica round. */
  readonly onProgress?: (fraction: number) => void;
  /** Aborting terminates the replicas' threads; the promise rejects with piscina's AbortError. */
  readonly signal?: AbortSignal;
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
  for (;;) {
    const blocks = Math.max(1, Math.round(hops / hopsPerBlock));
    const replies = await Promise.all(
      states.map((state, replica) =>
        pool.run({
          type: "replica-round",
          model,
          stream: streams[replica]!,
          replica,
          ...(options.scheme !== undefined ? { scheme: options.scheme } : {}),
          equilibrationHops: options.equilibrationHops,
          hops,
          blocks,
          state,
        }, control.signal !== undefined ? { signal: control.signal } : {}).then((reply) => {
          doneHops += (state === null ? options.equilibrationHops : 0) + hops;
          control.onProgress?.(Math.min(1, doneHops / planned));
          return reply;
        }),
      ),
    );
    for (const reply of replies) {
      states[reply.replica] = reply.state;
      records[reply.replica] = reply.record;
    }
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
