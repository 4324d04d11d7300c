/**
 * Scenario -> particle-network design (design/) -> effective conductivity at one
 * temperature, and the homogenised membrane the cell experiments see.
 *
 * A pressed powder (design/pressedPowder.ts) and particles in a gel binder
 * (design/gelBinder.ts) have no voxel grid: their transport is the graph of particles and
 * contacts or gel bridges. The cell experiments (pipeline/electrochem.ts) act on a membrane
 * of the graph's effective conductivity, as a uniform slab whose faces offer the solid
 * fraction of their area to the electrode (a plane section of a random structure cuts each
 * phase with area fraction equal to its volume fraction: Delesse's principle, Underwood,
 * Quantitative Stereology, 1970), so the area-specific charge transfer of the true contact
 * is divided by that fraction and the double layer multiplied by it.
 */
import { InputError, ScenarioError } from "../core/errors.js";
import { graphConductivity, wrappingMask, type AxisConductivity, type PeriodicGraph } from "../design/graph.js";
import { contactSpot, MAX_NECK_RATIO, rumpfContactForceN, type ContactMaterial } from "../design/contacts.js";
import { pressedPowder, pressedPowderConductances, type PressedPowder } from "../design/pressedPowder.js";
import { electrodeFace, type ElectrodeFace } from "../design/electrodeFace.js";
import { checkGelBinder, gelBinder, gelBinderConductances, type GelBinder } from "../design/gelBinder.js";
import { GEL_COAT_NETWORK_ERROR, gelFilmConductances, gelFilmNetwork } from "../design/gelFilm.js";
import { LITFSI_DISSOLVED_DENSITY_G_PER_CM3, phaseFractions, PVDF_HFP_DENSITY_G_PER_CM3, SOLVENT_DENSITY_G_PER_CM3, type Constituent, type PhaseFractions } from "../design/composition.js";
import { checkFibreMix, fibreMix, mixSpotNm, type FibreMix, type FibreMixOptions } from "../design/fibreMix.js";
import { isNetworkDesign, type CellSettings, type NetworkDesignSettings, type ParticlesAmongFibresSettings, type ParticlesInGelSettings, type PressedPowderSettings, type Scenario, type VoxelMorphologySettings } from "../scenario/schema.js";
import { BC_DENSITY_G_PER_CM3, mofCrystalDensityGPerCm3, type CounterIon } from "../structure/morphology/densities.js";
import type { EffectiveRow } from "./results.js";
import { createVoxelGrid } from "../structure/voxel/grid.js";
import { arrhenius, morphologyStream, nearestRoomTemperature, phaseCationShare, type BuiltMorphology } from "./morphology.js";

/** The scenario's material in SI. */
function materialOf(m: PressedPowderSettings | ParticlesAmongFibresSettings): ContactMaterial {
  return { youngsModulusPa: m.material.youngsModulusGPa * 1e9, poissonRatio: m.material.poissonRatio, hardnessPa: m.material.hardnessGPa * 1e9 };
}

/**
 * Checks that need no packing, run before any KMC: the median particle's contact under the
 * pressing pressure, loaded as in a loose packing (4 contacts, the larger force), must stay
 * inside the contact element's range. The exact check, contact by contact, follows when the
 * powder is built.
 */
export function checkPressedPowderUpFront(m: PressedPowderSettings): void {
  const rM = (m.particleDiameterNm / 2) * 1e-9;
  const force = rumpfContactForceN(m.pressureMPa * 1e6, 2 * rM, 4, m.solidFraction);
  const ratio = contactSpot(force, rM / 2, materialOf(m)).radiusM / rM;
  if (ratio > MAX_NECK_RATIO) {
    throw new InputError(`morphology.pressureMPa: ${m.pressureMPa} MPa presses the median particle's contacts to a/R = ${ratio.toFixed(2)}; the contact element covers a/R <= ${MAX_NECK_RATIO} (beyond it particles deform in bulk)`);
  }
}

