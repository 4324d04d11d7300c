/**
 * The KMC replica worker (loaded by runKmcOnWorkers from the BUILT file
 * dist/sweep/kmcWorker.js): one task is one round of one replica, continued from the state
 * the previous round returned, so the replica's stream and engine continue exactly as in
 * runKmc on one thread. Its imports are the engine's only (a thread loads them at start):
 * the replica's stream comes seeded (ReplicaTask.stream), so seedrandom stays out.
 */
import { RandomStream } from "../core/xoshiro.js";
import { ReplicaRun } from "../transport/kmc/observe.js";
import type { ReplicaReply, ReplicaTask } from "./kmcReplicas.js";

export default function handle(task: ReplicaTask): ReplicaReply {
  switch (task.type) {
    case "replica-round": {
      const run = new ReplicaRun(task.model, new RandomStream(task.stream), task.scheme, undefined, task.state ?? undefined);
      run.equilibrate(task.equilibrationHops); // a no-op once measuring
      run.measure(task.hops, task.blocks);
      return { type: "replica-round-done", replica: task.replica, state: run.state(), record: run.record() };
    }
  }
}
