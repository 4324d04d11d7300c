/**
 * A scenario's KMC stage with each temperature's replicas on worker threads: the entries
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
  /** Threads per temperature's replicas (capped by the replica count). */
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
 * Run the KMC of every temperature of `scenario` that the cache does not hold yet, each
 * temperature's replicas on `workers` threads; returns the cache (a new one if none was
 * given). A scenario without a KMC part returns it unchanged.
 */
export async function runScenarioKmcOnWorkers(scenario: Scenario, options: ScenarioKmcOptions): Promise<Map<string, KmcTemperatureResult>> {
  const cache = options.cache ?? new Map<string, KmcTemperatureResult>();
  if (scenario.lattice === undefined || scenario.species === undefined) return cache;
  const runOptions = kmcRunOptions(scenario);
  const workers = Math.min(checkKmcWorkers(options.workers), runOptions.replicas);
  const temps = scenario.temperaturesK;
  options.signal?.throwIfAborted();
  const toRun = temps.filter((T) => !cache.has(kmcCacheKey(scenario, T)));
  if (toRun.length === 0) {
    buildLattice(scenario); // checked as before, though nothing is left to run
    return cache;
  }
  // the threads start (and load the engine) while this thread builds the lattice and the first model
  const pool: ReplicaPool = createReplicaPool(workers);
  // hops planned over the temperatures the cache does not hold, and done so far
  const perTemperature = plannedKmcHops(runOptions);
  const planned = perTemperature * toRun.length;
  let before = 0;
  const report = (stage: string, hops: number): void => {
    const done = Math.min(planned, before + hops);
    options.onProgress?.(planned > 0 ? done / planned : 1, stage, { kind: "kmc", stage, done: { ...NO_WORK, kmc: done }, planned: { ...NO_WORK, kmc: planned } });
  };
  try {
    const lattice = buildLattice(scenario);
    for (const temperatureK of toRun) {
      const model = buildKmcModel(scenario, lattice, temperatureK);
      const stage = `KMC ${temperatureK} K`;
      report(stage, 0);
      const run = await runKmcOnPool(pool, model, runOptions, scenario.seed, kmcStreamPath(temperatureK), {
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        onProgress: (f) => report(stage, Math.round(f * perTemperature)),
      });
      before += perTemperature;
      report(stage, 0);
      cache.set(kmcCacheKey(scenario, temperatureK), kmcTemperatureResult(scenario, model, run));
    }
  } finally {
    await pool.destroy();
  }
  return cache;
}
