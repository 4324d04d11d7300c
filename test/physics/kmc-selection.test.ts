/**
 * The event-selection schemes against the definition of the process and against exact
 * lattice-gas results, for the class and type-null-event schemes beside the tree.
 * - Selection: from a configuration x, the next hop is (ion p, bond k) with probability
 *   r_pk(x) / R(x) and the waiting time is Exp(R(x)) (Gillespie, J. Comput. Phys. 22, 403,
 *   1976). The test enumerates every possible hop before each step, from the rate table and
 *   the occupancy (its own neighbour arithmetic), and compares what the engine did.
 *   Counts: O_c = hops in category c (an ion, or a species and unit-cell bond), expected
 *   E_c = sum over steps of p_c(x_i). Each step is one draw from p(x_i) given the past, so
 *   O - E is a martingale whose covariance is sum_i diag(p_i) - p_i p_i^T <= diag(E):
 *   Pearson's X^2 = sum (O_c - E_c)^2 / E_c is then at most a chi-square with K - 1 degrees
 *   of freedom in distribution (exactly one when x is fixed), so its upper quantile bounds
 *   the false-alarm rate. Categories with E_c < 5 are pooled (Cochran's rule); the
 *   quantile at z = Z_TOL is Wilson and Hilferty's, df (1 - 2/(9 df) + z sqrt(2/(9 df)))^3.
 *   Clock: sum_i (dt_i - 1/R_i) has standard deviation sqrt(sum_i 1/R_i^2). Two systems:
 *   uio67-so3 with a mobile anion and a field (binned classes; ion- and vacancy-side
 *   channels), and two species on a nearly full two-type lattice (every type-null-event
 *   channel drawn from the vacancy side, where the species at the origin must be checked).
 * - Exclusion-only lattice gas: D_sigma = D0 (M - N) / (M - 1) at any filling (Kutner,
 *   Phys. Lett. A 81, 239, 1981), D0 = nu a^2 on sc, bcc and fcc.
 * - One ion: tracer D = z Gamma d^2 / 6 = Gamma a^2 on sc, bcc and fcc (Mehrer, Diffusion
 *   in Solids, ch. 7), estimated from windows of a single walk, which are independent
 *   (a continuous-time random walk on a Bravais lattice renews at every hop); ratio
 *   estimator sum |dr|^2 / (6 sum dt) with its delta-method standard error.
 * Tolerances: Z_TOL standard errors (test/stats-tolerance.ts).
 */
import { describe, expect, it } from "vitest";
import { cubicLattice, type CubicKind } from "../../src/structure/lattice/cubic.js";
import { uio67So3Lattice } from "../../src/structure/lattice/uio67.js";
import { buildUnitCell, periodicLattice } from "../../src/structure/lattice/lattice.js";
import { createStream } from "../../src/core/rng.js";
import { ION_BASIS, ION_CX, ION_CY, ION_CZ, ION_SITE, ION_STRIDE, ION_WX, ION_WY, ION_WZ, KmcEngine, chooseScheme, hopChannels, rateClasses, type Scheme } from "../../src/transport/kmc/engine.js";
import { bondRateTable, type KmcModel } from "../../src/transport/kmc/model.js";
import { runKmc } from "../../src/transport/kmc/run.js";
import { ratioEstimate } from "../../src/core/stats.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";
import { Z_TOL, expectWithinErrors } from "../stats-tolerance.js";

