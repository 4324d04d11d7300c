/**
 * `grown-on-fibres`: the interconnected design. A random 3D network of bacterial-cellulose
 * nanofibres (fibres.ts) carries a continuous MOF coating grown in place (the study grows
 * the MOF on a BC aerogel from ZrCl4 and linker; the crystals cover the fibres without
 * gaps and join at the nodes).
 *
 * Coating: every voxel within distance h of a fibre axis that is not fibre is MOF, with h
 * chosen so that MOF : BC = `mofToFibreMassRatio` exactly on the grid (7:3 by mass is
 * 77.3 : 22.7 by volume with the densities of densities.ts; on an isolated fibre of
 * radius a the coating would be a (sqrt(1 + V_MOF/V_BC) - 1) = 1.10 a thick, 27 nm on a
 * 50 nm fibre; where fibres run close, coatings merge and h grows to keep the mass).
 * Grains: each voxel of fibre or coating belongs to the fibre whose axis is nearest (grain
 * id 1 + fibre index), so a fibre's coating is ONE grain along its length, and where the
 * coatings of two fibres meet (on the surface equidistant from their axes) there is a grain
 * boundary: the junction. Pores are label 0, grain 0.
 *
 * Density: the study gives the membrane's propylene-carbonate content as below 17.6 wt%; if
 * the pores were full of PC (1.205 g/cm3), porosity p would satisfy 1.205 p / (1.205 p +
 * (1 - p) rho_solid) = 0.176 with rho_solid = 1.187 g/cm3 (MOF + BC at 7:3), p = 0.17 at
 * most. Default porosity 0.40, the same pore fraction as the default pellet, so that the
 * designs differ by morphology and not by density; set 0.17 for the PC-derived bound.
 */
import type { RandomStream } from "../../core/rng.js";
import { checkPositive, checkRange, checkResolved, checkShape, fmt } from "./check.js";
import { BC_DENSITY_G_PER_CM3, MOF_DENSITY_G_PER_CM3, volumeShare } from "./densities.js";
import { addRandomFibres, axesToNm, DEFAULT_FIBRE_DIAMETER_NM, type FibreSet } from "./fibres.js";
import {
  fractions, grainCount, LABEL_FIBRE, LABEL_MOF, LABEL_PORE, mofFaceCounts, phaseList,
  type GridShape, type Morphology, type MorphologyStats,
} from "./phases.js";
import { fibreAxisDistance, kthSmallest, rasteriseFibreCore } from "./raster.js";
import { badValue, ScenarioError } from "../../core/errors.js";

export interface GrownOnFibresOptions {
  readonly shape: GridShape;
  readonly voxelNm: number;
  /** BC fibre diameter, nm. Default 50. */
  readonly fibreDiameterNm?: number;
  /** MOF : BC by mass. Default 7/3. */
  readonly mofToFibreMassRatio?: number;
  /** Pore volume fraction (label 0). Default 0.40. */
  readonly porosity?: number;
  readonly mofDensityGPerCm3?: number;
  readonly fibreDensityGPerCm3?: number;
}

export const GROWN_ON_FIBRES_DEFAULTS = {
  fibreDiameterNm: DEFAULT_FIBRE_DIAMETER_NM,
  mofToFibreMassRatio: 7 / 3,
  porosity: 0.4,
  mofDensityGPerCm3: MOF_DENSITY_G_PER_CM3,
  fibreDensityGPerCm3: BC_DENSITY_G_PER_CM3,
} as const;

export interface GrownOnFibresStats extends MorphologyStats {
  readonly fibreCount: number;
  /** Fibres whose grain owns at least one MOF voxel. */
  readonly coatedFibreCount: number;
  /** Coating thickness an isolated fibre would carry at this mass ratio, nm. */
  readonly isolatedCoatingNm: number;
  /** Realised reach of the coating from the fibre surface, nm (h - a). */
  readonly coatingReachNm: number;
}

export interface GrownOnFibresMorphology extends Morphology<GrownOnFibresStats> {
  readonly fibres: FibreSet;
}

/** Bytes needed: phase (1) + grain (4) + distance (4) + candidate copy (4) per voxel. */
export function grownOnFibresMemoryBytes(shape: GridShape): number {
  return 13 * shape[0] * shape[1] * shape[2];
}

