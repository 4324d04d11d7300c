/**
 * Pair energies by distance shell (kmc.interactions; transport/kmc/model.ts, PairTable)
 * against exact results, for the two schemes that take them (tree, null-event).
 * - Equilibrium: the rates obey detailed balance with respect to the total energy, so the
 *   stationary distribution is its Boltzmann distribution (Kolmogorov's criterion; Kelly,
 *   Reversibility and Stochastic Networks, 1979, ch. 1). Two ions on a 4^3 simple-cubic
 *   torus (a = 1) with V = V1 at r = 1 and V2 at r = sqrt 2: the fraction of time at each
 *   distance is N_c e^(-V_c/kT) / sum, N_c counted here by enumerating all 2016 pairs of
 *   sites with minimum-image distances (independently of the engine's shell lists).
 * - Second shell: with V1 = 0 only the second shell acts; the fraction of time at sqrt 2
 *   is its Boltzmann value, many standard errors from the value without it (12/63), so a
 *   neighbourhood by hop-graph adjacency or a lost shell fails.
 * - Kinetics: one mobile ion beside one immobile ion of another species on a 6^3 torus:
 *   every hop's rate is nu exp(-(Eb + dE/2)/kT) with dE the change of pair energy, known
 *   exactly for each pair of distance classes. Transitions of one kind out of a class
 *   form a Poisson process of intensity m r while the ion is in that class (m bonds of the
 *   kind per site), so n / (m T) estimates r with relative standard error 1/sqrt(n).
 * - The shorthand: interactionEV J on the simple-cubic hop graph is the one-shell table
 *   {r <= a: J}; both give the identical trajectory.
 * - Bookkeeping: on uio67-so3 with shells of several species pairs, the tree's rates after
 *   every hop equal a recomputation from scratch (the ions a hop can reach are all updated).
 * Tolerances: 4 standard errors (test/stats-tolerance.ts).
 */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { uio67So3Lattice } from "../../src/structure/lattice/uio67.js";
import { createStream } from "../../src/core/rng.js";
import { ION_CX, ION_CY, ION_CZ, ION_STRIDE, KmcEngine, chooseScheme } from "../../src/transport/kmc/engine.js";
import { estimate } from "../../src/core/stats.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";
import type { KmcModel, PairInteraction } from "../../src/transport/kmc/model.js";
import { expectWithinErrors } from "../stats-tolerance.js";

const T = 300;
const kT = BOLTZMANN_EV_PER_K * T;

/** Squared minimum-image distance between ions p and q of a simple-cubic box of L cells (a = 1). */
function distance2(engine: KmcEngine, p: number, q: number, L: number): number {
  const ions = engine.ions;
  let d2 = 0;
  for (const axis of [ION_CX, ION_CY, ION_CZ]) {
    const d = Math.abs(ions[p * ION_STRIDE + axis]! - ions[q * ION_STRIDE + axis]!);
    d2 += Math.min(d, L - d) ** 2;
  }
  return d2;
}

/** Boltzmann fractions of two ions at r^2 = 1, r^2 = 2 and farther on an L^3 torus, by enumeration of all pairs of sites. */
function exactPairFractions(L: number, v1: number, v2: number): [number, number, number] {
  const w = [0, 0, 0];
  const n = L ** 3;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let d2 = 0;
      for (const [a, b] of [[i % L, j % L], [Math.floor(i / L) % L, Math.floor(j / L) % L], [Math.floor(i / (L * L)), Math.floor(j / (L * L))]] as const) {
        const d = Math.abs(a - b);
        d2 += Math.min(d, L - d) ** 2;
      }
      if (d2 === 1) w[0]! += Math.exp(-v1 / kT);
      else if (d2 === 2) w[1]! += Math.exp(-v2 / kT);
      else w[2]! += 1;
    }
  const z = w[0]! + w[1]! + w[2]!;
  return [w[0]! / z, w[1]! / z, w[2]! / z];
}

const shells = (v1: number, v2: number): PairInteraction => ({ species: [0, 0], shellMaxDistanceAngstrom: [1, 1.5], shellEnergyEV: [v1, v2] });

