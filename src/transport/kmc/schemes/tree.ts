/**
 * The rejection-free BKL scheme (n-fold way; Bortz, Kalos and Lebowitz, J. Comput. Phys.
 * 17, 10, 1975): each ion's total rate sits in a binary sum tree; pick an ion in O(log N),
 * then its bond by a scan of its cached bond rates; the clock advances by an Exp(R_total)
 * variate per event. After a hop only the rates of ions near the vacated and the filled
 * site are recomputed (within one bond; with pair energies, every ion whose rates can see
 * either site: within one bond, within the shells, or one bond beyond the shells). Handles
 * any rate spread and the pair energies; the automatic choice with pair energies.
 */
import type { PeriodicLattice } from "../../../structure/lattice/lattice.js";
import type { RandomStream } from "../../../core/rng.js";
import { BOLTZMANN_EV_PER_K } from "../../../core/constants.js";
import type { PairEnergies } from "../pairs.js";
import { ION_CX, ION_CY, ION_CZ, ION_SITE, ION_STRIDE, ION_WX, ION_WY, ION_WZ, neighbourSite, type KmcState, type SelectionScheme } from "../state.js";
import { LoopCalls, TWO_POW_M53 } from "./bits.js";

/** This loop's call sizes in this thread (bits.ts). */
const loopCalls = new LoopCalls();

export class TreeScheme implements SelectionScheme {
  // the shared state, by name (see state.ts)
  private readonly lattice: PeriodicLattice;
  private readonly rng: RandomStream;
  private readonly nIons: number;
  private readonly nSpecies: number;
  private readonly zmax: number;
  private readonly rateTable: Float64Array;
  private readonly siteIon: Int32Array;
  private readonly ions: Int32Array;
  private readonly ionSpecies: Uint8Array;
  private readonly typeCount: Float64Array;
  private readonly typeIntegral: Float64Array;
  private readonly typeLast: Float64Array;
  private readonly pairs: PairEnergies | null;
  private readonly interacting: boolean;
  private readonly counting: boolean;
  private readonly halfInvKT: number;
  private readonly pairEnergy: Float64Array;
  private readonly pairClasses: number;
  private readonly bondPairClass: Int32Array;
  // with pair energies: the sites (basis, cell offset) whose ions' rates see a site of basis b
  private readonly dependStart: Int32Array;
  private readonly dependBasis: Int32Array;
  private readonly dependOffset: Int32Array;
  // the sum tree over the ions' total rates (leaves from treeLeaves), each ion's bond rates (zmax slots)
  private readonly treeLeaves: number;
  private readonly tree: Float64Array;
  private readonly ionRates: Float64Array;
  private readonly touched: Int32Array;
  private readonly touchedMark: Uint8Array;
  /** The clock between the loop's calls (see advance). */
  private readonly clock = new Float64Array(1);