/** Coating thickness on an isolated cylinder of radius a holding MOF volume share vMof: a (sqrt(1/(1 - vMof)) - 1). */
export function isolatedCoatingNm(fibreDiameterNm: number, mofVolumeShare: number): number {
  return (fibreDiameterNm / 2) * (Math.sqrt(1 / (1 - mofVolumeShare)) - 1);
}

export function grownOnFibres(options: GrownOnFibresOptions, stream: RandomStream): GrownOnFibresMorphology {
  const D = GROWN_ON_FIBRES_DEFAULTS;
  const shape = checkShape(options.shape);
  const voxelNm = checkPositive("voxelNm", options.voxelNm);
  const fibreNm = checkPositive("fibreDiameterNm", options.fibreDiameterNm ?? D.fibreDiameterNm);
  const ratio = checkPositive("mofToFibreMassRatio", options.mofToFibreMassRatio ?? D.mofToFibreMassRatio);
  const porosity = checkRange("porosity", options.porosity ?? D.porosity, 0, 1, false, true);
  const rhoMof = checkPositive("mofDensityGPerCm3", options.mofDensityGPerCm3 ?? D.mofDensityGPerCm3);
  const rhoBc = checkPositive("fibreDensityGPerCm3", options.fibreDensityGPerCm3 ?? D.fibreDensityGPerCm3);
  checkResolved("fibreDiameterNm", "the fibre diameter", fibreNm, voxelNm, 2);
  const vMof = volumeShare(ratio, rhoMof, rhoBc);
  const coatNm = isolatedCoatingNm(fibreNm, vMof);
  checkResolved("mofToFibreMassRatio", `the coating an isolated fibre carries at MOF:BC ${fmt(ratio)}:1`, coatNm, voxelNm, 1);

  const n = shape[0] * shape[1] * shape[2];
  const a = fibreNm / 2 / voxelNm;
  const phase = new Uint8Array(n);
  const grain = new Int32Array(n);
  const fibreTarget = Math.max(1, Math.round((1 - porosity) * (1 - vMof) * n));
  const { axes, labelled } = addRandomFibres(stream, shape, a, fibreTarget, LABEL_PORE, LABEL_FIBRE, 1, phase, grain);
  const mofTarget = Math.round((labelled * vMof) / (1 - vMof));
  const reach = coatWithCount(shape, axes, a, mofTarget, a + 2 * (coatNm / voxelNm) + 1, phase, grain);
  return finish(shape, voxelNm, fibreNm, phase, grain, axes, rhoMof, rhoBc, coatNm, reach - a);
}

export interface CoatedFibresOptions {
  readonly shape: GridShape;
  readonly voxelNm: number;
  /** Fibre axes, 6 numbers per fibre: a point (nm) and a direction (normalised here). */
  readonly axesNm: Float64Array | readonly number[];
  readonly fibreDiameterNm: number;
  /** MOF coating thickness from the fibre surface, nm. */
  readonly coatingThicknessNm: number;
  readonly mofDensityGPerCm3?: number;
  readonly fibreDensityGPerCm3?: number;
}

/**
 * Given fibre axes and a coating thickness (no randomness): the same fibre, coating and
 * grain rules as `grownOnFibres`, for hand-built networks and exact tests.
 */
