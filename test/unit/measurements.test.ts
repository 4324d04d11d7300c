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

  it("an impedance spectrum: inline or from a CSV file beside the measurements file (the eis reader's columns)", () => {
    const all = loadMeasurements("docs/examples/measurements-with-spectrum.json");
    const [fromFile, inline] = measurementsFor("interconnected", all).spectra;
    expect(fromFile!.cell).toBe("Li|SE|Li");
    expect(fromFile!.frequenciesHz).toHaveLength(22);
    expect(fromFile!.frequenciesHz[0]).toBe(1e6);
    expect(fromFile!.realOhm[0]).toBe(140.13);
    expect(fromFile!.imagOhm[0]).toBe(-0.53967); // the file's column is -Z''
    expect(fromFile!.relativeError).toBe(0.02);
    expect(inline!.cell).toBe("SS|SE|SS");
    expect(inline!.imagOhm).toHaveLength(6);
    // no spectrum is calibrated on
    expect(all.filter(isCalibrationMeasurement)).toEqual([]);
  });

  it("a bad impedance spectrum is refused naming the field: lengths, frequencies, cell, error, file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-meas-"));
    const base = { scenario: "p", observable: "impedanceSpectrum", cell: "Li|SE|Li", temperatureK: 298.15, frequenciesHz: [1000, 100, 10], realOhm: [10, 12, 20], imagOhm: [-1, -3, -8], relativeError: 0.02, source: "s" };
    const refused = (m: Record<string, unknown>): string => {
      const f = join(dir, "m.json");
      writeFileSync(f, JSON.stringify({ measurements: [base, m] }));
      try {
        loadMeasurements(f);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error("not refused");
    };
    expect(refused({ ...base, realOhm: [10, 12] })).toContain("measurements.1.realOhm: 2 values; frequenciesHz has 3 (one per frequency)");
    expect(refused({ ...base, frequenciesHz: [1000, 0, 10] })).toMatch(/measurements\.1\.frequenciesHz\.1: got 0; Too small: expected number to be >0/);
    expect(refused({ ...base, cell: "Li|Li" })).toMatch(/measurements\.1\.cell: got "Li\|Li"; Invalid option: expected one of "Li\|SE\|Li"\|"SS\|SE\|SS"/);
    expect(refused({ ...base, relativeError: 0 })).toMatch(/measurements\.1\.relativeError: got 0; a measurement needs its error/);
    const { imagOhm: _, ...noImag } = base;
    expect(refused(noImag)).toContain("measurements.1.imagOhm: missing; an impedance spectrum needs frequenciesHz, realOhm and imagOhm (or a file)");
    expect(refused({ ...base, file: "z.csv" })).toContain("measurements.1.file: give the spectrum either inline (frequenciesHz, realOhm, imagOhm) or as a file, not both");
    const { frequenciesHz: _f, realOhm: _r, imagOhm: _i, ...bare } = base;
    expect(refused({ ...bare, file: "none.csv" })).toMatch(/measurements\.1\.file: cannot read .*none\.csv .*; the path is relative to the measurements file/);
    writeFileSync(join(dir, "bad.csv"), "frequency,Z',Z''\n1000,1,-1\n100,2,-2\n-10,3,-3\n1,4,-4\n0.1,5,-5\n");
    expect(refused({ ...bare, file: "bad.csv" })).toMatch(/measurements\.1\.file: .*bad\.csv: row 3 \(line 4\), column "frequency": got -10; frequencies must be > 0 \(Hz\)/);
  });
});
