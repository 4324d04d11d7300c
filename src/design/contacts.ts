/**
 * Contacts between particles or crystals: how large the contact spot is, and what it
 * costs an ion to cross it.
 *
 * Mechanics (SI inside: N, m, Pa):
 * - Mean contact force in a packing of spheres of diameter d, solid fraction phi and mean
 *   coordination Z under a confining pressure P (Rumpf, Chem. Ing. Tech. 30, 144, 1958):
 *     F = pi d^2 P / (Z phi).
 * - Elastic (Hertz) contact of two spheres: a = (3 F R* / (4 E*))^(1/3), with
 *   1/R* = 1/R1 + 1/R2 and, for two bodies of one material, E* = E / (2 (1 - nu^2))
 *   (Johnson, Contact Mechanics, 1985, sec. 4.2). Mutual approach delta = a^2 / R*.
 * - Fully plastic contact: the mean pressure equals the hardness H, F = pi a^2 H
 *   (Tabor, The Hardness of Metals, 1951; Johnson sec. 6.2). Approach delta = a^2 / (2 R*)
 *   (truncation of both spheres).
 * - A contact is elastic while the Hertz mean pressure F / (pi a_H^2) stays below H; beyond
 *   it yields and the spot grows to the plastic radius. So a = max(a_Hertz, a_plastic).
 *
 * Transport across a circular spot of radius a between two bodies of conductivity sigma:
 * - Constriction (spreading) resistance on each side, 1/(4 sigma a) for a body much larger
 *   than a (Holm, Electric Contacts, 4th ed., 1967), so 1/(2 sigma a) for the pair (the
 *   two-sphere limit of Batchelor and O'Brien, Proc. R. Soc. A 355, 313, 1977). On a body
 *   of finite size the spot feeds a flux tube of radius b; the excess resistance is
 *   psi(a/b) / (4 sigma a) with the isothermal-spot correlation of Yovanovich
 *   (Rohsenow, Hartnett and Cho, Handbook of Heat Transfer, 3rd ed., 1998, ch. 3):
 *     psi(e) = 1 - 1.40978 e + 0.34406 e^3 + 0.04350 e^5 + 0.02260 e^7,
 *   which falls from 1 at e = 0 to 4e-4 at e = 1 (a spot filling its tube costs nothing extra).
 * - The boundary across the spot, area-specific r_b (ohm cm^2): r_b / (pi a^2) in series.
 *
 * Two spheres joined by a neck. For a spot on a sphere of radius R the half-space value is
 * only the a/R -> 0 limit: the sphere's surface curves away from the neck, so the material
 * near the spot is scarcer and the spreading resistance larger. The resolved continuum
 * solution of the simple-cubic array of necked spheres (sigma_eff = G / 2R per bond) gives,
 * per side, 1 / (4 sigma a q(a/R)) with the finite-sphere factor q (q -> 1 as a/R -> 0,
 * Holm; Batchelor and O'Brien) tabulated below: q = S(a/R) / (a/R), S = sigma_eff / sigma of
 * the array, computed with mofhop's voxel network up to 768 voxels per cell side and
 * extrapolated to zero voxel size (scripts/sc-neck-reference.mjs; the table also holds each
 * value's extrapolation error). Between 0 and 0.1 q is interpolated from Holm's exact 1 to
 * the first resolved value, with an error of 0.04 that covers any curve between the two.
 * This single factor carries the whole particle-body resistance between contacts as it is in
 * the simple-cubic array (necks on the axes, node potential uniform). Checked against other
 * resolved arrays (test/physics/contact-network.test.ts): where the current-carrying necks
 * sit on the field's axis, as in chains (Z = 2) and square layers (Z = 4), the network of
 * these elements is exact to 0.2 %; where several oblique necks share a particle it
 * over-predicts, by k (a/R) with k = 0.28-0.30 on bcc (Z = 8, necks 70.5 deg apart) and
 * 0.92-0.98 on fcc (Z = 12, 60 deg apart): the particle is then no longer one equipotential.
 * The element's transfer error (`contactTransferError`) is that excess: k = 0.30 up to
 * Z = 8, rising linearly to 0.98 at Z = 12. A random packing (Z about 4.7, necks at random
 * angles) has no resolved reference yet; the bcc value is taken for it as an upper estimate.
 */
import { InputError } from "../core/errors.js";

/** Elastic and plastic properties of the particles' material. */
export interface ContactMaterial {
  readonly youngsModulusPa: number;
  readonly poissonRatio: number;
  readonly hardnessPa: number;
}

/** Check a material record; field names in errors are relative to `path`. */
export function checkMaterial(m: ContactMaterial, path: string): ContactMaterial {
  if (!(m.youngsModulusPa > 0 && Number.isFinite(m.youngsModulusPa))) throw new InputError(`${path}.youngsModulusGPa: got ${m.youngsModulusPa / 1e9}; must be > 0`);
  if (!(m.poissonRatio >= 0 && m.poissonRatio < 0.5)) throw new InputError(`${path}.poissonRatio: got ${m.poissonRatio}; must be in [0, 0.5)`);
  if (!(m.hardnessPa > 0 && Number.isFinite(m.hardnessPa))) throw new InputError(`${path}.hardnessGPa: got ${m.hardnessPa / 1e9}; must be > 0`);
  return m;
}

/** Rumpf's mean contact force, N. */
export function rumpfContactForceN(pressurePa: number, diameterM: number, coordination: number, solidFraction: number): number {
  return (Math.PI * diameterM * diameterM * pressurePa) / (coordination * solidFraction);
}

