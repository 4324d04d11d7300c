/**
 * Coarse-grained hopping lattice of the sulfonated UiO-67-type MOF Zr-BPDC-2SO3H.
 *
 * Framework (Cavka et al., JACS 130, 13850, 2008): fcu net, Fm-3m, conventional cubic cell
 * a = 26.8-26.9 A (default 26.9 A). Zr6 nodes on the fcc positions (0,0,0), (1/2,1/2,0),
 * (1/2,0,1/2), (0,1/2,1/2); the 24 BPDC linkers per cell run along the 12-fold node-node
 * nearest-neighbour edges (length a/sqrt(2)), centred at the edge midpoints, e.g. (1/4,1/4,0)a.
 * Cages: 8 tetrahedral ("tet", (1/4,1/4,1/4)a-type) and 4 octahedral ("oct", body centre and
 * edge midpoints) per cell. Only the hopping sites are kept: nodes and linkers are not sites.
 *
 * Sulfonates (model assumptions, not a crystal structure). Each edge borders exactly 2 tet
 * and 2 oct cages: from the edge midpoint the two tet centres lie at +-a/4 along a cubic axis
 * n (perpendicular to the edge's {100} layer) and the two oct centres at +-a/(2 sqrt 2) along
 * w, the in-layer perpendicular to the edge (checked when the lattice is built). The 2,2'-
 * disulfonate puts one -SO3- on each phenyl ring: the site sits at the linker centre
 * +- (A u + N n), u the linker axis, A = 2.2 A along the axis (about the ring-centre offset:
 * half the 1.49 A inter-ring bond + the 1.40 A ring radius) and N = 3.0 A across it (ring
 * radius 1.4 A + C-S 1.77 A, projected), so the two sulfonates of a linker sit on different
 * rings and point into its two different tet cages: 48 sulfonates per cell, 6 per tet cage.
 * (The S atom of a planar 2-sulfonyl phenyl itself sits ~0.6 A along and ~2.7 A across the
 * axis; both offsets are options. Sulfonates pointing into oct cages are not modelled.)
 *
 * Ordering. The pair on a linker is centrosymmetric, so each linker is one bit: which way
 * its twist axis w = u x n points (towards which of its two flanking oct cages). Of the 2^24
 * orderings per cell, we take the one in which every tet cage has the same "3+3" pattern:
 * the three sulfonates on the edges meeting at one apex node lean towards that node (a close
 * triangle), the three on the opposite face each lean towards the next node around the face.
 * Enumerating all orderings, this is the only cage pattern that gives every sulfonate the same
 * number of in-cage neighbours and a connected in-cage graph within a window that stops short
 * of the partner on the same linker (7.44 A, other cage), and the only cubic orderings with it
 * (8 of them, one orbit of Fm-3m) have space group Pa-3 (No. 205, an index-8 subgroup of
 * Fm-3m, as pyrite's is of rock salt's): transport tensors stay isotropic. Rule: a linker in
 * the layer x_k = h (h = 0 or a/2) takes w with positive component along axis k+2 (mod 3)
 * if h = 0, negative if h = a/2. The 48 sulfonates form two Pa-3 orbits of 24 (apex and
 * face); no ordering can make all 48 equivalent, because a tet cage's stabiliser would have
 * to permute its 6 edge sites transitively while keeping each edge's lean, and every subgroup
 * of -43m whose order is a multiple of 6 (3m, 23, -43m) reverses some edge. Both orbits have
 * the same coordination numbers.
 *
 * Hop types and their lengths at the defaults (a = 26.9 A, A = 2.2 A, N = 3.0 A):
 *   sulfonate-tet        4.33 A  a sulfonate to the tet cage it points into (1 per sulfonate,
 *                                6 per tet)
 *   sulfonate-sulfonate  3.07 and 6.50 A  between sulfonates on edges of the same tet cage that
 *                                share a node, unless both lean away from it (7.47 A): 3 per
 *                                sulfonate (apex sites 3.07, 3.07, 6.50; face sites 6.50 x 3),
 *                                each cage's six forming a triangular prism
 *   sulfonate-oct        10.21 A a sulfonate to the 2 oct cages flanking its linker, through
 *                                the 2 triangular windows whose rim it sits on (24 per oct);
 *                                shorter than tet-oct, so kept, as its own type, so that a
 *                                scenario can switch it off with a huge barrier
 *   tet-oct              11.65 A a sqrt(3)/4, through the shared triangular window (4 per
 *                                tet, 8 per oct)
 * No tet-tet or oct-oct hops: those cages share only linker-blocked edges. Each hop type's
 * distance window is derived from the geometry (uio67HopWindows): from midway between the
 * shortest designed hop and the nearest shorter non-hop (or 0) to midway between the longest
 * designed hop and the nearest longer non-hop of the same site types (capped at a). At the
 * defaults: sulfonate-tet 2.16-7.15 A (next tet 9.97 A), sulfonate-sulfonate 1.53-6.97 A
 * (next 7.44 A: the partner on the same linker, in the other cage), sulfonate-oct 5.11-11.48 A
 * (next 12.75 A), tet-oct 5.82-16.98 A (next 22.30 A). Offsets for which no window separates
 * the designed hops, or that bring two sites within 1 A, are rejected with an InputError.
 */
