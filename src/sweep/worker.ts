/**
 * The sweep worker (loaded by the pool from the BUILT file dist/sweep/worker.js): runs one
 * job per task. A job that throws is answered with a "failed" message; a worker that dies
 * (process.exit, an uncaught error) is seen by the pool as a rejected task.
 */
import { performance } from "node:perf_hooks";
import { InputError } from "../core/errors.js";
import { threadId } from "node:worker_threads";
import { runScenario, type Realisation0 } from "../pipeline/runScenario.js";
import { serializeError, type JobKmcMessage, type JobProgressMessage, type JobReply, type MainMessage } from "./messages.js";
import type { KmcCacheEntry } from "./definition.js";

/** Progress messages at most this often (ms), and whenever the stage changes. */
const PROGRESS_INTERVAL_MS = 200;

/** Exit code of an injected worker death (tests). */
export const INJECTED_EXIT_CODE = 70;

export default function handle(message: MainMessage): JobReply {
  switch (message.type) {
    case "run":
      return runJob(message);
  }
}

function runJob(message: MainMessage): JobReply {
  const start = performance.now();
  const { job, port } = message;
  const seconds = (): number => (performance.now() - start) / 1000;
  try {
    if (message.fault === "exit") process.exit(INJECTED_EXIT_CODE);
    if (message.fault === "throw") throw new Error(`injected fault in job ${job}, attempt ${message.attempt}`);
    if (message.fault === "refuse") throw new InputError(`injected refusal of job ${job}'s input, attempt ${message.attempt}`);
    let last = -Infinity;
    let lastStage = "";
    let page: Realisation0 | undefined;
    // with shareKmc, each KMC result the run makes goes to the main thread as it is made
    const share = message.shareKmc === true && port !== undefined ? port : undefined;
    const results = runScenario(message.scenario, {
      baseDir: message.baseDir,
      ...message.runOptions,
      ...(message.kmc !== undefined ? { kmcCache: new Map<string, KmcCacheEntry>(message.kmc) } : {}),
      ...(share !== undefined ? { onKmcResult: (key: string, entry: KmcCacheEntry) => share.postMessage({ type: "kmc", job, key, entry } satisfies JobKmcMessage) } : {}),
      ...(message.page === true ? { onRealisation0: (r: Realisation0) => (page = r) } : {}),
      onProgress: (fraction, stage, progress) => {
        const now = performance.now();
        if (port === undefined || (stage === lastStage && now - last < PROGRESS_INTERVAL_MS)) return;
        last = now;
        lastStage = stage;
        const m: JobProgressMessage = { type: "progress", job, fraction, progress };
        port.postMessage(m);
      },
    });
    return { type: "done", job, results, ...(page !== undefined ? { page } : {}), seconds: seconds(), worker: threadId };
  } catch (e) {
    return { type: "failed", job, error: serializeError(e), seconds: seconds(), worker: threadId };
  } finally {
    port?.close();
  }
}
