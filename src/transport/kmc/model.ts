/**
 * The physics of one KMC system: which ions, where they may sit, and the rate of each hop.
 *
 * Rate of an ion of species s hopping along bond k from site i to an empty site j:
 *     r = nu_s exp(-(Ea_s[hop type of k] + dE / 2) / kB T),
 *     dE = eps_s[type j] - eps_s[type i] - q_s E.d_k + dE_interaction,
 * a symmetric (Butler-Volmer-like) barrier shift by half the energy change, so that
 * r(i->j) / r(j->i) = exp(-dE / kB T) (detailed balance). The field term gives the bias
 * exp(+-q E.d / 2 kB T) of DESIGN.md. dE_interaction is the change of the nearest-neighbour
 * pair energy J[s][s'] summed over the ions bonded to i (before) and to j (after).
 * A site type whose energy is +Infinity for a species is closed to it; a hop type whose
 * barrier is +Infinity is closed.
 */
import { InputError } from "../../core/errors.js";
import { BOLTZMANN_EV_PER_K, CM_PER_ANGSTROM } from "../../core/constants.js";
import type { PeriodicLattice } from "../../structure/lattice/lattice.js";

export interface SpeciesModel {
  readonly name: string;
  /** Charge in units of e (signed). */
  readonly charge: number;
  readonly attemptFrequencyHz: number;
  /** Barrier per hop type of the lattice, eV (Infinity closes a hop type). */
  readonly hopBarrierEV: readonly number[];
  /** Energy per site type of the lattice, eV (Infinity closes a site type). */
  readonly siteEnergyEV: readonly number[];
  /** Number of ions of this species in the box. */
  readonly count: number;
}

export interface KmcModel {
  readonly lattice: PeriodicLattice;
  readonly species: readonly SpeciesModel[];
  readonly temperatureK: number;
  /** Uniform electric field, V/cm, as a vector. */
  readonly fieldVPerCm: readonly [number, number, number];
  /**
   * Nearest-neighbour pair energy between ions on bonded sites, eV, species x species
   * (row-major, symmetric), or undefined for exclusion only.
   */
  readonly interactionEV?: readonly number[];
}

/** Per-species, per-bond rate without interactions, Hz (0 where closed). nS x nBonds. */
export function bondRateTable(model: KmcModel): Float64Array {
  const { lattice, species, temperatureK, fieldVPerCm } = model;
  const kT = BOLTZMANN_EV_PER_K * temperatureK;
  const nB = lattice.bondTarget.length;
  const table = new Float64Array(species.length * nB);
  for (let s = 0; s < species.length; s++) {
    const sp = species[s]!;
    for (let b = 0; b < lattice.basisCount; b++) {
      const ei = sp.siteEnergyEV[lattice.basisSiteType[b]!]!;
      for (let k = lattice.bondStart[b]!; k < lattice.bondStart[b + 1]!; k++) {
        const ej = sp.siteEnergyEV[lattice.basisSiteType[lattice.bondTarget[k]!]!]!;
        const ea = sp.hopBarrierEV[lattice.bondHopType[k]!]!;
        if (!Number.isFinite(ei) || !Number.isFinite(ej) || !Number.isFinite(ea)) continue;
        // q E.d in eV: charge (e) x field (V/cm) x hop vector (cm)
        const work =
          sp.charge *
          (fieldVPerCm[0] * lattice.bondVectorAngstrom[3 * k]! +
            fieldVPerCm[1] * lattice.bondVectorAngstrom[3 * k + 1]! +
            fieldVPerCm[2] * lattice.bondVectorAngstrom[3 * k + 2]!) *
          CM_PER_ANGSTROM;
        const dE = ej - ei - work;
        table[s * nB + k] = sp.attemptFrequencyHz * Math.exp(-(ea + 0.5 * dE) / kT);
      }
    }
  }
  return table;
}

/** Sites of the box open to species s. */
export function openSiteCount(lattice: PeriodicLattice, sp: SpeciesModel): number {
  let n = 0;
  for (let b = 0; b < lattice.basisCount; b++) if (Number.isFinite(sp.siteEnergyEV[lattice.basisSiteType[b]!]!)) n++;
  return n * lattice.cells[0] * lattice.cells[1] * lattice.cells[2];
}