import { InputError } from "../../core/errors.js";
import { buildUnitCell, periodicLattice, type BasisSite, type BondRule, type PeriodicLattice } from "./lattice.js";

/** Conventional cubic lattice constant, A (UiO-67: 26.8-26.9 A, Cavka et al. 2008). */
export const UIO67_LATTICE_CONSTANT_ANGSTROM = 26.9;
/** Sulfonate offset from the linker centre along the linker axis, A (ring-centre offset). */
export const UIO67_SULFONATE_AXIAL_OFFSET_ANGSTROM = 2.2;
/** Sulfonate offset from the linker axis towards its tet cage, A (1.4 + 1.77, projected). */
export const UIO67_SULFONATE_NORMAL_OFFSET_ANGSTROM = 3.0;
export const UIO67_NODES_PER_CELL = 4;
export const UIO67_LINKERS_PER_CELL = 24;
export const UIO67_SULFONATES_PER_LINKER = 2;
/** Closest two sites may come, A; offsets that violate it are rejected. */
export const UIO67_MIN_SITE_SEPARATION_ANGSTROM = 1;

export type Uio67SiteType = "sulfonate" | "tet" | "oct";
export type Uio67HopType = "sulfonate-tet" | "sulfonate-sulfonate" | "sulfonate-oct" | "tet-oct";
export const UIO67_SITE_TYPES: readonly Uio67SiteType[] = ["sulfonate", "tet", "oct"];
export const UIO67_HOP_TYPES: readonly Uio67HopType[] = ["sulfonate-tet", "sulfonate-sulfonate", "sulfonate-oct", "tet-oct"];

const HOP_ENDS: Readonly<Record<Uio67HopType, readonly [Uio67SiteType, Uio67SiteType]>> = {
  "sulfonate-tet": ["sulfonate", "tet"],
  "sulfonate-sulfonate": ["sulfonate", "sulfonate"],
  "sulfonate-oct": ["sulfonate", "oct"],
  "tet-oct": ["tet", "oct"],
};

/** Bonds of each hop type per site, by site type (every site of a type has the same). */
export const UIO67_COORDINATION: Readonly<Record<Uio67SiteType, Readonly<Partial<Record<Uio67HopType, number>>>>> = {
  sulfonate: { "sulfonate-tet": 1, "sulfonate-sulfonate": 3, "sulfonate-oct": 2 },
  tet: { "sulfonate-tet": 6, "tet-oct": 4 },
  oct: { "sulfonate-oct": 24, "tet-oct": 8 },
};

