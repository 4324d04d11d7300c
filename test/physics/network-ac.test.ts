/**
 * AC network against exact circuits (../shared/reference/physics.md, "Electrochemistry":
 * R || C is a semicircle of diameter R with its apex at omega = 1/(RC)). A uniform block
 * of conductivity sigma and permittivity eps0 eps_r between planes is exactly
 * R = L / (sigma A) in parallel with C = eps0 eps_r A / L; grain boundaries and interfaces
 * add their R || C elements in series. COCG runs to 1e-12, so 1e-8 relative is safe.
 */
import { describe, expect, it } from "vitest";
import { VACUUM_PERMITTIVITY_F_PER_M } from "../../src/core/constants.js";
import { createStream } from "../../src/core/rng.js";
import { randomVoxels } from "../../src/structure/voxel/generate.js";
import { createVoxelGrid, type Shape3, type VoxelGrid } from "../../src/structure/voxel/grid.js";
import { ImpedanceSolver, solveImpedance } from "../../src/transport/network/impedance.js";
import type { NetworkOptions } from "../../src/transport/network/options.js";
import { solveNetwork } from "../../src/transport/network/solve.js";

const EPS0 = VACUUM_PERMITTIVITY_F_PER_M * 1e-2; // F/cm
const TOL = 1e-12;

function gridOf(shape: Shape3, f: (x: number) => number, g: (x: number) => number = () => 0): VoxelGrid {
  const [nx, ny, nz] = shape;
  const phase = new Uint8Array(nx * ny * nz), grain = new Int32Array(nx * ny * nz);
  for (let i = 0; i < phase.length; i++) {
    phase[i] = f(i % nx);
    grain[i] = g(i % nx);
  }
  return createVoxelGrid(shape, phase, grain);
}

/** Z of R || C at angular frequency w: R / (1 + i w R C). */
function rc(R: number, C: number, w: number): [number, number] {
  const d = 1 + (w * R * C) ** 2;
  return [R / d, (-w * R * R * C) / d];
}

function expectZ(got: [number, number], want: [number, number], scale: number): void {
  expect(Math.abs(got[0] - want[0]) / scale).toBeLessThan(1e-8);
  expect(Math.abs(got[1] - want[1]) / scale).toBeLessThan(1e-8);
}

