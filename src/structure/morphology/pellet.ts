/**
 * `pellet`: a pressed MOF powder. Lognormal particles (median 500 nm, as the experiment's
 * powder; sd of ln d 0.25) are packed without overlap to the loose-powder fraction
 * `packingFraction`, then pressed: all radii grow by one common factor until the solid
 * fraction on the voxel grid equals `relativeDensity`. Pressing flattens contacts into
 * facets (neighbours overlap; the overlap lens is split on the radical plane, as in a
 * Laguerre tessellation), so each particle-particle contact is a finite-area grain boundary.
 * Each particle is its own grain (ids 1..N); pores are label 0, grain 0.
 *
 * Densities. Random loose packing of spheres is about 0.55-0.60 (Onoda and Liniger, PRL
 * 64, 2727, 1990) and random close packing 0.64 (Scott and Kilgour, J. Phys. D 2, 863,
 * 1969); die compaction of powders at a few MPa, before particles deform plastically,
 * gives relative densities of about 0.55-0.65 (Heckel, Trans. Metall. Soc. AIME 221, 671,
 * 1961, the low-pressure intercept). Defaults: packingFraction 0.55, relativeDensity 0.60.
 * Note: the experiment's pellet holds 27.6 wt% propylene carbonate (1.205 g/cm3); if all of
 * it filled the inter-particle pores of a 1.076 g/cm3 MOF, the relative density would be
 * 1.205 / (1.205 + 1.076 x 0.276 / 0.724) = 0.75; with PC also inside the framework, or
 * pores not full, the two are reconciled differently. The scenario chooses.
 */
import type { RandomStream } from "../../core/rng.js";
import { ScenarioError } from "../../core/errors.js";
import { checkPositive, checkRange, checkShape, fmt } from "./check.js";
import { MOF_DENSITY_G_PER_CM3 } from "./densities.js";
import { packSpheres } from "./pack.js";
import {
  checkParticleSizes, sampleDiameters, scaled, sum, swellToCount, uniformCentres, type ParticleSet,
} from "./particles.js";
import {
  fractions, grainCount, LABEL_MOF, LABEL_PORE, mofFaceCounts, phaseList,
  type GridShape, type Morphology, type MorphologyStats,
} from "./phases.js";

export interface PelletOptions {
  readonly shape: GridShape;
  readonly voxelNm: number;
  /** Median (geometric-mean) particle diameter, nm. Default 500. */
  readonly particleDiameterNm?: number;
  /** Standard deviation of ln(diameter). Default 0.25. Truncated at +-3 sd. */
  readonly diameterLogSd?: number;
  /** Solid volume fraction after pressing. Default 0.60. */
  readonly relativeDensity?: number;
  /** Solid fraction of the non-overlapping packing before pressing (<= relativeDensity, <= 0.6). Default 0.55. */
  readonly packingFraction?: number;
  /** MOF crystal density, g/cm3, for mass bookkeeping. Default 1.076 (densities.ts). */
  readonly mofDensityGPerCm3?: number;
}

export const PELLET_DEFAULTS = {
  particleDiameterNm: 500,
  diameterLogSd: 0.25,
  relativeDensity: 0.6,
  packingFraction: 0.55,
  mofDensityGPerCm3: MOF_DENSITY_G_PER_CM3,
} as const;

export interface PelletStats extends MorphologyStats {
  readonly particleCount: number;
  /** Particles that own at least one voxel. */
  readonly grainCount: number;
  /** Number-mean diameter as rasterised (after pressing), nm. */
  readonly meanDiameterNm: number;
  /** Common radius growth factor of the pressing step. */
  readonly compactionScale: number;
  /** Largest overlap left by the packing, relative to r_i + r_j (0 = fully relaxed). */
  readonly packingResidualOverlap: number;
}

export interface PelletMorphology extends Morphology<PelletStats> {
  readonly particles: ParticleSet;
}

/** Bytes a pellet of this shape needs: phase (1) + grain (4) + Float32 scratch (4) per voxel. */
export function pelletMemoryBytes(shape: GridShape): number {
  return 9 * shape[0] * shape[1] * shape[2];
}

export function pellet(options: PelletOptions, stream: RandomStream): PelletMorphology {
  const shape = checkShape(options.shape);
  const voxelNm = checkPositive("voxelNm", options.voxelNm);
  const dNm = checkPositive("particleDiameterNm", options.particleDiameterNm ?? PELLET_DEFAULTS.particleDiameterNm);
  const logSd = checkRange("diameterLogSd", options.diameterLogSd ?? PELLET_DEFAULTS.diameterLogSd, 0, 1);
  const density = checkRange("relativeDensity", options.relativeDensity ?? PELLET_DEFAULTS.relativeDensity, 0, 0.95, true);
  const packing = checkRange("packingFraction", options.packingFraction ?? PELLET_DEFAULTS.packingFraction, 0, 0.6, true);
  const rhoMof = checkPositive("mofDensityGPerCm3", options.mofDensityGPerCm3 ?? PELLET_DEFAULTS.mofDensityGPerCm3);
  if (packing > density) {
    throw new ScenarioError("packingFraction", `got ${fmt(packing)}; must not exceed relativeDensity (${fmt(density)}): pressing only densifies`);
  }
  checkParticleSizes(shape, voxelNm, dNm, logSd);

  const n = shape[0] * shape[1] * shape[2];
  const diameters = sampleDiameters(stream, dNm / voxelNm, logSd, packing * n);
  const radii = scaled(diameters, 0.5);
  const pack = packSpheres(uniformCentres(stream, radii.length, shape), radii, shape);

  const phase = new Uint8Array(n);
  const grain = new Int32Array(n);
  const work = new Float32Array(n);
  const target = Math.round(density * n);
  const { scale } = swellToCount(shape, pack.positions, radii, target, 1.2 * Math.cbrt(density / packing), LABEL_MOF, 1, phase, grain, work);

  const labels = [LABEL_PORE, LABEL_MOF];
  const { volumeFraction, massFraction } = fractions(phase, labels, { [LABEL_MOF]: rhoMof });
  const faces = mofFaceCounts(shape, phase, grain);
  const finalDiametersNm = scaled(diameters, scale * voxelNm);
  return {
    grid: { shape, phase, grain },
    phases: phaseList(labels),
    stats: {
      voxelNm,
      volumeFraction,
      massFraction,
      ...faces,
      particleCount: radii.length,
      grainCount: grainCount(phase, grain, LABEL_MOF, radii.length),
      meanDiameterNm: sum(finalDiametersNm) / radii.length,
      compactionScale: scale,
      packingResidualOverlap: pack.maxOverlap,
    },
    particles: { centresNm: scaled(pack.positions, voxelNm), diametersNm: finalDiametersNm, firstGrain: 1 },
  };
}
