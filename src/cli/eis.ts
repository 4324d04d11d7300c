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
import { fitCellSpectrum, fitCircuit, spectrumFeatures, type CircuitFit } from "../analysis/impedance.js";
import { linKK, type LinKKResult } from "../analysis/kramersKronig.js";
import { toCsv } from "../report/csv.js";
import { readSpectrumCsv, type MeasuredSpectrum } from "../analysis/spectrumCsv.js";
import { drtPlot } from "../report/plots.js";

export { readSpectrumCsv, SPECTRUM_COLUMNS, type MeasuredSpectrum } from "../analysis/spectrumCsv.js";

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
