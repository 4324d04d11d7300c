/**
 * Rate capability of a Li | SE | LiFePO4 cell: constant-current discharges to the cut-off at
 * a list of C-rates (default 0.2, 0.5, 1, 2, 3, 5, the experiment's protocol), summarised as
 * capacity per rate and retention relative to the lowest rate:
 *   retention(C) = Q(C) / Q(C_min).
 */
import { InputError, describe } from "../core/errors.js";
import { dischargeResolved, type DischargeMeshOptions, type DischargeResult } from "../transport/cell/discharge.js";
import { resolveCell, summarizeCell, type CellOptions, type CellSummary } from "../transport/cell/electrodeOptions.js";

export const DEFAULT_C_RATES: readonly number[] = [0.2, 0.5, 1, 2, 3, 5];

export interface RateCapabilityOptions {
  readonly cRates?: readonly number[];
  readonly cutoffVoltageV?: number;
  readonly mesh?: DischargeMeshOptions;
  /** Points per returned voltage curve (default 101). */
  readonly curvePoints?: number;
}

export interface RateCapabilityRow {
  readonly cRate: number;
  readonly dischargeCapacityMAhPerG: number;
  /** Q(C) / Q(lowest C-rate of the list). */
  readonly retention: number;
}

export interface RateCapabilityCurve {
  readonly cRate: number;
  readonly capacityMAhPerG: readonly number[];
  readonly voltageV: readonly number[];
}

export interface RateCapability {
  readonly rows: readonly RateCapabilityRow[];
  readonly curves: readonly RateCapabilityCurve[];
  /** Full per-rate records (voltages, currents, Li bookkeeping, solver counts). */
  readonly discharges: readonly DischargeResult[];
  readonly referenceCRate: number;
  readonly cell: CellSummary;
}

/** Capacity per rate and retention relative to the lowest rate (number -> number). */
export function summarizeRateCapability(points: readonly { readonly cRate: number; readonly dischargeCapacityMAhPerG: number }[]): RateCapabilityRow[] {
  if (points.length === 0) throw new InputError("cRates: got []; allowed: one or more C-rates");
  let ref = points[0]!;
  for (const p of points) if (p.cRate < ref.cRate) ref = p;
  return points.map((p) => ({
    cRate: p.cRate,
    dischargeCapacityMAhPerG: p.dischargeCapacityMAhPerG,
    retention: ref.dischargeCapacityMAhPerG > 0 ? p.dischargeCapacityMAhPerG / ref.dischargeCapacityMAhPerG : NaN,
  }));
}

/** Run the discharges (the cell is resolved once) and summarise them. */
export function runRateCapability(cell: CellOptions, options: RateCapabilityOptions = {}): RateCapability {
  const cRates = options.cRates ?? DEFAULT_C_RATES;
  if (cRates.length === 0) throw new InputError("cRates: got []; allowed: one or more C-rates > 0");
  if (new Set(cRates).size !== cRates.length) throw new InputError(`cRates: got ${describe(cRates)}; allowed: distinct C-rates`);
  const resolved = resolveCell(cell);
  const discharges = cRates.map((cRate) =>
    dischargeResolved(resolved, {
      cRate,
      ...(options.cutoffVoltageV !== undefined ? { cutoffVoltageV: options.cutoffVoltageV } : {}),
      ...(options.mesh !== undefined ? { mesh: options.mesh } : {}),
      curvePoints: options.curvePoints ?? 101,
    }),
  );
  const rows = summarizeRateCapability(discharges);
  return {
    rows,
    curves: discharges.map((d) => ({ cRate: d.cRate, capacityMAhPerG: d.curve.capacityMAhPerG, voltageV: d.curve.voltageV })),
    discharges,
    referenceCRate: Math.min(...cRates),
    cell: summarizeCell(resolved),
  };
}
