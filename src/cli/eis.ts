/**
 * `mofhop eis FILE.csv`: a measured impedance spectrum analysed the way the predicted ones
 * are: the linear Kramers-Kronig test (analysis/kramersKronig.ts), an equivalent-circuit
 * fit with automatic initial guesses (analysis/impedance.ts; the circuit chosen as for the
 * predicted cells, or given), and the distribution of relaxation times (analysis/drt.ts).
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../core/errors.js";
import { writeFileAtomic } from "../core/files.js";
import { distributionOfRelaxationTimes, type DrtResult } from "../analysis/drt.js";
import { fitCellSpectrum, fitCircuit, spectrumFeatures, type CircuitFit, type ImpedanceSpectrum } from "../analysis/impedance.js";
import { linKK, type LinKKResult } from "../analysis/kramersKronig.js";
import { toCsv } from "../report/csv.js";
import { drtPlot } from "../report/plots.js";

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

export interface EisReport {
  readonly file: string;
  readonly points: number;
  readonly frequencyRangeHz: readonly [number, number];
  readonly columns: MeasuredSpectrum["columns"];
  /** -1: the file's column was -Z'' and was negated. */
  readonly imagSign: 1 | -1;
  /** A capacitive low-frequency tail was seen (blocking electrodes): KK and DRT include a series capacitance. */
  readonly capacitiveTail: boolean;
  readonly kramersKronig: Omit<LinKKResult, "timeConstantsS" | "resistancesOhm" | "frequenciesHz" | "residualReal" | "residualImag" | "fitRealOhm" | "fitImagOhm"> & { readonly residualReal: number[]; readonly residualImag: number[] };
  readonly circuitFit: CircuitFit & { readonly chosenBy: string };
  readonly drt: {
    readonly tauS: number[];
    readonly gammaOhm: number[];
    readonly highFrequencyResistanceOhm: number;
    readonly polarizationResistanceOhm: number;
    readonly capacitanceF: number | null;
    readonly peaks: DrtResult["peaks"];
    readonly penalty: DrtResult["penalty"];
    readonly lambda: number;
    readonly criterion: DrtResult["criterion"];
    readonly criterionValue: number;
    readonly lambdaAtBound: boolean;
    readonly effectiveParameters: number;
    readonly residualRms: number;
    readonly maxAbsResidual: number;
    readonly weighting: "modulus";
  };
  readonly notes: readonly string[];
}

export function analyseSpectrum(spectrum: MeasuredSpectrum, file: string, circuit: string | undefined): EisReport {
  const n = spectrum.frequenciesHz.length;
  const features = spectrumFeatures(spectrum);
  const tail = features.tail !== null;
  const notes: string[] = [];
  let positive = 0;
  for (let i = 0; i < n; i++) if (spectrum.imagOhm[i]! > 0) positive++;
  if (positive > n / 2) {
    notes.push(`Z'' is positive at ${positive} of ${n} frequencies (inductive); if column ${JSON.stringify(spectrum.columns.imag)} holds -Z'', name it "-${spectrum.columns.imag.replace(/^-/, "")}"`);
  }
  const kk = linKK(spectrum, { capacitance: tail });
  let fit: CircuitFit & { chosenBy: string };
  if (circuit !== undefined) fit = { ...fitCircuit(spectrum, circuit), chosenBy: "--circuit" };
  else if (tail) fit = { ...fitCellSpectrum(spectrum, "SS|SE|SS").fit, chosenBy: "capacitive tail: blocking electrodes, as the predicted SS|SE|SS cells" };
  else fit = { ...fitCellSpectrum(spectrum, "Li|SE|Li").fit, chosenBy: "one or two arcs by the Bayesian information criterion, as the predicted Li|SE|Li cells" };
  const d = distributionOfRelaxationTimes(spectrum, { capacitance: tail });
  if (d.lambdaAtBound) notes.push(`the DRT's lambda (${d.lambda.toExponential(1)}) sits at the end of the GCV search range: ${d.lambda <= 1e-9 ? "the data are nearly noise-free" : "the spectrum is dominated by noise"}`);
  const fs = Array.from(spectrum.frequenciesHz);
  return {
    file,
    points: n,
    frequencyRangeHz: [Math.min(...fs), Math.max(...fs)],
    columns: spectrum.columns,
    imagSign: spectrum.imagSign,
    capacitiveTail: tail,
    kramersKronig: {
      elements: kk.elements,
      mu: kk.mu,
      seriesResistanceOhm: kk.seriesResistanceOhm,
      inductanceH: kk.inductanceH,
      capacitanceF: kk.capacitanceF,
      maxAbsResidual: kk.maxAbsResidual,
      residualRms: kk.residualRms,
      residualThreshold: kk.residualThreshold,
      pass: kk.pass,
      residualReal: Array.from(kk.residualReal),
      residualImag: Array.from(kk.residualImag),
    },
    circuitFit: fit,
    drt: {
      tauS: Array.from(d.tauS),
      gammaOhm: Array.from(d.gammaOhm),
      highFrequencyResistanceOhm: d.highFrequencyResistanceOhm,
      polarizationResistanceOhm: d.polarizationResistanceOhm,
      capacitanceF: d.capacitanceF,
      peaks: d.peaks,
      penalty: d.penalty,
      lambda: d.lambda,
      criterion: d.criterion,
      criterionValue: d.criterionValue,
      lambdaAtBound: d.lambdaAtBound,
      effectiveParameters: d.effectiveParameters,
      residualRms: d.residualRms,
      maxAbsResidual: d.maxAbsResidual,
      weighting: "modulus",
    },
    notes,
  };
}

