/**
 * Constant-current discharge of the Li | SE | LiFePO4 cell from the charged state to the
 * cut-off voltage: backward-Euler steps of fixed length (3600 / (C-rate x steps per
 * discharge) seconds, halved when Newton fails), and an exact end: the last step's length is
 * found by the Illinois (modified regula falsi) method so that the voltage of the implicit
 * step equals the cut-off to 1e-10 V. The capacity is I t_cut / m_LiFePO4.
 */
import { FARADAY_C_PER_MOL } from "../../core/constants.js";
import { InputError, NotConvergedError, describe } from "../../core/errors.js";
import { DischargeSystem, type DischargeMesh } from "./dischargeSystem.js";
import { resolveCell, summarizeCell, type CellOptions, type CellSummary, type ResolvedCell } from "./electrodeOptions.js";
import { lfpOpenCircuitVoltageV } from "./lfpMaterial.js";

export interface DischargeMeshOptions {
  /** Finite volumes across the SE membrane. Default 20. */
  readonly separatorCells?: number;
  /** Finite volumes across the cathode. Default 20. */
  readonly cathodeCells?: number;
  /** Finite volumes along the particle radius. Default 40 (the radial error, second order, dominates). */
  readonly particleShells?: number;
  /** Time steps in one nominal discharge (3600 / C-rate seconds). Default 200. */
  readonly stepsPerDischarge?: number;
}

export const DEFAULT_DISCHARGE_MESH: Required<DischargeMeshOptions> = {
  separatorCells: 20,
  cathodeCells: 20,
  particleShells: 40,
  stepsPerDischarge: 200,
};

/** Shells across the diffusion length sqrt(D_s t) of a nominal discharge that the default particle mesh keeps. */
export const SHELLS_PER_DIFFUSION_LENGTH = 8;
/** Most shells the default particle mesh takes. */
export const MAX_PARTICLE_SHELLS = 2000;

/**
 * The default particle mesh: DEFAULT_DISCHARGE_MESH.particleShells, or more where a slow
 * solid's diffusion layer over a nominal discharge, sqrt(D_s 3600 / C-rate), is thinner than
 * SHELLS_PER_DIFFUSION_LENGTH shells (the surface value is extrapolated half a shell with the
 * flux, so a shell thicker than the layer would saturate the surface at once).
 */
export function particleShellsFor(cell: ResolvedCell, cRate: number): number {
  const layerCm = Math.sqrt((cell.solidDiffusivity * 3600) / cRate);
  const wanted = Math.ceil((SHELLS_PER_DIFFUSION_LENGTH * cell.particleRadiusCm) / layerCm);
  return Math.min(MAX_PARTICLE_SHELLS, Math.max(DEFAULT_DISCHARGE_MESH.particleShells, wanted));
}

export interface DischargeOptions {
  /** Discharge current in units of 1 C = 169.9 mA per g of LiFePO4. */
  readonly cRate: number;
  /** Default 2.5 V (LiFePO4 cells are cycled 2.5-4.2 V; experiment.md). */
  readonly cutoffVoltageV?: number;
  readonly mesh?: DischargeMeshOptions;
  /** Points of the returned voltage curve, evenly spaced in capacity (default 101), or "all" steps. */
  readonly curvePoints?: number | "all";
}

export interface DischargeCurve {
  readonly capacityMAhPerG: readonly number[];
  readonly voltageV: readonly number[];
  /** Mean Li fraction of the LiFePO4 at each point. */
  readonly averageLithiation: readonly number[];
}

export interface DischargeResult {
  readonly cRate: number;
  readonly currentDensityMAPerCm2: number;
  /** Current through the cathode disc, mA. */
  readonly currentMA: number;
  readonly cutoffVoltageV: number;
  readonly dischargeCapacityMAhPerG: number;
  /** Voltage just after the current is switched on, V. */
  readonly initialVoltageV: number;
  /** Mean voltage over the discharge, V: energy / charge (trapezoids over the steps). */
  readonly averageVoltageV: number;
  readonly durationS: number;
  /** Mean Li fraction at the cut-off. */
  readonly finalLithiation: number;
  /**
   * "cutoff"; "below-cutoff-at-start" when the voltage is below the cut-off as soon as the
   * current flows; "surface-saturated" when the particles' surfaces reach full lithiation (no
   * step of any length can carry the current: the voltage falls toward U(1), below the cut-off).
   */
  readonly endReason: "cutoff" | "below-cutoff-at-start" | "surface-saturated";
  readonly curve: DischargeCurve;
  /** Li bookkeeping per cathode area, mol/cm2: from the foil = into particles + change in electrolyte. */
  readonly lithium: {
    readonly fromAnodeMolPerCm2: number;
    readonly intoParticlesMolPerCm2: number;
    readonly electrolyteChangeMolPerCm2: number;
  };
  readonly steps: number;
  readonly rejectedSteps: number;
  readonly newtonIterations: number;
  readonly cell: CellSummary;
}

