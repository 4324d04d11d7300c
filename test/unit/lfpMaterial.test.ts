/**
 * LiFePO4 data and the cell's resolved parameters: the open-circuit curve (Afshar et al.
 * 2017 as in PyBaMM's Prada2013 set) at exact points, its slope and inverse, the capacity
 * from F and M, the exchange current density of the Kashkooli rate constant, the cathode's
 * geometry from the loading by hand, and the input errors.
 */
import { describe, expect, it } from "vitest";
import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from "../../src/core/constants.js";
import {
  LFP_MAX_CONCENTRATION_MOL_PER_CM3,
  LFP_RATE_CONSTANT_CM2P5_PER_MOL0P5_PER_S,
  LFP_THEORETICAL_CAPACITY_MAH_PER_G,
  lfpLithiationAtVoltage,
  lfpOpenCircuitSlopeV,
  lfpOpenCircuitVoltageV,
  lfpRateConstantAt,
} from "../../src/transport/cell/lfpMaterial.js";
import { nernstEinsteinSaltDiffusivity, PC_LITFSI_1M_ELECTROLYTE, resolveCell, summarizeCell } from "../../src/transport/cell/electrodeOptions.js";
import { simulateDischarge } from "../../src/transport/cell/discharge.js";

const SE = { conductivitySPerCm: 1e-3, transferenceNumber: 0.9 };

