/**
 * The virtual Evans / Bruce-Vincent experiment and galvanostatic polarisation of a membrane
 * between two metal electrodes of its cation (Li | SE | Li): 1D Nernst-Planck transport of
 * a mobile cation (charge z) and a mobile anion (charge -1, possibly immobile) with a fixed
 * anionic background charge X (the MOF's sulfonates; X = 0 is a plain binary salt),
 * electroneutrality z c+ = X + c-, a blocking anion and charge-transfer interfaces.
 * The solver is membrane-solver.ts; exact references are in membrane-analytic.ts.
 *
 * Potentiostatic (runEvansExperiment): a step dV at t = 0 from equilibrium. The instant
 * t = 0+ (no double layer, so the current jumps at once) is solved with the concentrations
 * still uniform: I0 = dV / (R_bulk + R_int) by Ohm's law (with Butler-Volmer interfaces,
 * the nonlinear version of it). Then implicit steps growing geometrically follow the
 * relaxation (microseconds to the diffusion time L^2/D, often hours) until the current
 * changes by less than `steadyTolerance` per step after the slowest relaxation time, or
 * the end time. R0 and Rss are the two interfaces' overpotentials over the current
 * (chord resistances), at t = 0+ and at the end.
 *
 * Galvanostatic (runGalvanostatic): a constant current density from t = 0 until the salt
 * at the cathode drops below a fraction of its initial value (Sand's time), the voltage is
 * steady (below the limiting current), or the end time.
 */
import { FARADAY_C_PER_MOL } from "../../core/constants.js";
import { badValue, NotConvergedError } from "../../core/errors.js";
import { idealTransferenceNumber, initialCurrentAnalyticA, membraneBulkResistanceOhm, membraneConductivitySPerCm } from "./membrane-analytic.js";
import { membraneParams, type MembraneOptions, type MembraneParams } from "./membrane-params.js";
import { MembraneSolver, NEWTON_TOLERANCE } from "./membrane-solver.js";

export type { MembraneMeshOptions, MembraneOptions, MembraneTimeOptions } from "./membrane-params.js";

export interface EvansOptions extends MembraneOptions {
  /** Potential step of the left electrode against the right one, V; default 0.01. */
  readonly stepVoltageV?: number;
}

export interface GalvanostaticOptions extends MembraneOptions {
  /** Current density from the left electrode (anode) to the right one (cathode), A/cm2. */
  readonly currentDensityAPerCm2: number;
  /** Stop when the cathode's anion (salt) concentration falls below this fraction of its initial value; default 0.05. */
  readonly stopAtSurfaceFraction?: number;
}

export interface MembraneProfiles {
  readonly positionUm: Float64Array;
  readonly anionMolPerL: Float64Array;
  readonly cationMolPerL: Float64Array;
  /** Electrolyte potential, V, relative to the right (cathode) metal in potentiostatic runs, to the left end of the electrolyte in galvanostatic runs. */
  readonly potentialV: Float64Array;
}

/** Bookkeeping of the finite-volume balances over the whole run. */
export interface MembraneConservation {
  readonly anionInitialMolPerCm2: number;
  readonly anionFinalMolPerCm2: number;
  readonly cationInitialMolPerCm2: number;
  readonly cationFinalMolPerCm2: number;
  /** Time-integrated cation flux through each face (0: left electrode, k: between nodes k-1 and k, last: right electrode), mol/cm2, integrated consistently with the time scheme. */
  readonly cationFaceFluxMolPerCm2: Float64Array;
  /** Charge passed, C (z F A times the cation exchanged at the left electrode). */
  readonly chargePassedC: number;
}

