/**
 * The virtual Evans / Bruce-Vincent experiment against exact results.
 * - Bruce-Vincent formula t+ = Iss (dV - I0 R0) / (I0 (dV - Iss Rss)) (Evans, Vincent and
 *   Bruce, Polymer 28, 2324, 1987); reference/physics.md's example gives 0.5647059 (= 48/85).
 * - I0: at t = 0+ the concentrations are uniform, so dV = I0 R_bulk + eta_a(I0) + |eta_c(I0)|
 *   (Ohm's law); the model's first instant must reproduce it to round-off.
 * - Steady state of a binary salt with a blocking anion: c linear about its mean c0 with
 *   slope -i/(2 F D+), and dV = 2 (RT/F) ln((c0 + delta/2)/(c0 - delta/2)) + interfaces
 *   (Newman and Thomas-Alyea, Electrochemical Systems, ch. 19). Linearised: the electrolyte
 *   resistance at steady state is R_bulk / t+. Hence for an ideal dilute salt the
 *   Bruce-Vincent t+ equals D+/(D+ + D-) up to the nonlinearity: exactly
 *   t+_BV = t+ eps / atanh(eps), eps = (c_a - c_c)/(c_a + c_c) (Balsara and Newman,
 *   J. Electrochem. Soc. 162, A2720, 2015: exact only for ideal dilute solutions at small dV).
 * - Immobile anion (single-ion conductor): no concentration polarisation, Iss = I0, t+ = 1.
 * - Butler-Volmer with i0 = RT/(zF R_ct) reduces to R_ct at small overpotential: the chord
 *   resistance eta/i = R_ct asinh(k/2)/(k/2) = R_ct (1 - k^2/24 + ...), k = i/i0.
 * Discretisation tolerances are a posteriori: Scharfetter-Gummel's steady flux between
 * nodes with concentration ratio 1 + e_k is exact to e_k^2/12 relative (ln(r)(1 + r) vs
 * 2 (r - 1)); the steady-state stop leaves a current tail below `steadyTolerance` (1e-8).
 */
import { describe, expect, it } from "vitest";
import { bruceVincentTransference, summarizeEvans } from "../../src/analysis/transference.js";
import { NotConvergedError } from "../../src/core/errors.js";
import {
  binarySaltSteadyCurrentA,
  initialCurrentAnalyticA,
  interfaceOverpotentialV,
  membraneBulkResistanceOhm,
  runEvansExperiment,
  runGalvanostatic,
  type EvansOptions,
  type EvansResult,
} from "../../src/transport/cell/membrane.js";

/** A dilute 1:1 salt, 0.1 M, t+ = 0.25, between Li electrodes with 20 ohm cm2 each. */
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
/** A sulfonated-MOF-like membrane: fixed charge 1 M, salt 0.2 M, a divalent cation. */
const mof: EvansOptions = {
  thicknessUm: 86.9,
  areaCm2: Math.PI * 0.8 ** 2,
  fixedChargeMolPerL: 1,
  saltMolPerL: 0.2,
  cationCharge: 2,
  cationDiffusivityCm2PerS: 1e-7,
  anionDiffusivityCm2PerS: 5e-8,
  interfaceResistanceOhmCm2: 100,
  temperatureK: 298.15,
};

/** Largest relative concentration jump between neighbouring nodes at the end. */
function maxJump(r: EvansResult): number {
  const c = r.profiles.anionMolPerL;
  let e = 0;
  for (let k = 0; k + 1 < c.length; k++) e = Math.max(e, Math.abs(c[k + 1]! / c[k]! - 1));
  return e;
}

