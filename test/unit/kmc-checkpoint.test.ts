/** A run stopped at any chunk or block and continued from its checkpoint gives the identical result. */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { createStream } from "../../src/core/rng.js";
import { runKmc, type KmcRunOptions, type KmcRunState } from "../../src/transport/kmc/run.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";
import { KmcEngine, hopChannels, rateClasses, type Scheme } from "../../src/transport/kmc/engine.js";
import { encodeArray, decodeInt32 } from "../../src/core/codec.js";

const model: KmcModel = {
  lattice: cubicLattice({ kind: "bcc", cells: [5, 5, 5], latticeConstantAngstrom: 3 }),
  species: [
    { name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.2], siteEnergyEV: [0], count: 60 },
    { name: "X-", charge: -1, attemptFrequencyHz: 1e12, hopBarrierEV: [0.25], siteEnergyEV: [0], count: 20 },
  ],
  temperatureK: 300,
  fieldVPerCm: [1e5, 0, 0],
};

class AbortRun extends Error {}

function run(scheme: Scheme, opts: Partial<KmcRunOptions>, checkpoint?: KmcRunOptions["checkpoint"]) {
  return runKmc(model, { replicas: 3, equilibrationHops: 3000, hops: 6000, blocks: 4, scheme, ...opts, ...(checkpoint ? { checkpoint } : {}) }, (r) => createStream(77, scheme, r));
}

describe("checkpoints", () => {
  for (const scheme of ["null-event", "tree", "class", "type-null-event"] as const) {
    for (const opts of [{}, { targetRelativeError: 0.02, maxHops: 48000 }]) {
      it(`${scheme}${opts.targetRelativeError ? " with a precision target" : ""}: resume from any save point`, () => {
        const reference = run(scheme, opts).summary;
        // collect every state the run would save, through a JSON round trip like a file
        const states: KmcRunState[] = [];
        run(scheme, opts, { due: () => true, save: (s) => states.push(JSON.parse(JSON.stringify(s)) as KmcRunState) });
        expect(states.length).toBeGreaterThan(20);
        for (const k of [0, 1, 5, Math.floor(states.length / 2), states.length - 1]) {
          const resumed = run(scheme, opts, { initial: states[k]!, due: () => false, save: () => undefined }).summary;
          expect(resumed).toEqual(reference);
        }
        // and a run killed mid-way (an exception at the 7th save) resumes from its last save
        let last: KmcRunState | undefined;
        let n = 0;
        expect(() => run(scheme, opts, { due: () => true, save: (s) => { last = JSON.parse(JSON.stringify(s)) as KmcRunState; if (++n === 7) throw new AbortRun(); } })).toThrow(AbortRun);
        expect(run(scheme, opts, { initial: last!, due: () => false, save: () => undefined }).summary).toEqual(reference);
      });
    }
  }

  for (const scheme of ["class", "type-null-event"] as const) {
    it(`${scheme}: the lists' order is part of the state, and a checkpoint without it or with a wrong one is refused`, () => {
      const engine = new KmcEngine(model, createStream(5, scheme), scheme);
      engine.advance(500);
      const state = engine.snapshot();
      expect(state.events).toBeDefined();
      const { events: _dropped, ...bare } = state;
      expect(() => new KmcEngine(model, createStream(5), scheme, bare)).toThrow(`checkpoint of the ${scheme} scheme lacks its lists (events)`);
      // the lists name one entry twice
      const lists = decodeInt32(state.events!);
      const K = scheme === "class" ? rateClasses(model).boundHz.length : hopChannels(model).listStart.length - 1; // the counts come first
      expect(lists.length).toBeGreaterThan(K + 1);
      const broken = Int32Array.from(lists);
      broken[K + 1] = broken[K]!;
      expect(() => new KmcEngine(model, createStream(5), scheme, { ...state, events: encodeArray(broken) })).toThrow(/^checkpoint's event lists do not match/);
      // restored, it continues exactly as the original
      const copy = new KmcEngine(model, createStream(6), scheme, JSON.parse(JSON.stringify(state)) as typeof state);
      engine.advance(300);
      copy.advance(300);
      expect(copy.snapshot()).toEqual(engine.snapshot());
    });
  }
});

describe("checkpoints with pair energies by shell", () => {
  // the per-site counts of the table mode are recomputed from the occupancy on restore:
  // integers, so the resumed run is the same to the bit
  const shells: KmcModel = {
    ...model,
    pairInteractions: [
      { species: [0, 0], shellMaxDistanceAngstrom: [2.7, 3.1], shellEnergyEV: [0.01, 0.004] },
      { species: [0, 1], shellMaxDistanceAngstrom: [2.7], shellEnergyEV: [-0.01] },
    ],
  };
  for (const scheme of ["tree", "null-event"] as const) {
    it(`${scheme}: resume from a save point`, () => {
      const go = (checkpoint?: KmcRunOptions["checkpoint"]) =>
        runKmc(shells, { replicas: 2, equilibrationHops: 2000, hops: 4000, blocks: 4, scheme, ...(checkpoint ? { checkpoint } : {}) }, (r) => createStream(79, scheme, r));
      const reference = go().summary;
      const states: KmcRunState[] = [];
      go({ due: () => true, save: (s) => states.push(JSON.parse(JSON.stringify(s)) as KmcRunState) });
      for (const k of [1, Math.floor(states.length / 2), states.length - 1]) {
        expect(go({ initial: states[k]!, due: () => false, save: () => undefined }).summary).toEqual(reference);
      }
    });
  }
});
