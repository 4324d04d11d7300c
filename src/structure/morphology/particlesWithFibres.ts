/**
 * `particles-with-fibres`: pre-made MOF particles stirred into a bacterial-cellulose
 * suspension and filtered (the study's "physically mixed" MOF/BC membrane, MOF:BC = 7:3
 * by mass, particles aggregating).
 *
 * Particles: lognormal sizes as in `pellet`; aggregation by a Neyman-Scott cluster start
 * (aggregate centres uniform in the box, each particle assigned to a random aggregate and
 * started uniformly inside a ball that would hold the aggregate's particles at 50 % solid),
 * then packed without overlap (pack.ts), which relaxes each aggregate into a compact cluster
 * of touching particles. The radii then grow by a common factor (about 2 %) until the MOF
 * fraction on the grid is exact, which turns near-contacts inside aggregates into contact
 * facets, as in `pellet`. Each particle is its own grain (ids 1..N).
 * Fibres: the random network of fibres.ts drawn on the space the particles leave (a
 * fibre meeting a particle passes behind it), until MOF : BC matches the mass ratio; fibre
 * f is grain N + 1 + f. Pores are label 0.
 *
 * Default porosity 0.40 (as the default pellet; the study gives no porosity for this
 * membrane) and 10 particles per aggregate (an assumption: the study reports aggregation
 * and an uneven surface, not aggregate sizes).
 */
import type { RandomStream } from "../../core/rng.js";
import { ScenarioError } from "../../core/errors.js";
import { checkInteger, checkPositive, checkRange, checkResolved, checkShape, fmt } from "./check.js";
import { BC_DENSITY_G_PER_CM3, MOF_DENSITY_G_PER_CM3, volumeShare } from "./densities.js";
import { addRandomFibres, axesToNm, DEFAULT_FIBRE_DIAMETER_NM, type FibreSet } from "./fibres.js";
import { packSpheres } from "./pack.js";
import { checkParticleSizes, sampleDiameters, scaled, swellToCount, type ParticleSet } from "./particles.js";
import {
  fractions, grainCount, LABEL_FIBRE, LABEL_MOF, LABEL_PORE, mofFaceCounts, phaseList,
  type GridShape, type Morphology, type MorphologyStats,
} from "./phases.js";
import { pointInBall } from "./sampling.js";

export interface ParticlesWithFibresOptions {
  readonly shape: GridShape;
  readonly voxelNm: number;
  /** Median particle diameter, nm. Default 500. */
  readonly particleDiameterNm?: number;
  /** Standard deviation of ln(diameter). Default 0.25. */
  readonly diameterLogSd?: number;
  /** MOF : BC by mass. Default 7/3. */
  readonly mofToFibreMassRatio?: number;
  /** Pore volume fraction (label 0). Default 0.40. */
  readonly porosity?: number;
  /** Mean number of particles per aggregate (1 = no aggregation). Default 10. */
  readonly particlesPerAggregate?: number;
  /** BC fibre diameter, nm. Default 50. */
  readonly fibreDiameterNm?: number;
  readonly mofDensityGPerCm3?: number;
  readonly fibreDensityGPerCm3?: number;
}

export const PARTICLES_WITH_FIBRES_DEFAULTS = {
  particleDiameterNm: 500,
  diameterLogSd: 0.25,
  mofToFibreMassRatio: 7 / 3,
  porosity: 0.4,
  particlesPerAggregate: 10,
  fibreDiameterNm: DEFAULT_FIBRE_DIAMETER_NM,
  mofDensityGPerCm3: MOF_DENSITY_G_PER_CM3,
  fibreDensityGPerCm3: BC_DENSITY_G_PER_CM3,
} as const;

/** Particles are packed at this share of their final volume, then swollen onto each other. */
const PRESWELL_VOLUME = 0.94;

export interface ParticlesWithFibresStats extends MorphologyStats {
  readonly particleCount: number;
  readonly grainCount: number;
  readonly aggregateCount: number;
  readonly fibreCount: number;
  readonly compactionScale: number;
  readonly packingResidualOverlap: number;
}

export interface ParticlesWithFibresMorphology extends Morphology<ParticlesWithFibresStats> {
  readonly particles: ParticleSet;
  readonly fibres: FibreSet;
}

/** Bytes needed: phase (1) + grain (4) + Float32 scratch (4) per voxel. */
export function particlesWithFibresMemoryBytes(shape: GridShape): number {
  return 9 * shape[0] * shape[1] * shape[2];
}