describe("open-circuit potential", () => {
  it("matches U(x) = 3.4077 - 0.020269 x + 0.5 exp(-150 x) - 0.9 exp(-30 (1 - x))", () => {
    expect(lfpOpenCircuitVoltageV(0)).toBeCloseTo(3.9077 - 0.9 * Math.exp(-30), 14);
    expect(lfpOpenCircuitVoltageV(1)).toBeCloseTo(3.4077 - 0.020269 + 0.5 * Math.exp(-150) - 0.9, 14);
    expect(lfpOpenCircuitVoltageV(0.5)).toBeCloseTo(3.4077 - 0.0101345 + 0.5 * Math.exp(-75) - 0.9 * Math.exp(-15), 14);
  });
  it("slope agrees with central differences and is negative everywhere", () => {
    for (let i = 0; i <= 100; i++) {
      const x = i / 100;
      const h = 1e-6;
      const fd = (lfpOpenCircuitVoltageV(x + h) - lfpOpenCircuitVoltageV(x - h)) / (2 * h);
      expect(Math.abs(lfpOpenCircuitSlopeV(x) - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
      expect(lfpOpenCircuitSlopeV(x)).toBeLessThan(0);
    }
  });
  it("inverts: U(x(V)) = V on the plateau and at the 2.5 V cut-off", () => {
    for (const v of [3.6, 3.42, 3.39, 3.0, 2.5]) expect(lfpOpenCircuitVoltageV(lfpLithiationAtVoltage(v))).toBeCloseTo(v, 12);
    expect(lfpLithiationAtVoltage(2.5)).toBeCloseTo(0.99953156, 7);
  });
});

describe("material constants", () => {
  it("theoretical capacity F / (3.6 M) = 169.9 mAh/g and c_max = rho / M", () => {
    expect(LFP_THEORETICAL_CAPACITY_MAH_PER_G).toBeCloseTo(169.8931, 4);
    expect(LFP_MAX_CONCENTRATION_MOL_PER_CM3).toBeCloseTo(3.6 / 157.755, 15);
  });
  it("exchange current density i0 = F k c_e^0.5 (c_s (c_max - c_s))^0.5: 0.0217 mA/cm2 at 1 M, x = 0.5", () => {
    const cmax = LFP_MAX_CONCENTRATION_MOL_PER_CM3;
    const i0 = FARADAY_C_PER_MOL * LFP_RATE_CONSTANT_CM2P5_PER_MOL0P5_PER_S * Math.sqrt(1e-3 * 0.5 * cmax * 0.5 * cmax);
    // PyBaMM's form in SI: 6e-7 * c_e^0.5 c_s^0.5 (c_max - c_s)^0.5, A/m2, with mol/m3
    const si = 6e-7 * Math.sqrt(1000 * 0.5 * cmax * 1e6 * 0.5 * cmax * 1e6) * 1e-4;
    expect(i0).toBeCloseTo(si, 15);
    expect(i0 * 1e3).toBeCloseTo(0.02166, 4);
    expect(lfpRateConstantAt(1, 39570, 298.15)).toBe(1);
    expect(lfpRateConstantAt(1, 39570, 308.15)).toBeCloseTo(Math.exp((39570 / GAS_CONSTANT_J_PER_MOL_K) * (1 / 298.15 - 1 / 308.15)), 12);
  });
});

describe("resolved cell", () => {
  it("cathode geometry from loading 1.75 mg/cm2, 8:1:1, porosity 0.4", () => {
    const c = resolveCell({ separator: SE });
    const mA = 1.75e-3;
    const vSolid = mA / 3.6 + (mA / 0.8) * 0.1 / 1.9 + (mA / 0.8) * 0.1 / 1.78;
    expect(c.cathodeThicknessCm).toBeCloseTo(vSolid / 0.6, 15);
    expect(c.cathodeThicknessCm * 1e4).toBeCloseTo(12.0689, 3);
    expect(c.activeVolumeFraction).toBeCloseTo(mA / 3.6 / (vSolid / 0.6), 14);
    expect(c.activeVolumeFraction + c.carbonVolumeFraction + c.binderVolumeFraction + c.porosity).toBeCloseTo(1, 14);
    expect(c.specificAreaPerCm).toBeCloseTo((3 * c.activeVolumeFraction) / 1e-5, 6);
    expect(c.cathodeAreaCm2).toBeCloseTo(1.130973, 6);
    expect(c.oneCCurrentDensity * 1e3).toBeCloseTo(0.29731, 5);
    expect(c.poreConductivity).toBeCloseTo(1e-3 * 0.4 ** 1.5, 15);
    const s = summarizeCell(c);
    expect(s.separatorResistanceOhmCm2).toBeCloseTo(8.69, 12);
    expect(s.poreResistanceOhmCm2).toBeCloseTo(c.cathodeThicknessCm / (3 * 1e-3 * 0.4 ** 1.5), 12);
  });
  it("a given thickness sets the porosity", () => {
    const c = resolveCell({ separator: SE, cathode: { thicknessUm: 15 } });
    const vSolid = 1.75e-3 / 3.6 + (1.75e-3 / 0.8) * 0.1 / 1.9 + (1.75e-3 / 0.8) * 0.1 / 1.78;
    expect(c.porosity).toBeCloseTo(1 - vSolid / 15e-4, 14);
  });
  it("salt diffusivity defaults to Nernst-Einstein, D = 2 t+ (1 - t+) kappa R T / (F^2 c)", () => {
    const rt = GAS_CONSTANT_J_PER_MOL_K * 298.15;
    const d = (2 * 0.9 * 0.1 * 1e-3 * rt) / (FARADAY_C_PER_MOL ** 2 * 1e-3);
    expect(nernstEinsteinSaltDiffusivity(1e-3, 0.9, 1e-3, 298.15)).toBeCloseTo(d, 20);
    expect(d * 1e8).toBeCloseTo(4.7931, 4);
    expect(resolveCell({ separator: SE }).separatorDiffusivity / d).toBeCloseTo(1, 14);
    expect(resolveCell({ separator: { ...SE, transferenceNumber: 1 } }).separatorDiffusivity).toBe(0);
    const pc = resolveCell({ separator: SE, cathode: { poreElectrolyte: PC_LITFSI_1M_ELECTROLYTE } });
    expect(pc.poreDiffusivity).toBeCloseTo(3e-6 * 0.4 ** 1.5, 18);
    expect(pc.poreTransference).toBe(0.38);
  });
});

describe("input errors name the field, the value and what is allowed", () => {
  it("cell options", () => {
    expect(() => resolveCell({ separator: { ...SE, transferenceNumber: 1.5 } })).toThrow("separator.transferenceNumber: got 1.5; allowed: 0 < t+ <= 1");
    expect(() => resolveCell({ separator: { ...SE, conductivitySPerCm: -1 } })).toThrow("separator.conductivitySPerCm: got -1; allowed: a finite number > 0");
    expect(() => resolveCell({ separator: SE, cathode: { porosity: 0.3, thicknessUm: 20 } })).toThrow(
      "cathode: got both porosity 0.3 and thicknessUm 20; allowed: one of them (the other follows from the loading)",
    );
    expect(() => resolveCell({ separator: SE, cathode: { thicknessUm: 5 } })).toThrow("cathode.thicknessUm: got 5; allowed: more than the solid thickness 7.241 um of this loading");
    expect(() => resolveCell({ separator: SE, cathode: { carbonMassFraction: 0.2 } })).toThrow("cathode mass fractions (active + carbon + binder): got 1.1; allowed: fractions summing to 1");
  });
  it("discharge options", () => {
    expect(() => simulateDischarge({ separator: SE }, { cRate: 0 })).toThrow("cRate: got 0; allowed: a number > 0 and <= 1000");
    expect(() => simulateDischarge({ separator: SE }, { cRate: 1, cutoffVoltageV: 2.4 })).toThrow(
      "cutoffVoltageV: got 2.4; allowed: between U(1) = 2.4874 V and the open-circuit voltage of the charged cathode, 3.5191 V",
    );
    expect(() => simulateDischarge({ separator: SE }, { cRate: 1, mesh: { cathodeCells: 1.5 } })).toThrow("mesh.cathodeCells: got 1.5; allowed: an integer from 2 to 100000");
  });
});
