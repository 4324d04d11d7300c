import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { createStream } from "../../src/core/rng.js";
import { runKmc } from "../../src/transport/kmc/run.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";

const model: KmcModel = {
  lattice: cubicLattice({ kind: "simple-cubic", cells: [10, 10, 10], latticeConstantAngstrom: 3 }),
  species: [{ name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.2], siteEnergyEV: [0], count: 200 }],
  temperatureK: 300,
  fieldVPerCm: [0, 0, 0],
};

describe("target precision", () => {
  it("extends the run until the relative standard error is below the target, reproducibly", () => {
    const opts = { replicas: 2, equilibrationHops: 1000, hops: 5000, blocks: 10, targetRelativeError: 0.04, maxHops: 5e6 };
    const a = runKmc(model, opts, (r) => createStream(1, "target", r)).summary;
    expect(a.totalConductivityStdErr / a.totalConductivitySPerCm).toBeLessThanOrEqual(0.04);
    expect(a.hopsPerReplica).toBeGreaterThan(5000); // it did have to extend
    const b = runKmc(model, opts, (r) => createStream(1, "target", r)).summary;
    expect(b).toEqual(a);
  });
  it("stops at maxHops when the target is out of reach", () => {
    const a = runKmc(model, { replicas: 2, equilibrationHops: 0, hops: 2000, blocks: 4, targetRelativeError: 1e-4, maxHops: 16000 }, (r) => createStream(2, "cap", r)).summary;
    expect(a.hopsPerReplica).toBeLessThanOrEqual(16000);
    expect(a.totalConductivityStdErr / a.totalConductivitySPerCm).toBeGreaterThan(1e-4);
  });
});
