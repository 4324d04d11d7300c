/**
 * Pair energies on the lattice (model.ts, PairTable), for the null-event and tree schemes.
 *
 * Each site's neighbours with their distance class are one CSR list (pairStart, pairSite,
 * pairClass: 5 bytes per neighbour). With the scalar interactionEV (the hop graph) the
 * mover's pair energy at a site is the sum over the ions on that site's list, skipping
 * itself. With the table, each site keeps the number of ions of each species in each class
 * around it (pairCount, integers, so exact and the same whatever the history: a checkpoint
 * recomputes them), updated along the two lists of a hop; a pair energy is then
 * sum_{t,c} V[s][t][c] n[t][c], nS x classes terms instead of a walk over the list, less
 * the mover's own term at its target (bondPairClass).
 */
import type { PeriodicLattice } from "../../structure/lattice/lattice.js";
import { siteNeighbours, type BasisNeighbours } from "../../structure/lattice/shells.js";
import type { PairTable } from "./model.js";

export class PairEnergies {
  readonly pairStart: Int32Array;
  readonly pairSite: Int32Array;
  readonly pairClass: Uint8Array;
  /** Energy of (species, species, class) at (s * nS + t) * classes + c, eV. */
  readonly pairEnergy: Float64Array;
  readonly pairClasses: number;
  /** The basis neighbours the lists were built from (the tree's dependents need them). */
  readonly neighbours: BasisNeighbours;
  /** Table mode (pairInteractions): counts per site, else walks over the lists (interactionEV). */
  readonly counting: boolean;
  /** Table mode: ions of each species in each class around each site, at (site * nS + t) * classes + c. */
  readonly pairCount: Uint16Array;
  /** Table mode: the class of each bond's target around its origin (-1: beyond the shells). */
  readonly bondPairClass: Int32Array;
  private readonly nSpecies: number;

  constructor(
    lattice: PeriodicLattice,
    pairs: PairTable,
    counting: boolean,
    nSpecies: number,
    private readonly siteIon: Int32Array,
    private readonly ionSpecies: Uint8Array,
  ) {
    const L = lattice;
    this.nSpecies = nSpecies;
    this.neighbours = pairs.neighbours;
    const lists = siteNeighbours(L, pairs.neighbours);
    this.pairStart = lists.start;
    this.pairSite = lists.site;
    this.pairClass = lists.shell;
    this.pairEnergy = pairs.energyEV;
    this.pairClasses = pairs.classCount;
    this.counting = counting;
    this.pairCount = new Uint16Array(counting ? L.siteCount * nSpecies * pairs.classCount : 0);
    this.bondPairClass = new Int32Array(counting ? L.bondTarget.length : 0).fill(-1);
    if (counting) {
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
  }

  /**
   * Pair energy of an ion of species s at `site` with the ions on the site's neighbour list,
   * eV, excluding ion `skip` (the mover itself): sum over the list of V[s][t][class].
   */
  energyAt(site: number, s: number, skip: number): number {
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
  countAll(out: Uint16Array): void {
    out.fill(0);
    const nS = this.nSpecies, C = this.pairClasses;
    for (let site = 0; site < this.siteIon.length; site++) {
      const q = this.siteIon[site]!;
      if (q < 0) continue;
      const t = this.ionSpecies[q]!;
      for (let n = this.pairStart[site]!; n < this.pairStart[site + 1]!; n++) out[(this.pairSite[n]! * nS + t) * C + this.pairClass[n]!]!++;
    }
  }

  /** Table mode: an ion of species t moved from one site to another; update the counts around both. */
  move(t: number, from: number, to: number): void {
    const start = this.pairStart, nbr = this.pairSite, cls = this.pairClass, cnt = this.pairCount;
    const nS = this.nSpecies, C = this.pairClasses;
    for (let n = start[from]!, end = start[from + 1]!; n < end; n++) cnt[(nbr[n]! * nS + t) * C + cls[n]!]!--;
    for (let n = start[to]!, end = start[to + 1]!; n < end; n++) cnt[(nbr[n]! * nS + t) * C + cls[n]!]!++;
  }

  /** Table mode: pair energy of an ion of species s at `site` with every ion counted around it, eV: sum_{t,c} V[s][t][c] n[t][c]. */
  counted(site: number, s: number): number {
    const V = this.pairEnergy, cnt = this.pairCount, m = this.nSpecies * this.pairClasses;
    const v0 = s * m, c0 = site * m;
    let e = 0;
    for (let i = 0; i < m; i++) {
      const n = cnt[c0 + i]!;
      if (n !== 0) e += V[v0 + i]! * n;
    }
    return e;
  }

  /** Table mode: the mover's own term at the target of bond k (species s), eV (0 beyond the shells). */
  selfAt(s: number, k: number): number {
    const c = this.bondPairClass[k]!;
    return c >= 0 ? this.pairEnergy[(s * this.nSpecies + s) * this.pairClasses + c]! : 0;
  }

  /**
   * The change of pair energy of ion p (species s, on `from`) hopping along bond k to the
   * empty site `to`, eV: its energy at the target without itself, less that at its origin.
   */
  change(p: number, s: number, k: number, from: number, to: number): number {
    if (!this.counting) return this.energyAt(to, s, p) - this.energyAt(from, s, p);
    return this.counted(to, s) - this.selfAt(s, k) - this.counted(from, s);
  }

  /** Table mode: the counts against a recount from scratch (for tests). */
  check(): string[] {
    if (!this.counting) return [];
    const fresh = new Uint16Array(this.pairCount.length);
    this.countAll(fresh);
    const at = fresh.findIndex((n, i) => n !== this.pairCount[i]);
    return at >= 0 ? [`pair count ${at}: ${this.pairCount[at]}, recounted ${fresh[at]}`] : [];
  }

  arrays(): ArrayBufferView[] {
    return [this.pairStart, this.pairSite, this.pairClass, this.pairEnergy, this.pairCount, this.bondPairClass];
  }
}
