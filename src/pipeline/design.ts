/**
 * Scenario -> particle-network design (design/) -> effective conductivity at one
 * temperature, and the homogenised membrane the cell experiments see.
 *
 * A pressed powder has no voxel grid: its transport is the graph of particles and
 * contacts (design/pressedPowder.ts). The cell experiments (pipeline/electrochem.ts) act
 * on a membrane of the graph's effective conductivity, as a uniform slab whose faces offer
 * the solid fraction of their area to the electrode (a plane section of a random packing
 * cuts solid with area fraction equal to its volume fraction: Delesse's principle,
 * Underwood, Quantitative Stereology, 1970), so the area-specific charge transfer of the
 * true contact is divided by that fraction and the double layer multiplied by it.
 */
import { InputError, ScenarioError } from "../core/errors.js";
import { graphConductivity } from "../design/graph.js";
import { contactSpot, MAX_NECK_RATIO, rumpfContactForceN, type ContactMaterial } from "../design/contacts.js";
import { pressedPowder, pressedPowderConductances, type PressedPowder } from "../design/pressedPowder.js";
import type { CellSettings, PressedPowderSettings, VoxelMorphologySettings } from "../scenario/schema.js";
import { createVoxelGrid } from "../structure/voxel/grid.js";
import { arrhenius, morphologyStream, type BuiltMorphology } from "./morphology.js";

/** The scenario's material in SI. */
function materialOf(m: PressedPowderSettings): ContactMaterial {
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
export function particleConductivity(m: PressedPowderSettings, temperatureK: number, mofSPerCm: number | undefined): number {
  const p = m.phases[0];
  if (p.conductivitySPerCm !== undefined) return arrhenius(p.conductivitySPerCm, p.activationEnergyEV, p.referenceTemperatureK, temperatureK, 1);
  if (mofSPerCm !== undefined) return mofSPerCm;
  throw new ScenarioError("morphology.phases.0.conductivitySPerCm", "no value, and no KMC part to compute it");
}

/** Boundary resistance across a pressed contact at T, ohm cm^2 (0 without one). */
export function pressedBoundaryOhmCm2(m: PressedPowderSettings, temperatureK: number): number {
  const e = m.contacts?.pressed;
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
export function solvePressedPowder(p: PressedPowder, m: PressedPowderSettings, sigmaSPerCm: number, boundaryOhmCm2: number): DesignSolve {
  const axes = graphConductivity(p.graph, pressedPowderConductances(p, sigmaSPerCm, boundaryOhmCm2), [0, 1, 2], { tolerance: m.tolerance });
  return {
    conductivitySPerCm: axes.reduce((a, x) => a + x.conductivitySPerCm, 0) / 3,
    percolates: axes.every((x) => x.percolates),
    carryingFraction: axes.reduce((a, x) => a + x.carryingFraction, 0) / 3,
    iterations: Math.max(...axes.map((x) => x.iterations)),
    relativeResidual: Math.max(...axes.map((x) => x.relativeResidual)),
  };
}

/** The membrane the cell experiments see: a uniform slab of the effective conductivity (see the file comment). */
export function homogenisedMembrane(
  m: PressedPowderSettings,
  cell: CellSettings,
  effectiveSPerCm: number,
  cationShare: number,
  mofFixedChargeMolPerL: number,
): { morphology: VoxelMorphologySettings; built: BuiltMorphology; cell: CellSettings } {
  const n = 4, f = m.solidFraction;
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
      chargeTransferOhmCm2: cell.chargeTransferOhmCm2 / f,
      doubleLayerFPerCm2: cell.doubleLayerFPerCm2 * f,
      fixedChargeMolPerL: cell.fixedChargeMolPerL ?? mofFixedChargeMolPerL * f,
    },
  };
}