export interface EvansResult {
  readonly stepVoltageV: number;
  /** Times, s; the first entry is the instant t = 0+. */
  readonly timeS: Float64Array;
  /** Cell current, A, at each time. */
  readonly currentA: Float64Array;
  /** I0 from the model's first instant, A. */
  readonly initialCurrentA: number;
  /** I0 from Ohm's law and the interface kinetics with uniform concentrations, A. */
  readonly initialCurrentAnalyticA: number;
  /** Iss: the current at the end (steady state or end time), A. */
  readonly steadyCurrentA: number;
  readonly reachedSteadyState: boolean;
  /** R0: both interfaces' overpotential over the current at t = 0+, ohm. */
  readonly initialInterfaceResistanceOhm: number;
  /** Rss: the same at the end, ohm. */
  readonly steadyInterfaceResistanceOhm: number;
  /** L / (kappa A) of the uniform membrane, ohm. */
  readonly bulkResistanceOhm: number;
  readonly conductivitySPerCm: number;
  /** z+^2 D+ c+ / sum z_i^2 D_i c_i at the initial state. */
  readonly idealTransferenceNumber: number;
  readonly profiles: MembraneProfiles;
  readonly conservation: MembraneConservation;
  readonly steps: number;
  readonly newtonIterations: number;
}

export interface GalvanostaticResult {
  readonly currentDensityAPerCm2: number;
  /** Times, s; the first entry is the instant t = 0+. */
  readonly timeS: Float64Array;
  /** Cell voltage (left metal minus right metal), V. */
  readonly voltageV: Float64Array;
  readonly cathodeAnionMolPerL: Float64Array;
  readonly cathodeCationMolPerL: Float64Array;
  readonly anodeAnionMolPerL: Float64Array;
  /** Whether the cathode salt fell below the stop fraction. */
  readonly depleted: boolean;
  /** Whether the voltage became steady (below the limiting current) before depletion or the end time. */
  readonly reachedSteadyState: boolean;
  /**
   * Time at which the cathode salt reaches 0, extrapolated linearly in sqrt(t) from the
   * last two times (exact for semi-infinite diffusion, c = c0 (1 - sqrt(t/tau))); NaN if
   * the run did not deplete.
   */
  readonly depletionTimeS: number;
  readonly profiles: MembraneProfiles;
  readonly conservation: MembraneConservation;
  readonly steps: number;
  readonly newtonIterations: number;
}

/** The most times a step is cut (by 4) before Newton's failure is reported. */
const MAX_CUTS = 12;

/**
 * Step the solver through the time options; `record` is called after every accepted step
 * and returns true to stop. Returns the number of accepted steps.
 */
function march(solver: MembraneSolver, p: MembraneParams, record: (t: number) => boolean): number {
  let t = 0, dt = p.initialStepS, steps = 0, next = 0;
  const explicit = p.stepTimesS;
  for (;;) {
    let target: number;
    if (explicit !== null) {
      if (next >= explicit.length) break;
      target = explicit[next]!;
    } else {
      if (t >= p.endTimeS) break;
      target = Math.min(t + Math.min(dt, p.maxStepS), p.endTimeS);
    }
    let h = target - t;
    let cuts = 0;
    while (!solver.advance(h, p.bdf2)) {
      if (++cuts > MAX_CUTS) {
        throw new NotConvergedError(`membrane Newton (step ${h.toExponential(3)} s at t = ${t.toExponential(3)} s)`, solver.newtonIterations, solver.lastUpdateNorm, NEWTON_TOLERANCE);
      }
      h /= 4;
    }
    if (cuts === 0) {
      t = target;
      if (explicit !== null) next++;
    } else {
      t += h;
    }
    dt = h * p.stepGrowth;
    steps++;
    if (record(t)) break;
    if (steps >= p.maxSteps) {
      throw new NotConvergedError("membrane time stepping (maxSteps reached before steady state or the end time)", steps, NaN, p.steadyTolerance);
    }
  }
  return steps;
}

function profiles(s: MembraneSolver, thermalVoltageV: number): MembraneProfiles {
  const n = s.n;
  const pos = new Float64Array(n), an = new Float64Array(n), cat = new Float64Array(n), pot = new Float64Array(n);
  const molPerL = s.cRef * 1e3;
  for (let k = 0; k < n; k++) {
    pos[k] = s.x[k]! * 1e4;
    an[k] = s.u[2 * k]! * molPerL;
    cat[k] = ((s.xHat + s.u[2 * k]!) / s.z) * molPerL;
    pot[k] = s.u[2 * k + 1]! * thermalVoltageV;
  }
  return { positionUm: pos, anionMolPerL: an, cationMolPerL: cat, potentialV: pot };
}

