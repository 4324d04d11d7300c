/**
 * The framework's fixed charge from its mobile ions (electroneutrality). Reference:
 * physics.md of the project brief: 48 sulfonates per UiO-67 cell, 2.49e21 per cm3, 4.14 mol/L
 * at a = 26.8 A; one Li+ per sulfonate, or one Zn2+ per two.
 */
import { describe, expect, it } from "vitest";
import { fixedChargeMolPerL } from "../../src/pipeline/electrochem.js";

describe("fixedChargeMolPerL", () => {
  const perCm3 = 48 / (26.8e-8) ** 3; // sulfonates per cm3 at a = 26.8 A
  it("one Li+ per sulfonate at a = 26.8 A: 4.14 mol/L (physics.md, 3 digits)", () => {
    expect(perCm3).toBeCloseTo(2.49e21, -19);
    expect(fixedChargeMolPerL([{ charge: 1, carrierDensityPerCm3: perCm3 }])).toBeCloseTo(4.14, 2);
  });
  it("one Zn2+ per two sulfonates carries the same charge; a mobile anion adds its own", () => {
    const li = fixedChargeMolPerL([{ charge: 1, carrierDensityPerCm3: perCm3 }]);
    expect(fixedChargeMolPerL([{ charge: 2, carrierDensityPerCm3: perCm3 / 2 }])).toBeCloseTo(li, 12);
    // Li+ at 1.5 per sulfonate with TFSI- at 0.5: the framework still carries one charge per sulfonate
    expect(fixedChargeMolPerL([{ charge: 1, carrierDensityPerCm3: 1.5 * perCm3 }, { charge: -1, carrierDensityPerCm3: 0.5 * perCm3 }])).toBeCloseTo(li, 12);
  });
});