/** Hertz contact radius, m, of two spheres of one material under force F. */
export function hertzContactRadiusM(forceN: number, reducedRadiusM: number, material: ContactMaterial): number {
  const eStar = material.youngsModulusPa / (2 * (1 - material.poissonRatio * material.poissonRatio));
  return Math.cbrt((3 * forceN * reducedRadiusM) / (4 * eStar));
}

/** Fully plastic contact radius, m: F = pi a^2 H. */
export function plasticContactRadiusM(forceN: number, hardnessPa: number): number {
  return Math.sqrt(forceN / (Math.PI * hardnessPa));
}

export interface ContactSpot {
  readonly radiusM: number;
  /** Mutual approach of the two centres, m. */
  readonly approachM: number;
  readonly plastic: boolean;
}

/** Contact of two spheres of one material under force F: elastic until the mean pressure reaches H, then plastic. */
export function contactSpot(forceN: number, reducedRadiusM: number, material: ContactMaterial): ContactSpot {
  const aH = hertzContactRadiusM(forceN, reducedRadiusM, material);
  const aP = plasticContactRadiusM(forceN, material.hardnessPa);
  if (aH >= aP) return { radiusM: aH, approachM: (aH * aH) / reducedRadiusM, plastic: false };
  return { radiusM: aP, approachM: (aP * aP) / (2 * reducedRadiusM), plastic: true };
}

/** Yovanovich's isothermal-spot flux-tube factor psi(a/b), 0 <= a/b <= 1 (psi(0) = 1). */
export function fluxTubeFactor(ratio: number): number {
  if (!(ratio >= 0 && ratio <= 1)) throw new InputError(`flux tube: spot-to-tube radius ratio ${ratio}; must be in [0, 1]`);
  const e = ratio, e2 = e * e;
  return 1 - 1.40978 * e + e * e2 * (0.34406 + e2 * (0.0435 + e2 * 0.0226));
}

/**
 * Spreading resistance, ohm, on one side of a spot of radius a (cm) into a body of
 * conductivity sigma (S/cm) that feeds it through a tube of radius b (cm).
 */
export function constrictionResistanceOhm(conductivitySPerCm: number, spotRadiusCm: number, tubeRadiusCm: number): number {
  return fluxTubeFactor(Math.min(spotRadiusCm / tubeRadiusCm, 1)) / (4 * conductivitySPerCm * spotRadiusCm);
}

/** a/R, q = S/(a/R), and q's error (scripts/sc-neck-reference.mjs; a/R = 0: Holm's exact limit). */
export const SPHERE_NECK_REFERENCE: readonly (readonly [number, number, number])[] = [
  [0, 1, 0],
  [0.1, 0.923, 0.016],
  [0.15, 0.913, 0.01],
  [0.2, 0.911, 0.005],
  [0.3, 0.917, 0.001],
  [0.4, 0.931, 0.001],
  [0.6, 0.969, 0.001],
];

/** Largest neck ratio a/R the sphere-contact element covers. */
export const MAX_NECK_RATIO = 0.6;

/** Finite-sphere factor q(a/R) and its error (linear interpolation of SPHERE_NECK_REFERENCE). */
export function finiteSphereFactor(neckRatio: number): { q: number; error: number } {
  const t = SPHERE_NECK_REFERENCE;
  if (!(neckRatio >= 0 && neckRatio <= MAX_NECK_RATIO)) throw new InputError(`sphere contact: neck ratio a/R = ${neckRatio}; the element covers [0, ${MAX_NECK_RATIO}]`);
  if (neckRatio < t[1]![0]) {
    const w = neckRatio / t[1]![0];
    return { q: 1 + w * (t[1]![1] - 1), error: 0.04 };
  }
  for (let k = 1; k + 1 < t.length; k++) {
    const [x0, q0, e0] = t[k]!, [x1, q1, e1] = t[k + 1]!;
    if (neckRatio <= x1) {
      const w = (neckRatio - x0) / (x1 - x0);
      return { q: q0 + w * (q1 - q0), error: Math.max(e0, e1) };
    }
  }
  const last = t[t.length - 1]!;
  return { q: last[1], error: last[2] };
}

/**
 * Resistance, ohm, of one side of a neck of radius a (cm) on a sphere of radius R (cm) and
 * conductivity sigma: 1 / (4 sigma a q(a/R)), the constriction with the particle's body.
 */
export function sphereNeckResistanceOhm(conductivitySPerCm: number, neckRadiusCm: number, sphereRadiusCm: number): number {
  return 1 / (4 * conductivitySPerCm * neckRadiusCm * finiteSphereFactor(neckRadiusCm / sphereRadiusCm).q);
}

/** Excess per a/R of a network of sphere-neck elements over the resolved array: bcc (Z = 8) and fcc (Z = 12), the largest measured. */
export const OBLIQUE_NECK_EXCESS = { bcc: 0.3, fcc: 0.98 } as const;

/**
 * Relative error of a network of sphere-neck elements at mean coordination Z and neck ratio
 * a/R: k(Z) a/R, k = 0.30 up to Z = 8 (an upper estimate below it, see above), linear to
 * 0.98 at Z = 12 and beyond.
 */
export function contactTransferError(coordination: number, neckRatio: number): number {
  const { bcc, fcc } = OBLIQUE_NECK_EXCESS;
  const k = coordination <= 8 ? bcc : bcc + ((fcc - bcc) * (coordination - 8)) / 4;
  return k * neckRatio;
}
