/**
 * Periodic conductance graphs (src/design/graph.ts) against exact results.
 *
 * sigma_kk = (1/V) sum_b I_b d_b,k with I_b = G_b (u_i - u_j + E d_b,k) (the volume-averaged
 * flux of a periodic network; Kirkpatrick, Rev. Mod. Phys. 45, 574, 1973). On a Bravais
 * lattice with inversion symmetry every node sees each bond vector d together with -d, so the
 * right-hand side -E sum_j G_ij d_ij,k vanishes at every node: the potential is exactly affine
 * (u = 0) and sigma_kk = (1/V) sum_b G_b d_b,k^2 with no solve at all. Those results are exact
 * in floating point up to the summation rounding (~1e-15 relative), hence EXACT = 1e-12.
 *
 * Where the solve matters (layers in series, chains, random conductances) the CG stops at a
 * relative residual TOL = 1e-13; sigma is the minimum of the dissipation functional over the
 * periodic u, so an error e in u changes it at second order (|e|^2), and by ~kappa TOL at
 * worst through the residual: on these well-conditioned graphs (kappa < 1e3) 1e-10 relative
 * (SOLVED) is a safe, derived bound.
 */
import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { createStream } from "../../src/core/rng.js";
import { checkGraph, graphConductivity, wrappingMask, type PeriodicGraph, type Vec3 } from "../../src/design/graph.js";
import { expectWithinErrors } from "../stats-tolerance.js";
import { pressedPowder, pressedPowderConductances } from "../../src/design/pressedPowder.js";
import { gelBinder } from "../../src/design/gelBinder.js";
import { gelFilmConductances, gelFilmNetwork } from "../../src/design/gelFilm.js";

const EXACT = 1e-12;
const TOL = 1e-13;
const SOLVED = 1e-10;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/**
 * A periodic lattice: `cells` conventional cells of sides `side` (cm), sites at the fractional
 * `basis` positions of each cell, and one bond from every site along each vector of `half`
 * (half of the neighbour star; the other half are the same bonds seen from the far end).
 * `conductance(site, vectorIndex, cellIndex)` gives each bond's G.
 */
interface Lattice {
  readonly graph: PeriodicGraph;
  /** Per bond: index of its vector in `half`, and the cell index (x, y, z) of its start site. */
  readonly vectorIndex: Int32Array;
  readonly cell: Int32Array;
}

function lattice(cells: Vec3, side: Vec3, basis: readonly Vec3[], half: readonly Vec3[]): Lattice {
  const [nx, ny, nz] = cells;
  const box: Vec3 = [nx * side[0], ny * side[1], nz * side[2]];
  const pos: number[] = [], cellOf: number[] = [];
  const key = (x: number, y: number, z: number): string => {
    // positions on a grid of side/4 (all basis and bond coordinates here are multiples of it)
    const q = [x, y, z].map((v, k) => {
      const g = 4 * cells[k]!;
      return ((Math.round(v / (side[k]! / 4)) % g) + g) % g;
    });
    return q.join(",");
  };
  const index = new Map<string, number>();
  for (let cz = 0; cz < nz; cz++) for (let cy = 0; cy < ny; cy++) for (let cx = 0; cx < nx; cx++) {
    for (const b of basis) {
      const p = [(cx + b[0]) * side[0], (cy + b[1]) * side[1], (cz + b[2]) * side[2]];
      index.set(key(p[0]!, p[1]!, p[2]!), pos.length / 3);
      pos.push(...p);
      cellOf.push(cx, cy, cz);
    }
  }
  const n = pos.length / 3;
  const bi: number[] = [], bj: number[] = [], vec: number[] = [], vi: number[] = [], cl: number[] = [];
  for (let i = 0; i < n; i++) {
    half.forEach((v, k) => {
      const j = index.get(key(pos[3 * i]! + v[0], pos[3 * i + 1]! + v[1], pos[3 * i + 2]! + v[2]));
      if (j === undefined) throw new Error("lattice: neighbour not found");
      bi.push(i);
      bj.push(j);
      vec.push(...v);
      vi.push(k);
      cl.push(cellOf[3 * i]!, cellOf[3 * i + 1]!, cellOf[3 * i + 2]!);
    });
  }
  const graph: PeriodicGraph = {
    nodeCount: n,
    boxCm: box,
    positionCm: Float64Array.from(pos),
    bondI: Int32Array.from(bi),
    bondJ: Int32Array.from(bj),
    bondVectorCm: Float64Array.from(vec),
  };
  checkGraph(graph);
  return { graph, vectorIndex: Int32Array.from(vi), cell: Int32Array.from(cl) };
}

