/**
 * The null-event scheme (uniformization; Gillespie 1977, Serebrinsky PRE 83, 037701, 2011):
 * every ion attempts hops at the constant rate zmax r_max; an attempt picks an ion and a bond
 * slot uniformly and is accepted with probability [target empty] r_k / r_max. Since the
 * total attempt rate Gamma = N zmax r_max does not depend on the state, the attempt times
 * form a Poisson process independent of the jump chain: the time of n attempts is
 * Gamma(n, 1) / Gamma in distribution, drawn once per advance. O(1) per attempt; best when
 * rates are alike (acceptance near 1). With pair energies r_max bounds every rate in every
 * configuration (the bond rate times exp(-dE_min / 2 kB T), dE_min the lowest change of
 * pair energy the hop can meet: model.ts, lowestPairChanges), and an attempt whose target is
 * empty evaluates the mover's pair energy at both ends: still exact, but the acceptance
 * falls by that factor, so it is used only when asked for.
 */
import { BOLTZMANN_EV_PER_K } from "../../../core/constants.js";
import { lowestPairChanges, type KmcModel, type PairTable } from "../model.js";
import { ION_CX, ION_CY, ION_CZ, ION_SITE, ION_STRIDE, ION_WX, ION_WY, ION_WZ, type KmcState, type SelectionScheme } from "../state.js";
import { TWO_POW_M32 } from "./bits.js";

/**
 * The bound r_max of every hop rate, Hz: the largest bond rate, or with pair energies
 * (`pairs` given) the largest bond rate at its lowest change of pair energy.
 */
export function nullEventBoundHz(model: KmcModel, rateTable: Float64Array, pairs: PairTable | null): number {
  const halfInvKT = 0.5 / (BOLTZMANN_EV_PER_K * model.temperatureK);
  let rmax = 0;
  if (pairs !== null) {
    // the bound of every configuration: each bond's rate at its lowest change of pair energy
    const lowest = lowestPairChanges(model, pairs);
    for (let i = 0; i < rateTable.length; i++) rmax = Math.max(rmax, rateTable[i]! * Math.exp(-lowest[i]! * halfInvKT));
  } else for (let i = 0; i < rateTable.length; i++) rmax = Math.max(rmax, rateTable[i]!);
  return rmax;
}

export class NullEventScheme implements SelectionScheme {
  /** r_k / r_max per (species, bond). */
  private readonly acceptTable: Float64Array;
  private readonly halfInvKT: number;

  constructor(private readonly state: KmcState, private readonly rmax: number) {
    const table = state.rateTable;
    this.halfInvKT = 0.5 / (BOLTZMANN_EV_PER_K * state.model.temperatureK);
    this.acceptTable = new Float64Array(table.length);
    for (let i = 0; i < table.length; i++) this.acceptTable[i] = rmax > 0 ? table[i]! / rmax : 0;
  }

  /** Total attempt rate N zmax r_max, Hz. */
  get attemptRateHz(): number {
    return this.state.nIons * this.state.zmax * this.rmax;
  }

  /** `hops` hops; the time of the attempts they took, drawn as Gamma(attempts) / Gamma (exact in distribution). */
  advance(hops: number): number {
    const a0 = this.state.attempts;
    this.run(hops);
    const n = this.state.attempts - a0;
    return this.state.rng.nextGamma(n) / this.attemptRateHz;
  }

  check(): string[] {
    return [];
  }

  arrays(): ArrayBufferView[] {
    return [this.acceptTable];
  }

  /**
   * Null-event loop. Per attempt: one ion and one bond slot from one 32-bit draw each,
   * target by cell arithmetic, accept with r_k / r_max when the target is empty (with pair
   * energies, r_k exp(-dE_pair / 2 kB T) / r_max).
   */
  private run(hops: number): void {
    const L = this.state.lattice;
    const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
    const B = L.basisCount, nBonds = L.bondTarget.length, nT = L.siteTypeNames.length;
    const bondStart = L.bondStart, bondTarget = L.bondTarget, off = L.bondCellOffset;
    const basisType = L.basisSiteType;
    const state = this.state;
    const siteIon = state.siteIon, ionSpecies = state.ionSpecies, ions = state.ions;
    const accept = this.acceptTable;
    const typeCount = state.typeCount, typeIntegral = state.typeIntegral, typeLast = state.typeLast;
    const N = state.nIons, zmax = state.zmax;
    const pairs = state.pairs, counting = pairs !== null && pairs.counting, halfInvKT = this.halfInvKT;
    const st = state.rng.state;
    let s0 = st[0]! | 0, s1 = st[1]! | 0, s2 = st[2]! | 0, s3 = st[3]! | 0;
    let attempts = state.attempts;
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
      if (pairs !== null) {
        // the mover's change of pair energy, target minus origin: accept r / r_max exactly
        const dE = pairs.change(p, s, k, ions[o + ION_SITE]!, target);
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
      if (counting) pairs.move(s, ions[o + ION_SITE]!, target);
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
    state.attempts = attempts;
  }
}
