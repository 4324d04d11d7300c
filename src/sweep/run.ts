/**
 * runSweep: the jobs of a sweep (or of one shard) on a pool of worker threads, each
 * finished job appended to DIR/results.jsonl as soon as it finishes, and yielded.
 *
 * Resume: jobs already in results.jsonl are skipped; bad lines are dropped first (see
 * journal.ts) and their jobs run again. Faults: a job that throws or whose worker dies is
 * logged to failures.jsonl and retried once (at the end of the queue); if the retry fails
 * too it is yielded as failed and the other jobs go on. Abort (the CLI aborts on SIGINT
 * and SIGTERM): nothing new is dispatched, running jobs are stopped (their workers are
 * terminated; they run again on resume), and the generator returns; every line written
 * before is complete and synced.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { ScenarioError, describe } from "../core/errors.js";
import { paramsText, type Sweep, type SweepJob } from "./definition.js";
import {
  FAILURES_FILE,
  JsonlAppender,
  RESULTS_FILE,
  acquireLock,
  claimManifest,
  manifestOf,
  rewriteResults,
  sameJson,
  scanResults,
  type DroppedLine,
  type ResultLine,
} from "./journal.js";
import { checkSweepMemory } from "./memory.js";
import { NO_WORK, WORK_KINDS, plannedWork, workClasses, workFraction, type ScenarioProgress, type WorkKind, type WorkTally } from "../pipeline/progress.js";
import { kmcCacheKey, kmcRunOptions } from "../pipeline/runScenario.js";
import type { InjectedFault, SerializedError } from "./messages.js";
import { JobPool, type AttemptOutcome } from "./pool.js";
import { inShard, parseShard, shardText, type Shard } from "./shard.js";

export interface SweepProgress {
  /**
   * Fraction of this run's work done, 0..1: KMC hops, network and impedance solves and cell
   * runs, done over planned, each kind weighted by a prior rate (pipeline/progress.ts), so a
   * long job counts for its length and a running job by its own work.
   */
  readonly fraction: number;
  /** This run's work per kind, finished jobs included: done so far, and planned (waiting jobs by their scenario's plan). */
  readonly work: { readonly done: WorkTally; readonly planned: WorkTally };
  /** The running jobs and their latest progress (null before their first event). */
  readonly active: readonly ActiveJob[];
  /** Jobs this run set out to run (the shard's jobs not finished before). */
  readonly todo: number;
  readonly done: number;
  /** Jobs that failed after their retry. */
  readonly failed: number;
  readonly running: number;
  /** Jobs finished in an earlier run into the same DIR. */
  readonly skipped: number;
  /** What this event reports, for a display that follows each job (cli/progress.ts SweepFollower). */
  readonly change: SweepChange;
}

/**
 * What changed at a sweep's progress event:
 * - "planned" (first, before any job starts): the jobs this run sets out to run, each with
 *   its plan and its class per kind (pipeline/progress.ts workClasses), and those finished
 *   before (a resumed DIR);
 * - "progress": a running job's latest event;
 * - "ended": a job's attempt ended (done; failed after its retries; "retry": failed, queued
 *   again with its plan; "aborted": stopped, runs again on resume);
 * - "none": counts only (a job dispatched).
 */
export type SweepChange =
  | { readonly type: "planned"; readonly jobs: readonly PlannedJob[]; readonly finished: readonly number[] }
  | { readonly type: "progress"; readonly job: number; readonly progress: ScenarioProgress }
  | { readonly type: "ended"; readonly job: number; readonly status: "done" | "failed" | "retry" | "aborted" }
  | { readonly type: "none" };

/** A job of this run with the work it plans before it starts and its class per kind. */
export interface PlannedJob {
  readonly job: number;
  readonly planned: WorkTally;
  readonly classes: Readonly<Record<WorkKind, string>>;
}

/** A running job of a sweep and its latest progress event. */
export interface ActiveJob {
  readonly job: number;
  readonly progress: ScenarioProgress | null;
}

/** The work a job plans before it starts (its scenario's plan, with the sweep's shared KMC). */
function jobPlan(job: SweepJob, sharedKmc: ReadonlySet<string>): WorkTally {
  const s = job.scenario;
  const o = job.runOptions;
  return plannedWork(s, kmcRunOptions(s), {
    kmcDone: (T) => sharedKmc.has(kmcCacheKey(s, T)),
    ...(o?.errorEstimates !== undefined ? { errorEstimates: o.errorEstimates } : {}),
    ...(o?.lossBreakdown !== undefined ? { lossBreakdown: o.lossBreakdown } : {}),
    ...(o?.impedance !== undefined ? { impedance: o.impedance } : {}),
  });
}

