/**
 * The physics of one KMC system: which ions, where they may sit, and the rate of each hop.
 *
 * Rate of an ion of species s hopping along bond k from site i to an empty site j:
 *     r = nu_s exp(-(Ea_s[hop type of k] + dE / 2) / kB T),
 *     dE = eps_s[type j] - eps_s[type i] - q_s E.d_k + dE_interaction,
 * a symmetric (Butler-Volmer-like) barrier shift by half the energy change, so that
 * r(i->j) / r(j->i) = exp(-dE / kB T) (detailed balance). The field term gives the bias
 * exp(+-q E.d / 2 kB T) of DESIGN.md. dE_interaction is the change of the mover's pair
 * energy: the sum of V_{s s'}(r) over the other ions around j (after) minus that around i
 * (before). V comes either from the scalar `interactionEV` (J[s][s'] between ions on sites
 * joined by a hop: the hop graph) or from `pairInteractions`, a table per species pair and
 * distance shell (V = E_m for R_(m-1) < r <= R_m, 0 beyond the last shell; the distances are
 * Cartesian, structure/lattice/shells.ts). Either way the rates obey detailed balance with
 * respect to the total energy sum_i eps(i) + sum_{pairs} V, so the equilibrium is its
 * Boltzmann distribution whatever the barriers.
 * A site type whose energy is +Infinity for a species is closed to it; a hop type whose
 * barrier is +Infinity is closed.
 */
import { InputError } from "../../core/errors.js";
import { BOLTZMANN_EV_PER_K, CM_PER_ANGSTROM } from "../../core/constants.js";
import type { PeriodicLattice } from "../../structure/lattice/lattice.js";
import { MAX_SHELLS, bondNeighbours, distanceShells, type BasisNeighbours } from "../../structure/lattice/shells.js";

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
  /**
   * Pair energies per species pair and distance shell, in the scenario's order
   * (kmc.interactions); pairs not listed, and ions beyond a pair's last shell, do not
   * interact. Not together with interactionEV.
   */
  readonly pairInteractions?: readonly PairInteraction[];
}

/** The pair energy of two species by distance shell. */
export interface PairInteraction {
  /** Indices of the two species (either order; the same twice for like ions). */
  readonly species: readonly [number, number];
  /** Outer bound of each shell, Angstrom, increasing: shell m holds the pairs at R_(m-1) < r <= R_m (R_0 = 0). */
  readonly shellMaxDistanceAngstrom: readonly number[];
  /** Pair energy in each shell, eV (> 0 repulsive). */
  readonly shellEnergyEV: readonly number[];
}

/**
 * The pair energies of a model as the engine uses them: one neighbour list per basis site
 * whose classes are the shells of every pair merged (class c: R_(c-1) < r <= R_c over the
 * union of all bounds, so each class lies inside one shell of every pair), or, for
 * interactionEV, the hop graph as one class; and the energy of each (species, species, class).
 */
export interface PairTable {
  readonly neighbours: BasisNeighbours;
  readonly classCount: number;
  /** eV, at (s * nS + t) * classCount + c. */
  readonly energyEV: Float64Array;
  /** Outer bound of each class, Angstrom (empty for the hop graph). */
  readonly classMaxDistanceAngstrom: readonly number[];
  /** The interaction and its shell each (s, t, c) takes its energy from (-1: none), for messages. */
  readonly interactionOf: Int32Array;
  readonly shellOf: Int32Array;
}

/** Whether any pair energy is nonzero (else the ions only exclude each other). */
export function hasPairEnergies(model: KmcModel): boolean {
  return (model.interactionEV?.some((j) => j !== 0) ?? false) || (model.pairInteractions?.some((p) => p.shellEnergyEV.some((e) => e !== 0)) ?? false);
}

