/**
 * One microstructure draw's Phi table for the pressed-powder calibration (sweep/calibrate.ts):
 * sigma_eff = sigma_MOF Phi(sigma_MOF R_b), tabulated as ln Phi at `points` values of
 * ln(sigma_MOF R_b) = lo + k dx, by network solves at temperatureK (Phi depends on the
 * product alone). On the calling thread or a table worker (tableWorker.ts), the same numbers.
 */
import { buildNetworkDesign, pressedBoundaryOhmCm2 } from "../pipeline/design.js";
import type { PressedPowderSettings, Scenario } from "../scenario/schema.js";

export interface PhiTask {
  /** The draw's scenario (its sample job's) and index (its morphology realisation). */
  readonly scenario: Scenario;
  readonly draw: number;
  readonly lo: number;
  readonly dx: number;
  readonly points: number;
  readonly temperatureK: number;
}

/** The table; `onSolve` (progress only) after each network solve. */
export function phiTable(task: PhiTask, onSolve?: () => void): Float64Array {
  const m = task.scenario.morphology as PressedPowderSettings;
  const net = buildNetworkDesign(task.scenario, m, task.draw);
  const rb = pressedBoundaryOhmCm2(m, task.temperatureK);
  const table = new Float64Array(task.points);
  for (let k = 0; k < task.points; k++) {
    const sigma = Math.exp(task.lo + k * task.dx) / rb;
    table[k] = Math.log(net.solve(task.temperatureK, sigma).conductivitySPerCm / sigma);
    onSolve?.();
  }
  return table;
}
