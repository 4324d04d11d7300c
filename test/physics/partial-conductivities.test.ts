/**
 * Partial (cation, anion) conductivities of composite membranes as the field is switched on,
 * and the transference number a Bruce-Vincent experiment finds between Li electrodes.
 *
 * References (exact results, no fitted numbers):
 * - Volume averaging: the macroscopic partial current density is the volume average of the
 *   local one, j_+ = t sigma E in each phase. Layers in series along the field carry one
 *   current density j through every layer, so <j_+> = j sum_k f_k t_k and
 *   sigma_+ / sigma = sum_k f_k t_k (f_k by thickness). Layers in parallel each see the one
 *   field, so sigma_+ = sum_k f_k t_k sigma_k exactly (f_k by cross-section).
 * - Conservation: sigma_+ + sigma_- = sigma_eff because every layer of voxels passes the
 *   electrode current (Kirchhoff); it holds to the solver's tolerance (1e-13 here).
 * - Steady state between Li electrodes (anions blocked): each dilute binary layer then
 *   conducts t_k sigma_k (Newman and Thomas-Alyea, Electrochemical Systems, ch. 19: the
 *   linearised steady state of a binary salt with one blocking ion; Bruce and Vincent, J.
 *   Electroanal. Chem. 225, 1, 1987), so the membrane's Bruce-Vincent t+ is
 *   (sum f_k t_k sigma_k) / (sum f_k sigma_k) for parallel layers and
 *   (sum f_k / sigma_k) / (sum f_k / (t_k sigma_k)) for layers in series, to second order in
 *   the step (eps^2 / 3, evans.test.ts; 1 mV here).
 * - Gel lens: with the parabolic gap H = g + rho^2 / 2R* and no interface, the
 *   current-weighted gap int H dI / I is s_w / (2 R* ln(1 + s_w / 2R* g)) (the integrals of
 *   gelLens in closed form); with an interface that dominates, every annulus carries the same
 *   current per area and it is the disc's mean gap g + s_w / 4R*.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { graphConductivity, type PeriodicGraph } from "../../src/design/graph.js";
import { gelLens } from "../../src/design/gelBinder.js";
import { createVoxelGrid } from "../../src/structure/voxel/grid.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
import { partialConductivities } from "../../src/transport/network/partials.js";
import type { NetworkOptions } from "../../src/transport/network/options.js";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario, checkCellUpFront } from "../../src/pipeline/runScenario.js";
import { ScenarioError } from "../../src/core/errors.js";

const TOL = 1e-13;

function shares(entries: Record<number, number>): Float64Array {
  const t = new Float64Array(256);
  for (const [l, v] of Object.entries(entries)) t[Number(l)] = v;
  return t;
}

describe("partial conductivities of voxel composites (volume-averaged, the field switched on)", () => {
  const [nx, ny, nz] = [12, 6, 5];
  const A = { label: 1, conductivitySPerCm: 2e-3 }, B = { label: 2, conductivitySPerCm: 5e-5 };
  const tA = 1, tB = 0.35;
  const base: Omit<NetworkOptions, "phases"> = { voxelNm: 40, tolerance: TOL, currentDensity: false };

  it("layers in series: sigma_+ / sigma = sum f_k t_k (by thickness)", () => {
    const phase = new Uint8Array(nx * ny * nz);
    const nA = 5;
    for (let v = 0; v < phase.length; v++) phase[v] = v % nx < nA ? 1 : 2;
    const grid = createVoxelGrid([nx, ny, nz], phase);
    const opts: NetworkOptions = { ...base, phases: [A, B] };
    const res = solveNetwork(grid, opts);
    const exact = nx / (nA / A.conductivitySPerCm + (nx - nA) / B.conductivitySPerCm);
    expect(Math.abs(res.conductivitySPerCm / exact - 1)).toBeLessThan(1e-11);
    const p = partialConductivities(grid, opts, res, shares({ 1: tA, 2: tB }));
    const t = (nA * tA + (nx - nA) * tB) / nx;
    expect(Math.abs(p.cationConductivitySPerCm / (t * exact) - 1)).toBeLessThan(1e-10);
    expect(Math.abs(p.anionConductivitySPerCm / ((1 - t) * exact) - 1)).toBeLessThan(1e-10);
  });

  it("layers in parallel: sigma_+ = sum f_k t_k sigma_k (by cross-section)", () => {
    const phase = new Uint8Array(nx * ny * nz);
    const yA = 2; // rows y < 2 of 6 are A
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) phase[x + nx * (y + ny * z)] = y < yA ? 1 : 2;
    const grid = createVoxelGrid([nx, ny, nz], phase);
    const opts: NetworkOptions = { ...base, phases: [A, B] };
    const res = solveNetwork(grid, opts);
    const fA = yA / ny;
    expect(Math.abs(res.conductivitySPerCm / (fA * A.conductivitySPerCm + (1 - fA) * B.conductivitySPerCm) - 1)).toBeLessThan(1e-11);
    const p = partialConductivities(grid, opts, res, shares({ 1: tA, 2: tB }));
    const plus = fA * tA * A.conductivitySPerCm + (1 - fA) * tB * B.conductivitySPerCm;
    expect(Math.abs(p.cationConductivitySPerCm / plus - 1)).toBeLessThan(1e-10);
  });

  it("random three-phase maps with grain boundaries, interfaces, voxel-layer electrodes and periodic sides: sigma_+ + sigma_- = sigma to 1e-10", () => {
    let seed = 12345;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const n = 16;
    const phase = new Uint8Array(n * n * n), grain = new Int32Array(n * n * n);
    for (let v = 0; v < phase.length; v++) {
      const u = rand();
      phase[v] = u < 0.45 ? 1 : u < 0.8 ? 2 : 0;
      grain[v] = Math.floor(rand() * 3);
    }
    const grid = createVoxelGrid([n, n, n], phase, grain);
    const phases = [{ label: 0, conductivitySPerCm: 0 }, A, B];
    const variants: NetworkOptions[] = [
      { ...base, phases, grainBoundary: { resistanceOhmCm2: 30 }, electrodes: { kind: "planes", interface: { resistanceOhmCm2: 100 } } },
      { ...base, phases, electrodes: { kind: "voxel-layers" } },
      { ...base, phases, sides: "periodic" },
    ];
    for (const opts of variants) {
      const res = solveNetwork(grid, opts);
      expect(res.conductivitySPerCm).toBeGreaterThan(0);
      const p = partialConductivities(grid, opts, res, shares({ 1: tA, 2: tB }));
      expect(p.conservationError).toBeLessThan(1e-10);
      // a convex combination of the phases' shares
      const t = p.cationConductivitySPerCm / res.conductivitySPerCm;
      expect(t).toBeGreaterThan(tB);
      expect(t).toBeLessThan(tA);
    }
  });

  it("one t for every phase: sigma_+ = t sigma", () => {
    const n = 10;
    const phase = new Uint8Array(n * n * n).map((_, v) => ((v * 7919) % 11 < 6 ? 1 : 2));
    const grid = createVoxelGrid([n, n, n], phase);
    const opts: NetworkOptions = { ...base, phases: [A, B] };
    const res = solveNetwork(grid, opts);
    const p = partialConductivities(grid, opts, res, shares({ 1: 0.6, 2: 0.6 }));
    expect(Math.abs(p.cationConductivitySPerCm / (0.6 * res.conductivitySPerCm) - 1)).toBeLessThan(1e-10);
  });
});

/** A periodic simple-cubic graph of n^3 nodes, spacing a (cm). */
function cubicGraph(n: number, a: number): PeriodicGraph {
  const N = n * n * n;
  const positionCm = new Float64Array(3 * N);
  const bi: number[] = [], bj: number[] = [], vec: number[] = [];
  const id = (x: number, y: number, z: number): number => ((x + n) % n) + n * (((y + n) % n) + n * ((z + n) % n));
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const i = id(x, y, z);
    positionCm.set([x * a, y * a, z * a], 3 * i);
    bi.push(i, i, i);
    bj.push(id(x + 1, y, z), id(x, y + 1, z), id(x, y, z + 1));
    vec.push(a, 0, 0, 0, a, 0, 0, 0, a);
  }
  return { nodeCount: N, boxCm: [n * a, n * a, n * a], positionCm, bondI: Int32Array.from(bi), bondJ: Int32Array.from(bj), bondVectorCm: Float64Array.from(vec) };
}

