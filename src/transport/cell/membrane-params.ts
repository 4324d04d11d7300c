/**
 * Inputs of the 1D membrane (virtual Evans / Bruce-Vincent experiment, galvanostatic
 * polarisation): physical units in the names at the edge, validated and converted here to
 * the solver's units (cm, s, mol/cm3, A/cm2, potentials in units of R T / F).
 */
import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from "../../core/constants.js";
import { badValue } from "../../core/errors.js";

export interface MembraneMeshOptions {
  /** Intervals between the nodes (the nodes sit at both electrodes); default 100. */
  readonly cells?: number;
  /** Ratio of the middle interval to the one at an electrode, >= 1; default 10. */
  readonly grading?: number;
}

export interface MembraneTimeOptions {
  /** "bdf2" (default; variable-step, second order) or "euler" (backward Euler). */
  readonly scheme?: "bdf2" | "euler";
  /** First step after t = 0+; default 1e-9 L^2 / max(D+, D-). */
  readonly initialStepS?: number;
  /** Factor by which each accepted step grows; default 1.1 (at most 2). */
  readonly stepGrowth?: number;
  /** Largest step; default unlimited. */
  readonly maxStepS?: number;
  /** Stop at this time if steady state comes later; default unlimited. */
  readonly endTimeS?: number;
  /** Explicit step end times (increasing, > 0); replaces the geometric sequence. */
  readonly stepTimesS?: readonly number[];
  /** Steady state: relative change of the current per step below this; default 1e-8. */
  readonly steadyTolerance?: number;
  /** Guard on the number of accepted steps; default 100000. */
  readonly maxSteps?: number;
}

export interface MembraneOptions {
  readonly thicknessUm: number;
  readonly areaCm2: number;
  /** Fixed anionic charge of the framework (sulfonates), mol/L; 0 for a plain binary salt. */
  readonly fixedChargeMolPerL: number;
  /** Mobile anion (salt) concentration, mol/L, uniform at t = 0. */
  readonly saltMolPerL: number;
  /** Charge number z+ of the cation (1 for Li+, Na+, K+; 2 for Zn2+); default 1. */
  readonly cationCharge?: number;
  readonly cationDiffusivityCm2PerS: number;
  /** May be 0: an immobile anion (single-ion conductor). */
  readonly anionDiffusivityCm2PerS: number;
  /** Charge-transfer resistance of each electrode interface, ohm cm2; 0 = ideal electrode. */
  readonly interfaceResistanceOhmCm2: number;
  /** Electrode kinetics: "butler-volmer" (default, alpha = 1/2) or "linear". */
  readonly kinetics?: "butler-volmer" | "linear";
  readonly temperatureK: number;
  readonly mesh?: MembraneMeshOptions;
  readonly time?: MembraneTimeOptions;
}

/** Validated inputs in solver units. */
export interface MembraneParams {
  readonly lengthCm: number;
  readonly areaCm2: number;
  readonly z: number;
  readonly dPlus: number;
  readonly dMinus: number;
  /** Fixed charge X, mol/cm3. */
  readonly fixedMolPerCm3: number;
  /** Initial anion concentration, mol/cm3. */
  readonly saltMolPerCm3: number;
  /** Initial cation concentration (X + c-)/z, mol/cm3. */
  readonly cationMolPerCm3: number;
  readonly temperatureK: number;
  /** R T / F, V. */
  readonly thermalVoltageV: number;
  readonly interfaceResistanceOhmCm2: number;
  readonly butlerVolmer: boolean;
  /** i0 = R T / (z F R_ct), A/cm2; Infinity for an ideal electrode. */
  readonly exchangeCurrentAPerCm2: number;
  readonly cells: number;
  readonly grading: number;
  readonly bdf2: boolean;
  readonly initialStepS: number;
  readonly stepGrowth: number;
  readonly maxStepS: number;
  readonly endTimeS: number;
  readonly stepTimesS: Float64Array | null;
  readonly steadyTolerance: number;
  readonly maxSteps: number;
  /** Slowest diffusive relaxation L^2 / (pi^2 D_slow): steady state is not declared before it. */
  readonly relaxationTimeS: number;
}

const CM_PER_UM = 1e-4;
const MOL_PER_CM3_PER_MOL_PER_L = 1e-3;

function positive(field: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) badValue(field, v, "a finite number > 0 is allowed");
  return v;
}
function nonNegative(field: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) badValue(field, v, "a finite number >= 0 is allowed");
  return v;
}

