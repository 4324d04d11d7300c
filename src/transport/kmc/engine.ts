/**
 * The KMC engine: state in typed arrays, two exact event-selection schemes.
 *
 * State. Each site holds the index of its ion or -1 (Int32Array, 4 bytes per site: the
 * only per-site state). Each ion has one 8-int record (basis, cell x, y, z, wraps across
 * the box in x, y, z, site), so a hop touches one cache line per ion; its unwrapped
 * position is cell + wraps * box, and its displacement is computed from that on demand,
 * so a hop writes no floating-point displacement. Neighbours are found from the unit
 * cell's bond list (lattice.ts) by adding the bond's cell offset with wrap-around, so no
 * per-site neighbour table is stored.
 *
 * Schemes (both exact in time; chosen per model, see chooseScheme):
 * - "null-event" (uniformization; Gillespie 1977, Serebrinsky PRE 83, 037701, 2011): every
 *   ion attempts hops at the constant rate zmax r_max; an attempt picks an ion and a bond
 *   slot uniformly and is accepted with probability [target empty] r_k / r_max. Since the
 *   total attempt rate Gamma = N zmax r_max does not depend on the state, the attempt
 *   times form a Poisson process independent of the jump chain: the time of n attempts is
 *   Gamma(n, 1) / Gamma in distribution, drawn once per block. O(1) per attempt; best
 *   when rates are alike (acceptance near 1). No interactions.
 * - "tree" (rejection-free BKL / n-fold way; Bortz, Kalos and Lebowitz, J. Comput. Phys.
 *   17, 10, 1975): each ion's total rate sits in a binary sum tree; pick an ion in
 *   O(log N), then its bond by a scan of its cached bond rates; the clock advances by an
 *   Exp(R_total) variate per event. After a hop only the rates of ions near the vacated
 *   and the filled site are recomputed (within one bond, or two with interactions).
 *   Handles any rate spread and the interactions.
 *
 * The hot loops inline xoshiro128** on local variables and allocate nothing.
 */
import type { PeriodicLattice } from "../../structure/lattice/lattice.js";
import { RandomStream } from "../../core/rng.js";
import { BOLTZMANN_EV_PER_K } from "../../core/constants.js";
import { bondRateTable, checkModel, type KmcModel } from "./model.js";
import { decodeFloat64, decodeInt32, decodeUint32, encodeArray } from "../../core/codec.js";

