/**
 * The mid-plane slice of a voxel design normal to y (the x-z plane through y = floor(ny/2)):
 * each voxel's phase and |j| from one DC solve (pipeline/morphology.ts, voxelFields), for
 * the page's figure. Written beside results.json as `current-slice.csv`, one row per voxel
 * of the slice (a tidy table other tools plot directly), and read back by `mofhop report`.
 *
 * Columns: temperatureK, y (the slice's voxel index), x, z (voxel indices: x along the
 * current, z across it), xNm, yNm, zNm (voxel centres, nm from the sample's corner), phase
 * (its name), phaseLabel (its label in the grid), currentDensityACm2 (|j| at 1 V across the
 * sample; 0 where no current flows).
 */
import { InputError } from "../core/errors.js";
import { fieldSlice } from "../transport/network/fields.js";
import type { VoxelFields } from "../pipeline/morphology.js";
import { parseCsv, toCsv } from "./csv.js";

export interface CurrentSliceData {
  readonly scenario: string;
  readonly temperatureK: number;
  /** Voxel index of the slice along y, and the sample's voxels along y. */
  readonly y: number;
  readonly yNm: number;
  /** Voxels along x (columns) and z (rows). */
  readonly width: number;
  readonly height: number;
  /** Voxel edges along x and z, nm. */
  readonly voxelNm: readonly [number, number];
  /** Phase names by index, in label order, and each one's label in the voxel grid. */
  readonly phaseNames: readonly string[];
  readonly phaseLabels: readonly number[];
  /** Index into phaseNames of each voxel, x + width z. */
  readonly phase: Uint8Array;
  /** |j| of each voxel, A/cm2 at 1 V across the sample, x + width z. */
  readonly currentDensityACm2: Float32Array;
}

/** The mid-plane slice normal to y of solved fields. */
export function middleYSlice(scenario: string, f: VoxelFields): CurrentSliceData {
  const [nx, ny, nz] = f.shape;
  const y = Math.floor(ny / 2);
  const labels = fieldSlice(f.phase, f.shape, "y", y).values;
  const names = [...f.phases].sort((a, b) => a.label - b.label);
  const index = new Map(names.map((p, i) => [p.label, i]));
  const phase = new Uint8Array(nx * nz);
  for (let i = 0; i < phase.length; i++) {
    const k = index.get(labels[i]!);
    if (k === undefined) throw new InputError(`slice of ${scenario}: voxel label ${labels[i]} has no phase`);
    phase[i] = k;
  }
  return {
    scenario,
    temperatureK: f.temperatureK,
    y,
    yNm: (y + 0.5) * f.voxelNm[1],
    width: nx,
    height: nz,
    voxelNm: [f.voxelNm[0], f.voxelNm[2]],
    phaseNames: names.map((p) => p.name),
    phaseLabels: names.map((p) => p.label),
    phase,
    currentDensityACm2: fieldSlice(f.currentDensityACm2, f.shape, "y", y).values,
  };
}

const COLUMNS = ["temperatureK", "y", "x", "z", "xNm", "yNm", "zNm", "phase", "phaseLabel", "currentDensityACm2"] as const;

const short = (v: number, digits: number): number => Number(v.toPrecision(digits));

/** current-slice.csv. */
export function sliceCsv(s: CurrentSliceData): string {
  const rows: Record<string, unknown>[] = [];
  for (let z = 0; z < s.height; z++) {
    for (let x = 0; x < s.width; x++) {
      const i = x + s.width * z;
      rows.push({
        temperatureK: s.temperatureK, y: s.y, x, z,
        xNm: short((x + 0.5) * s.voxelNm[0], 12), yNm: short(s.yNm, 12), zNm: short((z + 0.5) * s.voxelNm[1], 12),
        phase: s.phaseNames[s.phase[i]!], phaseLabel: s.phaseLabels[s.phase[i]!], currentDensityACm2: short(s.currentDensityACm2[i]!, 7),
      });
    }
  }
  return toCsv(rows, COLUMNS);
}

/** Read current-slice.csv back (`file` names it in errors). */
export function parseSliceCsv(text: string, scenario: string, file: string): CurrentSliceData {
  const table = parseCsv(text);
  const missing = COLUMNS.filter((c) => !table.columns.includes(c));
  if (missing.length > 0) throw new InputError(`${file}: not a current-slice table (missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")})`);
  if (table.rows.length === 0) throw new InputError(`${file}: no rows`);
  const num = (row: Readonly<Record<string, string>>, c: string, line: number): number => {
    const v = Number(row[c]);
    if (row[c] === "" || !Number.isFinite(v)) throw new InputError(`${file} line ${line}: ${c}: got ${JSON.stringify(row[c])}; must be a number`);
    return v;
  };
  let width = 0, height = 0;
  for (const [k, row] of table.rows.entries()) {
    width = Math.max(width, num(row, "x", k + 2) + 1);
    height = Math.max(height, num(row, "z", k + 2) + 1);
  }
  if (table.rows.length !== width * height) throw new InputError(`${file}: ${table.rows.length} rows; a ${width} x ${height} slice needs ${width * height}`);
  const phase = new Uint8Array(width * height);
  const j = new Float32Array(width * height);
  const seen = new Uint8Array(width * height);
  const names: string[] = [];
  const first = table.rows[0]!;
  let hx = NaN, hz = NaN;
  for (const [k, row] of table.rows.entries()) {
    const x = num(row, "x", k + 2), z = num(row, "z", k + 2), label = num(row, "phaseLabel", k + 2);
    if (!(Number.isInteger(x) && Number.isInteger(z) && x >= 0 && z >= 0 && Number.isInteger(label) && label >= 0 && label < 256)) throw new InputError(`${file} line ${k + 2}: x, z and phaseLabel must be whole numbers (label 0-255)`);
    const i = x + width * z;
    if (seen[i] === 1) throw new InputError(`${file} line ${k + 2}: voxel x=${x}, z=${z} given twice`);
    seen[i] = 1;
    names[label] ??= row["phase"]!;
    phase[i] = label;
    j[i] = num(row, "currentDensityACm2", k + 2);
    if (x === 0) hx = 2 * num(row, "xNm", k + 2);
    if (z === 0) hz = 2 * num(row, "zNm", k + 2);
  }
  // labels -> indices of the names present, in label order
  const present = names.map((n, label) => ({ n, label })).filter((p) => p.n !== undefined);
  const index = new Map(present.map((p, i) => [p.label, i]));
  for (let i = 0; i < phase.length; i++) phase[i] = index.get(phase[i]!)!;
  return {
    scenario,
    temperatureK: num(first, "temperatureK", 2),
    y: num(first, "y", 2),
    yNm: num(first, "yNm", 2),
    width,
    height,
    voxelNm: [hx, hz],
    phaseNames: present.map((p) => p.n),
    phaseLabels: present.map((p) => p.label),
    phase,
    currentDensityACm2: j,
  };
}