/** Wilson-Hilferty upper quantile of chi-square(df) at the normal deviate z. */
function chiSquareQuantile(df: number, z: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Pearson's X^2 with categories of expectation < 5 pooled; returns [X^2, df]. */
function pearson(observed: Float64Array, expected: Float64Array): [number, number] {
  let x2 = 0, k = 0, oRest = 0, eRest = 0;
  for (let c = 0; c < expected.length; c++) {
    if (expected[c]! >= 5) {
      x2 += (observed[c]! - expected[c]!) ** 2 / expected[c]!;
      k++;
    } else {
      oRest += observed[c]!;
      eRest += expected[c]!;
    }
  }
  if (eRest > 0) {
    x2 += (oRest - eRest) ** 2 / eRest;
    k++;
  }
  return [x2, k - 1];
}

/**
 * Run `steps` single hops; before each, list every possible hop and its probability; after
 * it, find the hop made (ion, and bond from the change of its unwrapped cell).
 */
function selectionCounts(model: KmcModel, scheme: Scheme, steps: number, seed: number) {
  const L = model.lattice, B = L.basisCount, nB = L.bondTarget.length;
  const [nx, ny, nz] = L.cells;
  const table = bondRateTable(model);
  const engine = new KmcEngine(model, createStream(seed, "selection", scheme), scheme);
  engine.advance(2000);
  const N = engine.nIons, nS = model.species.length;
  const byIon = [new Float64Array(N), new Float64Array(N)]; // observed, expected
  const byBond = [new Float64Array(nS * nB), new Float64Array(nS * nB)];
  const pIon = new Float64Array(N), pBond = new Float64Array(nS * nB);
  // the site across bond k from cell c: target basis + B (cell + offset, wrapped)
  const mod = (v: number, n: number): number => ((v % n) + n) % n;
  const nCells = nx * ny * nz, across = new Int32Array(nCells * nB);
  for (let c = 0; c < nCells; c++)
    for (let k = 0; k < nB; k++) {
      const x = mod((c % nx) + L.bondCellOffset[3 * k]!, nx), y = mod((Math.floor(c / nx) % ny) + L.bondCellOffset[3 * k + 1]!, ny), z = mod(Math.floor(c / (nx * ny)) + L.bondCellOffset[3 * k + 2]!, nz);
      across[c * nB + k] = L.bondTarget[k]! + B * (x + nx * (y + ny * z));
    }
  let sumDt = 0, sumMean = 0, sumVar = 0;
  for (let step = 0; step < steps; step++) {
    const ions = engine.ions;
    pIon.fill(0);
    pBond.fill(0);
    let R = 0;
    for (let p = 0; p < N; p++) {
      const o = p * ION_STRIDE, b = ions[o + ION_BASIS]!, s = engine.ionSpecies[p]!;
      const c = ions[o + ION_CX]! + nx * (ions[o + ION_CY]! + ny * ions[o + ION_CZ]!);
      for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
        if (engine.siteIon[across[c * nB + k]!]! >= 0) continue;
        const r = table[s * nB + k]!;
        pIon[p] += r;
        pBond[s * nB + k] += r;
        R += r;
      }
    }
    for (let p = 0; p < N; p++) byIon[1]![p] += pIon[p]! / R;
    for (let i = 0; i < pBond.length; i++) byBond[1]![i] += pBond[i]! / R;
    const before = Int32Array.from(ions);
    sumDt += engine.advance(1);
    sumMean += 1 / R;
    sumVar += 1 / R ** 2;
    let moved = -1;
    for (let p = 0; p < N; p++) if (ions[p * ION_STRIDE + ION_SITE] !== before[p * ION_STRIDE + ION_SITE]) {
      expect(moved).toBe(-1); // one hop per step
      moved = p;
    }
    const o = moved * ION_STRIDE, b = before[o + ION_BASIS]!;
    const d = [
      ions[o + ION_CX]! + nx * ions[o + ION_WX]! - (before[o + ION_CX]! + nx * before[o + ION_WX]!),
      ions[o + ION_CY]! + ny * ions[o + ION_WY]! - (before[o + ION_CY]! + ny * before[o + ION_WY]!),
      ions[o + ION_CZ]! + nz * ions[o + ION_WZ]! - (before[o + ION_CZ]! + nz * before[o + ION_WZ]!),
    ];
    let bond = -1;
    for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
      if (L.bondTarget[k] === ions[o + ION_BASIS] && d.every((v, a) => v === L.bondCellOffset[3 * k + a])) bond = k;
    }
    expect(bond, "the hop follows a bond of the ion's site").toBeGreaterThanOrEqual(0);
    expect(table[engine.ionSpecies[moved]! * nB + bond]!, "the hop is open").toBeGreaterThan(0);
    byIon[0]![moved]++;
    byBond[0]![engine.ionSpecies[moved]! * nB + bond]++;
  }
  return { byIon, byBond, sumDt, sumMean, sumVar, errors: engine.checkConsistency() };
}

describe("selection probabilities r/R and Exp(R) waiting times", () => {
  // uio67-so3 2x2x2 with a mobile anion and a field: every hop type, basis sites whose
  // total rate is below their channel's bound and channels drawn from either side
  // (type-null-event), and rates spread over many distinct values (the class scheme bins
  // them and rejects inside a bin)
  const model: KmcModel = {
    lattice: uio67So3Lattice({ cells: [2, 2, 2] }),
    species: [
      { name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.1, 0.15, 0.2, 0.08], siteEnergyEV: [0, 0.1, 0.12], count: 250 },
      { name: "X-", charge: -1, attemptFrequencyHz: 1e12, hopBarrierEV: [Infinity, Infinity, Infinity, 0.1], siteEnergyEV: [Infinity, 0, 0], count: 6 },
    ],
    temperatureK: 298.15,
    fieldVPerCm: [3e5, 1e5, 0],
  };
  it("the model exercises the binned classes and both sides of the type-null-event channels", () => {
    expect(rateClasses(model).exact).toBe(false);
    expect(chooseScheme(model)).toBe("type-null-event");
    expect(new Set(hopChannels(model).side)).toEqual(new Set([0, 1]));
  });
  for (const scheme of ["type-null-event", "class", "tree"] as const) {
    it(scheme, () => {
      const res = selectionCounts(model, scheme, 15000, 3);
      expect(res.errors).toEqual([]);
      for (const [name, [o, e]] of [["ion", res.byIon], ["species and bond", res.byBond]] as const) {
        const [x2, df] = pearson(o!, e!);
        expect(df, name).toBeGreaterThan(20);
        expect(x2, `${name}: X^2 ${x2.toFixed(1)} on ${df} degrees of freedom`).toBeLessThan(chiSquareQuantile(df, Z_TOL));
      }
      expectWithinErrors(res.sumDt, res.sumMean, Math.sqrt(res.sumVar));
    });
  }
});