describe("AC network: exact circuits", () => {
  const shape: Shape3 = [6, 5, 4];
  const h = 100e-7; // cm
  const area = 5 * 4 * h * h, length = 6 * h;

  it("a uniform dielectric conductor is one R || C: semicircle with its apex at omega = 1/(RC)", () => {
    const sigma = 1e-4, epsr = 12;
    const R = length / (sigma * area), C = (EPS0 * epsr * area) / length;
    const w0 = 1 / (R * C);
    const ws = [0.01, 0.3, 1, 3, 100].map((k) => k * w0);
    const res = solveImpedance(gridOf(shape, () => 0), { phases: [{ label: 0, conductivitySPerCm: sigma, relativePermittivity: epsr }], voxelNm: 100, tolerance: TOL }, ws.map((w) => w / (2 * Math.PI)));
    ws.forEach((w, k) => expectZ([res.realOhm[k]!, res.imagOhm[k]!], rc(R, C, w), R));
    // apex: Z = R/2 - i R/2 at w0, the largest -Im Z of the sweep
    expect(Math.abs(res.realOhm[2]! - R / 2) / R).toBeLessThan(1e-8);
    expect(Math.abs(-res.imagOhm[2]! - R / 2) / R).toBeLessThan(1e-8);
    expect(Math.max(...Array.from(res.imagOhm, (v) => -v))).toBe(-res.imagOhm[2]!);
    expect(res.percolates).toBe(true);
  });

  it("adds a grain-boundary R || C and electrode-interface R || C elements in series", () => {
    const sigma = 2e-3, rgb = 50, cgb = 1e-7, rint = 20, cint = 5e-6; // ohm cm^2, F/cm^2
    const options: NetworkOptions = {
      phases: [{ label: 0, conductivitySPerCm: sigma }],
      voxelNm: 100,
      grainBoundary: { resistanceOhmCm2: rgb, capacitanceFPerCm2: cgb },
      electrodes: { kind: "planes", interface: { resistanceOhmCm2: rint, capacitanceFPerCm2: cint } },
      tolerance: TOL,
    };
    const grid = gridOf(shape, () => 0, (x) => (x < 3 ? 0 : 1)); // one boundary plane normal to x
    const bulk = length / (sigma * area);
    const fs = [1e-2, 1, 1 / (2 * Math.PI * rgb * cgb), 1 / (2 * Math.PI * rint * cint), 1e6, 1e9];
    const res = solveImpedance(grid, options, fs);
    fs.forEach((f, k) => {
      const w = 2 * Math.PI * f;
      const gb = rc(rgb / area, cgb * area, w), it = rc(rint / area, cint * area, w);
      expectZ([res.realOhm[k]!, res.imagOhm[k]!], [bulk + gb[0] + 2 * it[0], gb[1] + 2 * it[1]], bulk + (rgb + 2 * rint) / area);
    });
  });

  it("blocking electrodes (R_int infinite) add 2 / (i w C_int A)", () => {
    const sigma = 1e-3, cint = 1e-5;
    const res = solveImpedance(gridOf(shape, () => 0), {
      phases: [{ label: 0, conductivitySPerCm: sigma }],
      voxelNm: 100,
      electrodes: { kind: "planes", interface: { resistanceOhmCm2: Infinity, capacitanceFPerCm2: cint } },
      tolerance: TOL,
    }, [1, 1e3]);
    const bulk = length / (sigma * area);
    [1, 1e3].forEach((f, k) => {
      const w = 2 * Math.PI * f;
      expectZ([res.realOhm[k]!, res.imagOhm[k]!], [bulk, -2 / (w * cint * area)], bulk + 2 / (w * cint * area));
    });
  });

  it("tends to the DC solve at low frequency (random two-phase sample, both electrode models)", () => {
    const grid = randomVoxels([12, 10, 9], [0.6, 0.4], createStream(3, "ac-dc"));
    const grains = new Int32Array(grid.phase.length);
    for (let i = 0; i < grains.length; i++) grains[i] = Math.floor((i % 12) / 4); // three grains along x
    const g = createVoxelGrid(grid.shape, grid.phase, grains);
    for (const electrodes of [{ kind: "planes" as const, interface: { resistanceOhmCm2: 1e-6, capacitanceFPerCm2: 1e-6 } }, { kind: "voxel-layers" as const }]) {
      const options: NetworkOptions = {
        phases: [{ label: 0, conductivitySPerCm: 1, relativePermittivity: 30 }, { label: 1, conductivitySPerCm: 1e-3, relativePermittivity: 5 }],
        voxelNm: 500,
        grainBoundary: { resistanceOhmCm2: 1e-5, capacitanceFPerCm2: 1e-6 },
        electrodes,
        tolerance: TOL,
      };
      const dc = solveNetwork(g, { ...options, currentDensity: false });
      // time constants: eps0 eps_r / sigma <= 5e-11 s, R C of the elements <= 1e-11 s; at 1 Hz
      // Re Z - R_dc = O(w^2 tau^2) < 1e-20 and Im Z / R_dc = O(w tau) < 1e-9
      const ac = solveImpedance(g, options, [1]);
      expect(Math.abs(ac.realOhm[0]! - dc.resistanceOhm) / dc.resistanceOhm).toBeLessThan(1e-8);
      expect(Math.abs(ac.imagOhm[0]!) / dc.resistanceOhm).toBeLessThan(1e-8);
    }
  });

  it("reports an open circuit when nothing joins the electrodes, and checks its input", () => {
    const blocked = gridOf(shape, (x) => (x === 2 ? 1 : 0));
    const options: NetworkOptions = { phases: [{ label: 0, conductivitySPerCm: 1 }, { label: 1, conductivitySPerCm: 0 }], voxelNm: 100 };
    const res = solveImpedance(blocked, options, [10, 100]);
    expect(res.percolates).toBe(false);
    expect(Array.from(res.realOhm)).toEqual([Infinity, Infinity]);
    // an insulating layer with a permittivity passes AC (a capacitor in series)
    const withEps = solveImpedance(blocked, { ...options, phases: [{ label: 0, conductivitySPerCm: 1 }, { label: 1, conductivitySPerCm: 0, relativePermittivity: 4 }] }, [1e3]);
    expect(withEps.percolates).toBe(true);
    expect(withEps.imagOhm[0]!).toBeLessThan(0);
    expect(() => solveImpedance(blocked, options, [0])).toThrow("frequenciesHz.0: got 0; must be finite and > 0");
    expect(() => solveImpedance(blocked, { ...options, multigrid: { cycle: "K" } }, [1])).toThrow("COCG needs a linear preconditioner");
  });
  it("a solve started from the DC potentials gives the same Z to the tolerance, in fewer iterations where the network is nearly resistive", () => {
    // two phases with a small permittivity: at 1 kHz the displacement current is ~1e-9 of the
    // conduction current, so the DC potentials are the AC solution to that order
    const grid = randomVoxels([14, 12, 10], [0.45, 0.55], createStream(9, "ac-start"));
    const options: NetworkOptions = { phases: [{ label: 0, conductivitySPerCm: 1e-3, relativePermittivity: 10 }, { label: 1, conductivitySPerCm: 1e-2, relativePermittivity: 10 }], voxelNm: 100, tolerance: 1e-10 };
    const dc = solveNetwork(grid, { ...options, tolerance: 1e-12, currentDensity: false, phaseConnectivity: false });
    const cold = new ImpedanceSolver(grid, options).solve(1e3);
    const warm = new ImpedanceSolver(grid, options);
    warm.startFrom(dc.potentialV, dc.appliedVoltageV);
    const z = warm.solve(1e3);
    expect(Math.abs(z.realOhm - cold.realOhm) / cold.realOhm).toBeLessThan(1e-8);
    expect(Math.abs(z.realOhm - dc.resistanceOhm) / dc.resistanceOhm).toBeLessThan(1e-6);
    expect(z.iterations).toBeLessThan(cold.iterations);
  });
});
