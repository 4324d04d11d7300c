/**
 * Option checks shared by the generators. Every failure is a ScenarioError whose path is
 * the option's name (relative to the morphology options object, so the scenario layer can
 * prefix "morphology.") and whose message gives the value and what is allowed.
 */
import { badValue, ScenarioError } from "../../core/errors.js";
import type { GridShape } from "./phases.js";

/** Largest voxel count a generator accepts (typed-array indices are int32). */
export const MAX_VOXELS = 2 ** 31 - 1;

export function checkShape(shape: unknown): GridShape {
  if (!Array.isArray(shape) || shape.length !== 3) badValue("shape", shape, "must be [nx, ny, nz]");
  for (const s of shape as unknown[]) {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1) badValue("shape", shape, "each side must be a positive integer");
  }
  const [nx, ny, nz] = shape as [number, number, number];
  if (nx * ny * nz > MAX_VOXELS) badValue("shape", shape, `at most ${MAX_VOXELS} voxels`);
  return [nx, ny, nz];
}

export function checkPositive(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) badValue(field, value, "must be a positive number");
  return value;
}

/** lo <= value <= hi (either end exclusive on request). */
export function checkRange(field: string, value: unknown, lo: number, hi: number, loOpen = false, hiOpen = false): number {
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
  if (!ok) badValue(field, value, `must be in ${loOpen ? "(" : "["}${lo}, ${hi}${hiOpen ? ")" : "]"}`);
  return value as number;
}

export function checkInteger(field: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < lo || value > hi) {
    badValue(field, value, `must be an integer in [${lo}, ${hi}]`);
  }
  return value;
}

/** A feature of `sizeNm` must span at least `minVoxels` voxels of `voxelNm`. */
export function checkResolved(field: string, what: string, sizeNm: number, voxelNm: number, minVoxels: number): void {
  const voxels = sizeNm / voxelNm;
  if (voxels < minVoxels) {
    throw new ScenarioError(
      field,
      `${what} is ${fmt(sizeNm)} nm = ${fmt(voxels)} voxels at voxelNm ${fmt(voxelNm)}; need at least ${minVoxels} voxels (use voxelNm <= ${fmt(sizeNm / minVoxels)})`,
    );
  }
}

export function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(3);
}