export function particlesWithFibres(options: ParticlesWithFibresOptions, stream: RandomStream): ParticlesWithFibresMorphology {
  const D = PARTICLES_WITH_FIBRES_DEFAULTS;
  const shape = checkShape(options.shape);
  const voxelNm = checkPositive("voxelNm", options.voxelNm);
  const dNm = checkPositive("particleDiameterNm", options.particleDiameterNm ?? D.particleDiameterNm);
  const logSd = checkRange("diameterLogSd", options.diameterLogSd ?? D.diameterLogSd, 0, 1);
  const ratio = checkPositive("mofToFibreMassRatio", options.mofToFibreMassRatio ?? D.mofToFibreMassRatio);
  const porosity = checkRange("porosity", options.porosity ?? D.porosity, 0, 1, false, true);
  const perAggregate = checkInteger("particlesPerAggregate", options.particlesPerAggregate ?? D.particlesPerAggregate, 1, 1_000_000);
  const fibreNm = checkPositive("fibreDiameterNm", options.fibreDiameterNm ?? D.fibreDiameterNm);
  const rhoMof = checkPositive("mofDensityGPerCm3", options.mofDensityGPerCm3 ?? D.mofDensityGPerCm3);
  const rhoBc = checkPositive("fibreDensityGPerCm3", options.fibreDensityGPerCm3 ?? D.fibreDensityGPerCm3);
  checkResolved("fibreDiameterNm", "the fibre diameter", fibreNm, voxelNm, 2);
  checkParticleSizes(shape, voxelNm, dNm, logSd);
  const vMof = volumeShare(ratio, rhoMof, rhoBc);
  const phiMof = (1 - porosity) * vMof;
  if (phiMof * PRESWELL_VOLUME > 0.6) {
    throw new ScenarioError(
      "porosity",
      `got ${fmt(porosity)}: the MOF volume fraction ${fmt(phiMof)} is more than loose particles pack to (0.6 / ${PRESWELL_VOLUME}); use porosity >= ${fmt(1 - 0.6 / PRESWELL_VOLUME / vMof)}`,
    );
  }

  const n = shape[0] * shape[1] * shape[2];
  const diameters = sampleDiameters(stream, dNm / voxelNm, logSd, PRESWELL_VOLUME * phiMof * n);
  const radii = scaled(diameters, 0.5);
  const count = radii.length;
  const aggregates = Math.max(1, Math.round(count / perAggregate));
  const centres = new Float64Array(3 * aggregates);
  for (let c = 0; c < aggregates; c++) {
    centres[3 * c] = stream.nextFloat() * shape[0];
    centres[3 * c + 1] = stream.nextFloat() * shape[1];
    centres[3 * c + 2] = stream.nextFloat() * shape[2];
  }
  const member = new Int32Array(count);
  const aggregateVolume = new Float64Array(aggregates);
  for (let i = 0; i < count; i++) {
    const c = stream.nextBelow(aggregates);
    member[i] = c;
    aggregateVolume[c] = aggregateVolume[c]! + (4 / 3) * Math.PI * radii[i]! ** 3;
  }
  const start = new Float64Array(3 * count);
  for (let i = 0; i < count; i++) {
    const c = member[i]!;
    const ballRadius = Math.cbrt((3 * aggregateVolume[c]!) / (4 * Math.PI * 0.5));
    pointInBall(stream, centres[3 * c]!, centres[3 * c + 1]!, centres[3 * c + 2]!, ballRadius, start, 3 * i);
  }
  const pack = packSpheres(start, radii, shape);

  const phase = new Uint8Array(n);
  const grain = new Int32Array(n);
  const work = new Float32Array(n);
  const { scale, covered } = swellToCount(shape, pack.positions, radii, Math.round(phiMof * n), 1.2 / Math.cbrt(PRESWELL_VOLUME), LABEL_MOF, 1, phase, grain, work);
  const fibreTarget = Math.round((covered * (1 - vMof)) / vMof);
  const { axes } = addRandomFibres(stream, shape, fibreNm / 2 / voxelNm, fibreTarget, LABEL_PORE, LABEL_FIBRE, count + 1, phase, grain);

  const labels = [LABEL_PORE, LABEL_MOF, LABEL_FIBRE];
  const { volumeFraction, massFraction } = fractions(phase, labels, { [LABEL_MOF]: rhoMof, [LABEL_FIBRE]: rhoBc });
  const finalDiametersNm = scaled(diameters, scale * voxelNm);
  return {
    grid: { shape, phase, grain },
    phases: phaseList(labels),
    stats: {
      voxelNm,
      volumeFraction,
      massFraction,
      ...mofFaceCounts(shape, phase, grain),
      particleCount: count,
      grainCount: grainCount(phase, grain, LABEL_MOF, count),
      aggregateCount: aggregates,
      fibreCount: axes.length / 6,
      compactionScale: scale,
      packingResidualOverlap: pack.maxOverlap,
    },
    particles: { centresNm: scaled(pack.positions, voxelNm), diametersNm: finalDiametersNm, firstGrain: 1 },
    fibres: { axesNm: axesToNm(axes, voxelNm), diameterNm: fibreNm, firstGrain: count + 1 },
  };
}

