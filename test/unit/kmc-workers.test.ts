/** Replicas on worker threads give results identical to runKmc on one thread (same seed). */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { createStream } from "../../src/core/rng.js";
import { runKmc, type KmcRunOptions } from "../../src/transport/kmc/run.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";
import { runKmcOnWorkers } from "../../src/sweep/kmcReplicas.js";

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
      });
    }
  }
});
