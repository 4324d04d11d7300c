/**
 * `particles-in-polymer`: MOF particles dispersed in a PVDF-HFP binder (the experiment's
 * 80:20 by mass composite), with residual porosity.
 *
 * Volumes from masses: with the crystal densities of densities.ts, MOF:PVDF-HFP = 80:20 by
 * mass is 86.9 : 13.1 by volume, so the solid is mostly MOF. Spread as a uniform shell, the
 * binder is only t = r ((1 + V_P/V_M)^(1/3) - 1) = 12 nm thick on a 500 nm particle, so a
 * pore-free film (MOF 87 vol%, far above random close packing, 0.64) cannot keep its
 * particles apart: "few contacts" needs porosity. The model: particles keep a minimum
 * surface-to-surface gap `minGapNm` (default 2 t, binder shells touching) and are packed
 * without overlap (spheres of radius r + gap/2, which must stay below a packing fraction
 * of 0.60); the binder then fills the space nearest to the particles (every non-MOF voxel
 * within distance h of a particle surface, h chosen so the binder volume matches the
 * mass ratio exactly on the grid: a uniform coating that bridges the narrow necks first);
 * the rest is pore (label 0). No two particles share a voxel face when the gap exceeds one
 * voxel, which the generator requires, so the MOF phase never percolates through contacts
 * and ions must cross the binder (or the pore liquid) between particles.
 *
 * Default porosity 0.45: the most the 80:20 film can be densified while the coated
 * particles still pack (0.55 / 0.60 of the packing limit with 24 nm gaps); an assumption,
 * not a measurement (the study does not give the composite's porosity).
 */
import type { RandomStream } from "../../core/rng.js";
import { ScenarioError } from "../../core/errors.js";
import { checkPositive, checkRange, checkShape, fmt } from "./check.js";
import { MOF_DENSITY_G_PER_CM3, PVDF_HFP_DENSITY_G_PER_CM3, volumeShare } from "./densities.js";
import { packSpheres } from "./pack.js";
import { checkParticleSizes, sampleDiameters, scaled, sum, uniformCentres, type ParticleSet } from "./particles.js";
import {
  fractions, grainCount, LABEL_MOF, LABEL_POLYMER, LABEL_PORE, mofFaceCounts, phaseList,
  type GridShape, type Morphology, type MorphologyStats,
} from "./phases.js";
import { kthSmallest, sphereDistance } from "./raster.js";
import { meanCubeLognormal } from "./sampling.js";

export interface ParticlesInPolymerOptions {
  readonly shape: GridShape;
  readonly voxelNm: number;
  /** Median particle diameter, nm. Default 500. */
  readonly particleDiameterNm?: number;
  /** Standard deviation of ln(diameter). Default 0.25. */
  readonly diameterLogSd?: number;
  /** MOF : polymer by mass. Default 4 (80:20). */
  readonly mofToPolymerMassRatio?: number;
  /** Residual pore volume fraction (label 0). Default 0.45. */
  readonly porosity?: number;
  /** Smallest surface-to-surface distance between particles, nm. Default: twice the uniform binder shell. */
  readonly minGapNm?: number;
  readonly mofDensityGPerCm3?: number;
  readonly polymerDensityGPerCm3?: number;
}

export const PARTICLES_IN_POLYMER_DEFAULTS = {
  particleDiameterNm: 500,
  diameterLogSd: 0.25,
  mofToPolymerMassRatio: 4,
  porosity: 0.45,
  mofDensityGPerCm3: MOF_DENSITY_G_PER_CM3,
  polymerDensityGPerCm3: PVDF_HFP_DENSITY_G_PER_CM3,
} as const;

/** Packing radii carry a 0.2 % margin: the packer leaves overlaps below 0.1 % of r_i + r_j. */
const PACK_MARGIN = 1.002;

/** Highest packing fraction the collective-rearrangement packer reaches reliably. */
export const MAX_PACKING_FRACTION = 0.6;

export interface ParticlesInPolymerStats extends MorphologyStats {
  readonly particleCount: number;
  readonly grainCount: number;
  readonly minGapNm: number;
  /** Thickness of the uniform binder shell holding all the polymer (median particle), nm. */
  readonly uniformShellNm: number;
  /** Distance from the particle surfaces up to which the binder fills the space, nm. */
  readonly binderReachNm: number;
  /** Packing fraction of the particles inflated by half the gap. */
  readonly inflatedPackingFraction: number;
  readonly packingResidualOverlap: number;
}

export interface ParticlesInPolymerMorphology extends Morphology<ParticlesInPolymerStats> {
  readonly particles: ParticleSet;
}

/** Bytes needed: phase (1) + grain (4) + distance (4) + candidate copy (4) per voxel. */
export function particlesInPolymerMemoryBytes(shape: GridShape): number {
  return 13 * shape[0] * shape[1] * shape[2];
}

/** Uniform binder shell thickness on a particle of diameter dNm holding polymer volume fraction (1 - vMof)/vMof of it. */
export function uniformShellNm(dNm: number, mofVolumeShare: number): number {
  return (dNm / 2) * (Math.cbrt(1 / mofVolumeShare) - 1);
}