/** The pair table of a model, or null without pair energies. The model must pass checkModel's pair checks. */
export function pairTable(model: KmcModel): PairTable | null {
  if (!hasPairEnergies(model)) return null;
  const nS = model.species.length;
  if (model.interactionEV !== undefined && model.interactionEV.some((j) => j !== 0)) {
    const none = new Int32Array(nS * nS).fill(-1);
    return { neighbours: bondNeighbours(model.lattice), classCount: 1, energyEV: Float64Array.from(model.interactionEV), classMaxDistanceAngstrom: [], interactionOf: none, shellOf: none };
  }
  const list = model.pairInteractions!;
  const bounds = [...new Set(list.flatMap((p) => p.shellMaxDistanceAngstrom))].sort((a, b) => a - b);
  if (bounds.length > MAX_SHELLS) throw new InputError(`kmc.interactions: ${bounds.length} distinct shell bounds over all pairs; at most ${MAX_SHELLS}`);
  const C = bounds.length;
  const energyEV = new Float64Array(nS * nS * C);
  const interactionOf = new Int32Array(nS * nS * C).fill(-1), shellOf = new Int32Array(nS * nS * C).fill(-1);
  list.forEach((p, i) => {
    const [a, b] = p.species;
    bounds.forEach((R, c) => {
      const m = p.shellMaxDistanceAngstrom.findIndex((r) => r >= R);
      if (m < 0) return; // beyond this pair's last shell
      for (const [s, t] of [[a, b], [b, a]] as const) {
        energyEV[(s * nS + t) * C + c] = p.shellEnergyEV[m]!;
        interactionOf[(s * nS + t) * C + c] = i;
        shellOf[(s * nS + t) * C + c] = m;
      }
    });
  });
  return { neighbours: distanceShells(model.lattice, bounds), classCount: C, energyEV, classMaxDistanceAngstrom: bounds, interactionOf, shellOf };
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
  if (model.pairInteractions !== undefined) checkPairInteractions(model);
  checkEffectiveBarriers(model, pairTable(model));
}

/** A pair and shell of the table, for messages: "kmc.interactions.0.shells.1 (Li+-Li+, 3 < r <= 5 A, +0.01 eV)". */
function shellLabel(model: KmcModel, i: number, m: number): string {
  const p = model.pairInteractions![i]!;
  const lo = m === 0 ? 0 : p.shellMaxDistanceAngstrom[m - 1]!, e = p.shellEnergyEV[m]!;
  return `kmc.interactions.${i}.shells.${m} (${model.species[p.species[0]]!.name}-${model.species[p.species[1]]!.name}, ${lo} < r <= ${p.shellMaxDistanceAngstrom[m]} A, ${e > 0 ? "+" : ""}${e} eV)`;
}

/**
 * The table itself (shapes, species, increasing positive bounds, one entry per pair, not
 * with interactionEV), the box (a shell must reach less than half of it, or a site would
 * meet two images of another), and that every shell holds a pair of sites open to its two
 * species (an empty shell is a mistake: often nm typed where Angstrom is meant).
 */
