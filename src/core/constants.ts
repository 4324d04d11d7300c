/**
 * Physical constants, SI, CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93, 025010, 2021).
 * Since the 2019 SI redefinition e, kB and NA are exact by definition; F = e NA is exact
 * as their product. The vacuum permittivity is measured (relative uncertainty 1.5e-10).
 * Every other module takes its constants from here.
 */

/** Elementary charge, C (exact). */
export const ELEMENTARY_CHARGE_C = 1.602176634e-19;
/** Boltzmann constant, J/K (exact). */
export const BOLTZMANN_J_PER_K = 1.380649e-23;
/** Avogadro constant, 1/mol (exact). */
export const AVOGADRO_PER_MOL = 6.02214076e23;
/** Faraday constant F = e NA, C/mol (exact: 96485.33212...). */
export const FARADAY_C_PER_MOL = ELEMENTARY_CHARGE_C * AVOGADRO_PER_MOL;
/** Molar gas constant R = NA kB, J/(mol K) (exact: 8.314462618...). */
export const GAS_CONSTANT_J_PER_MOL_K = AVOGADRO_PER_MOL * BOLTZMANN_J_PER_K;
/** Boltzmann constant in eV/K: kB / e (exact: 8.617333262...e-5). */
export const BOLTZMANN_EV_PER_K = BOLTZMANN_J_PER_K / ELEMENTARY_CHARGE_C;
/** Vacuum electric permittivity, F/m (CODATA 2018, measured). */
export const VACUUM_PERMITTIVITY_F_PER_M = 8.8541878128e-12;

// Unit conversions used at the edges (internally the engine works in SI or in the
// documented lattice units of a hot loop).
export const CM_PER_ANGSTROM = 1e-8;
export const CM_PER_NM = 1e-7;
export const M_PER_CM = 1e-2;
export const CELSIUS_ZERO_K = 273.15;

/** Thermal energy kB T in eV. */
export function thermalEnergyEV(temperatureK: number): number {
  return BOLTZMANN_EV_PER_K * temperatureK;
}
/** Random close packing fraction of equal spheres (Scott and Kilgour, J. Phys. D 2, 863, 1969). */
export const RANDOM_CLOSE_PACKING_FRACTION = 0.64;
