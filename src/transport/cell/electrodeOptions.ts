/**
 * The Li | solid electrolyte (SE) | LiFePO4 cell: options with their defaults and sources,
 * validation, and the resolved parameter record the solver works with.
 *
 * Units: options carry their units in their names. The resolved record (and the solver)
 * use the electrochemists' practical system: cm, s, mol, A, V, ohm (so S/cm, mol/cm3,
 * A/cm2 of cathode area unless said otherwise).
 *
 * Geometry of the cathode from the loading (mass balance of the 8:1:1 composite):
 *   solid volume per area  V_s = m_AM / w_AM * sum_k (w_k / rho_k)        (cm3/cm2)
 *   thickness              L   = V_s / (1 - eps)      (or eps = 1 - V_s / L if L is given)
 *   active volume fraction eps_AM = (m_AM / rho_AM) / L
 *   particle surface       a   = 3 eps_AM / r_p       (cm2 of particle surface per cm3)
 * Pore electrolyte: effective conductivity and diffusivity kappa eps^b, D eps^b with the
 * Bruggeman exponent b = 1.5 (Bruggeman, Ann. Phys. 416, 636, 1935; the DFN default).
 */
import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from "../../core/constants.js";
import { InputError, describe } from "../../core/errors.js";
import {
  LFP_DENSITY_G_PER_CM3,
  LFP_MOLAR_MASS_G_PER_MOL,
  LFP_RATE_ACTIVATION_ENERGY_J_PER_MOL,
  LFP_RATE_CONSTANT_CM2P5_PER_MOL0P5_PER_S,
  LFP_THEORETICAL_CAPACITY_MAH_PER_G,
  lfpRateConstantAt,
} from "./lfpMaterial.js";

/** The solid-electrolyte membrane between the Li foil and the cathode. */
export interface SeparatorOptions {
  /** Effective ionic conductivity of the membrane, S/cm (from the network/KMC layers). */
  readonly conductivitySPerCm: number;
  /** Cation transference number t+, 0 < t+ <= 1 (1: single-ion conductor, purely ohmic). */
  readonly transferenceNumber: number;
  /** Membrane thickness, um. Default 86.9 (the interconnected MOF/BC membrane, experiment.md). */
  readonly thicknessUm?: number;
  /**
   * Effective salt diffusivity, cm2/s. Default: the dilute-solution (Nernst-Einstein) value
   * for a 1:1 salt with the same conductivity and t+, D = 2 t+ (1 - t+) kappa R T / (F^2 c)
   * (Newman and Thomas-Alyea, Electrochemical Systems, 3rd ed., eqs. 11.20-11.22 with
   * D = 2 D+ D- / (D+ + D-)), which makes the limiting current 4 t+ kappa R T / (F L).
   */
  readonly saltDiffusivityCm2PerS?: number;
  /** Mobile salt concentration, mol/L. Default 1 (the membranes are soaked in 1 M salt in PC, experiment.md). */
  readonly saltConcentrationMolPerL?: number;
}

/** The electrolyte phase filling the cathode's pores (bulk values; Bruggeman is applied). */
export interface PoreElectrolyteOptions {
  readonly conductivitySPerCm: number;
  readonly transferenceNumber: number;
  /** Bulk salt diffusivity, cm2/s. Default: the Nernst-Einstein value as for the separator. */
  readonly saltDiffusivityCm2PerS?: number;
}

/**
 * A PC-based liquid electrolyte for the pores, 1 M LiTFSI in propylene carbonate at 25 C:
 * kappa = 5.62 mS/cm (Handbook of Battery Materials, 2nd ed., Wiley-VCH 2011, ch. 17,
 * table 17.17); t+ = 0.38 (LiPF6 in PC, same handbook, table 17.18: no value for LiTFSI/PC
 * is tabulated, 0.38-0.48 for imide and PF6 salts in carbonates); salt diffusivity 3e-6 cm2/s,
 * the order of 1 M LiPF6 in carbonates at 25 C (Valoen and Reimers, J. Electrochem. Soc.
 * 152, A882, 2005). Indicative values, not a fit.
 */
export const PC_LITFSI_1M_ELECTROLYTE: PoreElectrolyteOptions = {
  conductivitySPerCm: 5.62e-3,
  transferenceNumber: 0.38,
  saltDiffusivityCm2PerS: 3e-6,
};

