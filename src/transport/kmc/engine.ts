/**
 * The KMC engine: state in typed arrays, four exact event-selection schemes.
 *
 * State. Each site holds the index of its ion or -1 (Int32Array, 4 bytes per site: the
 * only per-site state). Each ion has one 8-int record (basis, cell x, y, z, wraps across
 * the box in x, y, z, site), so a hop touches one cache line per ion; its unwrapped
 * position is cell + wraps * box, and its displacement is computed from that on demand,
 * so a hop writes no floating-point displacement. Neighbours are found from the unit
 * cell's bond list (lattice.ts) by adding the bond's cell offset with wrap-around, so no
 * per-site neighbour table is stored (except by type-null-event, below).
 *
 * Schemes (all exact in time; chosen per model, see chooseScheme):
 * - "null-event" (uniformization; Gillespie 1977, Serebrinsky PRE 83, 037701, 2011): every
 *   ion attempts hops at the constant rate zmax r_max; an attempt picks an ion and a bond
 *   slot uniformly and is accepted with probability [target empty] r_k / r_max. Since the
 *   total attempt rate Gamma = N zmax r_max does not depend on the state, the attempt
 *   times form a Poisson process independent of the jump chain: the time of n attempts is
 *   Gamma(n, 1) / Gamma in distribution, drawn once per block. O(1) per attempt; best
 *   when rates are alike (acceptance near 1). With pair energies r_max bounds every rate
 *   in every configuration (the bond rate times exp(-dE_min / 2 kB T), dE_min the lowest
 *   change of pair energy the hop can meet: model.ts, lowestPairChanges), and an attempt
 *   whose target is empty evaluates the mover's pair energy at both ends: still exact,
 *   but the acceptance falls by that factor, so it is used only when asked for.
 * - "tree" (rejection-free BKL / n-fold way; Bortz, Kalos and Lebowitz, J. Comput. Phys.
 *   17, 10, 1975): each ion's total rate sits in a binary sum tree; pick an ion in
 *   O(log N), then its bond by a scan of its cached bond rates; the clock advances by an
 *   Exp(R_total) variate per event. After a hop only the rates of ions near the vacated
 *   and the filled site are recomputed (within one bond; with pair energies, every ion
 *   whose rates can see either site: within one bond, within the shells, or one bond
 *   beyond the shells). Handles any rate spread and the pair energies; the automatic
 *   choice with pair energies.
 * - "class" (BKL with rate classes and O(1) updates; the n-fold way of Bortz, Kalos and
 *   Lebowitz grouped by rate as in Schulze, J. Comput. Phys. 227, 2455, 2008, and with
 *   rejection inside a class as in the composition-rejection method of Slepoy, Thompson and
 *   Plimpton, J. Chem. Phys. 128, 205101, 2008): without pair energies a hop's rate depends
 *   only on the species and the bond (bondRateTable), so every possible hop (ion, bond slot
 *   with an empty target) is listed in its rate class c, of bound r_c. Classes are the
 *   distinct rates (r_c exact) when there are few, else power-of-two bins of the rate (r_c
 *   the largest rate in the bin, every rate in (r_c / 2, r_c]). An attempt: the clock
 *   advances by Exp(1) / R, R = sum_c n_c r_c (from integer counts, so no drift); class c
 *   is picked with probability n_c r_c / R, a member uniformly, and it is accepted with
 *   probability r_k / r_c (1 for exact classes). Every hop is thus attempted at rate r_c
 *   and accepted at rate r_k; R changes only on accepted hops, so rejected attempts are the
 *   null events of uniformization and the clock stays exact. After a hop, only the mover's
 *   listed hops and the bonds into the vacated and the filled site change: each is an O(1)
 *   swap-remove or append in its class list (eventPos holds each hop's place in its list).
 *   The lists' order is part of the state, so checkpoints carry it.
 * - "type-null-event" (uniformization with bounds per hop channel instead of one global
 *   bound: the thinning of Lewis and Shedler, Nav. Res. Logist. Q. 26, 403, 1979, as in the
 *   null-event scheme): the hops of species s from site type t to site type t' form a
 *   channel, drawn either from the ion side (members: the ions of s on t) or from the
 *   vacancy side (members: the empty sites of t'), whichever the grand-canonical occupancy
 *   estimate says is likelier to find the other end ready (hopChannels). Channel c's bound
 *   B_c is the largest, over basis sites b, of W_cb = the sum of the rates of the
 *   channel's hops out of b (ion side) or into b (vacancy side), as if the other ends were
 *   all ready. An attempt picks channel c with probability n_c B_c / R', R' = sum_c n_c B_c,
 *   a member uniformly, and one of its basis site's hops with probability r_k / W_cb
 *   (Walker's alias table: Walker, ACM TOMS 3, 253, 1977; Vose, IEEE TSE 17, 972, 1991); it
 *   is accepted when the target is empty (ion side) or the origin holds an ion of s
 *   (vacancy side), and with probability W_cb / B_c (1 when the channel's sites are
 *   alike). Every hop is thus made at exactly its rate r_k; R' changes only on accepted
 *   hops, so the time of the attempts since the last hop is a sum of Exp(1) / R' variates.
 *   O(1) per attempt and per hop (no neighbour updates: only the ion's group and the two
 *   sites' places among the empty sites change), and the rate spread between site types
 *   costs nothing; the price is the attempts whose other end is not ready (0.61 of the
 *   attempts are hops on the pellet's uio67-so3; 0.23 with the ion side only). The lists' order is
 *   part of the state, so checkpoints carry it. Neighbours come from a per-(cell, bond)
 *   table (4 bytes per bond).
 * The class and type-null-event schemes hold their hops in lists by a rate fixed per
 * (species, bond): with pair energies a hop's rate changes whenever an ion within its
 * shells moves, which their lists do not follow, so they refuse pair energies.
 *
 * Pair energies (model.ts, PairTable): each site's neighbours with their distance class
 * are one CSR list (pairStart, pairSite, pairClass: 5 bytes per neighbour). With the scalar
 * interactionEV (the hop graph) the mover's pair energy at a site is the sum over the ions
 * on that site's list, skipping itself. With the table, each site keeps the number of ions
 * of each species in each class around it (pairCount, integers, so exact and the same
 * whatever the history: a checkpoint recomputes them), updated along the two lists of a
 * hop; a pair energy is then sum_{t,c} V[s][t][c] n[t][c], nS x classes terms instead of a
 * walk over the list, less the mover's own term at its target (bondPairClass).
 *
 * The hot loops inline xoshiro128** on local variables and allocate nothing.
 */
import type { PeriodicLattice } from "../../structure/lattice/lattice.js";
import { RandomStream } from "../../core/rng.js";
import { BOLTZMANN_EV_PER_K } from "../../core/constants.js";
import { bondRateTable, checkModel, hasPairEnergies, lowestPairChanges, pairTable, type KmcModel } from "./model.js";
import { siteNeighbours } from "../../structure/lattice/shells.js";
import { decodeFloat64, decodeInt32, decodeUint32, encodeArray } from "../../core/codec.js";

/** Everything needed to continue a run exactly (rates and the tree are recomputed from it). */
export interface EngineState {
  readonly scheme: Scheme;
  /** The class and type-null-event schemes' lists (counts, then members), in order: the selection depends on it. */
  readonly events?: string;
  readonly time: number;
  readonly hops: number;
  readonly attempts: number;
  readonly rng: string;
  readonly ions: string;
  readonly origin: string;
  readonly typeCount: string;
  readonly typeIntegral: string;
  readonly typeLast: string;
}

export type Scheme = "null-event" | "tree" | "class" | "type-null-event";

const TWO_POW_M32 = 2 ** -32;
const TWO_POW_M53 = 2 ** -53;
/**
 * The class and type-null-event loops reuse the residual of the uniform that picked a
 * class (group) to pick the member and the bond: exact to about 2^-53 R / w_c relative.
 * A class whose weight w_c is below this share of R gets a fresh uniform (>= 43 bits left).
 */
const RESIDUAL_MIN_SHARE = 2 ** -10;

/** Layout of an ion's record in `ions`. */
export const ION_BASIS = 0, ION_CX = 1, ION_CY = 2, ION_CZ = 3, ION_WX = 4, ION_WY = 5, ION_WZ = 6, ION_SITE = 7;
export const ION_STRIDE = 8;

/** Expected acceptance of the null-event scheme from the rate table (empty targets). */
export function nullEventAcceptance(model: KmcModel): number {
  const table = bondRateTable(model);
  const { lattice } = model;
  const nB = lattice.bondTarget.length;
  let zmax = 0;
  for (let b = 0; b < lattice.basisCount; b++) zmax = Math.max(zmax, lattice.bondStart[b + 1]! - lattice.bondStart[b]!);
  let rmax = 0;
  for (let i = 0; i < table.length; i++) rmax = Math.max(rmax, table[i]!);
  // mean over species (weighted by count) and over the basis sites the species may use
  let acc = 0, weight = 0;
  model.species.forEach((sp, s) => {
    for (let b = 0; b < lattice.basisCount; b++) {
      if (!Number.isFinite(sp.siteEnergyEV[lattice.basisSiteType[b]!]!)) continue;
      let sum = 0;
      for (let k = lattice.bondStart[b]!; k < lattice.bondStart[b + 1]!; k++) sum += table[s * nB + k]!;
      acc += sp.count * (sum / (zmax * rmax));
      weight += sp.count;
    }
  });
  return weight > 0 && rmax > 0 ? acc / weight : 0;
}

/** Largest number of distinct rates the class scheme lists exactly (one class each). */
export const MAX_EXACT_CLASSES = 32;

/** The class scheme's rate classes: each (species, bond)'s class (-1: closed) and bounds. */
export interface RateClasses {
  /** Class of each (species, bond), nS x nBonds; -1 where the rate is 0. */
  readonly classOf: Int32Array;
  /** Bound r_c of each class, Hz (largest rate in it). */
  readonly boundHz: Float64Array;
  /** Whether each class holds one rate only (acceptance 1). */
  readonly exact: boolean;
}

/**
 * Rate classes of a model without interactions: the distinct positive rates of
 * bondRateTable, fastest first, when there are at most MAX_EXACT_CLASSES; else the
 * power-of-two bins g = floor(log2(r_max / r)), each bounded by its largest rate.
 */
export function rateClasses(model: KmcModel): RateClasses {
  const table = bondRateTable(model);
  const distinct = [...new Set(Array.from(table).filter((r) => r > 0))].sort((a, b) => b - a);
  const classOf = new Int32Array(table.length).fill(-1);
  if (distinct.length <= MAX_EXACT_CLASSES) {
    const index = new Map(distinct.map((r, c) => [r, c]));
    for (let i = 0; i < table.length; i++) if (table[i]! > 0) classOf[i] = index.get(table[i]!)!;
    return { classOf, boundHz: Float64Array.from(distinct), exact: true };
  }
  const rmax = distinct[0]!;
  const bin = (r: number): number => Math.max(0, Math.floor(Math.log2(rmax / r)));
  const bins = [...new Set(distinct.map(bin))].sort((a, b) => a - b);
  const index = new Map(bins.map((g, c) => [g, c]));
  const boundHz = new Float64Array(bins.length);
  for (let i = 0; i < table.length; i++) {
    const r = table[i]!;
    if (!(r > 0)) continue;
    const c = index.get(bin(r))!;
    classOf[i] = c;
    boundHz[c] = Math.max(boundHz[c]!, r);
  }
  return { classOf, boundHz, exact: false };
}

