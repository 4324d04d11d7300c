/**
 * The type-null-event scheme: uniformization with bounds per hop channel instead of one
 * global bound (the thinning of Lewis and Shedler, Nav. Res. Logist. Q. 26, 403, 1979, as in
 * the null-event scheme). The hops of species s from site type t to site type t' form a
 * channel, drawn either from the ion side (members: the ions of s on t) or from the vacancy
 * side (members: the empty sites of t'), whichever the grand-canonical occupancy estimate
 * says is likelier to find the other end ready (hopChannels.ts). Channel c's bound B_c is
 * the largest, over basis sites b, of W_cb = the sum of the rates of the channel's hops out
 * of b (ion side) or into b (vacancy side), as if the other ends were all ready. An attempt
 * picks channel c with probability n_c B_c / R', R' = sum_c n_c B_c, a member uniformly, and
 * one of its basis site's hops with probability r_k / W_cb (Walker's alias table, alias.ts);
 * it is accepted when the target is empty (ion side) or the origin holds an ion of s
 * (vacancy side), and with probability W_cb / B_c (1 when the channel's sites are alike).
 * Every hop is thus made at exactly its rate r_k; R' changes only on accepted hops, so the
 * time of the attempts since the last hop is a sum of Exp(1) / R' variates. O(1) per
 * attempt and per hop (no neighbour updates: only the ion's group and the two sites' places
 * among the empty sites change), and the rate spread between site types costs nothing; the
 * price is the attempts whose other end is not ready (0.61 of the attempts are hops on the
 * pellet's uio67-so3; 0.23 with the ion side only). The lists' order is part of the state,
 * so checkpoints carry it. Neighbours come from a per-(cell, bond) table (4 bytes per bond),
 * reached from any member through its site's basis and row (8 bytes per site), so an ion
 * and an empty site take the same path and no division or cell arithmetic is done per attempt.
 */
import type { PeriodicLattice } from "../../../structure/lattice/lattice.js";
import { hopChannels } from "../hopChannels.js";
import { anyHopPossible, ION_CX, ION_CY, ION_CZ, ION_SITE, ION_STRIDE, ION_WX, ION_WY, ION_WZ, neighbourSite, type KmcState, type ListedScheme } from "../state.js";
import { LoopCalls, RESIDUAL_MIN_SHARE, TWO_POW_M32, TWO_POW_M53 } from "./bits.js";
import { restoreLists, saveLists } from "./lists.js";

/** This loop's call sizes in this thread (bits.ts). */
const loopCalls = new LoopCalls();

export class TypeNullEventScheme implements ListedScheme {
  // the shared state, by name (see state.ts)
  private readonly lattice: PeriodicLattice;
  private readonly nIons: number;
  private readonly nSpecies: number;
  private readonly siteIon: Int32Array;
  private readonly ions: Int32Array;
  private readonly ionSpecies: Uint8Array;
  private readonly typeCount: Float64Array;
  private readonly typeIntegral: Float64Array;
  private readonly typeLast: Float64Array;
  // listMembers holds the ions of each (species, site type) group, then the empty sites of
  // each site type; ionPos / vacancyPos their places
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
  /** The engine's xoshiro128** state (the same array, advanced in place). */
  private readonly rngState: Uint32Array;
  /** The clock and the attempt count between the loop's calls (see advance). */
  private readonly clock = new Float64Array(2);
  /** Site of the neighbour along bond k of cell c, at c nBonds + k. */
  private readonly neighbourTable: Int32Array;
  /** Each site's basis site, and its cell's row in neighbourTable (cell x nBonds). */
  private readonly siteBasis: Int32Array;
  private readonly siteRow: Int32Array;