describe("Bruce-Vincent formula (Evans, Vincent and Bruce, Polymer 28, 2324, 1987)", () => {
  it("physics.md example: dV 10 mV, I0 100 uA, Iss 60 uA, R0 20 ohm, Rss 25 ohm -> 0.5647059", () => {
    const t = bruceVincentTransference({
      stepVoltageV: 0.01,
      initialCurrentA: 100e-6,
      steadyCurrentA: 60e-6,
      initialInterfaceResistanceOhm: 20,
      steadyInterfaceResistanceOhm: 25,
    });
    expect(t).toBeCloseTo(0.5647059, 7);
    expect(Math.abs(t - 48 / 85)).toBeLessThan(1e-15);
  });

  it("names the field, value and what is allowed", () => {
    const ok = { stepVoltageV: 0.01, initialCurrentA: 1e-4, steadyCurrentA: 6e-5, initialInterfaceResistanceOhm: 20, steadyInterfaceResistanceOhm: 25 };
    expect(() => bruceVincentTransference({ ...ok, steadyCurrentA: -1e-5 })).toThrowError(
      "steadyCurrentA: got -0.00001; a finite current of the step's sign is allowed",
    );
    expect(() => bruceVincentTransference({ ...ok, initialInterfaceResistanceOhm: 200 })).toThrowError(
      "initialInterfaceResistanceOhm: got 200; I0 R0 must stay below dV",
    );
  });
});