/** Build realisation r of a pressed powder. */
export function buildPressedPowder(m: PressedPowderSettings, seed: number, realization: number): PressedPowder {
  return pressedPowder(
    {
      particleDiameterNm: m.particleDiameterNm,
      diameterLogSd: m.diameterLogSd,
      solidFraction: m.solidFraction,
      pressurePa: m.pressureMPa * 1e6,
      material: materialOf(m),
      particleCount: m.particleCount,
    },
    morphologyStream(seed, realization),
    "morphology",
  );
}

/** Conductivity of the particles at T: given (with its Arrhenius law) or the KMC's. */
export function particleConductivity(m: NetworkDesignSettings, temperatureK: number, mofSPerCm: number | undefined): number {
  const p = m.phases[0];
  if (p.conductivitySPerCm !== undefined) return arrhenius(p.conductivitySPerCm, p.activationEnergyEV, p.referenceTemperatureK, temperatureK, 1);
  if (mofSPerCm !== undefined) return mofSPerCm;
  throw new ScenarioError("morphology.phases.0.conductivitySPerCm", "no value, and no KMC part to compute it");
}

/** Boundary resistance across a particle contact at T, ohm cm^2 (0 without one). */
export function pressedBoundaryOhmCm2(m: PressedPowderSettings | ParticlesAmongFibresSettings, temperatureK: number): number {
  const e = m.kind === "pressed-powder" ? m.contacts?.pressed : m.contacts?.particle;
  if (e === undefined) return 0;
  return arrhenius(e.resistanceOhmCm2, e.activationEnergyEV, e.referenceTemperatureK, temperatureK, -1);
}

export interface DesignSolve {
  /** Mean of sigma_xx, sigma_yy, sigma_zz, S/cm. */
  readonly conductivitySPerCm: number;
  readonly percolates: boolean;
  readonly carryingFraction: number;
  readonly iterations: number;
  readonly relativeResidual: number;
}

/** Effective conductivity of one realisation at particle conductivity sigma and boundary r_b. */
export function solvePressedPowder(p: PressedPowder, m: { readonly tolerance: number }, sigmaSPerCm: number, boundaryOhmCm2: number): DesignSolve {
  return meanOfAxes(graphConductivity(p.graph, pressedPowderConductances(p, sigmaSPerCm, boundaryOhmCm2), [0, 1, 2], { tolerance: m.tolerance }));
}

/** The membrane the cell experiments see: a uniform slab of the effective conductivity (see the file comment). */
export function homogenisedMembrane(
  m: NetworkDesignSettings,
  cell: CellSettings,
  effectiveSPerCm: number,
  cationShare: number,
  mofFixedChargeMolPerL: number,
  fractions: { readonly contactArea: number; readonly mofVolume: number; readonly face?: { readonly interfaceOhmCm2: number; readonly contactAreaFraction: number } },
): { morphology: VoxelMorphologySettings; built: BuiltMorphology; cell: CellSettings } {
  const n = 4, f = fractions.face?.contactAreaFraction ?? fractions.contactArea;
  // the Li interface per nominal area: the opened faces' (design/electrodeFace.ts), else the
  // charge transfer over the solid fraction
  const interfaceOhmCm2 = fractions.face?.interfaceOhmCm2 ?? cell.chargeTransferOhmCm2 / f;
  const phase = new Uint8Array(n * n * n).fill(1);
  const props = { name: "mof", conductivitySPerCm: effectiveSPerCm, transferenceNumber: Math.min(1, Math.max(0, cationShare)) };
  const iface = m.electrodes?.interface;
  return {
    morphology: {
      kind: "random-voxels",
      shape: [n, n, n],
      voxelNm: 100,
      phases: [{ ...props, fraction: 1 }],
      realizations: 1,
      tolerance: m.tolerance,
      ...(iface !== undefined ? { electrodes: { kind: "planes" as const, interface: iface } } : {}),
    },
    built: { grid: createVoxelGrid([n, n, n], phase, new Int32Array(n * n * n)), phases: [{ ...props, label: 1 }] },
    cell: {
      ...cell,
      chargeTransferOhmCm2: interfaceOhmCm2,
      doubleLayerFPerCm2: cell.doubleLayerFPerCm2 * f,
      fixedChargeMolPerL: cell.fixedChargeMolPerL ?? mofFixedChargeMolPerL * fractions.mofVolume,
    },
  };
}

