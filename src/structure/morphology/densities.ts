/**
 * Densities of the membrane constituents (g/cm3), with their sources, and the conversion
 * from a mass ratio to a volume share.
 *
 * MOF crystal density, from the unit cell. Zr-BPDC-2SO3H is isostructural with UiO-67
 * (Fm-3m, a = 26.9 A; Cavka et al., JACS 130, 13850, 2008): the conventional cell holds
 * Z = 4 formula units Zr6O4(OH)4(L)6, L the biphenyl-4,4'-dicarboxylate carrying k
 * sulfonate groups, each -SO3(-) balanced by its counter-ion (two monovalent ions or one
 * Zn2+ per linker for k = 2):
 *   L = C14 H(8-k) O4 (SO3)k M(k/charge),
 *   rho = Z M_formula / (N_A a^3),
 * with IUPAC standard atomic weights (abridged, CIAAW 2021; Prohaska et al., Pure Appl.
 * Chem. 94, 573, 2022). Results: Li+ form 3152.5 g/mol per formula unit, 1.076 g/cm3;
 * H+ form 1.051; Na+ 1.141; K+ 1.207; Zn2+ 1.181; plain UiO-67 (k = 0) 0.724 g/cm3.
 * This is the density of the crystal with empty pores (ideal, no missing linkers), the
 * mass basis of "MOF:BC = 7:3 by mass" (dry powders weighed before soaking).
 *
 * PVDF-HFP: 1.77-1.79 g/cm3 (Kynar Flex 2801 datasheet, Arkema; Sigma-Aldrich 427187 lists
 * 1.78 g/mL at 25 C); 1.78 is used.
 *
 * Bacterial cellulose: crystalline cellulose I-alpha 1.582 g/cm3 (Nishiyama, Sugiyama,
 * Chanzy and Langan, JACS 125, 14300, 2003) and I-beta 1.599 (Nishiyama, Langan and
 * Chanzy, JACS 124, 9074, 2002); BC is I-alpha rich and highly crystalline (about 80-90 %);
 * disordered cellulose is about 1.48-1.50. A crystallinity-weighted 0.85 x 1.582 +
 * 0.15 x 1.48 = 1.567 g/cm3 is used (inside the 1.5-1.6 range usually quoted for BC).
 */
import { AVOGADRO_PER_MOL, CM_PER_ANGSTROM } from "../../core/constants.js";
import { badValue } from "../../core/errors.js";

/** Standard atomic weights, g/mol (IUPAC/CIAAW abridged values, 2021). */
export const ATOMIC_WEIGHT_G_PER_MOL = {
  H: 1.008, Li: 6.94, C: 12.011, N: 14.007, O: 15.999, F: 18.998, Na: 22.99, S: 32.06, K: 39.098, Zn: 65.38, Zr: 91.224,
} as const;

export type CounterIon = "H+" | "Li+" | "Na+" | "K+" | "Zn2+";

const COUNTER_ION: Record<CounterIon, { element: keyof typeof ATOMIC_WEIGHT_G_PER_MOL; charge: number }> = {
  "H+": { element: "H", charge: 1 },
  "Li+": { element: "Li", charge: 1 },
  "Na+": { element: "Na", charge: 1 },
  "K+": { element: "K", charge: 1 },
  "Zn2+": { element: "Zn", charge: 2 },
};

export interface MofCellOptions {
  /** Counter-ion on each sulfonate. Default "Li+". */
  readonly counterIon?: CounterIon;
  /** Cubic lattice constant, A. Default 26.9 (UiO-67 type). */
  readonly latticeConstantAngstrom?: number;
  /** Sulfonate groups per BPDC linker. Default 2 (Zr-BPDC-2SO3H); 0 gives UiO-67. */
  readonly sulfonatesPerLinker?: number;
}

/** Molar mass of one Zr6O4(OH)4(L)6 formula unit, g/mol (formula in the file comment). */
export function mofFormulaMassGPerMol(options: MofCellOptions = {}): number {
  const w = ATOMIC_WEIGHT_G_PER_MOL;
  const k = options.sulfonatesPerLinker ?? 2;
  const ion = COUNTER_ION[options.counterIon ?? "Li+"];
  if (ion === undefined) badValue("counterIon", options.counterIon, `must be one of ${Object.keys(COUNTER_ION).join(", ")}`);
  if (!Number.isInteger(k) || k < 0 || k > 8) badValue("sulfonatesPerLinker", k, "must be an integer in [0, 8]");
  const node = 6 * w.Zr + 8 * w.O + 4 * w.H; // Zr6 O4 (OH)4
  const linker = 14 * w.C + (8 - k) * w.H + 4 * w.O + k * (w.S + 3 * w.O) + (k / ion.charge) * w[ion.element];
  return node + 6 * linker;
}

/** Crystal density Z M / (N_A a^3) with Z = 4 formula units per conventional fcu cell, g/cm3. */
export function mofCrystalDensityGPerCm3(options: MofCellOptions = {}): number {
  const a = options.latticeConstantAngstrom ?? 26.9;
  if (!(a > 0 && Number.isFinite(a))) badValue("latticeConstantAngstrom", a, "must be a positive number");
  const aCm = a * CM_PER_ANGSTROM;
  return (4 * mofFormulaMassGPerMol(options)) / (AVOGADRO_PER_MOL * aCm * aCm * aCm);
}

/** Zr-BPDC-2SO3Li at a = 26.9 A: 1.076 g/cm3. */
export const MOF_DENSITY_G_PER_CM3 = mofCrystalDensityGPerCm3();
/** PVDF-HFP, 1.78 g/cm3. */
export const PVDF_HFP_DENSITY_G_PER_CM3 = 1.78;
/** Cellulose I-alpha crystal, 1.582 g/cm3 (Nishiyama et al. 2003). */
export const CELLULOSE_IALPHA_DENSITY_G_PER_CM3 = 1.582;
/** Bacterial cellulose fibre, crystallinity-weighted: 1.567 g/cm3. */
export const BC_DENSITY_G_PER_CM3 = 0.85 * CELLULOSE_IALPHA_DENSITY_G_PER_CM3 + 0.15 * 1.48;

/**
 * Volume share of A in a two-component solid mixed at mass ratio mA:mB = `massRatio`:1:
 * (massRatio / rhoA) / (massRatio / rhoA + 1 / rhoB).
 * MOF:PVDF-HFP 80:20 -> 0.869; MOF:BC 7:3 -> 0.773 (with the densities above).
 */
export function volumeShare(massRatio: number, densityA: number, densityB: number): number {
  const va = massRatio / densityA, vb = 1 / densityB;
  return va / (va + vb);
}