function twoIons(v1: number, v2: number): KmcModel {
  return {
    lattice: cubicLattice({ kind: "simple-cubic", cells: [4, 4, 4], latticeConstantAngstrom: 1 }),
    // the barrier keeps every effective barrier >= 0 (with one other ion the mover's energy
    // drops by at most max(V1 - V2, V1, -V2)); the fractions do not depend on it
    species: [{ name: "ion", charge: 1, attemptFrequencyHz: 1, hopBarrierEV: [0.1], siteEnergyEV: [0], count: 2 }],
    temperatureK: T,
    fieldVPerCm: [0, 0, 0],
    pairInteractions: [shells(v1, v2)],
  };
}

/** Time-weighted fractions of time at r^2 = 1, 2 and farther: one estimate per replica. */
function pairFractions(model: KmcModel, scheme: "tree" | "null-event", label: string, replicas: number, steps: number): number[][] {
  const out: number[][] = [[], [], []];
  for (let r = 0; r < replicas; r++) {
    const engine = new KmcEngine(model, createStream(43, label, scheme, r), scheme);
    engine.advance(1000);
    const time = [0, 0, 0];
    for (let i = 0; i < steps; i++) {
      const d2 = distance2(engine, 0, 1, 4);
      const dt = engine.advance(1); // the waiting time spent in the state just observed
      time[d2 === 1 ? 0 : d2 === 2 ? 1 : 2]! += dt;
    }
    const total = time[0]! + time[1]! + time[2]!;
    for (let c = 0; c < 3; c++) out[c]!.push(time[c]! / total);
    expect(engine.checkConsistency()).toEqual([]);
  }
  return out;
}

describe("pair energies by distance shell: equilibrium", () => {
  it("two ions, repulsive first shell and attractive second: Boltzmann fractions of time at each distance (exact enumeration), tree and null-event", () => {
    const v1 = 0.03, v2 = -0.04;
    const model = twoIons(v1, v2);
    expect(chooseScheme(model)).toBe("tree");
    const exact = exactPairFractions(4, v1, v2);
    for (const scheme of ["tree", "null-event"] as const) {
      const fractions = pairFractions(model, scheme, "equilibrium", 8, 30000);
      for (let c = 0; c < 2; c++) {
        const est = estimate(fractions[c]!);
        expectWithinErrors(est.mean, exact[c]!, est.stdErr);
        expect(est.stdErr / exact[c]!).toBeLessThan(0.08);
      }
    }
  });

  it("the second shell acts on its own: V1 = 0, V2 = +0.05 eV gives its Boltzmann fraction at r = sqrt 2, far from 12/63", () => {
    const model = twoIons(0, 0.05);
    const exact = exactPairFractions(4, 0, 0.05);
    const without = exactPairFractions(4, 0, 0); // 12/63 at r = sqrt 2
    expect(without[1]).toBeCloseTo(12 / 63, 12);
    const est = estimate(pairFractions(model, "tree", "second-shell", 8, 20000)[1]!);
    expectWithinErrors(est.mean, exact[1], est.stdErr);
    // the test has the power to see a lost shell: the value without it is > 10 errors away
    expect(Math.abs(without[1] - est.mean) / est.stdErr).toBeGreaterThan(10);
  });
});