export function coatedFibres(options: CoatedFibresOptions): GrownOnFibresMorphology {
  const shape = checkShape(options.shape);
  const voxelNm = checkPositive("voxelNm", options.voxelNm);
  const fibreNm = checkPositive("fibreDiameterNm", options.fibreDiameterNm);
  const tNm = checkRange("coatingThicknessNm", options.coatingThicknessNm, 0, Infinity);
  const rhoMof = checkPositive("mofDensityGPerCm3", options.mofDensityGPerCm3 ?? MOF_DENSITY_G_PER_CM3);
  const rhoBc = checkPositive("fibreDensityGPerCm3", options.fibreDensityGPerCm3 ?? BC_DENSITY_G_PER_CM3);
  checkResolved("fibreDiameterNm", "the fibre diameter", fibreNm, voxelNm, 2);
  const src = options.axesNm;
  if (src.length === 0 || src.length % 6 !== 0) badValue("axesNm", src.length, "must hold 6 numbers per fibre (point, direction)");
  const count = src.length / 6;
  const axes = new Float64Array(src.length);
  for (let f = 0; f < count; f++) {
    const ux = src[6 * f + 3]!, uy = src[6 * f + 4]!, uz = src[6 * f + 5]!;
    const norm = Math.hypot(ux, uy, uz);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new ScenarioError(`axesNm.${6 * f + 3}`, `fibre ${f} has direction (${ux}, ${uy}, ${uz}); need a finite non-zero vector`);
    axes[6 * f] = src[6 * f]! / voxelNm;
    axes[6 * f + 1] = src[6 * f + 1]! / voxelNm;
    axes[6 * f + 2] = src[6 * f + 2]! / voxelNm;
    axes[6 * f + 3] = ux / norm;
    axes[6 * f + 4] = uy / norm;
    axes[6 * f + 5] = uz / norm;
  }
  const n = shape[0] * shape[1] * shape[2];
  const a = fibreNm / 2 / voxelNm, h = a + tNm / voxelNm;
  const phase = new Uint8Array(n);
  const grain = new Int32Array(n);
  for (let f = 0; f < count; f++) rasteriseFibreCore(shape, axes, f, a, LABEL_PORE, LABEL_FIBRE, f + 1, phase, grain);
  const dist = new Float32Array(n).fill(Infinity);
  fibreAxisDistance(shape, axes, count, h, dist, grain);
  for (let v = 0; v < n; v++) {
    if (phase[v] === LABEL_PORE) {
      if (dist[v]! <= h) phase[v] = LABEL_MOF;
      else grain[v] = 0;
    }
  }
  return finish(shape, voxelNm, fibreNm, phase, grain, axes, rhoMof, rhoBc, tNm, tNm / voxelNm);
}

/**
 * Coat the fibres already in `phase` (label FIBRE) with `target` MOF voxels: the pore voxels
 * nearest to any axis, assigned with their fibre voxels to the nearest axis. Returns the
 * distance h from the axis up to which the coating reaches (voxel units).
 */
function coatWithCount(
  shape: GridShape,
  axes: Float64Array,
  radius: number,
  target: number,
  firstReach: number,
  phase: Uint8Array,
  grain: Int32Array,
): number {
  const n = phase.length;
  const count = axes.length / 6;
  const dist = new Float32Array(n);
  let reach = firstReach, candidates = 0, pores = 0;
  const diagonal = Math.hypot(shape[0], shape[1], shape[2]);
  for (;;) {
    dist.fill(Infinity);
    fibreAxisDistance(shape, axes, count, reach, dist, grain);
    candidates = 0;
    pores = 0;
    for (let v = 0; v < n; v++) {
      if (phase[v] !== LABEL_PORE) continue;
      pores++;
      if (dist[v]! <= reach) candidates++;
    }
    if (candidates >= target || candidates === pores || reach > diagonal) break;
    reach *= 1.5;
  }
  target = Math.min(target, candidates);
  let h = radius;
  if (target > 0) {
    const values = new Float32Array(candidates);
    for (let v = 0, k = 0; v < n; v++) if (phase[v] === LABEL_PORE && dist[v]! <= reach) values[k++] = dist[v]!;
    h = kthSmallest(values, candidates, target - 1);
  }
  for (let v = 0; v < n; v++) {
    if (phase[v] !== LABEL_PORE) continue;
    if (target > 0 && dist[v]! <= h) phase[v] = LABEL_MOF;
    else grain[v] = 0;
  }
  return h;
}

function finish(
  shape: GridShape,
  voxelNm: number,
  fibreNm: number,
  phase: Uint8Array,
  grain: Int32Array,
  axes: Float64Array,
  rhoMof: number,
  rhoBc: number,
  isolatedNm: number,
  reachVox: number,
): GrownOnFibresMorphology {
  const labels = [LABEL_PORE, LABEL_MOF, LABEL_FIBRE];
  const { volumeFraction, massFraction } = fractions(phase, labels, { [LABEL_MOF]: rhoMof, [LABEL_FIBRE]: rhoBc });
  const fibreCount = axes.length / 6;
  return {
    grid: { shape, phase, grain },
    phases: phaseList(labels),
    stats: {
      voxelNm,
      volumeFraction,
      massFraction,
      ...mofFaceCounts(shape, phase, grain),
      fibreCount,
      coatedFibreCount: grainCount(phase, grain, LABEL_MOF, fibreCount),
      isolatedCoatingNm: isolatedNm,
      coatingReachNm: reachVox * voxelNm,
    },
    fibres: { axesNm: axesToNm(axes, voxelNm), diameterNm: fibreNm, firstGrain: 1 },
  };
}
