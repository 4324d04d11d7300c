/**
 * The scenario's worker thread of runScenarioAsync (loaded from the BUILT file
 * dist/sweep/scenarioWorker.js): runScenario on the task in workerData, with the KMC
 * results it was given as its cache; progress, then the results or the error, go back as
 * ScenarioWorkerMessages.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { runScenario } from "../pipeline/runScenario.js";
import type { ScenarioTask, ScenarioWorkerError, ScenarioWorkerMessage } from "./runAsync.js";

/** Progress messages at most this often (ms), and whenever the stage changes. */
const PROGRESS_INTERVAL_MS = 100;

function post(m: ScenarioWorkerMessage): void {
  parentPort!.postMessage(m);
}

function errorOf(e: unknown): ScenarioWorkerError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const fields = e as Error & { path?: unknown; problem?: unknown };
  return {
    name: e.name,
    message: e.message,
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
    ...(typeof fields.path === "string" && typeof fields.problem === "string" ? { path: fields.path, problem: fields.problem } : {}),
  };
}

function handle(task: ScenarioTask): void {
  switch (task.type) {
    case "run-scenario": {
      let last = -Infinity;
      let lastStage = "";
      try {
        const results = runScenario(task.scenario, {
          ...task.options,
          kmcCache: new Map(task.kmc),
          onProgress: (fraction, stage, progress) => {
            const now = performance.now();
            if (stage === lastStage && now - last < PROGRESS_INTERVAL_MS) return;
            last = now;
            lastStage = stage;
            post({ type: "progress", fraction, stage, progress });
          },
        });
        post({ type: "done", results });
      } catch (e) {
        post({ type: "failed", error: errorOf(e) });
      }
      return;
    }
  }
}

handle(workerData as ScenarioTask);