/** Li fraction of the charged cathode at the start of discharge (see CathodeOptions). */
export const DEFAULT_INITIAL_LITHIATION = 0.01;
/** Li diffusivity in LiFePO4 by GITT, cm2/s (Prosini et al. 2002; see CathodeOptions). */
export const LFP_SOLID_DIFFUSIVITY_CM2_PER_S = 1.8e-14;
/** LiFePO4 particle radius, nm (see CathodeOptions). */
export const LFP_PARTICLE_RADIUS_NM = 100;
/** Porosity of the cathode composite when no thickness is given (see CathodeOptions). */
export const CATHODE_POROSITY = 0.4;
/** Li stripping exchange current density, mA/cm2 (Xu et al. 2019; see InterfaceOptions). */
export const LI_EXCHANGE_CURRENT_DENSITY_MA_PER_CM2 = 7.06;

export interface CathodeOptions {
  /** LiFePO4 mass per cathode area, mg/cm2. Default 1.75 (experiment: 1.5-2). */
  readonly loadingMgPerCm2?: number;
  /** Cathode disc diameter, mm. Default 12 (area 1.131 cm2; current flows through this area). */
  readonly discDiameterMm?: number;
  /** Mass fractions LiFePO4 : carbon : binder. Default 0.8 : 0.1 : 0.1 (experiment.md). */
  readonly activeMassFraction?: number;
  readonly carbonMassFraction?: number;
  readonly binderMassFraction?: number;
  /** Default 1.9 g/cm3: skeletal density of carbon black (Super P), within the usual 1.8-2.0. */
  readonly carbonDensityGPerCm3?: number;
  /** Default 1.78 g/cm3: PVDF (Solef/Kynar homopolymer datasheets: 1.75-1.80). */
  readonly binderDensityGPerCm3?: number;
  /** Default 3.6 g/cm3 (LiFePO4 crystallographic density). */
  readonly activeDensityGPerCm3?: number;
  /**
   * Porosity of the composite. Default 0.4 when no thickness is given: an assumption in the
   * 0.35-0.40 range of lightly calendered lab electrodes (the LFP template of MPET,
   * TRI-AMDD/mpet params_template.m, uses 0.4). Give either this or thicknessUm.
   */
  readonly porosity?: number;
  /** Cathode thickness, um; if given, the porosity follows from the loading. */
  readonly thicknessUm?: number;
  /** LiFePO4 particle radius, nm. Default 100 (primary particles of about 200 nm, typical of
   * carbon-coated LiFePO4; MPET's LFP template uses a mean size of 160 nm). */
  readonly particleRadiusNm?: number;
  /**
   * Li diffusivity in LiFePO4, cm2/s. Default 1.8e-14: GITT on LiFePO4 (Prosini, Lisi, Zane
   * and Pasquali, Solid State Ionics 148, 45, 2002, who found 1.8e-14 for LiFePO4 and
   * 2.2e-16 for FePO4; the literature spans 1e-14 to 1e-16). Fickian diffusion in a sphere
   * stands in for the two-phase reaction.
   */
  readonly solidDiffusivityCm2PerS?: number;
  /** Effective electronic conductivity of the composite, S/cm. Default 0.1 (assumed; its
   * resistance L / (3 sigma) is about 0.004 ohm cm2, negligible). */
  readonly electronicConductivitySPerCm?: number;
  /** Rate constant k at 298.15 K, cm^2.5 mol^-0.5 s^-1 (default: Kashkooli et al. 2017, see lfpMaterial.ts). */
  readonly rateConstantCm2p5PerMol0p5PerS?: number;
  /** Activation energy of k, J/mol. Default 39570 (same source). */
  readonly rateActivationEnergyJPerMol?: number;
  /** Li fraction of the charged cathode at the start of discharge. Default 0.01. */
  readonly initialLithiation?: number;
  /** Bruggeman exponent b in kappa_eff = eps^b kappa. Default 1.5. */
  readonly bruggemanExponent?: number;
  /** Electrolyte in the pores: "separator" (default: the membrane's conductivity, t+ and
   * diffusivity as bulk values) or explicit values (e.g. PC_LITFSI_1M_ELECTROLYTE). */
  readonly poreElectrolyte?: "separator" | PoreElectrolyteOptions;
}

