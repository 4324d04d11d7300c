/**
 * Contact mechanics and contact resistances (src/design/contacts.ts) against hand-computed
 * values of the closed forms. All results are closed-form evaluations, exact up to a few
 * roundings: EXACT = 1e-12 relative.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import {
  checkMaterial, constrictionResistanceOhm, contactSpot, finiteSphereFactor, fluxTubeFactor, hertzContactRadiusM,
  MAX_NECK_RATIO, plasticContactRadiusM, rumpfContactForceN, SPHERE_NECK_REFERENCE, sphereNeckResistanceOhm,
  type ContactMaterial,
} from "../../src/design/contacts.js";

const EXACT = 1e-12;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** The MOF of scenarios/paper/pellet.json: E = 30 GPa, nu = 0.3, H = 1 GPa. */
const MOF: ContactMaterial = { youngsModulusPa: 30e9, poissonRatio: 0.3, hardnessPa: 1e9 };

describe("contact forces and spot radii", () => {
  it("Rumpf's mean contact force F = pi d^2 P / (Z phi)", () => {
    // d = 1 um, P = 10 MPa, Z = 6, phi = 0.6: pi 1e-12 1e7 / 3.6 = 8.726646259971648e-6 N
    expect(rel(rumpfContactForceN(1e7, 1e-6, 6, 0.6), 8.726646259971648e-6)).toBeLessThan(EXACT);
  });

  it("Hertz radius a = (3 F R* / (4 E*))^(1/3), E* = E / (2 (1 - nu^2)) (Johnson 1985, sec. 4.2)", () => {
    // nu = 0, E = 1.5 GPa (E* = 0.75 GPa), R* = 1 um, F = 1 mN: a^3 = 3e-9 / 3e9 = 1e-18 m^3, a = 1 um
    expect(rel(hertzContactRadiusM(1e-3, 1e-6, { youngsModulusPa: 1.5e9, poissonRatio: 0, hardnessPa: 1e9 }), 1e-6)).toBeLessThan(EXACT);
    // the pellet MOF: E* = 30 GPa / 1.82 = 16.483516 GPa; F = 2 uN, R* = 125 nm:
    // a^3 = 3 * 2e-6 * 1.25e-7 / (4 * 1.6483516e10) = 1.1375e-23 m^3, a = 22.489707226377 nm
    expect(rel(hertzContactRadiusM(2e-6, 125e-9, MOF), 2.2489707226377097e-8)).toBeLessThan(EXACT);
  });

  it("plastic radius: pi a^2 H = F (Tabor) round trip, and the hand value", () => {
    // F = 2 uN, H = 1 GPa: a = sqrt(2e-6 / (pi 1e9)) = 25.2313252202 nm
    expect(rel(plasticContactRadiusM(2e-6, 1e9), 2.52313252202016e-8)).toBeLessThan(EXACT);
    for (const [F, H] of [[1e-9, 3e8], [2e-6, 1e9], [0.5, 2e9]] as const) {
      const a = plasticContactRadiusM(F, H);
      expect(rel(Math.PI * a * a * H, F)).toBeLessThan(EXACT);
    }
  });

  it("contactSpot: elastic while the Hertz mean pressure F / (pi a_H^2) stays below H, plastic beyond", () => {
    // a_H >= a_P  <=>  (k F)^(2/3) >= F / (pi H), k = 3 R* / (4 E*)  <=>  F <= F* = k^2 (pi H)^3.
    // Pellet MOF, R* = 125 nm: k = 5.6875e-18 m^3/N, F* = 1.00298037965e-6 N.
    const R = 125e-9, Fstar = 1.0029803796467296e-6;
    const meanPressure = (F: number): number => F / (Math.PI * hertzContactRadiusM(F, R, MOF) ** 2);
    expect(rel(meanPressure(Fstar), MOF.hardnessPa)).toBeLessThan(EXACT); // the threshold is where p_m = H
    // below: elastic, Hertz radius and approach a^2 / R*
    const below = 0.5 * Fstar, aH = hertzContactRadiusM(below, R, MOF);
    expect(meanPressure(below)).toBeLessThan(MOF.hardnessPa);
    const e = contactSpot(below, R, MOF);
    expect(e.plastic).toBe(false);
    expect(rel(e.radiusM, aH)).toBeLessThan(EXACT);
    expect(rel(e.approachM, (aH * aH) / R)).toBeLessThan(EXACT);
    // above: plastic, radius sqrt(F / (pi H)) and approach a^2 / (2 R*) (truncation of both spheres)
    const above = 2 * Fstar, aP = plasticContactRadiusM(above, MOF.hardnessPa);
    expect(meanPressure(above)).toBeGreaterThan(MOF.hardnessPa);
    const p = contactSpot(above, R, MOF);
    expect(p.plastic).toBe(true);
    expect(rel(p.radiusM, aP)).toBeLessThan(EXACT);
    expect(rel(p.approachM, (aP * aP) / (2 * R))).toBeLessThan(EXACT);
    // the hand example, F = 2 uN: p_m = 1.2587 GPa > H, so plastic with a = 25.2313 nm, approach 2.5465 nm
    const s = contactSpot(2e-6, R, MOF);
    expect(s.plastic).toBe(true);
    expect(rel(s.radiusM, 2.52313252202016e-8)).toBeLessThan(EXACT);
    expect(rel(s.approachM, 2.5464790894703256e-9)).toBeLessThan(EXACT);
    // the radius is continuous through F* (a = max(a_H, a_P)); the approach halves there
    const lo = contactSpot(Fstar * (1 - 1e-9), R, MOF), hi = contactSpot(Fstar * (1 + 1e-9), R, MOF);
    expect(lo.plastic).toBe(false);
    expect(hi.plastic).toBe(true);
    expect(rel(hi.radiusM, lo.radiusM)).toBeLessThan(1e-9);
    expect(rel(hi.approachM, lo.approachM / 2)).toBeLessThan(1e-8);
  });

  it("checkMaterial names the field, in the scenario's units", () => {
    expect(() => checkMaterial({ ...MOF, youngsModulusPa: -1e9 }, "design.material")).toThrowError(/design\.material\.youngsModulusGPa: got -1/);
    expect(() => checkMaterial({ ...MOF, poissonRatio: 0.5 }, "m")).toThrowError(/m\.poissonRatio: got 0\.5/);
    expect(() => checkMaterial({ ...MOF, hardnessPa: 0 }, "m")).toThrowError(InputError);
  });
});