/**
 * Grand-canonical estimate of the occupancy of each site type by each species, nS x nTypes:
 * theta_st = l_s e^(-e_st/kT) / (1 + sum_s' l_s' e^(-e_s't/kT)), the fugacities l_s fixed
 * by the ion counts (the stationary law of the exclusion process with site energies and
 * no field; Kutner 1981). Only used to choose the side a hop channel is drawn from.
 */
export function typeOccupancyEstimate(model: KmcModel): Float64Array {
  const L = model.lattice, nS = model.species.length, nT = L.siteTypeNames.length;
  const kT = BOLTZMANN_EV_PER_K * model.temperatureK;
  const sites = new Float64Array(nT);
  for (let b = 0; b < L.basisCount; b++) sites[L.basisSiteType[b]!]! += L.cells[0] * L.cells[1] * L.cells[2];
  const e = new Float64Array(nS * nT); // e^(-e_st/kT) relative to the species' lowest level
  model.species.forEach((sp, s) => {
    const lo = Math.min(...sp.siteEnergyEV);
    for (let t = 0; t < nT; t++) e[s * nT + t] = Number.isFinite(sp.siteEnergyEV[t]!) ? Math.exp(-(sp.siteEnergyEV[t]! - lo) / kT) : 0;
  });
  const logL = new Float64Array(nS);
  const theta = new Float64Array(nS * nT);
  const fill = (): void => {
    for (let t = 0; t < nT; t++) {
      let z = 1;
      for (let s = 0; s < nS; s++) z += Math.exp(logL[s]!) * e[s * nT + t]!;
      for (let s = 0; s < nS; s++) theta[s * nT + t] = (Math.exp(logL[s]!) * e[s * nT + t]!) / z;
    }
  };
  // each species' fugacity by bisection given the others, swept until settled
  for (let sweep = 0; sweep < 50; sweep++) {
    for (let s = 0; s < nS; s++) {
      let lo = -200, hi = 200;
      for (let it = 0; it < 60; it++) {
        logL[s] = 0.5 * (lo + hi);
        fill();
        let n = 0;
        for (let t = 0; t < nT; t++) n += sites[t]! * theta[s * nT + t]!;
        if (n < model.species[s]!.count) lo = logL[s]!; else hi = logL[s]!;
      }
    }
  }
  fill();
  return theta;
}

/**
 * The type-null-event scheme's tables (see the file comment and runTypeNullEvent). A channel
 * is the hops of one species from one site type to another; it is drawn from the ion side
 * (members: the ions of the species on the origin type) or from the vacancy side (members:
 * the empty sites of the target type), whichever is likelier to find the other end ready:
 * P(target empty) against P(origin holds the species), from typeOccupancyEstimate.
 */
export interface HopChannels {
  /** Ion group (species x site type) of each (species, basis site), nS x basisCount. */
  readonly ionGroupOf: Int32Array;
  /** Offsets of the lists: ion groups (capacity: the species' ions, at most the type's sites), then each site type's empty sites. */
  readonly listStart: Int32Array;
  /** Per channel: 0 ion side, 1 vacancy side; its list (index into listStart); its species; its bound B_c, Hz. */
  readonly side: Uint8Array;
  readonly list: Int32Array;
  readonly species: Int32Array;
  readonly boundHz: Float64Array;
  /** Per (channel, basis site): entries [entryStart[c B + b], entryStart[c B + b + 1]). */
  readonly entryStart: Int32Array;
  /** Per entry: the bond (ion side: the hop; vacancy side: from the empty site to the origin), Walker's alias probability and alias entry. */
  readonly entryBond: Int32Array;
  readonly entryProb: Float64Array;
  readonly entryAlias: Int32Array;
  /** W_cb / B_c per (channel, basis site): W_cb the sum of its entries' rates (1 when alike). */
  readonly basisAccept: Float64Array;
}

/** Walker's alias table (Vose's method) of `weights`, written at `at` into prob and alias (entry offsets). */
function aliasTable(weights: readonly number[], prob: Float64Array, alias: Int32Array, at: number): void {
  const z = weights.length, total = weights.reduce((a, b) => a + b, 0);
  const scaled = weights.map((w) => (w * z) / total);
  const small: number[] = [], large: number[] = [];
  scaled.forEach((v, j) => (v < 1 ? small : large).push(j));
  for (let j = 0; j < z; j++) alias[at + j] = j;
  while (small.length > 0 && large.length > 0) {
    const l = small.pop()!, h = large[large.length - 1]!;
    prob[at + l] = scaled[l]!;
    alias[at + l] = h;
    scaled[h] = scaled[h]! + scaled[l]! - 1;
    if (scaled[h]! < 1) { large.pop(); small.push(h); }
  }
  for (const j of [...small, ...large]) prob[at + j] = 1;
}

/** The channels of a model without interactions, their sides, bounds and alias tables. */
export function hopChannels(model: KmcModel): HopChannels {
  const L = model.lattice, table = bondRateTable(model);
  const nS = model.species.length, B = L.basisCount, nT = L.siteTypeNames.length, nBonds = L.bondTarget.length;
  const nCells = L.cells[0] * L.cells[1] * L.cells[2];
  const type = L.basisSiteType;
  const theta = typeOccupancyEstimate(model);
  const sites = new Float64Array(nT);
  for (let b = 0; b < B; b++) sites[type[b]!]! += nCells;
  const ionGroupOf = new Int32Array(nS * B);
  for (let s = 0; s < nS; s++) for (let b = 0; b < B; b++) ionGroupOf[s * B + b] = s * nT + type[b]!;
  const listStart = new Int32Array(nS * nT + nT + 1);
  for (let s = 0; s < nS; s++) for (let t = 0; t < nT; t++) listStart[s * nT + t + 1] = Math.min(model.species[s]!.count, sites[t]!);
  for (let t = 0; t < nT; t++) listStart[nS * nT + t + 1] = sites[t]!;
  for (let i = 0; i < nS * nT + nT; i++) listStart[i + 1]! += listStart[i]!;
  // channels (s, from, to) with an open hop
  const channels: { s: number; from: number; to: number; vacancySide: boolean; members: number }[] = [];
  for (let s = 0; s < nS; s++)
    for (let from = 0; from < nT; from++)
      for (let to = 0; to < nT; to++) {
        let open = false;
        for (let b = 0; b < B && !open; b++) if (type[b] === from) for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) if (type[L.bondTarget[k]!] === to && table[s * nBonds + k]! > 0) open = true;
        if (!open) continue;
        let empty = 1;
        for (let q = 0; q < nS; q++) empty -= theta[q * nT + to]!;
        const vacancySide = theta[s * nT + from]! > empty;
        // expected members, to put the heaviest channels first in the scan (only a speed matter)
        channels.push({ s, from, to, vacancySide, members: vacancySide ? sites[to]! * empty : sites[from]! * theta[s * nT + from]! });
      }
  // heaviest expected weight (members x the largest total rate of a site) first in the scan
  const weightOf = ({ s, from, to, vacancySide, members }: (typeof channels)[number]): number => {
    let most = 0;
    for (let b = 0; b < B; b++) {
      if (type[b] !== (vacancySide ? to : from)) continue;
      let w = 0;
      for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
        if (type[L.bondTarget[k]!] === (vacancySide ? from : to)) w += table[s * nBonds + (vacancySide ? L.bondReverse[k]! : k)]!;
      }
      most = Math.max(most, w);
    }
    return members * most;
  };
  channels.sort((p, q) => weightOf(q) - weightOf(p));
  const C = channels.length;
  const side = new Uint8Array(C), list = new Int32Array(C), species = new Int32Array(C), boundHz = new Float64Array(C);
  const entryStart = new Int32Array(C * B + 1);
  const bonds: number[] = [], weights: number[][] = [];
  const W = new Float64Array(C * B);
  channels.forEach(({ s, from, to, vacancySide }, c) => {
    side[c] = vacancySide ? 1 : 0;
    list[c] = vacancySide ? nS * nT + to : s * nT + from;
    species[c] = s;
    for (let b = 0; b < B; b++) {
      entryStart[c * B + b] = bonds.length;
      const w: number[] = [];
      if (!vacancySide && type[b] === from) {
        for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) if (type[L.bondTarget[k]!] === to && table[s * nBonds + k]! > 0) { bonds.push(k); w.push(table[s * nBonds + k]!); }
      } else if (vacancySide && type[b] === to) {
        // bonds from the empty site b to origins of type `from`; the hop is the reverse bond
        for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
          const kr = L.bondReverse[k]!;
          if (type[L.bondTarget[k]!] === from && table[s * nBonds + kr]! > 0) { bonds.push(k); w.push(table[s * nBonds + kr]!); }
        }
      }
      weights.push(w);
      W[c * B + b] = w.reduce((x, y) => x + y, 0);
      boundHz[c] = Math.max(boundHz[c]!, W[c * B + b]!);
    }
  });
  entryStart[C * B] = bonds.length;
  const entryBond = Int32Array.from(bonds), entryProb = new Float64Array(bonds.length), entryAlias = new Int32Array(bonds.length);
  weights.forEach((w, cb) => { if (w.length > 0) aliasTable(w, entryProb, entryAlias, entryStart[cb]!); });
  const basisAccept = new Float64Array(C * B);
  for (let cb = 0; cb < C * B; cb++) {
    const bound = boundHz[Math.floor(cb / B)]!;
    basisAccept[cb] = W[cb] === bound ? 1 : W[cb]! / bound;
  }
  return { ionGroupOf, listStart, side, list, species, boundHz, entryStart, entryBond, entryProb, entryAlias, basisAccept };
}

/**
 * With pair energies, the tree (rates depend on the neighbourhood; null-event takes them
 * too, at an acceptance lowered by the worst-case factor, so only when asked for); else null-event when its
 * acceptance is at least 0.3 (alike rates: cheapest per hop, no bookkeeping); else
 * type-null-event, whose bounds follow the rates of each site type (on uio67-so3, 2-3x the
 * class scheme's speed and 10-20x the tree's: see the kmc-uio67 benchmark). The class scheme
 * (rejection-free) is there to be asked for when most attempts would find the target
 * occupied (a nearly full lattice whose fast hops lead into the full sites).
 */
export function chooseScheme(model: KmcModel): Scheme {
  if (hasPairEnergies(model)) return "tree";
  return nullEventAcceptance(model) >= 0.3 ? "null-event" : "type-null-event";
}

export class KmcEngine {
  readonly model: KmcModel;
  readonly lattice: PeriodicLattice;
  readonly scheme: Scheme;
  readonly nIons: number;
  readonly nSpecies: number;
  readonly zmax: number;
  /** Simulated time since the last reset, s. */
  time = 0;
  /** Accepted hops since the last reset. */
  hops = 0;
  /** Attempts since the last reset (null-event) or events (tree). */
  attempts = 0;

  // --- per site
  readonly siteIon: Int32Array;
  // --- per ion: record of ION_STRIDE ints (see ION_*), and its species
  readonly ions: Int32Array;
  readonly ionSpecies: Uint8Array;
  /** Unwrapped position of each ion at the last reset, Angstrom (3 per ion). */
  private readonly origin: Float64Array;
  /** Ions of each species on each site type (nS x nTypes), and its time integral. */
  readonly typeCount: Float64Array;
  private readonly typeIntegral: Float64Array;
  private readonly typeLast: Float64Array;

