/**
 * CSV tables of a results object: nested records become columns of their own, never
 * "[object Object]" (the Evans experiment's numbers in transference.csv).
 */
import { describe, expect, it } from "vitest";
import { resultTables } from "../../src/report/csv.js";
import type { Results } from "../../src/pipeline/results.js";

describe("resultTables", () => {
  it("flattens the Evans record of a transference row into evans_* columns", () => {
    const results: Results = {
      scenario: "t",
      transport: [],
      kmc: [],
      arrhenius: [],
      effective: [],
      transferenceNumber: [
        { temperatureK: 273.15, cation: 1, cationStdErr: 0 },
        { temperatureK: 298.15, cation: 0.9, cationStdErr: 0.01, membraneCation: 0.8, evans: { stepVoltageV: 0.01, I0: 2e-4, Iss: 1e-4, R0: 30, Rss: 35, tPlus: 0.5, polarizationS: 3600 } },
      ],
    };
    const [head, first, second] = resultTables(results)["transference.csv"]!.trim().split("\n");
    expect(head).toBe("temperatureK,cation,cationStdErr,membraneCation,evans_stepVoltageV,evans_I0,evans_Iss,evans_R0,evans_Rss,evans_tPlus,evans_polarizationS");
    expect(first).toBe("273.15,1,0,,,,,,,,");
    expect(second).toBe("298.15,0.9,0.01,0.8,0.01,0.0002,0.0001,30,35,0.5,3600");
  });

  it("writes the spectra, the rate table with its loss breakdown and the discharge curves as rows", () => {
    const results = {
      scenario: "t", transport: [], kmc: [], arrhenius: [], effective: [], transferenceNumber: [],
      impedance: [{ temperatureK: 298.15, cell: "Li|SE|Li", frequenciesHz: [1e3, 1], realOhm: [10, 40], imagOhm: [-5, -1], bulkResistanceOhm: 10, interfacialResistanceOhm: 30 }],
      rateCapability: [{ cRate: 1, dischargeCapacityMAhPerG: 150, capacityWithoutLossMAhPerG: { membrane: 151, interfaces: 150, cathodeElectrolyte: 150, solidDiffusion: 165 }, capacityMAhPerG: [0, 150], voltageV: [3.4, 2.5] }],
    } as unknown as Results;
    const t = resultTables(results);
    expect(t["impedance.csv"]).toBe("temperatureK,cell,frequencyHz,realOhm,imagOhm\n298.15,Li|SE|Li,1000,10,-5\n298.15,Li|SE|Li,1,40,-1\n");
    expect(t["rate-capability.csv"]).toBe("cRate,dischargeCapacityMAhPerG,capacityWithout_membrane_MAhPerG,capacityWithout_interfaces_MAhPerG,capacityWithout_cathodeElectrolyte_MAhPerG,capacityWithout_solidDiffusion_MAhPerG\n1,150,151,150,150,165\n");
    expect(t["discharge-curves.csv"]).toBe("cRate,capacityMAhPerG,voltageV\n1,0,3.4\n1,150,2.5\n");
  });
});