/** Sites of each type per conventional cell. */
export function uio67SiteCounts(): Readonly<Record<Uio67SiteType, number>> {
  return { sulfonate: UIO67_LINKERS_PER_CELL * UIO67_SULFONATES_PER_LINKER, tet: 8, oct: 4 };
}

export interface Uio67Geometry {
  readonly latticeConstantAngstrom?: number;
  readonly sulfonateAxialOffsetAngstrom?: number;
  readonly sulfonateNormalOffsetAngstrom?: number;
}

export interface Uio67Options extends Uio67Geometry {
  readonly cells: readonly [number, number, number];
}

type Vec3 = readonly [number, number, number];

export interface Uio67Linker {
  /** Linker centre (edge midpoint) inside the cell, A. */
  readonly centreAngstrom: Vec3;
  /** Unit vector along the linker axis (node to node). */
  readonly axis: Vec3;
  /** Unit vector from the centre towards the tet cage of the first sulfonate (a cubic axis). */
  readonly normal: Vec3;
  /** Unit twist axis w = axis x normal, towards one of the two flanking oct cages. */
  readonly twist: Vec3;
  /** The two sulfonates: centre +- (A axis + N normal), not wrapped into the cell, A. */
  readonly sulfonatesAngstrom: readonly [Vec3, Vec3];
}

export interface Uio67Framework {
  readonly latticeConstantAngstrom: number;
  readonly nodesAngstrom: readonly Vec3[];
  readonly linkers: readonly Uio67Linker[];
  readonly tetAngstrom: readonly Vec3[];
  readonly octAngstrom: readonly Vec3[];
}

export interface Uio67HopWindow {
  readonly hopType: Uio67HopType;
  readonly from: Uio67SiteType;
  readonly to: Uio67SiteType;
  readonly minDistanceAngstrom: number;
  readonly maxDistanceAngstrom: number;
  /** Distinct designed hop lengths, ascending, A. */
  readonly hopLengthsAngstrom: readonly number[];
  /** Nearest pair of these site types beyond the window that is not a hop, A (null if none within reach). */
  readonly nearestExcludedAngstrom: number | null;
}

const FCC: readonly Vec3[] = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
const EPS = 1e-6;

const add = (p: Vec3, q: Vec3, s = 1): Vec3 => [p[0] + s * q[0], p[1] + s * q[1], p[2] + s * q[2]];
const scale = (p: Vec3, s: number): Vec3 => [s * p[0], s * p[1], s * p[2]];
const norm = (p: Vec3): number => Math.hypot(p[0], p[1], p[2]);
const cross = (p: Vec3, q: Vec3): Vec3 => [p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0]];
const wrap1 = (x: number, a: number): number => {
  const w = x - a * Math.floor(x / a);
  return w >= a - 1e-9 ? 0 : w;
};
const wrapCart = (p: Vec3, a: number): Vec3 => [wrap1(p[0], a), wrap1(p[1], a), wrap1(p[2], a)];

function resolveGeometry(g: Uio67Geometry): { a: number; axial: number; normal: number } {
  const a = g.latticeConstantAngstrom ?? UIO67_LATTICE_CONSTANT_ANGSTROM;
  const axial = g.sulfonateAxialOffsetAngstrom ?? UIO67_SULFONATE_AXIAL_OFFSET_ANGSTROM;
  const normal = g.sulfonateNormalOffsetAngstrom ?? UIO67_SULFONATE_NORMAL_OFFSET_ANGSTROM;
  if (!Number.isFinite(a) || a <= 0) throw new InputError(`latticeConstantAngstrom: got ${a}; must be a finite number > 0`);
  const halfLinker = (a * Math.SQRT2) / 4;
  if (!Number.isFinite(axial) || axial < 0 || axial >= halfLinker) {
    throw new InputError(`sulfonateAxialOffsetAngstrom: got ${axial}; must be >= 0 and below half the linker length ${halfLinker.toFixed(3)} A`);
  }
  if (!Number.isFinite(normal) || normal <= 0 || normal >= a / 4) {
    throw new InputError(`sulfonateNormalOffsetAngstrom: got ${normal}; must be > 0 and below the linker-to-tet-cage distance a/4 = ${(a / 4).toFixed(3)} A`);
  }
  return { a, axial, normal };
}