function meshCount(field: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min || v > 100000) throw new InputError(`mesh.${field}: got ${describe(v)}; allowed: an integer from ${min} to 100000`);
  return v;
}

/** Simulate one constant-current discharge. */
export function simulateDischarge(cellOptions: CellOptions, options: DischargeOptions): DischargeResult {
  return dischargeResolved(resolveCell(cellOptions), options);
}

/** As simulateDischarge, for an already resolved cell (a rate sweep resolves once). */
export function dischargeResolved(cell: ResolvedCell, options: DischargeOptions): DischargeResult {
  const cRate = options.cRate;
  if (!(cRate > 0 && cRate <= 1000)) throw new InputError(`cRate: got ${describe(cRate)}; allowed: a number > 0 and <= 1000`);
  const cutoff = options.cutoffVoltageV ?? 2.5;
  const uMax = lfpOpenCircuitVoltageV(cell.initialLithiation);
  const uMin = lfpOpenCircuitVoltageV(1);
  if (!(cutoff > uMin && cutoff < uMax)) {
    throw new InputError(`cutoffVoltageV: got ${describe(cutoff)}; allowed: between U(1) = ${uMin.toFixed(4)} V and the open-circuit voltage of the charged cathode, ${uMax.toFixed(4)} V`);
  }
  const m = options.mesh ?? {};
  const mesh: DischargeMesh = {
    separatorCells: meshCount("separatorCells", m.separatorCells ?? DEFAULT_DISCHARGE_MESH.separatorCells, 1),
    cathodeCells: meshCount("cathodeCells", m.cathodeCells ?? DEFAULT_DISCHARGE_MESH.cathodeCells, 2),
    particleShells: meshCount("particleShells", m.particleShells ?? particleShellsFor(cell, cRate), 1),
  };
  const stepsPerDischarge = meshCount("stepsPerDischarge", m.stepsPerDischarge ?? DEFAULT_DISCHARGE_MESH.stepsPerDischarge, 2);
  const curvePoints = options.curvePoints ?? 101;
  if (curvePoints !== "all" && !(Number.isInteger(curvePoints) && curvePoints >= 2)) {
    throw new InputError(`curvePoints: got ${describe(curvePoints)}; allowed: an integer >= 2 or "all"`);
  }

  const current = cRate * cell.oneCCurrentDensity;
  const sys = new DischargeSystem(cell, mesh, current);
  const dtNominal = 3600 / (cRate * stepsPerDischarge);
  // mAh/g per second of discharge: I t / 3.6 (mAh/cm2) / m (g/cm2)
  const capacityPerSecond = current / 3.6 / cell.activeMassGPerCm2;
  const li0 = sys.lithiumInParticles();
  const e0 = sys.lithiumInElectrolyte();

  // Voltage the instant the current is on.
  if (!sys.solveInstant()) throw new NotConvergedError("cell Newton (initial voltage)", 40, NaN, 1e-10);
  const initialVoltage = sys.voltage();

  if (!(initialVoltage > cutoff)) {
    // The ohmic and kinetic drop alone takes the cell below the cut-off: no capacity.
    return {
      cRate,
      currentDensityMAPerCm2: current * 1e3,
      currentMA: current * 1e3 * cell.cathodeAreaCm2,
      cutoffVoltageV: cutoff,
      dischargeCapacityMAhPerG: 0,
      initialVoltageV: initialVoltage,
      averageVoltageV: initialVoltage,
      durationS: 0,
      finalLithiation: cell.initialLithiation,
      endReason: "below-cutoff-at-start",
      curve: { capacityMAhPerG: [0], voltageV: [initialVoltage], averageLithiation: [cell.initialLithiation] },
      lithium: { fromAnodeMolPerCm2: 0, intoParticlesMolPerCm2: 0, electrolyteChangeMolPerCm2: 0 },
      steps: 0,
      rejectedSteps: 0,
      newtonIterations: sys.newtonIterations,
      cell: summarizeCell(cell),
    };
  }

  const capacity: number[] = [0];
  const voltage: number[] = [initialVoltage];
  const lithiation: number[] = [cell.initialLithiation];
  let vPrev = initialVoltage;
  let dt = dtNominal;
  let steps = 0;
  let rejected = 0;
  const maxTime = (3600 / cRate) * 1.5;

  // Illinois method for the last step: g(tau) = V(tau) - V_cut, g(0) > 0 > g(dt).
  const locate = (dtHigh: number, gHigh: number): boolean => {
    let a = 0;
    let ga = vPrev - cutoff;
    let b = dtHigh;
    let gb = gHigh;
    let side = 0;
    let tau = b;
    for (let it = 0; it < 200; it++) {
      tau = (a * gb - b * ga) / (gb - ga);
      if (!(tau > a && tau < b)) tau = 0.5 * (a + b);
      const ok = sys.solveStep(tau);
      const g = ok ? sys.voltage() - cutoff : -Infinity;
      if (ok && Math.abs(g) < 1e-10) break;
      if (g > 0) {
        a = tau;
        ga = g;
        if (side === 1) gb *= 0.5;
        side = 1;
      } else {
        b = tau;
        gb = Number.isFinite(g) ? g : -Math.abs(ga) * 10;
        if (side === -1) ga *= 0.5;
        side = -1;
      }
      if (b - a < 1e-13 * dtHigh) {
        // the bracket has closed: the cut-off lies at a (to 1e-13 of the step). When a = 0 the
        // voltage crosses it within the first instant of this step (the cell was already at the
        // cut-off when the last step ended): nothing more to take.
        if (a === 0) return false;
        if (!sys.solveStep(a)) throw new NotConvergedError("cell Newton (cut-off location)", it, NaN, 1e-10);
        break;
      }
    }
    return true;
  };

  let saturated = false;
  march: for (;;) {
    if (sys.time > maxTime) throw new NotConvergedError(`cell discharge (no cut-off within ${maxTime.toFixed(0)} s)`, steps, NaN, cutoff);
    let ok = sys.solveStep(dt);
    while (!ok) {
      rejected++;
      dt *= 0.5;
      if (dt < dtNominal * 1e-9) {
        // the particles' surfaces cannot take the current even over an instant: full
        // lithiation at the surface (U(1) = 2.487 V, below any allowed cut-off) is reached now
        if (sys.saturated) {
          saturated = true;
          break march;
        }
        throw new NotConvergedError(`cell Newton at t = ${sys.time.toFixed(3)} s (step shortened below 1e-9 of nominal)`, sys.newtonIterations, NaN, 1e-10);
      }
      ok = sys.solveStep(dt);
    }
    const v = sys.voltage();
    if (v <= cutoff) {
      if (locate(dt, v - cutoff)) {
        sys.commit();
        steps++;
        capacity.push(sys.time * capacityPerSecond);
        voltage.push(sys.voltage());
        lithiation.push(sys.averageLithiation());
      }
      break;
    }
    sys.commit();
    steps++;
    capacity.push(sys.time * capacityPerSecond);
    voltage.push(v);
    lithiation.push(sys.averageLithiation());
    vPrev = v;
    dt = Math.min(dtNominal, 2 * dt);
  }

  const fromAnode = (current * sys.time) / FARADAY_C_PER_MOL;
  let energy = 0;
  for (let i = 1; i < capacity.length; i++) energy += 0.5 * (voltage[i]! + voltage[i - 1]!) * (capacity[i]! - capacity[i - 1]!);
  const total = capacity[capacity.length - 1]!;
  const curve = curvePoints === "all" ? { capacityMAhPerG: capacity, voltageV: voltage, averageLithiation: lithiation } : resample(capacity, voltage, lithiation, curvePoints);
  return {
    cRate,
    currentDensityMAPerCm2: current * 1e3,
    currentMA: current * 1e3 * cell.cathodeAreaCm2,
    cutoffVoltageV: cutoff,
    dischargeCapacityMAhPerG: sys.time * capacityPerSecond,
    initialVoltageV: initialVoltage,
    averageVoltageV: total > 0 ? energy / total : initialVoltage,
    durationS: sys.time,
    finalLithiation: sys.averageLithiation(),
    endReason: saturated ? "surface-saturated" : "cutoff",
    curve,
    lithium: {
      fromAnodeMolPerCm2: fromAnode,
      intoParticlesMolPerCm2: sys.lithiumInParticles() - li0,
      electrolyteChangeMolPerCm2: sys.lithiumInElectrolyte() - e0,
    },
    steps,
    rejectedSteps: rejected,
    newtonIterations: sys.newtonIterations,
    cell: summarizeCell(cell),
  };
}

/** Linear interpolation of the step record onto `points` capacities evenly spaced from 0 to the end. */
function resample(q: readonly number[], v: readonly number[], x: readonly number[], points: number): DischargeCurve {
  const qs: number[] = [];
  const vs: number[] = [];
  const xs: number[] = [];
  const qEnd = q[q.length - 1]!;
  let s = 0;
  for (let p = 0; p < points; p++) {
    const target = (qEnd * p) / (points - 1);
    while (s + 2 < q.length && q[s + 1]! < target) s++;
    const q0 = q[s]!;
    const q1 = q[s + 1] ?? q0;
    const f = q1 > q0 ? Math.min(1, Math.max(0, (target - q0) / (q1 - q0))) : 0;
    qs.push(target);
    vs.push(v[s]! + f * ((v[s + 1] ?? v[s]!) - v[s]!));
    xs.push(x[s]! + f * ((x[s + 1] ?? x[s]!) - x[s]!));
  }
  return { capacityMAhPerG: qs, voltageV: vs, averageLithiation: xs };
}
