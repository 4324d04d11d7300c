/** The measurements file: the repository's published numbers load; older files read unchanged; calibration keeps to its observables. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCalibrationMeasurement, loadMeasurements } from "../../src/scenario/measurements.js";
import { measuredArrheniusLine, measurementsFor } from "../../src/report/measured.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";

describe("measurements", () => {
  it("the repository's file holds the experiment's numbers, each with an error and a source", () => {
    const all = loadMeasurements("scenarios/paper/calibration/measurements.json");
    const interconnected = measurementsFor("interconnected", all);
    expect(interconnected.capacity.map((c) => [c.cRate, c.valueMAhPerG])).toEqual([[0.2, 159], [0.5, 145], [1, 143]]);
    expect(measurementsFor("mof-pvdf", all).transferenceNumber?.value).toBe(0.86);
    expect(measurementsFor("pellet", all).conductivity[0]?.valueSPerCm).toBe(2.65e-4);
    for (const m of all) expect(m.source.length).toBeGreaterThan(20);
    // the pellets' values were calibrated on; the cell's capacities and t+ are predictions to judge
    expect(all.filter((m) => m.calibrationTarget === true).every((m) => m.scenario.startsWith("pellet"))).toBe(true);
    expect(all.filter((m) => m.calibrationTarget === true)).toHaveLength(8);
    // calibration conditions on conductivities and activation energies only
    expect(all.filter(isCalibrationMeasurement).map((m) => m.observable).sort()).toEqual([...Array(4).fill("activationEnergy"), ...Array(4).fill("conductivity")]);
  });

  it("a file in the older format (no capacities, no range) reads unchanged; a new observable without its error is refused", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-meas-"));
    const old = join(dir, "old.json");
    writeFileSync(old, JSON.stringify({ measurements: [{ scenario: "p", observable: "activationEnergy", form: "sigma", valueEV: 0.16, errorEV: 0.02, source: "s" }] }));
    expect(loadMeasurements(old)).toEqual([{ scenario: "p", observable: "activationEnergy", form: "sigma", valueEV: 0.16, errorEV: 0.02, source: "s" }]);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ measurements: [{ scenario: "p", observable: "transferenceNumber", method: "Evans", value: 0.8, error: 0, source: "s" }] }));
    expect(() => loadMeasurements(bad)).toThrow(/measurements\.0\.error: got 0; a measurement needs its error/);
  });

  it("the measured Arrhenius line passes through the measured point with the measured slope", () => {
    const m = measurementsFor("p", [
      { scenario: "p", observable: "conductivity", temperatureK: 298.15, valueSPerCm: 2.65e-4, relativeError: 0.1, source: "s" },
      { scenario: "p", observable: "activationEnergy", form: "sigma", valueEV: 0.16, errorEV: 0.02, temperatureRangeK: [253.15, 333.15], source: "s" },
    ]);
    const line = measuredArrheniusLine(m)!;
    expect(line[0]!.temperatureK).toBeCloseTo(333.15, 9);
    expect(line[line.length - 1]!.temperatureK).toBeCloseTo(253.15, 9);
    for (const p of line) expect(Math.log(p.conductivitySPerCm / 2.65e-4)).toBeCloseTo(-(0.16 / BOLTZMANN_EV_PER_K) * (1 / p.temperatureK - 1 / 298.15), 10);
  });
});
