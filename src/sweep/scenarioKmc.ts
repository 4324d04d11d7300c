/**
 * A scenario's KMC stage with the replicas of all its temperatures on worker threads: the entries
 * runScenario's KMC cache holds, computed by runKmcOnWorkers (identical to runKmc on one
 * thread for the same seed), so that runScenario given the filled cache returns the same
 * Results as a serial run, whatever the number of workers.
 */
import { InputError } from "../core/errors.js";
import { buildKmcModel, buildLattice } from "../pipeline/kmcModel.js";
import { kmcCacheKey, kmcRunOptions, kmcStreamPath, kmcTemperatureResult, type KmcTemperatureResult } from "../pipeline/runScenario.js";
import { NO_WORK, plannedKmcHops, type ScenarioProgress } from "../pipeline/progress.js";
import type { Scenario } from "../scenario/schema.js";
import { createReplicaPool, runKmcOnPool, type ReplicaPool } from "./kmcReplicas.js";

export interface ScenarioKmcOptions {
  /** Threads for the replicas (capped by the replica count times the temperatures to run). */
  readonly workers: number;
  /** Entries already known (read first, then filled): runScenario's kmcCache. */
  readonly cache?: Map<string, KmcTemperatureResult>;
  /** As runScenario's onProgress over its KMC stage: fraction, "KMC T K", and the hops done and planned. */
  readonly onProgress?: (fraction: number, stage: string, progress: ScenarioProgress) => void;
  readonly signal?: AbortSignal;
}

/** Check a number of KMC worker threads (`what` names the option in the message). */
export function checkKmcWorkers(n: number, what = "kmcWorkers"): number {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InputError(`${what}: got ${String(n)}; must be an integer from 1 to 256`);
  return n;
}

/**
 * Run the KMC of every temperature of `scenario` that the cache does not hold yet, the
 * replicas of all of them on `workers` threads at once; returns the cache (a new one if none
 * was given), filled in temperature order. A scenario without a KMC part returns it unchanged.
 */
export async function runScenarioKmcOnWorkers(scenario: Scenario, options: ScenarioKmcOptions): Promise<Map<string, KmcTemperatureResult>> {
  const cache = options.cache ?? new Map<string, KmcTemperatureResult>();
  if (scenario.lattice === undefined || scenario.species === undefined) return cache;
  const runOptions = kmcRunOptions(scenario);
  const requested = checkKmcWorkers(options.workers);
  const temps = scenario.temperaturesK;
  options.signal?.throwIfAborted();
  const toRun = temps.filter((T) => !cache.has(kmcCacheKey(scenario, T)));
  const workers = Math.min(requested, runOptions.replicas * Math.max(1, toRun.length));
  if (toRun.length === 0) {
    buildLattice(scenario); // checked as before, though nothing is left to run
    return cache;
  }
  // the threads start (and load the engine) while this thread builds the lattice and the first model
  const pool: ReplicaPool = createReplicaPool(workers);
  // hops planned over the temperatures the cache does not hold, and done so far at each
  const perTemperature = plannedKmcHops(runOptions);
  const planned = perTemperature * toRun.length;
  const doneAt = new Float64Array(toRun.length);
  let doneHops = 0;
  const report = (stage: string): void => {
    const done = Math.min(planned, doneHops);
    options.onProgress?.(planned > 0 ? done / planned : 1, stage, { kind: "kmc", stage, done: { ...NO_WORK, kmc: done }, planned: { ...NO_WORK, kmc: planned } });
  };
  try {
    const lattice = buildLattice(scenario);
    const models = toRun.map((temperatureK) => buildKmcModel(scenario, lattice, temperatureK));
    // every temperature's replica rounds go to the pool at once (no temperature waits for the
    // last replica of the one before); each replica's stream is named by its temperature and
    // number, so the results do not depend on the order the threads take them in
    const runs = await Promise.all(
      toRun.map((temperatureK, i) => {
        const stage = `KMC ${temperatureK} K`;
        report(stage);
        const reach = (hops: number): void => {
          doneHops += hops - doneAt[i]!;
          doneAt[i] = hops;
          report(stage);
        };
        return runKmcOnPool(pool, models[i]!, runOptions, scenario.seed, kmcStreamPath(temperatureK), {
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
          onProgress: (f) => reach(Math.round(f * perTemperature)),
        }).then((run) => {
          reach(perTemperature); // all planned, also when the target error stopped it early
          return run;
        });
      }),
    );
    toRun.forEach((temperatureK, i) => cache.set(kmcCacheKey(scenario, temperatureK), kmcTemperatureResult(scenario, models[i]!, runs[i]!)));
  } finally {
    await pool.destroy();
  }
  return cache;
}
