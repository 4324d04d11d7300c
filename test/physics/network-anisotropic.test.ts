/**
 * The DC network with anisotropic voxels (edges h_x != h_y != h_z) and periodic side faces,
 * against exact circuit results. Bond conductance along axis d: g = (A_d / h_d) 2 s_a s_b /
 * (s_a + s_b) with A_x = h_y h_z etc. (options.ts); a voxel of conductivity s therefore adds
 * h_d / (s A_d) to a path along d (two half-voxels), and the plane electrode h_x / (2 s A_x).
 * Solves run to 1e-12; exact comparisons use 1e-9.
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { createVoxelGrid, type Shape3, type VoxelGrid } from "../../src/structure/voxel/grid.js";
import { solveImpedance } from "../../src/transport/network/impedance.js";
import { solveNetwork } from "../../src/transport/network/solve.js";

const TOL = 1e-12;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function gridOf(shape: Shape3, f: (x: number, y: number, z: number) => number, g?: (x: number, y: number, z: number) => number): VoxelGrid {
  const [nx, ny, nz] = shape;
  const phase = new Uint8Array(nx * ny * nz), grain = new Int32Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    phase[i] = f(x, y, z);
    grain[i] = g === undefined ? 0 : g(x, y, z);
  }
  return createVoxelGrid(shape, phase, grain);
}

// edges 30, 50, 70 nm in cm
const NM: [number, number, number] = [30, 50, 70];
const [HX, HY, HZ] = NM.map((v) => v * 1e-7) as [number, number, number];
const AX = HY * HZ, AY = HZ * HX, AZ = HX * HY;

describe("anisotropic voxels: exact results", () => {
  const sigmas = [2.5, 0.4, 7, 0.01];
  const phases = sigmas.map((s, label) => ({ label, conductivitySPerCm: s }));

  it("layers in series: R = sum_x h_x / (s_x A_x) / (ny nz), sigma the harmonic mean", () => {
    const nx = 8, ny = 3, nz = 2;
    const r = solveNetwork(gridOf([nx, ny, nz], (x) => x % 4), { phases, voxelNm: NM, tolerance: TOL });
    let column = 0, inv = 0;
    for (let x = 0; x < nx; x++) {
      column += HX / (sigmas[x % 4]! * AX);
      inv += 1 / sigmas[x % 4]!;
    }
    expect(rel(r.resistanceOhm, column / (ny * nz))).toBeLessThan(1e-9);
    expect(rel(r.conductivitySPerCm, nx / inv)).toBeLessThan(1e-9);
    expect(r.lengthCm).toBe(nx * HX);
    expect(rel(r.areaCm2, ny * nz * HY * HZ)).toBeLessThan(1e-15);
  });

  it("layers in parallel (normal to y, and normal to z): R = L / (A sum_k f_k s_k), the arithmetic mean", () => {
    const nx = 5, ny = 8, nz = 4;
    for (const along of ["y", "z"] as const) {
      const r = solveNetwork(gridOf([nx, ny, nz], (_x, y, z) => (along === "y" ? y : z) % 4), { phases, voxelNm: NM, tolerance: TOL });
      const n = along === "y" ? ny : nz;
      let mean = 0;
      for (let k = 0; k < n; k++) mean += sigmas[k % 4]! / n;
      expect(rel(r.conductivitySPerCm, mean)).toBeLessThan(1e-9);
      expect(rel(r.resistanceOhm, (nx * HX) / (ny * nz * HY * HZ * mean))).toBeLessThan(1e-9);
    }
  });

  it("a staircase path through one x, one y and one z bond: R = 4 h_x/(s A_x) + h_y/(s A_y) + h_z/(s A_z)", () => {
    // conducting voxels (0,0,0) -x- (1,0,0) -y- (1,1,0) -z- (1,1,1) -x- (2,1,1) -x- (3,1,1); all others insulate
    const path = new Set(["0,0,0", "1,0,0", "1,1,0", "1,1,1", "2,1,1", "3,1,1"]);
    const grid = gridOf([4, 2, 2], (x, y, z) => (path.has(`${x},${y},${z}`) ? 1 : 0));
    const s = 0.3;
    const r = solveNetwork(grid, { phases: [{ label: 0, conductivitySPerCm: 0 }, { label: 1, conductivitySPerCm: s }], voxelNm: NM, tolerance: TOL });
    // two plane halves h_x/(2 s A_x) and three x bonds h_x/(s A_x)
    expect(rel(r.resistanceOhm, (4 * HX) / (s * AX) + HY / (s * AY) + HZ / (s * AZ))).toBeLessThan(1e-9);
    expect(r.currentBalance).toBeLessThan(1e-9);
    // |J| of the last voxel: I in through one x face and out through the other, I / A_x
    expect(rel(r.currentDensityACm2![3 + 4 * (1 + 2 * 1)]!, r.currentInA / AX)).toBeLessThan(1e-6); // Float32 field
  });

  it("grain boundaries add R_gb / A_x per boundary crossed along x", () => {
    const nx = 6, ny = 2, nz = 3, s = 1.7, rgb = 2e-4;
    const r = solveNetwork(gridOf([nx, ny, nz], () => 1, (x) => x), {
      phases: [{ label: 1, conductivitySPerCm: s }],
      voxelNm: NM,
      grainBoundary: { resistanceOhmCm2: rgb },
      tolerance: TOL,
    });
    expect(rel(r.resistanceOhm, ((nx * HX) / (s * AX) + ((nx - 1) * rgb) / AX) / (ny * nz))).toBeLessThan(1e-9);
  });

  it("AC solves refuse anisotropic voxels and periodic sides (DC only), naming the field", () => {
    const grid = gridOf([3, 2, 2], () => 1);
    const ph = [{ label: 1, conductivitySPerCm: 1 }];
    expect(() => solveImpedance(grid, { phases: ph, voxelNm: NM }, [1e3])).toThrow("voxelNm: got [30,50,70]; impedance (AC) solves take cubic voxels (one number): anisotropic voxels are DC only");
    expect(() => solveImpedance(grid, { phases: ph, voxelNm: 30, sides: "periodic" }, [1e3])).toThrow('sides: got "periodic"; impedance (AC) solves take no-flux sides: periodic sides are DC only');
  });

  it("cubic voxels given as [h, h, h] give the same bits as one number", () => {
    const s = createStream(3, "aniso", 0);
    const grid = gridOf([10, 8, 6], () => (s.nextFloat() < 0.6 ? 1 : 0));
    const ph = [{ label: 0, conductivitySPerCm: 1e-3 }, { label: 1, conductivitySPerCm: 1 }];
    const a = solveNetwork(grid, { phases: ph, voxelNm: 40 });
    const b = solveNetwork(grid, { phases: ph, voxelNm: [40, 40, 40] });
    expect(b.conductivitySPerCm).toBe(a.conductivitySPerCm);
    expect(b.currentDensityACm2).toEqual(a.currentDensityACm2);
  });
});

/**
 * A one-voxel-wide staircase channel that climbs one voxel in the side axis per voxel along
 * x: cells (0, 0); (x, x-1), (x, x) for 1 <= x <= nx-2; (nx-1, nx-2), side index mod n. With
 * nx = 2 n + 2 it crosses the side boundary twice, so its middle segment reaches the
 * electrodes only across the periodic faces. Exact with periodic sides:
 *   R = nx h_x / (s A_x) + (nx - 2) h_s / (s A_s)
 * (two plane halves, nx - 1 bonds along x, nx - 2 bonds along the side axis, two of them
 * across the boundary); with no-flux sides the channel is cut and carries nothing.
 */
