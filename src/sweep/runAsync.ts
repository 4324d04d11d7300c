/**
 * runScenarioAsync: runScenario off the caller's thread, so its event loop stays free. The
 * scenario runs in one worker thread loaded from the BUILT file dist/sweep/scenarioWorker.js
 * (as the sweep pool loads its worker); with kmcWorkers > 1 each temperature's KMC replicas
 * run first on that many threads (runScenarioKmcOnWorkers) and the scenario's thread takes
 * their results as its KMC cache. Either way the Results are those of runScenario, bit for
 * bit (structured cloning keeps every double). Aborting the signal terminates the threads
 * and rejects with an error named "AbortError".
 */
import { Worker } from "node:worker_threads";
import { InputError, MofhopError, ResourceError, ScenarioError } from "../core/errors.js";
import { withKmcDone, workFraction, type ScenarioProgress } from "../pipeline/progress.js";
import type { Results } from "../pipeline/results.js";
import { checkCellUpFront, checkMorphologyUpFront, kmcEntriesOf, type KmcTemperatureResult, type RunOptions } from "../pipeline/runScenario.js";
import type { Scenario } from "../scenario/schema.js";
import { workerFileUrl } from "./pool.js";
import { checkKmcWorkers, runScenarioKmcOnWorkers } from "./scenarioKmc.js";

/** The options of runScenario that cross into the worker (plain data). */
export type ScenarioWorkerOptions = Pick<RunOptions, "baseDir" | "firstRealization" | "errorEstimates" | "impedance" | "lossBreakdown">;

export interface AsyncRunOptions extends ScenarioWorkerOptions {
  /**
   * Progress of the whole run, 0..1, with the stage runScenario names ("KMC 298.15 K", ...)
   * and the work done and planned (the KMC on worker threads counted in with the rest).
   */
  readonly onProgress?: (fraction: number, stage: string, progress: ScenarioProgress) => void;
  /** Abort: the threads are terminated and the promise rejects with an AbortError. */
  readonly signal?: AbortSignal;
  /** Threads for each temperature's KMC replicas (default 1: the KMC runs in the scenario's thread). */
  readonly kmcWorkers?: number;
  /** runScenario's KMC cache: read, and filled with this run's KMC results. */
  readonly kmcCache?: Map<string, KmcTemperatureResult>;
}

/** Main -> worker (workerData). */
export interface ScenarioTask {
  readonly type: "run-scenario";
  readonly scenario: Scenario;
  readonly options: ScenarioWorkerOptions;
  readonly kmc: readonly (readonly [string, KmcTemperatureResult])[];
}

/** A thrown error as it crosses the thread (ScenarioError keeps its path and problem). */
export interface ScenarioWorkerError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly path?: string;
  readonly problem?: string;
}

/** Worker -> main. */
export type ScenarioWorkerMessage =
  | { readonly type: "progress"; readonly fraction: number; readonly stage: string; readonly progress: ScenarioProgress }
  | { readonly type: "done"; readonly results: Results }
  | { readonly type: "failed"; readonly error: ScenarioWorkerError };

/** The error a rejected run gives when it was aborted. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
  const e = new Error(`runScenarioAsync: aborted${why !== "" ? ` (${why})` : ""}`, { cause: reason });
  e.name = "AbortError";
  return e;
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The worker's error as the class it was thrown as (InputError and its kin: the CLI's exit code 2). */
function revive(e: ScenarioWorkerError): Error {
  let out: Error;
  if (e.name === "ScenarioError" && e.path !== undefined && e.problem !== undefined) out = new ScenarioError(e.path, e.problem);
  else if (e.name === "ResourceError") out = new ResourceError(e.message);
  else if (e.name === "InputError") out = new InputError(e.message);
  else if (e.name === "NotConvergedError" || e.name === "MofhopError") {
    out = new MofhopError(e.message); // a NotConvergedError's fields stay in its message
    out.name = e.name;
  } else {
    out = new Error(e.message);
    out.name = e.name;
  }
  if (e.stack !== undefined) out.stack = e.stack;
  return out;
}

/**
 * runScenario(scenario, options) in a worker thread: the same Results, bit for bit. A
 * checkpoint cannot cross into the thread (its hooks are functions): use runScenario for
 * checkpointed runs.
 */
export async function runScenarioAsync(scenario: Scenario, options: AsyncRunOptions = {}): Promise<Results> {
  if ((options as RunOptions).checkpoint !== undefined) {
    throw new InputError("runScenarioAsync: checkpoint is not supported (its hooks cannot cross into the worker thread); use runScenario with a checkpoint, or mofhop run --checkpoint FILE");
  }
  const kmcWorkers = checkKmcWorkers(options.kmcWorkers ?? 1);
  const { signal } = options;
  if (signal?.aborted === true) throw abortError(signal);
  const url = workerFileUrl("scenarioWorker"); // a clear error when dist/ is not built
  // the checks that need no heavy work, here and now (as runScenario makes them first)
  checkMorphologyUpFront(scenario.morphology, scenario);
  checkCellUpFront(scenario.cell, scenario.morphology);
  const cache = options.kmcCache ?? new Map<string, KmcTemperatureResult>();
  // hops done on the KMC threads: the scenario's thread then plans none, so they are added to its events
  let kmcHops = 0;
  if (kmcWorkers > 1) {
    const onProgress = options.onProgress;
    try {
      await runScenarioKmcOnWorkers(scenario, {
        workers: kmcWorkers,
        cache,
        ...(onProgress !== undefined
          ? {
              onProgress: (fraction: number, stage: string, p: ScenarioProgress) => {
                kmcHops = p.planned.kmc;
                onProgress(fraction, stage, p);
              },
            }
          : {}),
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch (e) {
      if (aborted(signal)) throw abortError(signal!);
      throw e;
    }
  }
  const task: ScenarioTask = {
    type: "run-scenario",
    scenario,
    options: {
      ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
      ...(options.firstRealization !== undefined ? { firstRealization: options.firstRealization } : {}),
      ...(options.errorEstimates !== undefined ? { errorEstimates: options.errorEstimates } : {}),
      ...(options.impedance !== undefined ? { impedance: options.impedance } : {}),
      ...(options.lossBreakdown !== undefined ? { lossBreakdown: options.lossBreakdown } : {}),
    },
    kmc: [...cache.entries()],
  };
  if (aborted(signal)) throw abortError(signal!);
  const results = await new Promise<Results>((resolve, reject) => {
    const worker = new Worker(new URL(url), { workerData: task });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      f();
    };
    const onAbort = (): void => {
      finish(() => reject(abortError(signal!)));
      void worker.terminate();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (m: ScenarioWorkerMessage) => {
      switch (m.type) {
        case "progress":
          if (!settled && options.onProgress !== undefined) {
            const p = withKmcDone(m.progress, kmcHops);
            options.onProgress(kmcHops === 0 ? m.fraction : workFraction(p.done, p.planned), m.stage, p);
          }
          break;
        case "done":
          finish(() => resolve(m.results));
          break;
        case "failed":
          finish(() => reject(revive(m.error)));
          break;
      }
    });
    worker.on("error", (e) => finish(() => reject(e)));
    worker.on("exit", (code) => finish(() => reject(new Error(`runScenarioAsync: the scenario's worker thread exited with code ${code} before it answered`))));
  });
  // the cache gets this run's KMC results, as runScenario would have put them there
  if (scenario.lattice !== undefined && scenario.species !== undefined) {
    for (const [key, entry] of kmcEntriesOf(scenario, results)) if (!cache.has(key)) cache.set(key, entry);
  }
  return results;
}