function checkPairInteractions(model: KmcModel): void {
  const { species, lattice } = model;
  const list = model.pairInteractions!;
  if (list.length === 0) return;
  if (model.interactionEV !== undefined && model.interactionEV.some((j) => j !== 0))
    throw new InputError("kmc.interactions: give interactionEV (one energy for every pair on the hop graph) or interactions (per pair and shell), not both");
  const seen = new Map<string, number>();
  list.forEach((p, i) => {
    const at = `kmc.interactions.${i}`;
    p.species.forEach((s, j) => {
      if (!Number.isInteger(s) || s < 0 || s >= species.length) throw new InputError(`${at}.species.${j}: got ${s}; a species index 0..${species.length - 1}`);
    });
    const key = [...p.species].sort((a, b) => a - b).join(",");
    if (seen.has(key)) throw new InputError(`${at}.species: the pair ${species[p.species[0]]!.name}-${species[p.species[1]]!.name} is already given in kmc.interactions.${seen.get(key)}`);
    seen.set(key, i);
    const R = p.shellMaxDistanceAngstrom;
    if (R.length === 0 || R.length !== p.shellEnergyEV.length) throw new InputError(`${at}.shells: ${R.length} bounds and ${p.shellEnergyEV.length} energies; give at least one shell, each with both`);
    R.forEach((r, m) => {
      if (!(r > 0) || !Number.isFinite(r)) throw new InputError(`${at}.shells.${m}.maxDistanceAngstrom: got ${r}; must be a positive distance`);
      if (m > 0 && !(r > R[m - 1]!)) throw new InputError(`${at}.shells.${m}.maxDistanceAngstrom: got ${r}; must exceed the previous shell's ${R[m - 1]} A (shells are listed outward)`);
      if (!Number.isFinite(p.shellEnergyEV[m]!)) throw new InputError(`${at}.shells.${m}.energyEV: got ${p.shellEnergyEV[m]}; must be a finite energy`);
    });
  });
  const box = [0, 1, 2].map((a) => lattice.cells[a]! * lattice.cellAngstrom[a]!);
  const half = Math.min(...box) / 2;
  list.forEach((p, i) => {
    const m = p.shellMaxDistanceAngstrom.length - 1, r = p.shellMaxDistanceAngstrom[m]!;
    if (r >= half) {
      throw new InputError(
        `kmc.interactions.${i}.shells.${m}.maxDistanceAngstrom: got ${r}; the box is ${box.map((x) => +x.toFixed(2)).join(" x ")} A (lattice.cells [${lattice.cells.join(", ")}]), and a shell must reach less than half its narrowest side (${+half.toFixed(2)} A) so that each pair of sites is counted once: use more cells or a shorter shell`,
      );
    }
  });
  if (!hasPairEnergies(model)) return;
  const table = pairTable(model)!;
  const nb = table.neighbours, nS = species.length, C = table.classCount;
  const open = (s: number, b: number): boolean => Number.isFinite(species[s]!.siteEnergyEV[lattice.basisSiteType[b]!]!);
  list.forEach((p, i) => {
    const [u, v] = p.species;
    p.shellMaxDistanceAngstrom.forEach((r, m) => {
      let nearest = Infinity, found = false;
      for (let a = 0; a < lattice.basisCount && !found; a++) {
        if (!open(u, a)) continue;
        for (let e = nb.start[a]!; e < nb.start[a + 1]!; e++) {
          if (!open(v, nb.basis[e]!)) continue;
          nearest = Math.min(nearest, nb.distanceAngstrom[e]!);
          if (table.interactionOf[(u * nS + v) * C + nb.shell[e]!] === i && table.shellOf[(u * nS + v) * C + nb.shell[e]!] === m) { found = true; break; }
        }
      }
      if (!found) {
        // the nearest such pair anywhere in the box (this is the error path: a wide search is fine)
        const wide = distanceShells(lattice, [0.999 * half]);
        for (let a = 0; a < lattice.basisCount; a++) {
          if (!open(u, a)) continue;
          for (let e = wide.start[a]!; e < wide.start[a + 1]!; e++) if (open(v, wide.basis[e]!)) nearest = Math.min(nearest, wide.distanceAngstrom[e]!);
        }
        const lo = m === 0 ? 0 : p.shellMaxDistanceAngstrom[m - 1]!;
        throw new InputError(
          `kmc.interactions.${i}.shells.${m}.maxDistanceAngstrom: got ${r}; no pair of sites open to ${species[u]!.name} and ${species[v]!.name} lies at ${lo} < r <= ${r} A ` +
            `(${Number.isFinite(nearest) ? `the nearest is at ${+nearest.toFixed(3)} A` : "none in the box"}), so the shell would do nothing; distances are in Angstrom`,
        );
      }
    });
  });
}

/** One group of ions in the worst configuration of a hop: `count` ions of species t in class ci of the origin and cj of the target (-1: not there). */
interface WorstGroup {
  readonly t: number;
  readonly ci: number;
  readonly cj: number;
  count: number;
  /** Their change of the mover's pair energy, eV. */
  energyEV: number;
}

/**
 * The lowest change of pair energy a hop of species s along bond k can meet, eV (<= 0), and
 * (with `detail`) the ions that make it. The mover leaves the origin i for the empty target
 * j; every other site n near i or j may hold one ion of a species t that may sit there (its
 * site energy finite), which changes the mover's energy by v_t(n) = V_st(r_nj) - V_st(r_ni)
 * (V = 0 outside the shells); a site near both i and j counts once. Two lower bounds of the
 * minimum over configurations, of which the higher is taken:
 *   per site: sum over n of min(0, min_t v_t(n)) (enough ions to fill every site);
 *   per species: sum over t of its N_t most negative v_t(n) (N_t the other ions of t; sites
 *   shared between species counted for each).
 * With one species the second is the exact minimum.
 */
