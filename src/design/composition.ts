/**
 * A membrane's composition as its methods section gives it (masses of what went in) ->
 * the volume fraction of each phase.
 *
 * Each constituent has a mass and a density (or, for a dissolved salt, a molar mass and a
 * partial molar volume: the volume the salt adds to the phase it dissolves in). A phase is
 * the union of the constituents assigned to it (the cast gel = polymer + salt + residual
 * solvent). The solid's volume follows from the masses; the porosity (the volume nothing
 * fills) is a separate input, since no mass fixes it unless the membrane's areal mass and
 * thickness are both known (`porosityFromArealMass`).
 *
 * Densities and molar volumes, 25 C, with their sources:
 * - MOF: the crystal density of its unit cell (structure/morphology/densities.ts).
 * - PVDF-HFP: 1.78 g/cm3 (Sigma-Aldrich 427187; Kynar Flex 2801 datasheet, 1.77-1.79).
 * - LiTFSI dissolved: molar mass 287.09 g/mol (from the standard atomic weights), standard
 *   partial molar volume 139.7 cm3/mol (Brouillette, Perron and Desnoyers, Can. J. Chem. 75,
 *   1608, 1997, in water at 25 C; taken as the volume the salt adds to a polar gel, an
 *   assumption: range 130-160 cm3/mol).
 * - DMF: 0.944 g/cm3; PC: 1.200 g/cm3 (CRC Handbook of Chemistry and Physics, 97th ed.,
 *   "Physical constants of organic compounds"; PC 1.2047 at 20 C, 1.200 at 25 C).
 * - Bacterial cellulose: 1.567 g/cm3 (densities.ts: crystallinity-weighted cellulose I-alpha).
 */
import { InputError } from "../core/errors.js";
import { ATOMIC_WEIGHT_G_PER_MOL, BC_DENSITY_G_PER_CM3, PVDF_HFP_DENSITY_G_PER_CM3 } from "../structure/morphology/densities.js";

const W = ATOMIC_WEIGHT_G_PER_MOL;
/** LiN(SO2CF3)2, g/mol. */
export const LITFSI_MOLAR_MASS_G_PER_MOL = W.Li + W.N + 2 * W.C + 6 * W.F + 2 * W.S + 4 * W.O;
/** Standard partial molar volume of LiTFSI, cm3/mol (Brouillette et al. 1997). */
export const LITFSI_PARTIAL_MOLAR_VOLUME_CM3_PER_MOL = 139.7;
/** Volume a gram of dissolved LiTFSI adds, expressed as a density, g/cm3 (2.055). */
export const LITFSI_DISSOLVED_DENSITY_G_PER_CM3 = LITFSI_MOLAR_MASS_G_PER_MOL / LITFSI_PARTIAL_MOLAR_VOLUME_CM3_PER_MOL;
export const DMF_DENSITY_G_PER_CM3 = 0.944;
export const PC_DENSITY_G_PER_CM3 = 1.2;

export const SOLVENT_DENSITY_G_PER_CM3 = { DMF: DMF_DENSITY_G_PER_CM3, PC: PC_DENSITY_G_PER_CM3 } as const;
export type SolventName = keyof typeof SOLVENT_DENSITY_G_PER_CM3;
export { BC_DENSITY_G_PER_CM3, PVDF_HFP_DENSITY_G_PER_CM3 };

export interface Constituent {
  /** Field path for errors, e.g. "morphology.composition.polymerMg". */
  readonly field: string;
  readonly massMg: number;
  readonly densityGPerCm3: number;
  /** Phase it belongs to. */
  readonly phase: string;
}

export interface PhaseFractions {
  /** Volume fraction of each phase in the membrane, pores included (key "pore"); they sum to 1. */
  readonly volumeFraction: Readonly<Record<string, number>>;
  /** Mass fraction of each phase (pores weigh nothing). */
  readonly massFraction: Readonly<Record<string, number>>;
  /** Volume of the solid constituents, cm3 (for the masses given). */
  readonly solidVolumeCm3: number;
}

/**
 * Phase volume fractions of a membrane of the given constituents and porosity. Masses must
 * be >= 0 with a positive total, densities > 0, porosity in [0, 1).
 */
export function phaseFractions(constituents: readonly Constituent[], porosity: number, porosityField: string): PhaseFractions {
  let mass = 0, volume = 0;
  const vol: Record<string, number> = {}, mas: Record<string, number> = {};
  for (const c of constituents) {
    if (!(c.massMg >= 0 && Number.isFinite(c.massMg))) throw new InputError(`${c.field}: got ${c.massMg}; must be a mass >= 0 (mg)`);
    if (!(c.densityGPerCm3 > 0 && Number.isFinite(c.densityGPerCm3))) throw new InputError(`${c.field}: density ${c.densityGPerCm3} g/cm3; must be > 0`);
    const v = (c.massMg * 1e-3) / c.densityGPerCm3;
    vol[c.phase] = (vol[c.phase] ?? 0) + v;
    mas[c.phase] = (mas[c.phase] ?? 0) + c.massMg;
    mass += c.massMg;
    volume += v;
  }
  if (!(mass > 0)) throw new InputError(`${constituents[0]?.field ?? "composition"}: the masses add up to ${mass} mg; a membrane needs some material`);
  if (!(porosity >= 0 && porosity < 1)) throw new InputError(`${porosityField}: got ${porosity}; must be in [0, 1)`);
  const volumeFraction: Record<string, number> = {}, massFraction: Record<string, number> = {};
  for (const [phase, v] of Object.entries(vol)) {
    volumeFraction[phase] = (1 - porosity) * (v / volume);
    massFraction[phase] = mas[phase]! / mass;
  }
  volumeFraction.pore = (volumeFraction.pore ?? 0) + porosity;
  return { volumeFraction, massFraction, solidVolumeCm3: volume };
}

/**
 * Porosity of a membrane of known areal mass (mg/cm2) and thickness (um) whose solid has
 * volume `solidVolumeCm3` per `totalMassMg`: 1 - (areal mass / mean density) / thickness.
 */
export function porosityFromArealMass(arealMassMgPerCm2: number, thicknessUm: number, totalMassMg: number, solidVolumeCm3: number, field: string): number {
  const meanDensity = (totalMassMg * 1e-3) / solidVolumeCm3;
  const p = 1 - (arealMassMgPerCm2 * 1e-3) / meanDensity / (thicknessUm * 1e-4);
  if (!(p >= 0 && p < 1)) throw new InputError(`${field}: ${arealMassMgPerCm2} mg/cm2 in ${thicknessUm} um gives porosity ${p.toFixed(3)}, outside [0, 1) (the solid's mean density is ${meanDensity.toFixed(3)} g/cm3)`);
  return p;
}
