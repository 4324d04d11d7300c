/**
 * `morphology.kind: "image"`: a TIFF as a scenario's microstructure, its label -> phase
 * table, anisotropic voxels, crop, transport axis and side faces, and its bad inputs.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildMorphology, morphologyStream, networkOptions } from "../../src/pipeline/morphology.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { VoxelMorphologySettings } from "../../src/scenario/schema.js";
import { turnEdges, turnToAxis, createVoxelGrid } from "../../src/structure/voxel/grid.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
import { volumePages, writeTiff } from "../tiff-writer.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** A scenario folder with `lam.tif`: 6 x 4 x 5 voxels, label 10 where x is even, 20 where x is odd (layers normal to x). */
function laminate(): string {
  const dir = mkdtempSync(join(tmpdir(), "mofhop-image-scenario-"));
  const shape = [6, 4, 5] as const;
  const labels: number[] = [];
  for (let z = 0; z < 5; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) labels.push(x % 2 === 0 ? 10 : 20);
  writeFileSync(join(dir, "lam.tif"), writeTiff(volumePages(shape, labels), { bitsPerSample: 16 }));
  return dir;
}

function scenarioFile(dir: string, morphology: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = join(dir, `s${Math.floor(Math.random() * 1e9)}.json`);
  writeFileSync(file, JSON.stringify({ name: "img", temperaturesK: [298.15], morphology: { kind: "image", file: "lam.tif", ...morphology }, ...extra }));
  return file;
}

const PHASES = [
  { name: "a", label: 10, conductivitySPerCm: 2 },
  { name: "b", label: [20, 21], conductivitySPerCm: 0.5 },
];

function solve(file: string) {
  const { scenario, baseDir } = loadScenario(file);
  const m = scenario.morphology as VoxelMorphologySettings;
  const built = buildMorphology(m, morphologyStream(1, 0), baseDir);
  return { built, result: solveNetwork(built.grid, { ...networkOptions(m, built.phases, 298.15, undefined), tolerance: 1e-12 }) };
}

describe("image morphology", () => {
  it("transport along x crosses the layers (harmonic mean); along y or z runs beside them (arithmetic mean), with anisotropic voxels", () => {
    const dir = laminate();
    const nm = [30, 50, 70];
    const x = solve(scenarioFile(dir, { voxelNm: nm, phases: PHASES }));
    expect(rel(x.result.conductivitySPerCm, 2 / (1 / 2 + 1 / 0.5))).toBeLessThan(1e-9);
    // R = sum over the 6 layers of h_x / (s A_x), 4 x 5 columns in parallel
    const [hx, hy, hz] = nm.map((v) => v * 1e-7) as [number, number, number];
    expect(rel(x.result.resistanceOhm, ((3 * hx) / (2 * hy * hz) + (3 * hx) / (0.5 * hy * hz)) / 20)).toBeLessThan(1e-9);
    for (const axis of ["y", "z"] as const) {
      const r = solve(scenarioFile(dir, { voxelNm: nm, phases: PHASES, axis }));
      expect(rel(r.result.conductivitySPerCm, (2 + 0.5) / 2)).toBeLessThan(1e-9);
      // length along the image axis, cross-section of the other two
      const [lx, ly, lz] = turnEdges([hx * 6, hy * 4, hz * 5] as [number, number, number], axis);
      expect(rel(r.result.lengthCm, lx)).toBeLessThan(1e-15);
      expect(rel(r.result.areaCm2, ly * lz)).toBeLessThan(1e-15);
      expect(rel(r.result.resistanceOhm, lx / (1.25 * ly * lz))).toBeLessThan(1e-9);
    }
  });

  it("the bundled image-layers.json (a 16-bit Deflate TIFF) builds the grid of raw-layers.json and gives its conductivity bit for bit", () => {
    const img = solve("scenarios/validation/image-layers.json");
    const raw = solve("scenarios/validation/raw-layers.json");
    expect(img.built.grid.phase).toEqual(raw.built.grid.phase);
    expect(img.result.conductivitySPerCm).toBe(raw.result.conductivitySPerCm);
  });

  it("crops before solving: a crop of one layer along x is a uniform sample", () => {
    const dir = laminate();
    const r = solve(scenarioFile(dir, { voxelNm: 40, crop: { from: [1, 0, 0], to: [2, 4, 5] }, phases: PHASES }));
    expect(r.built.grid.shape).toEqual([1, 4, 5]);
    expect(rel(r.result.conductivitySPerCm, 0.5)).toBeLessThan(1e-9);
    expect(r.result.phases.map((p) => [p.name, p.volumeFraction])).toEqual([["b", 1]]);
  });

  it("turns the grid by a cyclic permutation of the axes", () => {
    const g = createVoxelGrid([2, 3, 4], Uint8Array.from({ length: 24 }, (_, i) => i));
    const y = turnToAxis(g, "y"), z = turnToAxis(g, "z");
    expect(y.shape).toEqual([3, 4, 2]);
    expect(z.shape).toEqual([4, 2, 3]);
    // voxel (x, y, z) = (1, 2, 3) has label 1 + 2 (2 + 3 3) = 23
    expect(y.phase[2 + 3 * (3 + 4 * 1)]).toBe(23);
    expect(z.phase[3 + 4 * (1 + 2 * 2)]).toBe(23);
  });

  it("refuses bad tables, crops and cell settings with the field named", () => {
    const dir = laminate();
    expect(() => loadScenario(scenarioFile(dir, { voxelNm: 40, phases: [PHASES[0], { name: "c", label: [20, 10], conductivitySPerCm: 1 }] }))).toThrow(
      "morphology.phases.1.label: got [20,10]; label 10 is already given to phases.0",
    );
    expect(() => loadScenario(scenarioFile(dir, { voxelNm: 40, crop: { from: [2, 0, 0], to: [2, 4, 5] }, phases: PHASES }))).toThrow("morphology.crop.to.0: got 2; must be above from[0] = 2 (the crop is half-open: from <= i < to)");
    expect(() => loadScenario(scenarioFile(dir, { voxelNm: [40, 40, 60], phases: PHASES }, { cell: {} }))).toThrow("morphology.voxelNm: got [40,40,60]; the cell's impedance solves take cubic voxels (one number); anisotropic voxels are DC only");
    expect(() => solve(scenarioFile(dir, { voxelNm: 40, phases: [PHASES[0]] }))).toThrow(`lam.tif": label 20 (60 voxels) has no phase; the phase table gives labels: 10`);
    expect(() => solve(scenarioFile(dir, { voxelNm: 40, crop: { from: [0, 0, 0], to: [7, 4, 5] }, phases: PHASES }))).toThrow("morphology.crop: x from 0 to 7 is outside the image; allowed: integers 0 <= from < to <= 6");
  });
});
