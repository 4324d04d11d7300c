/**
 * The comparison's files: designs whose resistances differ by orders of magnitude get a
 * Nyquist plot each on their own scale besides the shared one (in the shared plot the small
 * one is a dot at the origin).
 */
import { describe, expect, it } from "vitest";
import { compareReport } from "../../src/report/compare.js";
import type { Results } from "../../src/pipeline/results.js";

function design(name: string, scale: number): Results {
  const f = [1e5, 1e3, 10, 0.1];
  return {
    scenario: name, transport: [], kmc: [], arrhenius: [], transferenceNumber: [],
    effective: [{ temperatureK: 298.15, conductivitySPerCm: 1e-4 / scale, conductivityStdErr: null, discretisationRelativeError: null, tortuosityFactor: 1, percolates: true, solverIterations: 1, relativeResidual: 0, realizations: 1, phases: [] }],
    impedance: [{ temperatureK: 298.15, cell: "Li|SE|Li", frequenciesHz: f, realOhm: f.map((_, i) => scale * (1 + i)), imagOhm: f.map(() => -scale * 0.3), bulkResistanceOhm: scale, interfacialResistanceOhm: 2 * scale } as unknown as NonNullable<Results["impedance"]>[number]],
  };
}

describe("compareReport", () => {
  it("adds a Nyquist plot per design on its own scale", async () => {
    const files = await compareReport([design("small", 1), design("large", 1e4)]);
    expect(files["nyquist.svg"]).toMatch(/^<svg/);
    expect(files["nyquist-small.svg"]).toMatch(/^<svg/);
    expect(files["nyquist-large.svg"]).toMatch(/^<svg/);
    // the small design's own plot spans ohms, not the large one's 1e4 ohms
    expect(files["nyquist-large.svg"]).toContain("40,000");
    expect(files["nyquist-small.svg"]).not.toContain("40,000");
    expect(files["index.html"]).toContain("Nyquist, own scale");
  });

  it("draws discharge curves only for rates that gave capacity, and names the others", async () => {
    const r = design("cell", 1);
    const withRates = {
      ...r,
      rateCapability: [
        { cRate: 0.2, dischargeCapacityMAhPerG: 150, capacityMAhPerG: [0, 75, 150], voltageV: [3.4, 3.3, 2.5] },
        { cRate: 5, dischargeCapacityMAhPerG: 0, capacityMAhPerG: [0], voltageV: [-14.6] },
      ],
    } as Results;
    const files = await compareReport([withRates]);
    const svg = files["discharge-cell.svg"]!;
    expect(svg).toContain("no capacity at 5 C");
    expect(svg).not.toContain("−14"); // the axis does not reach the lone point far below the cut-off
  });
});
