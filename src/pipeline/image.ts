/**
 * The image user's question in one call (`mofhop image`): for a label image (TIFF stack or
 * slice folder), the volume fraction of each label, and along x, y and z whether the
 * conducting labels percolate, the effective conductivity and the tortuosity factor.
 *
 * Conducting labels carry the given conductivities; every other label present insulates
 * (grid label 0). One DC solve per direction, with the image turned so that the direction
 * is the solver's x (grid.ts, `turnToAxis`) and plane electrodes on its two faces.
 * Tortuosity factor along d:
 *   tau_d = (sum_i f_i sigma_i) / sigma_eff,d
 * f_i the volume fraction of conducting label i: with one conducting phase this is
 * TauFactor's tau = eps sigma_bulk / sigma_eff (Cooper et al., SoftwareX 5, 203 (2016)); with
 * several it divides the parallel (Wiener) bound, so tau >= 1 always. Infinity when nothing
 * percolates.
 */
import { InputError } from "../core/errors.js";
import { checkCrop, readImageHeader, readImageVolume, type ImageCrop } from "../structure/voxel/image.js";
import { turnEdges, turnToAxis, type Axis } from "../structure/voxel/grid.js";
import { solveNetwork } from "../transport/network/solve.js";
import { checkVoxelMemory } from "./morphology.js";

export interface ImageAnalysisOptions {
  /** Multi-page TIFF or folder of TIFF slices. */
  readonly path: string;
  /** Conducting labels and their conductivities, S/cm (> 0). */
  readonly conducting: readonly { readonly label: number; readonly conductivitySPerCm: number }[];
  /** Voxel edge, nm: one number or [x, y, z] along the image axes. */
  readonly voxelNm: number | readonly [number, number, number];
  readonly crop?: ImageCrop;
  readonly sides: "no-flux" | "periodic";
  /** Directions to solve (default x, y, z). */
  readonly axes?: readonly Axis[];
  /** Relative residual of each solve (default 1e-8). */
  readonly tolerance?: number;
  /** Threads of each solve (default automatic: NetworkOptions.threads). */
  readonly threads?: number;
}

export interface ImageLabelRow {
  readonly label: number;
  readonly voxels: number;
  readonly volumeFraction: number;
  /** S/cm; 0 for the labels not given (insulating). */
  readonly conductivitySPerCm: number;
}

export interface ImageDirectionRow {
  readonly axis: Axis;
  /** A cluster of conducting voxels connects the two faces normal to this axis. */
  readonly percolates: boolean;
  readonly conductivitySPerCm: number;
  /** (sum_i f_i sigma_i) / sigma_eff (file header); Infinity without percolation. */
  readonly tortuosityFactor: number;
  /** Fraction of the conducting voxels in clusters that touch both faces (they carry the current). */
  readonly carryingFractionOfConducting: number;
  readonly lengthCm: number;
  readonly areaCm2: number;
  readonly solverIterations: number;
  readonly relativeResidual: number;
  readonly solveSeconds: number;
}

export interface ImageAnalysis {
  readonly path: string;
  /** [columns, rows, pages] after the crop (the image's x, y, z). */
  readonly shape: readonly [number, number, number];
  /** The full image's shape. */
  readonly imageShape: readonly [number, number, number];
  readonly crop?: ImageCrop;
  readonly voxelNm: readonly [number, number, number];
  readonly sides: "no-flux" | "periodic";
  readonly bitsPerSample: 8 | 16;
  readonly labels: readonly ImageLabelRow[];
  /** Volume fraction of all conducting labels together. */
  readonly conductingFraction: number;
  readonly directions: readonly ImageDirectionRow[];
}