function staircase(n: number, side: "y" | "z"): VoxelGrid {
  const nx = 2 * n + 2;
  const on = new Set<string>(["0,0"]);
  for (let x = 1; x <= nx - 2; x++) {
    on.add(`${x},${(x - 1) % n}`);
    on.add(`${x},${x % n}`);
  }
  on.add(`${nx - 1},${(nx - 2) % n}`);
  const shape: Shape3 = side === "y" ? [nx, n, 1] : [nx, 1, n];
  return gridOf(shape, (x, y, z) => (on.has(`${x},${side === "y" ? y : z}`) ? 1 : 0));
}

describe("periodic side faces", () => {
  const s = 0.8;
  const phases = [{ label: 0, conductivitySPerCm: 0 }, { label: 1, conductivitySPerCm: s }];
  for (const side of ["y", "z"] as const) {
    it(`a channel tilted across the ${side} boundary: exact R with periodic sides, no current with no-flux sides`, () => {
      const n = 3, nx = 2 * n + 2;
      const grid = staircase(n, side);
      const [hs, as] = side === "y" ? [HY, AY] : [HZ, AZ];
      const periodic = solveNetwork(grid, { phases, voxelNm: NM, sides: "periodic", tolerance: TOL });
      expect(periodic.percolates).toBe(true);
      expect(rel(periodic.resistanceOhm, (nx * HX) / (s * AX) + ((nx - 2) * hs) / (s * as))).toBeLessThan(1e-9);
      expect(periodic.currentBalance).toBeLessThan(1e-9);
      expect(periodic.phases.find((p) => p.label === 1)!.percolates).toBe(true);
      // the voxel just past the first crossing, (n, 0): I in through its wrapped -side face, out
      // through its +x face, so |J| = hypot(I / (2 A_x), I / (2 A_s)) (face means, fields.ts)
      const I = periodic.currentInA;
      const v = n; // voxel (n, 0) in either layout
      expect(rel(periodic.currentDensityACm2![v]!, Math.hypot(I / (2 * AX), I / (2 * as)))).toBeLessThan(1e-6);
      const cut = solveNetwork(grid, { phases, voxelNm: NM, tolerance: TOL });
      expect(cut.percolates).toBe(false);
      expect(cut.conductivitySPerCm).toBe(0);
      expect(cut.phases.find((p) => p.label === 1)!.percolates).toBe(false);
    });
  }

  it("a random sample's conductance is invariant under cyclic shifts across periodic faces (not so with no-flux faces)", () => {
    const shape: Shape3 = [12, 10, 9];
    const st = createStream(5, "periodic", 0);
    const labels = Array.from({ length: 12 * 10 * 9 }, () => (st.nextFloat() < 0.45 ? 1 : 0));
    const at = (x: number, y: number, z: number): number => labels[x + 12 * (y + 10 * z)]!;
    const ph = [{ label: 0, conductivitySPerCm: 0.002 }, { label: 1, conductivitySPerCm: 1 }];
    const base = gridOf(shape, at);
    const shifted = gridOf(shape, (x, y, z) => at(x, (y + 4) % 10, (z + 7) % 9));
    const a = solveNetwork(base, { phases: ph, voxelNm: NM, sides: "periodic", tolerance: TOL });
    const b = solveNetwork(shifted, { phases: ph, voxelNm: NM, sides: "periodic", tolerance: TOL });
    expect(rel(b.conductivitySPerCm, a.conductivitySPerCm)).toBeLessThan(1e-9);
    expect(a.currentBalance).toBeLessThan(1e-9);
    const c = solveNetwork(base, { phases: ph, voxelNm: NM, tolerance: TOL });
    const d = solveNetwork(shifted, { phases: ph, voxelNm: NM, tolerance: TOL });
    expect(rel(d.conductivitySPerCm, c.conductivitySPerCm)).toBeGreaterThan(1e-6);
  });
});