export interface InterfaceOptions {
  /** Area-specific resistance of the Li | SE interface, ohm cm2 (cathode area). Default 0. */
  readonly anodeResistanceOhmCm2?: number;
  /** Area-specific resistance of the SE | cathode interface, ohm cm2. Default 0. */
  readonly cathodeResistanceOhmCm2?: number;
  /**
   * Exchange current density of Li stripping, mA/cm2 (symmetric Butler-Volmer). Default 7.06:
   * Xu et al., J. Electrochem. Soc. 166, A3456 (2019) via PyBaMM's Xu2019 set,
   * i0 = 3.5e-8 F c_Li^0.7 c_e^0.3 at c_Li = 76900 mol/m3, c_e = 1000 mol/m3.
   */
  readonly lithiumExchangeCurrentDensityMAPerCm2?: number;
}

export interface CellOptions {
  readonly separator: SeparatorOptions;
  readonly cathode?: CathodeOptions;
  readonly interfaces?: InterfaceOptions;
  /** Default 298.15 K. */
  readonly temperatureK?: number;
}

/** Everything the solver needs, in cm, s, mol, A, V. */
export interface ResolvedCell {
  readonly temperatureK: number;
  /** 2 R T / F, V (the diffusion-potential factor of a 1:1 salt). */
  readonly diffusionPotentialFactorV: number;
  /** Separator: thickness, effective conductivity, effective salt diffusivity, t+, salt concentration. */
  readonly separatorThicknessCm: number;
  readonly separatorConductivity: number;
  readonly separatorDiffusivity: number;
  readonly separatorTransference: number;
  readonly saltConcentration: number;
  /** Cathode pores: porosity, effective (Bruggeman) conductivity and diffusivity, t+. */
  readonly porosity: number;
  readonly poreConductivity: number;
  readonly poreDiffusivity: number;
  readonly poreTransference: number;
  /** Cathode: thickness, volume fractions, particle surface per volume (1/cm). */
  readonly cathodeThicknessCm: number;
  readonly activeVolumeFraction: number;
  readonly carbonVolumeFraction: number;
  readonly binderVolumeFraction: number;
  readonly specificAreaPerCm: number;
  readonly particleRadiusCm: number;
  readonly solidDiffusivity: number;
  readonly electronicConductivity: number;
  readonly rateConstant: number;
  readonly maxConcentration: number;
  readonly initialLithiation: number;
  readonly cathodeAreaCm2: number;
  /** LiFePO4 mass per cathode area, g/cm2. */
  readonly activeMassGPerCm2: number;
  /** 1 C current density, A/cm2 (theoretical capacity x loading). */
  readonly oneCCurrentDensity: number;
  readonly anodeResistance: number;
  readonly cathodeResistance: number;
  /** Li stripping exchange current density, A/cm2. */
  readonly lithiumExchangeCurrentDensity: number;
}

/** The Nernst-Einstein salt diffusivity of a 1:1 salt: D = 2 t+ (1 - t+) kappa R T / (F^2 c), cm2/s. */
export function nernstEinsteinSaltDiffusivity(conductivitySPerCm: number, transferenceNumber: number, concentrationMolPerCm3: number, temperatureK: number): number {
  const rt = GAS_CONSTANT_J_PER_MOL_K * temperatureK;
  return (2 * transferenceNumber * (1 - transferenceNumber) * conductivitySPerCm * rt) / (FARADAY_C_PER_MOL * FARADAY_C_PER_MOL * concentrationMolPerCm3);
}

function check(field: string, value: number, ok: boolean, allowed: string): void {
  if (!ok || !Number.isFinite(value)) throw new InputError(`${field}: got ${describe(value)}; ${allowed}`);
}
const positive = (field: string, v: number): void => check(field, v, v > 0, "allowed: a finite number > 0");
const nonNegative = (field: string, v: number): void => check(field, v, v >= 0, "allowed: a finite number >= 0");
const transference = (field: string, v: number): void => check(field, v, v > 0 && v <= 1, "allowed: 0 < t+ <= 1");