/** Fractions, percolation, effective conductivity and tortuosity factor of a label image along each axis. */
export function analyseImage(o: ImageAnalysisOptions): ImageAnalysis {
  if (o.conducting.length === 0) throw new InputError("phase: give at least one conducting label (--phase LABEL[:SIGMA])");
  if (o.conducting.length > 255) throw new InputError(`phase: ${o.conducting.length} conducting labels; at most 255`);
  const phaseOfLabel = new Map<number, number>();
  o.conducting.forEach((c, i) => {
    if (!(Number.isInteger(c.label) && c.label >= 0 && c.label <= 65535)) throw new InputError(`phase ${c.label}: the label must be an integer 0..65535`);
    if (!(c.conductivitySPerCm > 0 && Number.isFinite(c.conductivitySPerCm))) throw new InputError(`phase ${c.label}: conductivity ${c.conductivitySPerCm}; must be finite and > 0 S/cm`);
    if (phaseOfLabel.has(c.label)) throw new InputError(`phase ${c.label}: given twice`);
    phaseOfLabel.set(c.label, i + 1);
  });
  const edges: [number, number, number] = typeof o.voxelNm === "number" ? [o.voxelNm, o.voxelNm, o.voxelNm] : [o.voxelNm[0], o.voxelNm[1], o.voxelNm[2]];
  if (!edges.every((v) => v > 0 && Number.isFinite(v))) throw new InputError(`voxel: got ${edges.join(", ")} nm; must be finite and > 0`);
  const axes = o.axes ?? ["x", "y", "z"];
  const header = readImageHeader(o.path);
  const crop = checkCrop(header.shape, o.crop, "crop");
  const shape: [number, number, number] = [crop.to[0] - crop.from[0], crop.to[1] - crop.from[1], crop.to[2] - crop.from[2]];
  // the lean DC path (periodic sides: the stored one), with the grid turned to y or z beside the image's
  const periodic = o.sides === "periodic";
  checkVoxelMemory(shape, `image ${o.path}${o.crop !== undefined ? " (cropped)" : ""}`, 1, {
    path: periodic ? "stored" : "lean",
    periodic,
    conductingLabels: o.conducting.length,
    gridCopies: axes.some((a) => a !== "x") ? 1 : 0,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
  });
  const { grid, labelCounts } = readImageVolume(header, { phaseOfLabel, otherPhase: 0, crop });
  const n = grid.phase.length;
  const sigmaOf = new Map(o.conducting.map((c) => [c.label, c.conductivitySPerCm]));
  const labels: ImageLabelRow[] = [...new Set([...labelCounts.keys(), ...sigmaOf.keys()])]
    .sort((a, b) => a - b)
    .map((label) => {
      const voxels = labelCounts.get(label) ?? 0;
      return { label, voxels, volumeFraction: voxels / n, conductivitySPerCm: sigmaOf.get(label) ?? 0 };
    });
  let parallel = 0, conductingFraction = 0;
  for (const l of labels) {
    parallel += l.volumeFraction * l.conductivitySPerCm;
    if (l.conductivitySPerCm > 0) conductingFraction += l.volumeFraction;
  }
  const phases = [{ label: 0, name: "insulating", conductivitySPerCm: 0 }, ...o.conducting.map((c, i) => ({ label: i + 1, name: `label ${c.label}`, conductivitySPerCm: c.conductivitySPerCm }))];
  const directions = axes.map((axis): ImageDirectionRow => {
    const r = solveNetwork(turnToAxis(grid, axis), {
      phases,
      voxelNm: turnEdges(edges, axis),
      sides: o.sides,
      tolerance: o.tolerance ?? 1e-8,
      currentDensity: false,
      phaseConnectivity: false,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
    });
    return {
      axis,
      percolates: r.percolates,
      conductivitySPerCm: r.conductivitySPerCm,
      tortuosityFactor: r.conductivitySPerCm > 0 ? parallel / r.conductivitySPerCm : Infinity,
      carryingFractionOfConducting: conductingFraction > 0 ? r.currentCarryingFraction / conductingFraction : 0,
      lengthCm: r.lengthCm,
      areaCm2: r.areaCm2,
      solverIterations: r.solverIterations,
      relativeResidual: r.relativeResidual,
      solveSeconds: r.stats.solveSeconds,
    };
  });
  return {
    path: o.path,
    shape,
    imageShape: header.shape,
    ...(o.crop !== undefined ? { crop: o.crop } : {}),
    voxelNm: edges,
    sides: o.sides,
    bitsPerSample: header.bitsPerSample,
    labels,
    conductingFraction,
    directions,
  };
}