function worstPairChange(model: KmcModel, table: PairTable, s: number, k: number, detail: boolean): { drop: number; perSiteBinds: boolean; groups: WorstGroup[] } {
  const { lattice, species } = model;
  const nb = table.neighbours, nS = species.length, C = table.classCount, E = table.energyEV;
  let b = 0;
  while (lattice.bondStart[b + 1]! <= k) b++;
  const tb = lattice.bondTarget[k]!;
  const o = [lattice.bondCellOffset[3 * k]!, lattice.bondCellOffset[3 * k + 1]!, lattice.bondCellOffset[3 * k + 2]!];
  // sites near i (cell 0) and near j (cell o), keyed by basis and cell offset from i's cell
  // wrapped into the box: in a box of 2 cells the hop graph reaches one site through +x and
  // -x, and the engine counts it twice, so each site keeps every class it is listed with
  const n3 = lattice.cells;
  const wrap = (x: number, a: number): number => ((x % n3[a]!) + n3[a]!) % n3[a]!;
  const keyOf = (basis: number, ox: number, oy: number, oz: number): string => `${basis},${wrap(ox, 0)},${wrap(oy, 1)},${wrap(oz, 2)}`;
  const origin = keyOf(b, 0, 0, 0), target = keyOf(tb, o[0]!, o[1]!, o[2]!);
  const near = new Map<string, { basis: number; ci: number[]; cj: number[] }>();
  const add = (basis: number, ox: number, oy: number, oz: number, c: number, side: "ci" | "cj"): void => {
    const key = keyOf(basis, ox, oy, oz);
    if (key === origin || key === target) return; // the mover's own site and the empty target
    const x = near.get(key) ?? { basis, ci: [], cj: [] };
    x[side].push(c);
    near.set(key, x);
  };
  for (let e = nb.start[b]!; e < nb.start[b + 1]!; e++) add(nb.basis[e]!, nb.cellOffset[3 * e]!, nb.cellOffset[3 * e + 1]!, nb.cellOffset[3 * e + 2]!, nb.shell[e]!, "ci");
  for (let e = nb.start[tb]!; e < nb.start[tb + 1]!; e++) add(nb.basis[e]!, nb.cellOffset[3 * e]! + o[0]!, nb.cellOffset[3 * e + 1]! + o[1]!, nb.cellOffset[3 * e + 2]! + o[2]!, nb.shell[e]!, "cj");
  const sites = [...near.values()].map((n) => ({ basis: n.basis, ci: n.ci[0] ?? -1, cj: n.cj[0] ?? -1, all: n }));
  // v_t(n) < 0 of each species over the sites open to it
  const gains: { n: number; v: number }[][] = species.map(() => []);
  for (let t = 0; t < nS; t++) {
    if (species[t]!.count - (t === s ? 1 : 0) <= 0) continue;
    const row = (s * nS + t) * C;
    sites.forEach((n, i) => {
      if (!Number.isFinite(species[t]!.siteEnergyEV[lattice.basisSiteType[n.basis]!]!)) return;
      let v = 0;
      for (const c of n.all.cj) v += E[row + c]!;
      for (const c of n.all.ci) v -= E[row + c]!;
      if (v < 0) gains[t]!.push({ n: i, v });
    });
  }
  // per site: the species that lowers each site most
  const bestT = new Int32Array(sites.length).fill(-1), bestV = new Float64Array(sites.length);
  gains.forEach((list, t) => list.forEach(({ n, v }) => { if (v < bestV[n]!) { bestV[n] = v; bestT[n] = t; } }));
  let perSite = 0;
  for (let n = 0; n < sites.length; n++) perSite += bestV[n]!;
  // per species: its N_t most negative changes
  let perSpecies = 0;
  const picks: { t: number; n: number }[] = [];
  gains.forEach((list, t) => {
    list.sort((x, y) => x.v - y.v || x.n - y.n);
    const take = Math.min(list.length, species[t]!.count - (t === s ? 1 : 0));
    for (let i = 0; i < take; i++) { perSpecies += list[i]!.v; picks.push({ t, n: list[i]!.n }); }
  });
  const drop = Math.max(perSite, perSpecies), perSiteBinds = perSite >= perSpecies;
  if (!detail) return { drop, perSiteBinds, groups: [] };
  const chosen = !perSiteBinds ? picks : [...bestT].flatMap((t, n) => (t >= 0 ? [{ t, n }] : []));
  const groups = new Map<string, WorstGroup>();
  for (const { t, n } of chosen) {
    const key = `${t},${sites[n]!.ci},${sites[n]!.cj}`;
    const g = groups.get(key) ?? { t, ci: sites[n]!.ci, cj: sites[n]!.cj, count: 0, energyEV: 0 };
    g.count++;
    g.energyEV += gains[t]!.find((x) => x.n === n)!.v;
    groups.set(key, g);
  }
  // the groups that lower the barrier most first
  return { drop, perSiteBinds, groups: [...groups.values()].sort((x, y) => x.energyEV - y.energyEV) };
}

/** The lowest change of pair energy of each (species, bond), eV (<= 0), nS x nBonds; zeros without pair energies. */
export function lowestPairChanges(model: KmcModel, table: PairTable | null = pairTable(model)): Float64Array {
  const nB = model.lattice.bondTarget.length;
  const out = new Float64Array(model.species.length * nB);
  if (table === null) return out;
  const rates = bondRateTable(model);
  for (let s = 0; s < model.species.length; s++)
    for (let k = 0; k < nB; k++) if (rates[s * nB + k]! > 0) out[s * nB + k] = worstPairChange(model, table, s, k, false).drop;
  return out;
}

