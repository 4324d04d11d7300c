/** Replicas on worker threads give results identical to runKmc on one thread (same seed). */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { createStream } from "../../src/core/rng.js";
import { runKmc, type KmcRunOptions } from "../../src/transport/kmc/run.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";
import { blocksPerTask, runKmcOnWorkers } from "../../src/sweep/kmcReplicas.js";

const model: KmcModel = {
  lattice: cubicLattice({ kind: "bcc", cells: [5, 5, 5], latticeConstantAngstrom: 3 }),
  species: [
    { name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.2], siteEnergyEV: [0], count: 60 },
    { name: "X-", charge: -1, attemptFrequencyHz: 1e12, hopBarrierEV: [0.25], siteEnergyEV: [0], count: 20 },
  ],
  temperatureK: 300,
  fieldVPerCm: [1e5, 0, 0],
};

describe("replicas on worker threads", () => {
  for (const scheme of ["type-null-event", "tree"] as const) {
    for (const extra of [{}, { targetRelativeError: 0.02, maxHops: 24000 }]) {
      it(`${scheme}${extra.targetRelativeError ? " with a precision target" : ""}: identical to one thread`, async () => {
        const options: KmcRunOptions = { replicas: 3, equilibrationHops: 2000, hops: 6000, blocks: 4, scheme, ...extra };
        const serial = runKmc(model, options, (r) => createStream(77, "kmc", 300, r));
        const parallel = await runKmcOnWorkers(model, options, 77, ["kmc", 300], 2);
        expect(parallel).toEqual(serial);
        // each round cut into tasks of one block (the threads take turns on the replicas)
        const cut = await runKmcOnWorkers(model, options, 77, ["kmc", 300], 2, { minTaskHops: 1 });
        expect(cut).toEqual(serial);
      });
    }
  }

  it("rounds are cut into tasks only when replicas outnumber threads, into about 8 per thread, none below the fewest hops", () => {
    // kmc-uio67's case: 4 replicas of 4e6 hops in 20 blocks on 2 threads, 1620 sites: 4 tasks of 5 blocks each
    expect(blocksPerTask(4, 2, 4e6, 20, 1620)).toBe(5);
    // the paper scenarios' rounds of 4e5 hops are below the fewest hops of a task: whole rounds
    expect(blocksPerTask(4, 2, 4e5, 20, 1620)).toBe(20);
    // a thread per replica: whole rounds
    expect(blocksPerTask(4, 4, 4e6, 20, 1620)).toBe(20);
    // a large lattice: at least 100 hops per site in a task (1e5 sites -> 1e7 hops of 4e7: 4 tasks)
    expect(blocksPerTask(3, 2, 4e7, 20, 1e5)).toBe(5);
    // no more tasks than blocks
    expect(blocksPerTask(2, 1, 1e9, 3, 10)).toBe(1);
  });
});
