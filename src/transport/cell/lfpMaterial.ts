/**
 * LiFePO4 material data for the cell model: molar mass, density, theoretical capacity,
 * the open-circuit potential and the Butler-Volmer exchange current density.
 * Lithiation x (0..1) is the Li fraction of LixFePO4: x = 0 is charged (FePO4), x = 1
 * discharged (LiFePO4).
 */
import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from "../../core/constants.js";

/** Molar mass of LiFePO4, g/mol (physics.md; IUPAC atomic weights). */
export const LFP_MOLAR_MASS_G_PER_MOL = 157.755;
/** Crystallographic density of LiFePO4, g/cm3 (olivine, a = 10.33, b = 6.01, c = 4.69 A, Z = 4). */
export const LFP_DENSITY_G_PER_CM3 = 3.6;
/**
 * Theoretical capacity, mAh/g: one electron per formula unit, F / (3.6 M) = 169.893 mAh/g
 * (physics.md quotes 169.9). 1 C is this current per gram of LiFePO4.
 */
export const LFP_THEORETICAL_CAPACITY_MAH_PER_G = FARADAY_C_PER_MOL / (3.6 * LFP_MOLAR_MASS_G_PER_MOL);
/** Li sites per volume of LiFePO4 (the maximum solid concentration), mol/cm3: rho / M = 0.02282. */
export const LFP_MAX_CONCENTRATION_MOL_PER_CM3 = LFP_DENSITY_G_PER_CM3 / LFP_MOLAR_MASS_G_PER_MOL;

/**
 * Open-circuit potential of LixFePO4 vs Li/Li+, V:
 *   U(x) = 3.4077 - 0.020269 x + 0.5 exp(-150 x) - 0.9 exp(-30 (1 - x)).
 * Source: Afshar, Morris and Khajepour, "Efficient electrochemical model for lithium-ion
 * cells", arXiv:1709.03970 (2017), the LFP curve PyBaMM uses in its Prada2013 parameter set
 * (function LFP_ocp_Afshar2017, positive_electrodes/LFP_Prada2013). Strictly decreasing in x:
 * U(0) = 3.9077, plateau near 3.40 V, U(1) = 2.4874.
 */
export function lfpOpenCircuitVoltageV(x: number): number {
  return 3.4077 - 0.020269 * x + 0.5 * Math.exp(-150 * x) - 0.9 * Math.exp(-30 * (1 - x));
}

/** dU/dx of lfpOpenCircuitVoltageV, V per unit lithiation (always negative). */
export function lfpOpenCircuitSlopeV(x: number): number {
  return -0.020269 - 75 * Math.exp(-150 * x) - 27 * Math.exp(-30 * (1 - x));
}

/**
 * The lithiation at which the open-circuit potential equals `voltageV`: bisection on the
 * strictly decreasing U(x) over [0, 1] to 1e-15. Returns 0 above U(0) and 1 below U(1).
 */
export function lfpLithiationAtVoltage(voltageV: number): number {
  if (voltageV >= lfpOpenCircuitVoltageV(0)) return 0;
  if (voltageV <= lfpOpenCircuitVoltageV(1)) return 1;
  let lo = 0;
  let hi = 1;
  while (hi - lo > 1e-15) {
    const mid = 0.5 * (lo + hi);
    if (lfpOpenCircuitVoltageV(mid) > voltageV) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Rate constant k of the LiFePO4 | electrolyte reaction, cm^2.5 mol^-0.5 s^-1, at 298.15 K, in
 *   i0 = F k c_e^0.5 c_s^0.5 (c_max - c_s)^0.5     (A/cm2, concentrations in mol/cm3).
 * Source: Kashkooli et al., J. Appl. Electrochem. 47, 281 (2017), as coded in PyBaMM's
 * Prada2013 positive electrode (LFP_electrolyte_exchange_current_density_kashkooli2017):
 * m_ref = F k = 6e-7 (A/m2)(m3/mol)^1.5, so k = 6e-7 / F m^2.5 mol^-0.5 s^-1
 * = 6.219e-7 cm^2.5 mol^-0.5 s^-1. At c_e = 1 M and x = 0.5: i0 = 0.0217 mA/cm2 of particle surface.
 */
export const LFP_RATE_CONSTANT_CM2P5_PER_MOL0P5_PER_S = (6e-7 / FARADAY_C_PER_MOL) * 1e5;
/** Activation energy of that rate constant, J/mol (same source: E_r = 39570). */
export const LFP_RATE_ACTIVATION_ENERGY_J_PER_MOL = 39570;

/**
 * Rate constant at temperature T: k(T) = k(298.15) exp(E/R (1/298.15 - 1/T)) (Arrhenius,
 * the form of the PyBaMM/Kashkooli function).
 */
export function lfpRateConstantAt(k298: number, activationEnergyJPerMol: number, temperatureK: number): number {
  return k298 * Math.exp((activationEnergyJPerMol / GAS_CONSTANT_J_PER_MOL_K) * (1 / 298.15 - 1 / temperatureK));
}
