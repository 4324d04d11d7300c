/**
 * The DC resistor network against exact results (../shared/reference/physics.md,
 * "Resistor networks and composites"). Solves run to a relative residual of 1e-12, so a
 * conductance is good to ~1e-11 relative on these small, well-conditioned grids; the
 * exact comparisons use 1e-9.
 */
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { stencilApply } from "../../src/linalg/stencil.js";
import { randomVoxels } from "../../src/structure/voxel/generate.js";
import { createVoxelGrid, type Shape3, type VoxelGrid } from "../../src/structure/voxel/grid.js";
import { assembleConductance, dcRightHandSide } from "../../src/transport/network/assemble.js";
import { fieldSlice } from "../../src/transport/network/fields.js";
import { resolveNetwork, type NetworkOptions } from "../../src/transport/network/options.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
import { networkTopology } from "../../src/transport/network/topology.js";

const TOL = 1e-12;

/** A grid whose label is f(x, y, z). */
function gridOf(shape: Shape3, f: (x: number, y: number, z: number) => number, g?: (x: number, y: number, z: number) => number): VoxelGrid {
  const [nx, ny, nz] = shape;
  const phase = new Uint8Array(nx * ny * nz), grain = new Int32Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    phase[i] = f(x, y, z);
    grain[i] = g === undefined ? 0 : g(x, y, z);
  }
  return createVoxelGrid(shape, phase, grain);
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("DC network: exact results", () => {
  const sigmas = [2.5, 0.4, 7, 0.01];
  const phases = sigmas.map((s, label) => ({ label, conductivitySPerCm: s }));

  it("a uniform sample has the bulk conductivity and tortuosity factor 1 (both electrode models)", () => {
    const grid = gridOf([9, 7, 6], () => 2);
    for (const electrodes of [{ kind: "planes" as const }, { kind: "voxel-layers" as const }]) {
      const r = solveNetwork(grid, { phases, voxelNm: 80, electrodes, tolerance: TOL });
      expect(rel(r.conductivitySPerCm, 7)).toBeLessThan(1e-9);
      expect(rel(r.tortuosityFactor, 1)).toBeLessThan(1e-9);
      expect(r.percolates).toBe(true);
      expect(r.currentBalance).toBeLessThan(1e-9);
      // |J| = sigma V / L everywhere, A/cm^2
      const j = (7 * 1) / r.lengthCm;
      for (const v of r.currentDensityACm2!) expect(rel(v, j)).toBeLessThan(1e-6); // Float32 field
    }
  });

  it("layers in series give the harmonic mean, layers in parallel the arithmetic mean", () => {
    const nx = 8, ny = 6, nz = 5;
    const series = gridOf([nx, ny, nz], (x) => x % 4);
    const parallel = gridOf([nx, ny, nz], (_x, y) => y % 4);
    // planes: each voxel layer of the series stack is a resistor h / (sigma A)
    let inv = 0;
    for (let x = 0; x < nx; x++) inv += 1 / sigmas[x % 4]!;
    const harmonic = nx / inv;
    let sum = 0;
    for (let y = 0; y < ny; y++) sum += sigmas[y % 4]!;
    const arithmetic = sum / ny;
    const opts: NetworkOptions = { phases, voxelNm: 50, tolerance: TOL };
    expect(rel(solveNetwork(series, opts).conductivitySPerCm, harmonic)).toBeLessThan(1e-9);
    expect(rel(solveNetwork(parallel, opts).conductivitySPerCm, arithmetic)).toBeLessThan(1e-9);
    // voxel layers: the electrode layers count half (their centres are the ends), L = (nx - 1) h
    let invL = 1 / (2 * sigmas[0]!) + 1 / (2 * sigmas[(nx - 1) % 4]!);
    for (let x = 1; x < nx - 1; x++) invL += 1 / sigmas[x % 4]!;
    const lay = solveNetwork(series, { ...opts, electrodes: { kind: "voxel-layers" } });
    expect(rel(lay.conductivitySPerCm, (nx - 1) / invL)).toBeLessThan(1e-9);
    expect(rel(solveNetwork(parallel, { ...opts, electrodes: { kind: "voxel-layers" } }).conductivitySPerCm, arithmetic)).toBeLessThan(1e-9);
  });

  it("a grid of unit bonds between equipotential faces has R = (nx - 1) / (ny nz)", () => {
    // sigma 1 S/cm, h = 1 cm: every bond is 1 S; the voxel layers x = 0, nx-1 are the faces
    for (const [nx, ny, nz] of [[5, 4, 3], [12, 3, 7], [3, 1, 1]] as const) {
      const grid = gridOf([nx, ny, nz], () => 0);
      const r = solveNetwork(grid, { phases: [{ label: 0, conductivitySPerCm: 1 }], voxelNm: 1e7, electrodes: { kind: "voxel-layers" }, tolerance: TOL });
      expect(rel(r.resistanceOhm, (nx - 1) / (ny * nz))).toBeLessThan(1e-9);
    }
  });

  it("adds the grain-boundary and interface resistances in series exactly", () => {
    const nx = 10, ny = 4, nz = 3, h = 200e-7, sigma = 0.05, rgb = 3.5, rint = 1.25; // ohm cm^2
    const grid = gridOf([nx, ny, nz], () => 0, (x) => (x < 6 ? 1 : 2));
    const area = ny * nz * h * h;
    const bulk = (nx * h) / (sigma * area);
    const r = solveNetwork(grid, {
      phases: [{ label: 0, conductivitySPerCm: sigma }],
      voxelNm: 200,
      grainBoundary: { resistanceOhmCm2: rgb },
      electrodes: { kind: "planes", interface: { resistanceOhmCm2: rint } },
      // the series elements are 1e4 times weaker than the bulk bonds: the rounding floor of
      // ||b - A x|| / ||b|| is ~5e-12 here, so ask for 1e-10
      tolerance: 1e-10,
    });
    expect(rel(r.resistanceOhm, bulk + rgb / area + (2 * rint) / area)).toBeLessThan(1e-9);
    // grains stacked along y (boundaries parallel to the current) carry no penalty
    const side = gridOf([nx, ny, nz], () => 0, (_x, y) => y);
    const r2 = solveNetwork(side, { phases: [{ label: 0, conductivitySPerCm: sigma }], voxelNm: 200, grainBoundary: { resistanceOhmCm2: rgb }, tolerance: TOL });
    expect(rel(r2.resistanceOhm, bulk)).toBeLessThan(1e-9);
  });

  it("returns conductivity 0 and percolates false for a blocked sample, without a solve or NaN", () => {
    // a full insulating layer at x = 4
    const blocked = gridOf([9, 5, 5], (x) => (x === 4 ? 1 : 0));
    const opts: NetworkOptions = { phases: [{ label: 0, conductivitySPerCm: 1 }, { label: 1, conductivitySPerCm: 0 }], voxelNm: 10 };
    for (const electrodes of [{ kind: "planes" as const }, { kind: "voxel-layers" as const }]) {
      const r = solveNetwork(blocked, { ...opts, electrodes });
      expect(r.conductivitySPerCm).toBe(0);
      expect(r.percolates).toBe(false);
      expect(r.solverIterations).toBe(0);
      expect(r.tortuosityFactor).toBe(Infinity);
      expect(r.currentDensityACm2!.every((v) => v === 0)).toBe(true);
      expect(r.phases.find((p) => p.label === 0)!.spanningFraction).toBe(0);
    }
    const insulator = gridOf([4, 4, 4], () => 1);
    expect(solveNetwork(insulator, opts).conductivitySPerCm).toBe(0);
    // a blocking interface (R = Infinity) stops DC current too
    const ok = gridOf([4, 4, 4], () => 0);
    const blockedContact = solveNetwork(ok, { ...opts, electrodes: { kind: "planes", interface: { resistanceOhmCm2: Infinity } } });
    expect(blockedContact.percolates).toBe(false);
  });

  it("ignores clusters that touch one electrode or none (they carry no current)", () => {
    // a straight wire along x at (y, z) = (1, 1), plus a dead end from the x = 0 face and an island
    const wire = (_x: number, y: number, z: number): number => (y === 1 && z === 1 ? 0 : 1);
    const extra = (x: number, y: number, z: number): number => ((y === 3 && z === 3 && x < 5) || (y === 3 && z === 0 && x > 2 && x < 6) ? 0 : wire(x, y, z));
    const opts: NetworkOptions = { phases: [{ label: 0, conductivitySPerCm: 3 }, { label: 1, conductivitySPerCm: 0 }], voxelNm: 100, tolerance: TOL };
    const a = solveNetwork(gridOf([8, 4, 4], wire), opts);
    const b = solveNetwork(gridOf([8, 4, 4], extra), opts);
    expect(a.conductivitySPerCm).toBeCloseTo((3 * 1) / 16, 12); // one column of 16 carries sigma
    expect(rel(b.conductivitySPerCm, a.conductivitySPerCm)).toBeLessThan(1e-12);
    expect(b.currentCarryingFraction).toBe(8 / 128);
    expect(Number.isNaN(b.potentialV[3 * 8 + 3 * 32])).toBe(true); // the dead end has no defined potential
    expect(() => solveNetwork(gridOf([2, 2, 2], () => 5), opts)).toThrow("voxel label 5 (8 voxels) has no phase; phases are given for labels: 0, 1");
  });

  it("keeps Kirchhoff's current law at every node", () => {
    const grid = randomVoxels([10, 9, 8], [0.6, 0.4], createStream(9, "kcl"));
    const options: NetworkOptions = { phases: [{ label: 0, conductivitySPerCm: 1 }, { label: 1, conductivitySPerCm: 1e-3 }], voxelNm: 100, tolerance: TOL };
    const r = solveNetwork(grid, options);
    expect(r.currentBalance).toBeLessThan(1e-10);
    expect(r.relativeResidual).toBeLessThanOrEqual(TOL);
  });
});