function conservation(s: MembraneSolver, p: MembraneParams, initial: Float64Array): MembraneConservation {
  const fin = new Float64Array(2);
  s.inventories(fin);
  const q = Float64Array.from(s.cationFaceFlux, (v) => v * s.cRef);
  return {
    anionInitialMolPerCm2: initial[0]! * s.cRef,
    anionFinalMolPerCm2: fin[0]! * s.cRef,
    cationInitialMolPerCm2: initial[1]! * s.cRef,
    cationFinalMolPerCm2: fin[1]! * s.cRef,
    cationFaceFluxMolPerCm2: q,
    chargePassedC: p.z * FARADAY_C_PER_MOL * p.areaCm2 * q[0]!,
  };
}

/** Interfaces' chord resistance (eta_left - eta_right) / I, ohm; 0 for ideal electrodes. */
function interfaceResistanceOhm(s: MembraneSolver, p: MembraneParams): number {
  if (p.exchangeCurrentAPerCm2 === Infinity) return 0;
  const currentA = s.current * FARADAY_C_PER_MOL * s.cRef * p.areaCm2;
  const etaV = ((s.yLeft - s.yRight) / p.z) * p.thermalVoltageV;
  return currentA === 0 ? 0 : etaV / currentA;
}

/**
 * Steady state from the last three values of the current (or voltage): the relative change
 * per step is below tol, the changes shrink monotonically (no turning point of an over- or
 * undershoot, which BDF2's large steps can produce), and the geometric tail they imply,
 * |d1| rho/(1 - rho) with rho = d1/d0, is below tol too; or nothing changes beyond round-off.
 */
function isSteady(values: readonly number[], tol: number): boolean {
  const m = values.length;
  if (m < 3) return false;
  const cur = values[m - 1]!;
  const d1 = cur - values[m - 2]!, d0 = values[m - 2]! - values[m - 3]!;
  const scale = Math.abs(cur);
  if (Math.abs(d1) <= 1e-14 * scale && Math.abs(d0) <= 1e-14 * scale) return true;
  if (!(Math.abs(d1) < tol * scale && d1 * d0 > 0 && Math.abs(d1) < Math.abs(d0))) return false;
  const rho = d1 / d0;
  return (Math.abs(d1) * rho) / (1 - rho) < tol * scale;
}

/** Potentiostatic step dV from equilibrium to steady state (or the end time). */
export function runEvansExperiment(options: EvansOptions): EvansResult {
  const p = membraneParams(options);
  const dV = options.stepVoltageV ?? 0.01;
  if (!(Number.isFinite(dV) && dV !== 0 && Math.abs(dV) <= 1)) badValue("stepVoltageV", dV, "a non-zero voltage with |dV| <= 1 V is allowed");
  const s = new MembraneSolver(p, { kind: "potentiostatic", stepVoltageV: dV });
  const toAmp = FARADAY_C_PER_MOL * s.cRef * p.areaCm2;
  const initialInventory = new Float64Array(2);
  s.inventories(initialInventory);

  s.solveInstant();
  const i0 = s.current * toAmp;
  const r0 = interfaceResistanceOhm(s, p);
  const times: number[] = [0], currents: number[] = [i0];
  let steady = false;
  const steps = march(s, p, (t) => {
    const cur = s.current * toAmp;
    times.push(t);
    currents.push(cur);
    if (t >= p.relaxationTimeS && isSteady(currents, p.steadyTolerance)) {
      steady = true;
      return true;
    }
    return false;
  });
  if (!steady && p.stepTimesS === null && p.endTimeS === Infinity) {
    throw new NotConvergedError("membrane time stepping to steady state", steps, NaN, p.steadyTolerance);
  }
  return {
    stepVoltageV: dV,
    timeS: Float64Array.from(times),
    currentA: Float64Array.from(currents),
    initialCurrentA: i0,
    initialCurrentAnalyticA: initialCurrentAnalyticA(p, dV),
    steadyCurrentA: currents[currents.length - 1]!,
    reachedSteadyState: steady,
    initialInterfaceResistanceOhm: r0,
    steadyInterfaceResistanceOhm: interfaceResistanceOhm(s, p),
    bulkResistanceOhm: membraneBulkResistanceOhm(p),
    conductivitySPerCm: membraneConductivitySPerCm(p),
    idealTransferenceNumber: idealTransferenceNumber(p),
    profiles: profiles(s, p.thermalVoltageV),
    conservation: conservation(s, p, initialInventory),
    steps,
    newtonIterations: s.newtonIterations,
  };
}

