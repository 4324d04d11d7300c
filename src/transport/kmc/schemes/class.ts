/**
 * The class scheme: BKL with rate classes and O(1) updates (the n-fold way of Bortz, Kalos
 * and Lebowitz grouped by rate as in Schulze, J. Comput. Phys. 227, 2455, 2008, and with
 * rejection inside a class as in the composition-rejection method of Slepoy, Thompson and
 * Plimpton, J. Chem. Phys. 128, 205101, 2008). Without pair energies a hop's rate depends
 * only on the species and the bond (bondRateTable), so every possible hop (ion, bond slot
 * with an empty target) is listed in its rate class c, of bound r_c (rateClasses.ts). An
 * attempt: the clock advances by Exp(1) / R, R = sum_c n_c r_c (from integer counts, so no
 * drift); class c is picked with probability n_c r_c / R, a member uniformly, and it is
 * accepted with probability r_k / r_c (1 for exact classes). Every hop is thus attempted at
 * rate r_c and accepted at rate r_k; R changes only on accepted hops, so rejected attempts
 * are the null events of uniformization and the clock stays exact. After a hop, only the
 * mover's listed hops and the bonds into the vacated and the filled site change: each is an
 * O(1) swap-remove or append in its class list (eventPos holds each hop's place in its
 * list). The lists' order is part of the state, so checkpoints carry it.
 */
import type { PeriodicLattice } from "../../../structure/lattice/lattice.js";
import { rateClasses } from "../rateClasses.js";
import { ION_CX, ION_CY, ION_CZ, ION_SITE, ION_STRIDE, ION_WX, ION_WY, ION_WZ, neighbourSite, type KmcState, type ListedScheme } from "../state.js";
import { LoopCalls, RESIDUAL_MIN_SHARE, TWO_POW_M53 } from "./bits.js";
import { restoreLists, saveLists } from "./lists.js";

/** This loop's call sizes in this thread (bits.ts). */
const loopCalls = new LoopCalls();

export class ClassScheme implements ListedScheme {
  // the shared state, by name (see state.ts)
  private readonly lattice: PeriodicLattice;
  private readonly nIons: number;
  private readonly siteIon: Int32Array;
  private readonly ions: Int32Array;
  private readonly ionSpecies: Uint8Array;
  private readonly typeCount: Float64Array;
  private readonly typeIntegral: Float64Array;
  private readonly typeLast: Float64Array;
  // hop e = (ion << zShift) | bond slot, listed in classMembers[classStart[c] ..
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
  /** The clock and the attempt count between the loop's calls (see advance). */
  private readonly clock = new Float64Array(2);
  /**
   * The engine's xoshiro128** state (the same array, advanced in place): the loop reads
   * nothing from the engine, whose hidden class changes during a run (its time field turns
   * from a small integer into a double at the first advance), which threw the optimized loop
   * away ("wrong map", "maps became deprecated").
   */
  private readonly rngState: Uint32Array;

