/**
 * The KMC -> network chain. With the binder insulating, Kirchhoff's equations are linear
 * and homogeneous in the one conductivity that remains, so sigma_eff / sigma_MOF is a pure
 * geometric factor: the same at every temperature (to the solver tolerance), and the
 * effective activation energy equals the KMC one exactly.
 */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/pipeline/runScenario.js";
import { fitArrhenius } from "../../src/analysis/arrhenius.js";

describe("KMC -> network chain", () => {
  it("geometric factor independent of temperature; Ea(effective) = Ea(KMC)", () => {
    const { scenario } = loadScenario("scenarios/validation/kmc-into-network.json");
    const quick = { ...scenario, kmc: { ...scenario.kmc!, hops: 60000, equilibrationHops: 5000 }, morphology: { ...scenario.morphology!, realizations: 1 } };
    const r = runScenario(quick);
    const ratios = r.effective.map((e) => e.conductivitySPerCm / e.mofConductivitySPerCm!);
    for (const q of ratios) expect(Math.abs(q / ratios[0]! - 1)).toBeLessThan(1e-7); // solver tolerance 1e-8
    expect(ratios[0]).toBeGreaterThan(0);
    expect(ratios[0]).toBeLessThan(0.5); // below the conducting phase's volume fraction (series-parallel bound)
    // one realisation claims no error, so the effective line is fitted unweighted: compare it
    // with the unweighted fit of the KMC conductivities (the factor is exact, so Ea is equal)
    const kmcFit = fitArrhenius(r.kmc.map((k) => ({ temperatureK: k.temperatureK, conductivitySPerCm: k.totalConductivitySPerCm })), "sigmaT");
    expect(Math.abs(r.arrhenius.find((a) => a.of === "effective")!.activationEnergyEV - kmcFit.activationEnergyEV)).toBeLessThan(1e-6);
    // one realisation of a random microstructure: no standard error is claimed
    for (const e of r.effective) expect(e.conductivityStdErr).toBeNull();
  });

  it("the KMC error is carried through: with two realisations the relative error is at least the KMC's", () => {
    // the factor is exact, so the KMC part of the relative error equals the KMC's relative
    // error; the realisations' scatter adds to it in quadrature
    const { scenario } = loadScenario("scenarios/validation/kmc-into-network.json");
    const quick = { ...scenario, temperaturesK: scenario.temperaturesK.slice(0, 2), kmc: { ...scenario.kmc!, hops: 60000, equilibrationHops: 5000 }, morphology: { ...scenario.morphology!, realizations: 2 } };
    const r = runScenario(quick);
    for (const e of r.effective) {
      const k = r.kmc.find((x) => x.temperatureK === e.temperatureK)!;
      expect(e.conductivityStdErr! / e.conductivitySPerCm).toBeGreaterThanOrEqual((k.totalConductivityStdErr / k.totalConductivitySPerCm) * (1 - 1e-6));
    }
  });
});