/** MOF crystal density: given, or from the lattice constant and the first species as counter-ion. */
export function mofDensityOf(scenario: Pick<Scenario, "lattice" | "species">, given: number | undefined): number {
  if (given !== undefined) return given;
  const ion = scenario.species?.[0]?.name;
  const counterIon: CounterIon = ion === "Li+" || ion === "Na+" || ion === "K+" || ion === "Zn2+" || ion === "H+" ? ion : "Li+";
  return mofCrystalDensityGPerCm3({ counterIon, ...(scenario.lattice?.latticeConstantAngstrom !== undefined ? { latticeConstantAngstrom: scenario.lattice.latticeConstantAngstrom } : {}) });
}

/** Phase volumes of a particles-in-gel membrane from its composition (design/composition.ts): mof, gel, pore. */
export function gelComposition(m: ParticlesInGelSettings, mofDensityGPerCm3: number): PhaseFractions {
  const c = m.composition, path = "morphology.composition";
  const dry = c.mofMg + c.polymerMg + c.saltMg;
  const parts: Constituent[] = [
    { field: `${path}.mofMg`, massMg: c.mofMg, densityGPerCm3: mofDensityGPerCm3, phase: "mof" },
    { field: `${path}.polymerMg`, massMg: c.polymerMg, densityGPerCm3: PVDF_HFP_DENSITY_G_PER_CM3, phase: "gel" },
    { field: `${path}.saltMg`, massMg: c.saltMg, densityGPerCm3: LITFSI_DISSOLVED_DENSITY_G_PER_CM3, phase: "gel" },
  ];
  if (c.solvent !== undefined) {
    // wt% of the whole membrane: m_s = w / (1 - w) x dry mass
    const w = c.solvent.wtPct / 100;
    parts.push({ field: `${path}.solvent.wtPct`, massMg: (w / (1 - w)) * dry, densityGPerCm3: SOLVENT_DENSITY_G_PER_CM3[c.solvent.name], phase: "gel" });
  }
  if (!(c.polymerMg + c.saltMg > 0) && c.solvent === undefined) throw new InputError(`${path}.polymerMg: the gel has no polymer, salt or solvent; a particles-in-gel membrane needs a binder`);
  return phaseFractions(parts, m.porosity, "morphology.porosity");
}

/** One realisation of a particle-network design, solvable at any temperature. */
export interface NetworkRealisation {
  /**
   * Effective conductivity at T; with the MOF's cation share (the KMC's), also the membrane's
   * cation and anion conductivities as the field is switched on (graph.ts cationWeight).
   */
  solve(temperatureK: number, mofSPerCm: number | undefined, mofCationShare?: number): NetworkDesignSolve;
  /** Volume fractions of the phases the network holds. */
  readonly volumeFraction: Readonly<Record<string, number>>;
  /** Share of the faces that offer the electrode solid to touch (Delesse: the solid volume fraction). */
  readonly contactAreaFraction: number;
  readonly mofVolumeFraction: number;
  /**
   * The Li | membrane face at T (design/electrodeFace.ts): the box opened along x, y and z,
   * the Li on the MOF discs each cut offers, through the charge transfer per true contact
   * area; the network's DC conductances (a gel design's polarised lenses).
   */
  face(temperatureK: number, mofSPerCm: number | undefined, chargeTransferOhmCm2: number): ElectrodeFace;
  /**
   * Each bond's current under a field of 1 V/cm along x at T, with the conductances of the
   * reported conductivity (a gel design's: every ion moving, as the field is switched on):
   * the page's slice of the network (report/networkSlice.ts).
   */
  currents(temperatureK: number, mofSPerCm: number | undefined): NetworkCurrents;
}

/** A realisation's solved graph under a unit field along x. */
export interface NetworkCurrents {
  /** Nodes 0..particleCount-1 are the particles (a gel design's lens nodes follow them). */
  readonly graph: PeriodicGraph;
  readonly particleCount: number;
  /** Particle radii, cm. */
  readonly radiusCm: Float64Array;
  /** sigma_xx of the realisation, S/cm. */
  readonly conductivitySPerCm: number;
  /** I_b from node bondI to node bondJ, A, at 1 V/cm along x (design/graph.ts bondCurrentA). */
  readonly bondCurrentA: Float64Array;
}