export function membraneParams(o: MembraneOptions): MembraneParams {
  const lengthCm = positive("thicknessUm", o.thicknessUm) * CM_PER_UM;
  const areaCm2 = positive("areaCm2", o.areaCm2);
  const fixed = nonNegative("fixedChargeMolPerL", o.fixedChargeMolPerL) * MOL_PER_CM3_PER_MOL_PER_L;
  const salt = nonNegative("saltMolPerL", o.saltMolPerL) * MOL_PER_CM3_PER_MOL_PER_L;
  if (fixed + salt === 0) badValue("saltMolPerL", o.saltMolPerL, "with fixedChargeMolPerL 0 the salt must be > 0 (no ions otherwise)");
  const z = o.cationCharge ?? 1;
  if (!(Number.isInteger(z) && z >= 1 && z <= 3)) badValue("cationCharge", z, "1, 2 or 3 is allowed");
  const dPlus = positive("cationDiffusivityCm2PerS", o.cationDiffusivityCm2PerS);
  const dMinus = nonNegative("anionDiffusivityCm2PerS", o.anionDiffusivityCm2PerS);
  const rct = nonNegative("interfaceResistanceOhmCm2", o.interfaceResistanceOhmCm2);
  const kin = o.kinetics ?? "butler-volmer";
  if (kin !== "butler-volmer" && kin !== "linear") badValue("kinetics", kin, "'butler-volmer' or 'linear' is allowed");
  const temperatureK = positive("temperatureK", o.temperatureK);
  const vt = (GAS_CONSTANT_J_PER_MOL_K * temperatureK) / FARADAY_C_PER_MOL;

  const cells = o.mesh?.cells ?? 100;
  if (!(Number.isInteger(cells) && cells >= 4 && cells <= 1_000_000)) badValue("mesh.cells", cells, "an integer from 4 to 1000000 is allowed");
  const grading = o.mesh?.grading ?? 10;
  if (!(Number.isFinite(grading) && grading >= 1 && grading <= 1e6)) badValue("mesh.grading", grading, "a number from 1 to 1e6 is allowed");

  const t = o.time ?? {};
  const scheme = t.scheme ?? "bdf2";
  if (scheme !== "bdf2" && scheme !== "euler") badValue("time.scheme", scheme, "'bdf2' or 'euler' is allowed");
  const dFast = Math.max(dPlus, dMinus);
  const dSlow = dMinus > 0 ? Math.min(dPlus, dMinus) : dPlus;
  const initialStepS = t.initialStepS === undefined ? (1e-9 * lengthCm * lengthCm) / dFast : positive("time.initialStepS", t.initialStepS);
  const stepGrowth = t.stepGrowth ?? 1.1;
  if (!(Number.isFinite(stepGrowth) && stepGrowth >= 1 && stepGrowth <= 2)) badValue("time.stepGrowth", stepGrowth, "a number from 1 to 2 is allowed");
  const maxStepS = t.maxStepS === undefined ? Infinity : positive("time.maxStepS", t.maxStepS);
  const endTimeS = t.endTimeS === undefined ? Infinity : positive("time.endTimeS", t.endTimeS);
  let stepTimesS: Float64Array | null = null;
  if (t.stepTimesS !== undefined) {
    const s = Float64Array.from(t.stepTimesS);
    if (s.length === 0) badValue("time.stepTimesS", t.stepTimesS, "a non-empty increasing list of times > 0 is allowed");
    for (let k = 0; k < s.length; k++) {
      if (!(Number.isFinite(s[k]!) && s[k]! > (k === 0 ? 0 : s[k - 1]!))) badValue(`time.stepTimesS.${k}`, s[k], "increasing finite times > 0 are allowed");
    }
    stepTimesS = s;
  }
  const steadyTolerance = t.steadyTolerance ?? 1e-8;
  if (!(Number.isFinite(steadyTolerance) && steadyTolerance > 0 && steadyTolerance < 1)) badValue("time.steadyTolerance", steadyTolerance, "a number in (0, 1) is allowed");
  const maxSteps = t.maxSteps ?? 100_000;
  if (!(Number.isInteger(maxSteps) && maxSteps >= 1)) badValue("time.maxSteps", maxSteps, "an integer >= 1 is allowed");

  return {
    lengthCm,
    areaCm2,
    z,
    dPlus,
    dMinus,
    fixedMolPerCm3: fixed,
    saltMolPerCm3: salt,
    cationMolPerCm3: (fixed + salt) / z,
    temperatureK,
    thermalVoltageV: vt,
    interfaceResistanceOhmCm2: rct,
    butlerVolmer: kin === "butler-volmer",
    exchangeCurrentAPerCm2: rct === 0 ? Infinity : vt / (z * rct),
    cells,
    grading,
    bdf2: scheme === "bdf2",
    initialStepS,
    stepGrowth,
    maxStepS,
    endTimeS,
    stepTimesS,
    steadyTolerance,
    maxSteps,
    relaxationTimeS: (lengthCm * lengthCm) / (Math.PI * Math.PI * dSlow),
  };
}
