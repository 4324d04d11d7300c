/**
 * The worker pool: piscina (see README, "Sweeps") running the BUILT worker file
 * dist/sweep/worker.js, resolved relative to this module (under vitest, which runs the
 * TypeScript sources, from src/sweep/ to dist/sweep/). One task per job attempt; the
 * job's progress comes back on a MessagePort transferred with the task.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { Piscina } from "piscina";
import type { ScenarioProgress } from "../pipeline/progress.js";
import type { Scenario } from "../scenario/schema.js";
import type { JobRunOptions, KmcCacheEntry } from "./definition.js";
import { serializeError, type InjectedFault, type JobReply, type MainMessage, type SerializedError, type WorkerMessage } from "./messages.js";

let compilesOnOwnThread: boolean | undefined;

/**
 * Start a pool's threads with V8's optimizing compiler on their own thread when the pool
 * takes every core. V8 compiles hot functions on a background thread (concurrent
 * recompilation); with a CPU-bound worker on every core that thread takes its time from the
 * workers. Measured (kmc-uio67-workers, 4 replicas x 4e6 hops, 2 workers on the 2 cores,
 * three alternating runs each, 2026-11-30): 2 workers 1.26-1.36 s with it off, 1.35-1.44 s on;
 * efficiency from 1 to 2 workers 0.87-0.92 against 0.77-0.82. With a core to spare the
 * background compiler uses it, so it stays on. The flag is V8's and process-wide; it is read
 * when an isolate (a thread) starts, so it changes only the threads started after it.
 */
export function setWorkerCompilation(workers: number): void {
  const own = workers >= availableParallelism();
  if (own === compilesOnOwnThread) return;
  compilesOnOwnThread = own;
  setFlagsFromString(own ? "--no-concurrent-recompilation" : "--concurrent-recompilation");
}

/** file: URL of a built worker (default the sweep's); a clear error when it has not been built. */
export function workerFileUrl(name = "worker"): string {
  const here = import.meta.url;
  const url = /\.ts$/.test(here) ? new URL(`../../dist/sweep/${name}.js`, here) : new URL(`./${name}.js`, here);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new Error(`the sweep worker ${path} is missing: run \`npm run build\` first`);
  return url.href;
}

/** How one attempt ended: the worker's reply, its death, or an abort (SIGINT/SIGTERM). */
export type AttemptOutcome =
  | JobReply
  | { readonly type: "died"; readonly job: number; readonly error: SerializedError; readonly seconds: number }
  | { readonly type: "aborted"; readonly job: number };

export interface AttemptRequest {
  readonly job: number;
  readonly attempt: number;
  readonly scenario: Scenario;
  readonly baseDir: string;
  readonly fault?: InjectedFault;
  readonly runOptions?: JobRunOptions;
  readonly kmc?: readonly (readonly [string, KmcCacheEntry])[];
  readonly page?: boolean;
  readonly shareKmc?: boolean;
}

export class JobPool {
  private readonly pool: Piscina<MainMessage, JobReply>;

  constructor(readonly threads: number) {
    setWorkerCompilation(threads);
    this.pool = new Piscina<MainMessage, JobReply>({
      filename: workerFileUrl(),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
    });
  }

  /** Run one attempt; never rejects (a failure is an outcome). Aborting `signal` ends the worker. */
  async run(
    request: AttemptRequest,
    onProgress: (fraction: number, progress: ScenarioProgress) => void,
    signal: AbortSignal,
    onKmc?: (key: string, entry: KmcCacheEntry) => void,
  ): Promise<AttemptOutcome> {
    const { port1, port2 } = new MessageChannel();
    const deliver = (m: WorkerMessage): void => {
      if (m.type === "progress") onProgress(m.fraction, m.progress);
      else if (m.type === "kmc") onKmc?.(m.key, m.entry);
    };
    port1.on("message", deliver);
    const start = performance.now();
    const message: MainMessage = { type: "run", ...request, port: port2 };
    try {
      return await this.pool.run(message, { transferList: [port2], signal });
    } catch (e) {
      if (signal.aborted) return { type: "aborted", job: request.job };
      return { type: "died", job: request.job, error: serializeError(e), seconds: (performance.now() - start) / 1000 };
    } finally {
      // the worker's last progress (its "done" event) can still wait on the port when its reply
      // comes (another channel): deliver it before the outcome, so a job's events end at done == planned
      for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) deliver(m.message as WorkerMessage);
      port1.close();
    }
  }

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}
