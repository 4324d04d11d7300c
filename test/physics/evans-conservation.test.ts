/**
 * Conservation in the membrane model (nature's bookkeeping, reference/physics.md; issue 4:
 * "conservation of ions to 1e-9").
 * - Anions are blocked at both electrodes, so their amount is constant; finite volumes
 *   make the sum of the box balances telescope, so it holds to the Newton tolerance and
 *   round-off (the scheme's time weights a0 + a1 + a2 = 0 keep it through BDF2).
 * - Cations: electroneutrality z c+ = X + c- ties their amount to the anions'; what enters
 *   at the anode leaves at the cathode, and every union of boxes changes its content by
 *   the time-integrated cation flux through its two faces (integrated with the time
 *   scheme's own weights). At the electrodes that integral is the charge passed / (z F).
 */
import { describe, expect, it } from "vitest";
import { FARADAY_C_PER_MOL } from "../../src/core/constants.js";
import {
  runEvansExperiment,
  runGalvanostatic,
  type EvansOptions,
  type MembraneConservation,
  type MembraneProfiles,
} from "../../src/transport/cell/membrane.js";

const binary: EvansOptions = {
  thicknessUm: 100,
  areaCm2: 1,
  fixedChargeMolPerL: 0,
  saltMolPerL: 0.1,
  cationDiffusivityCm2PerS: 1e-6,
  anionDiffusivityCm2PerS: 3e-6,
  interfaceResistanceOhmCm2: 20,
  temperatureK: 298.15,
};
const mof: EvansOptions = {
  thicknessUm: 86.9,
  areaCm2: 2,
  fixedChargeMolPerL: 1,
  saltMolPerL: 0.2,
  cationCharge: 2,
  cationDiffusivityCm2PerS: 1e-7,
  anionDiffusivityCm2PerS: 5e-8,
  interfaceResistanceOhmCm2: 100,
  temperatureK: 298.15,
  stepVoltageV: 0.05,
};

/** Box volumes (cm) of the vertex-centred mesh, from the node positions. */
function boxes(p: MembraneProfiles): Float64Array {
  const x = p.positionUm, n = x.length, v = new Float64Array(n);
  for (let k = 0; k + 1 < n; k++) {
    const h = (x[k + 1]! - x[k]!) * 1e-4;
    v[k]! += h / 2;
    v[k + 1]! += h / 2;
  }
  return v;
}

function checkBalances(c: MembraneConservation, p: MembraneProfiles, cationInitialMolPerL: number): void {
  expect(Math.abs(c.anionFinalMolPerCm2 / c.anionInitialMolPerCm2 - 1)).toBeLessThan(1e-9);
  expect(Math.abs(c.cationFinalMolPerCm2 / c.cationInitialMolPerCm2 - 1)).toBeLessThan(1e-9);
  const q = c.cationFaceFluxMolPerCm2, n = p.positionUm.length;
  expect(q.length).toBe(n + 1);
  const passed = q[0]!;
  expect(passed).toBeGreaterThan(0);
  // what enters at the anode leaves at the cathode
  expect(Math.abs(q[n]! / passed - 1)).toBeLessThan(1e-9);
  // every left part [0, m) of the membrane: content change = inflow at face 0 - outflow at face m
  const v = boxes(p);
  let change = 0;
  for (let m = 1; m < n; m++) {
    change += v[m - 1]! * (p.cationMolPerL[m - 1]! - cationInitialMolPerL) * 1e-3;
    expect(Math.abs(change - (q[0]! - q[m]!)) / passed).toBeLessThan(1e-9);
  }
}

describe("conservation (finite-volume bookkeeping)", () => {
  it("potentiostatic binary salt to steady state (Butler-Volmer and ideal electrodes): ions conserved, cation fluxes balance the boxes", () => {
    for (const o of [binary, { ...binary, interfaceResistanceOhmCm2: 0 }]) {
      const r = runEvansExperiment(o);
      expect(r.reachedSteadyState).toBe(true);
      checkBalances(r.conservation, r.profiles, 0.1);
      // polarised: the anode side is enriched by several percent, so the test is not vacuous
      const c = r.profiles.anionMolPerL;
      expect(c[0]! / c[c.length - 1]! - 1).toBeGreaterThan(0.05);
    }
  });

  it("fixed charge, divalent cation, 50 mV: the same to 1e-9", () => {
    const r = runEvansExperiment(mof);
    checkBalances(r.conservation, r.profiles, 0.6);
    // charge passed = z F A x (cation exchanged at the anode)
    expect(r.conservation.chargePassedC).toBeCloseTo(2 * FARADAY_C_PER_MOL * 2 * r.conservation.cationFaceFluxMolPerCm2[0]!, 15);
  });

  it("galvanostatic: the cation exchanged at each electrode is exactly J t / (z F)", () => {
    const J = 2e-3, T = 30; // half the limiting current 4 c0 F D+ / L = 3.9 mA/cm2
    const r = runGalvanostatic({
      ...binary,
      interfaceResistanceOhmCm2: 5,
      currentDensityAPerCm2: J,
      time: { endTimeS: T, maxStepS: 2 },
    });
    expect(r.depleted).toBe(false);
    expect(r.timeS[r.timeS.length - 1]).toBe(T);
    const q = r.conservation.cationFaceFluxMolPerCm2;
    // BDF2's flux integral of a constant is exact: (dt G + a2 dt_prev G)/a0 = dt G
    expect(Math.abs(q[0]! / ((J * T) / FARADAY_C_PER_MOL) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(r.conservation.chargePassedC / (J * T * binary.areaCm2) - 1)).toBeLessThan(1e-12);
    checkBalances(r.conservation, r.profiles, 0.1);
  });
});