/** Running sums of work per kind. */
function addTally(into: Record<WorkKind, number>, a: WorkTally, sign: number): void {
  for (const k of WORK_KINDS) into[k] += sign * a[k];
}

export interface RunSweepOptions {
  /** The sweep directory (created if missing; resumed if it holds this sweep). */
  readonly out: string;
  /** Worker threads; default os.availableParallelism(). */
  readonly workers?: number;
  /** Run only the jobs with number % N == K: "K/N" or {index: K, count: N}. */
  readonly shard?: Shard | string;
  /** Abort to stop: nothing new starts, running jobs are ended, files stay whole. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Human-readable notes (lines dropped on resume, retries). */
  readonly onNotice?: (message: string) => void;
  /** Attempts after the first for a failing job (default 1). */
  readonly retries?: number;
  /** Machine memory for the memory guard (default os.totalmem()). */
  readonly totalMemoryBytes?: number;
  /** Tests only: make an attempt throw or kill its worker. */
  readonly injectFault?: (job: number, attempt: number) => InjectedFault | undefined;
}

export type JobOutcome =
  | { readonly status: "done"; readonly record: ResultLine }
  | {
      readonly status: "failed";
      readonly job: number;
      readonly params: Readonly<Record<string, unknown>>;
      readonly error: SerializedError;
      readonly attempts: number;
    };

export interface SweepSummary {
  readonly dir: string;
  readonly shard: string | null;
  /** Jobs of the sweep (or shard). */
  readonly jobs: number;
  readonly skipped: number;
  readonly done: number;
  /** Job numbers that failed after their retry, ascending. */
  readonly failed: readonly number[];
  /** Lines dropped from results.jsonl before resuming. */
  readonly dropped: readonly DroppedLine[];
  /** The abort reason when the run was stopped (e.g. "SIGINT"). */
  readonly interrupted?: string;
  /** Every job of the sweep (or shard) is in results.jsonl. */
  readonly complete: boolean;
}

function checkWorkers(w: number): number {
  if (!Number.isInteger(w) || w < 1 || w > 1024) throw new ScenarioError("workers", `got ${describe(w)}; a whole number from 1 to 1024`);
  return w;
}

function checkShard(s: Shard | string | undefined): Shard | undefined {
  if (s === undefined) return undefined;
  const shard = typeof s === "string" ? parseShard(s) : s;
  if (!Number.isInteger(shard.index) || !Number.isInteger(shard.count) || shard.index < 0 || shard.index >= shard.count) {
    throw new ScenarioError("shard", `got ${shard.index}/${shard.count}; expected K/N with whole numbers 0 <= K < N`);
  }
  return shard;
}

interface QueueItem {
  readonly job: SweepJob;
  readonly attempt: number;
}

/**
 * Run a sweep into `options.out`, yielding each job's final outcome as it happens (done:
 * the line just appended to results.jsonl; failed: after its retry). The generator's
 * return value is the summary. Input problems (workers, shard, memory, a DIR of another
 * sweep) throw InputError before any job starts.
 */
