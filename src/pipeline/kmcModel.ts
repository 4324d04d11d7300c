/**
 * Scenario -> KMC model: the lattice, and each species' count, barriers and site energies
 * at one temperature. Ion counts on uio67-so3 follow from charge neutrality: the framework
 * carries -1 per sulfonate; anions (given by count or occupancy) add their charge; the
 * cations share the balance by `neutralizingShare` (default: one cation species takes all).
 */
import { totalmem } from "node:os";
import { InputError, ResourceError, ScenarioError } from "../core/errors.js";
import { cubicLattice } from "../structure/lattice/cubic.js";
import { siteCountOfType, type PeriodicLattice } from "../structure/lattice/lattice.js";
import { uio67So3Lattice } from "../structure/lattice/uio67.js";
import { checkModel, openSiteCount, pairTable, type KmcModel, type PairInteraction, type SpeciesModel } from "../transport/kmc/model.js";
import { siteNeighbourCount } from "../structure/lattice/shells.js";
import { UIO67_ION_PRESETS } from "../scenario/presets.js";
import type { Scenario } from "../scenario/schema.js";

/** Bytes per site the KMC may need (occupancy, ion records, rates, tree), an upper estimate. */
export const KMC_BYTES_PER_SITE = 64;

export function buildLattice(scenario: Scenario): PeriodicLattice {
  const l = scenario.lattice!;
  // refuse, before allocating, a box whose KMC would not fit in memory
  const perCell = l.kind === "uio67-so3" ? 60 : l.kind === "fcc" ? 4 : l.kind === "bcc" ? 2 : 1;
  const sites = perCell * l.cells[0] * l.cells[1] * l.cells[2];
  const need = sites * KMC_BYTES_PER_SITE;
  const have = 0.8 * totalmem();
  if (need > have) {
    throw new ResourceError(
      `lattice.cells: [${l.cells.join(", ")}] is ${sites.toExponential(2)} sites, about ${(need / 2 ** 30).toFixed(1)} GiB for the KMC; this machine allows ${(have / 2 ** 30).toFixed(1)} GiB`,
    );
  }
  if (l.kind === "uio67-so3") {
    return uio67So3Lattice({
      cells: l.cells,
      ...(l.latticeConstantAngstrom !== undefined ? { latticeConstantAngstrom: l.latticeConstantAngstrom } : {}),
      ...(l.sulfonateAxialOffsetAngstrom !== undefined ? { sulfonateAxialOffsetAngstrom: l.sulfonateAxialOffsetAngstrom } : {}),
      ...(l.sulfonateNormalOffsetAngstrom !== undefined ? { sulfonateNormalOffsetAngstrom: l.sulfonateNormalOffsetAngstrom } : {}),
    });
  }
  return cubicLattice({ kind: l.kind, cells: l.cells, latticeConstantAngstrom: l.latticeConstantAngstrom! });
}

function byType(
  names: readonly string[],
  given: number | Readonly<Record<string, number | null>> | undefined,
  preset: Readonly<Record<string, number>> | undefined,
  field: string,
  fallback: number | undefined,
): number[] {
  if (typeof given === "number") return names.map(() => given);
  if (given !== undefined) {
    for (const k of Object.keys(given)) {
      if (!names.includes(k)) throw new ScenarioError(`${field}.${k}`, `unknown type '${k}'; valid: ${names.join(", ")}`);
    }
  }
  return names.map((n) => {
    const v = given?.[n];
    if (v === null) return Infinity;
    if (v !== undefined) return v;
    const p = preset?.[n] ?? fallback;
    if (p === undefined) throw new ScenarioError(`${field}.${n}`, `no value and no preset for this ion; give one (eV)`);
    return p;
  });
}