describe("virtual Evans experiment", () => {
  it("I0 from the first instant equals Ohm's law with the interface kinetics", () => {
    const cases: EvansOptions[] = [
      binary,
      { ...binary, kinetics: "linear" },
      { ...binary, interfaceResistanceOhmCm2: 0 },
      mof,
      { ...mof, stepVoltageV: -0.05, mesh: { cells: 17, grading: 1 } },
    ];
    for (const o of cases) {
      const r = runEvansExperiment({ ...o, time: { endTimeS: 1e-9, initialStepS: 1e-10 } });
      const dV = o.stepVoltageV ?? 0.01;
      expect(Math.abs(r.initialCurrentA / r.initialCurrentAnalyticA - 1)).toBeLessThan(1e-12);
      expect(r.initialCurrentAnalyticA).toBe(initialCurrentAnalyticA(o, dV));
      // dV - I0 R0 is exactly the bulk's share
      expect(Math.abs((dV - r.initialCurrentA * r.initialInterfaceResistanceOhm) / (r.initialCurrentA * r.bulkResistanceOhm) - 1)).toBeLessThan(1e-12);
    }
    // linear kinetics: I0 = dV / (R_bulk + 2 R_ct / A) in closed form
    const lin = runEvansExperiment({ ...binary, kinetics: "linear", time: { endTimeS: 1e-9, initialStepS: 1e-10 } });
    expect(Math.abs(lin.initialCurrentA / (0.01 / (membraneBulkResistanceOhm(binary) + 40)) - 1)).toBeLessThan(1e-13);
    expect(lin.initialInterfaceResistanceOhm).toBeCloseTo(40, 12);
  });

  it("binary salt: the steady state is the analytic one (linear profile, Boltzmann anion)", () => {
    const r = runEvansExperiment({ ...binary, stepVoltageV: 0.01 });
    expect(r.reachedSteadyState).toBe(true);
    const exact = binarySaltSteadyCurrentA(binary, 0.01);
    const tol = maxJump(r) ** 2 / 12 + 2e-8;
    expect(Math.abs(r.steadyCurrentA / exact - 1)).toBeLessThan(tol); // measured 5e-8, tol 3.5e-7
    // c(x) = c0 + (delta/2)(1 - 2x/L), delta = i L / (2 F D+)
    const F = 96485.33212331001;
    const delta = ((exact / binary.areaCm2) * 100e-4) / (2 * F * 1e-6) * 1e3; // mol/L
    const { positionUm, anionMolPerL, cationMolPerL } = r.profiles;
    for (let k = 0; k < positionUm.length; k++) {
      const c = 0.1 + (delta / 2) * (1 - (2 * positionUm[k]!) / 100);
      expect(Math.abs(anionMolPerL[k]! - c)).toBeLessThan(tol * 0.1 + 1e-12);
      expect(cationMolPerL[k]).toBe(anionMolPerL[k]);
    }
  });

  it("binary salt, small dV, linear kinetics: Iss/I0 = (R_b + R_ct,tot)/(R_b/t+ + R_ct,tot)", () => {
    const o = { ...binary, kinetics: "linear" as const, stepVoltageV: 0.001 };
    const r = runEvansExperiment(o);
    const rb = r.bulkResistanceOhm, rct = 40, tPlus = 0.25;
    const c = r.profiles.anionMolPerL;
    const eps = (c[0]! - c[c.length - 1]!) / (c[0]! + c[c.length - 1]!);
    // nonlinearity of ln((1 + eps)/(1 - eps)) = 2 eps (1 + eps^2/3 + ...) plus the discretisation
    const tol = eps ** 2 / 3 + maxJump(r) ** 2 / 12 + 2e-8;
    expect(Math.abs(r.steadyCurrentA / r.initialCurrentA / ((rb + rct) / (rb / tPlus + rct)) - 1)).toBeLessThan(tol);
    expect(r.steadyInterfaceResistanceOhm).toBeCloseTo(40, 10);
  });

  it("dilute binary salt: Bruce-Vincent t+ = D+/(D+ + D-) at small dV, exactly t+ eps/atanh(eps)", () => {
    for (const dV of [0.001, 0.01]) {
      const r = runEvansExperiment({ ...binary, stepVoltageV: dV });
      const s = summarizeEvans(r);
      expect(s.tPlusIdeal).toBe(0.25);
      const c = r.profiles.anionMolPerL;
      const eps = (c[0]! - c[c.length - 1]!) / (c[0]! + c[c.length - 1]!);
      // Iss errors (discretisation, steady tail) reach t+ amplified by dV / (dV - Iss Rss)
      const amplify = dV / (dV - r.steadyCurrentA * r.steadyInterfaceResistanceOhm);
      const tol = (maxJump(r) ** 2 / 12 + 2e-8) * amplify;
      expect(Math.abs(s.tPlus / (0.25 * (eps / Math.atanh(eps))) - 1)).toBeLessThan(tol);
      // the deviation from the ideal value is the nonlinearity, eps^2/3 to leading order
      expect(Math.abs(s.tPlus / 0.25 - 1)).toBeLessThan((eps ** 2 / 3) * 1.01 + tol);
      if (dV === 0.001) expect(Math.abs(s.tPlus - 0.25)).toBeLessThan(2e-6); // measured 1.3e-6
    }
  });

  it("fixed charge and a divalent cation: t+ -> z^2 D+ c+ / sum z_i^2 D_i c_i as dV -> 0, second order in dV", () => {
    const dev = [0.01, 0.005].map((dV) => {
      const s = summarizeEvans(runEvansExperiment({ ...mof, stepVoltageV: dV, time: { steadyTolerance: 1e-12 } }));
      expect(s.tPlusIdeal).toBeCloseTo(0.96, 15); // 4 * 1e-7 * 0.6 / (4 * 1e-7 * 0.6 + 5e-8 * 0.2)
      return s.tPlus - s.tPlusIdeal;
    });
    // measured -6.4e-7 at 10 mV; halving dV quarters it
    expect(Math.abs(dev[0]!)).toBeLessThan(1e-6);
    expect(dev[0]! / dev[1]!).toBeGreaterThan(3.9);
    expect(dev[0]! / dev[1]!).toBeLessThan(4.1);
  });

  it("immobile anion (single-ion conductor): no polarisation, Iss = I0, Bruce-Vincent t+ = 1", () => {
    const cases: EvansOptions[] = [
      { ...binary, anionDiffusivityCm2PerS: 0 },
      { ...mof, anionDiffusivityCm2PerS: 0 },
      { ...mof, saltMolPerL: 0, fixedChargeMolPerL: 4.14 }, // all anions fixed (sulfonates only)
    ];
    for (const o of cases) {
      const r = runEvansExperiment(o);
      const s = summarizeEvans(r);
      expect(s.tPlusIdeal).toBe(1);
      expect(Math.abs(s.tPlus - 1)).toBeLessThan(1e-6); // measured < 2e-13
      expect(Math.abs(r.steadyCurrentA / r.initialCurrentA - 1)).toBeLessThan(1e-12);
      const c = r.profiles.cationMolPerL;
      for (const v of c) expect(Math.abs(v / c[0]! - 1)).toBeLessThan(1e-12);
    }
  });

  it("Butler-Volmer reduces to the linear R_ct at small overpotential", () => {
    // differential resistance at zero current: d eta / d i = R_ct
    const h = 1e-9;
    expect(Math.abs((interfaceOverpotentialV(binary, h) - interfaceOverpotentialV(binary, -h)) / (2 * h) / 20 - 1)).toBeLessThan(1e-9);
    for (const dV of [1e-4, 0.01]) {
      const bv = runEvansExperiment({ ...binary, stepVoltageV: dV, time: { endTimeS: 1e-9, initialStepS: 1e-10 } });
      const lin = runEvansExperiment({ ...binary, kinetics: "linear", stepVoltageV: dV, time: { endTimeS: 1e-9, initialStepS: 1e-10 } });
      const i0 = 0.025692579 / 20; // RT/(F R_ct), A/cm2
      const k = bv.initialCurrentA / binary.areaCm2 / i0;
      // chord resistance R_ct asinh(k/2)/(k/2) = R_ct (1 - k^2/24 + 3 k^4/640)
      const expected = 1 - k ** 2 / 24;
      expect(Math.abs(bv.initialInterfaceResistanceOhm / 40 - expected)).toBeLessThan((3 * k ** 4) / 640 + 1e-12);
      expect(lin.initialInterfaceResistanceOhm).toBeCloseTo(40, 12);
      expect(Math.abs(bv.initialCurrentA / lin.initialCurrentA - 1)).toBeLessThan(k ** 2 / 24);
      if (dV === 1e-4) expect(Math.abs(bv.initialInterfaceResistanceOhm / 40 - 1)).toBeLessThan(1e-6);
      else expect(1 - bv.initialInterfaceResistanceOhm / 40).toBeGreaterThan(1e-4); // BV is not linear at 10 mV
    }
  });

  it("galvanostatic below the limiting current: V(0+) is Ohm's law, V(steady) the analytic steady state", () => {
    const J = 1e-4; // A/cm2, 2.6 % of the limiting current 4 c0 F D+ / L
    const r = runGalvanostatic({ ...binary, currentDensityAPerCm2: J });
    expect(r.reachedSteadyState).toBe(true);
    expect(r.depleted).toBe(false);
    // invert the voltages with the potentiostatic references: they must give back J A
    expect(Math.abs(initialCurrentAnalyticA(binary, r.voltageV[0]!) / (J * binary.areaCm2) - 1)).toBeLessThan(1e-12);
    const v = r.voltageV[r.voltageV.length - 1]!;
    expect(Math.abs(binarySaltSteadyCurrentA(binary, v) / (J * binary.areaCm2) - 1)).toBeLessThan(1e-6);
  });

  it("stops at the experiment's end time (3600 s) when the relaxation is slower", () => {
    const r = runEvansExperiment({ ...mof, cationCharge: 1, anionDiffusivityCm2PerS: 1e-9, time: { endTimeS: 3600 } });
    expect(r.reachedSteadyState).toBe(false);
    expect(r.timeS[r.timeS.length - 1]).toBe(3600);
    expect(r.timeS[0]).toBe(0);
    // the current decays monotonically from I0 towards the steady value
    for (let k = 1; k < r.currentA.length; k++) expect(r.currentA[k]!).toBeLessThanOrEqual(r.currentA[k - 1]! * (1 + 1e-12));
    expect(r.steadyCurrentA).toBeLessThan(r.initialCurrentA);
  });

  it("rejects bad input naming the field, the value and what is allowed; NotConvergedError past maxSteps", () => {
    expect(() => runEvansExperiment({ ...binary, thicknessUm: -5 })).toThrowError("thicknessUm: got -5; a finite number > 0 is allowed");
    expect(() => runEvansExperiment({ ...binary, cationCharge: 1.5 })).toThrowError("cationCharge: got 1.5; 1, 2 or 3 is allowed");
    expect(() => runEvansExperiment({ ...binary, saltMolPerL: 0 })).toThrowError(
      "saltMolPerL: got 0; with fixedChargeMolPerL 0 the salt must be > 0 (no ions otherwise)",
    );
    expect(() => runEvansExperiment({ ...binary, stepVoltageV: 0 })).toThrowError("stepVoltageV: got 0; a non-zero voltage with |dV| <= 1 V is allowed");
    expect(() => runEvansExperiment({ ...binary, time: { stepTimesS: [1, 0.5] } })).toThrowError(
      "time.stepTimesS.1: got 0.5; increasing finite times > 0 are allowed",
    );
    // a run that cannot reach steady state within its step budget says so
    expect(() => runEvansExperiment({ ...binary, time: { maxSteps: 3 } })).toThrowError(NotConvergedError);
    expect(() => runEvansExperiment({ ...binary, time: { maxSteps: 3 } })).toThrowError(
      "membrane time stepping (maxSteps reached before steady state or the end time) did not converge",
    );
  });
});

