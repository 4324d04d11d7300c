/**
 * Raw voxel files (DESIGN.md `raw` morphology): one uint8 phase label per voxel, no header,
 * x fastest (index = x + nx (y + ny z)); the byte count must equal nx ny nz.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../../core/errors.js";
import { createVoxelGrid, voxelCount, type Shape3, type VoxelGrid } from "./grid.js";

/** A grid from raw bytes (copied); all voxels grain 0. */
export function parseRawVoxels(bytes: Uint8Array, shape: Shape3, source = "raw voxel data"): VoxelGrid {
  const n = voxelCount(shape);
  if (bytes.length !== n) {
    throw new InputError(`${source}: ${bytes.length} bytes; shape [${shape.join(", ")}] needs ${n} (one uint8 per voxel)`);
  }
  return createVoxelGrid(shape, Uint8Array.from(bytes));
}

/** Read a raw uint8 voxel file. */
export function readRawVoxels(path: string, shape: Shape3): VoxelGrid {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read raw voxel file ${JSON.stringify(path)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseRawVoxels(bytes, shape, `raw voxel file ${JSON.stringify(path)}`);
}
