/**
 * Equilibrium and correlation checks of the KMC engine.
 * - Vacancy limit: tracer correlation factor of the simple-cubic lattice f = 0.653109
 *   (Compaan and Haven 1956; Montet, PRB 7, 650, 1973); periodic box L = 10 with one
 *   vacancy: 0.65407 (reference/physics.md).
 * - Detailed balance with two site energies: the occupancies follow the lattice-gas
 *   (Fermi-Dirac) law, [theta_A/(1-theta_A)] / [theta_B/(1-theta_B)] = exp((eB - eA)/kT).
 * - Interactions: two ions with pair energy J on a 4^3 torus spend the Boltzmann fraction
 *   of time adjacent, 192 e^(-J/kT) / (192 e^(-J/kT) + 1824) (exact enumeration: 2016 pairs
 *   of sites, 192 of them bonded).
 */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { buildUnitCell, periodicLattice } from "../../src/structure/lattice/lattice.js";
import { createStream } from "../../src/core/rng.js";
import { ION_CX, ION_CY, ION_CZ, ION_STRIDE, KmcEngine } from "../../src/transport/kmc/engine.js";
import { runKmc } from "../../src/transport/kmc/run.js";
import { estimate } from "../../src/core/stats.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";
import { expectWithinErrors } from "../stats-tolerance.js";

const T = 300;
const kT = BOLTZMANN_EV_PER_K * T;

describe("vacancy limit: tracer correlation factor", () => {
  it("simple cubic, L = 10, one vacancy: f = 0.65407", () => {
    const L = 10, M = 1000, N = 999;
    const model: KmcModel = {
      lattice: cubicLattice({ kind: "simple-cubic", cells: [L, L, L], latticeConstantAngstrom: 1 }),
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1, hopBarrierEV: [0], siteEnergyEV: [0], count: N }],
      temperatureK: T,
      fieldVPerCm: [0, 0, 0],
    };
    // Uncorrelated tracer diffusivity with one vacancy: D0 (M - N) / (M - 1), D0 = nu a^2 = 1
    const dUncorrelated = 1 / (M - 1);
    const fs: number[] = [];
    for (let r = 0; r < 4; r++) {
      const engine = new KmcEngine(model, createStream(21, "vacancy", r), "tree");
      engine.advance(2e5);
      for (let w = 0; w < 4; w++) {
        engine.reset();
        const dt = engine.advance(6e5); // ~600 hops per ion per window
        let msd = 0;
        const d = engine.displacements();
        for (let p = 0; p < N; p++) msd += d[3 * p]! ** 2 + d[3 * p + 1]! ** 2 + d[3 * p + 2]! ** 2;
        fs.push(msd / N / (6 * dUncorrelated * dt));
      }
    }
    const f = estimate(fs);
    // The finite-window offset of a correlated walk is O(1 hop) in ~600: below 0.2 %.
    expectWithinErrors(f.mean, 0.65407, f.stdErr, 0.002 * 0.654);
    expect(f.stdErr).toBeLessThan(0.02); // resolves f from 1 and from the random walk
  });
});