describe("flux tube and finite-sphere factors", () => {
  it("fluxTubeFactor: psi(0) = 1, psi(1) = 3.8e-4, hand value at 1/2, strictly decreasing on [0, 1]", () => {
    // psi(e) = 1 - 1.40978 e + 0.34406 e^3 + 0.04350 e^5 + 0.02260 e^7 (Yovanovich)
    expect(fluxTubeFactor(0)).toBe(1);
    expect(Math.abs(fluxTubeFactor(1) - 0.00038)).toBeLessThan(1e-15); // 1 - 1.40978 + 0.34406 + 0.0435 + 0.0226
    // e = 1/2: 1 - 0.70489 + 0.0430075 + 0.00135938 + 0.000176563 = 0.339653437
    expect(rel(fluxTubeFactor(0.5), 0.3396534375)).toBeLessThan(EXACT);
    // psi'(e) = -1.40978 + 1.03218 e^2 + 0.2175 e^4 + 0.1582 e^6 increases with e and psi'(1) = -0.0019 < 0,
    // so psi falls strictly on [0, 1]; sampled on a grid of 1000 steps:
    let prev = fluxTubeFactor(0);
    for (let k = 1; k <= 1000; k++) {
      const v = fluxTubeFactor(k / 1000);
      expect(v).toBeLessThan(prev);
      prev = v;
    }
    expect(() => fluxTubeFactor(1.01)).toThrowError(/ratio 1\.01; must be in \[0, 1\]/);
    expect(() => fluxTubeFactor(-0.1)).toThrowError(InputError);
  });

  it("constriction resistance psi(a/b) / (4 sigma a) (Holm for b >> a; clamped at a/b = 1)", () => {
    // sigma = 2 S/cm, a = 1e-5 cm, b = 2e-5 cm: psi(1/2) / (8e-5) = 0.3396534375 / 8e-5 ohm
    expect(rel(constrictionResistanceOhm(2, 1e-5, 2e-5), 0.3396534375 / 8e-5)).toBeLessThan(EXACT);
    expect(rel(constrictionResistanceOhm(2, 1e-5, 5e-6), 0.00038 / 8e-5)).toBeLessThan(1e-11); // a > b: psi(1)
  });

  it("finiteSphereFactor: q(0) = 1, the tabulated values at table points, linear in between", () => {
    expect(finiteSphereFactor(0).q).toBe(1); // Holm's exact limit
    for (const [x, q, err] of SPHERE_NECK_REFERENCE) {
      const f = finiteSphereFactor(x);
      expect(Math.abs(f.q - q)).toBeLessThan(EXACT);
      expect(f.error).toBeGreaterThanOrEqual(err); // at a table point the stated error is at least that point's
    }
    // midpoints, by hand: (1 + 0.923)/2 = 0.9615 (error 0.04 below the first resolved point),
    // (0.911 + 0.917)/2 = 0.914, (0.931 + 0.969)/2 = 0.95
    expect(Math.abs(finiteSphereFactor(0.05).q - 0.9615)).toBeLessThan(EXACT);
    expect(finiteSphereFactor(0.05).error).toBe(0.04);
    expect(Math.abs(finiteSphereFactor(0.25).q - 0.914)).toBeLessThan(EXACT);
    expect(finiteSphereFactor(0.25).error).toBe(0.005);
    expect(Math.abs(finiteSphereFactor(0.5).q - 0.95)).toBeLessThan(EXACT);
    // linear between 0.4 and 0.6: q(0.4 + 0.2 t) = 0.931 + 0.038 t
    for (const t of [0.1, 0.37, 0.9]) expect(Math.abs(finiteSphereFactor(0.4 + 0.2 * t).q - (0.931 + 0.038 * t))).toBeLessThan(EXACT);
  });

  it("finiteSphereFactor accepts a/R = 0.6 and refuses beyond, naming the ratio", () => {
    expect(MAX_NECK_RATIO).toBe(0.6);
    expect(Math.abs(finiteSphereFactor(0.6).q - 0.969)).toBeLessThan(EXACT);
    expect(() => finiteSphereFactor(0.65)).toThrowError(InputError);
    expect(() => finiteSphereFactor(0.65)).toThrowError(/a\/R = 0\.65; the element covers \[0, 0\.6\]/);
    expect(() => finiteSphereFactor(Number.NaN)).toThrowError(/a\/R = NaN/);
    expect(() => finiteSphereFactor(-0.01)).toThrowError(InputError);
  });

  it("sphereNeckResistanceOhm -> 1 / (4 sigma a) as a/R -> 0 (Holm), and 1 / (4 sigma a q) at a table point", () => {
    // below a/R = 0.1, q = 1 - 0.77 (a/R), so 4 sigma a R_neck - 1 = 1/q - 1 ~ 0.77 a/R -> 0
    const sigma = 3e-4, R = 2.5e-5;
    for (const x of [1e-2, 1e-4, 1e-6, 1e-8]) {
      const a = x * R;
      const dev = 4 * sigma * a * sphereNeckResistanceOhm(sigma, a, R) - 1;
      expect(Math.abs(dev - (1 / (1 - 0.77 * x) - 1))).toBeLessThan(1e-12);
      expect(dev).toBeLessThan(0.78 * x * 1.01);
    }
    // a/R = 0.3, q = 0.917: R_neck = 1 / (4 * 3e-4 * 7.5e-6 * 0.917) = 1.21167e5 ohm
    expect(rel(sphereNeckResistanceOhm(sigma, 0.3 * R, R), 1 / (4 * sigma * 0.3 * R * 0.917))).toBeLessThan(EXACT);
  });
});