const num = (x: number, digits = 4): string => (x === 0 || (Math.abs(x) >= 1e-2 && Math.abs(x) < 1e5) ? x.toPrecision(digits) : x.toExponential(digits - 1));
const pct = (x: number): string => `${(100 * x).toPrecision(2)} %`;
const hz = (f: number): string => (f >= 1e6 ? `${num(f / 1e6, 3)} MHz` : f >= 1e3 ? `${num(f / 1e3, 3)} kHz` : `${num(f, 3)} Hz`);

const UNITS: Record<string, string> = { R: "ohm", C: "F", L: "H", Q: "S s^n", n: "" };

export function eisSummary(r: EisReport): string {
  const kk = r.kramersKronig, fit = r.circuitFit, d = r.drt;
  const lines = [
    `${r.file}: ${r.points} frequencies, ${hz(r.frequencyRangeHz[0])} to ${hz(r.frequencyRangeHz[1])} (columns ${r.columns.frequency}, ${r.columns.real}, ${r.columns.imag}${r.imagSign < 0 ? ": -Z'' negated" : ""})`,
    `Kramers-Kronig (Lin-KK, ${kk.elements} Voigt elements, mu ${kk.mu.toFixed(2)}${r.capacitiveTail ? ", series capacitance" : ""}): max residual ${pct(kk.maxAbsResidual)}, rms ${pct(kk.residualRms)}: ${kk.pass ? "pass" : "FAIL"} (threshold ${pct(kk.residualThreshold)})`,
    `circuit ${fit.circuit} (${fit.chosenBy}; modulus weighting, ${fit.starts} start${fit.starts > 1 ? "s" : ""}): residual rms ${pct(fit.residualRms)}`,
    ...Object.entries(fit.parameters).map(([name, v]) => {
      const se = fit.stdErrors[name]!;
      const unit = UNITS[name[0]!] ?? "";
      return `  ${name.padEnd(10)} ${num(v)} +- ${Number.isFinite(se) ? num(se, 2) : "not determined"}${unit ? " " + unit : ""}`;
    }),
    `DRT (Tikhonov, ${d.penalty} penalty, NNLS; lambda ${d.lambda.toExponential(1)} by ${d.criterion === "gcv" ? "generalised cross-validation" : "hand"}${d.lambdaAtBound ? ", at the end of its range" : ""}; ${d.tauS.length} tau from ${num(d.tauS[0]!, 2)} to ${num(d.tauS[d.tauS.length - 1]!, 2)} s): residual rms ${pct(d.residualRms)}`,
    `  R_inf ${num(d.highFrequencyResistanceOhm)} ohm, R_pol ${num(d.polarizationResistanceOhm)} ohm${d.capacitanceF !== null ? `, series C ${Number.isFinite(d.capacitanceF) ? num(d.capacitanceF, 3) + " F" : "none"}` : ""}`,
    ...d.peaks.map((p, i) => `  peak ${i + 1}: tau ${num(p.tauS, 3)} s (${hz(p.frequencyHz)}), ${num(p.areaOhm)} ohm${p.inWindow ? "" : " (outside the measured window)"}`),
    ...r.notes.map((n) => `note: ${n}`),
  ];
  return lines.join("\n");
}

/** The files of --out: eis.json, drt.csv (tau, gamma) and drt.svg. */
export async function eisFiles(r: EisReport): Promise<Record<string, string>> {
  const d = r.drt;
  const svg = await drtPlot([{ name: "DRT", tauS: d.tauS, gammaOhm: d.gammaOhm, peaks: d.peaks }], {
    title: `${basename(r.file)}: DRT (λ ${d.lambda.toExponential(1)} by GCV; shaded: 1/(2πf) measured)`,
    windowS: [1 / (2 * Math.PI * r.frequencyRangeHz[1]), 1 / (2 * Math.PI * r.frequencyRangeHz[0])],
  });
  return {
    "eis.json": JSON.stringify(r, null, 2) + "\n",
    "drt.csv": toCsv(d.tauS.map((t, i) => ({ tauS: t, gammaOhm: d.gammaOhm[i] }))),
    "drt.svg": svg,
  };
}

export async function eisCommand(file: string, options: { readonly circuit?: string; readonly out?: string; readonly json: boolean }): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const report = analyseSpectrum(readSpectrumCsv(text, file), file, options.circuit);
  if (options.out !== undefined) {
    for (const [name, content] of Object.entries(await eisFiles(report))) writeFileAtomic(join(options.out, name), content);
  }
  if (options.json) process.stdout.write(JSON.stringify(report) + "\n");
  else process.stdout.write(eisSummary(report) + "\n");
  if (options.out !== undefined) process.stderr.write(`wrote ${join(options.out, "eis.json")}, drt.csv, drt.svg\n`);
  return 0;
}
