/**
 * Overlapping (Boolean-model) spheres: N equal spheres with centres uniform in the periodic
 * box, overlaps allowed; a reference microstructure with exact statistics. In the continuum
 * a point is covered by a given sphere with probability v / V, independently for each
 * sphere, so the covered fraction has expectation exactly 1 - (1 - v/V)^N
 * (-> 1 - exp(-n v) for a Poisson process of intensity n; Torquato, Random Heterogeneous
 * Materials, 2002, ch. 3). Voxel centres are points, so the voxelised fraction has the
 * same expectation: discretisation adds no bias, only noise. The MOF phase of this model
 * percolates above a volume fraction of 0.2896 (Lorenz and Ziff, J. Chem. Phys. 114, 3659,
 * 2001). Each sphere is a grain (power assignment = nearest centre for equal radii).
 */
import type { RandomStream } from "../../core/rng.js";
import { checkPositive, checkRange, checkResolved, checkShape } from "./check.js";
import { fractions, LABEL_MOF, LABEL_PORE, mofFaceCounts, phaseList, type GridShape, type Morphology, type MorphologyStats } from "./phases.js";
import { MAX_PARTICLES, scaled, uniformCentres, type ParticleSet } from "./particles.js";
import { powerAssign } from "./raster.js";
import { ScenarioError } from "../../core/errors.js";

export interface OverlappingSpheresOptions {
  readonly shape: GridShape;
  readonly voxelNm: number;
  readonly diameterNm: number;
  /**
   * Target covered fraction phi in the continuum: N = round(-ln(1 - phi) V / v) spheres, so
   * N v / V = -ln(1 - phi) (the Poisson intensity giving phi).
   */
  readonly volumeFraction: number;
}

export interface OverlappingSpheresStats extends MorphologyStats {
  readonly sphereCount: number;
  /** Exact expectation of the covered fraction, 1 - (1 - v/V)^N. */
  readonly expectedVolumeFraction: number;
}

export interface OverlappingSpheresMorphology extends Morphology<OverlappingSpheresStats> {
  readonly particles: ParticleSet;
}

/** Bytes needed: phase (1) + grain (4) + Float32 scratch (4) per voxel. */
export function overlappingSpheresMemoryBytes(shape: GridShape): number {
  return 9 * shape[0] * shape[1] * shape[2];
}

export function overlappingSpheres(options: OverlappingSpheresOptions, stream: RandomStream): OverlappingSpheresMorphology {
  const shape = checkShape(options.shape);
  const voxelNm = checkPositive("voxelNm", options.voxelNm);
  const dNm = checkPositive("diameterNm", options.diameterNm);
  const phi = checkRange("volumeFraction", options.volumeFraction, 0, 1, false, true);
  checkResolved("diameterNm", "the sphere diameter", dNm, voxelNm, 2);
  const n = shape[0] * shape[1] * shape[2];
  const r = dNm / 2 / voxelNm;
  const v = (4 / 3) * Math.PI * r * r * r;
  const count = Math.round((-Math.log(1 - phi) * n) / v);
  if (count > MAX_PARTICLES * 10) throw new ScenarioError("volumeFraction", `needs ${count} spheres; at most ${MAX_PARTICLES * 10}`);
  const centres = uniformCentres(stream, count, shape);
  const radii = new Float64Array(count).fill(r);
  const phase = new Uint8Array(n);
  const grain = new Int32Array(n);
  const work = new Float32Array(n).fill(Infinity);
  powerAssign(shape, centres, radii, 1, LABEL_MOF, 1, phase, grain, work);
  const labels = [LABEL_PORE, LABEL_MOF];
  const { volumeFraction, massFraction } = fractions(phase, labels, { [LABEL_MOF]: 1 });
  return {
    grid: { shape, phase, grain },
    phases: phaseList(labels),
    stats: {
      voxelNm,
      volumeFraction,
      massFraction,
      ...mofFaceCounts(shape, phase, grain),
      sphereCount: count,
      expectedVolumeFraction: 1 - Math.pow(1 - v / n, count),
    },
    particles: { centresNm: scaled(centres, voxelNm), diametersNm: new Float64Array(count).fill(dNm), firstGrain: 1 },
  };
}