  constructor(private readonly state: KmcState) {
    const L = state.lattice, N = state.nIons;
    this.lattice = L;
    this.nIons = N;
    this.nSpecies = state.nSpecies;
    this.siteIon = state.siteIon;
    this.ions = state.ions;
    this.ionSpecies = state.ionSpecies;
    this.typeCount = state.typeCount;
    this.typeIntegral = state.typeIntegral;
    this.typeLast = state.typeLast;
    this.rngState = state.rng.state;
    const h = hopChannels(state.model);
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
    const nCells = L.cells[0] * L.cells[1] * L.cells[2], nB = L.bondTarget.length;
    this.neighbourTable = new Int32Array(nCells * nB);
    for (let c = 0; c < nCells; c++) {
      const cx = c % L.cells[0], cy = Math.floor(c / L.cells[0]) % L.cells[1], cz = Math.floor(c / (L.cells[0] * L.cells[1]));
      for (let k = 0; k < nB; k++) this.neighbourTable[c * nB + k] = neighbourSite(L, cx, cy, cz, k);
    }
    this.siteBasis = new Int32Array(L.siteCount);
    this.siteRow = new Int32Array(L.siteCount);
    for (let site = 0; site < L.siteCount; site++) {
      const b = site % L.basisCount;
      this.siteBasis[site] = b;
      this.siteRow[site] = ((site - b) / L.basisCount) * nB;
    }
  }

  /** The lists from a checkpoint (saveLists), or the ions in their groups and the empty sites listed afresh. */
  start(saved?: Int32Array): void {
    const L = this.lattice, N = this.nIons, nIonLists = this.nSpecies * L.siteTypeNames.length;
    if (saved !== undefined) {
      // ions are keyed by index, empty sites after them
      const seen = new Int32Array(N + L.siteCount);
      restoreLists(saved, this.listCount, this.listStart, this.listMembers, seen, nIonLists, N);
      this.ionPos.set(seen.subarray(0, N));
      this.vacancyPos.set(seen.subarray(N));
      const errors = this.check();
      if (errors.length > 0) throw new RangeError(`checkpoint's event lists do not match its ions: ${errors.slice(0, 3).join("; ")}`);
      return;
    }
    for (let p = 0; p < N; p++) {
      const g = this.ionGroupOf[this.ionSpecies[p]! * L.basisCount + this.ions[p * ION_STRIDE]!]!;
      const at = this.listStart[g]! + this.listCount[g]!++;
      this.listMembers[at] = p;
      this.ionPos[p] = at;
    }
    for (let site = 0; site < L.siteCount; site++) {
      this.vacancyPos[site] = -1;
      if (this.siteIon[site]! >= 0) continue;
      const g = nIonLists + L.basisSiteType[site % L.basisCount]!;
      const at = this.listStart[g]! + this.listCount[g]!++;
      this.listMembers[at] = site;
      this.vacancyPos[site] = at;
    }
  }

  saveLists(): Int32Array {
    return saveLists(this.listCount, this.listStart, this.listMembers);
  }

  arrays(): ArrayBufferView[] {
    return [
      this.ionGroupOf, this.listCount, this.listStart, this.listMembers, this.ionPos, this.vacancyPos, this.channelSide, this.channelList, this.channelSpecies,
      this.channelBound, this.entryStart, this.entryBond, this.entryProb, this.entryAlias, this.channelBasisAccept, this.channelWeight, this.neighbourTable,
      this.siteBasis, this.siteRow, this.clock,
    ];
  }

