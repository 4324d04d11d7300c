/**
 * Does the sphere-neck contact element (src/design/contacts.ts: each side of a neck of radius a
 * on a sphere of radius R costs 1/(4 sigma a q(a/R)), q tabulated from the SIMPLE-CUBIC array)
 * transfer to other coordination numbers? Checked on the bcc (Z = 8) and fcc (Z = 12) arrays
 * of overlapping (necked) spheres.
 *
 * Geometry (scale-free; R = 1, sigma = 1): R = half the nearest-neighbour distance, sphere radius
 * R0 = sqrt(1 + a^2), so each nearest-neighbour pair shares a flat circular neck of radius a.
 * Conventional cubic cell side: bcc 4/sqrt(3) (sites 0 and (1/2,1/2,1/2)), fcc 2 sqrt(2) (sites 0
 * and the three face centres). For a/R <= 0.4 only nearest neighbours overlap (second neighbours
 * sit at one cell side, > 2 R0; the fcc triangle centroid lies 2/sqrt(3) > R0 from its corners).
 *
 * (A) Graph model: nodes = the cell's sphere centres (periodic), bonds = nearest neighbours,
 *     bond conductance G = 1/(2 sphereNeckResistanceOhm(sigma, a, R)) = 2 sigma a q(a/R);
 *     sigma_eff from graphConductivity (a Bravais lattice: sigma = Z G d^2 / (6 v), v the volume
 *     per site, i.e. bcc sqrt(3) a q, fcc 2 sqrt(2) a q, sc a q).
 * (B) Resolved continuum: mofhop's voxel resistor network (solveNetwork) on the cell; a voxel is
 *     conductor (1 S/cm) when its centre lies inside any sphere (periodic images included), else
 *     insulator; grain 0; default "planes" electrodes (ideal) on the x faces, insulating sides.
 *     For both lattices the cell faces x = 0 and x = a_cell are mirror planes of the structure,
 *     so under a field along x they are equipotentials (antisymmetry), and the y and z faces are
 *     mirror planes parallel to the field, hence no-flux: ONE cell with these boundary conditions
 *     is exactly the infinite array. The planes x, y, z = a_cell/2 are mirror planes too, so the
 *     1/8 piece x, y, z in [0, a_cell/2] (mid-plane x = a_cell/2 an equipotential by
 *     antisymmetry, the solver's outer electrode plane) gives the same sigma_eff; for the
 *     discrete network this is exact (checked below against the full cell).
 *
 * Continuum values: solves at N = 32 .. 640 voxels per cell side (768 for a/R = 0.3),
 * extrapolated to zero voxel size (scripts/neck-array-reference.mjs bcc|fcc ...; not re-run
 * here, N = 512 takes ~40 s). Unlike the simple-cubic array, the
 * necks here are oblique to the voxel axes: bcc converges from above, fcc from BELOW (face-only
 * voxel connectivity across an oblique neck), both noisily (staircase noise ~1e-3 up to N ~ 256).
 *
 * Outcome (measured): the element does not transfer exactly to oblique necks. The graph model
 * over-predicts sigma_eff by bcc +5.6, +8.6, +12.0 % and fcc +18.3, +28.3, +39.4 % at a/R = 0.2,
 * 0.3, 0.4, far beyond q's stated error plus the extrapolation error (at fcc a/R = 0.4 the graph
 * value 1.053 even exceeds the Wiener bound phi = 0.884): with 8 or 12 current-carrying necks
 * 70.5 or 60 degrees apart a particle is no longer one equipotential. Per a/R the excess is
 * nearly constant for each lattice, k = 0.28-0.30 (bcc) and 0.92-0.98 (fcc); contacts.ts
 * reports k (a/R) as the element's transfer error (0.30 up to Z = 8, linear to 0.98 at Z = 12).
 * The tests below assert those measured k (a property of the physics the element leaves out:
 * they fail if the element or the solver changes what they compute) and that the reported
 * error covers the measured excess (which holds by the choice of k: said here, not hidden).
 *
 * Below Z = 6 (measured: no excess where the necks sit on the axes). Random pressed powders have Z ~ 4.7, so
 * two lower-coordination arrays were added: chains along x (Z = 2; sites 2 apart along x, cell
 * 2 x 2.5 x 2.5, the spheres touch only along x) and square layers (Z = 4; cell 2 x 2 x 2.5, necks
 * at the x and y poles). With the field along x every cell face is a mirror plane again, so the
 * same one-cell / corner-eighth construction is exact (checked below). sigma_eff is per cell
 * (sigma * cross-section / 4 compares with the sc array). The graph (one node per sphere, the cell
 * doubled along each bonded axis because the graph has no self-bonds) gives 4 G / L^2 (chain) and
 * G / L (square), i.e. the sc value a q per chain. Measured (graph - S) / S at a/R = 0.2, 0.3,
 * 0.4: chain -0.00, -0.04, -0.20 %, square +0.00, -0.00, -0.06 %, all within q's error plus the
 * extrapolation error: c = -0.0013 .. +0.0001, not +0.15, for both. The reason: with the field
 * along the bonds only the two necks at the x poles carry current, exactly as in the sc array
 * that calibrated q (there the y and z necks sit on the antisymmetry plane and carry none); the
 * chain's and square's spheres differ from sc's only by the transverse caps sc cuts off (at the
 * potential's zero plane: at equal N = 256, chain/sc - 1 = +0.07 % at a/R = 0.3, square +0.03 %),
 * the size of the small negative residuals. The bcc/fcc excess is therefore not a function of
 * Z alone (it comes from several current-carrying, oblique necks closer than 90 degrees on one
 * sphere), and c |Z - 6| a/R over-states the error of these low-Z arrays (6.6 to 26 % reported
 * where 0.0-0.2 % is measured). What a random packing at Z ~ 4.7 (oblique necks, no mirror
 * planes) does is not settled by these arrays; it would need a periodic solve. contacts.ts
 * therefore takes the bcc excess (k = 0.30) as an upper estimate up to Z = 8; the coverage test
 * passes for chain and square because that estimate is generous there; the "no excess" test
 * asserts what was measured.
 */
