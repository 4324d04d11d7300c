/**
 * Reduced spectra (src/pipeline/electrochem.ts, reducedSpectra) against the full-grid AC
 * solve they replace in the uncertainty samples: one AC solve per frequency and electrode
 * (COCG on the complex network, itself validated against exact RC networks in
 * test/physics/impedance*.test.ts). The claim tested is the one the results carry: every
 * point of both spectra within REDUCED_TOLERANCE of the full grid, the largest difference at
 * the checked (top) frequency; and where a relaxation of the bulk falls inside the window,
 * no reduction.
 *
 * Microstructure: the interconnected design of scenarios/paper/interconnected.json on a
 * 32^3 grid of 5 nm voxels (its junctions carry R_b || C_b), MOF at 4.4e-3 S/cm.
 */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { buildMorphology, morphologyStream } from "../../src/pipeline/morphology.js";
import { REDUCED_TOLERANCE, runCellExperiments, type CellInputs } from "../../src/pipeline/electrochem.js";
import type { VoxelMorphologySettings } from "../../src/scenario/schema.js";
import type { ImpedanceRow } from "../../src/pipeline/results.js";

const { scenario, baseDir } = loadScenario("scenarios/paper/interconnected.json");
const base = { ...(scenario.morphology as Extract<VoxelMorphologySettings, { kind: "grown-on-fibres" }>), shape: [32, 32, 32] as [number, number, number] };

function inputs(m: VoxelMorphologySettings, membraneThicknessUm = scenario.cell!.membraneThicknessUm): CellInputs {
  const built = buildMorphology(m, morphologyStream(scenario.seed, 0), baseDir);
  const { rateCapability: _r, criticalLocalCurrentDensityMAPerCm2: _c, ...cell } = scenario.cell!;
  // 2 frequencies per decade over 1 Hz - 1 MHz (the scenario has 4) to keep the full-grid reference short
  return { morphology: m, built, cell: { ...cell, membraneThicknessUm, impedance: { ...cell.impedance, pointsPerDecade: 2 }, evans: { ...cell.evans, durationS: 10 } }, temperatureK: 298.15, mof: { conductivitySPerCm: 4.4e-3, cationShare: 1, fixedChargeMolPerL: 2 }, effectiveSPerCm: 1e-3, effectiveStdErr: 0 };
}

/**
 * Reduced against full-grid spectra of the same inputs: both electrodes reduced, solved
 * exactly below the top (exactAboveHz < 1e6) and to the solver's tolerance at and above the
 * switch; returns the largest relative difference anywhere.
 */
/** The spectra of the same inputs, reduced and on the full grid. */
function bothSpectra(x: CellInputs): { reduced: ImpedanceRow[]; full: ImpedanceRow[] } {
  return { reduced: runCellExperiments({ ...x, impedance: "reduced" }).impedance, full: runCellExperiments({ ...x, impedance: "full-grid" }).impedance };
}

function reducedBelowTopAgainstFull(x: CellInputs): number {
  const { reduced, full } = bothSpectra(x);
  let worst = 0;
  for (let k = 0; k < 2; k++) {
    const a = reduced[k]!, b = full[k]!;
    expect(a.spectrumMethod).toBe("reduced");
    expect(a.exactAboveHz).toBeLessThan(1e6);
    differences(a, b).forEach((d, i) => {
      // at and above the switch both are solves of the same systems, to the solver's tolerance
      if (a.frequenciesHz[i]! >= a.exactAboveHz!) expect(d).toBeLessThan(10 * base.tolerance);
      worst = Math.max(worst, d);
    });
    expect(a.exactAboveHz).toBeGreaterThan(1e3);
  }
  return worst;
}

/** Relative difference of two spectra at each frequency, |Z_a - Z_b| / |Z_b|. */
function differences(a: ImpedanceRow, b: ImpedanceRow): number[] {
  return a.realOhm.map((re, i) => Math.hypot(re - b.realOhm[i]!, a.imagOhm[i]! - b.imagOhm[i]!) / Math.hypot(b.realOhm[i]!, b.imagOhm[i]!));
}

describe("reduced spectra", () => {
  it("match the full-grid spectra within the tolerance at every frequency, worst at the checked one", () => {
    const { reduced, full } = bothSpectra(inputs(base));
    let worst = 0;
    for (let k = 0; k < 2; k++) {
      const a = reduced[k]!, b = full[k]!;
      expect(a.spectrumMethod).toBe("reduced");
      expect(b.spectrumMethod).toBeUndefined();
      worst = Math.max(worst, ...differences(a, b));
    }
    expect(worst).toBeLessThanOrEqual(REDUCED_TOLERANCE);
    // the check reports the largest difference (to the CG tolerance of the solves, 1e-6 relative)
    expect(worst).toBeLessThanOrEqual(reduced[0]!.reducedCheckRelativeError! * (1 + 1e-3) + 1e-6);
    // and the fitted resistances follow
    expect(Math.abs(reduced[0]!.bulkResistanceOhm / full[0]!.bulkResistanceOhm - 1)).toBeLessThan(REDUCED_TOLERANCE);
    expect(Math.abs(reduced[0]!.interfacialResistanceOhm! / full[0]!.interfacialResistanceOhm! - 1)).toBeLessThan(REDUCED_TOLERANCE);
  });

  it("solve exactly only the top of the window where a junction arc sits just above it, and still match the full grid", () => {
    // R_b C_b = 2e-4 ohm cm2 x 1e-4 F/cm2 = 2e-8 s: a junction arc near 8 MHz, whose tail
    // reaches into the top decade of the 1 Hz - 1 MHz window (measured: exact from 100 kHz up)
    const m = { ...base, grainBoundary: { resistanceOhmCm2: 2e-4, activationEnergyEV: 0.16, capacitanceFPerCm2: 1e-4 } };
    expect(reducedBelowTopAgainstFull(inputs(m))).toBeLessThanOrEqual(REDUCED_TOLERANCE);
  });

  it("solve the interfaces exactly down to where their affine law holds, and still match the full grid", () => {
    // a 1 um membrane of the porous mat (porosity 0.55): the interfaces weigh in the cell's
    // impedance, and at 1 MHz the double layer's |z| = 1 / (w C_dl) = 0.016 ohm cm2 is
    // comparable to the spreading resistance into the face's MOF, so the affine law is off
    // at the top (measured: exact from 100 kHz up) and holds below
    expect(reducedBelowTopAgainstFull(inputs({ ...base, porosity: 0.55 }, 1))).toBeLessThanOrEqual(REDUCED_TOLERANCE);
  });

  it("fall back to the full grid where the junctions relax inside the window", () => {
    // R_b C_b = 1 ohm cm2 x 1e-4 F/cm2 = 1e-4 s: a junction arc near 1.6 kHz
    const m = { ...base, grainBoundary: { resistanceOhmCm2: 1, activationEnergyEV: 0.16, capacitanceFPerCm2: 1e-4 } };
    const spectra = runCellExperiments({ ...inputs(m), impedance: "reduced" }).impedance;
    for (const s of spectra) expect(s.spectrumMethod).toBeUndefined();
  });
});