export function checkModel(model: KmcModel): void {
  const { lattice, species } = model;
  if (!(model.temperatureK > 0)) throw new InputError(`temperatureK: got ${model.temperatureK}; must be > 0`);
  if (species.length === 0) throw new InputError("species: at least one mobile species is needed");
  if (species.length > 255) throw new InputError(`species: ${species.length} species; at most 255`);
  let total = 0;
  species.forEach((sp, i) => {
    if (sp.hopBarrierEV.length !== lattice.hopTypeNames.length)
      throw new InputError(`species.${i}.hopBarrierEV: ${sp.hopBarrierEV.length} values for ${lattice.hopTypeNames.length} hop types (${lattice.hopTypeNames.join(", ")})`);
    if (sp.siteEnergyEV.length !== lattice.siteTypeNames.length)
      throw new InputError(`species.${i}.siteEnergyEV: ${sp.siteEnergyEV.length} values for ${lattice.siteTypeNames.length} site types (${lattice.siteTypeNames.join(", ")})`);
    if (!Number.isInteger(sp.count) || sp.count < 0) throw new InputError(`species.${i}.count: got ${sp.count}; must be a non-negative integer`);
    const open = openSiteCount(lattice, sp);
    if (sp.count > open) throw new InputError(`species.${i}: ${sp.count} ions do not fit on the ${open} sites open to ${sp.name}`);
    total += sp.count;
  });
  if (total > lattice.siteCount) throw new InputError(`species: ${total} ions in all do not fit on ${lattice.siteCount} sites`);
  if (total === 0) throw new InputError("species: no ions in the box (occupancy or count gives 0 ions)");
  if (model.interactionEV !== undefined && model.interactionEV.length !== species.length * species.length)
    throw new InputError(`interactionEV: needs ${species.length}x${species.length} values, got ${model.interactionEV.length}`);
  checkEffectiveBarriers(model);
}

/**
 * No hop may have a negative effective barrier Ea + dE/2 in any configuration (the rate would
 * exceed the attempt frequency and, worse, fall as the temperature rises). The lowest one a hop
 * can reach: its site-energy and field terms, and the largest drop of pair energy, when the
 * other z_i - 1 neighbours of the origin all hold ions that repel it (J > 0) and the other
 * z_j - 1 neighbours of the target all hold ions that attract it (J < 0).
 */
function checkEffectiveBarriers(model: KmcModel): void {
  const { lattice, species, fieldVPerCm } = model;
  const J = model.interactionEV;
  const nS = species.length;
  for (let s = 0; s < nS; s++) {
    const sp = species[s]!;
    let jMin = 0, jMax = 0;
    if (J !== undefined) for (let t = 0; t < nS; t++) { jMin = Math.min(jMin, J[s * nS + t]!); jMax = Math.max(jMax, J[s * nS + t]!); }
    for (let b = 0; b < lattice.basisCount; b++) {
      const ei = sp.siteEnergyEV[lattice.basisSiteType[b]!]!;
      const zi = lattice.bondStart[b + 1]! - lattice.bondStart[b]!;
      for (let k = lattice.bondStart[b]!; k < lattice.bondStart[b + 1]!; k++) {
        const tb = lattice.bondTarget[k]!;
        const ej = sp.siteEnergyEV[lattice.basisSiteType[tb]!]!;
        const ea = sp.hopBarrierEV[lattice.bondHopType[k]!]!;
        if (!Number.isFinite(ei) || !Number.isFinite(ej) || !Number.isFinite(ea)) continue;
        const zj = lattice.bondStart[tb + 1]! - lattice.bondStart[tb]!;
        const work = sp.charge * (fieldVPerCm[0] * lattice.bondVectorAngstrom[3 * k]! + fieldVPerCm[1] * lattice.bondVectorAngstrom[3 * k + 1]! + fieldVPerCm[2] * lattice.bondVectorAngstrom[3 * k + 2]!) * CM_PER_ANGSTROM;
        const pairDrop = (zj - 1) * jMin - (zi - 1) * jMax; // <= 0
        const lowest = ea + 0.5 * (ej - ei - work + pairDrop);
        if (lowest < 0) {
          const hop = lattice.hopTypeNames[lattice.bondHopType[k]!], from = lattice.siteTypeNames[lattice.basisSiteType[b]!], to = lattice.siteTypeNames[lattice.basisSiteType[tb]!];
          throw new InputError(
            `species.${s}.hopBarrierEV: ${sp.name}'s ${hop} hop (${from} -> ${to}, barrier ${ea} eV) reaches an effective barrier of ${lowest.toFixed(3)} eV` +
              (pairDrop < 0 ? ` when the other ${zi - 1} neighbours of its origin repel it and the other ${zj - 1} of its target attract it (interactionEV)` : "") +
              (work !== 0 ? ` under the field (${(work).toFixed(3)} eV per hop)` : "") +
              "; effective barriers must stay >= 0: raise the barrier or lower the site-energy difference, field or interaction",
          );
        }
      }
    }
  }
}