import { describe, expect, it } from "vitest";
import { conductorRatio } from "../conductor-ratio.js";
import { contactTransferError, finiteSphereFactor, sphereNeckResistanceOhm } from "../../src/design/contacts.js";
import { graphConductivity, type PeriodicGraph } from "../../src/design/graph.js";
import { createVoxelGrid, type VoxelGrid } from "../../src/structure/voxel/grid.js";

type Lattice = "bcc" | "fcc" | "chain" | "square";
type Vec3 = readonly [number, number, number];
/**
 * cell: sides of the conventional cell (R = 1); z: coordination; sumDx2: sum of d_x^2 over one
 * site's bonds (cubic: Z d^2 / 3; chain and square: the two x neighbours, 2 d^2); rep: copies of
 * the cell in the graph's box (the graph has no self-bonds, so a one-site cell is doubled along
 * each bonded axis; sigma_eff is intensive).
 */
const LAT: Record<Lattice, { cell: Vec3; basis: readonly Vec3[]; z: number; sumDx2: number; rep: Vec3 }> = {
  bcc: { cell: [4 / Math.sqrt(3), 4 / Math.sqrt(3), 4 / Math.sqrt(3)], basis: [[0, 0, 0], [0.5, 0.5, 0.5]], z: 8, sumDx2: 32 / 3, rep: [1, 1, 1] },
  fcc: {
    cell: [2 * Math.SQRT2, 2 * Math.SQRT2, 2 * Math.SQRT2],
    basis: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
    z: 12,
    sumDx2: 16,
    rep: [1, 1, 1],
  },
  chain: { cell: [2, 2.5, 2.5], basis: [[0, 0, 0]], z: 2, sumDx2: 8, rep: [2, 1, 1] },
  square: { cell: [2, 2, 2.5], basis: [[0, 0, 0]], z: 4, sumDx2: 8, rep: [2, 2, 1] },
};