/** The KMC model of a scenario at one temperature. */
export function buildKmcModel(scenario: Scenario, lattice: PeriodicLattice, temperatureK: number): KmcModel {
  const list = scenario.species!;
  const uio = lattice.kind === "uio67-so3";
  const kmc = scenario.kmc;
  const partial: (Omit<SpeciesModel, "count"> & { count?: number })[] = list.map((sp, i) => {
    const preset = uio ? UIO67_ION_PRESETS[sp.name] : undefined;
    const attempt = sp.attemptFrequencyHz ?? preset?.attemptFrequencyHz;
    if (attempt === undefined) throw new ScenarioError(`species.${i}.attemptFrequencyHz`, `no value and no preset for '${sp.name}' (presets: ${Object.keys(UIO67_ION_PRESETS).join(", ")})`);
    if (preset !== undefined && preset.charge !== sp.charge) throw new ScenarioError(`species.${i}.charge`, `got ${sp.charge}; ${sp.name} has charge ${preset.charge}`);
    const hop = byType(lattice.hopTypeNames, sp.hopBarrierEV, preset?.hopBarrierEV, `species.${i}.hopBarrierEV`, undefined);
    // site energies: generic lattices default 0; on uio67-so3 anions default to cages only
    const anionOnUio = uio && sp.charge < 0;
    // an anion is repelled by the sulfonates: by default it lives in the cages only
    const anionDefaults = { sulfonate: Infinity, tet: 0, oct: 0 };
    const site = byType(lattice.siteTypeNames, sp.siteEnergiesEV, anionOnUio ? anionDefaults : preset?.siteEnergiesEV, `species.${i}.siteEnergiesEV`, uio ? undefined : 0);
    const shift = sp.barrierShiftEV ?? 0;
    const base = { name: sp.name, charge: sp.charge, attemptFrequencyHz: attempt, hopBarrierEV: shift === 0 ? hop : hop.map((b) => b + shift), siteEnergyEV: site };
    if (sp.count !== undefined) return { ...base, count: sp.count };
    if (sp.occupancy !== undefined) {
      const open = openSiteCount(lattice, { ...base, count: 0 });
      return { ...base, count: Math.round(sp.occupancy * open) };
    }
    return base;
  });
  if (uio) {
    const nSulfonate = siteCountOfType(lattice, "sulfonate");
    let negative = nSulfonate;
    partial.forEach((sp) => { if (sp.charge < 0 && sp.count !== undefined) negative += -sp.charge * sp.count; });
    let positiveGiven = 0;
    partial.forEach((sp) => { if (sp.charge > 0 && sp.count !== undefined) positiveGiven += sp.charge * sp.count; });
    const open = partial.map((sp, i) => ({ sp, i })).filter(({ sp }) => sp.count === undefined);
    open.forEach(({ sp, i }) => {
      if (sp.charge < 0) throw new ScenarioError(`species.${i}.count`, "anions need a count or an occupancy");
      const share = list[i]!.neutralizingShare ?? (open.length === 1 ? 1 : NaN);
      if (Number.isNaN(share)) throw new ScenarioError(`species.${i}.neutralizingShare`, "several cations share the framework charge; give each its share");
      const n = ((negative - positiveGiven) * share) / sp.charge;
      if (!(n >= 0) || Math.abs(n - Math.round(n)) > 1e-9) {
        throw new ScenarioError(`species.${i}`, `charge neutrality gives ${n} ions of ${sp.name}; choose cells or shares that give a whole number`);
      }
      sp.count = Math.round(n);
    });
    const net = partial.reduce((s, sp) => s + sp.charge * sp.count!, 0) - nSulfonate;
    if (net !== 0) throw new InputError(`species: the box is not neutral (net charge ${net} e with ${nSulfonate} sulfonates); adjust counts or shares`);
  }
  const species = partial.map((sp) => ({ ...sp, count: sp.count! }));
  const field = kmc?.fieldVPerCm ?? 0;
  const J = kmc?.interactionEV ?? 0;
  // the table, species by index in the scenario's order (the schema checked the names)
  const pairInteractions: PairInteraction[] | undefined = kmc?.interactions?.map((p) => ({
    species: [list.findIndex((sp) => sp.name === p.species[0]), list.findIndex((sp) => sp.name === p.species[1])] as const,
    shellMaxDistanceAngstrom: p.shells.map((sh) => sh.maxDistanceAngstrom),
    shellEnergyEV: p.shells.map((sh) => sh.energyEV),
  }));
  const model: KmcModel = {
    lattice,
    species,
    temperatureK,
    fieldVPerCm: typeof field === "number" ? [field, 0, 0] : field,
    ...(J !== 0 ? { interactionEV: species.flatMap(() => species.map(() => J)) } : {}),
    ...(pairInteractions !== undefined ? { pairInteractions } : {}),
  };
  checkModel(model); // counts, closed sites, shells, effective barriers: before any KMC work
  checkPairListMemory(model);
  return model;
}

/** Bytes per entry of the engine's per-site pair lists (site index and class). */
const PAIR_LIST_BYTES_PER_NEIGHBOUR = 5;

/** Refuse, before any KMC, pair lists that would not fit in memory beside the rest of the KMC. */
function checkPairListMemory(model: KmcModel): void {
  const table = pairTable(model);
  if (table === null) return;
  const L = model.lattice;
  const need = L.siteCount * KMC_BYTES_PER_SITE + siteNeighbourCount(L, table.neighbours) * PAIR_LIST_BYTES_PER_NEIGHBOUR;
  const have = 0.8 * totalmem();
  if (need > have) {
    throw new ResourceError(
      `kmc.interactions: ${(table.neighbours.start[L.basisCount]! / L.basisCount).toFixed(1)} neighbours per site within the shells on ${L.siteCount.toExponential(2)} sites need about ${(need / 2 ** 30).toFixed(1)} GiB for the KMC; this machine allows ${(have / 2 ** 30).toFixed(1)} GiB: use fewer cells or shorter shells`,
    );
  }
}
