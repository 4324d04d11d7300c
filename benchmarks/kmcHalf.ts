/**
 * A child process of the kmc-uio67-workers benchmark (benchmarks/kmc.ts, twoProcesses):
 * builds kmc-uio67's model, says it is ready, then on "go" times runKmcOnWorkers of the
 * replicas it is given on one worker thread and replies with the seconds.
 */
import { runKmcOnWorkers } from "../src/sweep/kmcReplicas.js";
import type { KmcRunOptions } from "../src/transport/kmc/run.js";
import { pelletModel } from "./kmc.js";

const model = pelletModel();
process.once("message", (m: { type: "go"; run: KmcRunOptions; part: number }) => {
  const t0 = process.hrtime.bigint();
  void runKmcOnWorkers(model, m.run, 1, ["bench", "workers", "part", m.part], 1).then(() => {
    process.send!({ type: "done", seconds: Number(process.hrtime.bigint() - t0) * 1e-9 }, () => process.disconnect());
  });
});
process.send!({ type: "ready" });
