/**
 * The event-selection schemes sample the same process, the clocks are exact, and the
 * cation's share of the current behaves as symmetry demands (the class and type-null-event
 * schemes' selection probabilities and clocks: kmc-selection.test.ts).
 * - Waiting times of the rejection-free scheme are Exp(R_total): for a single ion on simple
 *   cubic, mean dt = 1/(6 Gamma) and var(dt) = mean^2 (KMCLib's test of the engine).
 * - The null-event clock: the time of n attempts is Gamma(n)/Gamma_attempt, mean n/Gamma, var
 *   n/Gamma^2.
 * - Two species of equal mobility and opposite charge: each carries half the current by
 *   symmetry; with the anion closed (infinite barrier), the cation carries all of it.
 */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { buildUnitCell, periodicLattice } from "../../src/structure/lattice/lattice.js";
import { uio67So3Lattice } from "../../src/structure/lattice/uio67.js";
import { createStream } from "../../src/core/rng.js";
import { KmcEngine } from "../../src/transport/kmc/engine.js";
import { runKmc } from "../../src/transport/kmc/run.js";
import { estimate } from "../../src/core/stats.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";
import { expectWithinErrors } from "../stats-tolerance.js";

const sc = (L: number) => cubicLattice({ kind: "simple-cubic", cells: [L, L, L], latticeConstantAngstrom: 1 });

describe("clocks", () => {
  it("tree: waiting times are exponential with rate R_total", () => {
    const model: KmcModel = {
      lattice: sc(8),
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 2, hopBarrierEV: [0], siteEnergyEV: [0], count: 1 }],
      temperatureK: 300,
      fieldVPerCm: [0, 0, 0],
    };
    const engine = new KmcEngine(model, createStream(1, "wait"), "tree");
    const n = 20000;
    const dts = new Float64Array(n);
    for (let i = 0; i < n; i++) dts[i] = engine.advance(1);
    const mean = 1 / 12; // total rate 6 x 2 Hz
    const est = estimate(dts);
    expectWithinErrors(est.mean, mean, est.stdErr);
    // exponential: P(dt > mean) = 1/e; binomial standard error
    let over = 0;
    for (const d of dts) if (d > mean) over++;
    const p = Math.exp(-1);
    expectWithinErrors(over / n, p, Math.sqrt((p * (1 - p)) / n));
  });

  it("null-event: time of n attempts has mean n/Gamma and variance n/Gamma^2", () => {
    const model: KmcModel = {
      lattice: sc(8),
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1, hopBarrierEV: [0], siteEnergyEV: [0], count: 100 }],
      temperatureK: 300,
      fieldVPerCm: [0, 0, 0],
    };
    const engine = new KmcEngine(model, createStream(2, "clock"), "null-event");
    const z: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const a0 = engine.attempts;
      const dt = engine.advance(5);
      const na = engine.attempts - a0;
      const g = engine.attemptRateHz;
      z.push((dt - na / g) / (Math.sqrt(na) / g)); // standardized: mean 0, variance 1
    }
    const est = estimate(z);
    expectWithinErrors(est.mean, 0, est.stdErr);
    const variance = z.reduce((s, v) => s + v * v, 0) / z.length;
    // variance of a sample variance of ~normal data: 2/n (Gamma(n>=5) is near normal; its
    // excess kurtosis 6/n adds below 6/5/4000 ~ 3e-4)
    expectWithinErrors(variance, 1, Math.sqrt((2 + 6 / 5) / z.length));
  });
});