  // --- rates
  private readonly rateTable: Float64Array;
  private readonly acceptTable: Float64Array;
  private readonly rmax: number;
  private readonly halfInvKT: number;
  // pair energies (empty arrays without): per-site neighbour lists with their class, and the
  // energy of (species, species, class) at (s * nS + t) * pairClasses + c
  private readonly interacting: boolean;
  private readonly pairStart: Int32Array;
  private readonly pairSite: Int32Array;
  private readonly pairClass: Uint8Array;
  private readonly pairEnergy: Float64Array;
  private readonly pairClasses: number;
  /** Table mode: ions of each species in each class around each site, at (site * nS + t) * classes + c. */
  private readonly counting: boolean;
  private readonly pairCount: Uint16Array;
  /** Table mode: the class of each bond's target around its origin (-1: beyond the shells). */
  private readonly bondPairClass: Int32Array;
  // tree with pair energies: the sites (basis, cell offset) whose ions' rates see a site of basis b
  private readonly dependStart: Int32Array;
  private readonly dependBasis: Int32Array;
  private readonly dependOffset: Int32Array;
  // tree scheme
  private readonly treeLeaves: number;
  private readonly tree: Float64Array;
  private readonly ionRates: Float64Array;
  private readonly touched: Int32Array;
  private readonly touchedMark: Uint8Array;
  // class scheme: hop e = (ion << zShift) | bond slot, listed in classMembers[classStart[c] ..
  // classStart[c] + classCount[c]) of its class c, at eventPos[e] (-1: not possible now)
  private readonly zShift: number;
  private readonly classOf: Int32Array;
  private readonly classBound: Float64Array;
  private readonly classAccept: Float64Array;
  private readonly classCount: Int32Array;
  private readonly classStart: Int32Array;
  private readonly classMembers: Int32Array;
  private readonly eventPos: Int32Array;
  /** Slot of bond k's reverse bond among its target basis site's bonds. */
  private readonly reverseSlot: Int32Array;
  /** Cell coordinate + offset + maxOffset -> wrapped coordinate x, y nx, z nx ny. */
  private readonly wrapX: Int32Array;
  private readonly wrapY: Int32Array;
  private readonly wrapZ: Int32Array;
  private readonly maxOffset: number;
  // type-null-event scheme (see hopChannels): listMembers holds the ions of each (species,
  // site type) group, then the empty sites of each site type; ionPos / vacancyPos their places
  private readonly ionGroupOf: Int32Array;
  private readonly listCount: Int32Array;
  private readonly listStart: Int32Array;
  private readonly listMembers: Int32Array;
  private readonly ionPos: Int32Array;
  private readonly vacancyPos: Int32Array;
  private readonly channelSide: Uint8Array;
  private readonly channelList: Int32Array;
  private readonly channelSpecies: Int32Array;
  private readonly channelBound: Float64Array;
  private readonly entryStart: Int32Array;
  private readonly entryBond: Int32Array;
  private readonly entryProb: Float64Array;
  private readonly entryAlias: Int32Array;
  private readonly channelBasisAccept: Float64Array;
  /** Scratch of the loop: n_c B_c per channel (recomputed from the counts, never carried). */
  private readonly channelWeight: Float64Array;
  /** The channels drawn from each list (CSR). */
  private readonly listChannelStart: Int32Array;
  private readonly listChannels: Int32Array;
  private readonly neighbourTable: Int32Array;

  readonly rng: RandomStream;

  constructor(model: KmcModel, rng: RandomStream, scheme: Scheme = chooseScheme(model), state?: EngineState) {
    checkModel(model);
    this.model = model;
    this.lattice = model.lattice;
    this.rng = rng;
    const L = model.lattice;
    const interacting = hasPairEnergies(model);
    if (interacting && (scheme === "class" || scheme === "type-null-event")) {
      throw new RangeError(`the ${scheme} scheme cannot take pair energies: it lists hops by a rate fixed per species and bond, and a pair energy changes a hop's rate whenever an ion near it moves; use the tree scheme (the automatic choice) or null-event`);
    }
    this.scheme = scheme;
    this.interacting = interacting;
    this.halfInvKT = 0.5 / (BOLTZMANN_EV_PER_K * model.temperatureK);
    const pairs = interacting ? pairTable(model)! : null;
    this.nSpecies = model.species.length;
    this.nIons = model.species.reduce((s, sp) => s + sp.count, 0);
    let zmax = 0;
    for (let b = 0; b < L.basisCount; b++) zmax = Math.max(zmax, L.bondStart[b + 1]! - L.bondStart[b]!);
    this.zmax = zmax;
    this.rateTable = bondRateTable(model);
    let rmax = 0;
    if (pairs !== null && scheme === "null-event") {
      // the bound of every configuration: each bond's rate at its lowest change of pair energy
      const lowest = lowestPairChanges(model, pairs);
      for (let i = 0; i < this.rateTable.length; i++) rmax = Math.max(rmax, this.rateTable[i]! * Math.exp(-lowest[i]! * this.halfInvKT));
    } else for (let i = 0; i < this.rateTable.length; i++) rmax = Math.max(rmax, this.rateTable[i]!);
    this.rmax = rmax;
    this.acceptTable = new Float64Array(this.rateTable.length);
    for (let i = 0; i < this.rateTable.length; i++) this.acceptTable[i] = rmax > 0 ? this.rateTable[i]! / rmax : 0;
    if (pairs !== null) {
      const lists = siteNeighbours(L, pairs.neighbours);
      this.pairStart = lists.start;
      this.pairSite = lists.site;
      this.pairClass = lists.shell;
      this.pairEnergy = pairs.energyEV;
      this.pairClasses = pairs.classCount;
      this.counting = model.pairInteractions !== undefined;
      this.pairCount = new Uint16Array(this.counting ? L.siteCount * this.nSpecies * pairs.classCount : 0);
      this.bondPairClass = new Int32Array(this.counting ? L.bondTarget.length : 0).fill(-1);
      if (this.counting) {
        const nb = pairs.neighbours;
        for (let b = 0; b < L.basisCount; b++) {
          if (nb.start[b + 1]! - nb.start[b]! > 65535) throw new RangeError(`pair lists: ${nb.start[b + 1]! - nb.start[b]!} neighbours of one site overflow its 16-bit counts; use shorter shells`);
        }
        for (let k = 0; k < L.bondTarget.length; k++) {
          let b = 0;
          while (L.bondStart[b + 1]! <= k) b++;
          for (let e = nb.start[b]!; e < nb.start[b + 1]!; e++) {
            if (nb.basis[e] === L.bondTarget[k] && nb.cellOffset[3 * e] === L.bondCellOffset[3 * k] && nb.cellOffset[3 * e + 1] === L.bondCellOffset[3 * k + 1] && nb.cellOffset[3 * e + 2] === L.bondCellOffset[3 * k + 2]) {
              this.bondPairClass[k] = nb.shell[e]!;
            }
          }
        }
      }
    } else {
      this.counting = false;
      this.pairCount = new Uint16Array(0);
      this.bondPairClass = new Int32Array(0);
      this.pairStart = new Int32Array(0);
      this.pairSite = new Int32Array(0);
      this.pairClass = new Uint8Array(0);
      this.pairEnergy = new Float64Array(0);
      this.pairClasses = 0;
    }
    if (pairs !== null && scheme === "tree") {
      // an ion at x sees the occupancy of its bond targets, of its pair neighbours and of its
      // targets' pair neighbours; so a change at y reaches the ions on bond(y), pair(y) and
      // bond(pair(y)) (bonds and pair lists are symmetric)
      const nb = pairs.neighbours;
      const start = new Int32Array(L.basisCount + 1);
      const basis: number[] = [], offset: number[] = [];
      for (let b = 0; b < L.basisCount; b++) {
        start[b] = basis.length;
        const seen = new Set<string>();
        const add = (tb: number, ox: number, oy: number, oz: number): void => {
          const key = `${tb},${ox},${oy},${oz}`;
          if (seen.has(key)) return;
          seen.add(key);
          basis.push(tb);
          offset.push(ox, oy, oz);
        };
        for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) add(L.bondTarget[k]!, L.bondCellOffset[3 * k]!, L.bondCellOffset[3 * k + 1]!, L.bondCellOffset[3 * k + 2]!);
        for (let e = nb.start[b]!; e < nb.start[b + 1]!; e++) {
          const n = nb.basis[e]!, ox = nb.cellOffset[3 * e]!, oy = nb.cellOffset[3 * e + 1]!, oz = nb.cellOffset[3 * e + 2]!;
          add(n, ox, oy, oz);
          for (let k = L.bondStart[n]!; k < L.bondStart[n + 1]!; k++) add(L.bondTarget[k]!, ox + L.bondCellOffset[3 * k]!, oy + L.bondCellOffset[3 * k + 1]!, oz + L.bondCellOffset[3 * k + 2]!);
        }
      }
      start[L.basisCount] = basis.length;
      this.dependStart = start;
      this.dependBasis = Int32Array.from(basis);
      this.dependOffset = Int32Array.from(offset);
    } else {
      this.dependStart = new Int32Array(0);
      this.dependBasis = new Int32Array(0);
      this.dependOffset = new Int32Array(0);
    }

    const N = this.nIons;
    this.siteIon = new Int32Array(L.siteCount).fill(-1);
    this.ions = new Int32Array(N * ION_STRIDE);
    this.ionSpecies = new Uint8Array(N);
    this.origin = new Float64Array(3 * N);
    const nT = L.siteTypeNames.length;
    this.typeCount = new Float64Array(this.nSpecies * nT);
    this.typeIntegral = new Float64Array(this.nSpecies * nT);
    this.typeLast = new Float64Array(this.nSpecies * nT);

