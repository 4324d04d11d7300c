/**
 * The lean DC solve on a team of threads (linalg/slab-team.ts): red-black Gauss-Seidel and
 * the transfers run in z-slabs over shared memory, sums are added per plane in plane order.
 *
 * References and tolerances:
 * - Thread-count independence: the solve on 1 thread is the reference, and 2 and 3 threads
 *   (and the JavaScript kernels on 2 threads) must give the same bits: conductance,
 *   iterations, residual and every potential. `redBlackMinCells: 64` makes every stored level
 *   down to 5 x 5 x 6 red-black, so the stored-level kernels and the slab boundaries of four
 *   coarsenings are all crossed (the default keeps levels of 131,072 cells and more).
 * - Exact results on threads: layers in series (harmonic mean) and in parallel (arithmetic
 *   mean) along x with unequal voxel sides, solved to 1e-12, to 1e-9 as in network-lean.test.ts.
 * - The guard: a run that fails (NotConvergedError) ends its team's workers; the next solve runs.
 * Needs the built worker (dist/linalg/slab-worker.js; `npm test` builds first).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { NotConvergedError } from "../../src/core/errors.js";
import { splitmixVoxels } from "../../src/structure/voxel/generate.js";
import { createVoxelGrid, type Shape3, type VoxelGrid } from "../../src/structure/voxel/grid.js";
import { solveLean } from "../../src/transport/network/lean.js";
import { resolveNetwork, type NetworkOptions } from "../../src/transport/network/options.js";
import { networkTopology } from "../../src/transport/network/topology.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function gridOf(shape: Shape3, f: (x: number, y: number, z: number) => number): VoxelGrid {
  const [nx, ny, nz] = shape;
  const phase = new Uint8Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) phase[i] = f(x, y, z);
  return createVoxelGrid(shape, phase);
}

/** The lean solve of `grid` (lean.ts's solveLean, as solve.ts calls it) on `threads` threads. */
function lean(grid: VoxelGrid, options: NetworkOptions, threads: number, webAssembly = true, redBlackMinCells = 64) {
  const r = resolveNetwork(grid, options);
  const conducts = new Uint8Array(256);
  for (let l = 0; l < 256; l++) conducts[l] = r.sigma[l]! > 0 ? 1 : 0;
  const topo = networkTopology(grid, conducts, r.layers, Number.isFinite(r.intR));
  return solveLean(grid, r, topo, { multigrid: {}, webAssembly, currentDensity: true, threads, redBlackMinCells });
}

describe("lean DC solve on threads", () => {
  it("dist/ is built (the workers load dist/linalg/slab-worker.js)", () => {
    expect(existsSync(resolve(__dirname, "../../dist/linalg/slab-worker.js")), "run `npm run build` (npm test does)").toBe(true);
  });

  it("1, 2 and 3 threads, WebAssembly or JavaScript kernels, give the same bits", () => {
    const grid = splitmixVoxels([40, 36, 48], 7, 0.6);
    const options: NetworkOptions = { phases: [{ label: 1, conductivitySPerCm: 1 }, { label: 0, conductivitySPerCm: 1e-3 }], voxelNm: 1e7, electrodes: { kind: "voxel-layers" }, tolerance: 1e-10 };
    const one = lean(grid, options, 1);
    expect(one.threads).toBe(1);
    expect(one.relativeResidual).toBeLessThan(1e-10);
    for (const [threads, wasm] of [[2, true], [3, true], [2, false]] as const) {
      const other = lean(grid, options, threads, wasm);
      expect(other.threads).toBe(threads);
      expect(other.webAssembly).toBe(wasm);
      expect(other.conductanceS).toBe(one.conductanceS);
      expect(other.iterations).toBe(one.iterations);
      expect(other.relativeResidual).toBe(one.relativeResidual);
      expect(other.potentialV).toEqual(one.potentialV);
      expect(other.currentDensityACm2).toEqual(one.currentDensityACm2);
    }
  });

  it("layers in series and in parallel give the exact means on 2 threads, with unequal voxel sides", () => {
    const sigmas = [2.5, 0.4, 7, 0.01];
    const phases = sigmas.map((s, label) => ({ label, conductivitySPerCm: s }));
    const [hx, hy, hz] = [30, 50, 20];
    const nx = 24, ny = 20, nz = 32;
    const o: NetworkOptions = { phases, voxelNm: [hx, hy, hz], tolerance: 1e-12 };
    let inv = 0;
    for (let x = 0; x < nx; x++) inv += 1 / sigmas[x % 4]!;
    let sum = 0;
    for (let y = 0; y < ny; y++) sum += sigmas[y % 4]!;
    // conductance between plane electrodes: sigma A / L, A = ny nz hy hz, L = nx hx (cm)
    const g = (sigma: number): number => (sigma * ny * nz * hy * hz * 1e-7) / (nx * hx);
    const series = lean(gridOf([nx, ny, nz], (x) => x % 4), o, 2);
    const parallel = lean(gridOf([nx, ny, nz], (_x, y) => y % 4), o, 2);
    expect(series.threads).toBe(2);
    expect(rel(series.conductanceS, g(nx / inv))).toBeLessThan(1e-9);
    expect(rel(parallel.conductanceS, g(sum / ny))).toBeLessThan(1e-9);
  });

  it("a solve that fails ends its workers, and the next one runs", () => {
    const grid = splitmixVoxels([24, 24, 32], 3, 0.6);
    const options: NetworkOptions = { phases: [{ label: 1, conductivitySPerCm: 1 }, { label: 0, conductivitySPerCm: 1e-3 }], voxelNm: 1e7, electrodes: { kind: "voxel-layers" } };
    expect(() => lean(grid, { ...options, maxIterations: 2 }, 2)).toThrow(NotConvergedError);
    expect(lean(grid, options, 2).relativeResidual).toBeLessThan(1e-8);
  });
});
