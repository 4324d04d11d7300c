/**
 * A sweep's results as one tidy table (report/sweepTable.ts): one row per job and
 * temperature, grid keys as columns, each result on the row of its temperature, the cell's
 * experiments on the cell temperature's row, Arrhenius fits on every row of the job,
 * standard errors with their quantity's unit; failed and unrun jobs one row each. And the
 * CSV reader and the slice table it reads back.
 */
import { describe, expect, it } from "vitest";
import type { Results } from "../../src/pipeline/results.js";
import { parseCsv, toCsv } from "../../src/report/csv.js";
import { parseSliceCsv, sliceCsv, type CurrentSliceData } from "../../src/report/slice.js";
import { sweepTable } from "../../src/report/sweepTable.js";

function results(sigma: number): Results {
  return {
    scenario: "s",
    transport: [273, 298].map((T) => ({
      temperatureK: T, species: "Li+", tracerDiffusivityCm2PerS: 1e-7, tracerDiffusivityStdErr: 1e-9, chargeDiffusivityCm2PerS: 2e-7, chargeDiffusivityStdErr: 2e-9,
      havenRatio: 0.5, havenRatioStdErr: 0.01, carrierDensityPerCm3: 1e21, conductivitySPerCm: sigma * T, conductivityStdErr: 0.1, partialConductivitySPerCm: sigma * T, siteOccupancy: { sulfonate: 0.9 },
    })),
    kmc: [],
    transferenceNumber: [{ temperatureK: 298, cation: 1, cationStdErr: 0, evans: { stepVoltageV: 0.01, I0: 2e-4, Iss: 1e-4, R0: 30, Rss: 35, tPlus: 0.5, polarizationS: 3600 } }],
    arrhenius: [{ of: "effective", activationEnergyEV: 0.2, activationEnergyStdErr: 0.01, form: "sigmaT", lnPrefactor: 3 }],
    effective: [273, 298].map((T) => ({ temperatureK: T, conductivitySPerCm: sigma, conductivityStdErr: null, discretisationRelativeError: 0.05, tortuosityFactor: 2, percolates: true, solverIterations: 9, relativeResidual: 1e-9, realizations: 1, phases: [{ name: "mof", volumeFraction: 0.6, spanningFraction: 1, percolates: true }] })),
    impedance: [{ temperatureK: 298, cell: "Li|SE|Li", frequenciesHz: [1, 10], realOhm: [5, 4], imagOhm: [-1, -2], bulkResistanceOhm: 4, grainBoundaryResistanceOhm: null, bulkResistanceStdErr: 0.1, interfacialResistanceOhm: 20, interfacialResistanceStdErr: 1, circuit: "R-p(R,Q)", circuitParameters: { R0: 4 }, kramersKronig: { pass: true, maxResidual: 1e-4 } }],
    rateCapability: [{ cRate: 1, dischargeCapacityMAhPerG: 150, dischargeCapacityStdErr: 2, capacityMAhPerG: [0, 150], voltageV: [3.4, 2.5] }],
  };
}

