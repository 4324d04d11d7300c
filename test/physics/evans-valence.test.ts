/**
 * The Evans stage keeps the cation's charge number: a membrane of a 2:1 salt (no fixed
 * charge, blocking anion) polarised by 0.2 V reaches the exact steady current of a z:1 salt
 * (Newman and Thomas-Alyea, Electrochemical Systems, ch. 19; membrane-analytic.ts) for z = 2,
 * which at this step differs from the z = 1 value by far more than the solver's error.
 */
import { describe, expect, it } from "vitest";
import { runCellExperiments } from "../../src/pipeline/electrochem.js";
import { cellSchema, type VoxelMorphologySettings } from "../../src/scenario/schema.js";
import { createVoxelGrid } from "../../src/structure/voxel/grid.js";
import { binarySaltSteadyCurrentA } from "../../src/transport/cell/membrane-analytic.js";

describe("Evans stage with a divalent cation", () => {
  const sigma = 1e-4, tPlus = 0.4, salt = 0.5, T = 298.15, dV = 0.2, L = 20;
  const n = 4;
  const phase = { name: "salt", conductivitySPerCm: sigma, transferenceNumber: tPlus };
  const morphology: VoxelMorphologySettings = { kind: "random-voxels", shape: [n, n, n], voxelNm: 100, phases: [{ ...phase, fraction: 1 }], realizations: 1, tolerance: 1e-10 };
  const built = { grid: createVoxelGrid([n, n, n], new Uint8Array(n ** 3).fill(1), new Int32Array(n ** 3)), phases: [{ ...phase, label: 1 }] };
  const cell = cellSchema.parse({ membraneThicknessUm: L, saltMolPerL: salt, fixedChargeMolPerL: 0, evans: { stepVoltageV: dV, durationS: 3600 } });
  const out = runCellExperiments({ morphology, built, cell, temperatureK: T, cationCharge: 2, effectiveSPerCm: sigma, effectiveStdErr: 0 });
  const area = Math.PI * (cell.membraneDiameterMm / 20) ** 2;
  const exact = (z: number): number => {
    const F = 96485.33212, RT = 8.314462618 * T;
    // the partial conductivities of the salt give D+ and D- (Nernst-Einstein, z c+ = c-)
    const cMinus = salt * 1e-3, cPlus = cMinus / z;
    return binarySaltSteadyCurrentA({
      thicknessUm: L, areaCm2: area, fixedChargeMolPerL: 0, saltMolPerL: salt, cationCharge: z,
      cationDiffusivityCm2PerS: (tPlus * sigma * RT) / (F * F * z * z * cPlus),
      anionDiffusivityCm2PerS: ((1 - tPlus) * sigma * RT) / (F * F * cMinus),
      interfaceResistanceOhmCm2: out.interfacialResistanceOhmCm2 ?? 0, temperatureK: T,
    }, dV);
  };

  it("reaches the z = 2 steady current, not the z = 1 one", () => {
    const iss = out.evans!.Iss, z2 = exact(2), z1 = exact(1);
    expect(Math.abs(iss / z2 - 1)).toBeLessThan(2e-3);
    expect(Math.abs(z1 / z2 - 1)).toBeGreaterThan(1e-2);
  });
});