function axisCurrents(graph: PeriodicGraph, conductanceS: Float64Array, particleCount: number, radiusCm: Float64Array, tolerance: number): NetworkCurrents {
  const x = graphConductivity(graph, conductanceS, [0], { tolerance, bondCurrents: true })[0]!;
  return { graph, particleCount, radiusCm, conductivitySPerCm: x.conductivitySPerCm, bondCurrentA: x.bondCurrentA! };
}

export interface NetworkDesignSolve extends DesignSolve {
  /** The particle-level model's own relative error (its element and what it leaves out). */
  readonly modelRelativeError: number;
  readonly tortuosityFactor: number;
  readonly phases: EffectiveRow["phases"];
  /**
   * The conductivity once the gel's anions are held at the MOF faces, S/cm (null when the
   * design has no gel). Only Li+ crosses a MOF face, so each gel lens between two particles
   * polarises like a thin binary electrolyte between cation-reversible walls and passes the
   * gel's cation share of its current (Bruce and Vincent, J. Electroanal. Chem. 225, 1, 1987);
   * it does so within its diffusion time H^2 / (pi^2 D), about a millisecond for 50 nm of gel,
   * so every DC experiment (Evans at >= 1 s, the cell) sees this value, and impedance sees it
   * below about a kilohertz. It is the cation network's conductivity plus the anion network's
   * (the gel's anions through the coats and lenses alone: design/gelFilm.ts).
   */
  readonly lowFrequencyConductivitySPerCm: number | null;
  /**
   * The cation's part of lowFrequencyConductivitySPerCm, S/cm (null without gel): the
   * membrane's transference number at DC is its share.
   */
  readonly lowFrequencyCationConductivitySPerCm: number | null;
  /**
   * The cation's and the anion's parts of conductivitySPerCm as the field is switched on
   * (each stretch of each bond carries its phase's transference number; they add up to it),
   * S/cm; absent when solve() was not given the MOF's cation share.
   */
  readonly cationConductivitySPerCm?: number;
  readonly anionConductivitySPerCm?: number;
}

/**
 * The temperature of a particle network's slice (report/networkSlice.ts): the cell's (its
 * temperatureK, else the scenario temperature nearest 298.15 K) when the particles'
 * conductivity is known there (given by the scenario, or a KMC temperature), else the
 * scenario temperature nearest 298.15 K.
 */
export function networkSliceTemperature(scenario: Scenario, kmc: readonly { readonly temperatureK: number }[]): number {
  const room = nearestRoomTemperature(scenario.temperaturesK);
  const T = scenario.cell?.temperatureK ?? room;
  const m = scenario.morphology;
  const given = m !== undefined && isNetworkDesign(m) && m.phases[0].conductivitySPerCm !== undefined;
  return given || kmc.some((k) => k.temperatureK === T) ? T : room;
}

