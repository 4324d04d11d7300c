/**
 * A child process of the kmc-uio67-workers benchmark (benchmarks/kmc.ts, twoProcesses):
 * builds kmc-uio67's model, says it is ready, then on "go" times runKmc of the replicas it is
 * given on its own thread (no worker thread to start) and replies with the seconds.
 */
import { createStream } from "../src/core/rng.js";
import { runKmc, type KmcRunOptions } from "../src/transport/kmc/run.js";
import { pelletModel } from "./kmc.js";

const model = pelletModel();
process.once("message", (m: { type: "go"; run: KmcRunOptions; part: number }) => {
  const t0 = process.hrtime.bigint();
  runKmc(model, m.run, (r) => createStream(1, "bench", "workers", "part", m.part, r));
  process.send!({ type: "done", seconds: Number(process.hrtime.bigint() - t0) * 1e-9 }, () => process.disconnect());
});
process.send!({ type: "ready" });
