/**
 * The KMC -> network chain. With the binder insulating, Kirchhoff's equations are linear
 * and homogeneous in the one conductivity that remains, so sigma_eff / sigma_MOF is a pure
 * geometric factor: the same at every temperature (to the solver tolerance), and the
 * effective activation energy equals the KMC one exactly.
 */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/pipeline/runScenario.js";

describe("KMC -> network chain", () => {
  it("geometric factor independent of temperature; Ea(effective) = Ea(KMC)", () => {
    const { scenario } = loadScenario("scenarios/validation/kmc-into-network.json");
    const quick = { ...scenario, kmc: { ...scenario.kmc!, hops: 60000, equilibrationHops: 5000 }, morphology: { ...scenario.morphology!, realizations: 1 } };
    const r = runScenario(quick);
    const ratios = r.effective.map((e) => e.conductivitySPerCm / e.mofConductivitySPerCm!);
    for (const q of ratios) expect(Math.abs(q / ratios[0]! - 1)).toBeLessThan(1e-7); // solver tolerance 1e-8
    expect(ratios[0]).toBeGreaterThan(0);
    expect(ratios[0]).toBeLessThan(0.5); // below the conducting phase's volume fraction (series-parallel bound)
    const ea = (of: string) => r.arrhenius.find((a) => a.of === of)!.activationEnergyEV;
    expect(Math.abs(ea("effective") - ea("Li+"))).toBeLessThan(1e-4);
    // the KMC error is carried through: same relative error (the factor is exact)
    for (const e of r.effective) {
      const k = r.kmc.find((x) => x.temperatureK === e.temperatureK)!;
      expect(e.conductivityStdErr / e.conductivitySPerCm).toBeCloseTo(k.totalConductivityStdErr / k.totalConductivitySPerCm, 5);
    }
  });
});