describe("pair energies by distance shell: kinetics", () => {
  it("hop rates around an immobile ion are nu exp(-(Eb + dE/2)/kT) for each pair of distance classes, tree and null-event", () => {
    const L = 6, nu = 1e12, eb = 0.1, v1 = -0.05, v2 = -0.02;
    const model: KmcModel = {
      lattice: cubicLattice({ kind: "simple-cubic", cells: [L, L, L], latticeConstantAngstrom: 1 }),
      species: [
        { name: "Li+", charge: 1, attemptFrequencyHz: nu, hopBarrierEV: [eb], siteEnergyEV: [0], count: 1 },
        { name: "X-", charge: -1, attemptFrequencyHz: nu, hopBarrierEV: [Infinity], siteEnergyEV: [0], count: 1 },
      ],
      temperatureK: T,
      fieldVPerCm: [0, 0, 0],
      pairInteractions: [{ species: [0, 1], shellMaxDistanceAngstrom: [1, 1.5], shellEnergyEV: [v1, v2] }],
    };
    const rate = (dE: number): number => nu * Math.exp(-(eb + dE / 2) / kT);
    // [from r^2, to r^2 (list), bonds of that kind per site, dE]
    const kinds: [number, readonly number[], number, number][] = [
      [1, [2], 4, v2 - v1], // contact -> second shell
      [1, [4], 1, -v1], // contact -> straight out, beyond the shells
      [2, [1], 2, v1 - v2], // second shell -> contact
      [2, [3, 5], 4, -v2], // second shell -> beyond the shells
    ];
    for (const scheme of ["tree", "null-event"] as const) {
      const timeIn = new Map<number, number>();
      const counts = kinds.map(() => 0);
      for (let r = 0; r < 4; r++) {
        const engine = new KmcEngine(model, createStream(47, "kinetics", scheme, r), scheme);
        engine.advance(1000);
        for (let i = 0; i < 60000; i++) {
          const before = distance2(engine, 0, 1, L);
          const dt = engine.advance(1);
          const after = distance2(engine, 0, 1, L);
          timeIn.set(before, (timeIn.get(before) ?? 0) + dt);
          kinds.forEach(([from, to], j) => { if (before === from && to.includes(after)) counts[j]!++; });
        }
        expect(engine.checkConsistency()).toEqual([]);
      }
      kinds.forEach(([from, , m, dE], j) => {
        const n = counts[j]!;
        expect(n, `${scheme}: transitions of kind ${j}`).toBeGreaterThan(1500);
        const estimated = n / (m * timeIn.get(from)!);
        expectWithinErrors(estimated / rate(dE), 1, 1 / Math.sqrt(n));
      });
    }
  });
});

describe("the shorthand and the table", () => {
  it("interactionEV J on the simple-cubic hop graph and the one-shell table {r <= a: J} give the identical trajectory", () => {
    const base = {
      lattice: cubicLattice({ kind: "simple-cubic", cells: [5, 5, 5], latticeConstantAngstrom: 2 }),
      species: [{ name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.2], siteEnergyEV: [0], count: 30 }],
      temperatureK: T,
      fieldVPerCm: [2e5, 0, 0] as const,
    };
    const J = 2 ** -6; // eV; dyadic, so that a sum over neighbours and a count times J agree to the bit
    const scalar: KmcModel = { ...base, interactionEV: [J] };
    const table: KmcModel = { ...base, pairInteractions: [{ species: [0, 0], shellMaxDistanceAngstrom: [2], shellEnergyEV: [J] }] };
    for (const scheme of ["tree", "null-event"] as const) {
      const a = new KmcEngine(scalar, createStream(53, "shorthand", scheme), scheme);
      const b = new KmcEngine(table, createStream(53, "shorthand", scheme), scheme);
      expect(b.advance(20000)).toBe(a.advance(20000));
      expect(b.ions).toEqual(a.ions);
      expect(b.attempts).toBe(a.attempts);
    }
  });
});

describe("tree bookkeeping with shells", () => {
  it("uio67-so3 with Li+ and a mobile anion, shells of three species pairs under a field: rates stay exact", () => {
    const model: KmcModel = {
      lattice: uio67So3Lattice({ cells: [2, 2, 2] }),
      species: [
        { name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.1, 0.15, 0.2, 0.08], siteEnergyEV: [0, 0.1, 0.12], count: 360 },
        { name: "TFSI-", charge: -1, attemptFrequencyHz: 1e12, hopBarrierEV: [Infinity, Infinity, Infinity, 0.1], siteEnergyEV: [Infinity, 0, 0], count: 16 },
      ],
      temperatureK: 298.15,
      fieldVPerCm: [1e5, 0, 0],
      pairInteractions: [
        { species: [0, 0], shellMaxDistanceAngstrom: [3.5, 7], shellEnergyEV: [0.004, 0.001] },
        { species: [0, 1], shellMaxDistanceAngstrom: [5, 12], shellEnergyEV: [-0.004, -0.001] },
        { species: [1, 1], shellMaxDistanceAngstrom: [20], shellEnergyEV: [0.005] },
      ],
    };
    const engine = new KmcEngine(model, createStream(6, "uio-shells"), "tree");
    for (let i = 0; i < 10; i++) {
      engine.advance(1000);
      expect(engine.checkConsistency()).toEqual([]);
    }
  });
});
