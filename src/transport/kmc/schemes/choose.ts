/** The automatic choice of the event-selection scheme, and the figure it rests on. */
import { bondRateTable, hasPairEnergies, type KmcModel } from "../model.js";
import type { Scheme } from "../state.js";

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