describe("partial conductivities of a particle network (graph.ts cationWeight)", () => {
  it("x-bonds alternating between two kinds: sigma_+ / sigma_xx = (w_a + w_b) / 2 exactly; y-bonds of one kind: w_y", () => {
    const n = 6, a = 1e-5;
    const g = cubicGraph(n, a);
    const m = g.bondI.length;
    const G = new Float64Array(m), w = new Float64Array(m);
    for (let b = 0; b < m; b++) {
      const axis = b % 3, x = Math.round(g.positionCm[3 * g.bondI[b]!]! / a);
      const even = x % 2 === 0;
      G[b] = axis === 0 ? (even ? 3e-9 : 1e-10) : 2e-9;
      w[b] = axis === 0 ? (even ? 0.9 : 0.2) : 0.5;
    }
    const [sx, sy] = graphConductivity(g, G, [0, 1], { tolerance: 1e-13, cationWeight: w });
    // a chain of alternating bonds: 1/G_chain per two bonds = 1/G_a + 1/G_b; sigma_xx = G_chain * 2a / a^2 ... per chain area a^2
    const chain = 1 / (1 / 3e-9 + 1 / 1e-10);
    expect(Math.abs(sx!.conductivitySPerCm / ((chain * 2 * a) / (a * a)) - 1)).toBeLessThan(1e-10);
    expect(Math.abs(sx!.cationConductivitySPerCm! / sx!.conductivitySPerCm - (0.9 + 0.2) / 2)).toBeLessThan(1e-10);
    expect(Math.abs(sy!.cationConductivitySPerCm! / sy!.conductivitySPerCm - 0.5)).toBeLessThan(1e-12);
    expect(Math.abs((sx!.cationConductivitySPerCm! + sx!.anionConductivitySPerCm!) / sx!.conductivitySPerCm - 1)).toBeLessThan(1e-12);
  });

  it("refuses weights outside [0, 1] naming the bond", () => {
    const g = cubicGraph(3, 1e-5);
    const G = new Float64Array(g.bondI.length).fill(1e-9), w = new Float64Array(g.bondI.length).fill(0.5);
    w[4] = 1.5;
    expect(() => graphConductivity(g, G, [0], { cationWeight: w })).toThrow(/bond 4 cation weight 1\.5; must be in \[0, 1\]/);
  });
});

