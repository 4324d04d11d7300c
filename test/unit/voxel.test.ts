import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { connectedComponents, faceContacts, spanningMask } from "../../src/structure/voxel/components.js";
import { randomVoxels, splitmixVoxels } from "../../src/structure/voxel/generate.js";
import { createVoxelGrid, phaseCounts, voxelIndex, type Shape3 } from "../../src/structure/voxel/grid.js";
import { parseRawVoxels, readRawVoxels } from "../../src/structure/voxel/raw.js";

describe("voxel grid", () => {
  it("indexes x fastest", () => {
    expect(voxelIndex([4, 3, 2], 1, 2, 1)).toBe(1 + 4 * (2 + 3 * 1));
  });
  it("checks shapes and array sizes", () => {
    expect(() => createVoxelGrid([2, 2, 0], new Uint8Array(0))).toThrow("voxel shape [2, 2, 0]: side 2 must be a positive integer");
    expect(() => createVoxelGrid([2, 2, 2], new Uint8Array(7))).toThrow("phase array has 7 entries; shape [2, 2, 2] needs 8");
    expect(() => createVoxelGrid([2, 2, 2], new Uint8Array(8), new Int32Array(3))).toThrow("grain array has 3 entries");
    const g = createVoxelGrid([2, 2, 2], Uint8Array.from([0, 1, 1, 2, 2, 2, 0, 0]));
    expect(Array.from(phaseCounts(g).slice(0, 3))).toEqual([3, 2, 3]);
    expect(Array.from(g.grain)).toEqual(new Array(8).fill(0));
  });
  it("reads raw bytes and rejects a wrong size", () => {
    const g = parseRawVoxels(Uint8Array.from([1, 0, 1, 0]), [2, 2, 1]);
    expect(Array.from(g.phase)).toEqual([1, 0, 1, 0]);
    expect(() => parseRawVoxels(new Uint8Array(5), [2, 2, 1], "map.raw")).toThrow("map.raw: 5 bytes; shape [2, 2, 1] needs 4 (one uint8 per voxel)");
  });
  it("reads a raw file (the benchmark map written the way run.sh map writes it)", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-voxel-"));
    const file = join(dir, "map.raw");
    const g = splitmixVoxels([6, 5, 4], 1, 0.6);
    writeFileSync(file, g.phase);
    expect(readRawVoxels(file, [6, 5, 4]).phase).toEqual(g.phase);
    expect(() => readRawVoxels(file, [6, 5, 5])).toThrow(`raw voxel file ${JSON.stringify(file)}: 120 bytes; shape [6, 5, 5] needs 150`);
    expect(() => readRawVoxels(join(dir, "missing.raw"), [1, 1, 1])).toThrow("cannot read raw voxel file");
  });
});

describe("generators", () => {
  // splitmix64 written with BigInt, straight from the network_ref.py docstring
  function referenceU(seed: bigint, i: number): number {
    const M = (1n << 64n) - 1n;
    let z = (seed + BigInt(i + 1) * 0x9e3779b97f4a7c15n) & M;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    z = z ^ (z >> 31n);
    return Number(z >> 11n) * 2 ** -53;
  }
  it("reproduces the splitmix64 rule of network_ref.py bit for bit", () => {
    for (const seed of [1, 0, 12345678901]) {
      const shape: Shape3 = [7, 5, 3];
      const g = splitmixVoxels(shape, seed, 0.6);
      for (let i = 0; i < 105; i++) expect(g.phase[i]).toBe(referenceU(BigInt(seed), i) < 0.6 ? 1 : 0);
    }
  });
  it("gives the reference's 64^3 benchmark map (sha256 printed by network_ref.py --N 64 --seed 1)", () => {
    const g = splitmixVoxels([64, 64, 64], 1, 0.6);
    expect(createHash("sha256").update(g.phase).digest("hex")).toBe("2b1e99a4e43f08f6049aba47311669ae3a17ed2de75accb2b642373575c687a1");
  });
  it("draws random voxels with the given fractions (within 3 binomial standard errors)", () => {
    const shape: Shape3 = [40, 40, 40];
    const n = 40 ** 3;
    const g = randomVoxels(shape, [0.5, 0.3, 0.2], createStream(3, "voxels"));
    const c = phaseCounts(g);
    for (const [k, f] of [[0, 0.5], [1, 0.3], [2, 0.2]] as const) {
      expect(Math.abs(c[k]! / n - f)).toBeLessThan(3 * Math.sqrt((f * (1 - f)) / n));
    }
    const again = randomVoxels(shape, [0.5, 0.3, 0.2], createStream(3, "voxels"));
    expect(again.phase).toEqual(g.phase);
    expect(() => randomVoxels(shape, [0.5, 0.4], createStream(1))).toThrow("random voxels: fractions sum to 0.9; must sum to 1");
  });
});

describe("connected components", () => {
  it("labels face-connected clusters in index order", () => {
    // 4 x 3 x 1:   row y=0: 1 1 0 1
    //              row y=1: 0 1 0 1
    //              row y=2: 1 0 0 1
    const mask = Uint8Array.from([1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1]);
    const c = connectedComponents([4, 3, 1], mask);
    expect(c.count).toBe(3);
    expect(Array.from(c.labels)).toEqual([0, 0, -1, 1, -1, 0, -1, 1, 2, -1, -1, 1]);
    expect(Array.from(c.sizes)).toEqual([3, 3, 1]);
    const touch = faceContacts([4, 3, 1], c, 0);
    expect(Array.from(touch.low)).toEqual([1, 0, 1]);
    expect(Array.from(touch.high)).toEqual([0, 1, 0]);
    expect(Array.from(spanningMask([4, 3, 1], c, 1))).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  it("agrees with a breadth-first search on random masks", () => {
    const shape: Shape3 = [9, 8, 7];
    const [nx, ny, nz] = shape;
    const n = nx * ny * nz;
    const rng = createStream(11, "components");
    for (let trial = 0; trial < 5; trial++) {
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) mask[i] = rng.nextFloat() < 0.3 + 0.1 * trial ? 1 : 0;
      const c = connectedComponents(shape, mask);
      // BFS labelling in index order gives the same numbering
      const lab = new Int32Array(n).fill(-1);
      let count = 0;
      for (let s = 0; s < n; s++) {
        if (mask[s] === 0 || lab[s]! >= 0) continue;
        const queue = [s];
        lab[s] = count;
        while (queue.length > 0) {
          const i = queue.pop()!;
          const x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / (nx * ny));
          const nbrs: number[] = [];
          if (x > 0) nbrs.push(i - 1);
          if (x < nx - 1) nbrs.push(i + 1);
          if (y > 0) nbrs.push(i - nx);
          if (y < ny - 1) nbrs.push(i + nx);
          if (z > 0) nbrs.push(i - nx * ny);
          if (z < nz - 1) nbrs.push(i + nx * ny);
          for (const j of nbrs) {
            if (mask[j] === 1 && lab[j] === -1) {
              lab[j] = count;
              queue.push(j);
            }
          }
        }
        count++;
      }
      expect(c.count).toBe(count);
      expect(Array.from(c.labels)).toEqual(Array.from(lab));
    }
  });
});