/** Periodic images (offsets -1..1 cells) of `points` within `distance` (+-EPS) of `p`. */
function imagesAt(p: Vec3, points: readonly Vec3[], distance: number, a: number): Vec3[] {
  const found: Vec3[] = [];
  for (const q of points)
    for (let dz = -1; dz <= 1; dz++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const img: Vec3 = [q[0] + dx * a, q[1] + dy * a, q[2] + dz * a];
          if (Math.abs(norm(add(img, p, -1)) - distance) < EPS) found.push(img);
        }
  return found;
}

/**
 * Nodes, linkers with their sulfonates, and cage centres of one conventional cell (Cartesian,
 * A). Checks the fcu facts the model rests on: each edge borders exactly two tet cages at
 * +-a/4 along a cubic axis and two oct cages at +-a/(2 sqrt 2) in its layer.
 */
export function uio67Framework(geometry: Uio67Geometry = {}): Uio67Framework {
  const { a, axial, normal: offN } = resolveGeometry(geometry);
  const nodes = FCC.map((f) => scale(f, a));
  const tets = FCC.flatMap((f) => [add(f, [0.25, 0.25, 0.25]), add(f, [0.75, 0.75, 0.75])]).map((f) => wrapCart(scale(f, a), a));
  const octs = FCC.map((f) => wrapCart(scale(add(f, [0.5, 0, 0]), a), a));
  const linkers: Uio67Linker[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    for (let k = 0; k < 3; k++) {
      // the 4 edges from this node lying in the layer perpendicular to axis k
      for (const [s1, s2] of [[1, 1], [1, -1], [-1, 1], [-1, -1]] as const) {
        const d: [number, number, number] = [0, 0, 0];
        d[(k + 1) % 3] = (s1 * a) / 2;
        d[(k + 2) % 3] = (s2 * a) / 2;
        const centre = wrapCart(add(node, scale(d, 0.5)), a);
        const key = centre.map((x) => Math.round((x / a) * 1e6)).join(",");
        if (seen.has(key)) continue;
        seen.add(key);
        const u = scale(d, 1 / norm(d));
        const tetImgs = imagesAt(centre, tets, a / 4, a);
        const octImgs = imagesAt(centre, octs, (a * Math.SQRT2) / 4, a);
        if (tetImgs.length !== 2 || octImgs.length !== 2) throw new Error(`uio67: edge at ${key} borders ${tetImgs.length} tet and ${octImgs.length} oct cages, expected 2 and 2`);
        const nTet = scale(add(tetImgs[0]!, centre, -1), 4 / a);
        if (Math.abs(Math.abs(nTet[k]) - 1) > EPS || Math.abs(norm(add(tetImgs[1]!, tetImgs[0]!, -1)) - a / 2) > EPS) {
          throw new Error(`uio67: the tet cages of edge ${key} do not lie at +-a/4 along cubic axis ${k}`);
        }
        // twist axis: towards the flanking oct whose component along axis k+2 has the sign set by the layer
        const h = centre[k] / a;
        const sign = Math.abs(h) < EPS ? 1 : -1;
        const wOct = octImgs.map((o) => scale(add(o, centre, -1), 4 / (a * Math.SQRT2)));
        const w = wOct.find((v) => Math.sign(v[(k + 2) % 3]) === sign)!;
        const wxu = cross(w, u);
        if (Math.abs(Math.abs(wxu[k]) - 1) > EPS) throw new Error(`uio67: twist axis of edge ${key} is not perpendicular to its tet direction`);
        const n: [number, number, number] = [0, 0, 0];
        n[k] = Math.sign(wxu[k]); // w x u, exactly on the cubic axis
        const shift = add(scale(u, axial), scale(n, offN));
        linkers.push({ centreAngstrom: centre, axis: u, normal: n, twist: w, sulfonatesAngstrom: [add(centre, shift), add(centre, shift, -1)] });
      }
    }
  }
  if (linkers.length !== UIO67_LINKERS_PER_CELL) throw new Error(`uio67: found ${linkers.length} linkers per cell, expected ${UIO67_LINKERS_PER_CELL}`);
  return { latticeConstantAngstrom: a, nodesAngstrom: nodes, linkers, tetAngstrom: tets, octAngstrom: octs };
}

