/** CSV tables of a results object (RFC 4180 quoting). */
import type { Results } from "../pipeline/results.js";

function cell(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [cols.join(",")];
  for (const r of rows) lines.push(cols.map((c) => cell(r[c])).join(","));
  return lines.join("\n") + "\n";
}

/**
 * Read a CSV table (RFC 4180: comma-separated, fields quoted with '"' where they hold a
 * comma, quote or line break, '""' for a quote; LF or CRLF line ends). The first row names
 * the columns; every row is a record of strings by column name (missing cells are "").
 */
export function parseCsv(text: string): { columns: string[]; rows: Record<string, string>[] } {
  const records: string[][] = [];
  let record: string[] = [], field = "", quoted = false, i = 0;
  const endField = (): void => {
    record.push(field);
    field = "";
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") { quoted = true; i++; continue; }
    if (c === ",") { endField(); i++; continue; }
    if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      endField();
      records.push(record);
      record = [];
      i += c === "\r" ? 2 : 1;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== "" || record.length > 0) {
    endField();
    records.push(record);
  }
  const columns = records.shift() ?? [];
  const rows = records.filter((r) => !(r.length === 1 && r[0] === "")).map((r) => Object.fromEntries(columns.map((c, k) => [c, r[k] ?? ""])));
  return { columns, rows };
}

/** The tables of a results object, by file name. */
export function resultTables(results: Results): Record<string, string> {
  const out: Record<string, string> = {};
  if (results.transport.length > 0) {
    out["transport.csv"] = toCsv(
      results.transport.map((r) => {
        const { siteOccupancy, ...rest } = r;
        const occ: Record<string, number> = {};
        for (const [k, v] of Object.entries(siteOccupancy)) occ[`occupancy_${k}`] = v;
        return { ...rest, ...occ };
      }),
    );
  }
  if (results.transferenceNumber.length > 0) {
    // the Evans experiment's numbers as columns of their own (evans_I0, evans_tPlus, ...)
    out["transference.csv"] = toCsv(
      results.transferenceNumber.map((r) => {
        const { evans, ...rest } = r;
        const extra: Record<string, unknown> = {};
        if (evans !== undefined) for (const [k, v] of Object.entries(evans)) extra[`evans_${k}`] = v;
        return { ...rest, ...extra };
      }),
    );
  }
  if (results.effective.length > 0) {
    out["effective.csv"] = toCsv(
      results.effective.map((r) => {
        const { phases, ...rest } = r;
        const extra: Record<string, unknown> = {};
        for (const p of phases) {
          extra[`volumeFraction_${p.name}`] = p.volumeFraction;
          extra[`spanningFraction_${p.name}`] = p.spanningFraction;
        }
        return { ...rest, ...extra };
      }),
    );
  }
  if (results.arrhenius.length > 0) out["arrhenius.csv"] = toCsv(results.arrhenius as unknown as Record<string, unknown>[]);
  // spectra, one row per frequency and cell
  const spectra = (results.impedance ?? []).flatMap((z) => z.frequenciesHz.map((f, i) => ({ temperatureK: z.temperatureK, cell: z.cell, frequencyHz: f, realOhm: z.realOhm[i], imagOhm: z.imagOhm[i] })));
  if (spectra.length > 0) out["impedance.csv"] = toCsv(spectra);
  // rate capability: one row per rate (with the loss breakdown), and the discharge curves
  const rates = results.rateCapability ?? [];
  if (rates.length > 0) {
    out["rate-capability.csv"] = toCsv(
      rates.map((r) => {
        const { capacityMAhPerG: _c, voltageV: _v, capacityWithoutLossMAhPerG: w, ...rest } = r;
        const extra: Record<string, unknown> = {};
        if (w !== undefined) for (const [k, v] of Object.entries(w)) extra[`capacityWithout_${k}_MAhPerG`] = v;
        return { ...rest, ...extra };
      }),
    );
    const curves = rates.flatMap((r) => (r.capacityMAhPerG ?? []).map((q, i) => ({ cRate: r.cRate, capacityMAhPerG: q, voltageV: r.voltageV?.[i] })));
    if (curves.length > 0) out["discharge-curves.csv"] = toCsv(curves);
  }
  return out;
}
