/**
 * The lean DC path (transport/network/lean.ts: one byte a voxel, float32 inner iterations,
 * double outer residual) against the stored float64 path and against exact results.
 *
 * References and tolerances:
 * - sigma_eff of the stored path solved to 1e-12 (its own error ~1e-13 here). The lean
 *   path's sigma is the dissipated power over V^2, whose error is e^T A e (second order in
 *   the solution error e), so at a residual of 1e-8 it agrees to far better than 1e-8; we
 *   assert 1e-9 (measured: 1e-13 .. 1e-15).
 * - The relative residual the lean path reports is recomputed here in double from its
 *   potential with the stored path's assembled stencil (assemble.ts): the two must agree to
 *   1e-6 relative (they differ by the rounding of two different summation orders, ~1e-16
 *   of ||b|| against a residual of 1e-9) and stay below the tolerance.
 * - Potentials agree with the stored path's to 1e-6 V at 1 V and residual 1e-10 (the
 *   field error is the residual times the operator's inverse, ~1e3 on these maps).
 * - Exact cases (layers in series and parallel, anisotropic voxels) to 1e-9 as in
 *   network.test.ts, solved to 1e-12: below float32's unit roundoff (6e-8), which only the
 *   double outer residual can reach.
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { stencilResidual } from "../../src/linalg/stencil.js";
import { randomVoxels, splitmixVoxels } from "../../src/structure/voxel/generate.js";
import { createVoxelGrid, type Shape3, type VoxelGrid } from "../../src/structure/voxel/grid.js";
import { assembleConductance, dcRightHandSide } from "../../src/transport/network/assemble.js";
import { LEAN_MIN_CELLS } from "../../src/transport/network/lean.js";
import { resolveNetwork, type NetworkOptions } from "../../src/transport/network/options.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
import { networkTopology } from "../../src/transport/network/topology.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const twoPhase = [
  { label: 1, conductivitySPerCm: 1 },
  { label: 0, conductivitySPerCm: 1e-3 },
];

function gridOf(shape: Shape3, f: (x: number, y: number, z: number) => number): VoxelGrid {
  const [nx, ny, nz] = shape;
  const phase = new Uint8Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) phase[i] = f(x, y, z);
  return createVoxelGrid(shape, phase);
}

/** ||b - A x|| / ||b|| of the stored path's reduced system at the potential of a solve. */
function storedResidual(grid: VoxelGrid, options: NetworkOptions, potentialV: Float64Array): number {
  const r = resolveNetwork(grid, options);
  const conducts = new Uint8Array(256);
  for (let l = 0; l < 256; l++) conducts[l] = r.sigma[l]! > 0 ? 1 : 0;
  const topo = networkTopology(grid, conducts, r.layers, Number.isFinite(r.intR));
  const A = assembleConductance(grid, r, topo);
  const b = dcRightHandSide(A, r.voltage);
  const x = new Float64Array(A.length), res = new Float64Array(A.length);
  const [nx, ny, nz] = grid.shape;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let bx = 0; bx < A.nx; bx++) {
    const c = bx + A.nx * (y + ny * z);
    if (topo.carrying[c] === 1) x[A.pad + c] = potentialV[topo.x0 + bx + nx * (y + ny * z)]!;
  }
  stencilResidual(A, b, x, res);
  let rr = 0, bb = 0;
  for (let i = A.pad; i < A.pad + A.n; i++) {
    rr += res[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return Math.sqrt(rr / bb);
}

describe("lean DC path against the stored float64 path", () => {
  const maps: [string, VoxelGrid, NetworkOptions][] = [
    ["splitmix 40 x 43 x 35, voxel layers, contrast 1e3", splitmixVoxels([40, 43, 35], 3, 0.6), { phases: twoPhase, voxelNm: 1e7, electrodes: { kind: "voxel-layers" } }],
    ["splitmix 36 x 30 x 28, planes, anisotropic voxels", splitmixVoxels([36, 30, 28], 11, 0.55), { phases: twoPhase, voxelNm: [40, 25, 60] }],
    [
      "three phases (one insulating) 32^3, planes with an interface resistance",
      randomVoxels([32, 32, 32], [0.5, 0.3, 0.2], createStream(5, "lean-test")),
      { phases: [{ label: 0, conductivitySPerCm: 2 }, { label: 1, conductivitySPerCm: 0.01 }, { label: 2, conductivitySPerCm: 0 }], voxelNm: 50, electrodes: { kind: "planes", interface: { resistanceOhmCm2: 1e-6 } } },
    ],
  ];
  for (const [name, grid, options] of maps) {
    it(`sigma_eff agrees to 1e-9 at tolerance 1e-8, and the reported residual is the true double one (${name})`, () => {
      const ref = solveNetwork(grid, { ...options, solverPath: "stored", tolerance: 1e-12, currentDensity: false });
      const lean = solveNetwork(grid, { ...options, solverPath: "lean", tolerance: 1e-8, currentDensity: false });
      expect(lean.stats.solverPath).toBe("lean");
      expect(rel(lean.conductivitySPerCm, ref.conductivitySPerCm)).toBeLessThan(1e-9);
      expect(lean.relativeResidual).toBeLessThanOrEqual(1e-8);
      const again = storedResidual(grid, options, lean.potentialV);
      expect(rel(again, lean.relativeResidual)).toBeLessThan(1e-6);
      expect(lean.currentBalance).toBeLessThan(1e-6);
    });
  }

  it("reaches 1e-11, below float32's roundoff, and its fields match the stored path's", () => {
    const grid = splitmixVoxels([30, 28, 26], 8, 0.6);
    const options: NetworkOptions = { phases: twoPhase, voxelNm: 1e7, electrodes: { kind: "voxel-layers" } };
    const ref = solveNetwork(grid, { ...options, solverPath: "stored", tolerance: 1e-12 });
    const lean = solveNetwork(grid, { ...options, solverPath: "lean", tolerance: 1e-11 });
    expect(lean.relativeResidual).toBeLessThanOrEqual(1e-11);
    expect(lean.stats.outerSteps).toBeGreaterThan(1);
    expect(storedResidual(grid, options, lean.potentialV)).toBeLessThanOrEqual(1e-11 * (1 + 1e-6));
    expect(lean.potentialV.length).toBe(ref.potentialV.length);
    let dphi = 0, dj = 0, jmax = 0;
    for (let i = 0; i < ref.potentialV.length; i++) {
      const a = ref.potentialV[i]!, b = lean.potentialV[i]!;
      expect(Number.isNaN(b)).toBe(Number.isNaN(a));
      if (!Number.isNaN(a)) dphi = Math.max(dphi, Math.abs(a - b));
      dj = Math.max(dj, Math.abs(ref.currentDensityACm2![i]! - lean.currentDensityACm2![i]!));
      jmax = Math.max(jmax, ref.currentDensityACm2![i]!);
    }
    expect(dphi).toBeLessThan(1e-6);
    expect(dj / jmax).toBeLessThan(1e-6); // the field is Float32: 6e-8 relative rounding
  });

  it("WebAssembly and JavaScript kernels give the same bits", () => {
    const grid = splitmixVoxels([24, 22, 20], 2, 0.6);
    const options: NetworkOptions = { phases: twoPhase, voxelNm: 1e7, electrodes: { kind: "voxel-layers" }, solverPath: "lean" };
    const w = solveNetwork(grid, { ...options, webAssembly: true });
    const j = solveNetwork(grid, { ...options, webAssembly: false });
    expect(w.stats.webAssembly).toBe(true);
    expect(j.stats.webAssembly).toBe(false);
    expect(w.conductivitySPerCm).toBe(j.conductivitySPerCm);
    expect(w.solverIterations).toBe(j.solverIterations);
    expect(w.relativeResidual).toBe(j.relativeResidual);
    expect(w.potentialV).toEqual(j.potentialV);
  });
});

describe("lean DC path: exact results and path choice", () => {
  const sigmas = [2.5, 0.4, 7, 0.01];
  const phases = sigmas.map((s, label) => ({ label, conductivitySPerCm: s }));

  it("layers in series give the harmonic mean and in parallel the arithmetic mean, with unequal voxel sides", () => {
    const [hx, hy, hz] = [30, 50, 20];
    const nx = 8, ny = 6, nz = 5;
    const series = gridOf([nx, ny, nz], (x) => x % 4);
    const parallel = gridOf([nx, ny, nz], (_x, y) => y % 4);
    let inv = 0;
    for (let x = 0; x < nx; x++) inv += 1 / sigmas[x % 4]!;
    let sum = 0;
    for (let y = 0; y < ny; y++) sum += sigmas[y % 4]!;
    const o = { phases, voxelNm: [hx, hy, hz] as const, tolerance: 1e-12, solverPath: "lean" as const };
    expect(rel(solveNetwork(series, o).conductivitySPerCm, nx / inv)).toBeLessThan(1e-9);
    expect(rel(solveNetwork(parallel, o).conductivitySPerCm, sum / ny)).toBeLessThan(1e-9);
  });

  it("auto takes the lean path from LEAN_MIN_CELLS voxels and the stored one for grain boundaries", () => {
    const side = Math.ceil(Math.cbrt(LEAN_MIN_CELLS));
    const grid = splitmixVoxels([side, side, side], 4, 0.7);
    expect(solveNetwork(grid, { phases: twoPhase, voxelNm: 20, currentDensity: false }).stats.solverPath).toBe("lean");
    expect(solveNetwork(splitmixVoxels([8, 8, 8], 4, 0.7), { phases: twoPhase, voxelNm: 20 }).stats.solverPath).toBe("stored");
    const gb = { phases: twoPhase, voxelNm: 20, grainBoundary: { resistanceOhmCm2: 1e-3 }, currentDensity: false } as const;
    expect(solveNetwork(grid, gb).stats.solverPath).toBe("stored");
    expect(() => solveNetwork(grid, { ...gb, solverPath: "lean" })).toThrow(
      'solverPath "lean": not available with a grain-boundary element (bonds depend on grain ids); use "auto" or "stored"',
    );
  });
});