/** A basis site with what the hop predicates need, as vectors from the site (image-safe). */
interface SiteInfo {
  readonly type: Uio67SiteType;
  readonly pos: Vec3;
  /** Sulfonates: vectors to the centre of its tet cage, the node it leans to, the other node of its linker, the two flanking oct centres. */
  readonly toTet?: Vec3;
  readonly toLean?: Vec3;
  readonly toOther?: Vec3;
  readonly toOcts?: readonly [Vec3, Vec3];
}

function siteInfos(fw: Uio67Framework): SiteInfo[] {
  const a = fw.latticeConstantAngstrom;
  const out: SiteInfo[] = [];
  for (const L of fw.linkers) {
    for (const j of [1, -1]) {
      const raw = L.sulfonatesAngstrom[j === 1 ? 0 : 1];
      const rel = (target: Vec3): Vec3 => add(target, raw, -1);
      const c = L.centreAngstrom;
      const half = (a * Math.SQRT2) / 4;
      out.push({
        type: "sulfonate",
        pos: wrapCart(raw, a),
        toTet: rel(add(c, scale(L.normal, (j * a) / 4))),
        toLean: rel(add(c, scale(L.axis, j * half))),
        toOther: rel(add(c, scale(L.axis, -j * half))),
        toOcts: [rel(add(c, scale(L.twist, half))), rel(add(c, scale(L.twist, -half)))],
      });
    }
  }
  for (const t of fw.tetAngstrom) out.push({ type: "tet", pos: t });
  for (const o of fw.octAngstrom) out.push({ type: "oct", pos: o });
  return out;
}

const same = (p: Vec3, q: Vec3): boolean => norm(add(p, q, -1)) < 1e-6;
/** |(x, y, z)|, without Math.hypot's overflow guard (distances here are a few cells at most). */
const len3 = (x: number, y: number, z: number): number => Math.sqrt(x * x + y * y + z * z);
/** Does p + v lie at q (within 1e-6 A)? Scalars, so that the O(B^2) pair scan allocates nothing. */
const sameAt = (v: Vec3, px: number, py: number, pz: number, qx: number, qy: number, qz: number): boolean =>
  len3(px + v[0] - qx, py + v[1] - qy, pz + v[2] - qz) < 1e-6;

/** Is (s, t at Cartesian (tx, ty, tz), distance d) a designed hop of this type? */
function isHop(hop: Uio67HopType, s: SiteInfo, t: SiteInfo, tx: number, ty: number, tz: number, d: number, a: number): boolean {
  const sx = s.pos[0], sy = s.pos[1], sz = s.pos[2];
  switch (hop) {
    case "sulfonate-tet":
      return s.type === "sulfonate" ? sameAt(s.toTet!, sx, sy, sz, tx, ty, tz) : sameAt(t.toTet!, tx, ty, tz, sx, sy, sz);
    case "sulfonate-oct":
      return s.type === "sulfonate"
        ? sameAt(s.toOcts![0], sx, sy, sz, tx, ty, tz) || sameAt(s.toOcts![1], sx, sy, sz, tx, ty, tz)
        : sameAt(t.toOcts![0], tx, ty, tz, sx, sy, sz) || sameAt(t.toOcts![1], tx, ty, tz, sx, sy, sz);
    case "tet-oct":
      return Math.abs(d - (a * Math.sqrt(3)) / 4) < EPS;
    case "sulfonate-sulfonate": {
      // the same tet cage: s + s.toTet = t + t.toTet
      const u = s.toTet!, w = t.toTet!;
      if (len3(sx + u[0] - tx - w[0], sy + u[1] - ty - w[1], sz + u[2] - tz - w[2]) >= 1e-6) return false;
      const tPos: Vec3 = [tx, ty, tz];
      const at = (v: Vec3 | undefined, from: Vec3): Vec3 => add(from, v!);
      const sNodes = [at(s.toLean, s.pos), at(s.toOther, s.pos)];
      const tNodes = [at(t.toLean, tPos), at(t.toOther, tPos)];
      const shared = sNodes.find((p) => tNodes.some((q) => same(p, q)));
      if (shared === undefined) return false; // opposite edges of the cage
      return same(shared, sNodes[0]!) || same(shared, tNodes[0]!); // not both leaning away
    }
  }
}