/** Validate the options and derive the cell's parameters (geometry, effective properties). */
export function resolveCell(options: CellOptions): ResolvedCell {
  const sep = options.separator;
  const cat = options.cathode ?? {};
  const itf = options.interfaces ?? {};
  const temperatureK = options.temperatureK ?? 298.15;
  positive("temperatureK", temperatureK);

  positive("separator.conductivitySPerCm", sep.conductivitySPerCm);
  transference("separator.transferenceNumber", sep.transferenceNumber);
  const sepUm = sep.thicknessUm ?? 86.9;
  positive("separator.thicknessUm", sepUm);
  const cMolPerL = sep.saltConcentrationMolPerL ?? 1;
  positive("separator.saltConcentrationMolPerL", cMolPerL);
  const c0 = cMolPerL * 1e-3;
  const sepD = sep.saltDiffusivityCm2PerS ?? nernstEinsteinSaltDiffusivity(sep.conductivitySPerCm, sep.transferenceNumber, c0, temperatureK);
  if (sep.transferenceNumber < 1) positive("separator.saltDiffusivityCm2PerS", sepD);
  else nonNegative("separator.saltDiffusivityCm2PerS", sepD);

  const pore = cat.poreElectrolyte === undefined || cat.poreElectrolyte === "separator"
    ? { conductivitySPerCm: sep.conductivitySPerCm, transferenceNumber: sep.transferenceNumber, saltDiffusivityCm2PerS: sepD }
    : cat.poreElectrolyte;
  positive("cathode.poreElectrolyte.conductivitySPerCm", pore.conductivitySPerCm);
  transference("cathode.poreElectrolyte.transferenceNumber", pore.transferenceNumber);
  const poreD = pore.saltDiffusivityCm2PerS ?? nernstEinsteinSaltDiffusivity(pore.conductivitySPerCm, pore.transferenceNumber, c0, temperatureK);
  if (pore.transferenceNumber < 1) positive("cathode.poreElectrolyte.saltDiffusivityCm2PerS", poreD);
  else nonNegative("cathode.poreElectrolyte.saltDiffusivityCm2PerS", poreD);

  const loading = cat.loadingMgPerCm2 ?? 1.75;
  positive("cathode.loadingMgPerCm2", loading);
  const discMm = cat.discDiameterMm ?? 12;
  positive("cathode.discDiameterMm", discMm);
  const wA = cat.activeMassFraction ?? 0.8;
  const wC = cat.carbonMassFraction ?? 0.1;
  const wB = cat.binderMassFraction ?? 0.1;
  check("cathode.activeMassFraction", wA, wA > 0 && wA <= 1, "allowed: 0 < fraction <= 1");
  nonNegative("cathode.carbonMassFraction", wC);
  nonNegative("cathode.binderMassFraction", wB);
  const wSum = wA + wC + wB;
  check("cathode mass fractions (active + carbon + binder)", wSum, Math.abs(wSum - 1) < 1e-9, "allowed: fractions summing to 1");
  const rhoA = cat.activeDensityGPerCm3 ?? LFP_DENSITY_G_PER_CM3;
  const rhoC = cat.carbonDensityGPerCm3 ?? 1.9;
  const rhoB = cat.binderDensityGPerCm3 ?? 1.78;
  positive("cathode.activeDensityGPerCm3", rhoA);
  positive("cathode.carbonDensityGPerCm3", rhoC);
  positive("cathode.binderDensityGPerCm3", rhoB);

  const mA = loading * 1e-3; // g/cm2
  const composite = mA / wA;
  const vA = mA / rhoA;
  const vC = (composite * wC) / rhoC;
  const vB = (composite * wB) / rhoB;
  const vSolid = vA + vC + vB; // cm3/cm2
  let porosity: number;
  let thickness: number;
  if (cat.thicknessUm !== undefined) {
    if (cat.porosity !== undefined) throw new InputError(`cathode: got both porosity ${describe(cat.porosity)} and thicknessUm ${describe(cat.thicknessUm)}; allowed: one of them (the other follows from the loading)`);
    thickness = cat.thicknessUm * 1e-4;
    const minUm = vSolid * 1e4;
    check("cathode.thicknessUm", cat.thicknessUm, cat.thicknessUm > minUm, `allowed: more than the solid thickness ${minUm.toFixed(3)} um of this loading`);
    porosity = 1 - vSolid / thickness;
  } else {
    porosity = cat.porosity ?? CATHODE_POROSITY;
    check("cathode.porosity", porosity, porosity > 0 && porosity < 1, "allowed: 0 < porosity < 1");
    thickness = vSolid / (1 - porosity);
  }
  const bruggeman = cat.bruggemanExponent ?? 1.5;
  nonNegative("cathode.bruggemanExponent", bruggeman);
  const brug = Math.pow(porosity, bruggeman);

  const radiusNm = cat.particleRadiusNm ?? LFP_PARTICLE_RADIUS_NM;
  positive("cathode.particleRadiusNm", radiusNm);
  const ds = cat.solidDiffusivityCm2PerS ?? LFP_SOLID_DIFFUSIVITY_CM2_PER_S;
  positive("cathode.solidDiffusivityCm2PerS", ds);
  const sigma = cat.electronicConductivitySPerCm ?? 0.1;
  positive("cathode.electronicConductivitySPerCm", sigma);
  const k298 = cat.rateConstantCm2p5PerMol0p5PerS ?? LFP_RATE_CONSTANT_CM2P5_PER_MOL0P5_PER_S;
  positive("cathode.rateConstantCm2p5PerMol0p5PerS", k298);
  const ea = cat.rateActivationEnergyJPerMol ?? LFP_RATE_ACTIVATION_ENERGY_J_PER_MOL;
  nonNegative("cathode.rateActivationEnergyJPerMol", ea);
  const x0 = cat.initialLithiation ?? DEFAULT_INITIAL_LITHIATION;
  check("cathode.initialLithiation", x0, x0 > 0 && x0 < 0.5, "allowed: 0 < x0 < 0.5 (a charged cathode)");

  const ra = itf.anodeResistanceOhmCm2 ?? 0;
  const rc = itf.cathodeResistanceOhmCm2 ?? 0;
  const i0Li = itf.lithiumExchangeCurrentDensityMAPerCm2 ?? LI_EXCHANGE_CURRENT_DENSITY_MA_PER_CM2;
  nonNegative("interfaces.anodeResistanceOhmCm2", ra);
  nonNegative("interfaces.cathodeResistanceOhmCm2", rc);
  positive("interfaces.lithiumExchangeCurrentDensityMAPerCm2", i0Li);

  const radiusCm = radiusNm * 1e-7;
  const epsA = vA / thickness;
  return {
    temperatureK,
    diffusionPotentialFactorV: (2 * GAS_CONSTANT_J_PER_MOL_K * temperatureK) / FARADAY_C_PER_MOL,
    separatorThicknessCm: sepUm * 1e-4,
    separatorConductivity: sep.conductivitySPerCm,
    separatorDiffusivity: sepD,
    separatorTransference: sep.transferenceNumber,
    saltConcentration: c0,
    porosity,
    poreConductivity: pore.conductivitySPerCm * brug,
    poreDiffusivity: poreD * brug,
    poreTransference: pore.transferenceNumber,
    cathodeThicknessCm: thickness,
    activeVolumeFraction: epsA,
    carbonVolumeFraction: vC / thickness,
    binderVolumeFraction: vB / thickness,
    specificAreaPerCm: (3 * epsA) / radiusCm,
    particleRadiusCm: radiusCm,
    solidDiffusivity: ds,
    electronicConductivity: sigma,
    rateConstant: lfpRateConstantAt(k298, ea, temperatureK),
    maxConcentration: rhoA / LFP_MOLAR_MASS_G_PER_MOL,
    initialLithiation: x0,
    cathodeAreaCm2: Math.PI * (discMm * 0.05) ** 2,
    activeMassGPerCm2: mA,
    oneCCurrentDensity: LFP_THEORETICAL_CAPACITY_MAH_PER_G * mA * 1e-3,
    anodeResistance: ra,
    cathodeResistance: rc,
    lithiumExchangeCurrentDensity: i0Li * 1e-3,
  };
}