/** The full cell (full = true) or its corner eighth; N = voxels along the cell's x side (cubic voxels). */
function latticeGrid(lat: Lattice, n: number, aOverR: number, full: boolean): VoxelGrid {
  const { cell, basis } = LAT[lat];
  const h = cell[0] / n, r2 = 1 + aOverR * aOverR, r0 = Math.sqrt(r2);
  const m = cell.map((L) => Math.round(((full ? n : n / 2) * L) / cell[0]));
  const ext = m.map((mk) => mk * h);
  const [mx, my, mz] = [m[0]!, m[1]!, m[2]!];
  const phase = new Uint8Array(mx * my * mz);
  for (const b of basis) for (let i = -1; i <= 2; i++) for (let j = -1; j <= 2; j++) for (let k = -1; k <= 2; k++) {
    const c = [(b[0] + i) * cell[0], (b[1] + j) * cell[1], (b[2] + k) * cell[2]];
    if (c.some((v, q) => v + r0 < 0 || v - r0 > ext[q]!)) continue;
    const lo = c.map((v) => Math.max(0, Math.floor((v - r0) / h - 0.5)));
    const hi = c.map((v, q) => Math.min(m[q]! - 1, Math.ceil((v + r0) / h - 0.5)));
    for (let z = lo[2]!; z <= hi[2]!; z++) {
      const dz = (z + 0.5) * h - c[2]!;
      for (let y = lo[1]!; y <= hi[1]!; y++) {
        const dy = (y + 0.5) * h - c[1]!, r = dz * dz + dy * dy;
        if (r >= r2) continue;
        const base = mx * (y + my * z);
        for (let x = lo[0]!; x <= hi[0]!; x++) {
          const dx = (x + 0.5) * h - c[0]!;
          if (r + dx * dx < r2) phase[base + x] = 1;
        }
      }
    }
  }
  return createVoxelGrid([mx, my, mz], phase, new Int32Array(phase.length));
}

/** Voxel sigma_eff / sigma of a lattice cell (test/conductor-ratio.ts). */
function voxelRatio(lat: Lattice, n: number, aOverR: number, full = false): number {
  return conductorRatio(latticeGrid(lat, n, aOverR, full));
}

/** Periodic nearest-neighbour graph of rep copies of the conventional cell (cm; R = 1 cm). */
function latticeGraph(lat: Lattice): PeriodicGraph {
  const { cell, basis, rep } = LAT[lat];
  const box = [0, 1, 2].map((k) => cell[k]! * rep[k]!);
  const pos: number[] = [];
  for (let rz = 0; rz < rep[2]; rz++) for (let ry = 0; ry < rep[1]; ry++) for (let rx = 0; rx < rep[0]; rx++) {
    for (const b of basis) pos.push((b[0] + rx) * cell[0], (b[1] + ry) * cell[1], (b[2] + rz) * cell[2]);
  }
  const nodes = pos.length / 3;
  const bi: number[] = [], bj: number[] = [], vec: number[] = [];
  for (let i = 0; i < nodes; i++) for (let j = i + 1; j < nodes; j++) {
    for (let ox = -1; ox <= 1; ox++) for (let oy = -1; oy <= 1; oy++) for (let oz = -1; oz <= 1; oz++) {
      const d = [0, 1, 2].map((k) => pos[3 * j + k]! + [ox, oy, oz][k]! * box[k]! - pos[3 * i + k]!);
      if (Math.abs(Math.hypot(d[0]!, d[1]!, d[2]!) - 2) < 1e-9) { bi.push(i); bj.push(j); vec.push(...d); }
    }
  }
  return {
    nodeCount: nodes,
    boxCm: [box[0]!, box[1]!, box[2]!],
    positionCm: Float64Array.from(pos),
    bondI: Int32Array.from(bi),
    bondJ: Int32Array.from(bj),
    bondVectorCm: Float64Array.from(vec),
  };
}

