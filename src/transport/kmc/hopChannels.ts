/**
 * Hop channels of the type-null-event scheme (schemes/typeNullEvent.ts): the hops of one
 * species from one site type to another, each drawn from the side likelier to find its
 * other end ready, with a bound per channel and an alias table per (channel, basis site).
 */
import { BOLTZMANN_EV_PER_K } from "../../core/constants.js";
import { aliasTable } from "./alias.js";
import { bondRateTable, type KmcModel } from "./model.js";

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
 * The type-null-event scheme's tables (see schemes/typeNullEvent.ts). A channel
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