export function particlesInPolymer(options: ParticlesInPolymerOptions, stream: RandomStream): ParticlesInPolymerMorphology {
  const D = PARTICLES_IN_POLYMER_DEFAULTS;
  const shape = checkShape(options.shape);
  const voxelNm = checkPositive("voxelNm", options.voxelNm);
  const dNm = checkPositive("particleDiameterNm", options.particleDiameterNm ?? D.particleDiameterNm);
  const logSd = checkRange("diameterLogSd", options.diameterLogSd ?? D.diameterLogSd, 0, 1);
  const ratio = checkPositive("mofToPolymerMassRatio", options.mofToPolymerMassRatio ?? D.mofToPolymerMassRatio);
  const porosity = checkRange("porosity", options.porosity ?? D.porosity, 0, 1, false, true);
  const rhoMof = checkPositive("mofDensityGPerCm3", options.mofDensityGPerCm3 ?? D.mofDensityGPerCm3);
  const rhoPol = checkPositive("polymerDensityGPerCm3", options.polymerDensityGPerCm3 ?? D.polymerDensityGPerCm3);
  const vMof = volumeShare(ratio, rhoMof, rhoPol);
  const shellNm = uniformShellNm(dNm, vMof);
  const gapNm = options.minGapNm === undefined ? 2 * shellNm : checkPositive("minGapNm", options.minGapNm);
  if (gapNm < voxelNm) {
    const how = options.minGapNm === undefined ? ` (default: twice the ${fmt(shellNm)} nm binder shell that ${fmt(ratio)}:1 by mass gives)` : "";
    throw new ScenarioError(
      "minGapNm",
      `got ${fmt(gapNm)} nm${how}; the gap between particles must span at least one voxel (voxelNm ${fmt(voxelNm)}) or particles touch on the grid: use voxelNm <= ${fmt(gapNm)} or a larger minGapNm`,
    );
  }
  checkParticleSizes(shape, voxelNm, dNm, logSd, 1 + gapNm / dNm);
  const phiMof = (1 - porosity) * vMof;
  // inflated fraction: E[(d + g)^3] / E[d^3], by the lognormal moments E[d^k] = m^k exp(k^2 s^2 / 2)
  const m1 = dNm * Math.exp(logSd * logSd / 2), m2 = dNm * dNm * Math.exp(2 * logSd * logSd);
  const m3 = meanCubeLognormal(dNm, logSd);
  const inflation = ((m3 + 3 * m2 * gapNm + 3 * m1 * gapNm * gapNm + gapNm ** 3) / m3) * PACK_MARGIN ** 3;
  if (phiMof * inflation > MAX_PACKING_FRACTION) {
    throw new ScenarioError(
      "porosity",
      `got ${fmt(porosity)}: MOF volume fraction ${fmt(phiMof)} with ${fmt(gapNm)} nm gaps packs particles to ${fmt(phiMof * inflation)}, above ${MAX_PACKING_FRACTION} (dispersed particles need porosity >= ${fmt(1 - MAX_PACKING_FRACTION / (inflation * vMof))}, or a smaller minGapNm)`,
    );
  }

  const n = shape[0] * shape[1] * shape[2];
  const gap = gapNm / voxelNm;
  const diameters = sampleDiameters(stream, dNm / voxelNm, logSd, phiMof * n);
  const radii = scaled(diameters, 0.5);
  const inflated = new Float64Array(radii.length);
  for (let i = 0; i < radii.length; i++) inflated[i] = (radii[i]! + gap / 2) * PACK_MARGIN;
  const pack = packSpheres(uniformCentres(stream, radii.length, shape), inflated, shape);

  const phase = new Uint8Array(n);
  const grain = new Int32Array(n);
  const dist = new Float32Array(n);
  let reach = Math.max(2, 3 * (shellNm / voxelNm));
  let mofCount = 0, polymerTarget = 0, candidates = 0;
  for (;;) {
    phase.fill(LABEL_PORE);
    grain.fill(0);
    dist.fill(Infinity);
    sphereDistance(shape, pack.positions, radii, reach, LABEL_MOF, 1, phase, grain, dist);
    mofCount = 0;
    candidates = 0;
    for (let v = 0; v < n; v++) {
      if (phase[v] === LABEL_MOF) mofCount++;
      else if (dist[v]! <= reach) candidates++;
    }
    polymerTarget = Math.round((mofCount * (1 - vMof)) / vMof);
    if (candidates >= polymerTarget || candidates === n - mofCount) break;
    reach *= 2;
  }
  polymerTarget = Math.min(polymerTarget, candidates);
  let threshold = -Infinity;
  if (polymerTarget > 0) {
    const values = new Float32Array(candidates);
    for (let v = 0, k = 0; v < n; v++) if (phase[v] !== LABEL_MOF && dist[v]! <= reach) values[k++] = dist[v]!;
    threshold = kthSmallest(values, candidates, polymerTarget - 1);
    for (let v = 0; v < n; v++) if (phase[v] === LABEL_PORE && dist[v]! <= threshold) phase[v] = LABEL_POLYMER;
  }

  const labels = [LABEL_PORE, LABEL_MOF, LABEL_POLYMER];
  const { volumeFraction, massFraction } = fractions(phase, labels, { [LABEL_MOF]: rhoMof, [LABEL_POLYMER]: rhoPol });
  return {
    grid: { shape, phase, grain },
    phases: phaseList(labels),
    stats: {
      voxelNm,
      volumeFraction,
      massFraction,
      ...mofFaceCounts(shape, phase, grain),
      particleCount: radii.length,
      grainCount: grainCount(phase, grain, LABEL_MOF, radii.length),
      minGapNm: gapNm,
      uniformShellNm: shellNm,
      binderReachNm: Math.max(0, threshold) * voxelNm,
      inflatedPackingFraction: (sum(inflated.map((r) => r ** 3)) * (4 / 3) * Math.PI) / n,
      packingResidualOverlap: pack.maxOverlap,
    },
    particles: { centresNm: scaled(pack.positions, voxelNm), diametersNm: scaled(diameters, voxelNm), firstGrain: 1 },
  };
}