/** Graph-model sigma_eff / sigma along x, and its error from q's stated error (sigma_eff is linear in q). */
function graphRatio(lat: Lattice, aOverR: number): { s: number; err: number } {
  const g = latticeGraph(lat);
  const sigma = 1, R = 1, a = aOverR * R;
  const G = 1 / (2 * sphereNeckResistanceOhm(sigma, a, R));
  const [x] = graphConductivity(g, new Float64Array(g.bondI.length).fill(G), [0]);
  const { q, error } = finiteSphereFactor(aOverR);
  return { s: x!.conductivitySPerCm / sigma, err: (x!.conductivitySPerCm / sigma) * (error / q) };
}

/** Solid fraction of the array (sphere minus Z caps of height R0 - R). */
function solidFraction(lat: Lattice, aOverR: number): number {
  const { cell, basis, z } = LAT[lat];
  const r0 = Math.sqrt(1 + aOverR * aOverR), t = r0 - 1;
  const cap = (Math.PI * t * t * (3 * r0 - t)) / 3;
  return (basis.length * ((4 / 3) * Math.PI * r0 ** 3 - z * cap)) / (cell[0] * cell[1] * cell[2]);
}

/**
 * Continuum sigma_eff/sigma S +- err (scripts/neck-array-reference.mjs): midpoint and half-range of five
 * extrapolations of the finest solves (first-order Richardson of the two finest N and of
 * N_max/2, N_max; three-point fitted-order Richardson of the finest ratio-2 triple; least-squares
 * S + B h over N >= 192 and S + A (sqrt(a^2 + h) - a) + B h over N >= 128). The err is a spread of
 * methods, not a rigorous bound. chain and square (per cell 2 x 2.5 x 2.5 and 2 x 2 x 2.5): solves
 * at N = 64, 96, 128, 192, 256, 384, 512 (h = 2/N), the same five methods with the sc form
 * sqrt(a^2 + h - h^2/4) - a (the necks are axis-aligned, as in sc); at a/R = 0.4 the finest
 * triple is not monotone (staircase noise ~2e-4), so four methods; errors rounded up. a/R = 0.1:
 * N = 128 .. 768, finest triple (192, 384, 768), order 0.77; only partly resolved (err 2.2 %).
 */
const REF: Record<Lattice, Record<string, { s: number; err: number }>> = {
  bcc: { "0.2": { s: 0.2989, err: 0.0006 }, "0.3": { s: 0.4386, err: 0.0013 }, "0.4": { s: 0.5761, err: 0.0002 } },
  fcc: { "0.2": { s: 0.4357, err: 0.0026 }, "0.3": { s: 0.6066, err: 0.0016 }, "0.4": { s: 0.7558, err: 0.0014 } },
  chain: { "0.1": { s: 0.0593, err: 0.0013 }, "0.2": { s: 0.1166, err: 0.0007 }, "0.3": { s: 0.1761, err: 0.0002 }, "0.4": { s: 0.2388, err: 0.0003 } },
  square: { "0.1": { s: 0.0742, err: 0.0017 }, "0.2": { s: 0.1458, err: 0.0009 }, "0.3": { s: 0.2201, err: 0.0002 }, "0.4": { s: 0.2981, err: 0.0003 } },
};

