/**
 * The morphology generators' shared vocabulary: the fixed phase labels, the result record
 * and the statistics every generator reports.
 *
 * Label convention (fixed; scenarios attach conductivities to these labels):
 *   0 = pore (void or solvent-filled: the scenario decides its conductivity)
 *   1 = MOF
 *   2 = polymer binder (PVDF-HFP)
 *   3 = bacterial-cellulose (BC) nanofibre
 * Grain ids: 0 for the continuous phases (pore, polymer); 1, 2, ... for objects (a
 * particle, or a fibre together with the MOF grown on it). A face between two voxels of
 * the same phase and different grain ids is a grain boundary.
 *
 * `MorphologyGrid` has exactly the fields of `VoxelGrid` in structure/voxel/grid.ts (shape
 * [nx, ny, nz], phase Uint8Array, grain Int32Array, index x + nx (y + ny z)). It is declared
 * here rather than imported because sibling folders of structure/ may not import each other
 * (STYLE.md, ../shared/tools/check-layers.mjs); TypeScript's structural typing makes every
 * MorphologyGrid a VoxelGrid, and test/unit/morphology.test.ts asserts the two stay in step.
 */

export type GridShape = readonly [number, number, number];

export interface MorphologyGrid {
  readonly shape: GridShape;
  readonly phase: Uint8Array;
  readonly grain: Int32Array;
}

export const LABEL_PORE = 0;
export const LABEL_MOF = 1;
export const LABEL_POLYMER = 2;
export const LABEL_FIBRE = 3;

export type PhaseName = "pore" | "mof" | "polymer" | "fibre";

/** Phase name of each label (index = label). */
export const PHASE_NAMES: readonly PhaseName[] = ["pore", "mof", "polymer", "fibre"];

export interface PhaseInfo {
  readonly label: number;
  readonly name: PhaseName;
}

export interface MorphologyStats {
  readonly voxelNm: number;
  /** Realised fraction of voxels carrying each of the generator's phases. */
  readonly volumeFraction: Readonly<Partial<Record<PhaseName, number>>>;
  /** Realised share of the dry solid mass (pores excluded), from voxel counts and densities. */
  readonly massFraction: Readonly<Partial<Record<PhaseName, number>>>;
  /** Faces between two face-adjacent MOF voxels (non-periodic count over the box). */
  readonly mofFaces: number;
  /** Of those, faces between different grains: grain boundaries (contacts, junctions). */
  readonly grainBoundaryFaces: number;
}

export interface Morphology<S extends MorphologyStats = MorphologyStats> {
  readonly grid: MorphologyGrid;
  readonly phases: readonly PhaseInfo[];
  readonly stats: S;
}

export function phaseList(labels: readonly number[]): PhaseInfo[] {
  return labels.map((label) => ({ label, name: PHASE_NAMES[label]! }));
}

/** Voxel counts of labels 0..3. */
export function labelCounts(phase: Uint8Array): Float64Array {
  const c = new Float64Array(4);
  for (let i = 0; i < phase.length; i++) c[phase[i]!]!++;
  return c;
}

/**
 * Volume fractions of `labels` and dry mass fractions of the solid labels among them, with
 * `densities[label]` in g/cm3 (pores carry no dry mass).
 */
export function fractions(
  phase: Uint8Array,
  labels: readonly number[],
  densities: Readonly<Partial<Record<number, number>>>,
): { volumeFraction: Partial<Record<PhaseName, number>>; massFraction: Partial<Record<PhaseName, number>> } {
  const counts = labelCounts(phase);
  const volumeFraction: Partial<Record<PhaseName, number>> = {};
  const massFraction: Partial<Record<PhaseName, number>> = {};
  let mass = 0;
  for (const l of labels) {
    volumeFraction[PHASE_NAMES[l]!] = counts[l]! / phase.length;
    if (l !== LABEL_PORE) mass += counts[l]! * (densities[l] ?? 0);
  }
  for (const l of labels) {
    if (l === LABEL_PORE) continue;
    massFraction[PHASE_NAMES[l]!] = mass > 0 ? (counts[l]! * (densities[l] ?? 0)) / mass : 0;
  }
  return { volumeFraction, massFraction };
}

/**
 * Faces between face-adjacent MOF voxels inside the box (no wrap-around), and how many of
 * them separate different grains.
 */
export function mofFaceCounts(shape: GridShape, phase: Uint8Array, grain: Int32Array): { mofFaces: number; grainBoundaryFaces: number } {
  const [nx, ny, nz] = shape;
  const sy = nx, sz = nx * ny;
  let faces = 0, boundaries = 0;
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        if (phase[i] !== LABEL_MOF) continue;
        const g = grain[i];
        if (x + 1 < nx && phase[i + 1] === LABEL_MOF) { faces++; if (grain[i + 1] !== g) boundaries++; }
        if (y + 1 < ny && phase[i + sy] === LABEL_MOF) { faces++; if (grain[i + sy] !== g) boundaries++; }
        if (z + 1 < nz && phase[i + sz] === LABEL_MOF) { faces++; if (grain[i + sz] !== g) boundaries++; }
      }
    }
  }
  return { mofFaces: faces, grainBoundaryFaces: boundaries };
}

/** Number of distinct non-zero grain ids among voxels of `label`. */
export function grainCount(phase: Uint8Array, grain: Int32Array, label: number, maxId: number): number {
  const seen = new Uint8Array(maxId + 1);
  let count = 0;
  for (let i = 0; i < phase.length; i++) {
    if (phase[i] !== label) continue;
    const g = grain[i]!;
    if (g > 0 && g <= maxId && seen[g] === 0) { seen[g] = 1; count++; }
  }
  return count;
}