/** Every (from site s, to site t, periodic image) pair of one hop type: distance and whether it is a designed hop. */
interface Pairs {
  readonly count: number;
  readonly s: Int32Array;
  readonly t: Int32Array;
  readonly d: Float64Array;
  readonly hop: Uint8Array;
}

function pairsOf(hop: Uio67HopType, sites: readonly SiteInfo[], a: number): Pairs {
  const [from, to] = HOP_ENDS[hop];
  const nFrom = sites.filter((x) => x.type === from).length, nTo = sites.filter((x) => x.type === to).length;
  const cap = nFrom * nTo * 27;
  const ps = new Int32Array(cap), pt = new Int32Array(cap), pd = new Float64Array(cap), ph = new Uint8Array(cap);
  let n = 0;
  sites.forEach((s, i) => {
    if (s.type !== from) return;
    sites.forEach((t, j) => {
      if (t.type !== to) return;
      for (let dz = -1; dz <= 1; dz++)
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            if (i === j && dx === 0 && dy === 0 && dz === 0) continue;
            const tx = t.pos[0] + dx * a, ty = t.pos[1] + dy * a, tz = t.pos[2] + dz * a;
            const d = Math.hypot(tx - s.pos[0], ty - s.pos[1], tz - s.pos[2]); // as the windows were always measured
            ps[n] = i;
            pt[n] = j;
            pd[n] = d;
            ph[n] = isHop(hop, s, t, tx, ty, tz, d, a) ? 1 : 0;
            n++;
          }
    });
  });
  return { count: n, s: ps, t: pt, d: pd, hop: ph };
}

function windowOf(hop: Uio67HopType, pairs: Pairs, sites: readonly SiteInfo[], a: number, g: { axial: number; normal: number }): Uio67HopWindow {
  const [from, to] = HOP_ENDS[hop];
  // every site must have the designed number of hops (a bug otherwise); pairs run from each
  // `from` site to all images of the `to` sites, so a `to` site's count is its coordination too
  const hopsFrom = new Int32Array(sites.length), hopsTo = new Int32Array(sites.length);
  const hops: number[] = [];
  for (let k = 0; k < pairs.count; k++) {
    if (pairs.hop[k] === 0) continue;
    hopsFrom[pairs.s[k]!]!++;
    hopsTo[pairs.t[k]!]!++;
    hops.push(pairs.d[k]!);
  }
  sites.forEach((s, i) => {
    for (const [end, counts] of [[from, hopsFrom], [to, hopsTo]] as const) {
      if (s.type !== end) continue;
      const want = UIO67_COORDINATION[end][hop]!;
      const z = counts[i]!;
      if (z !== want) throw new Error(`uio67: ${end} site ${i} has ${z} ${hop} hops, expected ${want}`);
    }
  });
  hops.sort((x, y) => x - y);
  const lo = hops[0]!;
  const hi = hops[hops.length - 1]!;
  // the other pairs: the nearest inside [lo, hi] (a clash), the farthest below and the nearest above
  let clash = Infinity, maxBelow = 0, minAbove = Infinity;
  for (let k = 0; k < pairs.count; k++) {
    if (pairs.hop[k] === 1) continue;
    const d = pairs.d[k]!;
    if (d >= lo - 1e-9 && d <= hi + 1e-9) clash = Math.min(clash, d);
    else if (d < lo) maxBelow = Math.max(maxBelow, d);
    else minAbove = Math.min(minAbove, d);
  }
  if (clash < Infinity) {
    throw new InputError(
      `sulfonate offsets (axial ${g.axial} A, normal ${g.normal} A): no distance window separates the ${hop} hops ` +
        `(${lo.toFixed(2)}-${hi.toFixed(2)} A) from other ${from}-${to} pairs at ${clash.toFixed(2)} A`,
    );
  }
  const distinct: number[] = [];
  for (const d of hops) if (distinct.length === 0 || d - distinct[distinct.length - 1]! > 1e-6) distinct.push(d);
  return {
    hopType: hop,
    from,
    to,
    minDistanceAngstrom: (lo + maxBelow) / 2,
    maxDistanceAngstrom: minAbove === Infinity ? a : Math.min(a, (hi + minAbove) / 2),
    hopLengthsAngstrom: distinct,
    nearestExcludedAngstrom: minAbove === Infinity ? null : minAbove,
  };
}

