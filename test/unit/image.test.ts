import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { readImageHeader, readImageVolume } from "../../src/structure/voxel/image.js";
import { readRawVoxels } from "../../src/structure/voxel/raw.js";
import type { Shape3 } from "../../src/structure/voxel/grid.js";
import { volumePages, writeTiff } from "../tiff-writer.js";

/** A labelled volume drawn from `labels` with a fixed seed, x fastest. */
function volume(shape: Shape3, labels: readonly number[], seed: number): number[] {
  const s = createStream(seed, "image-test", 0);
  return Array.from({ length: shape[0] * shape[1] * shape[2] }, () => labels[Math.floor(s.nextFloat() * labels.length)]!);
}

const tmp = (): string => mkdtempSync(join(tmpdir(), "mofhop-image-"));

describe("TIFF stack and slice folder against the same volume written raw", () => {
  const shape: Shape3 = [7, 5, 4];
  it("8-bit labels: raw, multi-page TIFF (uncompressed and Deflate) and a slice folder agree voxel by voxel", () => {
    const labels = volume(shape, [0, 3, 200], 11);
    const dir = tmp();
    writeFileSync(join(dir, "v.raw"), Uint8Array.from(labels));
    writeFileSync(join(dir, "v.tif"), writeTiff(volumePages(shape, labels)));
    writeFileSync(join(dir, "vz.tif"), writeTiff(volumePages(shape, labels), { deflate: true }));
    writeFileSync(join(dir, "vl.tif"), writeTiff(volumePages(shape, labels), { lzw: true }));
    const slices = join(dir, "slices");
    mkdirSync(slices);
    // numbered from 8 and written out of order: the order comes from the numbers
    volumePages(shape, labels).forEach((p, z) => writeFileSync(join(slices, `cut_${String(8 + z).padStart(4, "0")}.tiff`), writeTiff([p])));
    const raw = readRawVoxels(join(dir, "v.raw"), shape);
    const identity = new Map([0, 3, 200].map((l) => [l, l]));
    for (const path of [join(dir, "v.tif"), join(dir, "vz.tif"), join(dir, "vl.tif"), slices]) {
      const header = readImageHeader(path);
      expect(header.shape).toEqual(shape);
      expect(header.bitsPerSample).toBe(8);
      const { grid, labelCounts } = readImageVolume(header, { phaseOfLabel: identity });
      expect(grid.shape).toEqual(shape);
      expect(grid.phase).toEqual(raw.phase);
      let total = 0;
      for (const c of labelCounts.values()) total += c;
      expect(total).toBe(shape[0] * shape[1] * shape[2]);
    }
    expect(readImageHeader(slices).kind).toBe("slices");
  });

  it("16-bit labels map through the phase table; a crop reads the same voxels as the raw volume's sub-box", () => {
    const labels = volume(shape, [0, 1000, 65535], 12);
    const table = new Map([[0, 0], [1000, 1], [65535, 2]]);
    const dir = tmp();
    writeFileSync(join(dir, "v.raw"), Uint8Array.from(labels, (l) => table.get(l)!));
    writeFileSync(join(dir, "v16.tif"), writeTiff(volumePages(shape, labels), { bitsPerSample: 16, deflate: true }));
    const raw = readRawVoxels(join(dir, "v.raw"), shape);
    const header = readImageHeader(join(dir, "v16.tif"));
    expect(header.bitsPerSample).toBe(16);
    expect(readImageVolume(header, { phaseOfLabel: table }).grid.phase).toEqual(raw.phase);
    const crop = { from: [1, 2, 1] as Shape3, to: [6, 5, 3] as Shape3 };
    const cut = readImageVolume(header, { phaseOfLabel: table, crop }).grid;
    expect(cut.shape).toEqual([5, 3, 2]);
    for (let z = 0; z < 2; z++) {
      for (let y = 0; y < 3; y++) {
        for (let x = 0; x < 5; x++) expect(cut.phase[x + 5 * (y + 3 * z)]).toBe(raw.phase[x + 1 + 7 * (y + 2 + 5 * (z + 1))]);
      }
    }
  });

  it("LZW pages long enough to widen the codes to 12 bits and clear the table decode to the same labels", () => {
    const big: Shape3 = [256, 192, 2]; // ~12000 codes a page: three clears
    const labels = volume(big, [0, 1, 2, 5, 9, 17, 33, 64, 128, 255], 14);
    const dir = tmp();
    writeFileSync(join(dir, "big.tif"), writeTiff(volumePages(big, labels), { lzw: true }));
    writeFileSync(join(dir, "big.raw"), Uint8Array.from(labels));
    const table = new Map([0, 1, 2, 5, 9, 17, 33, 64, 128, 255].map((l) => [l, l]));
    expect(readImageVolume(readImageHeader(join(dir, "big.tif")), { phaseOfLabel: table }).grid.phase).toEqual(readRawVoxels(join(dir, "big.raw"), big).phase);
  });

  it("gives unlisted labels `otherPhase` and counts every label", () => {
    const labels = volume(shape, [0, 3, 200], 13);
    const dir = tmp();
    writeFileSync(join(dir, "v.tif"), writeTiff(volumePages(shape, labels)));
    const { grid, labelCounts } = readImageVolume(readImageHeader(join(dir, "v.tif")), { phaseOfLabel: new Map([[3, 0]]), otherPhase: 1 });
    labels.forEach((l, i) => expect(grid.phase[i]).toBe(l === 3 ? 0 : 1));
    expect(labelCounts.get(200)).toBe(labels.filter((l) => l === 200).length);
  });
});

