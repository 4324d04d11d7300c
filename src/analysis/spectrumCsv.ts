/**
 * A measured impedance spectrum as a CSV table: a header row naming the frequency, Z' and
 * Z'' (or -Z'') columns in any of the common spellings, then one row per frequency. Read by
 * `mofhop eis FILE.csv` (cli/eis.ts) and by a measurements file's impedanceSpectrum with a
 * `file` (scenario/measurements.ts).
 */
import { InputError } from "../core/errors.js";
import type { ImpedanceSpectrum } from "./impedance.js";

/** The header names `readSpectrumCsv` accepts (case, spaces and a unit suffix such as `/Hz`, `(ohm)`, `_Ohm` are ignored). */
export const SPECTRUM_COLUMNS = {
  frequency: ["freq", "frequency", "f"],
  real: ["zreal", "z_real", "zre", "z'", "re", "re(z)", "real"],
  /** Z'' itself; the same names with a leading '-' hold -Z''. */
  imag: ["zimag", "z_imag", "zim", "z''", "z\"", "im", "im(z)", "imag"],
} as const;

export interface MeasuredSpectrum extends ImpedanceSpectrum {
  readonly columns: { readonly frequency: string; readonly real: string; readonly imag: string };
  /** -1 when the file's column holds -Z'' (its header starts with '-'). */
  readonly imagSign: 1 | -1;
}

/** Lower case, no spaces, primes normalised, a trailing unit (Hz, ohm, Ω) dropped. */
function normalise(header: string): string {
  return header
    .trim()
    .replace(/^"(.*)"$/, "$1")
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/″/g, "''")
    .replace(/[′’]/g, "'")
    .replace(/[_/]?[([]?(hz|ohms?|ω|Ω)[)\]]?$/i, "");
}

function delimiter(header: string): string {
  if (header.includes("\t")) return "\t";
  if (header.includes(";") && !header.includes(",")) return ";";
  return ",";
}

/**
 * Parse a spectrum: a header row, then one row per frequency (Hz) with Z' and Z'' (or -Z'')
 * in ohm; comma-, semicolon- or tab-separated; blank lines and lines starting with '#' skipped.
 */
export function readSpectrumCsv(text: string, file: string): MeasuredSpectrum {
  const lines = text.split(/\r?\n/);
  const content = lines.map((l, i) => ({ line: i + 1, text: l })).filter((l) => l.text.trim() !== "" && !l.text.trimStart().startsWith("#"));
  if (content.length === 0) throw new InputError(`${file}: empty; need a header row (frequency, Z', Z'') and at least 5 rows`);
  const head = content[0]!;
  const sep = delimiter(head.text);
  const names = head.text.split(sep).map((h) => h.trim());
  const keys = names.map(normalise);
  const find = (accepted: readonly string[], signed: boolean): { index: number; sign: 1 | -1 } | null => {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (accepted.includes(k)) return { index: i, sign: 1 };
      if (signed && k.startsWith("-") && accepted.includes(k.slice(1))) return { index: i, sign: -1 };
    }
    return null;
  };
  const accepted = `accepted (any case, with or without a unit such as /Hz, (ohm), _Ohm): frequency: ${SPECTRUM_COLUMNS.frequency.join(", ")}; Z': ${SPECTRUM_COLUMNS.real.join(", ")}; Z'': ${SPECTRUM_COLUMNS.imag.join(", ")}, or any of those with a leading '-' for -Z''`;
  const fCol = find(SPECTRUM_COLUMNS.frequency, false), reCol = find(SPECTRUM_COLUMNS.real, false), imCol = find(SPECTRUM_COLUMNS.imag, true);
  const missing = [fCol === null ? "frequency" : null, reCol === null ? "Z' (real part)" : null, imCol === null ? "Z'' (imaginary part)" : null].filter((x) => x !== null);
  if (missing.length > 0) throw new InputError(`${file}: line ${head.line}: the header ${JSON.stringify(head.text.trim())} has no ${missing.join(", no ")} column; ${accepted}`);
  const f: number[] = [], re: number[] = [], im: number[] = [], where: { row: number; line: number }[] = [];
  content.slice(1).forEach((l, r) => {
    const row = r + 1;
    const cells = l.text.split(sep);
    if (cells.length !== names.length) throw new InputError(`${file}: row ${row} (line ${l.line}): ${cells.length} fields; the header has ${names.length}`);
    const value = (col: number, what: string): number => {
      const raw = cells[col]!.trim();
      const v = raw === "" ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new InputError(`${file}: row ${row} (line ${l.line}), column ${JSON.stringify(names[col])}: got ${JSON.stringify(raw)}; ${what} must be a finite number`);
      return v;
    };
    const freq = value(fCol!.index, "a frequency (Hz)");
    if (!(freq > 0)) throw new InputError(`${file}: row ${row} (line ${l.line}), column ${JSON.stringify(names[fCol!.index])}: got ${freq}; frequencies must be > 0 (Hz)`);
    f.push(freq);
    re.push(value(reCol!.index, "Z' (ohm)"));
    im.push(imCol!.sign * value(imCol!.index, "Z'' (ohm)"));
    where.push({ row, line: l.line });
  });
  if (f.length < 5) throw new InputError(`${file}: ${f.length} data row${f.length === 1 ? "" : "s"}; need at least 5 frequencies`);
  const seen = new Map<number, number>();
  f.forEach((v, i) => {
    const j = seen.get(v);
    if (j !== undefined) throw new InputError(`${file}: rows ${where[j]!.row} and ${where[i]!.row} (lines ${where[j]!.line} and ${where[i]!.line}), column ${JSON.stringify(names[fCol!.index])}: both ${v} Hz; frequencies must be distinct`);
    seen.set(v, i);
  });
  f.forEach((_, i) => {
    if (re[i] === 0 && im[i] === 0) throw new InputError(`${file}: row ${where[i]!.row} (line ${where[i]!.line}): Z = 0; the fits weight each point by 1/|Z|`);
  });
  return {
    frequenciesHz: f,
    realOhm: re,
    imagOhm: im,
    columns: { frequency: names[fCol!.index]!, real: names[reCol!.index]!, imag: names[imCol!.index]! },
    imagSign: imCol!.sign,
  };
}
