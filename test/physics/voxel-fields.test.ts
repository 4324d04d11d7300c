/**
 * The fields a voxel design writes for ParaView (pipeline voxelFields -> report/vti.ts),
 * read back by the tests' own reader: in a uniform block the potential falls linearly along
 * the current (V (1 - (x + 1/2)/nx) at voxel centres, electrode planes on the outer faces)
 * and |j| is sigma V / L everywhere; across layers in series |j| is the same in every voxel
 * (current conservation) and the potential drops h / sigma_i per voxel. Anisotropic voxels
 * of an image turned to its transport axis keep their edges in the Spacing.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { voxelFields } from "../../src/pipeline/morphology.js";
import { vtiFile } from "../../src/report/vti.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import type { VoxelMorphologySettings } from "../../src/scenario/schema.js";
import { volumePages, writeTiff } from "../tiff-writer.js";
import { readVti, type VtiRead } from "../vti-reader.js";

/** Solve, write the .vti, read it back. */
function roundTrip(m: VoxelMorphologySettings, baseDir = "."): VtiRead {
  const f = voxelFields(m, 1, baseDir, 298.15, undefined);
  return readVti(vtiFile({ shape: f.shape, spacingNm: f.voxelNm, arrays: [
    { name: "phase", data: f.phase }, { name: "potentialV", data: f.potentialV }, { name: "currentDensityACm2", data: f.currentDensityACm2 },
  ] }));
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("voxel fields", () => {
  it("uniform block: potential linear along x, |j| = sigma V / L in every voxel (to the solver's tolerance)", () => {
    const sigma = 0.01, h = 20, [nx, ny, nz] = [10, 4, 3];
    const s = parseScenario({ name: "block", temperaturesK: [298.15], morphology: { kind: "random-voxels", shape: [nx, ny, nz], voxelNm: h, tolerance: 1e-12, phases: [{ name: "A", fraction: 1, conductivitySPerCm: sigma }] } });
    const v = roundTrip(s.morphology as VoxelMorphologySettings);
    expect(v.cells).toEqual([nx, ny, nz]);
    expect(v.spacing).toEqual([h, h, h]);
    expect(v.origin).toEqual([0, 0, 0]);
    const phi = v.cellData.get("potentialV")!.values, j = v.cellData.get("currentDensityACm2")!.values;
    expect(v.cellData.get("phase")!.values.every((p) => p === 0)).toBe(true);
    const jExact = (sigma * 1) / (nx * h * 1e-7); // A/cm2 at 1 V across L = nx h
    let worstPhi = 0, worstJ = 0;
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          const i = x + nx * (y + ny * z);
          worstPhi = Math.max(worstPhi, Math.abs(phi[i]! - (1 - (x + 0.5) / nx)));
          worstJ = Math.max(worstJ, rel(j[i]!, jExact));
        }
      }
    }
    expect(worstPhi).toBeLessThan(1e-9);
    expect(worstJ).toBeLessThan(1e-6); // |j| is stored as Float32 (7 digits)
  });

  it("layers in series across the current (an image along z, anisotropic voxels): |j| the same in every voxel, the potential dropping h / sigma per layer", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-fields-"));
    // image 4 x 5 x 6 (x, y, z); label 1 on even pages, 2 on odd ones: layers normal to z
    const shape = [4, 5, 6] as const;
    const labels: number[] = [];
    for (let z = 0; z < 6; z++) for (let y = 0; y < 5; y++) for (let x = 0; x < 4; x++) labels.push(z % 2 === 0 ? 1 : 2);
    writeFileSync(join(dir, "layers.tif"), writeTiff(volumePages(shape, labels)));
    const sigma = [2, 0.5];
    const file = join(dir, "s.json");
    writeFileSync(file, JSON.stringify({ name: "layers", temperaturesK: [298.15], morphology: { kind: "image", file: "layers.tif", voxelNm: [10, 20, 30], axis: "z", tolerance: 1e-12,
      phases: [{ name: "a", label: 1, conductivitySPerCm: sigma[0] }, { name: "b", label: 2, conductivitySPerCm: sigma[1] }] } }));
    const { scenario, baseDir } = loadScenario(file);
    const v = roundTrip(scenario.morphology as VoxelMorphologySettings, baseDir);
    // turned so that the image's z is the solver's x: (x, y, z) -> (z, x, y), edges likewise
    expect(v.cells).toEqual([6, 4, 5]);
    expect(v.spacing).toEqual([30, 10, 20]);
    const hx = 30e-7; // cm
    const rho = Array.from({ length: 6 }, (_, x) => hx / sigma[x % 2]!); // ohm cm2 per layer
    const jExact = 1 / rho.reduce((a, b) => a + b, 0);
    const phase = v.cellData.get("phase")!.values, phi = v.cellData.get("potentialV")!.values, j = v.cellData.get("currentDensityACm2")!.values;
    for (let i = 0; i < j.length; i++) {
      const x = i % 6;
      expect(phase[i]).toBe(x % 2);
      expect(rel(j[i]!, jExact)).toBeLessThan(1e-6);
      // potential at the centre of layer x: 1 V less the drops of the layers before it and half its own
      const drop = rho.slice(0, x).reduce((a, b) => a + b, 0) + rho[x]! / 2;
      expect(Math.abs(phi[i]! - (1 - jExact * drop))).toBeLessThan(1e-9);
    }
  });
});