describe("virtual Evans experiment: a single-ion membrane whose anion sits at the rounding level", () => {
  // The inputs of an uncertainty sample of the interconnected membrane that once stopped the
  // t = 0+ Newton solve (the anion's concentration, zero up to rounding, kept the damping
  // below 1 while the full step was 1e-16). A single-ion conductor carries one current at
  // every time, I R_b + 2 eta(I / A) = V, with R_b = L / (sigma A), sigma = F^2 z^2 D c / RT
  // (Nernst-Einstein), and symmetric Butler-Volmer interfaces of linear resistance r_int:
  // i = 2 i0 sinh(F eta / 2RT), i0 = RT / (F r_int); so I0 = Iss and t+ = 1.
  it("converges, and carries the ohmic current at once and at the end", () => {
    const x = { thicknessUm: 86.9, areaCm2: 2.0106192982974678, fixedChargeMolPerL: 1.4124126896751341, saltMolPerL: 0, cationCharge: 1, cationDiffusivityCm2PerS: 0.000027454821812359865, anionDiffusivityCm2PerS: 0, interfaceResistanceOhmCm2: 266.3866018175195, temperatureK: 298.15, stepVoltageV: 0.01, time: { endTimeS: 60 } };
    const s = summarizeEvans(runEvansExperiment(x));
    const F = 96485.33212, R = 8.314462618;
    const sigma = (F * F * x.cationDiffusivityCm2PerS * x.fixedChargeMolPerL * 1e-3) / (R * x.temperatureK);
    const rb = (x.thicknessUm * 1e-4) / (sigma * x.areaCm2), vt = (R * x.temperatureK) / F, i0 = vt / x.interfaceResistanceOhmCm2;
    const gap = (cur: number): number => cur * rb + 2 * 2 * vt * Math.asinh(cur / x.areaCm2 / (2 * i0)) - x.stepVoltageV;
    let lo = 0, hi = x.stepVoltageV / rb;
    for (let k = 0; k < 200; k++) { const mid = 0.5 * (lo + hi); if (gap(mid) > 0) hi = mid; else lo = mid; }
    const expected = 0.5 * (lo + hi);
    expect(Math.abs(s.I0 / expected - 1)).toBeLessThan(1e-6);
    expect(Math.abs(s.Iss / expected - 1)).toBeLessThan(1e-6);
    expect(Math.abs(s.tPlus - 1)).toBeLessThan(1e-6);
  });
});
