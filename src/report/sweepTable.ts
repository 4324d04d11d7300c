/**
 * A sweep's results as one tidy table: one row per job and temperature (a job without
 * temperatures, one that failed or has not run: one row). Columns:
 * - `job`, `status` (done, failed, not run), one column per grid key (the scenario path, so
 *   its unit is in its name; a list or object value as JSON text), `scenario`, `temperatureK`;
 * - the results at that temperature, named by their path in the results object with the row
 *   index replaced by what identifies the row: `effective.conductivitySPerCm`,
 *   `effective.<phase>.volumeFraction`, `kmc.totalConductivitySPerCm`,
 *   `transport.<species>.tracerDiffusivityCm2PerS`, `transferenceNumber.evans.tPlus`,
 *   `impedance.<cell>.bulkResistanceOhm`, `criticalCurrent.criticalCurrentDensityMAPerCm2`;
 * - the cell experiments without a temperature of their own (`rateCapability.<c>C.*`) on the
 *   row of the cell's temperature (the impedance's, else the Evans experiment's), blank on
 *   the job's other rows;
 * - the job's Arrhenius fits (`arrhenius.<of>.activationEnergyEV`) on every row of the job,
 *   so a filter on one temperature keeps them;
 * - `error` for a failed job.
 * Units are in the names as in the results object; a standard error takes its quantity's
 * unit (`conductivityStdErr` -> `conductivityStdErrSPerCm`) and the Evans currents and
 * resistances get theirs (`I0A`, `R0Ohm`). Left out: lists (spectra, discharge curves,
 * distributions of relaxation times), fitted circuit parameters (their units differ by
 * element) and `uncertainty` blocks.
 */
import type { Results } from "../pipeline/results.js";
import { toCsv } from "./csv.js";

export interface SweepJobRecord {
  readonly job: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: "done" | "failed" | "not run";
  /** The job's results (status done). */
  readonly results?: Results;
  /** The last attempt's error message (status failed). */
  readonly error?: string;
}

/** Field names whose unit is not in the name (the Evans experiment's currents, A, and resistances, ohm). */
const RENAME: Readonly<Record<string, string>> = { I0: "I0A", Iss: "IssA", R0: "R0Ohm", Rss: "RssOhm" };

/** Keys that identify a row (already in the column name or the row) or are left out. */
const SKIP = new Set(["temperatureK", "species", "cell", "of", "cRate", "name", "circuitParameters"]);

/** `xStdErr` takes the unit of its sibling `x<Unit>` (the shortest such suffix), if any. */
function stdErrName(key: string, siblings: readonly string[]): string {
  const stem = key.slice(0, -"StdErr".length);
  const units = siblings.filter((k) => k !== key && !k.includes("StdErr") && k.startsWith(stem) && /^[A-Z]/.test(k.slice(stem.length))).map((k) => k.slice(stem.length));
  if (units.length === 0) return key;
  return key + units.reduce((a, b) => (b.length < a.length ? b : a));
}

/** Scalar fields of an object (nested objects flattened with '.', lists left out) into `out`. */
function flatten(obj: object, prefix: string, out: Record<string, unknown>): void {
  const keys = Object.keys(obj);
  for (const [key, value] of Object.entries(obj)) {
    if (SKIP.has(key) || value === undefined || Array.isArray(value)) continue;
    const name = key.endsWith("StdErr") ? stdErrName(key, keys) : (RENAME[key] ?? key);
    if (value !== null && typeof value === "object") flatten(value, `${prefix}${name}.`, out);
    else out[`${prefix}${name}`] = value;
  }
}

/** A grid value as one cell: numbers, strings and booleans as they are, anything else as JSON. */
function paramCell(v: unknown): unknown {
  return v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? v : JSON.stringify(v);
}

/** The temperature of a results object's cell experiments, if it has any. */
function cellTemperature(r: Results): number | undefined {
  return r.impedance?.[0]?.temperatureK ?? r.criticalCurrent?.temperatureK ?? r.transferenceNumber.find((t) => t.evans !== undefined)?.temperatureK;
}

/** The output columns of one job's row at temperature T. */
function outputsAt(r: Results, T: number | null, cellT: number | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const at = <R extends { readonly temperatureK: number }>(rows: readonly R[] | undefined): R[] => (rows ?? []).filter((x) => x.temperatureK === T);
  for (const e of at(r.effective)) {
    const { phases, ...rest } = e;
    flatten(rest, "effective.", out);
    for (const p of phases) flatten(p, `effective.${p.name}.`, out);
  }
  for (const k of at(r.kmc)) flatten(k, "kmc.", out);
  for (const t of at(r.transport)) flatten(t, `transport.${t.species}.`, out);
  for (const t of at(r.transferenceNumber)) flatten(t, "transferenceNumber.", out);
  for (const z of at(r.impedance)) flatten(z, `impedance.${z.cell}.`, out);
  if (r.criticalCurrent !== undefined && r.criticalCurrent.temperatureK === T) flatten(r.criticalCurrent, "criticalCurrent.", out);
  if (T !== null && T === cellT) for (const c of r.rateCapability ?? []) flatten(c, `rateCapability.${c.cRate}C.`, out);
  for (const a of r.arrhenius) flatten(a, `arrhenius.${a.of}.`, out);
  return out;
}

/** The rows and columns of the table (jobs in number order). */
export function sweepTable(jobs: readonly SweepJobRecord[], paramKeys: readonly string[]): { columns: string[]; rows: Record<string, unknown>[] } {
  const rows: Record<string, unknown>[] = [];
  const outputColumns = new Set<string>();
  for (const j of [...jobs].sort((a, b) => a.job - b.job)) {
    const head: Record<string, unknown> = { job: j.job, status: j.status };
    for (const k of paramKeys) head[k] = paramCell(j.params[k]);
    const r = j.results;
    if (r === undefined) {
      rows.push({ ...head, ...(j.error !== undefined ? { error: j.error } : {}) });
      continue;
    }
    head["scenario"] = r.scenario;
    const temps = [...new Set([...r.effective, ...r.kmc, ...r.transport, ...r.transferenceNumber, ...(r.impedance ?? [])].map((x) => x.temperatureK).concat(r.criticalCurrent !== undefined ? [r.criticalCurrent.temperatureK] : []))].sort((a, b) => a - b);
    const cellT = cellTemperature(r) ?? (temps.length > 0 && (r.rateCapability ?? []).length > 0 ? temps.reduce((a, b) => (Math.abs(b - 298.15) < Math.abs(a - 298.15) ? b : a)) : undefined);
    for (const T of temps.length > 0 ? temps : [null]) {
      const outputs = outputsAt(r, T, cellT);
      for (const c of Object.keys(outputs)) outputColumns.add(c);
      rows.push({ ...head, temperatureK: T, ...outputs });
    }
  }
  const failed = jobs.some((j) => j.error !== undefined);
  return { columns: ["job", "status", ...paramKeys, "scenario", "temperatureK", ...outputColumns, ...(failed ? ["error"] : [])], rows };
}

/** The table as CSV. */
export function sweepCsv(jobs: readonly SweepJobRecord[], paramKeys: readonly string[]): string {
  const { columns, rows } = sweepTable(jobs, paramKeys);
  return toCsv(rows, columns);
}