  /** Each ion listed once in its (species, site type) group, each empty site once in its type's list (type-null-event). */
  check(): string[] {
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

  /**
   * Type-null-event loop (see the file comment and hopChannels.ts). Per attempt: a 32-bit
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
  advance(hops: number): number {
    // The loop takes the clock and the attempt count from a typed array of its own, not from
    // the engine: the engine's fields change representation during a run (time = 0 is a
    // small integer until the first advance), which changes its hidden class and threw the
    // optimized loop away; and a parameter is of unknown type to the optimizer, which then
    // boxed the clock (a heap number per hop).
    const clock = this.clock, t0 = this.state.time;
    clock[0] = t0;
    clock[1] = this.state.attempts;
    loopCalls.run(hops, (n) => this.run(n));
    this.state.attempts = clock[1]!;
    return clock[0]! - t0;
  }

  /**
   * `hops` hops of the loop from the clock (this.clock); leaves there the time of the last
   * and the attempt count. A chunk ends on a hop, when the clock's product is empty, and R'
   * is recomputed from the counts at the start as after a hop, so chunks continue one
   * another exactly.
   */
  private run(hops: number): void {
    const L = this.lattice;
    const B = L.basisCount, nT = L.siteTypeNames.length;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const bondTarget = L.bondTarget, bondReverse = L.bondReverse, off = L.bondCellOffset, basisType = L.basisSiteType;
    const siteIon = this.siteIon, ionSpecies = this.ionSpecies, ions = this.ions;
    const ionGroupOf = this.ionGroupOf, count = this.listCount, start = this.listStart, members = this.listMembers;
    const ionPos = this.ionPos, vacancyPos = this.vacancyPos;
    const side = this.channelSide, list = this.channelList, chSpecies = this.channelSpecies, bound = this.channelBound;
    const entryStart = this.entryStart, entryBond = this.entryBond, entryProb = this.entryProb, entryAlias = this.entryAlias, basisAccept = this.channelBasisAccept;
    const nbr = this.neighbourTable;
    const typeCount = this.typeCount, typeIntegral = this.typeIntegral, typeLast = this.typeLast;
    const siteBasis = this.siteBasis, siteRow = this.siteRow;
    const C = bound.length, v0 = this.nSpecies * nT;
    const st = this.rngState, clock = this.clock;
    let s0 = st[0]! | 0, s1 = st[1]! | 0, s2 = st[2]! | 0, s3 = st[3]! | 0;
    let time = clock[0]!, attempts = clock[1]!;
    // the constants as locals: an imported binding is read through its module cell at each use
    const twoM32 = TWO_POW_M32, twoM53 = TWO_POW_M53, minShare = RESIDUAL_MIN_SHARE;
    let done = 0;
    // channel weights n_c B_c and their sum R', recomputed from the counts after each change
    const weight = this.channelWeight;
    let R = 0;
    for (let c = 0; c < C; c++) R += weight[c] = count[list[c]!]! * bound[c]!;
    let smallWeight = R * minShare;
    // product of the clock's uniforms since the last hop, and the log of the flushed part
    let prod = 1, logSum = 0;
    let lastHop = attempts;
    while (done < hops) {
      // no hop at all (R' = 0), or 2^24 null events in a row and no hop possible (a full box)
      if (!(R > 0) || (attempts - lastHop >= 16777216 && ((lastHop = attempts), !anyHopPossible(this.state)))) {
        st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
        throw new RangeError("no ion can hop: every ion is blocked (total rate 0)");
      }
      attempts++;
      // xoshiro128** (inlined) x 3: a 32-bit uniform for the clock, a 53-bit one for the choice.
      // The clock's u = 1 - r 2^-32 lies in [2^-32, 1], so -log u is Exp(1) cut at 32 ln 2 =
      // 22.2 (the tail beyond has probability e^-22.2 = 2^-32 = 2.3e-10) on a grid of 2^32
      // points (its mean is 1 - 2.8e-9): a relative error of the clock of order 1e-9, far
      // below the statistical one, for a quarter of the random-number work
      let r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      prod *= 1 - r * twoM32;
      if (prod < 1e-280) { logSum += Math.log(prod); prod = 1; }
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let hi = r >>> 5;
      r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      let x = (hi * 67108864 + (r >>> 6)) * twoM53 * R;
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
        x = (hi * 67108864 + (r >>> 6)) * twoM53 * n;
      }
      let m = x | 0;
      if (m >= n) x = m = n - 1; // rounding at the top
      const member = members[start[li]! + m]!;
      // the member's site (an ion's, or the empty site itself), its basis site and its row of neighbours
      const ionSide = side[c] === 0;
      const site = ionSide ? ions[member * ION_STRIDE + ION_SITE]! : member;
      const row = siteRow[site]!;
      const cb = c * B + siteBasis[site]!;
      const e0 = entryStart[cb]!, ne = entryStart[cb + 1]! - e0;
      if (ne === 0) continue; // this basis site has no hop in the channel (W_cb = 0)
      x = (x - m) * ne;
      let e = x | 0;
      if (x - e >= entryProb[e0 + e]!) e = entryAlias[e0 + e]!;
      const kk = entryBond[e0 + e]!;
      let p: number, k: number, target: number;
      if (ionSide) {
        p = member;
        k = kk;
        target = nbr[row + k]!;
        if (siteIon[target]! >= 0) continue;
      } else {
        p = siteIon[nbr[row + kk]!]!;
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
        if (r * twoM32 >= ba) continue;
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
        // the channels' weights and R' afresh from the counts (in channel order: R' is the same sum whatever changed)
        R = 0;
        for (let q = 0; q < C; q++) R += weight[q] = count[list[q]!]! * bound[q]!;
        smallWeight = R * minShare;
      }
      done++;
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    clock[0] = time;
    clock[1] = attempts;
  }
}
