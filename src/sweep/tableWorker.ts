/**
 * The pressed-powder calibration's table worker (loaded by calibratePressedPowders from the
 * BUILT file dist/sweep/tableWorker.js): one task is one microstructure draw's Phi table,
 * ln(sigma_eff / sigma_MOF) at `points` values of ln(sigma_MOF R_b) from `lo` in steps of
 * `dx`, the same numbers as on the calling thread (the draw's network is built from its
 * scenario and index alone).
 */
import { phiTable, type PhiTask } from "./phiTable.js";

export default function handle(task: PhiTask): Float64Array {
  return phiTable(task);
}