describe("bad images are refused, naming the file and what is allowed", () => {
  const page = (w: number, h: number, v = 1) => ({ width: w, height: h, data: new Array<number>(w * h).fill(v) });
  it("pages of different sizes", () => {
    const f = join(tmp(), "bad.tif");
    writeFileSync(f, writeTiff([page(4, 3), page(4, 3), page(5, 3)]));
    expect(() => readImageHeader(f)).toThrow(`image file ${JSON.stringify(f)}, page 2 is 5 x 3 pixels; image file ${JSON.stringify(f)}, page 0 is 4 x 3: all pages must have one size`);
  });
  it("an unsupported bit depth or compression", () => {
    const dir = tmp();
    writeFileSync(join(dir, "b32.tif"), writeTiff([page(2, 2)], { tags: { 258: 32 } }));
    expect(() => readImageHeader(join(dir, "b32.tif"))).toThrow("page 0: bit depth 32; allowed: 8, 16");
    writeFileSync(join(dir, "pb.tif"), writeTiff([page(2, 2)], { tags: { 259: 32773 } }));
    expect(() => readImageHeader(join(dir, "pb.tif"))).toThrow("page 0: compression 32773; allowed: none (1), LZW (5), Deflate (8), Deflate (old code) (32946)");
    writeFileSync(join(dir, "f.tif"), writeTiff([page(2, 2)], { tags: { 339: 3 } }));
    expect(() => readImageHeader(join(dir, "f.tif"))).toThrow("sample format 3 (floating point); allowed: 1 (unsigned integer labels)");
  });
  it("labels missing from the phase table, all named with their counts", () => {
    const f = join(tmp(), "v.tif");
    writeFileSync(f, writeTiff([{ width: 3, height: 1, data: [0, 7, 9] }, { width: 3, height: 1, data: [9, 0, 0] }]));
    expect(() => readImageVolume(readImageHeader(f), { phaseOfLabel: new Map([[0, 0]]) })).toThrow(
      `image ${JSON.stringify(f)}: labels 7 (1 voxels), 9 (2 voxels) have no phase; the phase table gives labels: 0`,
    );
  });
  it("a crop outside the image", () => {
    const f = join(tmp(), "v.tif");
    writeFileSync(f, writeTiff([page(4, 3), page(4, 3)]));
    const header = readImageHeader(f);
    expect(() => readImageVolume(header, { phaseOfLabel: new Map([[1, 0]]), crop: { from: [0, 0, 1], to: [4, 3, 3] }, cropField: "morphology.crop" })).toThrow(
      "morphology.crop: z from 1 to 3 is outside the image; allowed: integers 0 <= from < to <= 2 (image is 4 x 3 x 2 voxels, x = column, y = row, z = page)",
    );
  });
  it("a slice folder with a gap, or with slices of different sizes", () => {
    const dir = tmp();
    for (const k of [1, 2, 4]) writeFileSync(join(dir, `s${k}.tif`), writeTiff([page(2, 2)]));
    expect(() => readImageHeader(dir)).toThrow(`image folder ${JSON.stringify(dir)}: slices jump from 2 (s2.tif) to 4 (s4.tif); slice numbers must be consecutive (missing 3)`);
    const dir2 = tmp();
    writeFileSync(join(dir2, "s0.tif"), writeTiff([page(2, 2)]));
    writeFileSync(join(dir2, "s1.tif"), writeTiff([page(2, 3)]));
    expect(() => readImageHeader(dir2)).toThrow(`image slice ${JSON.stringify(join(dir2, "s1.tif"))} is 2 x 3 pixels; image slice ${JSON.stringify(join(dir2, "s0.tif"))} is 2 x 2: all pages must have one size`);
    expect(() => readImageHeader(tmp())).toThrow("holds no .tif or .tiff slices (PNG and other formats are not read)");
  });
});