describe("sweepTable", () => {
  const { columns, rows } = sweepTable(
    [
      { job: 2, params: { "morphology.voxelNm": 5, temperaturesK: [273, 298] }, status: "not run" },
      { job: 0, params: { "morphology.voxelNm": 10, temperaturesK: [273, 298] }, status: "done", results: results(1e-3) },
      { job: 1, params: { "morphology.voxelNm": 20, temperaturesK: [273, 298] }, status: "failed", error: "solver did not converge" },
    ],
    ["morphology.voxelNm", "temperaturesK"],
  );
  it("one row per job and temperature, in job order; failed and unrun jobs one row each with their parameters", () => {
    expect(rows.map((r) => [r["job"], r["status"], r["temperatureK"] ?? null])).toEqual([[0, "done", 273], [0, "done", 298], [1, "failed", null], [2, "not run", null]]);
    expect(rows[0]!["morphology.voxelNm"]).toBe(10);
    expect(rows[0]!["temperaturesK"]).toBe("[273,298]"); // a list as JSON text
    expect(rows[2]!["error"]).toBe("solver did not converge");
    expect(columns.slice(0, 6)).toEqual(["job", "status", "morphology.voxelNm", "temperaturesK", "scenario", "temperatureK"]);
    expect(columns[columns.length - 1]).toBe("error");
  });
  it("results by path at their temperature, units on standard errors and the Evans numbers; lists and circuit parameters left out", () => {
    const [cold, warm] = [rows[0]!, rows[1]!];
    expect(cold["effective.conductivitySPerCm"]).toBe(1e-3);
    expect(cold["effective.conductivityStdErrSPerCm"]).toBeNull();
    expect(cold["effective.mof.volumeFraction"]).toBe(0.6);
    expect(cold["transport.Li+.conductivitySPerCm"]).toBeCloseTo(0.273, 12);
    expect(warm["transport.Li+.conductivitySPerCm"]).toBeCloseTo(0.298, 12);
    expect(cold["transport.Li+.tracerDiffusivityStdErrCm2PerS"]).toBe(1e-9);
    expect(cold["transport.Li+.conductivityStdErrSPerCm"]).toBe(0.1);
    expect(cold["transport.Li+.havenRatioStdErr"]).toBe(0.01);
    expect(cold["transport.Li+.siteOccupancy.sulfonate"]).toBe(0.9);
    // the cell experiments at 298 K only
    expect(cold["impedance.Li|SE|Li.bulkResistanceOhm"]).toBeUndefined();
    expect(warm["impedance.Li|SE|Li.bulkResistanceOhm"]).toBe(4);
    expect(warm["impedance.Li|SE|Li.bulkResistanceStdErrOhm"]).toBe(0.1);
    expect(warm["impedance.Li|SE|Li.kramersKronig.pass"]).toBe(true);
    expect(warm["transferenceNumber.evans.I0A"]).toBe(2e-4);
    expect(warm["transferenceNumber.evans.RssOhm"]).toBe(35);
    expect(warm["rateCapability.1C.dischargeCapacityMAhPerG"]).toBe(150);
    expect(warm["rateCapability.1C.dischargeCapacityStdErrMAhPerG"]).toBe(2);
    expect(cold["rateCapability.1C.dischargeCapacityMAhPerG"]).toBeUndefined();
    // the Arrhenius fit on every row of the job
    expect(cold["arrhenius.effective.activationEnergyEV"]).toBe(0.2);
    expect(warm["arrhenius.effective.activationEnergyStdErrEV"]).toBe(0.01);
    expect(columns.some((c) => /frequenciesHz|realOhm|voltageV|capacityMAhPerG$|circuitParameters/.test(c))).toBe(false);
  });
});

describe("parseCsv and the slice table", () => {
  it("reads back what toCsv writes: quotes, commas, line breaks, empty cells", () => {
    const rows = [{ a: "x,y", b: 'say "hi"', c: "two\nlines" }, { a: "", b: 1.5, c: null }];
    const t = parseCsv(toCsv(rows));
    expect(t.columns).toEqual(["a", "b", "c"]);
    expect(t.rows).toEqual([{ a: "x,y", b: 'say "hi"', c: "two\nlines" }, { a: "", b: "1.5", c: "" }]);
    expect(parseCsv("a,b\r\n1,2\r\n").rows).toEqual([{ a: "1", b: "2" }]);
  });
  it("current-slice.csv reads back to the same slice (|j| to 7 digits)", () => {
    const s: CurrentSliceData = {
      scenario: "d", temperatureK: 298.15, y: 2, yNm: 25, width: 3, height: 2, voxelNm: [10, 30],
      phaseNames: ["fibre", "mof"], phaseLabels: [3, 7], phase: Uint8Array.from([0, 1, 1, 0, 0, 1]), currentDensityACm2: Float32Array.from([0, 1.25, 3e-5, 0, 0, 7]),
    };
    const text = sliceCsv(s);
    expect(text.split("\n")[2]).toBe("298.15,2,1,0,15,25,15,mof,7,1.25");
    const back = parseSliceCsv(text, "d", "current-slice.csv");
    expect({ ...back, phase: [...back.phase], currentDensityACm2: [...back.currentDensityACm2] }).toEqual({ ...s, phase: [...s.phase], currentDensityACm2: [...s.currentDensityACm2] });
    expect(() => parseSliceCsv("x,z\n0,0\n", "d", "f.csv")).toThrowErrorMatchingInlineSnapshot(`[InputError: f.csv: not a current-slice table (missing columns temperatureK, y, xNm, yNm, zNm, phase, phaseLabel, currentDensityACm2)]`);
    expect(() => parseSliceCsv(text.split("\n").slice(0, -2).join("\n") + "\n", "d", "f.csv")).toThrowErrorMatchingInlineSnapshot(`[InputError: f.csv: 5 rows; a 3 x 2 slice needs 6]`);
  });
});