/** Build realisation r of a particle-network design. */
export function buildNetworkDesign(scenario: Scenario, m: NetworkDesignSettings, realization: number): NetworkRealisation {
  if (m.kind === "pressed-powder" || m.kind === "particles-among-fibres") {
    const mix = m.kind === "particles-among-fibres" ? buildParticlesAmongFibres(scenario, m, realization) : null;
    const p = mix ?? buildPressedPowder(m as PressedPowderSettings, scenario.seed, realization);
    const fibre = mix?.mix.fibreVolumeFraction ?? 0;
    return {
      volumeFraction: fibre > 0 ? { mof: p.stats.solidFraction, fibre } : { mof: p.stats.solidFraction },
      contactAreaFraction: m.solidFraction,
      mofVolumeFraction: m.solidFraction,
      solve(temperatureK, mofSPerCm, mofCationShare) {
        const sigma = particleConductivity(m, temperatureK, mofSPerCm);
        const res = solvePressedPowder(p, m, sigma, pressedBoundaryOhmCm2(m, temperatureK));
        // one phase: every bond carries the MOF's split
        const t = mofCationShare === undefined ? undefined : phaseCationShare({ ...m.phases[0], label: 0 }, 0, mofCationShare);
        return {
          ...res,
          ...(t !== undefined ? { cationConductivitySPerCm: t * res.conductivitySPerCm, anionConductivitySPerCm: (1 - t) * res.conductivitySPerCm } : {}),
          modelRelativeError: p.stats.contactModelRelativeError,
          tortuosityFactor: res.conductivitySPerCm > 0 ? (p.stats.solidFraction * sigma) / res.conductivitySPerCm : Infinity,
          phases: [{ name: "mof", volumeFraction: p.stats.solidFraction, spanningFraction: res.carryingFraction, percolates: res.percolates }],
          lowFrequencyConductivitySPerCm: null,
          lowFrequencyCationConductivitySPerCm: null,
        };
      },
      face(temperatureK, mofSPerCm, chargeTransferOhmCm2) {
        const sigma = particleConductivity(m, temperatureK, mofSPerCm);
        const conductanceS = pressedPowderConductances(p, sigma, pressedBoundaryOhmCm2(m, temperatureK));
        return electrodeFace(p.graph, { radiusCm: p.radiusCm, conductanceS, particleSPerCm: sigma, chargeTransferOhmCm2, tolerance: m.tolerance });
      },
      currents(temperatureK, mofSPerCm) {
        const sigma = particleConductivity(m, temperatureK, mofSPerCm);
        return axisCurrents(p.graph, pressedPowderConductances(p, sigma, pressedBoundaryOhmCm2(m, temperatureK)), p.stats.particleCount, p.radiusCm, m.tolerance);
      },
    };
  }
  const fractions = gelComposition(m, mofDensityOf(scenario, m.composition.mofDensityGPerCm3));
  const net = buildParticlesInGel(m, fractions, scenario.seed, realization);
  const film = gelFilmNetwork(net, m.filmThicknessNm);
  const phiGel = net.stats.gelVolumeFraction, phiMof = net.stats.mofVolumeFraction;
  const gelAt = (temperatureK: number) => {
    const g = m.phases[1];
    const e = m.interfaces?.mofGel;
    return {
      gel: arrhenius(g.conductivitySPerCm, g.activationEnergyEV, g.referenceTemperatureK, temperatureK, 1),
      rmg: e === undefined ? 0 : arrhenius(e.resistanceOhmCm2, e.activationEnergyEV, e.referenceTemperatureK, temperatureK, -1),
      t: g.transferenceNumber,
    };
  };
  const n = net.graph.nodeCount;
  // the MOF's own connectivity: cores joined through lenses (the core-lens halves, bonds < 2 nb)
  const mofSpanning = (conductanceS: Float64Array): { fraction: number; percolates: boolean } => {
    const conducting = new Uint8Array(conductanceS.length);
    for (let b = 0; b < 2 * film.lensCount; b++) conducting[b] = conductanceS[b]! > 0 ? 1 : 0;
    let fraction = 0, percolates = true;
    for (const axis of [0, 1, 2] as const) {
      const mask = wrappingMask(film.graph, conducting, axis);
      let c = 0;
      for (let i = 0; i < n; i++) c += mask[i]!;
      fraction += c / n / 3;
      percolates &&= c > 0;
    }
    return { fraction, percolates };
  };
  return {
    face(temperatureK, mofSPerCm, chargeTransferOhmCm2) {
      // DC: the lenses polarised (their cation share); the Li touches the MOF discs (the gel
      // at the face is left out: its Li | gel transfer is not modelled)
      const sigma = particleConductivity(m, temperatureK, mofSPerCm);
      const { gel, rmg, t } = gelAt(temperatureK);
      const conductanceS = gelBinderConductances(net, sigma, gel * t, rmg).conductanceS;
      return electrodeFace(net.graph, { radiusCm: net.radiusCm, conductanceS, particleSPerCm: sigma, chargeTransferOhmCm2, tolerance: m.tolerance });
    },
    currents(temperatureK, mofSPerCm) {
      const sigma = particleConductivity(m, temperatureK, mofSPerCm);
      const { gel, rmg } = gelAt(temperatureK);
      return axisCurrents(film.graph, gelFilmConductances(net, film, sigma, gel, rmg).conductanceS, n, net.radiusCm, m.tolerance);
    },
    volumeFraction: { mof: phiMof, gel: phiGel },
    contactAreaFraction: 1 - m.porosity,
    mofVolumeFraction: phiMof,
    solve(temperatureK, mofSPerCm, mofCationShare) {
      const sigma = particleConductivity(m, temperatureK, mofSPerCm);
      const { gel, rmg, t: tG } = gelAt(temperatureK);
      const tM = mofCationShare === undefined ? 1 : phaseCationShare({ ...m.phases[0], label: 0 }, 0, mofCationShare);
      const solve = (c: Float64Array, cationWeight?: Float64Array) => meanOfAxes(graphConductivity(film.graph, c, [0, 1, 2], { tolerance: m.tolerance, ...(cationWeight !== undefined ? { cationWeight } : {}) }));
      // as the field is switched on: every ion moves, each stretch of each bond carries its phase's t
      const initial = gelFilmConductances(net, film, sigma, gel, rmg);
      const res = solve(initial.conductanceS, mofCationShare !== undefined ? initial.gelPathShare.map((f) => tM + (tG - tM) * f) : undefined);
      // DC (once the lenses and the membrane have polarised): the cation network, the gel at
      // t_g sigma_g and the MOF at its cation share, and the anion network, the gel alone
      const cation = solve(gelFilmConductances(net, film, tM * sigma, tG * gel, rmg).conductanceS).conductivitySPerCm;
      const gelAlone = solve(gelFilmConductances(net, film, 0, gel, rmg).conductanceS);
      const anion = (1 - tG) * gelAlone.conductivitySPerCm;
      const span = mofSpanning(initial.conductanceS);
      // what the network's elements leave out: half the particles' spreading terms (their
      // footprint radius is a proxy), the lens element's error, and the coat conductances
      // (the coat element's error, as a share of the gel's own conduction)
      const coatShare = res.conductivitySPerCm > 0 ? gelAlone.conductivitySPerCm / res.conductivitySPerCm : 0;
      return {
        ...res,
        modelRelativeError: 0.5 * initial.spreadingShare + net.stats.lensElementRelativeError + coatShare * Math.max(GEL_COAT_NETWORK_ERROR, film.stats.elementRelativeError),
        tortuosityFactor: res.conductivitySPerCm > 0 ? (phiMof * sigma) / res.conductivitySPerCm : Infinity,
        phases: [
          { name: "mof", volumeFraction: phiMof, spanningFraction: span.fraction, percolates: span.percolates },
          { name: "gel", volumeFraction: phiGel, spanningFraction: gelAlone.carryingFraction * ((n + film.lensCount) / film.lensCount), percolates: gelAlone.percolates },
        ],
        lowFrequencyConductivitySPerCm: cation + anion,
        lowFrequencyCationConductivitySPerCm: cation,
      };
    },
  };
}