/** Constant current density from t = 0 until the cathode's salt is depleted, the voltage is steady, or the end time. */
export function runGalvanostatic(options: GalvanostaticOptions): GalvanostaticResult {
  const p = membraneParams(options);
  const j = options.currentDensityAPerCm2;
  if (!(Number.isFinite(j) && j !== 0)) badValue("currentDensityAPerCm2", j, "a finite, non-zero current density is allowed");
  const stop = options.stopAtSurfaceFraction ?? 0.05;
  if (!(Number.isFinite(stop) && stop > 0 && stop < 1)) badValue("stopAtSurfaceFraction", stop, "a number in (0, 1) is allowed");
  if (p.stepTimesS === null && p.endTimeS === Infinity && p.saltMolPerCm3 === 0) {
    badValue("time.endTimeS", options.time?.endTimeS, "a finite end time is needed without salt (nothing depletes)");
  }
  const s = new MembraneSolver(p, { kind: "galvanostatic", currentDensityAPerCm2: j });
  const n = s.n;
  // the cathode is the right electrode for j > 0
  const cathode = j > 0 ? n - 1 : 0, anode = j > 0 ? 0 : n - 1;
  const molPerL = s.cRef * 1e3;
  const c0 = p.saltMolPerCm3 / s.cRef;
  const initialInventory = new Float64Array(2);
  s.inventories(initialInventory);
  const times: number[] = [], volts: number[] = [], cathodeAnion: number[] = [], anodeAnion: number[] = [];
  const sample = (t: number): void => {
    times.push(t);
    volts.push(s.cellPsi() * p.thermalVoltageV);
    cathodeAnion.push(s.u[2 * cathode]!);
    anodeAnion.push(s.u[2 * anode]!);
  };
  s.solveInstant();
  sample(0);
  let depleted = false, steady = false;
  const steps = march(s, p, (t) => {
    sample(t);
    if (c0 > 0 && s.u[2 * cathode]! < stop * c0) {
      depleted = true;
      return true;
    }
    if (t >= p.relaxationTimeS && isSteady(volts, p.steadyTolerance)) {
      steady = true;
      return true;
    }
    return false;
  });
  let depletionTimeS = NaN;
  if (depleted && times.length >= 2) {
    const m = times.length;
    const r1 = Math.sqrt(times[m - 2]!), r2 = Math.sqrt(times[m - 1]!);
    const c1 = cathodeAnion[m - 2]!, c2 = cathodeAnion[m - 1]!;
    depletionTimeS = (r1 + ((r2 - r1) * c1) / (c1 - c2)) ** 2;
  }
  return {
    currentDensityAPerCm2: j,
    timeS: Float64Array.from(times),
    voltageV: Float64Array.from(volts),
    cathodeAnionMolPerL: Float64Array.from(cathodeAnion, (c) => c * molPerL),
    cathodeCationMolPerL: Float64Array.from(cathodeAnion, (c) => ((s.xHat + c) / s.z) * molPerL),
    anodeAnionMolPerL: Float64Array.from(anodeAnion, (c) => c * molPerL),
    depleted,
    depletionTimeS,
    reachedSteadyState: steady,
    profiles: profiles(s, p.thermalVoltageV),
    conservation: conservation(s, p, initialInventory),
    steps,
    newtonIterations: s.newtonIterations,
  };
}

export {
  binarySaltDiffusivityCm2PerS,
  binarySaltSandTimeS,
  binarySaltSteadyCurrentA,
  idealTransferenceNumber,
  initialCurrentAnalyticA,
  interfaceOverpotentialV,
  membraneBulkResistanceOhm,
  membraneConductivitySPerCm,
} from "./membrane-analytic.js";