/** The resolved cell in reporting units (for results and tables). */
export interface CellSummary {
  readonly cathodeThicknessUm: number;
  readonly porosity: number;
  readonly activeVolumeFraction: number;
  readonly cathodeAreaCm2: number;
  readonly oneCCurrentDensityMAPerCm2: number;
  readonly separatorResistanceOhmCm2: number;
  readonly separatorSaltDiffusivityCm2PerS: number;
  /** L / (3 kappa_eff): the pore resistance of a uniformly reacting cathode, ohm cm2. */
  readonly poreResistanceOhmCm2: number;
}

export function summarizeCell(cell: ResolvedCell): CellSummary {
  return {
    cathodeThicknessUm: cell.cathodeThicknessCm * 1e4,
    porosity: cell.porosity,
    activeVolumeFraction: cell.activeVolumeFraction,
    cathodeAreaCm2: cell.cathodeAreaCm2,
    oneCCurrentDensityMAPerCm2: cell.oneCCurrentDensity * 1e3,
    separatorResistanceOhmCm2: cell.separatorThicknessCm / cell.separatorConductivity,
    separatorSaltDiffusivityCm2PerS: cell.separatorDiffusivity,
    poreResistanceOhmCm2: cell.cathodeThicknessCm / (3 * cell.poreConductivity),
  };
}