  constructor(private readonly state: KmcState) {
    const L = state.lattice, model = state.model;
    this.lattice = L;
    this.nIons = state.nIons;
    this.siteIon = state.siteIon;
    this.ions = state.ions;
    this.ionSpecies = state.ionSpecies;
    this.typeCount = state.typeCount;
    this.typeIntegral = state.typeIntegral;
    this.typeLast = state.typeLast;
    this.rngState = state.rng.state;
    let zShift = 0;
    while (1 << zShift < state.zmax) zShift++;
    this.zShift = zShift;
    let maxOffset = 0;
    for (const o of L.bondCellOffset) maxOffset = Math.max(maxOffset, Math.abs(o));
    this.maxOffset = maxOffset;
    const wrap = (n: number, stride: number): Int32Array => {
      const t = new Int32Array(n + 2 * maxOffset);
      for (let i = 0; i < t.length; i++) t[i] = ((((i - maxOffset) % n) + n) % n) * stride;
      return t;
    };
    this.wrapX = wrap(L.cells[0], 1);
    this.wrapY = wrap(L.cells[1], L.cells[0]);
    this.wrapZ = wrap(L.cells[2], L.cells[0] * L.cells[1]);
    const rateTable = state.rateTable;
    const classes = rateClasses(model);
    const K = classes.boundHz.length;
    this.classOf = classes.classOf;
    this.classBound = classes.boundHz;
    this.classAccept = new Float64Array(rateTable.length);
    for (let i = 0; i < rateTable.length; i++) {
      const c = classes.classOf[i]!;
      // exact classes accept always (no rounding of r / r_c below 1)
      this.classAccept[i] = c < 0 ? 0 : classes.exact ? 1 : rateTable[i]! / classes.boundHz[c]!;
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
      for (let s = 0; s < state.nSpecies; s++) {
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
    this.eventPos = new Int32Array(state.nIons << zShift).fill(-1);
    this.reverseSlot = new Int32Array(nBonds);
    for (let k = 0; k < nBonds; k++) this.reverseSlot[k] = L.bondReverse[k]! - L.bondStart[L.bondTarget[k]!]!;
  }

  /** The lists from a checkpoint (saveLists), or every possible hop listed afresh. */
  start(saved?: Int32Array): void {
    if (saved === undefined) {
      for (let p = 0; p < this.nIons; p++) this.listIonEvents(p);
      return;
    }
    restoreLists(saved, this.classCount, this.classStart, this.classMembers, this.eventPos, this.classCount.length, 0);
    const errors = this.check();
    if (errors.length > 0) throw new RangeError(`checkpoint's event lists do not match its ions: ${errors.slice(0, 3).join("; ")}`);
  }

  saveLists(): Int32Array {
    return saveLists(this.classCount, this.classStart, this.classMembers);
  }

  /** The attempt rate sum_c n_c r_c, Hz (the total rate when the classes are exact). */
  get totalRateHz(): number {
    let R = 0;
    for (let c = 0; c < this.classCount.length; c++) R += this.classCount[c]! * this.classBound[c]!;
    return R;
  }

  arrays(): ArrayBufferView[] {
    return [this.classOf, this.classBound, this.classAccept, this.classCount, this.classStart, this.classMembers, this.eventPos, this.reverseSlot, this.wrapX, this.wrapY, this.wrapZ];
  }

  /** List every hop ion p can make now (class scheme; its hops must be unlisted). */
  private listIonEvents(p: number): void {
    const L = this.lattice, nBonds = L.bondTarget.length, o = p * ION_STRIDE;
    const b = this.ions[o]!, s = this.ionSpecies[p]!;
    const cx = this.ions[o + ION_CX]!, cy = this.ions[o + ION_CY]!, cz = this.ions[o + ION_CZ]!;
    const k0 = L.bondStart[b]!;
    for (let k = k0; k < L.bondStart[b + 1]!; k++) {
      const c = this.classOf[s * nBonds + k]!;
      if (c < 0 || this.siteIon[neighbourSite(this.lattice, cx, cy, cz, k)]! >= 0) continue;
      const e = (p << this.zShift) | (k - k0);
      const at = this.classStart[c]! + this.classCount[c]!++;
      this.classMembers[at] = e;
      this.eventPos[e] = at;
    }
  }

  /** The class lists against the hops the occupancy allows (class scheme; for checks). */
  check(): string[] {
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
        const open = c >= 0 && this.siteIon[neighbourSite(this.lattice, this.ions[o + ION_CX]!, this.ions[o + ION_CY]!, this.ions[o + ION_CZ]!, k)]! < 0;
        if (open) expected++;
        if (open && !(at >= this.classStart[c]! && at < this.classStart[c]! + this.classCount[c]! && this.classMembers[at] === e)) errors.push(`ion ${p} bond slot ${j}: possible hop not listed in class ${c}`);
        if (!open && at !== -1) errors.push(`ion ${p} bond slot ${j}: impossible hop listed at ${at}`);
      }
    }
    if (expected !== listed) errors.push(`${listed} hops listed, ${expected} possible`);
    return errors;
  }