describe("detailed balance", () => {
  it("two site energies: lattice-gas (Fermi-Dirac) occupancies", () => {
    const a = 3;
    const cell = buildUnitCell([a, a, a], [{ type: "A", fractional: [0, 0, 0] }, { type: "B", fractional: [0.5, 0.5, 0.5] }], [
      { from: "A", to: "B", maxDistanceAngstrom: (a * Math.sqrt(3)) / 2 + 1e-6, hopType: "AB" },
    ]);
    const lattice = periodicLattice("bcc-AB", cell, [10, 10, 10]);
    const eB = 0.04;
    for (const scheme of ["null-event", "tree", "class", "type-null-event"] as const) {
      const model: KmcModel = {
        lattice,
        species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1e12, hopBarrierEV: [0.1], siteEnergyEV: [0, eB], count: 1000 }],
        temperatureK: T,
        fieldVPerCm: [0, 0, 0],
      };
      const { summary } = runKmc(model, { replicas: 1, equilibrationHops: 5e4, hops: 1, blocks: 1, scheme }, () => createStream(0, "unused"));
      expect(summary.scheme).toBe(scheme);
      const logOdds: number[] = [];
      for (let r = 0; r < 8; r++) {
        const res = runKmc(model, { replicas: 1, equilibrationHops: 5e4, hops: 2e5, blocks: 1, scheme }, () => createStream(31, scheme, r));
        const occ = res.summary.species[0]!.siteOccupancy;
        const tA = occ.A!, tB = occ.B!;
        logOdds.push(Math.log(tA / (1 - tA)) - Math.log(tB / (1 - tB)));
      }
      const est = estimate(logOdds);
      // canonical ensemble of 1000 ions on 2000 sites: deviation from the grand-canonical law O(1/N)
      expectWithinErrors(est.mean, eB / kT, est.stdErr, 2e-3);
      expect(est.stdErr).toBeLessThan(0.05);
    }
  });

  it("nearest-neighbour interaction: Boltzmann fraction of time adjacent (two ions, exact)", () => {
    const J = -0.03; // attractive, eV
    const model: KmcModel = {
      lattice: cubicLattice({ kind: "simple-cubic", cells: [4, 4, 4], latticeConstantAngstrom: 1 }),
      // the barrier keeps every effective barrier >= 0 (0.1 - 5 x 0.03 / 2 at worst); the
      // fraction of time adjacent does not depend on it
      species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1, hopBarrierEV: [0.1], siteEnergyEV: [0], count: 2 }],
      temperatureK: T,
      fieldVPerCm: [0, 0, 0],
      interactionEV: [J],
    };
    const w = 192 * Math.exp(-J / kT);
    const exact = w / (w + 1824);
    const fractions: number[] = [];
    for (let r = 0; r < 8; r++) {
      const engine = new KmcEngine(model, createStream(41, "pair", r), "tree");
      engine.advance(1000);
      let adjacentTime = 0, total = 0;
      for (let i = 0; i < 40000; i++) {
        const [a, b] = [0, ION_STRIDE];
        const ions = engine.ions;
        const dx = Math.abs(ions[a + ION_CX]! - ions[b + ION_CX]!), dy = Math.abs(ions[a + ION_CY]! - ions[b + ION_CY]!), dz = Math.abs(ions[a + ION_CZ]! - ions[b + ION_CZ]!);
        const wrap = (d: number): number => Math.min(d, 4 - d);
        const adjacent = wrap(dx) + wrap(dy) + wrap(dz) === 1;
        const dt = engine.advance(1); // waiting time spent in the state just observed
        total += dt;
        if (adjacent) adjacentTime += dt;
      }
      fractions.push(adjacentTime / total);
      expect(engine.checkConsistency()).toEqual([]);
    }
    const est = estimate(fractions);
    expectWithinErrors(est.mean, exact, est.stdErr);
    expect(est.stdErr / exact).toBeLessThan(0.05);
  });
});

describe("reproducibility", () => {
  const model: KmcModel = {
    lattice: cubicLattice({ kind: "fcc", cells: [6, 6, 6], latticeConstantAngstrom: 4 }),
    species: [{ name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.16], siteEnergyEV: [0], count: 300 }],
    temperatureK: 298.15,
    fieldVPerCm: [0, 0, 0],
  };
  const opts = { replicas: 3, equilibrationHops: 1000, hops: 20000, blocks: 5 };
  it("same seed, same results; another seed, other results", () => {
    const a = runKmc(model, opts, (r) => createStream(7, "kmc", 0, r)).summary;
    const b = runKmc(model, opts, (r) => createStream(7, "kmc", 0, r)).summary;
    const c = runKmc(model, opts, (r) => createStream(8, "kmc", 0, r)).summary;
    expect(b).toEqual(a);
    expect(c.species[0]!.tracerDiffusivityCm2PerS).not.toBe(a.species[0]!.tracerDiffusivityCm2PerS);
  });
  it("replicas are independent streams: their records differ", () => {
    const rows = [0, 1, 2].map((r) => runKmc(model, { ...opts, replicas: 1 }, () => createStream(7, "kmc", 0, r)).summary.species[0]!.tracerDiffusivityCm2PerS);
    expect(new Set(rows).size).toBe(3);
  });
});
