/**
 * The WebAssembly kernels perform the same floating-point operations in the same order as
 * their JavaScript twins, so results must agree bit for bit (toEqual on Float64Arrays).
 */
import { describe, expect, it } from "vitest";
import { createStream, type RandomStream } from "../../src/core/rng.js";
import { arenaComplexVectorOps, arenaVectorOps, createArena, type Float64Arena } from "../../src/linalg/arena.js";
import { conjugateGradient } from "../../src/linalg/cg.js";
import { AggregationMultigrid } from "../../src/linalg/multigrid.js";
import { complexStencilApply, complexStencilArenaBytes, createComplexStencil, updateComplexDiagonal } from "../../src/linalg/complex-stencil.js";
import { jsComplexVectorOps, jsVectorOps } from "../../src/linalg/operator.js";
import {
  createStencil, gaussSeidelBackward, gaussSeidelForward, gaussSeidelForwardFromZero, stencilApply, stencilArenaBytes, stencilLength,
  stencilOperator, updateDiagonal, type Stencil7,
} from "../../src/linalg/stencil.js";
import { sleb, uleb } from "../../src/linalg/wasm/encoder.js";
import { randomVoxels } from "../../src/structure/voxel/generate.js";
import { solveImpedance } from "../../src/transport/network/impedance.js";
import { solveNetwork } from "../../src/transport/network/solve.js";

function fill(s: Stencil7, rng: RandomStream): void {
  for (let i = s.pad; i < s.pad + s.n; i++) {
    s.cx[i] = 10 ** (-3 * rng.nextFloat());
    s.cy[i] = 10 ** (-3 * rng.nextFloat());
    s.cz[i] = rng.nextFloat() < 0.1 ? 0 : 10 ** (-3 * rng.nextFloat());
  }
  for (let k = 0; k < s.ny * s.nz; k++) s.shuntLow[k] = rng.nextFloat();
  updateDiagonal(s);
}

/** The same stencil in a WebAssembly arena and in plain arrays. */
function pair(nx: number, ny: number, nz: number, seed: number): { w: Stencil7; j: Stencil7; arena: Float64Arena } {
  const arena = createArena(stencilArenaBytes(nx, ny, nz) + 8 * 8 * stencilLength(nx, ny, nz));
  const w = createStencil(nx, ny, nz, arena), j = createStencil(nx, ny, nz);
  fill(w, createStream(seed, "pair"));
  fill(j, createStream(seed, "pair"));
  return { w, j, arena };
}

describe("WebAssembly encoder", () => {
  it("writes LEB128 like the specification's examples", () => {
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0)).toEqual([0]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
  });
});

