/**
 * How much of a membrane's face a Li foil touches under the cell's stack pressure, and what
 * the patchy contact costs (a cell-scale correction on top of the face's own contact model:
 * pipeline/electrochem.ts for voxel faces, design/electrodeFace.ts for particle networks).
 *
 * 1. Contact fraction. Li is far softer than any membrane here (yield strength 0.4-0.8 MPa
 *    against GPa moduli), so at the micrometre scale of a rolled foil's roughness the Li
 *    asperities flow plastically against a rigid face: the real area of contact is the load
 *    over the indentation hardness, A_r / A = P / H (Bowden and Tabor, The Friction and
 *    Lubrication of Solids, 1950), with H = 3 sigma_y for a rigid-plastic solid (Tabor, The
 *    Hardness of Metals, 1951); full contact once P >= H. Li creeps at room temperature (0.66
 *    of its melting point; power-law creep, LePage et al., J. Electrochem. Soc. 166, A89,
 *    2019), so a cell that rests longer touches more: the yield strength given is the one at
 *    the rest's strain rate (a lower strength, more contact), an input with its range.
 * 2. Within each patch the face's own model applies (its charge transfer over the solid it
 *    offers, its focusing), so the interface impedance per nominal area is the face's over
 *    the contact fraction f, and the current density at the true contacts is 1/f higher.
 * 3. Constriction. The current converges from the membrane onto the patches: circular
 *    patches of radius a, each at the centre of a flux tube of radius b = a / sqrt(f), cost
 *    psi(eps) / (4 sigma a) each (eps = a / b = sqrt(f); the isopotential disc on a
 *    half-space, 1 / (4 sigma a), Maxwell / Holm, times the flux tube's alleviation factor
 *    psi), i.e. per nominal area
 *      R_c = pi b^2 psi(eps) / (4 sigma a) = pi a psi(sqrt f) / (4 sigma f).
 *    psi(eps) = (1 - eps)^1.5 (Cooper, Mikic and Yovanovich, Int. J. Heat Mass Transfer 12,
 *    279, 1969); against voxel solves of a square flux tube extrapolated in the voxel size it
 *    is within 1-5 % at eps = 0.26-0.74, inside the extrapolation's own uncertainty plus 2 %
 *    (test/physics/lithium-contact.test.ts; the series 1 - 1.40925 eps + ... is 27 % low at
 *    eps = 0.74). It is an ohmic resistance in the membrane at every frequency: the impedance puts it in the
 *    high-frequency intercept, the DC experiments in series with the interface.
 */
import { InputError } from "../../core/errors.js";

/** Indentation hardness over yield strength of a rigid-plastic solid (Tabor 1951). */
export const TABOR_CONSTRAINT_FACTOR = 3;

export interface LithiumContactOptions {
  /** Stack pressure on the cell, MPa (> 0). */
  readonly stackPressureMPa: number;
  /** Li's yield (flow) strength at the contact's strain rate, MPa (> 0). */
  readonly yieldStrengthMPa: number;
  /** Radius of the contact patches (the foil's roughness scale), um (> 0). */
  readonly patchRadiusUm: number;
}

export interface LithiumContact {
  /** Share of the nominal face the Li touches, (0, 1]. */
  readonly contactFraction: number;
  /** The constriction onto the patches per nominal area, ohm cm^2 (0 at full contact). */
  readonly constrictionOhmCm2: number;
}

/** Flux-tube alleviation factor psi(eps) = (1 - eps)^1.5 of a circular contact, eps = a / b in [0, 1] (file comment). */
export function fluxTubeAlleviation(eps: number): number {
  if (!(eps >= 0 && eps <= 1)) throw new InputError(`flux-tube contact ratio: got ${eps}; must be in [0, 1]`);
  return (1 - eps) ** 1.5;
}

/** Contact fraction and constriction of a Li foil on a membrane of conductivity `membraneSPerCm` (S/cm). */
export function lithiumContact(o: LithiumContactOptions, membraneSPerCm: number, field = "cell.lithiumContact"): LithiumContact {
  for (const k of ["stackPressureMPa", "yieldStrengthMPa", "patchRadiusUm"] as const) {
    if (!(o[k] > 0 && Number.isFinite(o[k]))) throw new InputError(`${field}.${k}: got ${o[k]}; must be a finite number > 0`);
  }
  if (!(membraneSPerCm > 0)) throw new InputError(`lithiumContact: membrane conductivity ${membraneSPerCm} S/cm; must be > 0`);
  const f = Math.min(1, o.stackPressureMPa / (TABOR_CONSTRAINT_FACTOR * o.yieldStrengthMPa));
  if (f >= 1) return { contactFraction: 1, constrictionOhmCm2: 0 };
  const aCm = o.patchRadiusUm * 1e-4;
  return { contactFraction: f, constrictionOhmCm2: (Math.PI * aCm * fluxTubeAlleviation(Math.sqrt(f))) / (4 * membraneSPerCm * f) };
}
