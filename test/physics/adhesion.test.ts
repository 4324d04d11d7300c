/**
 * Adhesive contact of elastic spheres (src/design/adhesion.ts), against the closed-form
 * limits of the Maugis-Dugdale model:
 * - lambda -> infinity: Johnson, Kendall and Roberts (Proc. R. Soc. A 324, 301, 1971),
 *   a^3 = (R / K) (F + 3 pi w R + sqrt(6 pi w R F + (3 pi w R)^2)); pull-off at F = -1.5 pi w R;
 * - lambda -> 0: Derjaguin, Muller and Toporov (J. Colloid Interface Sci. 53, 314, 1975),
 *   a^3 = (R / K) (F + 2 pi w R); pull-off at F = -2 pi w R
 * (both as limits of Maugis, J. Colloid Interface Sci. 150, 243, 1992; Johnson and
 * Greenwood, J. Colloid Interface Sci. 192, 326, 1997). The approach to either limit is
 * algebraic in lambda, so the tolerances are what the model itself gives at lambda = 100 and
 * 1e-4 (Johnson and Greenwood's adhesion map: JKR within 1 % beyond lambda ~ 5 for the
 * zero-load radius, DMT below lambda ~ 0.1 within a few %): bounds are set from that map,
 * not from our output.
 */
import { describe, expect, it } from "vitest";
import { adhesiveContact, maugisCurve, maugisRadius, workOfAdhesionFromHamaker } from "../../src/design/adhesion.js";

/** Least load on the curve (the pull-off load, non-dimensional), by a scan in m. */
function pullOff(lambda: number): number {
  let least = Infinity;
  for (let k = 0; k <= 4000; k++) {
    const m = 1 + 10 ** (-8 + (12 * k) / 4000);
    least = Math.min(least, maugisCurve(lambda, m).loadND);
  }
  return least;
}

describe("Maugis-Dugdale contact", () => {
  it("tends to JKR for large lambda: zero-load radius, radius under load, pull-off", () => {
    // A^3 = P + 3 + sqrt(6 P + 9): 6 at P = 0, 14.245 at P = 5
    expect(maugisRadius(1000, 0) ** 3).toBeCloseTo(6, 2);
    expect(Math.abs(maugisRadius(100, 5) ** 3 / (8 + Math.sqrt(39)) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(pullOff(1000) / -1.5 - 1)).toBeLessThan(0.01);
  });

  it("tends to DMT for small lambda: zero-load radius, radius under load, pull-off", () => {
    // A^3 = P + 2
    expect(Math.abs(maugisRadius(1e-4, 0) ** 3 / 2 - 1)).toBeLessThan(0.01);
    expect(Math.abs(maugisRadius(1e-4, 5) ** 3 / 7 - 1)).toBeLessThan(0.01);
    expect(Math.abs(pullOff(1e-4) / -2 - 1)).toBeLessThan(0.01);
  });

  it("lies between the DMT and JKR radii at every lambda and load, rising with lambda", () => {
    for (const P of [0, 0.5, 5, 50]) {
      let previous = 0;
      for (const lambda of [0.01, 0.1, 0.3, 1, 3, 10, 100]) {
        const A3 = maugisRadius(lambda, P) ** 3;
        expect(A3).toBeGreaterThanOrEqual((P + 2) * (1 - 1e-9));
        expect(A3).toBeLessThanOrEqual((P + 3 + Math.sqrt(6 * P + 9)) * (1 + 1e-9));
        expect(A3).toBeGreaterThan(previous);
        previous = A3;
      }
    }
  });

  it("returns the JKR radius in SI for a compliant, strongly adhering sphere", () => {
    // E = 1 MPa, nu = 0.5 (rubber-like), R* = 1 mm, w = 0.05 J/m2: mu ~ 1e3, deep in the JKR regime
    const material = { youngsModulusPa: 1e6, poissonRatio: 0.49, hardnessPa: 1e9 };
    const R = 1e-3, w = 0.05, F = 1e-3;
    const c = adhesiveContact(F, R, material, w, 0.3e-9);
    expect(c.lambda).toBeGreaterThan(100);
    const K = (4 / 3) * (material.youngsModulusPa / (2 * (1 - 0.49 ** 2)));
    const adh = 3 * Math.PI * w * R;
    const jkr = Math.cbrt((R / K) * (F + adh + Math.sqrt(2 * adh * F + adh * adh)));
    expect(Math.abs(c.radiusM / jkr - 1)).toBeLessThan(2e-3);
  });

  it("gives the work of adhesion of a Hamaker constant: A / (12 pi D0^2) with D0 = 0.165 nm", () => {
    // Israelachvili (2011) sec. 13.7: A = 1e-19 J gives about 0.097 J/m2
    expect(workOfAdhesionFromHamaker(1e-19)).toBeCloseTo(1e-19 / (12 * Math.PI * 0.165e-9 ** 2), 12);
    expect(workOfAdhesionFromHamaker(1e-19)).toBeCloseTo(0.0974, 3);
  });
});