  /**
   * Class loop (see the file comment). Per attempt: R from the class counts, the clock by
   * Exp(1)/R, one 53-bit uniform u R picks the class by a scan and, as the residual
   * x = u'/r_c in [0, n_c), the member floor(x) and (binned classes) the acceptance
   * x - floor(x) < r_k / r_c. Per hop: unlist the mover's hops, list the bonds into the
   * vacated site, and at the filled site unlist its neighbours' bonds into it and list the
   * mover's bonds to empty sites. Neighbours by cell arithmetic through the wrap tables.
   */
  advance(hops: number): number {
    // As in the type-null-event scheme: the clock and the attempt count in a typed array of
    // the scheme's, calls of at most LOOP_CHUNK_HOPS hops and a few short first calls (bits.ts),
    // so that V8 runs the loop as an optimized function, not as its on-stack-replaced version,
    // which boxed the clock and the choice's uniform (about 40 bytes a hop before).
    const clock = this.clock, t0 = this.state.time;
    clock[0] = t0;
    clock[1] = this.state.attempts;
    loopCalls.run(hops, (n) => this.run(n));
    this.state.attempts = clock[1]!;
    return clock[0]! - t0;
  }

  /**
   * `hops` hops of the loop from the clock (this.clock); leaves there the time of the last
   * and the attempt count. A chunk ends on a hop, and R is summed afresh at the start as after
   * a hop, so chunks continue one another exactly.
   */
  private run(hops: number): void {
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
    const st = this.rngState, clock = this.clock;
    let s0 = st[0]! | 0, s1 = st[1]! | 0, s2 = st[2]! | 0, s3 = st[3]! | 0;
    let time = clock[0]!, attempts = clock[1]!;
    // the constants as locals: an imported binding is read through its module cell at each use
    const twoM53 = TWO_POW_M53, minShare = RESIDUAL_MIN_SHARE;
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
      time -= Math.log(1 - (hi * 67108864 + (r >>> 6)) * twoM53) / R;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let x = (hi * 67108864 + (r >>> 6)) * twoM53 * R;
      // the class: scan the cumulative weights n_c r_c (rounding past the end: the last nonempty)
      let c = 0;
      for (; c < K - 1; c++) {
        const w = count[c]! * bound[c]!;
        if (x < w) break;
        x -= w;
      }
      while (count[c] === 0) c--;
      // A class this small keeps too few bits of u in the residual: its member comes from a
      // fresh uniform. Those two draws are made on every attempt, on copies of the state kept
      // only then, so that this code has run (and left type feedback) before V8 optimizes the
      // loop: a branch first taken in optimized code deoptimizes it, and the loop then ran on
      // in its on-stack-replaced version, which boxes the clock (about 10 bytes a hop).
      let n0 = s0, n1 = s1, n2 = s2, n3 = s3;
      r = Math.imul(n1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = n1 << 9;
      n2 ^= n0; n3 ^= n1; n1 ^= n2; n0 ^= n3; n2 ^= t; n3 = (n3 << 11) | (n3 >>> 21);
      hi = r >>> 5;
      r = Math.imul(n1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = n1 << 9;
      n2 ^= n0; n3 ^= n1; n1 ^= n2; n0 ^= n3; n2 ^= t; n3 = (n3 << 11) | (n3 >>> 21);
      const fresh = (hi * 67108864 + (r >>> 6)) * twoM53 * count[c]!;
      const residual = x / bound[c]!;
      if (count[c]! * bound[c]! >= R * minShare) x = residual;
      else {
        x = fresh;
        s0 = n0; s1 = n1; s2 = n2; s3 = n3;
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
    clock[0] = time;
    clock[1] = attempts;
  }
}
