/**
 * The KMC engine: the lattice gas in typed arrays (state.ts) advanced by one of four exact
 * event-selection schemes (schemes/), chosen per model (schemes/choose.ts).
 *
 * Schemes (all exact in time):
 * - "null-event" (schemes/nullEvent.ts): uniformization with one global bound; O(1) per
 *   attempt, best when rates are alike; takes pair energies at a lowered acceptance.
 * - "tree" (schemes/tree.ts): rejection-free BKL with a sum tree over the ions; any rate
 *   spread and the pair energies; the automatic choice with pair energies.
 * - "class" (schemes/class.ts, rateClasses.ts): BKL with rate classes and O(1) list updates.
 * - "type-null-event" (schemes/typeNullEvent.ts, hopChannels.ts, alias.ts): uniformization
 *   with a bound per hop channel (species, site type -> site type), no neighbour updates.
 * The class and type-null-event schemes hold their hops in lists by a rate fixed per
 * (species, bond): with pair energies a hop's rate changes whenever an ion within its
 * shells moves, which their lists do not follow, so they refuse pair energies. Pair
 * energies themselves: pairs.ts.
 *
 * The engine owns the state, places the ions, saves and restores checkpoints, and turns
 * the ions' records into displacements and occupancies; the scheme advances the state.
 * The hot loops inline xoshiro128** on local variables and allocate nothing.
 */
import type { PeriodicLattice } from "../../structure/lattice/lattice.js";
import type { RandomStream } from "../../core/rng.js";
import { bondRateTable, checkModel, hasPairEnergies, pairTable, type KmcModel } from "./model.js";
import { decodeFloat64, decodeInt32, decodeUint32, encodeArray } from "../../core/codec.js";
import { PairEnergies } from "./pairs.js";
import { ION_BASIS, ION_CX, ION_CY, ION_CZ, ION_SITE, ION_STRIDE, ION_WX, ION_WY, ION_WZ, type KmcState, type ListedScheme, type Scheme, type SelectionScheme } from "./state.js";
import { chooseScheme } from "./schemes/choose.js";
import { NullEventScheme, nullEventBoundHz } from "./schemes/nullEvent.js";
import { TreeScheme } from "./schemes/tree.js";
import { ClassScheme } from "./schemes/class.js";
import { TypeNullEventScheme } from "./schemes/typeNullEvent.js";

export { ION_BASIS, ION_CX, ION_CY, ION_CZ, ION_SITE, ION_STRIDE, ION_WX, ION_WY, ION_WZ, type Scheme } from "./state.js";
export { chooseScheme, nullEventAcceptance } from "./schemes/choose.js";
export { MAX_EXACT_CLASSES, rateClasses, type RateClasses } from "./rateClasses.js";
export { hopChannels, typeOccupancyEstimate, type HopChannels } from "./hopChannels.js";

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

export class KmcEngine implements KmcState {
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
  readonly typeIntegral: Float64Array;
  readonly typeLast: Float64Array;
  /** Rate of each (species, bond) into an empty site without pair energies, Hz. */
  readonly rateTable: Float64Array;
  /** Pair energies (null without). */
  readonly pairs: PairEnergies | null;
  /** The bound of every hop rate, Hz (null-event's r_max; the largest bond rate for the other schemes). */
  private readonly rmax: number;
  /** The scheme advancing the state. */
  private readonly selector: SelectionScheme;

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
    const table = interacting ? pairTable(model)! : null;
    this.nSpecies = model.species.length;
    this.nIons = model.species.reduce((s, sp) => s + sp.count, 0);
    let zmax = 0;
    for (let b = 0; b < L.basisCount; b++) zmax = Math.max(zmax, L.bondStart[b + 1]! - L.bondStart[b]!);
    this.zmax = zmax;
    this.rateTable = bondRateTable(model);
    this.rmax = nullEventBoundHz(model, this.rateTable, scheme === "null-event" ? table : null);

    const N = this.nIons;
    this.siteIon = new Int32Array(L.siteCount).fill(-1);
    this.ions = new Int32Array(N * ION_STRIDE);
    this.ionSpecies = new Uint8Array(N);
    this.origin = new Float64Array(3 * N);
    const nT = L.siteTypeNames.length;
    this.typeCount = new Float64Array(this.nSpecies * nT);
    this.typeIntegral = new Float64Array(this.nSpecies * nT);
    this.typeLast = new Float64Array(this.nSpecies * nT);
    this.pairs = table === null ? null : new PairEnergies(L, table, model.pairInteractions !== undefined, this.nSpecies, this.siteIon, this.ionSpecies);
    this.selector =
      scheme === "null-event" ? new NullEventScheme(this, this.rmax)
      : scheme === "tree" ? new TreeScheme(this)
      : scheme === "class" ? new ClassScheme(this)
      : new TypeNullEventScheme(this);

    if (state === undefined) {
      this.placeIons();
      this.setOrigin();
    } else this.restore(state);
    if (this.pairs !== null && this.pairs.counting) this.pairs.countAll(this.pairs.pairCount);
    if (scheme === "class" || scheme === "type-null-event") {
      const listed = this.selector as ListedScheme;
      if (state?.events !== undefined) listed.start(decodeInt32(state.events));
      else if (state !== undefined) throw new RangeError(`checkpoint of the ${scheme} scheme lacks its lists (events)`);
      else listed.start();
    }
    if (this.selector instanceof TreeScheme) this.selector.start();
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
      ...(this.scheme === "class" || this.scheme === "type-null-event" ? { events: encodeArray((this.selector as ListedScheme).saveLists()) } : {}),
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

  /**
   * Total rate of the current configuration (tree scheme), Hz; for the class scheme its
   * attempt rate sum_c n_c r_c (the total rate when the classes are exact).
   */
  get totalRateHz(): number {
    const s = this.selector;
    return s instanceof ClassScheme || s instanceof TreeScheme ? s.totalRateHz : NaN;
  }

  /**
   * Advance by `hops` accepted hops. Returns the simulated time they took, s (for the
   * null-event scheme, drawn as Gamma(attempts) / Gamma, exact in distribution).
   */
  advance(hops: number): number {
    if (hops <= 0) return 0;
    const dt = this.selector.advance(hops);
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

  /** Bytes held in the engine's typed arrays: the state, the pair energies and the scheme's tables. */
  byteLength(): number {
    const views: ArrayBufferView[] = [this.siteIon, this.ions, this.ionSpecies, this.origin, this.typeCount, this.typeIntegral, this.typeLast, this.rateTable];
    views.push(...(this.pairs?.arrays() ?? []), ...this.selector.arrays());
    return views.reduce((n, v) => n + v.byteLength, 0);
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
    if (this.pairs !== null) errors.push(...this.pairs.check());
    errors.push(...this.selector.check());
    return errors;
  }
}