/** Offline voxel values (same construction, tolerance 1e-10) at N = 128 and 256. */
const AT: Record<Lattice, Record<string, Record<number, number>>> = {
  bcc: {
    "0.2": { 128: 0.31328270368861916, 256: 0.30622586091299253 },
    "0.3": { 128: 0.4396951574769089, 256: 0.440434947103467 },
    "0.4": { 128: 0.5756466981128111, 256: 0.5755811885744768 },
  },
  fcc: {
    "0.2": { 128: 0.41446761150290956, 256: 0.4268760442882956 },
    "0.3": { 128: 0.58992004319193, 256: 0.5985577687814242 },
    "0.4": { 128: 0.7438634856338862, 256: 0.7485962180582378 },
  },
  chain: {
    "0.2": { 128: 0.12666240854151992, 256: 0.12216519486434385 },
    "0.3": { 128: 0.17956531150018676, 256: 0.17763929928646827 },
    "0.4": { 128: 0.23933222482703623, 256: 0.2386647260455426 },
  },
  square: {
    "0.2": { 128: 0.1583213795907444, 256: 0.1526997661246174 },
    "0.3": { 128: 0.22438565141908118, 256: 0.2219747433239634 },
    "0.4": { 128: 0.29876611110829565, 256: 0.29791872266675873 },
  },
};

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const HIGH: [Lattice, string][] = [["bcc", "0.2"], ["bcc", "0.3"], ["bcc", "0.4"], ["fcc", "0.2"], ["fcc", "0.3"], ["fcc", "0.4"]];
const LOW: [Lattice, string][] = [
  ["chain", "0.1"], ["chain", "0.2"], ["chain", "0.3"], ["chain", "0.4"],
  ["square", "0.1"], ["square", "0.2"], ["square", "0.3"], ["square", "0.4"],
];
const CASES = [...HIGH, ...LOW];
const ALL: readonly Lattice[] = ["bcc", "fcc", "chain", "square"];

