/**
 * What the main thread and a sweep worker say to each other: one discriminated union per
 * direction (after vitest's pool design), so each side switches on `type` and the
 * compiler checks that every message is handled.
 */
import type { MessagePort } from "node:worker_threads";
import type { ScenarioProgress } from "../pipeline/progress.js";
import type { Results } from "../pipeline/results.js";
import type { Realisation0 } from "../pipeline/runScenario.js";
import type { Scenario } from "../scenario/schema.js";
import type { JobRunOptions, KmcCacheEntry } from "./definition.js";

/** A fault to inject into one attempt (tests of the retry path only). */
export type InjectedFault = "throw" | "exit" | "refuse";

/** Main -> worker: run one job. The task's return value is the worker's JobReply. */
export interface RunJobMessage {
  readonly type: "run";
  readonly job: number;
  readonly attempt: number;
  readonly scenario: Scenario;
  /** Directory that files named in the scenario are relative to. */
  readonly baseDir: string;
  /** Progress messages come back on this port (transferred to the worker). */
  readonly port?: MessagePort;
  readonly fault?: InjectedFault;
  /** Options of the run beyond the scenario (default none). */
  readonly runOptions?: JobRunOptions;
  /** KMC results to reuse instead of running them again (same keys as runScenario's cache). */
  readonly kmc?: readonly (readonly [string, KmcCacheEntry])[];
  /** Also return realisation 0 as the page draws it (JobDoneMessage.page), from the network stage's build and solve. */
  readonly page?: boolean;
  /** Send each temperature's KMC result as it is made (JobKmcMessage), for jobs started later that share it. */
  readonly shareKmc?: boolean;
}

export type MainMessage = RunJobMessage;

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export interface JobDoneMessage {
  readonly type: "done";
  readonly job: number;
  readonly results: Results;
  /** With RunJobMessage.page: realisation 0 as the network stage built and solved it (the main thread draws the page from it). */
  readonly page?: Realisation0;
  readonly seconds: number;
  readonly worker: number;
}

export interface JobFailedMessage {
  readonly type: "failed";
  readonly job: number;
  readonly error: SerializedError;
  readonly seconds: number;
  readonly worker: number;
}

/** Worker -> main, on the job's port while it runs: fraction of the job done, 0..1, and its work done and planned. */
export interface JobProgressMessage {
  readonly type: "progress";
  readonly job: number;
  readonly fraction: number;
  readonly progress: ScenarioProgress;
}

/** Worker -> main, on the job's port (with RunJobMessage.shareKmc): one temperature's KMC result, under runScenario's cache key. */
export interface JobKmcMessage {
  readonly type: "kmc";
  readonly job: number;
  readonly key: string;
  readonly entry: KmcCacheEntry;
}

/** The worker's answer to a RunJobMessage. */
export type JobReply = JobDoneMessage | JobFailedMessage;

export type WorkerMessage = JobReply | JobProgressMessage | JobKmcMessage;

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
  return { name: "Error", message: String(e) };
}