describe("schemes agree", () => {
  it("null-event and tree give the same D* and D_sigma with two site energies (bcc A/B)", () => {
    const cell = buildUnitCell([3, 3, 3], [{ type: "A", fractional: [0, 0, 0] }, { type: "B", fractional: [0.5, 0.5, 0.5] }], [
      { from: "A", to: "B", maxDistanceAngstrom: 1.5 * Math.sqrt(3) + 1e-6, hopType: "AB" },
    ]);
    const model: KmcModel = {
      lattice: periodicLattice("bcc-AB", cell, [8, 8, 8]),
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1e12, hopBarrierEV: [0.1], siteEnergyEV: [0, 0.03], count: 300 }],
      temperatureK: 300,
      fieldVPerCm: [0, 0, 0],
    };
    const opts = { replicas: 6, equilibrationHops: 2e4, hops: 1.5e5, blocks: 30 };
    const a = runKmc(model, { ...opts, scheme: "null-event" }, (r) => createStream(4, "ne", r));
    const b = runKmc(model, { ...opts, scheme: "tree" }, (r) => createStream(4, "tree", r));
    expect(a.consistencyErrors).toEqual([]);
    expect(b.consistencyErrors).toEqual([]);
    const x = a.summary.species[0]!, y = b.summary.species[0]!;
    expectWithinErrors(x.tracerDiffusivityCm2PerS - y.tracerDiffusivityCm2PerS, 0, Math.hypot(x.tracerDiffusivityStdErr, y.tracerDiffusivityStdErr));
    expectWithinErrors(x.chargeDiffusivityCm2PerS - y.chargeDiffusivityCm2PerS, 0, Math.hypot(x.chargeDiffusivityStdErr, y.chargeDiffusivityStdErr));
  });

  it("bookkeeping stays exact on the dense uio67-so3 lattice with a mobile anion (and, for the tree, interactions)", () => {
    const lattice = uio67So3Lattice({ cells: [2, 2, 2] });
    // pair energies small enough that no effective barrier can go negative (an octahedral
    // site has 32 neighbours), large enough to change every rate
    for (const interactionEV of [undefined, [0.003, -0.0015, -0.0015, 0.003]]) {
      const model: KmcModel = {
        lattice,
        species: [
          { name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.1, 0.15, 0.2, 0.08], siteEnergyEV: [0, 0.1, 0.12], count: 400 },
          { name: "TFSI-", charge: -1, attemptFrequencyHz: 1e12, hopBarrierEV: [Infinity, Infinity, Infinity, 0.1], siteEnergyEV: [Infinity, 0, 0], count: 16 },
        ],
        temperatureK: 298.15,
        fieldVPerCm: [1e5, 0, 0],
        ...(interactionEV !== undefined ? { interactionEV } : {}),
      };
      for (const scheme of interactionEV === undefined ? (["tree", "class", "type-null-event"] as const) : (["tree"] as const)) {
        const engine = new KmcEngine(model, createStream(6, "uio"), scheme);
        for (let i = 0; i < 20; i++) {
          engine.advance(2000);
          expect(engine.checkConsistency()).toEqual([]);
        }
      }
    }
  });

  it("a full box: every rejection-free or bounded scheme says no ion can hop", () => {
    const model: KmcModel = {
      lattice: sc(4),
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1, hopBarrierEV: [0.1], siteEnergyEV: [0], count: 64 }],
      temperatureK: 300,
      fieldVPerCm: [0, 0, 0],
    };
    for (const scheme of ["tree", "class", "type-null-event"] as const) {
      expect(() => new KmcEngine(model, createStream(1), scheme).advance(1)).toThrow("no ion can hop: every ion is blocked (total rate 0)");
    }
  });

  it("the class and type-null-event schemes refuse pair energies", () => {
    const model: KmcModel = {
      lattice: sc(4),
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1, hopBarrierEV: [0.1], siteEnergyEV: [0], count: 2 }],
      temperatureK: 300,
      fieldVPerCm: [0, 0, 0],
      interactionEV: [-0.01],
    };
    for (const scheme of ["class", "type-null-event"] as const) {
      expect(() => new KmcEngine(model, createStream(1), scheme)).toThrow(
        `the ${scheme} scheme cannot take pair energies: it lists hops by a rate fixed per species and bond, and a pair energy changes a hop's rate whenever an ion near it moves; use the tree scheme (the automatic choice) or null-event`,
      );
    }
  });
});

describe("cation share of the current", () => {
  const base = (anionBarrier: number): KmcModel => ({
    lattice: sc(10),
    species: [
      { name: "cation", charge: 1, attemptFrequencyHz: 1e12, hopBarrierEV: [0.1], siteEnergyEV: [0], count: 150 },
      { name: "anion", charge: -1, attemptFrequencyHz: 1e12, hopBarrierEV: [anionBarrier], siteEnergyEV: [0], count: 150 },
    ],
    temperatureK: 300,
    fieldVPerCm: [0, 0, 0],
  });
  it("equal mobilities: 1/2 by symmetry", () => {
    const s = runKmc(base(0.1), { replicas: 4, equilibrationHops: 1e4, hops: 2e5, blocks: 50 }, (r) => createStream(8, "share", r)).summary;
    expectWithinErrors(s.cationShare, 0.5, s.cationShareStdErr);
    expect(s.cationShareStdErr).toBeLessThan(0.05);
  });
  it("immobile anion: 1", () => {
    const s = runKmc(base(Infinity), { replicas: 2, equilibrationHops: 1e3, hops: 2e4, blocks: 10 }, (r) => createStream(8, "share1", r)).summary;
    expect(s.cationShare).toBe(1);
  });
});