describe("sphere-neck element on chain, square, bcc and fcc arrays: graph model vs resolved continuum", () => {
  it("the 1/8 piece gives the full cell's sigma_eff (exact symmetry of the discrete network)", () => {
    // reference: the full cell; agreement to the solver tolerance (residual 1e-10)
    for (const lat of ALL) expect(rel(voxelRatio(lat, 32, 0.3), voxelRatio(lat, 32, 0.3, true))).toBeLessThan(1e-8);
  });

  it("the graph has Z nearest neighbours per site and gives G sum(d_x^2) / (2 v)", () => {
    // reference: the affine solution of a Bravais lattice (u = 0 by inversion symmetry); cubic
    // lattices: sum(d_x^2) = Z d^2 / 3, i.e. Z G d^2 / (6 v); chain and square: 2 d^2 (x bonds only)
    for (const lat of ALL) {
      const g = latticeGraph(lat), { cell, basis, z, sumDx2, rep } = LAT[lat];
      expect(2 * g.bondI.length).toBe(z * g.nodeCount);
      expect(g.nodeCount).toBe(basis.length * rep[0] * rep[1] * rep[2]);
      const a = 0.3, G = 2 * a * finiteSphereFactor(a).q, v = (cell[0] * cell[1] * cell[2]) / basis.length;
      expect(rel(graphRatio(lat, a).s, (G * sumDx2) / (2 * v))).toBeLessThan(1e-9);
    }
  });

  it.each([
    // lattice, a/R, observed three-point orders (ratio-2 triples of the offline runs) min..max
    ["bcc", "0.2", 1.01, 1.52], // from above; triples (96,192,384) 1.52, (128,256,512) 1.01
    ["fcc", "0.4", 0.63, 1.71], // from below; (64,128,256) 1.71, (96,192,384) 1.15, (128,256,512) 0.63
    ["chain", "0.2", 0.79, 1.14], // from above; (64,128,256) 1.14, (96,192,384) 0.89, (128,256,512) 0.79
    ["square", "0.3", 1.26, 1.96], // from above; (64,128,256) 1.34, (96,192,384) 1.96, (128,256,512) 1.26
  ] as const)("%s, a/R = %s: re-run N = 256 lies between N = 128 and the reference, at about first order", (lat, a, pMin, pMax) => {
    const s128 = AT[lat][a]![128]!, s256 = voxelRatio(lat, 256, Number(a)), { s: sRef, err } = REF[lat][a]!;
    // the re-run is the offline script's solve (same grid, same solver)
    expect(rel(s256, AT[lat][a]![256]!)).toBeLessThan(1e-9);
    // monotone approach: N = 256 is strictly between N = 128 and the reference band
    const sign = Math.sign(s128 - sRef);
    expect(sign * (s128 - s256)).toBeGreaterThan(0);
    expect(sign * (s256 - sRef)).toBeGreaterThan(err);
    // first order: e_128 / e_256 = 2; the observed orders here are pMin..pMax. Assert the ratio
    // for some S in the reference band lies in [2^pMin, 2^pMax] (the band's ends bound it).
    const r1 = (s128 - (sRef - err)) / (s256 - (sRef - err)), r2 = (s128 - (sRef + err)) / (s256 - (sRef + err));
    expect(Math.max(r1, r2)).toBeGreaterThan(2 ** pMin);
    expect(Math.min(r1, r2)).toBeLessThan(2 ** pMax);
  });

  it("the continuum references respect the Wiener bound sigma_eff <= phi sigma", () => {
    for (const [lat, a] of CASES) expect(REF[lat][a]!.s + REF[lat][a]!.err).toBeLessThan(solidFraction(lat, Number(a)));
  });

  it("oblique necks: the graph model's excess per a/R is k = 0.28-0.30 on bcc and 0.92-0.98 on fcc", () => {
    // measured k = ((graph - S) / S) / (a/R) for each array: positive (the graph over-predicts),
    // nearly constant in a/R for each lattice, and inside the measured ranges widened by the
    // references' extrapolation errors
    const k = (lat: Lattice, a: string): { v: number; e: number } => {
      const g = graphRatio(lat, Number(a)), ref = REF[lat][a]!;
      return { v: (g.s - ref.s) / ref.s / Number(a), e: (g.s * ref.err) / ref.s ** 2 / Number(a) };
    };
    for (const [lat, lo, hi] of [["bcc", 0.28, 0.3], ["fcc", 0.92, 0.98]] as const) {
      for (const a of ["0.2", "0.3", "0.4"]) {
        const { v, e } = k(lat, a);
        expect(v + e).toBeGreaterThanOrEqual(lo - 0.005);
        expect(v - e).toBeLessThanOrEqual(hi + 0.005);
      }
    }
  });

  it("necks on the axes (chain Z = 2, square layers Z = 4): no excess", () => {
    // measured: (graph - S) / S = -0.00, -0.04, -0.20 % (chain) and +0.00, -0.00, -0.06 % (square) at
    // a/R = 0.2, 0.3, 0.4, where a law c (0.14 .. 0.165) |Z - 6| a/R fitted to bcc and fcc would
    // give +11 .. +26 % (chain) and +5.6 .. +13 % (square). Asserted: the graph matches the continuum within q's stated error plus
    // the extrapolation error, and for a/R >= 0.2 even at the ends of those errors |c| < 0.05 (a
    // third of the smallest bcc/fcc c; the measured c are -0.0013 .. +0.0001, the bound is reached
    // by square at a/R = 0.2, 0.044, where q's error is 1.1 %). a/R = 0.1 (-0.4 %
    // +- 3.9 %) only agrees within its larger errors; it does not pin c down.
    for (const [lat, a] of LOW) {
      const g = graphRatio(lat, Number(a)), ref = REF[lat][a]!;
      expect(Math.abs(g.s - ref.s)).toBeLessThanOrEqual(g.err + ref.err);
      if (Number(a) < 0.2) continue;
      expect((Math.abs(g.s - ref.s) + g.err + ref.err) / ref.s / (Math.abs(LAT[lat].z - 6) * Number(a))).toBeLessThan(0.05);
    }
  });

  it.each(CASES)("%s, a/R = %s: the element's reported error (q error + transfer error) covers the measured excess", (lat, a) => {
    const g = graphRatio(lat, Number(a)), ref = REF[lat][a]!;
    const reported = g.s * contactTransferError(LAT[lat].z, Number(a)) + g.err;
    expect(Math.abs(g.s - ref.s)).toBeLessThanOrEqual(reported + ref.err);
  });
});