export async function* runSweep(sweep: Sweep, options: RunSweepOptions): AsyncGenerator<JobOutcome, SweepSummary, undefined> {
  const dir = resolve(options.out);
  const workers = checkWorkers(options.workers ?? availableParallelism());
  const shard = checkShard(options.shard);
  const shardName = shardText(shard);
  const retries = options.retries ?? 1;
  const notice = options.onNotice ?? ((): void => {});
  const shardJobs = sweep.jobs.filter((j) => inShard(j.job, shard));
  checkSweepMemory(shardJobs, Math.min(workers, shardJobs.length), options.totalMemoryBytes ?? totalmem());

  mkdirSync(dir, { recursive: true });
  const release = await acquireLock(dir, { onWait: notice });
  let pool: JobPool | undefined;
  let results: JsonlAppender | undefined;
  let failures: JsonlAppender | undefined;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(options.signal?.reason);
  try {
    claimManifest(dir, manifestOf(sweep, shardName));

    // what is finished already; bad lines out (atomically) before anything is appended
    const resultsFile = join(dir, RESULTS_FILE);
    const byJob = new Map(shardJobs.map((j) => [j.job, j]));
    const scan = scanResults(existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : "", (line) => {
      const j = byJob.get(line.job);
      if (j === undefined) return `job ${line.job} is not part of this ${shard === undefined ? "sweep" : `shard (${shardName})`}`;
      if (!sameJson(line.params, j.params)) return `its params are not job ${line.job}'s`;
      return undefined;
    });
    const finished = new Set(scan.kept.map((k) => k.line.job));
    if (scan.dropped.length > 0) {
      rewriteResults(resultsFile, scan.kept);
      for (const d of scan.dropped) {
        const again = d.job !== undefined && byJob.has(d.job) && !finished.has(d.job) ? `, job ${d.job} runs again` : "";
        notice(`${RESULTS_FILE} line ${d.line}: ${d.reason}; dropped${again}`);
      }
    }
    if (shardJobs.length === 0) notice(`shard ${shardName} has no jobs (the sweep has ${sweep.jobs.length}); nothing to run`);
    const todo = shardJobs.filter((j) => !finished.has(j.job));
    const failed: number[] = [];
    let done = 0;
    const summary = (): SweepSummary => ({
      dir,
      shard: shardName,
      jobs: shardJobs.length,
      skipped: finished.size,
      done,
      failed: [...failed].sort((a, b) => a - b),
      dropped: scan.dropped,
      ...(stop.signal.aborted ? { interrupted: String(stop.signal.reason ?? "aborted") } : {}),
      complete: finished.size + done === shardJobs.length,
    });
    // work: every todo job's plan, replaced by its own events while it runs; a finished job counts whole
    const sharedKmc = new Set((sweep.kmc ?? []).map(([key]) => key));
    const plans = new Map(todo.map((j) => [j.job, jobPlan(j, sharedKmc)] as const));
    if (options.onProgress !== undefined) {
      const planned: Record<WorkKind, number> = { ...NO_WORK };
      for (const p of plans.values()) addTally(planned, p, 1);
      options.onProgress({
        fraction: workFraction(NO_WORK, planned),
        work: { done: { ...NO_WORK }, planned },
        active: [],
        todo: todo.length,
        done: 0,
        failed: 0,
        running: 0,
        skipped: finished.size,
        change: { type: "planned", jobs: todo.map((j) => ({ job: j.job, planned: plans.get(j.job)!, classes: workClasses(j.scenario) })), finished: [...finished].sort((a, b) => a - b) },
      });
    }
    if (todo.length === 0) return summary();

    results = new JsonlAppender(resultsFile);
    failures = new JsonlAppender(join(dir, FAILURES_FILE));
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    pool = new JobPool(Math.min(workers, todo.length));

    const queue: QueueItem[] = todo.map((job) => ({ job, attempt: 0 }));
    const running = new Map<number, Promise<{ item: QueueItem; outcome: AttemptOutcome }>>();
    const workDone: Record<WorkKind, number> = { ...NO_WORK };
    const workPlanned: Record<WorkKind, number> = { ...NO_WORK };
    for (const p of plans.values()) addTally(workPlanned, p, 1);
    // per running job: its latest event (what it has added to the sums)
    const partial = new Map<number, ScenarioProgress | null>();
    const current = (n: number): { done: WorkTally; planned: WorkTally } => {
      const p = partial.get(n);
      return p != null ? p : { done: NO_WORK, planned: plans.get(n)! };
    };
    /** Job n's work becomes `next` (its done and planned so far). */
    const move = (n: number, next: { done: WorkTally; planned: WorkTally }): void => {
      const was = current(n);
      addTally(workDone, was.done, -1);
      addTally(workPlanned, was.planned, -1);
      addTally(workDone, next.done, 1);
      addTally(workPlanned, next.planned, 1);
    };
    const report = (change: SweepChange = { type: "none" }): void => {
      if (options.onProgress === undefined) return;
      const w = { done: { ...workDone }, planned: { ...workPlanned } };
      options.onProgress({
        fraction: workFraction(w.done, w.planned),
        work: w,
        active: [...partial.entries()].map(([job, progress]) => ({ job, progress })),
        todo: todo.length,
        done,
        failed: failed.length,
        running: running.size,
        skipped: finished.size,
        change,
      });
    };

    for (;;) {
      while (!stop.signal.aborted && running.size < pool.threads && queue.length > 0) {
        const item = queue.shift()!;
        const n = item.job.job;
        const fault = options.injectFault?.(n, item.attempt);
        partial.set(n, null);
        const onJobProgress = (_f: number, p: ScenarioProgress): void => {
          if (!partial.has(n)) return;
          move(n, p);
          partial.set(n, p);
          report({ type: "progress", job: n, progress: p });
        };
        running.set(
          n,
          pool
            .run(
              {
                job: n,
                attempt: item.attempt,
                scenario: item.job.scenario,
                baseDir: sweep.baseDir,
                ...(fault !== undefined ? { fault } : {}),
                ...(item.job.runOptions !== undefined ? { runOptions: item.job.runOptions } : {}),
                ...(sweep.kmc !== undefined ? { kmc: sweep.kmc } : {}),
              },
              onJobProgress,
              stop.signal,
            )
            .then((outcome) => ({ item, outcome })),
        );
      }
      report();
      if (running.size === 0) break;
      const { item, outcome } = await Promise.race(running.values());
      const n = item.job.job;
      running.delete(n);
      // a job that finished counts whole (its last plan); an attempt that failed counts the
      // work it did, and a retry plans the job again
      const last = current(n);
      const retry = (outcome.type === "failed" || outcome.type === "died") && item.attempt < retries;
      move(n, outcome.type === "done" ? { done: last.planned, planned: last.planned } : { done: last.done, planned: last.done });
      partial.delete(n);
      if (retry) addTally(workPlanned, plans.get(n)!, 1);
      const finishedAt = new Date().toISOString();
      switch (outcome.type) {
        case "done": {
          const record: ResultLine = {
            job: n,
            params: item.job.params,
            results: outcome.results,
            meta: { worker: outcome.worker, seconds: outcome.seconds, shard: shardName, attempt: item.attempt, finishedAt },
          };
          results.append(record);
          done++;
          report({ type: "ended", job: n, status: "done" });
          yield { status: "done", record };
          break;
        }
        case "failed":
        case "died": {
          // a job whose scenario its run refuses as input (the up-front checks: a design the
          // model cannot build) is refused the same way again: not retried
          const refused = outcome.type === "failed" && (outcome.error.name === "InputError" || outcome.error.name === "ScenarioError");
          const final = item.attempt >= retries || refused;
          failures.append({
            job: n,
            params: item.job.params,
            attempt: item.attempt,
            final,
            kind: outcome.type === "failed" ? "threw" : "worker-died",
            error: outcome.error,
            meta: { ...(outcome.type === "failed" ? { worker: outcome.worker } : {}), seconds: outcome.seconds, shard: shardName, finishedAt },
          });
          const what = outcome.type === "failed" ? "threw" : "lost its worker";
          if (!final) {
            notice(`job ${n} (${paramsText(item.job.params)}) ${what}: ${outcome.error.message}; retrying`);
            queue.push({ job: item.job, attempt: item.attempt + 1 });
            report({ type: "ended", job: n, status: "retry" });
            break;
          }
          notice(
            refused
              ? `job ${n} (${paramsText(item.job.params)}) was refused as input: ${outcome.error.message}; not retried (it would be refused again); recorded in ${FAILURES_FILE}`
              : `job ${n} (${paramsText(item.job.params)}) ${what} again: ${outcome.error.message}; recorded in ${FAILURES_FILE}`,
          );
          failed.push(n);
          report({ type: "ended", job: n, status: "failed" });
          yield { status: "failed", job: n, params: item.job.params, error: outcome.error, attempts: item.attempt + 1 };
          break;
        }
        case "aborted":
          report({ type: "ended", job: n, status: "aborted" });
          break;
      }
    }
    return summary();
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    if (!stop.signal.aborted) stop.abort("finished");
    await pool?.destroy();
    results?.close();
    failures?.close();
    release();
  }
}

/** Run a sweep to its end; `onOutcome` sees each job's outcome. Returns the summary. */
export async function runSweepToEnd(sweep: Sweep, options: RunSweepOptions, onOutcome?: (o: JobOutcome) => void): Promise<SweepSummary> {
  const it = runSweep(sweep, options);
  for (;;) {
    const r = await it.next();
    if (r.done === true) return r.value;
    onOutcome?.(r.value);
  }
}