function meanOfAxes(axes: readonly AxisConductivity[]): DesignSolve & { cationConductivitySPerCm?: number; anionConductivitySPerCm?: number } {
  const mean = (f: (x: AxisConductivity) => number): number => axes.reduce((a, x) => a + f(x), 0) / axes.length;
  return {
    ...(axes.every((x) => x.cationConductivitySPerCm !== undefined)
      ? { cationConductivitySPerCm: mean((x) => x.cationConductivitySPerCm!), anionConductivitySPerCm: mean((x) => x.anionConductivitySPerCm!) }
      : {}),
    conductivitySPerCm: axes.reduce((a, x) => a + x.conductivitySPerCm, 0) / axes.length,
    percolates: axes.every((x) => x.percolates),
    carryingFraction: axes.reduce((a, x) => a + x.carryingFraction, 0) / axes.length,
    iterations: Math.max(...axes.map((x) => x.iterations)),
    relativeResidual: Math.max(...axes.map((x) => x.relativeResidual)),
  };
}

/** Checks that need no packing, run before any KMC: the composition adds up and the coated particles pack. */
export function checkParticlesInGelUpFront(scenario: Pick<Scenario, "lattice" | "species">, m: ParticlesInGelSettings): void {
  const f = gelComposition(m, mofDensityOf(scenario, m.composition.mofDensityGPerCm3));
  checkGelBinder(
    { particleDiameterNm: m.particleDiameterNm, diameterLogSd: m.diameterLogSd, mofVolumeFraction: f.volumeFraction.mof!, gelVolumeFraction: f.volumeFraction.gel!, filmThicknessNm: m.filmThicknessNm, particleCount: m.particleCount, binderSamples: m.binderSamples },
    "morphology",
  );
}

