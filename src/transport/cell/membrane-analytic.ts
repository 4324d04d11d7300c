/**
 * Exact results for the ideal dilute membrane model of membrane.ts, used as references by
 * its tests and as the analytic side of its outputs.
 */
import { FARADAY_C_PER_MOL } from "../../core/constants.js";
import { badValue } from "../../core/errors.js";
import { kineticsInverse } from "./membrane-kernels.js";
import { membraneParams, type MembraneOptions, type MembraneParams } from "./membrane-params.js";

function params(o: MembraneOptions | MembraneParams): MembraneParams {
  return "lengthCm" in o ? o : membraneParams(o);
}

/** Nernst-Einstein conductivity kappa = F^2/(R T) sum z_i^2 D_i c_i at the initial state, S/cm. */
export function membraneConductivitySPerCm(o: MembraneOptions | MembraneParams): number {
  const p = params(o);
  return (FARADAY_C_PER_MOL / p.thermalVoltageV) * (p.z * p.z * p.dPlus * p.cationMolPerCm3 + p.dMinus * p.saltMolPerCm3);
}

/** Bulk resistance L / (kappa A) of the uniform membrane, ohm. */
export function membraneBulkResistanceOhm(o: MembraneOptions | MembraneParams): number {
  const p = params(o);
  return p.lengthCm / (membraneConductivitySPerCm(p) * p.areaCm2);
}

/** Ideal-dilute transference number t+ = z+^2 D+ c+ / (z+^2 D+ c+ + D- c-) at the initial state. */
export function idealTransferenceNumber(o: MembraneOptions | MembraneParams): number {
  const p = params(o);
  const cat = p.z * p.z * p.dPlus * p.cationMolPerCm3;
  return cat / (cat + p.dMinus * p.saltMolPerCm3);
}

/** Overpotential of one interface carrying current density i (A/cm2), V: (R T/(z F)) K^-1(i/i0). */
export function interfaceOverpotentialV(o: MembraneOptions | MembraneParams, currentDensityAPerCm2: number): number {
  const p = params(o);
  if (p.exchangeCurrentAPerCm2 === Infinity) return 0;
  return (p.thermalVoltageV / p.z) * kineticsInverse(currentDensityAPerCm2 / p.exchangeCurrentAPerCm2, p.butlerVolmer);
}

/** Root of an increasing function on [lo, hi] by bisection to machine precision. */
function bisect(g: (x: number) => number, lo: number, hi: number): number {
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (g(mid) > 0) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Initial current I0 (A) of a potentiostatic step dV from equilibrium: the concentrations
 * are still uniform, so dV = I0 R_bulk + eta_left(I0) + |eta_right(I0)| (Ohm's law plus the
 * two interfaces). For linear kinetics I0 = dV / (R_bulk + 2 R_ct / A).
 */
export function initialCurrentAnalyticA(o: MembraneOptions | MembraneParams, stepVoltageV: number): number {
  const p = params(o);
  const rb = membraneBulkResistanceOhm(p);
  const v = Math.abs(stepVoltageV);
  const g = (cur: number): number => cur * rb + 2 * interfaceOverpotentialV(p, cur / p.areaCm2) - v;
  const hi = v / rb;
  const i = !p.butlerVolmer || p.exchangeCurrentAPerCm2 === Infinity ? v / (rb + (2 * p.interfaceResistanceOhmCm2) / p.areaCm2) : bisect(g, 0, hi);
  return Math.sign(stepVoltageV) * i;
}

/**
 * Exact steady current (A) of a z:1 binary salt (X = 0) with a blocking anion: the anion is
 * Boltzmann distributed, c- linear with slope -i/(F D+ (1 + z)) about its unchanged mean c0,
 * and dV = (1 + 1/z)(R T/F) ln((c0 + delta/2)/(c0 - delta/2)) + eta_left + |eta_right|,
 * delta = i L / (F D+ (1 + z)) (Newman and Thomas-Alyea, Electrochemical Systems, ch. 19;
 * linearised this is R_ss = R_bulk / t+). Valid below the limiting current 2 c0 F D+ (1 + z)/L.
 */
export function binarySaltSteadyCurrentA(o: MembraneOptions | MembraneParams, stepVoltageV: number): number {
  const p = params(o);
  if (p.fixedMolPerCm3 !== 0) badValue("fixedChargeMolPerL", p.fixedMolPerCm3 * 1e3, "the binary-salt steady state needs 0");
  const c0 = p.saltMolPerCm3, F = FARADAY_C_PER_MOL, vt = p.thermalVoltageV;
  const iLim = (2 * c0 * F * p.dPlus * (1 + p.z)) / p.lengthCm;
  const v = Math.abs(stepVoltageV);
  const g = (i: number): number => {
    const delta = (i * p.lengthCm) / (F * p.dPlus * (1 + p.z));
    return (1 + 1 / p.z) * vt * Math.log((c0 + delta / 2) / (c0 - delta / 2)) + 2 * interfaceOverpotentialV(p, i) - v;
  };
  return Math.sign(stepVoltageV) * bisect(g, 0, iLim) * p.areaCm2;
}

/** Ambipolar (salt) diffusivity of a z:1 salt, (1 + z) D+ D- / (z D+ + D-), cm2/s. */
export function binarySaltDiffusivityCm2PerS(o: MembraneOptions | MembraneParams): number {
  const p = params(o);
  return ((1 + p.z) * p.dPlus * p.dMinus) / (p.z * p.dPlus + p.dMinus);
}

/**
 * Sand's time of a binary z:1 salt (X = 0) under constant current density J in a
 * semi-infinite domain: the salt at the cathode vanishes at
 * tau = pi D (z c0 F)^2 / (4 (J (1 - t+))^2), D the ambipolar diffusivity, c0 the cation
 * concentration, t+ = z D+/(z D+ + D-) (Sand, Phil. Mag. 1, 45, 1901; Chazalviel, PRA 42,
 * 7355, 1990).
 */
export function binarySaltSandTimeS(o: MembraneOptions | MembraneParams, currentDensityAPerCm2: number): number {
  const p = params(o);
  if (p.fixedMolPerCm3 !== 0) badValue("fixedChargeMolPerL", p.fixedMolPerCm3 * 1e3, "Sand's time of a binary salt needs 0");
  const d = binarySaltDiffusivityCm2PerS(p);
  const tPlus = (p.z * p.dPlus) / (p.z * p.dPlus + p.dMinus);
  const q = p.z * p.cationMolPerCm3 * FARADAY_C_PER_MOL;
  return (Math.PI * d * q * q) / (4 * (currentDensityAPerCm2 * (1 - tPlus)) ** 2);
}