function checkSeparation(sites: readonly SiteInfo[], a: number): void {
  for (let i = 0; i < sites.length; i++)
    for (let j = i; j < sites.length; j++)
      for (let dz = -1; dz <= 1; dz++)
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            if (i === j && dx === 0 && dy === 0 && dz === 0) continue;
            const q = sites[j]!.pos, p = sites[i]!.pos;
            const d = len3(q[0] + dx * a - p[0], q[1] + dy * a - p[1], q[2] + dz * a - p[2]);
            if (d < UIO67_MIN_SITE_SEPARATION_ANGSTROM) {
              throw new InputError(
                `sulfonate offsets: ${sites[i]!.type} and ${sites[j]!.type} sites come within ${d.toFixed(3)} A; must stay >= ${UIO67_MIN_SITE_SEPARATION_ANGSTROM} A apart`,
              );
            }
          }
}

function analyse(geometry: Uio67Geometry): { fw: Uio67Framework; sites: SiteInfo[]; windows: Uio67HopWindow[] } {
  const g = resolveGeometry(geometry);
  const fw = uio67Framework(geometry);
  const sites = siteInfos(fw);
  checkSeparation(sites, g.a);
  const windows = UIO67_HOP_TYPES.map((hop) => windowOf(hop, pairsOf(hop, sites, g.a), sites, g.a, g));
  return { fw, sites, windows };
}

/** Distance window of each hop type for this geometry (see the header for the defaults). */
export function uio67HopWindows(geometry: Uio67Geometry = {}): readonly Uio67HopWindow[] {
  return analyse(geometry).windows;
}

/**
 * The sulfonated UiO-67 hopping lattice: 60 basis sites per conventional cell (48
 * "sulfonate", then 8 "tet", then 4 "oct"), four hop types (UIO67_HOP_TYPES), repeated
 * over `cells` with periodic boundaries.
 */
export function uio67So3Lattice(options: Uio67Options): PeriodicLattice {
  const { fw, sites, windows } = analyse(options);
  const a = fw.latticeConstantAngstrom;
  const basis: BasisSite[] = sites.map((s) => ({ type: s.type, fractional: [s.pos[0] / a, s.pos[1] / a, s.pos[2] / a] }));
  const rules: BondRule[] = windows.map((w) => ({
    from: w.from,
    to: w.to,
    minDistanceAngstrom: w.minDistanceAngstrom,
    maxDistanceAngstrom: w.maxDistanceAngstrom,
    hopType: w.hopType,
  }));
  const cell = buildUnitCell([a, a, a], basis, rules);
  return periodicLattice("uio67-so3", cell, options.cells);
}
