/**
 * Adhesive contact of two elastic spheres: the contact spot particles form when nothing
 * presses them together but their own surface forces (and a small external load), as in a
 * filtered and dried cake of particles.
 *
 * Maugis-Dugdale model (Maugis, J. Colloid Interface Sci. 150, 243, 1992), in the
 * non-dimensional form of Johnson and Greenwood (J. Colloid Interface Sci. 192, 326, 1997):
 *   A = a (K / (pi w R^2))^(1/3),  P = F / (pi w R),  lambda = 2 sigma0 (R / (pi w K^2))^(1/3),
 * K = 4 E* / 3, R the reduced radius, w the work of adhesion, sigma0 the Dugdale stress, and
 * m = c / a (c the outer radius of the adhesive annulus), with s = sqrt(m^2 - 1) and
 * t = arctan s:
 *   (lambda A^2 / 2) (s + (m^2 - 2) t) + (4 lambda^2 A / 3) (s t - m + 1) = 1,     (1)
 *   P = A^3 - lambda A^2 (s + m^2 t).                                               (2)
 * lambda -> infinity gives Johnson-Kendall-Roberts (A^3 = P + 3 + sqrt(6 P + 9); Proc. R. Soc.
 * A 324, 301, 1971), lambda -> 0 Derjaguin-Muller-Toporov (A^3 = P + 2). sigma0 is taken as
 * the Lennard-Jones surface potential's largest stress, 16 w / (9 sqrt(3) z0) = 1.026 w / z0
 * (z0 the equilibrium separation), so lambda = 1.16 mu with Tabor's parameter
 * mu = (R w^2 / (E*^2 z0^3))^(1/3) (Johnson and Greenwood 1997).
 *
 * Work of adhesion from the Hamaker constant A_H: w = A_H / (12 pi D0^2), D0 = 0.165 nm the
 * "universal" contact separation (Israelachvili, Intermolecular and Surface Forces, 3rd ed.,
 * 2011, sec. 13.7).
 */
import { InputError } from "../core/errors.js";
import type { ContactMaterial } from "./contacts.js";

/** Johnson-Greenwood / Maugis elasticity parameter lambda from Tabor's mu. */
export const LAMBDA_PER_TABOR_MU = 1.16;

export interface AdhesiveContact {
  /** Contact radius, m. */
  readonly radiusM: number;
  /** Maugis parameter lambda. */
  readonly lambda: number;
  /** Non-dimensional radius A and load P. */
  readonly radiusND: number;
  readonly loadND: number;
}

/**
 * The Maugis-Dugdale curve as a function of m: equation (1) is quadratic in A,
 * (lambda X / 2) A^2 + (4 lambda^2 Y / 3) A - 1 = 0 with X = s + (m^2 - 2) t, Y = s t - m + 1,
 * so A(m) is its positive root and P(m) follows from (2). As m falls to 1, A and P grow
 * without bound (the Hertz limit); P falls with m to the pull-off load and rises after it.
 */
export function maugisCurve(lambda: number, m: number): { radiusND: number; loadND: number } {
  const s = Math.sqrt(m * m - 1), t = Math.atan(s);
  const qa = (lambda * (s + (m * m - 2) * t)) / 2, qb = (4 * lambda * lambda * (s * t - m + 1)) / 3;
  // positive root of qa A^2 + qb A - 1 = 0, written to avoid cancellation when qb > 0
  const A = qb >= 0 ? 2 / (qb + Math.sqrt(qb * qb + 4 * qa)) : (-qb + Math.sqrt(qb * qb + 4 * qa)) / (2 * qa);
  return { radiusND: A, loadND: A * A * A - lambda * A * A * (s + m * m * t) };
}

/**
 * Non-dimensional contact radius A at non-dimensional load P >= 0, on the stable branch: the
 * smallest m > 1 with P(m) = P (bracketed by stepping m - 1 up from 1e-9 by factors of 2,
 * then bisected).
 */
export function maugisRadius(lambda: number, loadND: number): number {
  if (!(lambda > 0 && Number.isFinite(lambda))) throw new InputError(`adhesive contact: lambda ${lambda}; must be > 0`);
  if (!(loadND >= 0 && Number.isFinite(loadND))) throw new InputError(`adhesive contact: load ${loadND}; must be >= 0`);
  let lo = 1e-9, hi = 1e-9;
  while (maugisCurve(lambda, 1 + hi).loadND > loadND) {
    lo = hi;
    hi *= 2;
    if (hi > 1e9) throw new RangeError(`Maugis-Dugdale: no contact radius for lambda ${lambda}, load ${loadND}`);
  }
  for (let k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
    const mid = 0.5 * (lo + hi);
    if (maugisCurve(lambda, 1 + mid).loadND > loadND) lo = mid;
    else hi = mid;
  }
  return maugisCurve(lambda, 1 + 0.5 * (lo + hi)).radiusND;
}

/** JKR contact radius, m, of two spheres of one material under F >= 0 (the lambda -> infinity bound of the Maugis-Dugdale radius). */
export function jkrContactRadiusM(forceN: number, reducedRadiusM: number, material: ContactMaterial, workOfAdhesionJPerM2: number): number {
  const R = reducedRadiusM;
  const K = (4 / 3) * (material.youngsModulusPa / (2 * (1 - material.poissonRatio * material.poissonRatio)));
  const adh = 3 * Math.PI * workOfAdhesionJPerM2 * R;
  return Math.cbrt((R / K) * (forceN + adh + Math.sqrt(2 * adh * forceN + adh * adh)));
}

/** Work of adhesion, J/m^2, from a Hamaker constant (J): A_H / (12 pi D0^2), D0 = 0.165 nm. */
export function workOfAdhesionFromHamaker(hamakerJ: number): number {
  const d0 = 0.165e-9;
  return hamakerJ / (12 * Math.PI * d0 * d0);
}

/**
 * Contact radius of two spheres of one material (reduced radius R*, m) with work of adhesion
 * w (J/m^2) and equilibrium separation z0 (m), pressed together by F >= 0 (N).
 */
export function adhesiveContact(forceN: number, reducedRadiusM: number, material: ContactMaterial, workOfAdhesionJPerM2: number, equilibriumSeparationM: number): AdhesiveContact {
  const w = workOfAdhesionJPerM2, R = reducedRadiusM, z0 = equilibriumSeparationM;
  if (!(w > 0 && Number.isFinite(w))) throw new InputError(`adhesive contact: work of adhesion ${w} J/m2; must be > 0`);
  if (!(z0 > 0 && Number.isFinite(z0))) throw new InputError(`adhesive contact: equilibrium separation ${z0} m; must be > 0`);
  const eStar = material.youngsModulusPa / (2 * (1 - material.poissonRatio * material.poissonRatio));
  const mu = Math.cbrt((R * w * w) / (eStar * eStar * z0 * z0 * z0));
  const lambda = LAMBDA_PER_TABOR_MU * mu;
  const K = (4 / 3) * eStar;
  const loadND = forceN / (Math.PI * w * R);
  const A = maugisRadius(lambda, loadND);
  return { radiusM: A * Math.cbrt((Math.PI * w * R * R) / K), lambda, radiusND: A, loadND };
}