describe("DC network: multigrid solve against a direct solve", () => {
  it("agrees with dense Cholesky on a random high-contrast sample to 1e-8", () => {
    const grid = randomVoxels([11, 9, 8], [0.45, 0.35, 0.2], createStream(21, "direct"));
    const options: NetworkOptions = {
      phases: [{ label: 0, conductivitySPerCm: 1 }, { label: 1, conductivitySPerCm: 1e-6 }, { label: 2, conductivitySPerCm: 0 }],
      voxelNm: 30,
      grainBoundary: { resistanceOhmCm2: 1e-7 },
      // contrast 1e6: the error is up to cond(A) times the residual, so solve to 1e-12
      tolerance: 1e-12,
    };
    const r = resolveNetwork(grid, options);
    const conducts = Uint8Array.from({ length: 256 }, (_, l) => (r.sigma[l]! > 0 ? 1 : 0));
    const topo = networkTopology(grid, conducts, false, true);
    const A = assembleConductance(grid, r, topo);
    const b = dcRightHandSide(A, 1);
    // dense reduced system on the carrying cells
    const cells: number[] = [];
    for (let c = 0; c < A.n; c++) if (topo.carrying[c] === 1) cells.push(c);
    const m = cells.length;
    const dense = new Matrix(m, m);
    const e = new Float64Array(A.length), y = new Float64Array(A.length);
    cells.forEach((c, j) => {
      e.fill(0);
      e[A.pad + c] = 1;
      stencilApply(A, e, y);
      cells.forEach((d, i) => dense.set(i, j, y[A.pad + d]!));
    });
    const phi = new CholeskyDecomposition(dense).solve(Matrix.columnVector(cells.map((c) => b[A.pad + c]!))).getColumn(0);
    let current = 0;
    cells.forEach((c, i) => {
      if (c % A.nx === 0) current += A.shuntLow[(c - (c % A.nx)) / A.nx]! * (1 - phi[i]!);
    });
    const sol = solveNetwork(grid, options);
    expect(rel(sol.currentInA, current)).toBeLessThan(1e-8);
    cells.forEach((c, i) => {
      const x = c % A.nx, k = (c - x) / A.nx;
      expect(Math.abs(sol.potentialV[x + grid.shape[0] * k]! - phi[i]!)).toBeLessThan(1e-8);
    });
  });
});