  constructor(private readonly state: KmcState) {
    const L = state.lattice;
    this.lattice = L;
    this.rng = state.rng;
    this.nIons = state.nIons;
    this.nSpecies = state.nSpecies;
    this.zmax = state.zmax;
    this.rateTable = state.rateTable;
    this.siteIon = state.siteIon;
    this.ions = state.ions;
    this.ionSpecies = state.ionSpecies;
    this.typeCount = state.typeCount;
    this.typeIntegral = state.typeIntegral;
    this.typeLast = state.typeLast;
    const pairs = state.pairs;
    this.pairs = pairs;
    this.interacting = pairs !== null;
    this.counting = pairs !== null && pairs.counting;
    this.halfInvKT = 0.5 / (BOLTZMANN_EV_PER_K * state.model.temperatureK);
    this.pairEnergy = pairs?.pairEnergy ?? new Float64Array(0);
    this.pairClasses = pairs?.pairClasses ?? 0;
    this.bondPairClass = pairs?.bondPairClass ?? new Int32Array(0);
    if (pairs !== null) {
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
    const N = state.nIons;
    let tp = 1;
    while (tp < N) tp <<= 1;
    this.treeLeaves = tp;
    this.tree = new Float64Array(2 * tp);
    this.ionRates = new Float64Array(N * state.zmax);
    this.touched = new Int32Array(N);
    this.touchedMark = new Uint8Array(N);
  }

  /** Every ion's rates and the tree from the occupancy (after the ions are placed and the pair counts made). */
  start(): void {
    const N = this.nIons, tp = this.treeLeaves;
    for (let p = 0; p < N; p++) this.computeIonRates(p, this.tree, tp + p);
    for (let i = tp - 1; i >= 1; i--) this.tree[i] = this.tree[2 * i]! + this.tree[2 * i + 1]!;
  }

  /** Total rate of the current configuration, Hz. */
  get totalRateHz(): number {
    return this.tree[1] ?? NaN;
  }

  /** Each leaf against its ion's rates recomputed from scratch (for tests). */
  check(): string[] {
    const errors: string[] = [];
    const saved = Float64Array.from(this.ionRates), sum = new Float64Array(1);
    for (let p = 0; p < this.nIons; p++) {
      const leaf = this.tree[this.treeLeaves + p]!;
      this.computeIonRates(p, sum, 0);
      const fresh = sum[0]!;
      if (Math.abs(leaf - fresh) > 1e-9 * Math.max(1, Math.abs(fresh))) errors.push(`ion ${p}: tree leaf ${leaf}, recomputed ${fresh}`);
    }
    this.ionRates.set(saved);
    return errors;
  }

  arrays(): ArrayBufferView[] {
    return [this.dependStart, this.dependBasis, this.dependOffset, this.tree, this.ionRates, this.touched, this.touchedMark];
  }

  /**
   * Fill ion p's bond rates (zmax slots) and put their sum into out[at] (not returned: a double
   * returned from a call that is not inlined is a heap number, 16 bytes a hop).
   */
  private computeIonRates(p: number, out: Float64Array, at: number): void {
    const L = this.lattice, nBonds = L.bondTarget.length, zmax = this.zmax;
    const o = p * ION_STRIDE;
    const b = this.ions[o]!, s = this.ionSpecies[p]!;
    const cx = this.ions[o + ION_CX]!, cy = this.ions[o + ION_CY]!, cz = this.ions[o + ION_CZ]!;
    const k0 = L.bondStart[b]!, k1 = L.bondStart[b + 1]!;
    const rates = this.ionRates;
    let sum = 0;
    const here = this.ions[o + ION_SITE]!;
    const eHere = !this.interacting ? 0 : this.counting ? this.pairs!.counted(here, s) : this.pairs!.energyAt(here, s, p);
    const selfRow = (s * this.nSpecies + s) * this.pairClasses;
    for (let k = k0; k < k1; k++) {
      let r = this.rateTable[s * nBonds + k]!;
      if (r > 0) {
        const target = neighbourSite(this.lattice, cx, cy, cz, k);
        if (this.siteIon[target]! >= 0) r = 0;
        else if (this.interacting) {
          let eThere: number;
          if (this.counting) {
            const c = this.bondPairClass[k]!;
            eThere = this.pairs!.counted(target, s) - (c >= 0 ? this.pairEnergy[selfRow + c]! : 0);
          } else eThere = this.pairs!.energyAt(target, s, p);
          const dE = eThere - eHere;
          if (dE !== 0) r *= Math.exp(-dE * this.halfInvKT);
        }
      }
      rates[p * zmax + (k - k0)] = r;
      sum += r;
    }
    for (let j = k1 - k0; j < zmax; j++) rates[p * zmax + j] = 0;
    out[at] = sum;
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
      const q = this.siteIon[neighbourSite(this.lattice, cx, cy, cz, k)]!;
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
    this.tree[this.treeLeaves + p] = v;
    this.sumUp(p);
  }

  /** Recompute the sums above ion p's leaf. */
  private sumUp(p: number): void {
    const tree = this.tree;
    for (let i = (this.treeLeaves + p) >> 1; i >= 1; i >>= 1) tree[i] = tree[2 * i]! + tree[2 * i + 1]!;
  }

  /** Ion p's rates and leaf recomputed from the occupancy. */
  private refreshIon(p: number): void {
    this.computeIonRates(p, this.tree, this.treeLeaves + p);
    this.sumUp(p);
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

  /**
   * BKL loop; returns the simulated time of `hops` events. As in the type-null-event scheme
   * (bits.ts): the clock in a typed array of the scheme's, the loop in calls of at most
   * LOOP_CHUNK_HOPS hops after a few short ones, and the random numbers drawn inline (the same
   * as RandomStream's nextExponential and nextFloat), so that V8 runs it as an optimized
   * function that allocates nothing (about 70 bytes a hop before: the clock boxed in the
   * on-stack-replaced loop and heap numbers returned by the calls).
   */
  advance(hops: number): number {
    const clock = this.clock, t0 = this.state.time;
    clock[0] = t0;
    loopCalls.run(hops, (n) => this.run(n));
    this.state.attempts += hops;
    return clock[0]! - t0;
  }

  /** `hops` events from the clock (this.clock), leaving there the time of the last. */
  private run(hops: number): void {
    const L = this.lattice, nT = L.siteTypeNames.length, zmax = this.zmax, TP = this.treeLeaves;
    const tree = this.tree, rates = this.ionRates, ions = this.ions;
    const off = L.bondCellOffset, basisType = L.basisSiteType;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const st = this.rng.state, clock = this.clock;
    let s0 = st[0]! | 0, s1 = st[1]! | 0, s2 = st[2]! | 0, s3 = st[3]! | 0;
    const twoM53 = TWO_POW_M53;
    let time = clock[0]!;
    for (let h = 0; h < hops; h++) {
      const R = tree[1]!;
      if (!(R > 0)) {
        st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
        clock[0] = time;
        throw new RangeError("no ion can hop: every ion is blocked (total rate 0)");
      }
      // xoshiro128** (inlined) x 4: two 53-bit uniforms f, for the clock (-log(1 - f), as
      // RandomStream.nextExponential) and for the choice (as nextFloat)
      let r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      time += -Math.log(1 - (hi * 67108864 + (r >>> 6)) * twoM53) / R;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      // descend the sum tree
      let u = (hi * 67108864 + (r >>> 6)) * twoM53 * R;
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
      if (this.counting) this.pairs!.move(s, from, target);
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
        this.refreshIon(p);
      } else {
        // pair energies: recompute the mover and every ion whose rates see either site
        this.touchedMark[p] = 1;
        this.touched[0] = p;
        let n = this.touchDependents(from, 1);
        n = this.touchDependents(target, n);
        for (let m = 0; m < n; m++) {
          const q = this.touched[m]!;
          this.touchedMark[q] = 0;
          this.refreshIon(q);
        }
      }
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    clock[0] = time;
  }
}