/** Build realisation r of a particles-in-gel design from its phase volumes. */
export function buildParticlesInGel(m: ParticlesInGelSettings, fractions: PhaseFractions, seed: number, realization: number): GelBinder {
  return gelBinder(
    {
      particleDiameterNm: m.particleDiameterNm,
      diameterLogSd: m.diameterLogSd,
      mofVolumeFraction: fractions.volumeFraction.mof!,
      gelVolumeFraction: fractions.volumeFraction.gel!,
      filmThicknessNm: m.filmThicknessNm,
      particleCount: m.particleCount,
      binderSamples: m.binderSamples,
    },
    morphologyStream(seed, realization),
    "morphology",
  );
}

/** The fibre-mix options of a particles-among-fibres scenario (volumes from its composition; no packing). */
export function fibreMixOptions(scenario: Pick<Scenario, "lattice" | "species">, m: ParticlesAmongFibresSettings): FibreMixOptions {
  const c = m.composition;
  const mofCm3 = c.mofMg / mofDensityOf(scenario, c.mofDensityGPerCm3);
  const fibreCm3 = c.fibreMg / (c.fibreDensityGPerCm3 ?? BC_DENSITY_G_PER_CM3);
  return {
    particleDiameterNm: m.particleDiameterNm,
    diameterLogSd: m.diameterLogSd,
    particleCount: m.particleCount,
    solidFraction: m.solidFraction,
    fibreToParticleVolumeRatio: fibreCm3 / mofCm3,
    fibreDiameterNm: m.fibreDiameterNm,
    fibreOnParticleShare: m.fibreOnParticleShare,
    consolidationPressurePa: m.consolidationPressureMPa * 1e6,
    material: materialOf(m),
    workOfAdhesionJPerM2: m.adhesion.workOfAdhesionJPerM2,
    equilibriumSeparationNm: m.adhesion.equilibriumSeparationNm,
  };
}

/**
 * Checks that need no packing, run before any KMC: the fibres fit in the skeleton's pores,
 * every option is in range, and the median pair's spot under a loose packing's load
 * (4 contacts) stays inside the contact element's range.
 */
export function checkParticlesAmongFibresUpFront(scenario: Pick<Scenario, "lattice" | "species">, m: ParticlesAmongFibresSettings): void {
  const o = fibreMixOptions(scenario, m);
  checkFibreMix(o, "morphology");
  const rNm = m.particleDiameterNm / 2;
  const force = rumpfContactForceN(o.consolidationPressurePa, 2 * rNm * 1e-9, 4, m.solidFraction);
  const ratio = mixSpotNm(force, rNm / 2, o).radiusNm / rNm;
  if (ratio > MAX_NECK_RATIO) {
    throw new InputError(`morphology.consolidationPressureMPa: ${m.consolidationPressureMPa} MPa with adhesion ${m.adhesion.workOfAdhesionJPerM2} J/m2 makes the median particle's contacts a/R = ${ratio.toFixed(2)}; the contact element covers a/R <= ${MAX_NECK_RATIO}`);
  }
}

/** Build realisation r of a particles-among-fibres design. */
export function buildParticlesAmongFibres(scenario: Pick<Scenario, "lattice" | "species" | "seed">, m: ParticlesAmongFibresSettings, realization: number): FibreMix {
  return fibreMix(fibreMixOptions(scenario, m), morphologyStream(scenario.seed, realization), "morphology");
}