describe("two-phase random media", () => {
  it("lie inside the Hashin-Shtrikman bounds (J. Appl. Phys. 33, 3125, 1962)", () => {
    for (const [f1, contrast] of [[0.6, 10], [0.5, 1000], [0.3, 100]] as const) {
      const grid = randomVoxels([20, 20, 20], [f1, 1 - f1], createStream(5, "hs", f1));
      const s1 = 1, s2 = 1 / contrast;
      const r = solveNetwork(grid, { phases: [{ label: 0, conductivitySPerCm: s1 }, { label: 1, conductivitySPerCm: s2 }], voxelNm: 100, phaseConnectivity: false, currentDensity: false });
      const a = r.phases[0]!.volumeFraction, b = 1 - a;
      const upper = s1 + b / (1 / (s2 - s1) + a / (3 * s1));
      const lower = s2 + a / (1 / (s1 - s2) + b / (3 * s2));
      expect(r.conductivitySPerCm).toBeGreaterThan(lower);
      expect(r.conductivitySPerCm).toBeLessThan(upper);
    }
  });
});

describe("fields", () => {
  it("slices a voxel field along each axis", () => {
    const shape: Shape3 = [4, 3, 2];
    const f = Float32Array.from({ length: 24 }, (_, i) => i);
    const z1 = fieldSlice(f, shape, "z", 1);
    expect([z1.width, z1.height]).toEqual([4, 3]);
    expect(Array.from(z1.values)).toEqual(Array.from({ length: 12 }, (_, i) => 12 + i));
    const x2 = fieldSlice(f, shape, "x", 2);
    expect([x2.width, x2.height]).toEqual([3, 2]);
    expect(Array.from(x2.values)).toEqual([2, 6, 10, 14, 18, 22]);
    const y0 = fieldSlice(f, shape, "y", 0);
    expect(Array.from(y0.values)).toEqual([0, 1, 2, 3, 12, 13, 14, 15]);
    expect(() => fieldSlice(f, shape, "y", 3)).toThrow("field slice: y = 3 outside 0..2");
  });
});
