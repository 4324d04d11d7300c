/**
 * The comparison's files: designs whose resistances differ by orders of magnitude get a
 * Nyquist panel each on their own scale (in one shared plot the small one would be a dot at
 * the origin), with the fitted circuit drawn from the parameters in the results.
 */
import { describe, expect, it } from "vitest";
import { circuitImpedance } from "../../src/analysis/circuits.js";
import { compareReport } from "../../src/report/compare.js";
import type { Results } from "../../src/pipeline/results.js";

function design(name: string, scale: number): Results {
  const f = [1e5, 1e4, 1e3, 100, 10, 1, 0.1];
  const circuitParameters = { R_bulk: scale, R_int: 2 * scale, Q_int: 1e-5 / scale, n_int: 0.9 };
  const z = circuitImpedance("R_bulk-p(R_int,Q_int)", circuitParameters, f);
  return {
    scenario: name, transport: [], kmc: [], arrhenius: [], transferenceNumber: [],
    effective: [{ temperatureK: 298.15, conductivitySPerCm: 1e-4 / scale, conductivityStdErr: null, discretisationRelativeError: null, tortuosityFactor: 1, percolates: true, solverIterations: 1, relativeResidual: 0, realizations: 1, phases: [] }],
    impedance: [{ temperatureK: 298.15, cell: "Li|SE|Li", frequenciesHz: f, realOhm: Array.from(z.re), imagOhm: Array.from(z.im), bulkResistanceOhm: scale, interfacialResistanceOhm: 2 * scale, circuit: "R_bulk-p(R_int,Q_int)", circuitParameters } as unknown as NonNullable<Results["impedance"]>[number]],
  };
}

describe("compareReport", () => {
  it("draws a Nyquist panel per design on its own scale, with its fitted circuit, and a Bode plot", async () => {
    const files = await compareReport([design("small", 1), design("large", 1e4)]);
    const svg = files["nyquist.svg"]!;
    expect(svg).toMatch(/^<svg/);
    const [small, large] = svg.split('class="mark-group role-scope concat_1_group"');
    // the small design's panel spans ohms, the large one's tens of kilo-ohms
    expect(large).toContain(">30k<");
    expect(small).not.toMatch(/>\d+k</);
    for (const k of [0, 1]) expect(svg).toContain(`fitted${k}_marks`);
    expect(svg).toContain("R_bulk-p(R_int,Q_int)");
    expect(svg).toContain(">1 kHz<");
    expect(files["bode.svg"]).toContain("|Z| (Ω)");
    expect(files["index.html"]).toContain("one panel per design on its own equal-ohm scale");
    expect(Object.keys(files).filter((f) => f.startsWith("nyquist"))).toEqual(["nyquist.svg"]);
  });

  it("fits the circuit again for results written before the fitted parameters were kept", async () => {
    const r = design("old", 1);
    const { circuitParameters: _, ...old } = r.impedance![0]!;
    const files = await compareReport([{ ...r, impedance: [old as NonNullable<Results["impedance"]>[number]] }]);
    expect(files["nyquist.svg"]).toContain("fitted0_marks");
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
    expect(svg).toContain("no capacity above the cut-off at 5 C");
    expect(svg).not.toContain("−14"); // the axis does not reach the lone point far below the cut-off
  });
});