/** Everything needed to continue a run exactly (rates and the tree are recomputed from it). */
export interface EngineState {
  readonly scheme: Scheme;
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

export type Scheme = "null-event" | "tree";

const TWO_POW_M32 = 2 ** -32;

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

/** Null-event when there are no interactions and its acceptance is at least 0.3. */
export function chooseScheme(model: KmcModel): Scheme {
  if (model.interactionEV !== undefined && model.interactionEV.some((j) => j !== 0)) return "tree";
  return nullEventAcceptance(model) >= 0.3 ? "null-event" : "tree";
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
  private readonly interaction: Float64Array | null;
  private readonly halfInvKT: number;
  // tree scheme
  private readonly treeLeaves: number;
  private readonly tree: Float64Array;
  private readonly ionRates: Float64Array;
  private readonly touched: Int32Array;
  private readonly touchedMark: Uint8Array;

  readonly rng: RandomStream;

  constructor(model: KmcModel, rng: RandomStream, scheme: Scheme = chooseScheme(model), state?: EngineState) {
    checkModel(model);
    this.model = model;
    this.lattice = model.lattice;
    this.rng = rng;
    const L = model.lattice;
    const interacting = model.interactionEV !== undefined && model.interactionEV.some((j) => j !== 0);
    if (interacting && scheme === "null-event") throw new RangeError("the null-event scheme has no interactions; use the tree scheme");
    this.scheme = scheme;
    this.nSpecies = model.species.length;
    this.nIons = model.species.reduce((s, sp) => s + sp.count, 0);
    let zmax = 0;
    for (let b = 0; b < L.basisCount; b++) zmax = Math.max(zmax, L.bondStart[b + 1]! - L.bondStart[b]!);
    this.zmax = zmax;
    this.rateTable = bondRateTable(model);
    let rmax = 0;
    for (let i = 0; i < this.rateTable.length; i++) rmax = Math.max(rmax, this.rateTable[i]!);
    this.rmax = rmax;
    this.acceptTable = new Float64Array(this.rateTable.length);
    for (let i = 0; i < this.rateTable.length; i++) this.acceptTable[i] = rmax > 0 ? this.rateTable[i]! / rmax : 0;
    this.interaction = interacting ? Float64Array.from(model.interactionEV!) : null;
    this.halfInvKT = 0.5 / (BOLTZMANN_EV_PER_K * model.temperatureK);

    const N = this.nIons;
    this.siteIon = new Int32Array(L.siteCount).fill(-1);
    this.ions = new Int32Array(N * ION_STRIDE);
    this.ionSpecies = new Uint8Array(N);
    this.origin = new Float64Array(3 * N);
    const nT = L.siteTypeNames.length;
    this.typeCount = new Float64Array(this.nSpecies * nT);
    this.typeIntegral = new Float64Array(this.nSpecies * nT);
    this.typeLast = new Float64Array(this.nSpecies * nT);

    if (state === undefined) {
      this.placeIons();
      this.setOrigin();
    } else this.restore(state);

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
    };
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

  /** Total rate of the current configuration (tree scheme), Hz. */
  get totalRateHz(): number {
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
   * target by cell arithmetic, accept with r_k / r_max when the target is empty.
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
      const a = accept[s * nBonds + k]!;
      if (a < 1) {
        r = Math.imul(s1, 5);
        r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        if (r * TWO_POW_M32 >= a) continue;
      }
      // accept: move ion p along bond k
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

  /** Sum over the ions bonded to `site` of J[s][species], excluding ion `skip`. */
  private interactionAround(site: number, s: number, skip: number): number {
    const L = this.lattice, B = L.basisCount, nS = this.nSpecies, J = this.interaction!;
    const b = site % B;
    const c = (site - b) / B;
    const cx = c % L.cells[0];
    const cyz = (c - cx) / L.cells[0];
    const cy = cyz % L.cells[1];
    const cz = (cyz - cy) / L.cells[1];
    let e = 0;
    for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
      const q = this.siteIon[this.neighbourSite(cx, cy, cz, k)]!;
      if (q >= 0 && q !== skip) e += J[s * nS + this.ionSpecies[q]!]!;
    }
    return e;
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
    const eHere = this.interaction === null ? 0 : this.interactionAround(this.ions[o + ION_SITE]!, s, p);
    for (let k = k0; k < k1; k++) {
      let r = this.rateTable[s * nBonds + k]!;
      if (r > 0) {
        const target = this.neighbourSite(cx, cy, cz, k);
        if (this.siteIon[target]! >= 0) r = 0;
        else if (this.interaction !== null) {
          const dE = this.interactionAround(target, s, p) - eHere;
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

  /** Mark the ions on the sites bonded to `site` (and to those sites when depth is 2). */
  private touchAround(site: number, depth: number, count: number): number {
    const L = this.lattice, B = L.basisCount;
    const b = site % B;
    const c = (site - b) / B;
    const cx = c % L.cells[0];
    const cyz = (c - cx) / L.cells[0];
    const cy = cyz % L.cells[1];
    const cz = (cyz - cy) / L.cells[1];
    for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
      const n = this.neighbourSite(cx, cy, cz, k);
      const q = this.siteIon[n]!;
      if (q >= 0 && this.touchedMark[q] === 0) {
        this.touchedMark[q] = 1;
        this.touched[count++] = q;
      }
      if (depth > 1) count = this.touchAround(n, depth - 1, count);
    }
    return count;
  }

  /** BKL loop; returns the simulated time of `hops` events. */
  private runTree(hops: number): number {
    const L = this.lattice, nT = L.siteTypeNames.length, zmax = this.zmax, TP = this.treeLeaves;
    const tree = this.tree, rates = this.ionRates, rng = this.rng, ions = this.ions;
    const off = L.bondCellOffset, basisType = L.basisSiteType;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const depth = this.interaction === null ? 1 : 2;
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
      if (depth === 1) {
        // exclusion only: just the bonds into the vacated and the filled site change
        this.openBondsInto(b, oldCx, oldCy, oldCz, true);
        this.openBondsInto(tb, cx, cy, cz, false);
        this.setLeaf(p, this.computeIonRates(p));
      } else {
        // interactions: recompute every ion within two bonds of either site
        this.touchedMark[p] = 1;
        this.touched[0] = p;
        let n = this.touchAround(from, depth, 1);
        n = this.touchAround(target, depth, n);
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
    if (this.scheme === "tree") {
      const saved = Float64Array.from(this.ionRates);
      for (let p = 0; p < this.nIons; p++) {
        const leaf = this.tree[this.treeLeaves + p]!;
        const fresh = this.computeIonRates(p);
        if (Math.abs(leaf - fresh) > 1e-9 * Math.max(1, Math.abs(fresh))) errors.push(`ion ${p}: tree leaf ${leaf}, recomputed ${fresh}`);
      }
      this.ionRates.set(saved);
    }
    return errors;
  }
}