/**
 * No hop may have a negative effective barrier Ea + dE/2 in any configuration (the rate would
 * exceed the attempt frequency and, worse, fall as the temperature rises). The lowest one a hop
 * can reach: its site-energy and field terms, and the lowest change of pair energy over
 * the configurations its neighbourhood can take (worstPairChange: with ions enough, every
 * other site near the origin holding an ion that repels it and every other site near the
 * target one that attracts it). A refusal names the hop, the pairs and shells and how many
 * ions sit where in that configuration.
 */
function checkEffectiveBarriers(model: KmcModel, table: PairTable | null): void {
  const { lattice, species, fieldVPerCm } = model;
  const nS = species.length;
  for (let s = 0; s < nS; s++) {
    const sp = species[s]!;
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
        const pairDrop = table === null ? 0 : worstPairChange(model, table, s, k, false).drop; // <= 0
        const lowest = ea + 0.5 * (ej - ei - work + pairDrop);
        if (lowest < 0) {
          const hop = lattice.hopTypeNames[lattice.bondHopType[k]!], from = lattice.siteTypeNames[lattice.basisSiteType[b]!], to = lattice.siteTypeNames[lattice.basisSiteType[tb]!];
          let pairs = "";
          const worst = pairDrop < 0 ? worstPairChange(model, table!, s, k, true) : null;
          if (worst !== null && model.pairInteractions === undefined && worst.perSiteBinds) {
            pairs = ` when the other ${zi - 1} neighbours of its origin repel it and the other ${zj - 1} of its target attract it (interactionEV)`;
          } else if (worst !== null) {
            const groups = worst.groups;
            const row = (t: number): number => (s * nS + t) * table!.classCount;
            const label = (t: number, c: number): string => {
              const i = table!.interactionOf[row(t) + c]!;
              return i >= 0 ? shellLabel(model, i, table!.shellOf[row(t) + c]!) : `neighbours on the hop graph (interactionEV, ${table!.energyEV[row(t) + c]} eV)`;
            };
            const text = groups.map((g) => {
              const n = `${g.count} ${species[g.t]!.name}`;
              if (g.cj < 0) return `${n} in its origin's ${label(g.t, g.ci)}, repelling it`;
              if (g.ci < 0) return `${n} in its target's ${label(g.t, g.cj)}, attracting it`;
              return `${n} in its origin's ${label(g.t, g.ci)} and its target's ${label(g.t, g.cj)}`;
            });
            pairs = ` when the ions around it sit where they lower it most: ${text.join("; ")}`;
          }
          throw new InputError(
            `species.${s}.hopBarrierEV: ${sp.name}'s ${hop} hop (${from} -> ${to}, barrier ${ea} eV) reaches an effective barrier of ${lowest.toFixed(3)} eV` +
              pairs +
              (work !== 0 ? ` under the field (${(work).toFixed(3)} eV per hop)` : "") +
              `; effective barriers must stay >= 0: raise the barrier or lower the site-energy difference, field or ${model.pairInteractions === undefined ? "interaction" : "pair energies"}`,
          );
        }
      }
    }
  }
}

/**
 * For each pair interaction, the mean number of sites open to its second species in each
 * shell around a site open to its first (what the table will act on; `mofhop validate`).
 */
export function shellNeighbourCounts(model: KmcModel): number[][] {
  const list = model.pairInteractions ?? [];
  if (list.length === 0 || !hasPairEnergies(model)) return list.map((p) => p.shellEnergyEV.map(() => 0));
  const { lattice, species } = model;
  const table = pairTable(model)!, nb = table.neighbours, nS = species.length, C = table.classCount;
  const open = (s: number, b: number): boolean => Number.isFinite(species[s]!.siteEnergyEV[lattice.basisSiteType[b]!]!);
  return list.map((p, i) => {
    const [u, v] = p.species;
    const counts = p.shellEnergyEV.map(() => 0);
    let sites = 0;
    for (let a = 0; a < lattice.basisCount; a++) {
      if (!open(u, a)) continue;
      sites++;
      for (let e = nb.start[a]!; e < nb.start[a + 1]!; e++) {
        const at = (u * nS + v) * C + nb.shell[e]!;
        if (open(v, nb.basis[e]!) && table.interactionOf[at] === i) counts[table.shellOf[at]!]!++;
      }
    }
    return counts.map((n) => (sites > 0 ? n / sites : 0));
  });
}