describe("selection on a nearly full lattice of two species (every channel from the vacancy side)", () => {
  const cell = buildUnitCell([3, 3, 3], [{ type: "A", fractional: [0, 0, 0] }, { type: "B", fractional: [0.5, 0.5, 0.5] }], [
    { from: "A", to: "B", maxDistanceAngstrom: 1.5 * Math.sqrt(3) + 1e-6, hopType: "AB" },
  ]);
  const model: KmcModel = {
    lattice: periodicLattice("bcc-AB", cell, [4, 4, 4]),
    species: [
      { name: "P+", charge: 1, attemptFrequencyHz: 1e12, hopBarrierEV: [0.1], siteEnergyEV: [0, 0.03], count: 70 },
      { name: "Q-", charge: -1, attemptFrequencyHz: 3e12, hopBarrierEV: [0.12], siteEnergyEV: [0.02, 0], count: 45 },
    ],
    temperatureK: 300,
    fieldVPerCm: [2e5, 0, 0],
  };
  it("type-null-event", () => {
    expect([...hopChannels(model).side]).toEqual([1, 1, 1, 1]);
    const res = selectionCounts(model, "type-null-event", 15000, 4);
    expect(res.errors).toEqual([]);
    for (const [name, [o, e]] of [["ion", res.byIon], ["species and bond", res.byBond]] as const) {
      const [x2, df] = pearson(o!, e!);
      expect(df, name).toBeGreaterThan(10);
      expect(x2, `${name}: X^2 ${x2.toFixed(1)} on ${df} degrees of freedom`).toBeLessThan(chiSquareQuantile(df, Z_TOL));
    }
    expectWithinErrors(res.sumDt, res.sumMean, Math.sqrt(res.sumVar));
  });
});

const T = 300, NU = 1e13, EA = 0.2, A = 3;
const gamma = NU * Math.exp(-EA / (BOLTZMANN_EV_PER_K * T));
const d0 = gamma * (A * 1e-8) ** 2; // nu a^2 at the barrier, cm^2/s, sc, bcc and fcc alike

function gas(kind: CubicKind, cells: number, count: number): KmcModel {
  return {
    lattice: cubicLattice({ kind, cells: [cells, cells, cells], latticeConstantAngstrom: A }),
    species: [{ name: "Li+", charge: 1, attemptFrequencyHz: NU, hopBarrierEV: [EA], siteEnergyEV: [0], count }],
    temperatureK: T,
    fieldVPerCm: [0, 0, 0],
  };
}

describe("exclusion-only lattice gas: D_sigma = D0 (M - N) / (M - 1)", () => {
  for (const scheme of ["type-null-event", "class"] as const) {
    for (const [kind, cells] of [["simple-cubic", 10], ["bcc", 8]] as const) {
      it(`${kind}, c = 0.5 (${scheme})`, () => {
        const m = gas(kind, cells, 0);
        const M = m.lattice.siteCount, N = M / 2;
        const model = { ...m, species: [{ ...m.species[0]!, count: N }] };
        const { summary, consistencyErrors } = runKmc(model, { replicas: 4, equilibrationHops: 1e4, hops: 2e5, blocks: 100, scheme }, (r) => createStream(12, kind, scheme, r));
        expect(consistencyErrors).toEqual([]);
        expect(summary.scheme).toBe(scheme);
        const row = summary.species[0]!;
        const exact = (d0 * (M - N)) / (M - 1);
        expectWithinErrors(row.chargeDiffusivityCm2PerS, exact, row.chargeDiffusivityStdErr);
        expect(row.chargeDiffusivityStdErr / exact).toBeLessThan(0.08); // the test has power
      });
    }
  }
});

describe("one ion: D = Gamma a^2", () => {
  for (const scheme of ["type-null-event", "class"] as const) {
    for (const kind of ["simple-cubic", "bcc", "fcc"] as const) {
      it(`${kind} (${scheme})`, () => {
        const engine = new KmcEngine(gas(kind, 6, 1), createStream(13, kind, scheme), scheme);
        const windows = 4000, hopsPerWindow = 25;
        const dt = new Float64Array(windows), r2 = new Float64Array(windows);
        for (let w = 0; w < windows; w++) {
          engine.reset();
          dt[w] = 6 * engine.advance(hopsPerWindow);
          const d = engine.displacements();
          r2[w] = (d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2) * 1e-16; // Angstrom^2 -> cm^2
        }
        const D = ratioEstimate(dt, r2);
        expectWithinErrors(D.mean, d0, D.stdErr);
        expect(D.stdErr / d0).toBeLessThan(0.03);
      });
    }
  }
});