    let zShift = 0;
    while (1 << zShift < zmax) zShift++;
    this.zShift = zShift;
    let maxOffset = 0;
    for (const o of L.bondCellOffset) maxOffset = Math.max(maxOffset, Math.abs(o));
    this.maxOffset = maxOffset;
    const wrap = (n: number, stride: number): Int32Array => {
      const t = new Int32Array(n + 2 * maxOffset);
      for (let i = 0; i < t.length; i++) t[i] = ((((i - maxOffset) % n) + n) % n) * stride;
      return t;
    };
    const useWrap = scheme === "class";
    this.wrapX = useWrap ? wrap(L.cells[0], 1) : new Int32Array(0);
    this.wrapY = useWrap ? wrap(L.cells[1], L.cells[0]) : new Int32Array(0);
    this.wrapZ = useWrap ? wrap(L.cells[2], L.cells[0] * L.cells[1]) : new Int32Array(0);
    if (scheme === "type-null-event") {
      const h = hopChannels(model);
      this.ionGroupOf = h.ionGroupOf;
      this.listStart = h.listStart;
      this.listCount = new Int32Array(h.listStart.length - 1);
      this.listMembers = new Int32Array(h.listStart[h.listStart.length - 1]!);
      this.ionPos = new Int32Array(N);
      this.vacancyPos = new Int32Array(L.siteCount);
      this.channelSide = h.side;
      this.channelList = h.list;
      this.channelSpecies = h.species;
      this.channelBound = h.boundHz;
      this.entryStart = h.entryStart;
      this.entryBond = h.entryBond;
      this.entryProb = h.entryProb;
      this.entryAlias = h.entryAlias;
      this.channelBasisAccept = h.basisAccept;
      this.channelWeight = new Float64Array(h.boundHz.length);
      const nLists = h.listStart.length - 1;
      this.listChannelStart = new Int32Array(nLists + 1);
      for (const li of h.list) this.listChannelStart[li + 1]!++;
      for (let li = 0; li < nLists; li++) this.listChannelStart[li + 1]! += this.listChannelStart[li]!;
      this.listChannels = new Int32Array(h.list.length);
      const fillAt = this.listChannelStart.slice(0, nLists);
      h.list.forEach((li, c) => { this.listChannels[fillAt[li]!++] = c; });
      const nCells = L.cells[0] * L.cells[1] * L.cells[2], nB = L.bondTarget.length;
      this.neighbourTable = new Int32Array(nCells * nB);
      for (let c = 0; c < nCells; c++) {
        const cx = c % L.cells[0], cy = Math.floor(c / L.cells[0]) % L.cells[1], cz = Math.floor(c / (L.cells[0] * L.cells[1]));
        for (let k = 0; k < nB; k++) this.neighbourTable[c * nB + k] = this.neighbourSite(cx, cy, cz, k);
      }
    } else {
      this.neighbourTable = new Int32Array(0);
      this.ionGroupOf = new Int32Array(0);
      this.listStart = new Int32Array(0);
      this.listCount = new Int32Array(0);
      this.listMembers = new Int32Array(0);
      this.ionPos = new Int32Array(0);
      this.vacancyPos = new Int32Array(0);
      this.channelSide = new Uint8Array(0);
      this.channelList = new Int32Array(0);
      this.channelSpecies = new Int32Array(0);
      this.channelBound = new Float64Array(0);
      this.entryStart = new Int32Array(0);
      this.entryBond = new Int32Array(0);
      this.entryProb = new Float64Array(0);
      this.entryAlias = new Int32Array(0);
      this.channelBasisAccept = new Float64Array(0);
      this.channelWeight = new Float64Array(0);
      this.listChannelStart = new Int32Array(0);
      this.listChannels = new Int32Array(0);
    }
    if (scheme === "class") {
      const classes = rateClasses(model);
      const K = classes.boundHz.length;
      this.classOf = classes.classOf;
      this.classBound = classes.boundHz;
      this.classAccept = new Float64Array(this.rateTable.length);
      for (let i = 0; i < this.rateTable.length; i++) {
        const c = classes.classOf[i]!;
        // exact classes accept always (no rounding of r / r_c below 1)
        this.classAccept[i] = c < 0 ? 0 : classes.exact ? 1 : this.rateTable[i]! / classes.boundHz[c]!;
      }
      // capacity of each list: hops of class c that the ions could hold at once, at most
      // per species (its ions x the most bonds of class c at one of its sites) and per site
      const nCells = L.cells[0] * L.cells[1] * L.cells[2];
      const nBonds = L.bondTarget.length;
      const bySpecies = new Float64Array(K), bySite = new Float64Array(K), perBasis = new Int32Array(K);
      model.species.forEach((sp, s) => {
        const most = new Int32Array(K);
        for (let b = 0; b < L.basisCount; b++) {
          perBasis.fill(0);
          for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) if (classes.classOf[s * nBonds + k]! >= 0) perBasis[classes.classOf[s * nBonds + k]!]!++;
          for (let c = 0; c < K; c++) most[c] = Math.max(most[c]!, perBasis[c]!);
        }
        for (let c = 0; c < K; c++) bySpecies[c]! += sp.count * most[c]!;
      });
      for (let b = 0; b < L.basisCount; b++) {
        const most = new Int32Array(K);
        for (let s = 0; s < this.nSpecies; s++) {
          perBasis.fill(0);
          for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) if (classes.classOf[s * nBonds + k]! >= 0) perBasis[classes.classOf[s * nBonds + k]!]!++;
          for (let c = 0; c < K; c++) most[c] = Math.max(most[c]!, perBasis[c]!);
        }
        for (let c = 0; c < K; c++) bySite[c]! += nCells * most[c]!;
      }
      this.classStart = new Int32Array(K + 1);
      for (let c = 0; c < K; c++) this.classStart[c + 1] = this.classStart[c]! + Math.min(bySpecies[c]!, bySite[c]!);
      this.classCount = new Int32Array(K);
      this.classMembers = new Int32Array(this.classStart[K]!);
      this.eventPos = new Int32Array(this.nIons << zShift).fill(-1);
      this.reverseSlot = new Int32Array(nBonds);
      for (let k = 0; k < nBonds; k++) this.reverseSlot[k] = L.bondReverse[k]! - L.bondStart[L.bondTarget[k]!]!;
    } else {
      this.classOf = new Int32Array(0);
      this.classBound = new Float64Array(0);
      this.classAccept = new Float64Array(0);
      this.classCount = new Int32Array(0);
      this.classStart = new Int32Array(0);
      this.classMembers = new Int32Array(0);
      this.eventPos = new Int32Array(0);
      this.reverseSlot = new Int32Array(0);
    }

    if (state === undefined) {
      this.placeIons();
      this.setOrigin();
    } else this.restore(state);
    if (this.counting) this.countPairs(this.pairCount);
    if (scheme === "class" || scheme === "type-null-event") {
      if (state?.events !== undefined) this.restoreEvents(decodeInt32(state.events));
      else if (state !== undefined) throw new RangeError(`checkpoint of the ${scheme} scheme lacks its lists (events)`);
      else if (scheme === "class") for (let p = 0; p < this.nIons; p++) this.listIonEvents(p);
      else {
        for (let p = 0; p < N; p++) {
          const g = this.ionGroupOf[this.ionSpecies[p]! * L.basisCount + this.ions[p * ION_STRIDE]!]!;
          const at = this.listStart[g]! + this.listCount[g]!++;
          this.listMembers[at] = p;
          this.ionPos[p] = at;
        }
        const v0 = this.nSpecies * nT;
        for (let site = 0; site < L.siteCount; site++) {
          this.vacancyPos[site] = -1;
          if (this.siteIon[site]! >= 0) continue;
          const g = v0 + L.basisSiteType[site % L.basisCount]!;
          const at = this.listStart[g]! + this.listCount[g]!++;
          this.listMembers[at] = site;
          this.vacancyPos[site] = at;
        }
      }
    }

    if (scheme === "tree") {
      let tp = 1;
      while (tp < N) tp <<= 1;
      this.treeLeaves = tp;
      this.tree = new Float64Array(2 * tp);
      this.ionRates = new Float64Array(N * zmax);
      this.touched = new Int32Array(N);
      this.touchedMark = new Uint8Array(N);
      for (let p = 0; p < N; p++) this.tree[tp + p] = this.computeIonRates(p);
      for (let i = tp - 1; i >= 1; i--) this.tree[i] = this.tree[2 * i]! + this.tree[2 * i + 1]!;
    } else {
      this.treeLeaves = 0;
      this.tree = new Float64Array(0);
      this.ionRates = new Float64Array(0);
      this.touched = new Int32Array(0);
      this.touchedMark = new Uint8Array(0);
    }
  }

  /** Random distinct sites for each species among the sites open to it. */
  private placeIons(): void {
    const L = this.lattice;
    const nCells = L.cells[0] * L.cells[1] * L.cells[2];
    let p = 0;
    this.model.species.forEach((sp, s) => {
      const openBasis: number[] = [];
      for (let b = 0; b < L.basisCount; b++) if (Number.isFinite(sp.siteEnergyEV[L.basisSiteType[b]!]!)) openBasis.push(b);
      // candidate sites still empty
      const candidates = new Int32Array(openBasis.length * nCells);
      let n = 0;
      for (let c = 0; c < nCells; c++)
        for (const b of openBasis) {
          const site = b + L.basisCount * c;
          if (this.siteIon[site]! < 0) candidates[n++] = site;
        }
      const chosen = this.rng.sampleDistinct(n, sp.count);
      for (let i = 0; i < sp.count; i++) {
        const site = candidates[chosen[i]!]!;
        const b = site % L.basisCount;
        const c = (site - b) / L.basisCount;
        this.ionSpecies[p] = s;
        const o = p * ION_STRIDE;
        this.ions[o + ION_BASIS] = b;
        this.ions[o + ION_CX] = c % L.cells[0];
        this.ions[o + ION_CY] = Math.floor(c / L.cells[0]) % L.cells[1];
        this.ions[o + ION_CZ] = Math.floor(c / (L.cells[0] * L.cells[1]));
        this.ions[o + ION_SITE] = site;
        this.siteIon[site] = p;
        this.typeCount[s * L.siteTypeNames.length + L.basisSiteType[b]!]!++;
        p++;
      }
    });
  }

  /** The engine's state, to continue the run exactly from it later. */
  snapshot(): EngineState {
    return {
      scheme: this.scheme,
      time: this.time,
      hops: this.hops,
      attempts: this.attempts,
      rng: encodeArray(this.rng.state),
      ions: encodeArray(this.ions),
      origin: encodeArray(this.origin),
      typeCount: encodeArray(this.typeCount),
      typeIntegral: encodeArray(this.typeIntegral),
      typeLast: encodeArray(this.typeLast),
      ...(this.scheme === "class" || this.scheme === "type-null-event" ? { events: encodeArray(this.eventLists()) } : {}),
    };
  }

  /** The lists as saved (class: hops per class; type-null-event: ions per group): counts, then members in order. */
  private eventLists(): Int32Array {
    const [count, start, members] = this.scheme === "class" ? [this.classCount, this.classStart, this.classMembers] : [this.listCount, this.listStart, this.listMembers];
    const K = count.length;
    let n = 0;
    for (let c = 0; c < K; c++) n += count[c]!;
    const out = new Int32Array(K + n);
    out.set(count);
    let at = K;
    for (let c = 0; c < K; c++) {
      out.set(members.subarray(start[c]!, start[c]! + count[c]!), at);
      at += count[c]!;
    }
    return out;
  }

  /** Restore the lists from eventLists() and check them against the ions. */
  private restoreEvents(saved: Int32Array): void {
    const [count, start, members] = this.scheme === "class" ? [this.classCount, this.classStart, this.classMembers] : [this.listCount, this.listStart, this.listMembers];
    const K = count.length;
    // where each entry is listed: hops (class); ions, then sites after the ion groups (type-null-event)
    const nIonLists = this.nSpecies * this.lattice.siteTypeNames.length;
    const pos = this.scheme === "class" ? this.eventPos : null;
    const seen = this.scheme === "class" ? this.eventPos : new Int32Array(this.nIons + this.lattice.siteCount);
    seen.fill(-1);
    if (saved.length < K) throw new RangeError("checkpoint's event lists do not match this model (classes)");
    let at = K;
    for (let c = 0; c < K; c++) {
      const n = saved[c]!;
      if (n < 0 || n > start[c + 1]! - start[c]! || at + n > saved.length) throw new RangeError(`checkpoint's event lists do not match this model (class ${c})`);
      count[c] = n;
      for (let i = 0; i < n; i++) {
        const e = saved[at + i]!;
        const key = pos !== null || c < nIonLists ? e : this.nIons + e;
        if (e < 0 || key >= seen.length || seen[key] !== -1) throw new RangeError(`checkpoint's event lists do not match this model (entry ${e})`);
        members[start[c]! + i] = e;
        seen[key] = start[c]! + i;
      }
      at += n;
    }
    if (at !== saved.length) throw new RangeError("checkpoint's event lists do not match this model (length)");
    if (pos === null) {
      this.ionPos.set(seen.subarray(0, this.nIons));
      this.vacancyPos.set(seen.subarray(this.nIons));
    }
    const errors = this.scheme === "class" ? this.checkEvents() : this.checkGroups();
    if (errors.length > 0) throw new RangeError(`checkpoint's event lists do not match its ions: ${errors.slice(0, 3).join("; ")}`);
  }

  /** Each ion listed once in its (species, site type) group, each empty site once in its type's list (type-null-event). */
  private checkGroups(): string[] {
    const errors: string[] = [];
    const L = this.lattice, B = L.basisCount, nIonLists = this.nSpecies * L.siteTypeNames.length;
    let ions = 0, empty = 0;
    for (let g = 0; g < this.listCount.length; g++) {
      if (g < nIonLists) ions += this.listCount[g]!; else empty += this.listCount[g]!;
      if (this.listCount[g]! > this.listStart[g + 1]! - this.listStart[g]!) errors.push(`list ${g}: over its capacity`);
    }
    if (ions !== this.nIons) errors.push(`${ions} ions listed in the groups, ${this.nIons} in the box`);
    if (empty !== L.siteCount - this.nIons) errors.push(`${empty} empty sites listed, ${L.siteCount - this.nIons} in the box`);
    const listed = (g: number, at: number, e: number): boolean => at >= this.listStart[g]! && at < this.listStart[g]! + this.listCount[g]! && this.listMembers[at] === e;
    for (let p = 0; p < this.nIons; p++) {
      const g = this.ionGroupOf[this.ionSpecies[p]! * B + this.ions[p * ION_STRIDE]!]!;
      if (!listed(g, this.ionPos[p]!, p)) errors.push(`ion ${p}: not listed in its group ${g}`);
    }
    for (let site = 0; site < L.siteCount; site++) {
      const g = nIonLists + L.basisSiteType[site % B]!, at = this.vacancyPos[site]!;
      if (this.siteIon[site]! < 0 && !listed(g, at, site)) errors.push(`empty site ${site}: not listed`);
      if (this.siteIon[site]! >= 0 && at !== -1) errors.push(`occupied site ${site}: listed as empty`);
    }
    return errors;
  }

  private restore(state: EngineState): void {
    if (state.scheme !== this.scheme) throw new RangeError(`checkpoint was made with the ${state.scheme} scheme, not ${this.scheme}`);
    const ions = decodeInt32(state.ions);
    if (ions.length !== this.ions.length) throw new RangeError("checkpoint does not match this model (ion count)");
    this.ions.set(ions);
    this.origin.set(decodeFloat64(state.origin));
    this.typeCount.set(decodeFloat64(state.typeCount));
    this.typeIntegral.set(decodeFloat64(state.typeIntegral));
    this.typeLast.set(decodeFloat64(state.typeLast));
    this.rng.state.set(decodeUint32(state.rng));
    this.time = state.time;
    this.hops = state.hops;
    this.attempts = state.attempts;
    let s = 0, left = this.model.species[0]!.count;
    for (let p = 0; p < this.nIons; p++) {
      while (left === 0) left = this.model.species[++s]!.count;
      this.ionSpecies[p] = s;
      left--;
      this.siteIon[this.ions[p * ION_STRIDE + ION_SITE]!] = p;
    }
  }

  /** Zero the clock, displacements and occupancy integrals (after equilibration). */
  reset(): void {
    this.time = 0;
    this.hops = 0;
    this.attempts = 0;
    this.setOrigin();
    this.typeIntegral.fill(0);
    this.typeLast.fill(0);
  }

  /** Unwrapped position of ion p, Angstrom, into out[0..2]. */
  position(p: number, out: Float64Array | number[], offset = 0): void {
    const L = this.lattice, o = p * ION_STRIDE, ions = this.ions, pos = L.basisPositionAngstrom;
    const b = ions[o + ION_BASIS]!;
    out[offset] = (ions[o + ION_CX]! + L.cells[0] * ions[o + ION_WX]!) * L.cellAngstrom[0] + pos[3 * b]!;
    out[offset + 1] = (ions[o + ION_CY]! + L.cells[1] * ions[o + ION_WY]!) * L.cellAngstrom[1] + pos[3 * b + 1]!;
    out[offset + 2] = (ions[o + ION_CZ]! + L.cells[2] * ions[o + ION_WZ]!) * L.cellAngstrom[2] + pos[3 * b + 2]!;
  }

  private setOrigin(): void {
    for (let p = 0; p < this.nIons; p++) this.position(p, this.origin, 3 * p);
  }

  /** Displacement of every ion since the last reset, Angstrom (3 per ion). */
  displacements(): Float64Array {
    const out = new Float64Array(3 * this.nIons);
    for (let p = 0; p < this.nIons; p++) {
      this.position(p, out, 3 * p);
      for (let a = 0; a < 3; a++) out[3 * p + a]! -= this.origin[3 * p + a]!;
    }
    return out;
  }

  /** Sum of the displacements of each species' ions since the last reset, Angstrom (3 per species). */
  speciesDisplacement(): Float64Array {
    const d = this.displacements();
    const out = new Float64Array(3 * this.nSpecies);
    for (let p = 0; p < this.nIons; p++) {
      const s = this.ionSpecies[p]!;
      out[3 * s] += d[3 * p]!;
      out[3 * s + 1] += d[3 * p + 1]!;
      out[3 * s + 2] += d[3 * p + 2]!;
    }
    return out;
  }

  /** Total attempt rate of the null-event scheme, Hz. */
  get attemptRateHz(): number {
    return this.nIons * this.zmax * this.rmax;
  }

  /**
   * Total rate of the current configuration (tree scheme), Hz; for the class scheme its
   * attempt rate sum_c n_c r_c (the total rate when the classes are exact).
   */
  get totalRateHz(): number {
    if (this.scheme === "class") {
      let R = 0;
      for (let c = 0; c < this.classCount.length; c++) R += this.classCount[c]! * this.classBound[c]!;
      return R;
    }
    return this.tree[1] ?? NaN;
  }

  /**
   * Advance by `hops` accepted hops. Returns the simulated time they took, s (for the
   * null-event scheme, drawn as Gamma(attempts) / Gamma, exact in distribution).
   */
  advance(hops: number): number {
    if (hops <= 0) return 0;
    let dt: number;
    if (this.scheme === "null-event") {
      const a0 = this.attempts;
      this.runNullEvent(hops);
      const n = this.attempts - a0;
      dt = this.rng.nextGamma(n) / this.attemptRateHz;
    } else if (this.scheme === "class") {
      dt = this.runClass(hops);
    } else if (this.scheme === "type-null-event") {
      dt = this.runTypeNullEvent(hops);
    } else {
      dt = this.runTree(hops);
    }
    this.time += dt;
    this.hops += hops;
    return dt;
  }

  /** Time-averaged number of ions of each species on each site type (nS x nTypes). */
  meanTypeCounts(): Float64Array {
    const now = this.scheme === "null-event" ? this.attempts : this.time;
    const out = new Float64Array(this.typeCount.length);
    for (let i = 0; i < out.length; i++) {
      const integral = this.typeIntegral[i]! + this.typeCount[i]! * (now - this.typeLast[i]!);
      out[i] = now > 0 ? integral / now : this.typeCount[i]!;
    }
    return out;
  }

  /**
   * Null-event loop. Per attempt: one ion and one bond slot from one 32-bit draw each,
   * target by cell arithmetic, accept with r_k / r_max when the target is empty (with pair
   * energies, r_k exp(-dE_pair / 2 kB T) / r_max).
   */
  private runNullEvent(hops: number): void {
    const L = this.lattice;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const B = L.basisCount, nBonds = L.bondTarget.length, nT = L.siteTypeNames.length;
    const bondStart = L.bondStart, bondTarget = L.bondTarget, off = L.bondCellOffset;
    const basisType = L.basisSiteType;
    const siteIon = this.siteIon, ionSpecies = this.ionSpecies, ions = this.ions;
    const accept = this.acceptTable;
    const typeCount = this.typeCount, typeIntegral = this.typeIntegral, typeLast = this.typeLast;
    const N = this.nIons, zmax = this.zmax;
    const interacting = this.interacting, counting = this.counting, halfInvKT = this.halfInvKT;
    const st = this.rng.state;
    let s0 = st[0]! | 0, s1 = st[1]! | 0, s2 = st[2]! | 0, s3 = st[3]! | 0;
    let attempts = this.attempts;
    let done = 0;
    while (done < hops) {
      attempts++;
      // xoshiro128** (inlined): ion
      let r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      const p = Math.floor(r * TWO_POW_M32 * N);
      // bond slot
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      const o = p * ION_STRIDE;
      const b = ions[o]!;
      const k = bondStart[b]! + Math.floor(r * TWO_POW_M32 * zmax);
      if (k >= bondStart[b + 1]!) continue;
      let wx = 0, wy = 0, wz = 0;
      let cx = ions[o + ION_CX]! + off[3 * k]!;
      if (cx < 0) { cx += nx; wx = -1; } else if (cx >= nx) { cx -= nx; wx = 1; }
      let cy = ions[o + ION_CY]! + off[3 * k + 1]!;
      if (cy < 0) { cy += ny; wy = -1; } else if (cy >= ny) { cy -= ny; wy = 1; }
      let cz = ions[o + ION_CZ]! + off[3 * k + 2]!;
      if (cz < 0) { cz += nz; wz = -1; } else if (cz >= nz) { cz -= nz; wz = 1; }
      const tb = bondTarget[k]!;
      const target = tb + B * (cx + nx * (cy + ny * cz));
      if (siteIon[target]! >= 0) continue;
      const s = ionSpecies[p]!;
      let a = accept[s * nBonds + k]!;
      if (interacting) {
        // the mover's change of pair energy, target minus origin: accept r / r_max exactly
        const dE = this.pairChange(p, s, k, ions[o + ION_SITE]!, target);
        if (dE !== 0) a *= Math.exp(-dE * halfInvKT);
      }
      if (a < 1) {
        r = Math.imul(s1, 5);
        r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        if (r * TWO_POW_M32 >= a) continue;
      }
      // accept: move ion p along bond k
      if (counting) this.movePairCounts(s, ions[o + ION_SITE]!, target);
      siteIon[ions[o + ION_SITE]!] = -1;
      siteIon[target] = p;
      ions[o] = tb;
      ions[o + ION_CX] = cx;
      ions[o + ION_CY] = cy;
      ions[o + ION_CZ] = cz;
      ions[o + ION_SITE] = target;
      if ((wx | wy | wz) !== 0) {
        ions[o + ION_WX]! += wx;
        ions[o + ION_WY]! += wy;
        ions[o + ION_WZ]! += wz;
      }
      const from = basisType[b]!, to = basisType[tb]!;
      if (from !== to) {
        const i = s * nT + from, j = s * nT + to;
        typeIntegral[i]! += typeCount[i]! * (attempts - typeLast[i]!);
        typeLast[i] = attempts;
        typeCount[i]!--;
        typeIntegral[j]! += typeCount[j]! * (attempts - typeLast[j]!);
        typeLast[j] = attempts;
        typeCount[j]!++;
      }
      done++;
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    this.attempts = attempts;
  }

  /** List every hop ion p can make now (class scheme; its hops must be unlisted). */
  private listIonEvents(p: number): void {
    const L = this.lattice, nBonds = L.bondTarget.length, o = p * ION_STRIDE;
    const b = this.ions[o]!, s = this.ionSpecies[p]!;
    const cx = this.ions[o + ION_CX]!, cy = this.ions[o + ION_CY]!, cz = this.ions[o + ION_CZ]!;
    const k0 = L.bondStart[b]!;
    for (let k = k0; k < L.bondStart[b + 1]!; k++) {
      const c = this.classOf[s * nBonds + k]!;
      if (c < 0 || this.siteIon[this.neighbourSite(cx, cy, cz, k)]! >= 0) continue;
      const e = (p << this.zShift) | (k - k0);
      const at = this.classStart[c]! + this.classCount[c]!++;
      this.classMembers[at] = e;
      this.eventPos[e] = at;
    }
  }

  /** The class lists against the hops the occupancy allows (class scheme; for checks). */
  private checkEvents(): string[] {
    const errors: string[] = [];
    const L = this.lattice, nBonds = L.bondTarget.length, K = this.classCount.length;
    let expected = 0, listed = 0;
    for (let c = 0; c < K; c++) {
      listed += this.classCount[c]!;
      if (this.classCount[c]! > this.classStart[c + 1]! - this.classStart[c]!) errors.push(`class ${c}: ${this.classCount[c]} hops over its capacity`);
    }
    for (let p = 0; p < this.nIons; p++) {
      const o = p * ION_STRIDE;
      const b = this.ions[o]!, s = this.ionSpecies[p]!;
      const k0 = L.bondStart[b]!, z = L.bondStart[b + 1]! - k0;
      for (let j = 0; j < 1 << this.zShift; j++) {
        const e = (p << this.zShift) | j, at = this.eventPos[e]!;
        const k = k0 + j;
        const c = j < z ? this.classOf[s * nBonds + k]! : -1;
        const open = c >= 0 && this.siteIon[this.neighbourSite(this.ions[o + ION_CX]!, this.ions[o + ION_CY]!, this.ions[o + ION_CZ]!, k)]! < 0;
        if (open) expected++;
        if (open && !(at >= this.classStart[c]! && at < this.classStart[c]! + this.classCount[c]! && this.classMembers[at] === e)) errors.push(`ion ${p} bond slot ${j}: possible hop not listed in class ${c}`);
        if (!open && at !== -1) errors.push(`ion ${p} bond slot ${j}: impossible hop listed at ${at}`);
      }
    }
    if (expected !== listed) errors.push(`${listed} hops listed, ${expected} possible`);
    return errors;
  }

  /** Whether any ion has an open bond to an empty site (O(N z); for the null-event loops' stall check). */
  private anyHopPossible(): boolean {
    const L = this.lattice, nBonds = L.bondTarget.length;
    for (let p = 0; p < this.nIons; p++) {
      const o = p * ION_STRIDE, b = this.ions[o]!, s = this.ionSpecies[p]!;
      for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
        if (this.rateTable[s * nBonds + k]! > 0 && this.siteIon[this.neighbourSite(this.ions[o + ION_CX]!, this.ions[o + ION_CY]!, this.ions[o + ION_CZ]!, k)]! < 0) return true;
      }
    }
    return false;
  }

  /** Site index of the neighbour of (b, cx, cy, cz) along bond k. */
  private neighbourSite(cx: number, cy: number, cz: number, k: number): number {
    const L = this.lattice, off = L.bondCellOffset;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    let x = cx + off[3 * k]!;
    if (x < 0) x += nx; else if (x >= nx) x -= nx;
    let y = cy + off[3 * k + 1]!;
    if (y < 0) y += ny; else if (y >= ny) y -= ny;
    let z = cz + off[3 * k + 2]!;
    if (z < 0) z += nz; else if (z >= nz) z -= nz;
    return L.bondTarget[k]! + L.basisCount * (x + nx * (y + ny * z));
  }

  /**
   * Pair energy of an ion of species s at `site` with the ions on the site's neighbour list,
   * eV, excluding ion `skip` (the mover itself): sum over the list of V[s][t][class].
   */
  private pairEnergyAt(site: number, s: number, skip: number): number {
    const start = this.pairStart, nbr = this.pairSite, cls = this.pairClass, V = this.pairEnergy, siteIon = this.siteIon, ionSpecies = this.ionSpecies;
    const C = this.pairClasses, row = s * this.nSpecies;
    let e = 0;
    for (let n = start[site]!, end = start[site + 1]!; n < end; n++) {
      const q = siteIon[nbr[n]!]!;
      if (q >= 0 && q !== skip) e += V[(row + ionSpecies[q]!) * C + cls[n]!]!;
    }
    return e;
  }

  /** Table mode: the ions of each species in each class around every site, from scratch, into `out`. */
  private countPairs(out: Uint16Array): void {
    out.fill(0);
    const nS = this.nSpecies, C = this.pairClasses;
    for (let site = 0; site < this.lattice.siteCount; site++) {
      const q = this.siteIon[site]!;
      if (q < 0) continue;
      const t = this.ionSpecies[q]!;
      for (let n = this.pairStart[site]!; n < this.pairStart[site + 1]!; n++) out[(this.pairSite[n]! * nS + t) * C + this.pairClass[n]!]!++;
    }
  }

  /** Table mode: an ion of species t moved from one site to another; update the counts around both. */
  private movePairCounts(t: number, from: number, to: number): void {
    const start = this.pairStart, nbr = this.pairSite, cls = this.pairClass, cnt = this.pairCount;
    const nS = this.nSpecies, C = this.pairClasses;
    for (let n = start[from]!, end = start[from + 1]!; n < end; n++) cnt[(nbr[n]! * nS + t) * C + cls[n]!]!--;
    for (let n = start[to]!, end = start[to + 1]!; n < end; n++) cnt[(nbr[n]! * nS + t) * C + cls[n]!]!++;
  }

  /** Table mode: pair energy of an ion of species s at `site` with every ion counted around it, eV: sum_{t,c} V[s][t][c] n[t][c]. */
  private countedEnergy(site: number, s: number): number {
    const V = this.pairEnergy, cnt = this.pairCount, m = this.nSpecies * this.pairClasses;
    const v0 = s * m, c0 = site * m;
    let e = 0;
    for (let i = 0; i < m; i++) {
      const n = cnt[c0 + i]!;
      if (n !== 0) e += V[v0 + i]! * n;
    }
    return e;
  }

  /**
   * The change of pair energy of ion p (species s, on `from`) hopping along bond k to the
   * empty site `to`, eV: its energy at the target without itself, less that at its origin.
   */
  private pairChange(p: number, s: number, k: number, from: number, to: number): number {
    if (!this.counting) return this.pairEnergyAt(to, s, p) - this.pairEnergyAt(from, s, p);
    const c = this.bondPairClass[k]!;
    const self = c >= 0 ? this.pairEnergy[(s * this.nSpecies + s) * this.pairClasses + c]! : 0;
    return this.countedEnergy(to, s) - self - this.countedEnergy(from, s);
  }

  /** Fill ion p's bond rates (zmax slots) and return their sum. */
  private computeIonRates(p: number): number {
    const L = this.lattice, nBonds = L.bondTarget.length, zmax = this.zmax;
    const o = p * ION_STRIDE;
    const b = this.ions[o]!, s = this.ionSpecies[p]!;
    const cx = this.ions[o + ION_CX]!, cy = this.ions[o + ION_CY]!, cz = this.ions[o + ION_CZ]!;
    const k0 = L.bondStart[b]!, k1 = L.bondStart[b + 1]!;
    const rates = this.ionRates;
    let sum = 0;
    const here = this.ions[o + ION_SITE]!;
    const eHere = !this.interacting ? 0 : this.counting ? this.countedEnergy(here, s) : this.pairEnergyAt(here, s, p);
    const selfRow = (s * this.nSpecies + s) * this.pairClasses;
    for (let k = k0; k < k1; k++) {
      let r = this.rateTable[s * nBonds + k]!;
      if (r > 0) {
        const target = this.neighbourSite(cx, cy, cz, k);
        if (this.siteIon[target]! >= 0) r = 0;
        else if (this.interacting) {
          let eThere: number;
          if (this.counting) {
            const c = this.bondPairClass[k]!;
            eThere = this.countedEnergy(target, s) - (c >= 0 ? this.pairEnergy[selfRow + c]! : 0);
          } else eThere = this.pairEnergyAt(target, s, p);
          const dE = eThere - eHere;
          if (dE !== 0) r *= Math.exp(-dE * this.halfInvKT);
        }
      }
      rates[p * zmax + (k - k0)] = r;
      sum += r;
    }
    for (let j = k1 - k0; j < zmax; j++) rates[p * zmax + j] = 0;
    return sum;
  }

  /**
   * The site (basis b, cell c) was just vacated (open) or filled: set the rate of every
   * neighbouring ion's bond into it (its reverse bond) and refresh that ion's leaf.
   * Each neighbour's rate is its own species' rate for that bond.
   */
  private openBondsInto(b: number, cx: number, cy: number, cz: number, open: boolean): void {
    const L = this.lattice, nBonds = L.bondTarget.length, zmax = this.zmax;
    const rates = this.ionRates, reverse = L.bondReverse;
    for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
      const q = this.siteIon[this.neighbourSite(cx, cy, cz, k)]!;
      if (q < 0) continue;
      const kr = reverse[k]!;
      const qb = L.bondTarget[k]!; // q sits on the target basis of bond k
      const q0 = L.bondStart[qb]!;
      const slot = q * zmax + (kr - q0);
      const r = open ? this.rateTable[this.ionSpecies[q]! * nBonds + kr]! : 0;
      if (rates[slot] === r) continue;
      rates[slot] = r;
      // the exact sum over q's bonds, in slot order like computeIonRates (no drift)
      let sum = 0;
      for (let j = q * zmax, e = j + (L.bondStart[qb + 1]! - q0); j < e; j++) sum += rates[j]!;
      this.setLeaf(q, sum);
    }
  }

  private setLeaf(p: number, v: number): void {
    const tree = this.tree;
    let i = this.treeLeaves + p;
    tree[i] = v;
    for (i >>= 1; i >= 1; i >>= 1) tree[i] = tree[2 * i]! + tree[2 * i + 1]!;
  }

  /** Mark the ions whose rates see the occupancy of `site` (its dependents), after the first `count` marked. */
  private touchDependents(site: number, count: number): number {
    const L = this.lattice, B = L.basisCount, nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const basis = this.dependBasis, off = this.dependOffset;
    const b = site % B;
    const c = (site - b) / B;
    const cx = c % nx;
    const cyz = (c - cx) / nx;
    const cy = cyz % ny;
    const cz = (cyz - cy) / ny;
    for (let e = this.dependStart[b]!; e < this.dependStart[b + 1]!; e++) {
      // offsets reach a shell and a bond beyond it: up to a box or so, so wrap by loops
      let x = cx + off[3 * e]!;
      while (x < 0) x += nx;
      while (x >= nx) x -= nx;
      let y = cy + off[3 * e + 1]!;
      while (y < 0) y += ny;
      while (y >= ny) y -= ny;
      let z = cz + off[3 * e + 2]!;
      while (z < 0) z += nz;
      while (z >= nz) z -= nz;
      const q = this.siteIon[basis[e]! + B * (x + nx * (y + ny * z))]!;
      if (q >= 0 && this.touchedMark[q] === 0) {
        this.touchedMark[q] = 1;
        this.touched[count++] = q;
      }
    }
    return count;
  }

  /** BKL loop; returns the simulated time of `hops` events. */
  private runTree(hops: number): number {
    const L = this.lattice, nT = L.siteTypeNames.length, zmax = this.zmax, TP = this.treeLeaves;
    const tree = this.tree, rates = this.ionRates, rng = this.rng, ions = this.ions;
    const off = L.bondCellOffset, basisType = L.basisSiteType;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    let time = this.time;
    const t0 = time;
    for (let h = 0; h < hops; h++) {
      const R = tree[1]!;
      if (!(R > 0)) throw new RangeError("no ion can hop: every ion is blocked (total rate 0)");
      time += rng.nextExponential() / R;
      // descend the sum tree
      let u = rng.nextFloat() * R;
      let i = 1;
      while (i < TP) {
        const l = tree[2 * i]!;
        if (u < l) i = 2 * i;
        else { u -= l; i = 2 * i + 1; }
      }
      let p = i - TP;
      if (p >= this.nIons || tree[i]! <= 0) {
        // rounding put u past the last positive leaf: take the last ion with a rate
        p = this.nIons - 1;
        while (tree[TP + p]! <= 0) p--;
        u = tree[TP + p]! * 0.5;
      }
      // pick the bond
      const o = p * ION_STRIDE;
      const b = ions[o]!;
      const k0 = L.bondStart[b]!, nb = L.bondStart[b + 1]! - k0;
      let j = 0, last = -1;
      for (; j < nb; j++) {
        const r = rates[p * zmax + j]!;
        if (r > 0) {
          last = j;
          if (u < r) break;
          u -= r;
        }
      }
      if (j === nb) j = last;
      const k = k0 + j;
      const s = this.ionSpecies[p]!;
      const from = ions[o + ION_SITE]!;
      const oldCx = ions[o + ION_CX]!, oldCy = ions[o + ION_CY]!, oldCz = ions[o + ION_CZ]!;
      // move, counting wraps across the box
      let cx = oldCx + off[3 * k]!, cy = oldCy + off[3 * k + 1]!, cz = oldCz + off[3 * k + 2]!;
      if (cx < 0) { cx += nx; ions[o + ION_WX]!--; } else if (cx >= nx) { cx -= nx; ions[o + ION_WX]!++; }
      if (cy < 0) { cy += ny; ions[o + ION_WY]!--; } else if (cy >= ny) { cy -= ny; ions[o + ION_WY]!++; }
      if (cz < 0) { cz += nz; ions[o + ION_WZ]!--; } else if (cz >= nz) { cz -= nz; ions[o + ION_WZ]!++; }
      const tb = L.bondTarget[k]!;
      const target = tb + L.basisCount * (cx + nx * (cy + ny * cz));
      this.siteIon[from] = -1;
      this.siteIon[target] = p;
      if (this.counting) this.movePairCounts(s, from, target);
      ions[o] = tb;
      ions[o + ION_CX] = cx;
      ions[o + ION_CY] = cy;
      ions[o + ION_CZ] = cz;
      ions[o + ION_SITE] = target;
      const ft = basisType[b]!, tt = basisType[tb]!;
      if (ft !== tt) {
        const a = s * nT + ft, z = s * nT + tt;
        this.typeIntegral[a]! += this.typeCount[a]! * (time - this.typeLast[a]!);
        this.typeLast[a] = time;
        this.typeCount[a]!--;
        this.typeIntegral[z]! += this.typeCount[z]! * (time - this.typeLast[z]!);
        this.typeLast[z] = time;
        this.typeCount[z]!++;
      }
      if (!this.interacting) {
        // exclusion only: just the bonds into the vacated and the filled site change
        this.openBondsInto(b, oldCx, oldCy, oldCz, true);
        this.openBondsInto(tb, cx, cy, cz, false);
        this.setLeaf(p, this.computeIonRates(p));
      } else {
        // pair energies: recompute the mover and every ion whose rates see either site
        this.touchedMark[p] = 1;
        this.touched[0] = p;
        let n = this.touchDependents(from, 1);
        n = this.touchDependents(target, n);
        for (let m = 0; m < n; m++) {
          const q = this.touched[m]!;
          this.touchedMark[q] = 0;
          this.setLeaf(q, this.computeIonRates(q));
        }
      }
    }
    this.attempts += hops;
    return time - t0;
  }

  /**
   * Class loop (see the file comment). Per attempt: R from the class counts, the clock by
   * Exp(1)/R, one 53-bit uniform u R picks the class by a scan and, as the residual
   * x = u'/r_c in [0, n_c), the member floor(x) and (binned classes) the acceptance
   * x - floor(x) < r_k / r_c. Per hop: unlist the mover's hops, list the bonds into the
   * vacated site, and at the filled site unlist its neighbours' bonds into it and list the
   * mover's bonds to empty sites. Neighbours by cell arithmetic through the wrap tables.
   */
  private runClass(hops: number): number {
    const L = this.lattice;
    const B = L.basisCount, nBonds = L.bondTarget.length, nT = L.siteTypeNames.length;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const bondStart = L.bondStart, bondTarget = L.bondTarget, bondReverse = L.bondReverse, off = L.bondCellOffset, basisType = L.basisSiteType;
    const siteIon = this.siteIon, ionSpecies = this.ionSpecies, ions = this.ions;
    const classOf = this.classOf, bound = this.classBound, accept = this.classAccept;
    const count = this.classCount, start = this.classStart, members = this.classMembers, eventPos = this.eventPos;
    const reverseSlot = this.reverseSlot, wrapX = this.wrapX, wrapY = this.wrapY, wrapZ = this.wrapZ, mo = this.maxOffset;
    const typeCount = this.typeCount, typeIntegral = this.typeIntegral, typeLast = this.typeLast;
    const K = count.length, zs = this.zShift, zMask = (1 << zs) - 1;
    const st = this.rng.state;
    let s0 = st[0]! | 0, s1 = st[1]! | 0, s2 = st[2]! | 0, s3 = st[3]! | 0;
    let time = this.time;
    const t0 = time;
    let attempts = this.attempts;
    let done = 0;
    // the total bound rate changes only when a hop relists events: summed again after each hop,
    // not after a null event
    let R = 0, stale = true;
    while (done < hops) {
      if (stale) {
        R = 0;
        for (let c = 0; c < K; c++) R += count[c]! * bound[c]!;
        stale = false;
      }
      if (!(R > 0)) {
        st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
        throw new RangeError("no ion can hop: every ion is blocked (total rate 0)");
      }
      attempts++;
      // xoshiro128** (inlined) x 4: two 53-bit uniforms, for the clock and for the choice
      let r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      time -= Math.log(1 - (hi * 67108864 + (r >>> 6)) * TWO_POW_M53) / R;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let x = (hi * 67108864 + (r >>> 6)) * TWO_POW_M53 * R;
      // the class: scan the cumulative weights n_c r_c (rounding past the end: the last nonempty)
      let c = 0;
      for (; c < K - 1; c++) {
        const w = count[c]! * bound[c]!;
        if (x < w) break;
        x -= w;
      }
      while (count[c] === 0) c--;
      if (count[c]! * bound[c]! >= R * RESIDUAL_MIN_SHARE) x /= bound[c]!;
      else {
        // a class this small keeps too few bits of u in the residual: draw afresh
        r = Math.imul(s1, 5);
        r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        hi = r >>> 5;
        r = Math.imul(s1, 5);
        r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        x = (hi * 67108864 + (r >>> 6)) * TWO_POW_M53 * count[c]!;
      }
      let m = Math.floor(x);
      if (m >= count[c]!) x = m = count[c]! - 1; // rounding at the top
      const e = members[start[c]! + m]!;
      const p = e >> zs;
      const o = p * ION_STRIDE;
      const b = ions[o]!;
      const k0 = bondStart[b]!;
      const k = k0 + (e & zMask);
      const s = ionSpecies[p]!;
      const sB = s * nBonds;
      if (x - m >= accept[sB + k]!) continue; // a null event (binned classes only)
      // unlist the mover's hops from its old site
      stale = true;
      const pe = p << zs;
      for (let j = 0, z = bondStart[b + 1]! - k0; j < z; j++) {
        const at = eventPos[pe | j]!;
        if (at < 0) continue;
        const cc = classOf[sB + k0 + j]!;
        const last = start[cc]! + --count[cc]!;
        const moved = members[last]!;
        members[at] = moved;
        eventPos[moved] = at;
        eventPos[pe | j] = -1;
      }
      // move, counting wraps across the box
      const from = ions[o + ION_SITE]!;
      const oldCx = ions[o + ION_CX]!, oldCy = ions[o + ION_CY]!, oldCz = ions[o + ION_CZ]!;
      let cx = oldCx + off[3 * k]!, cy = oldCy + off[3 * k + 1]!, cz = oldCz + off[3 * k + 2]!;
      if (cx < 0) { cx += nx; ions[o + ION_WX]!--; } else if (cx >= nx) { cx -= nx; ions[o + ION_WX]!++; }
      if (cy < 0) { cy += ny; ions[o + ION_WY]!--; } else if (cy >= ny) { cy -= ny; ions[o + ION_WY]!++; }
      if (cz < 0) { cz += nz; ions[o + ION_WZ]!--; } else if (cz >= nz) { cz -= nz; ions[o + ION_WZ]!++; }
      const tb = bondTarget[k]!;
      const target = tb + B * (cx + nx * (cy + ny * cz));
      siteIon[from] = -1;
      siteIon[target] = p;
      ions[o] = tb;
      ions[o + ION_CX] = cx;
      ions[o + ION_CY] = cy;
      ions[o + ION_CZ] = cz;
      ions[o + ION_SITE] = target;
      const ft = basisType[b]!, tt = basisType[tb]!;
      if (ft !== tt) {
        const a = s * nT + ft, z = s * nT + tt;
        typeIntegral[a]! += typeCount[a]! * (time - typeLast[a]!);
        typeLast[a] = time;
        typeCount[a]!--;
        typeIntegral[z]! += typeCount[z]! * (time - typeLast[z]!);
        typeLast[z] = time;
        typeCount[z]!++;
      }
      // the vacated site: each neighbour q may now hop into it (its reverse bond)
      let ax = oldCx + mo, ay = oldCy + mo, az = oldCz + mo;
      for (let kk = k0, k1 = bondStart[b + 1]!; kk < k1; kk++) {
        const q = siteIon[bondTarget[kk]! + B * (wrapX[ax + off[3 * kk]!]! + wrapY[ay + off[3 * kk + 1]!]! + wrapZ[az + off[3 * kk + 2]!]!)]!;
        if (q < 0 || q === p) continue;
        const cc = classOf[ionSpecies[q]! * nBonds + bondReverse[kk]!]!;
        if (cc < 0) continue;
        const ev = (q << zs) | reverseSlot[kk]!;
        const at = start[cc]! + count[cc]!++;
        members[at] = ev;
        eventPos[ev] = at;
      }
      // the filled site: neighbours can no longer hop into it; the mover may hop to empty ones
      ax = cx + mo; ay = cy + mo; az = cz + mo;
      const t0b = bondStart[tb]!;
      for (let kk = t0b, k1 = bondStart[tb + 1]!; kk < k1; kk++) {
        const q = siteIon[bondTarget[kk]! + B * (wrapX[ax + off[3 * kk]!]! + wrapY[ay + off[3 * kk + 1]!]! + wrapZ[az + off[3 * kk + 2]!]!)]!;
        if (q < 0) {
          const cc = classOf[sB + kk]!;
          if (cc < 0) continue;
          const ev = pe | (kk - t0b);
          const at = start[cc]! + count[cc]!++;
          members[at] = ev;
          eventPos[ev] = at;
        } else if (q !== p) {
          const ev = (q << zs) | reverseSlot[kk]!;
          const at = eventPos[ev]!;
          if (at < 0) continue;
          const cc = classOf[ionSpecies[q]! * nBonds + bondReverse[kk]!]!;
          const last = start[cc]! + --count[cc]!;
          const moved = members[last]!;
          members[at] = moved;
          eventPos[moved] = at;
          eventPos[ev] = -1;
        }
      }
      done++;
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    this.attempts = attempts;
    return time - t0;
  }

  /**
   * Type-null-event loop (see the file comment and hopChannels). Per attempt: a 53-bit
   * uniform for the clock's product, and one 53-bit uniform u R' that picks the channel c by
   * a scan of n_c B_c and, as the residual, a member of its list uniformly (an ion, or an
   * empty site) and an entry of the member's basis site by the alias table. Ion side: the
   * entry is the hop, a null event if its target is occupied. Vacancy side: the entry is
   * the bond to the origin, a null event unless an ion of the channel's species sits there.
   * A member whose basis site sums to W_cb < B_c is kept with probability W_cb / B_c. The
   * clock advances only on a hop, by -log(prod u_i) / R' over the attempts since the last
   * (R' is constant between hops); the product is flushed into a log sum before it
   * underflows. A hop moves its ion between groups and its two sites between the lists of
   * empty sites when the site type changes (swap-remove and append), and R' is recomputed
   * from the counts.
   */
  private runTypeNullEvent(hops: number): number {
    const L = this.lattice;
    const B = L.basisCount, nBonds = L.bondTarget.length, nT = L.siteTypeNames.length;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const bondTarget = L.bondTarget, bondReverse = L.bondReverse, off = L.bondCellOffset, basisType = L.basisSiteType;
    const siteIon = this.siteIon, ionSpecies = this.ionSpecies, ions = this.ions;
    const ionGroupOf = this.ionGroupOf, count = this.listCount, start = this.listStart, members = this.listMembers;
    const ionPos = this.ionPos, vacancyPos = this.vacancyPos;
    const side = this.channelSide, list = this.channelList, chSpecies = this.channelSpecies, bound = this.channelBound;
    const entryStart = this.entryStart, entryBond = this.entryBond, entryProb = this.entryProb, entryAlias = this.entryAlias, basisAccept = this.channelBasisAccept;
    const nbr = this.neighbourTable;
    const typeCount = this.typeCount, typeIntegral = this.typeIntegral, typeLast = this.typeLast;
    const C = bound.length, v0 = this.nSpecies * nT, invB = 1 / B;
    const st = this.rng.state;
    let s0 = st[0]! | 0, s1 = st[1]! | 0, s2 = st[2]! | 0, s3 = st[3]! | 0;
    let time = this.time;
    const t0 = time;
    let attempts = this.attempts;
    let done = 0;
    // channel weights n_c B_c and their sum R', recomputed from the counts after each change
    const weight = this.channelWeight;
    let R = 0;
    for (let c = 0; c < C; c++) R += weight[c] = count[list[c]!]! * bound[c]!;
    let smallWeight = R * RESIDUAL_MIN_SHARE;
    const listChannelStart = this.listChannelStart, listChannels = this.listChannels;
    // product of the clock's uniforms since the last hop, and the log of the flushed part
    let prod = 1, logSum = 0;
    let lastHop = attempts;
    while (done < hops) {
      // no hop at all (R' = 0), or 2^24 null events in a row and no hop possible (a full box)
      if (!(R > 0) || (attempts - lastHop >= 16777216 && ((lastHop = attempts), !this.anyHopPossible()))) {
        st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
        throw new RangeError("no ion can hop: every ion is blocked (total rate 0)");
      }
      attempts++;
      // xoshiro128** (inlined) x 4: two 53-bit uniforms, for the clock and for the choice
      let r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      prod *= 1 - (hi * 67108864 + (r >>> 6)) * TWO_POW_M53;
      if (prod < 1e-280) { logSum += Math.log(prod); prod = 1; }
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let x = (hi * 67108864 + (r >>> 6)) * TWO_POW_M53 * R;
      // the channel (rounding past the end: the last with weight)
      let c = 0;
      for (; c < C - 1; c++) {
        const w = weight[c]!;
        if (x < w) break;
        x -= w;
      }
      while (weight[c] === 0) c--;
      const li = list[c]!, n = count[li]!;
      if (weight[c]! >= smallWeight) x /= bound[c]!;
      else {
        // a channel this small keeps too few bits of u in the residual: draw afresh
        r = Math.imul(s1, 5);
        r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        hi = r >>> 5;
        r = Math.imul(s1, 5);
        r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        x = (hi * 67108864 + (r >>> 6)) * TWO_POW_M53 * n;
      }
      let m = x | 0;
      if (m >= n) x = m = n - 1; // rounding at the top
      const member = members[start[li]! + m]!;
      // the member's basis site and cell
      let mb: number, cell: number;
      if (side[c] === 0) {
        const o = member * ION_STRIDE;
        mb = ions[o]!;
        cell = ions[o + ION_CX]! + nx * (ions[o + ION_CY]! + ny * ions[o + ION_CZ]!);
      } else {
        cell = Math.floor(member * invB); // exact: the rounding error ~ site 2^-53 << 1/B
        mb = member - cell * B;
      }
      const cb = c * B + mb;
      const e0 = entryStart[cb]!, ne = entryStart[cb + 1]! - e0;
      if (ne === 0) continue; // this basis site has no hop in the channel (W_cb = 0)
      x = (x - m) * ne;
      let e = x | 0;
      if (x - e >= entryProb[e0 + e]!) e = entryAlias[e0 + e]!;
      const kk = entryBond[e0 + e]!;
      let p: number, k: number, target: number;
      if (side[c] === 0) {
        p = member;
        k = kk;
        target = nbr[cell * nBonds + k]!;
        if (siteIon[target]! >= 0) continue;
      } else {
        p = siteIon[nbr[cell * nBonds + kk]!]!;
        if (p < 0 || ionSpecies[p] !== chSpecies[c]) continue;
        k = bondReverse[kk]!;
        target = member;
      }
      const ba = basisAccept[cb]!;
      if (ba < 1) {
        r = Math.imul(s1, 5);
        r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        if (r * TWO_POW_M32 >= ba) continue;
      }
      // accepted: the clock advances by the attempts' exponentials, -log(prod u) / R'
      lastHop = attempts;
      time -= (logSum + Math.log(prod)) / R;
      prod = 1;
      logSum = 0;
      // move ion p along bond k, counting wraps across the box
      const o = p * ION_STRIDE;
      const b = ions[o]!, s = ionSpecies[p]!;
      const from = ions[o + ION_SITE]!;
      let cx = ions[o + ION_CX]! + off[3 * k]!, cy = ions[o + ION_CY]! + off[3 * k + 1]!, cz = ions[o + ION_CZ]! + off[3 * k + 2]!;
      if (cx < 0) { cx += nx; ions[o + ION_WX]!--; } else if (cx >= nx) { cx -= nx; ions[o + ION_WX]!++; }
      if (cy < 0) { cy += ny; ions[o + ION_WY]!--; } else if (cy >= ny) { cy -= ny; ions[o + ION_WY]!++; }
      if (cz < 0) { cz += nz; ions[o + ION_WZ]!--; } else if (cz >= nz) { cz -= nz; ions[o + ION_WZ]!++; }
      const tb = bondTarget[k]!;
      siteIon[from] = -1;
      siteIon[target] = p;
      ions[o] = tb;
      ions[o + ION_CX] = cx;
      ions[o + ION_CY] = cy;
      ions[o + ION_CZ] = cz;
      ions[o + ION_SITE] = target;
      // the filled site leaves its type's list of empty sites, the vacated one joins
      const ft = basisType[b]!, tt = basisType[tb]!;
      let at = vacancyPos[target]!;
      let gv = v0 + tt;
      let last = start[gv]! + --count[gv]!;
      let moved = members[last]!;
      members[at] = moved;
      vacancyPos[moved] = at;
      vacancyPos[target] = -1;
      gv = v0 + ft;
      at = start[gv]! + count[gv]!++;
      members[at] = from;
      vacancyPos[from] = at;
      if (ft !== tt) {
        const a = s * nT + ft, z = s * nT + tt;
        typeIntegral[a]! += typeCount[a]! * (time - typeLast[a]!);
        typeLast[a] = time;
        typeCount[a]!--;
        typeIntegral[z]! += typeCount[z]! * (time - typeLast[z]!);
        typeLast[z] = time;
        typeCount[z]!++;
        // the ion changes group
        const g = ionGroupOf[s * B + b]!, g2 = ionGroupOf[s * B + tb]!;
        at = ionPos[p]!;
        last = start[g]! + --count[g]!;
        moved = members[last]!;
        members[at] = moved;
        ionPos[moved] = at;
        at = start[g2]! + count[g2]!++;
        members[at] = p;
        ionPos[p] = at;
        // the weights of the channels drawn from the four lists that changed, then R' afresh
        for (let u = 0; u < 4; u++) {
          const li = u === 0 ? g : u === 1 ? g2 : u === 2 ? v0 + ft : v0 + tt;
          for (let j = listChannelStart[li]!; j < listChannelStart[li + 1]!; j++) {
            const q = listChannels[j]!;
            weight[q] = count[li]! * bound[q]!;
          }
        }
        R = 0;
        for (let q = 0; q < C; q++) R += weight[q]!;
        smallWeight = R * RESIDUAL_MIN_SHARE;
      }
      done++;
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    this.attempts = attempts;
    return time - t0;
  }

  /** Check the bookkeeping against a recomputation from scratch (for tests). */
  checkConsistency(): string[] {
    const errors: string[] = [];
    const L = this.lattice;
    for (let p = 0; p < this.nIons; p++) {
      const o = p * ION_STRIDE;
      const site = this.ions[o + ION_SITE]!;
      if (this.siteIon[site] !== p) errors.push(`ion ${p}: site ${site} holds ${this.siteIon[site]}`);
      const expect = this.ions[o]! + L.basisCount * (this.ions[o + ION_CX]! + L.cells[0] * (this.ions[o + ION_CY]! + L.cells[1] * this.ions[o + ION_CZ]!));
      if (expect !== site) errors.push(`ion ${p}: coordinates give site ${expect}, stored ${site}`);
    }
    let occupied = 0;
    for (let i = 0; i < L.siteCount; i++) if (this.siteIon[i]! >= 0) occupied++;
    if (occupied !== this.nIons) errors.push(`${occupied} occupied sites for ${this.nIons} ions`);
    if (this.counting) {
      const fresh = new Uint16Array(this.pairCount.length);
      this.countPairs(fresh);
      const at = fresh.findIndex((n, i) => n !== this.pairCount[i]);
      if (at >= 0) errors.push(`pair count ${at}: ${this.pairCount[at]}, recounted ${fresh[at]}`);
    }
    if (this.scheme === "tree") {
      const saved = Float64Array.from(this.ionRates);
      for (let p = 0; p < this.nIons; p++) {
        const leaf = this.tree[this.treeLeaves + p]!;
        const fresh = this.computeIonRates(p);
        if (Math.abs(leaf - fresh) > 1e-9 * Math.max(1, Math.abs(fresh))) errors.push(`ion ${p}: tree leaf ${leaf}, recomputed ${fresh}`);
      }
      this.ionRates.set(saved);
    }
    if (this.scheme === "class") errors.push(...this.checkEvents());
    if (this.scheme === "type-null-event") errors.push(...this.checkGroups());
    return errors;
  }
}
