/**
 * Replicas of one KMC model at one temperature, summarized with standard errors; with a
 * target precision, the replicas are extended (same streams, doubling the measured hops)
 * until the relative standard error of the total conductivity falls below it.
 */
import type { RandomStream } from "../../core/rng.js";
import type { Scheme } from "./engine.js";
import type { KmcModel } from "./model.js";
import { ReplicaRun, summarize, type ReplicaState, type TransportSummary } from "./observe.js";

/** The progress of runKmc: enough to continue to the identical result. */
export interface KmcRunState {
  /** Replica states; null for replicas not started yet. */
  readonly replicas: readonly (ReplicaState | null)[];
  /** Hops measured per replica in completed rounds, and the hops of the round under way. */
  readonly measured: number;
  readonly roundHops: number;
}

/** Checkpoint hooks: `due()` is asked after every chunk and block; `save` gets the state. */
export interface KmcCheckpoint {
  readonly initial?: KmcRunState;
  due(): boolean;
  save(state: KmcRunState): void;
}

export interface KmcRunOptions {
  readonly replicas: number;
  readonly equilibrationHops: number;
  /** Accepted hops measured per replica (the first round in target-precision mode). */
  readonly hops: number;
  /** Time blocks per replica per round. */
  readonly blocks: number;
  readonly scheme?: Scheme;
  /** Stop when the total conductivity's relative standard error is below this. */
  readonly targetRelativeError?: number;
  /** Upper limit of measured hops per replica in target-precision mode. */
  readonly maxHops?: number;
  /** Progress: fraction of the planned work done, 0..1. */
  readonly onProgress?: (fraction: number) => void;
  /** Save and continue runs (long single runs). */
  readonly checkpoint?: KmcCheckpoint;
}

export interface KmcRunResult {
  readonly summary: TransportSummary;
  readonly consistencyErrors: readonly string[];
  readonly attempts: number;
}

/** Run the replicas of one model; `stream(r)` gives replica r's random stream. */
export function runKmc(model: KmcModel, options: KmcRunOptions, stream: (replica: number) => RandomStream): KmcRunResult {
  const R = options.replicas;
  const planned = R * (options.equilibrationHops + (options.targetRelativeError === undefined ? options.hops : (options.maxHops ?? options.hops)));
  const done = new Float64Array(R);
  const report = (): void => {
    if (options.onProgress === undefined) return;
    let s = 0;
    for (let i = 0; i < R; i++) s += done[i]!;
    options.onProgress(Math.min(1, s / planned));
  };
  const cp = options.checkpoint;
  const initial = cp?.initial;
  if (initial !== undefined && initial.replicas.length !== R) throw new RangeError(`checkpoint has ${initial.replicas.length} replicas, the run ${R}`);
  const runs: (ReplicaRun | null)[] = new Array<ReplicaRun | null>(R).fill(null);
  // Each round keeps the block length of the first, so the number of blocks, and with it
  // the precision of the collective terms, grows with the measured hops.
  const hopsPerBlock = options.hops / Math.max(1, options.blocks);
  let hops = initial?.roundHops ?? options.hops;
  let measured = initial?.measured ?? 0;
  const tick = (): void => {
    if (cp !== undefined && cp.due()) cp.save({ replicas: runs.map((run) => run?.state() ?? null), measured, roundHops: hops });
  };
  const replica = (r: number): ReplicaRun => {
    let run = runs[r];
    if (run == null) {
      const st = initial?.replicas[r] ?? undefined;
      run = new ReplicaRun(model, stream(r), options.scheme, (h) => { done[r] = h; report(); }, st ?? undefined);
      runs[r] = run;
    }
    return run;
  };
  for (let r = 0; r < R; r++) {
    replica(r).equilibrate(options.equilibrationHops, tick);
    tick();
  }
  const all = (): ReplicaRun[] => runs.map((_, r) => replica(r));
  for (;;) {
    for (const run of all()) {
      if (run.measuredHops >= measured + hops) continue; // this round was done before a restart
      run.measure(hops, Math.max(1, Math.round(hops / hopsPerBlock)), tick);
      tick();
    }
    measured += hops;
    const target = options.targetRelativeError;
    const cap = options.maxHops ?? options.hops;
    let finished = target === undefined || measured >= cap;
    if (!finished) {
      const summary = summarize(model, all().map((run) => run.record()));
      finished = summary.totalConductivityStdErr / Math.abs(summary.totalConductivitySPerCm) <= target!;
    }
    if (finished) {
      const records = all().map((run) => run.record());
      return {
        summary: summarize(model, records),
        consistencyErrors: records.flatMap((r) => r.consistencyErrors),
        attempts: records.reduce((s, r) => s + r.attempts, 0),
      };
    }
    hops = Math.min(measured, cap - measured); // double the measured hops, up to the cap
  }
}