const sc = (d: number, m: number): Lattice => lattice([m, m, m], [d, d, d], [[0, 0, 0]], [[d, 0, 0], [0, d, 0], [0, 0, d]]);

function sigmas(g: PeriodicGraph, G: Float64Array, axes: readonly (0 | 1 | 2)[] = [0, 1, 2]): number[] {
  return graphConductivity(g, G, axes, { tolerance: TOL }).map((a) => a.conductivitySPerCm);
}

/*
 * bcc and fcc below: with 8 or 12 terms of +-G d per node the right-hand side cancels only up
 * to rounding (~1e-16 G d), and graphConductivity measures the CG tolerance relative to that
 * noise, whose constant (null-space) component CG cannot remove: it throws NotConvergedError
 * (relative residual 1e1-1e3) for a = 1.3 instead of returning 2 G / a. The tests state the
 * exact answer; they pass once the right-hand side is projected onto the range (cluster mean
 * removed) and the tolerance is scaled by sum |G d| rather than ||b||. (a = 1, G = 1 passes:
 * the terms are exact binary fractions and cancel exactly.)
 */
describe("graphConductivity: Bravais lattices of equal bonds (u = 0 exactly)", () => {
  it("simple cubic, spacing d: sigma = G / d along every axis", () => {
    // per node one bond along x of d_x = d: sum_b G d_x^2 / V = N G d^2 / (N d^3) = G / d
    const d = 0.37, G = 2.9e-3;
    const { graph } = sc(d, 4);
    const r = graphConductivity(graph, new Float64Array(graph.bondI.length).fill(G), [0, 1, 2], { tolerance: TOL });
    for (const a of r) {
      expect(rel(a.conductivitySPerCm, G / d)).toBeLessThan(EXACT);
      expect(a.percolates).toBe(true);
      expect(a.carryingFraction).toBe(1);
    }
  });

  it("bcc, conventional cell a (8 neighbours at (+-a/2, +-a/2, +-a/2)): sigma = 2 G / a", () => {
    // 2 sites per cell, 8 bonds per site, each bond shared: 8 bonds per cell, every one with
    // d_x^2 = a^2 / 4. sigma_xx = (1/a^3) 8 G a^2 / 4 = 2 G / a (same along y, z by symmetry;
    // u = 0 since the star is inversion symmetric). Check: Z G d^2 / (6 v) with Z = 8,
    // d^2 = 3 a^2 / 4, v = a^3 / 2 gives 2 G / a too.
    const a = 1.3, G = 0.71, h = a / 2;
    const { graph } = lattice([3, 3, 3], [a, a, a], [[0, 0, 0], [0.5, 0.5, 0.5]], [[h, h, h], [h, h, -h], [h, -h, h], [h, -h, -h]]);
    expect(graph.bondI.length).toBe(8 * 27);
    for (const s of sigmas(graph, new Float64Array(graph.bondI.length).fill(G))) expect(rel(s, (2 * G) / a)).toBeLessThan(EXACT);
  });

  it("fcc, conventional cell a (12 neighbours at (+-a/2, +-a/2, 0) and permutations): sigma = 4 G / a", () => {
    // 4 sites per cell x 12 bonds / 2 = 24 bonds per cell. Of the 12 star vectors 8 have
    // |d_x| = a/2 and 4 have d_x = 0, so the mean d_x^2 is (8/12) a^2/4 = a^2/6 and
    // sigma_xx = 24 G (a^2/6) / a^3 = 4 G / a. Check: Z G d^2 / (6 v), Z = 12, d^2 = a^2/2,
    // v = a^3/4: 12 G (a^2/2) / (6 a^3 / 4) = 4 G / a.
    const a = 0.9, G = 5.5, h = a / 2;
    const { graph } = lattice(
      [3, 3, 3], [a, a, a],
      [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
      [[h, h, 0], [h, -h, 0], [h, 0, h], [h, 0, -h], [0, h, h], [0, h, -h]],
    );
    expect(graph.bondI.length).toBe(24 * 27);
    for (const s of sigmas(graph, new Float64Array(graph.bondI.length).fill(G))) expect(rel(s, (4 * G) / a)).toBeLessThan(EXACT);
  });

  it("orthorhombic lattice with G_x != G_y != G_z: sigma_kk = G_k d_k^2 / (d_x d_y d_z), so sigma_xx != sigma_yy", () => {
    // one bond per axis per node: sigma_kk = G_k d_k^2 / v, v = d_x d_y d_z the volume per node
    const d: Vec3 = [0.5, 0.8, 1.1], Gk = [3, 0.25, 1.7];
    const { graph, vectorIndex } = lattice([4, 3, 3], d, [[0, 0, 0]], [[d[0], 0, 0], [0, d[1], 0], [0, 0, d[2]]]);
    const G = Float64Array.from(vectorIndex, (k) => Gk[k]!);
    const v = d[0] * d[1] * d[2];
    const s = sigmas(graph, G);
    for (let k = 0; k < 3; k++) expect(rel(s[k]!, (Gk[k]! * d[k]! ** 2) / v)).toBeLessThan(EXACT);
    // 3 * 0.25 / 0.44 = 1.7045... vs 0.25 * 0.64 / 0.44 = 0.3636...
    expect(s[0]).not.toBe(s[1]);
  });
});

describe("graphConductivity: solved cases", () => {
  it("layers in series along x: sigma_xx = harmonic mean of the layer bonds / d, sigma_yy = G_0 / d", () => {
    // x-bonds alternate G_a, G_b with the x index of their start site; y and z bonds G_0.
    // By translation symmetry along y and z the potential depends on x only, so the y/z bonds
    // carry nothing and every x line is a series chain: per period 2 d the resistance is
    // 1/G_a + 1/G_b, sigma_xx = 2 / ((1/G_a + 1/G_b) d). Along y the x-bonds have d_y = 0 and
    // the y star is inversion symmetric: u = 0, sigma_yy = G_0 / d exactly.
    const d = 0.25, Ga = 4, Gb = 0.01, G0 = 0.3;
    const { graph, vectorIndex, cell } = sc(d, 4);
    const G = Float64Array.from(vectorIndex, (k, b) => (k === 0 ? (cell[3 * b]! % 2 === 0 ? Ga : Gb) : G0));
    const r = graphConductivity(graph, G, [0, 1], { tolerance: TOL });
    expect(r[0]!.relativeResidual).toBeLessThanOrEqual(TOL);
    expect(rel(r[0]!.conductivitySPerCm, 2 / ((1 / Ga + 1 / Gb) * d))).toBeLessThan(SOLVED);
    expect(rel(r[1]!.conductivitySPerCm, G0 / d)).toBeLessThan(EXACT);
  });

  it("random bond conductances on sc lie within the Wiener bounds and the tighter Rayleigh series/parallel bounds", () => {
    // Bonds along x only carry d_x != 0. Thomson's principle with the trial u = 0 gives the
    // Voigt/Wiener upper bound sigma_xx <= <G>_x / d (arithmetic mean over x-bonds); the dual
    // principle with a uniform current along each x line gives sigma_xx >= <1/G>_x^-1 / d.
    // Rayleigh monotonicity tightens both: cutting every y/z bond (lines in parallel) gives
    // sigma >= mean over x lines of the line's harmonic mean / d; shorting each x = const
    // plane (layers in series) gives sigma <= harmonic mean over layers of the layer's
    // arithmetic mean / d. All four bounds are exact inequalities.
    const d = 0.2, m = 6;
    const { graph, vectorIndex, cell } = sc(d, m);
    const stream = createStream(11, "graph", "wiener");
    const G = Float64Array.from(vectorIndex, () => 10 ** (2 * stream.nextFloat() - 1)); // log-uniform over 2 decades
    let arith = 0, inv = 0, nx = 0;
    const lineInv = new Float64Array(m * m), layerSum = new Float64Array(m);
    for (let b = 0; b < G.length; b++) {
      if (vectorIndex[b] !== 0) continue;
      arith += G[b]!;
      inv += 1 / G[b]!;
      nx++;
      lineInv[cell[3 * b + 1]! + m * cell[3 * b + 2]!] += 1 / G[b]!;
      layerSum[cell[3 * b]!] += G[b]!;
    }
    const wienerHigh = arith / nx / d, wienerLow = nx / inv / d;
    let parallelLines = 0;
    for (const s of lineInv) parallelLines += m / s;
    const rayleighLow = parallelLines / (m * m) / d;
    let seriesLayers = 0;
    for (const s of layerSum) seriesLayers += 1 / (s / (m * m));
    const rayleighHigh = m / seriesLayers / d;
    const [sx] = sigmas(graph, G, [0]);
    expect(wienerLow).toBeLessThan(rayleighLow);
    expect(rayleighLow).toBeLessThan(sx!);
    expect(sx!).toBeLessThan(rayleighHigh);
    expect(rayleighHigh).toBeLessThan(wienerHigh);
  });

  it("agrees with a dense direct solve of the periodic Kirchhoff system (fcc, random conductances)", () => {
    // Independent reference: assemble the Laplacian and right-hand side densely, pin node 0
    // (u is defined up to a constant), LU-solve with ml-matrix and form (1/V) sum_b I_b d_b,k.
    const a = 1, h = a / 2;
    const { graph } = lattice(
      [2, 2, 2], [a, a, a],
      [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
      [[h, h, 0], [h, -h, 0], [h, 0, h], [h, 0, -h], [0, h, h], [0, h, -h]],
    );
    const stream = createStream(5, "graph", "dense");
    const G = Float64Array.from(graph.bondI, () => 0.1 + stream.nextFloat());
    const n = graph.nodeCount, V = a ** 3 * 8;
    const s = sigmas(graph, G);
    for (const k of [0, 1, 2] as const) {
      const A = Matrix.zeros(n - 1, n - 1), rhs = Matrix.zeros(n - 1, 1);
      for (let b = 0; b < G.length; b++) {
        const i = graph.bondI[b]! - 1, j = graph.bondJ[b]! - 1, g = G[b]!, dk = graph.bondVectorCm[3 * b + k]!;
        if (i >= 0) { A.set(i, i, A.get(i, i) + g); rhs.set(i, 0, rhs.get(i, 0) - g * dk); }
        if (j >= 0) { A.set(j, j, A.get(j, j) + g); rhs.set(j, 0, rhs.get(j, 0) + g * dk); }
        if (i >= 0 && j >= 0) { A.set(i, j, A.get(i, j) - g); A.set(j, i, A.get(j, i) - g); }
      }
      const x = solve(A, rhs);
      const u = (node: number): number => (node === 0 ? 0 : x.get(node - 1, 0));
      let flux = 0;
      for (let b = 0; b < G.length; b++) {
        const dk = graph.bondVectorCm[3 * b + k]!;
        flux += G[b]! * (u(graph.bondI[b]!) - u(graph.bondJ[b]!) + dk) * dk;
      }
      expect(rel(s[k]!, flux / V)).toBeLessThan(SOLVED);
    }
  });

  it("scaling every conductance by lambda scales sigma by lambda", () => {
    // sigma is homogeneous of degree 1 in G (the Kirchhoff system is linear in G for fixed u)
    const { graph, vectorIndex } = sc(0.3, 5);
    const stream = createStream(3, "graph", "scale");
    const G = Float64Array.from(vectorIndex, () => 10 ** (stream.nextFloat() - 0.5));
    const lambda = 37.3;
    const s1 = sigmas(graph, G), s2 = sigmas(graph, G.map((g) => lambda * g));
    for (let k = 0; k < 3; k++) expect(rel(s2[k]!, lambda * s1[k]!)).toBeLessThan(SOLVED);
  });
});

/**
 * Chains in a box Lx x Ly x Lz. A closed chain along x whose bonds sum to (Lx, 0, 0) wraps
 * along x only; with chain resistance R = sum_b 1/G_b and a field E along x the chain carries
 * I = E Lx / R, so sigma_xx = (1/V) I Lx / E = Lx^2 / (R V).
 */
function chainGraph(): { graph: PeriodicGraph; G: Float64Array; chainNodes: number } {
  const box: Vec3 = [3, 2, 1.5];
  // a zig-zag chain of 4 nodes (wraps along x; its y excursions close), a dimer along y,
  // an isolated node, and a dead end hanging off chain node 1
  const pos = [
    0.1, 0.5, 0.7, /* 0 */ 0.9, 0.8, 0.7, /* 1 */ 1.6, 0.4, 0.7, /* 2 */ 2.5, 0.6, 0.7, /* 3 */
    1.0, 1.5, 0.2, /* 4: dimer */ 1.0, 1.9, 0.2, /* 5: dimer */
    2.0, 1.2, 1.2, /* 6: isolated */
    0.9, 0.8, 1.3, /* 7: dead end on node 1 */
  ];
  const bi = [0, 1, 2, 3, 4, 1];
  const bj = [1, 2, 3, 0, 5, 7];
  const vec: number[] = [];
  for (let b = 0; b < bi.length; b++) {
    for (let k = 0; k < 3; k++) {
      let dk = pos[3 * bj[b]! + k]! - pos[3 * bi[b]! + k]!;
      dk -= box[k]! * Math.round(dk / box[k]!); // minimum image: bond 3 -> 0 crosses x = Lx
      vec.push(dk);
    }
  }
  const graph: PeriodicGraph = {
    nodeCount: 8, boxCm: box, positionCm: Float64Array.from(pos),
    bondI: Int32Array.from(bi), bondJ: Int32Array.from(bj), bondVectorCm: Float64Array.from(vec),
  };
  return { graph, G: Float64Array.from([2, 0.5, 1, 4, 7, 3]), chainNodes: 5 };
}

describe("graphConductivity: clusters that do and do not wrap", () => {
  it("a chain along x wraps along x only; the dimer, the lone node and the dead end carry nothing", () => {
    const { graph, G, chainNodes } = chainGraph();
    checkGraph(graph);
    const [x, y, z] = graphConductivity(graph, G, [0, 1, 2], { tolerance: TOL });
    // R = 1/2 + 1/0.5 + 1/1 + 1/4 = 3.75 ohm; sigma_xx = 3^2 / (3.75 * 3 * 2 * 1.5) = 0.2667 S/cm
    const R = 1 / 2 + 1 / 0.5 + 1 / 1 + 1 / 4, V = 3 * 2 * 1.5;
    expect(x!.percolates).toBe(true);
    expect(rel(x!.conductivitySPerCm, 3 ** 2 / (R * V))).toBeLessThan(SOLVED);
    // the wrapping cluster is the chain plus its dead end: 5 of 8 nodes
    expect(x!.carryingFraction).toBe(chainNodes / 8);
    for (const a of [y!, z!]) {
      expect(a.percolates).toBe(false);
      expect(a.conductivitySPerCm).toBe(0);
      expect(a.carryingFraction).toBe(0);
    }
    // the system is assembled again when an axis carries on other nodes than the one before
    const [y1, x1] = graphConductivity(graph, G, [1, 0], { tolerance: TOL });
    expect(y1!.percolates).toBe(false);
    expect(x1!.conductivitySPerCm).toBe(x!.conductivitySPerCm);
    // the dimer and the dead end: raising their conductances changes nothing (they carry no current)
    const G2 = Float64Array.from(G);
    G2[4] = 1e3;
    G2[5] = 1e3;
    expect(rel(graphConductivity(graph, G2, [0], { tolerance: TOL })[0]!.conductivitySPerCm, 3 ** 2 / (R * V))).toBeLessThan(SOLVED);
    // removing one chain bond (G = 0) breaks the loop around the torus
    const G3 = Float64Array.from(G);
    G3[2] = 0;
    const [cut] = graphConductivity(graph, G3, [0]);
    expect(cut!.percolates).toBe(false);
    expect(cut!.conductivitySPerCm).toBe(0);
  });

  it("wrappingMask: a diagonal chain wraps along x and y, not z", () => {
    // 3 nodes at (k, k, 0.5), k = 0, 1, 2 in a 3 x 3 x 1 box, bonds (1, 1, 0): the loop winds once along x and y.
    // sigma_xx = sum_b G d_x^2 / V = 3 G / 9 = G / 3 (every node sees (1,1,0) and -(1,1,0): u = 0).
    const graph: PeriodicGraph = {
      nodeCount: 3, boxCm: [3, 3, 1],
      positionCm: Float64Array.from([0, 0, 0.5, 1, 1, 0.5, 2, 2, 0.5]),
      bondI: Int32Array.from([0, 1, 2]), bondJ: Int32Array.from([1, 2, 0]),
      bondVectorCm: Float64Array.from([1, 1, 0, 1, 1, 0, 1, 1, 0]),
    };
    checkGraph(graph);
    const on = Uint8Array.from([1, 1, 1]);
    expect(Array.from(wrappingMask(graph, on, 0))).toEqual([1, 1, 1]);
    expect(Array.from(wrappingMask(graph, on, 1))).toEqual([1, 1, 1]);
    expect(Array.from(wrappingMask(graph, on, 2))).toEqual([0, 0, 0]);
    const G = 1.5;
    const r = graphConductivity(graph, Float64Array.from([G, G, G]), [0, 1, 2]);
    expect(rel(r[0]!.conductivitySPerCm, G / 3)).toBeLessThan(EXACT);
    expect(rel(r[1]!.conductivitySPerCm, G / 3)).toBeLessThan(EXACT);
    expect(r[2]!.conductivitySPerCm).toBe(0);
  });

  it("bond percolation at p = 1/2 on the square torus wraps along x with probability 0.521058 (Pinson 1994)", () => {
    // p = 1/2 is the exact bond threshold of the square lattice (Kesten 1980); there the
    // probability that some cluster wraps along one given axis of an L x L torus tends to
    // R_h = 0.521058290 (Pinson, J. Stat. Phys. 75, 1167, 1994; Newman and Ziff, PRE 64,
    // 016706, 2001), with finite-size corrections far below the binomial error here
    // (a 20000-sample census gave 0.518 at L = 16 and 0.520 at L = 32, within 1 se).
    const L = 16, n = L * L, N = 4000;
    const pos = new Float64Array(3 * n), bi = new Int32Array(2 * n), bj = new Int32Array(2 * n), vec = new Float64Array(6 * n);
    for (let y = 0; y < L; y++) for (let x = 0; x < L; x++) {
      const i = x + L * y;
      pos[3 * i] = x;
      pos[3 * i + 1] = y;
      bi[2 * i] = i; bj[2 * i] = ((x + 1) % L) + L * y; vec[6 * i] = 1;
      bi[2 * i + 1] = i; bj[2 * i + 1] = x + L * ((y + 1) % L); vec[6 * i + 4] = 1;
    }
    const graph: PeriodicGraph = { nodeCount: n, boxCm: [L, L, 1], positionCm: pos, bondI: bi, bondJ: bj, bondVectorCm: vec };
    checkGraph(graph);
    const stream = createStream(2024, "graph", "percolation");
    const on = new Uint8Array(2 * n);
    let wraps = 0;
    for (let s = 0; s < N; s++) {
      for (let b = 0; b < on.length; b++) on[b] = stream.nextFloat() < 0.5 ? 1 : 0;
      if (wrappingMask(graph, on, 0).includes(1)) wraps++;
    }
    const p = wraps / N;
    expectWithinErrors(p, 0.521058290, Math.sqrt((0.521058290 * (1 - 0.521058290)) / N));
  });
});

describe("checkGraph and input errors", () => {
  it("rejects a bond vector that does not join its nodes, naming the bond", () => {
    const { graph } = sc(1, 3);
    const vec = Float64Array.from(graph.bondVectorCm);
    vec[3 * 5 + 1] += 0.25; // bond 5 now misses its far node by 0.25 cm along y
    expect(() => checkGraph({ ...graph, bondVectorCm: vec })).toThrowError(InputError);
    expect(() => checkGraph({ ...graph, bondVectorCm: vec })).toThrowError(/bond 5 vector does not join node \d+ to node \d+ \(off by 2\.50e-1 cm along axis 1\)/);
    // a vector off by exactly one box period is the same image and is accepted
    const image = Float64Array.from(graph.bondVectorCm);
    image[3 * 5] += 3;
    expect(() => checkGraph({ ...graph, bondVectorCm: image })).not.toThrow();
  });

  it("rejects self bonds, out-of-range nodes, and bad boxes and conductances", () => {
    const { graph } = sc(1, 3);
    const bj = Int32Array.from(graph.bondJ);
    bj[2] = graph.bondI[2]!;
    expect(() => checkGraph({ ...graph, bondJ: bj })).toThrowError(/bond 2 joins/);
    const far = Int32Array.from(graph.bondJ);
    far[0] = 27;
    expect(() => checkGraph({ ...graph, bondJ: far })).toThrowError(/bond 0 joins 0 and 27; nodes are 0..26/);
    expect(() => checkGraph({ ...graph, boxCm: [3, 0, 3] })).toThrowError(/box side 1 is 0/);
    const G = new Float64Array(graph.bondI.length).fill(1);
    G[4] = -1;
    expect(() => graphConductivity(graph, G)).toThrowError(/bond 4 conductance -1/);
    expect(() => graphConductivity(graph, new Float64Array(3))).toThrowError(/81 bonds but 3 conductances/);
  });
});

describe("bond currents (options.bondCurrents)", () => {
  /**
   * On a pressed powder and on the coat-and-lens network of particles in a gel (random
   * graphs with dead ends and clusters that do not wrap): Kirchhoff's current law at every
   * node, and the volume average (1/V) sum_b I_b d_b,k, which is the conductivity itself.
   * KCL is the CG's residual node by node: at TOL the imbalance is ~1e-13 of the current
   * through the graph; it is asked to 1e-9 of the current through the node or, at a node
   * carrying next to nothing (a dead end), of the largest current.
   */
  const MOF = { youngsModulusPa: 30e9, poissonRatio: 0.3, hardnessPa: 1e9 };
  const powder = pressedPowder({ particleDiameterNm: 500, diameterLogSd: 0.25, solidFraction: 0.58, pressurePa: 6e6, material: MOF, particleCount: 300 }, createStream(2, "graph", "currents"));
  const gel = gelBinder({ particleDiameterNm: 500, diameterLogSd: 0.25, mofVolumeFraction: 0.45, gelVolumeFraction: 0.2, filmThicknessNm: 10, particleCount: 200, binderSamples: 20_000 }, createStream(3, "graph", "currents-gel"));
  const film = gelFilmNetwork(gel, 10);
  const cases: [string, PeriodicGraph, Float64Array][] = [
    ["pressed powder", powder.graph, pressedPowderConductances(powder, 1e-4, 0.5)],
    ["particles in gel (cores, lenses and coats)", film.graph, gelFilmConductances(gel, film, 1e-4, 1e-3, 20).conductanceS],
  ];
  for (const [name, graph, G] of cases) {
    it(`${name}: Kirchhoff at every node, (1/V) sum_b I_b d_b,k = sigma_kk, and the same sigma as without them`, () => {
      const plain = graphConductivity(graph, G, [0, 1, 2], { tolerance: TOL });
      const withCurrents = graphConductivity(graph, G, [0, 1, 2], { tolerance: TOL, bondCurrents: true });
      const V = graph.boxCm[0] * graph.boxCm[1] * graph.boxCm[2];
      for (const [k, a] of withCurrents.entries()) {
        expect(a.conductivitySPerCm).toBe(plain[k]!.conductivitySPerCm);
        expect(a.percolates).toBe(true);
        const I = a.bondCurrentA!;
        expect(I).toHaveLength(graph.bondI.length);
        const net = new Float64Array(graph.nodeCount), through = new Float64Array(graph.nodeCount);
        let flux = 0, top = 0;
        for (let b = 0; b < I.length; b++) {
          net[graph.bondI[b]!]! -= I[b]!;
          net[graph.bondJ[b]!]! += I[b]!;
          through[graph.bondI[b]!]! += Math.abs(I[b]!);
          through[graph.bondJ[b]!]! += Math.abs(I[b]!);
          flux += I[b]! * graph.bondVectorCm[3 * b + k]!;
          top = Math.max(top, Math.abs(I[b]!));
        }
        for (let i = 0; i < graph.nodeCount; i++) expect(Math.abs(net[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(through[i]!, top));
        expect(rel(flux / V, a.conductivitySPerCm)).toBeLessThan(1e-14);
      }
    });
  }
});
