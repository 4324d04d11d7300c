/**
 * The cell experiments on a membrane, end to end.
 * - The predicted spectra are Kramers-Kronig consistent (Lin-KK, Schoenleber et al. 2014).
 * - Their low-frequency limit is the DC resistance of the same network (a conservation
 *   check of the AC solve and of the bulk/interface scaling): at f -> 0,
 *   Z(Li|SE|Li) -> R_DC,bulk (L/L_RVE)(A_RVE/A) + 2 R_DC,int (A_RVE/A), with
 *   R_DC,int = (R_DC with interfaces - R_DC ideal) / 2 from DC network solves.
 * - Each interface costs at least R_ct / A (constriction only adds).
 * - The distribution of relaxation times fits each spectrum; R_inf + R_pol = Z(0).
 * - Evans: I_ss <= I_0; t+ (Bruce-Vincent) is within [membrane share, 1] up to the
 *   second-order dV effects (and equals 1 for a single-ion membrane).
 * - Rate capability does not increase with C-rate.
 */
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/pipeline/runScenario.js";
import { buildMorphology, morphologyStream, networkOptions } from "../../src/pipeline/morphology.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
import type { VoxelMorphologySettings } from "../../src/scenario/schema.js";

describe("cell experiments on a random composite membrane", () => {
  const { scenario } = loadScenario("scenarios/validation/cell-on-random-composite.json");
  const r = runScenario(scenario);
  const li = r.impedance!.find((z) => z.cell === "Li|SE|Li")!;
  const ss = r.impedance!.find((z) => z.cell === "SS|SE|SS")!;
  const cell = scenario.cell!;
  const area = Math.PI * (cell.membraneDiameterMm / 20) ** 2;

  it("spectra pass the Kramers-Kronig test", () => {
    expect(li.kramersKronig.pass).toBe(true);
    expect(ss.kramersKronig.pass).toBe(true);
  });

  it("the DRT of each spectrum fits it (a sum of relaxations: KK-consistent); R_inf + R_pol is the DC limit; the interface is the Li|SE|Li peak in the window", () => {
    for (const z of [li, ss]) {
      const d = z.drt!;
      expect(d.tauS).toHaveLength(d.gammaOhm.length);
      expect(d.criterion).toBe("gcv");
      expect(d.residualRms).toBeLessThan(1e-3);
      // the model's Z(0) = R_inf + R_pol; both spectra reach their DC plateau at the lowest
      // frequency (omega R C ~ 1e-4), so the two agree to the fit's residual (< 1e-3)
      const i = z.frequenciesHz.indexOf(Math.min(...z.frequenciesHz));
      expect(Math.abs((d.highFrequencyResistanceOhm + d.polarizationResistanceOhm) / z.realOhm[i]! - 1)).toBeLessThan(1e-3);
    }
    // two readings of one interface: the DRT's in-window peak and the R||CPE fit's R_int (5 %)
    const inside = li.drt!.peaks.filter((p) => p.inWindow);
    expect(inside).toHaveLength(1);
    expect(Math.abs(inside[0]!.areaOhm / li.interfacialResistanceOhm! - 1)).toBeLessThan(0.05);
  });

  it("the low-frequency limit equals the DC network resistance", () => {
    const m = scenario.morphology as VoxelMorphologySettings;
    const built = buildMorphology(m, morphologyStream(scenario.seed, 0), ".");
    const mof = r.kmc[0]!.totalConductivitySPerCm;
    const base = networkOptions(m, built.phases, 298.15, mof);
    const ideal = solveNetwork(built.grid, { ...base, electrodes: { kind: "planes" } });
    const withInt = solveNetwork(built.grid, { ...base, electrodes: { kind: "planes", interface: { resistanceOhmCm2: cell.chargeTransferOhmCm2 } } });
    const lengthScale = (cell.membraneThicknessUm * 1e-4) / ideal.lengthCm;
    const areaScale = ideal.areaCm2 / area;
    const expected = areaScale * (ideal.resistanceOhm * lengthScale + (withInt.resistanceOhm - ideal.resistanceOhm));
    const i = li.frequenciesHz.indexOf(Math.min(...li.frequenciesHz));
    // omega R C at 0.1 Hz is ~1e-4, so the AC response is DC to ~1e-8; the solves are to 1e-8
    expect(Math.abs(li.realOhm[i]! / expected - 1)).toBeLessThan(1e-5);
    // each interface costs at least R_ct / A
    expect(li.interfacialResistanceOhm!).toBeGreaterThan((2 * cell.chargeTransferOhmCm2) / area * 0.999);
  });

  it("Evans: I_ss <= I_0 and a t+ near the membrane's cation share", () => {
    const t = r.transferenceNumber[0]!;
    expect(t.evans!.Iss).toBeLessThanOrEqual(t.evans!.I0 * (1 + 1e-12));
    expect(t.evans!.tPlus).toBeGreaterThan(t.membraneCation! - 0.01);
    expect(t.evans!.tPlus).toBeLessThanOrEqual(1 + 1e-9);
  });

  it("rate capability does not increase with C-rate", () => {
    const caps = r.rateCapability!.map((x) => x.dischargeCapacityMAhPerG);
    for (let i = 1; i < caps.length; i++) expect(caps[i]!).toBeLessThanOrEqual(caps[i - 1]! + 1e-9);
    expect(caps[0]!).toBeLessThanOrEqual(169.9);
  });
});