describe("WebAssembly kernels", () => {
  it("are available here (Node has WebAssembly)", () => {
    expect(createArena(1024).kernels).toBeDefined();
    expect(createArena(1024, { wasm: false }).kernels).toBeUndefined();
  });

  for (const [nx, ny, nz] of [[9, 7, 5], [1, 6, 4], [8, 1, 1], [5, 4, 1]] as const) {
    it(`agree bit for bit with the JavaScript kernels on a ${nx} x ${ny} x ${nz} box`, () => {
      const { w, j, arena } = pair(nx, ny, nz, nx * 100 + ny * 10 + nz);
      expect(w.wasm).toBeDefined();
      expect(Array.from(w.self)).toEqual(Array.from(j.self));
      const rng = createStream(5, "vec");
      const xw = arena.alloc(w.length), bw = arena.alloc(w.length), yw = arena.alloc(w.length);
      for (let i = w.pad; i < w.pad + w.n; i++) {
        xw[i] = rng.nextFloat() - 0.5;
        bw[i] = rng.nextFloat();
      }
      const xj = xw.slice(), bj = bw.slice(), yj = new Float64Array(j.length);
      stencilApply(w, xw, yw);
      stencilApply(j, xj, yj);
      expect(yw).toEqual(yj);
      for (const sweep of [gaussSeidelForward, gaussSeidelBackward, gaussSeidelForwardFromZero]) {
        sweep(w, bw, xw);
        sweep(j, bj, xj);
        expect(xw).toEqual(xj);
      }
      const ops = arenaVectorOps(arena);
      expect(ops.dot(xw, bw)).toBe(jsVectorOps.dot(xj, bj));
      const rw = arena.alloc(w.length), rj = new Float64Array(j.length);
      rw.set(bw);
      rj.set(bj);
      expect(ops.cgUpdate(xw, rw, bw, yw, 0.37)).toBe(jsVectorOps.cgUpdate(xj, rj, bj, yj, 0.37));
      expect(xw).toEqual(xj);
      expect(rw).toEqual(rj);
      ops.xpby(xw, yw, -1.3);
      jsVectorOps.xpby(xj, yj, -1.3);
      expect(yw).toEqual(yj);
    });
  }

  it("run a whole multigrid-preconditioned solve to the same bits (restriction and prolongation included)", () => {
    const [nx, ny, nz] = [21, 18, 17];
    for (const cycle of ["V", "W", "K"] as const) {
      const arena = createArena(stencilArenaBytes(nx, ny, nz) + AggregationMultigrid.arenaBytes(nx, ny, nz, { cycle, coarsestCells: 40 }) + 8 * 6 * stencilLength(nx, ny, nz));
      const w = createStencil(nx, ny, nz, arena), j = createStencil(nx, ny, nz);
      fill(w, createStream(9, "solve"));
      fill(j, createStream(9, "solve"));
      const bw = arena.alloc(w.length), xw = arena.alloc(w.length);
      for (let k = 0; k < ny * nz; k++) bw[w.pad + k * nx] = w.shuntLow[k]!;
      const bj = bw.slice(), xj = new Float64Array(j.length);
      const mw = new AggregationMultigrid(w, { cycle, coarsestCells: 40 }, arena);
      const mj = new AggregationMultigrid(j, { cycle, coarsestCells: 40 });
      expect(mw.depth).toBeGreaterThanOrEqual(3);
      const rw = conjugateGradient(stencilOperator(w), bw, xw, mw, { vectors: arenaVectorOps(arena), tolerance: 1e-10 });
      const rj = conjugateGradient(stencilOperator(j), bj, xj, mj, { tolerance: 1e-10 });
      expect(rw.iterations).toBe(rj.iterations);
      expect(xw).toEqual(xj);
      expect(arena.usedBytes()).toBeLessThanOrEqual(arena.capacityBytes);
    }
  });

  it("give the network solver identical results with and without WebAssembly", () => {
    const grid = randomVoxels([14, 12, 10], [0.5, 0.3, 0.2], createStream(4, "net-wasm"));
    const options = {
      phases: [{ label: 0, conductivitySPerCm: 1 }, { label: 1, conductivitySPerCm: 1e-3 }, { label: 2, conductivitySPerCm: 0 }],
      voxelNm: 40,
    };
    const a = solveNetwork(grid, options), b = solveNetwork(grid, { ...options, webAssembly: false });
    expect(a.stats.webAssembly).toBe(true);
    expect(b.stats.webAssembly).toBe(false);
    expect(a.conductivitySPerCm).toBe(b.conductivitySPerCm);
    expect(a.solverIterations).toBe(b.solverIterations);
  });

  it("complex product and COCG vector operations agree bit for bit", () => {
    const [nx, ny, nz] = [7, 6, 5];
    const arena = createArena(complexStencilArenaBytes(nx, ny, nz) + 8 * 10 * stencilLength(nx, ny, nz));
    const Yw = createComplexStencil(nx, ny, nz, arena), Yj = createComplexStencil(nx, ny, nz);
    for (const Y of [Yw, Yj]) {
      const rng = createStream(12, "complex");
      fill(Y.re, rng);
      for (let i = Y.re.pad; i < Y.re.pad + Y.re.n; i++) {
        Y.cxIm[i] = rng.nextFloat();
        Y.cyIm[i] = rng.nextFloat();
        Y.czIm[i] = rng.nextFloat();
      }
      for (let k = 0; k < ny * nz; k++) Y.shuntLowIm[k] = rng.nextFloat();
      updateComplexDiagonal(Y);
    }
    const len = Yw.re.length;
    const v = (): Float64Array[] => {
      const rng = createStream(13, "v");
      const w = Array.from({ length: 8 }, () => arena.alloc(len));
      for (const a of w) for (let i = Yw.re.pad; i < Yw.re.pad + Yw.re.n; i++) a[i] = rng.nextFloat() - 0.5;
      return w;
    };
    const w = v(), j = w.map((a) => a.slice());
    complexStencilApply(Yw, w[0]!, w[1]!, w[2]!, w[3]!);
    complexStencilApply(Yj, j[0]!, j[1]!, j[2]!, j[3]!);
    expect(w[2]).toEqual(j[2]);
    expect(w[3]).toEqual(j[3]);
    const ops = arenaComplexVectorOps(arena), js = jsComplexVectorOps;
    expect(ops.dot(w[0]!, w[1]!, w[2]!, w[3]!)).toEqual(js.dot(j[0]!, j[1]!, j[2]!, j[3]!));
    expect(ops.update(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, w[6]!, w[7]!, 0.3, -0.7)).toBe(js.update(j[0]!, j[1]!, j[2]!, j[3]!, j[4]!, j[5]!, j[6]!, j[7]!, 0.3, -0.7));
    ops.xpby(w[0]!, w[1]!, w[4]!, w[5]!, -1.1, 0.25);
    js.xpby(j[0]!, j[1]!, j[4]!, j[5]!, -1.1, 0.25);
    w.forEach((a, k) => expect(a).toEqual(j[k]));
  });

  it("give the impedance solver identical spectra with and without WebAssembly", () => {
    const grid = randomVoxels([10, 9, 8], [0.6, 0.4], createStream(6, "ac-wasm"));
    const options = {
      phases: [{ label: 0, conductivitySPerCm: 1e-3, relativePermittivity: 10 }, { label: 1, conductivitySPerCm: 1e-6, relativePermittivity: 3 }],
      voxelNm: 100,
      electrodes: { kind: "planes" as const, interface: { resistanceOhmCm2: 10, capacitanceFPerCm2: 1e-6 } },
    };
    const f = [1, 1e3, 1e6];
    const a = solveImpedance(grid, options, f), b = solveImpedance(grid, { ...options, webAssembly: false }, f);
    expect(a.realOhm).toEqual(b.realOhm);
    expect(a.imagOhm).toEqual(b.imagOhm);
  });
});