describe("gel lens: the current-weighted gap", () => {
  const R = 250e-7, g = 2e-7, sigma = 1e-5;
  it("parabolic regime, no interface: s_w / (2 R* ln(1 + s_w / 2R* g))", () => {
    const rw = 0.01 * R; // H departs from the parabola by ~ s^2 / 8 R^3: 2.5e-5 of s / 2R* at the edge
    const rStar = R / 2, sw = rw * rw;
    const exact = sw / (2 * rStar * Math.log(1 + sw / (2 * rStar * g)));
    const lens = gelLens(g, R, R, rw, sigma, 0);
    expect(Math.abs(lens.currentWeightedGapCm / exact - 1)).toBeLessThan(1e-4);
  });
  it("an interface that dominates: the disc's mean gap g + s_w / 4R*", () => {
    const rw = 0.01 * R, rStar = R / 2;
    const rmg = 1e6; // H / sigma <= 0.03 ohm cm2 against 2 r_mg = 2e6: relative 1e-8
    const lens = gelLens(g, R, R, rw, sigma, rmg);
    expect(Math.abs(lens.currentWeightedGapCm / (g + (rw * rw) / (4 * rStar)) - 1)).toBeLessThan(1e-4);
  });
});

describe("Bruce-Vincent t+ of composite membranes between Li electrodes (the pipeline's Evans stage)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mofhop-partials-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const [nx, ny, nz] = [8, 8, 4];
  const sA = 1e-3, tA = 1, sB = 4e-4, tB = 0.4;
  function run(layout: "series" | "parallel") {
    const phase = new Uint8Array(nx * ny * nz);
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) phase[x + nx * (y + ny * z)] = (layout === "series" ? x : y) < 3 ? 1 : 2;
    const file = `${layout}.raw`;
    writeFileSync(join(dir, file), phase);
    const scenario = parseScenario({
      name: `bv-${layout}`,
      seed: 1,
      temperaturesK: [298.15],
      morphology: {
        kind: "raw", file, shape: [nx, ny, nz], voxelNm: 100,
        phases: [{ name: "single-ion", label: 1, conductivitySPerCm: sA, transferenceNumber: tA }, { name: "binary", label: 2, conductivitySPerCm: sB, transferenceNumber: tB }],
      },
      cell: { chargeTransferOhmCm2: 5, saltMolPerL: 0.1, fixedChargeMolPerL: 0, impedance: { minHz: 1, maxHz: 1e6, pointsPerDecade: 3 }, evans: { stepVoltageV: 0.001, durationS: 36000 } },
    });
    return runScenario(scenario, { baseDir: dir });
  }
  it("parallel layers: t+ = sum f t sigma / sum f sigma; sigma_+ + sigma_- = sigma", () => {
    const r = run("parallel");
    const f = 3 / 8;
    const exact = (f * tA * sA + (1 - f) * tB * sB) / (f * sA + (1 - f) * sB);
    const t = r.transferenceNumber[0]!;
    expect(Math.abs(t.membraneCation! - exact)).toBeLessThan(1e-8);
    expect(Math.abs(t.evans!.tPlus - exact)).toBeLessThan(1e-4);
    const e = r.effective[0]!;
    expect(Math.abs((e.cationConductivitySPerCm! + e.anionConductivitySPerCm!) / e.conductivitySPerCm - 1)).toBeLessThan(1e-6);
  });
  it("layers in series: t+ = (sum f / sigma) / (sum f / t sigma)", () => {
    const r = run("series");
    const f = 3 / 8;
    const exact = (f / sA + (1 - f) / sB) / (f / (tA * sA) + (1 - f) / (tB * sB));
    const t = r.transferenceNumber[0]!;
    expect(Math.abs(t.membraneCation! - exact)).toBeLessThan(1e-8);
    expect(Math.abs(t.evans!.tPlus - exact)).toBeLessThan(1e-4);
  });
  it("a phase that moves anions needs the salt concentration; a conducting phase needs its t (exit 2 before any work)", () => {
    const m = { kind: "raw", file: "x.raw", shape: [2, 2, 2], voxelNm: 10, phases: [{ name: "p", label: 1, conductivitySPerCm: 1e-3, transferenceNumber: 0.4 }] };
    const s = parseScenario({ name: "no-salt", temperaturesK: [298.15], morphology: m, cell: {} });
    expect(() => checkCellUpFront(s.cell, s.morphology)).toThrow(ScenarioError);
    expect(() => checkCellUpFront(s.cell, s.morphology)).toThrow(/cell\.saltMolPerL: is 0, but morphology\.phases\.0 \("p"\) moves anions/);
  });
});
