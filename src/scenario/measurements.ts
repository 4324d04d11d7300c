/**
 * The measurements file: what an experiment measured, each value with its error and its
 * source (`mofhop calibrate --measurements FILE` conditions on some of them, `mofhop compare
 * --measured FILE` draws all of them beside the predictions). Strict like the scenario:
 * unknown keys are errors, and a value without an error is refused (state an assumed one
 * with `errorReason` when the source gives none).
 *
 * Observables, each naming the scenario (design) it was measured on:
 *   conductivity        the membrane's conductivity at one temperature (relativeError: the
 *                       standard error of ln sigma)
 *   activationEnergy    Ea of its Arrhenius line, sigma or sigma T form, optionally with the
 *                       temperature range it was fitted over
 *   dischargeCapacity   Li | SE | LiFePO4 discharge capacity at a C-rate, mAh/g LiFePO4
 *   transferenceNumber  t+ of the membrane (Evans / Bruce-Vincent or another method)
 *   impedanceSpectrum   a measured spectrum of a symmetric cell ("Li|SE|Li" or "SS|SE|SS")
 *                       at temperatureK: inline arrays frequenciesHz, realOhm, imagOhm (Z''
 *                       itself, negative for a capacitive arc), or `file`, a CSV table
 *                       (frequency, Z', Z'' columns, as `mofhop eis` reads them; the path
 *                       relative to the measurements file); relativeError: the standard error
 *                       of each point's Z relative to |Z|. Drawn on the design's Nyquist and
 *                       Bode plots.
 * The first two are what calibration uses; files written before the others existed read
 * unchanged.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { InputError, ScenarioError, describe } from "../core/errors.js";
import { readSpectrumCsv } from "../analysis/spectrumCsv.js";
import { readJsonFile } from "./load.js";

const NEEDS_ERROR = "a measurement needs its error (> 0); state an assumed one with errorReason if the source gives none";

const common = {
  scenario: z.string().min(1),
  source: z.string().min(1),
  errorReason: z.string().min(1).optional(),
  /**
   * The design's parameters were calibrated on this value (mofhop calibrate): its agreement
   * with the prediction is by construction, and the report says so rather than count it as
   * a prediction.
   */
  calibrationTarget: z.boolean().optional(),
};

const measurementSchema = z.discriminatedUnion(
  "observable",
  [
    z.strictObject({
      ...common,
      observable: z.literal("conductivity"),
      temperatureK: z.number().positive(),
      valueSPerCm: z.number().positive(),
      /** Relative standard error of the conductivity (the error of ln sigma). */
      relativeError: z.number().positive(NEEDS_ERROR),
    }),
    z.strictObject({
      ...common,
      observable: z.literal("activationEnergy"),
      form: z.enum(["sigma", "sigmaT"]),
      valueEV: z.number().finite(),
      errorEV: z.number().positive(NEEDS_ERROR),
      /** The temperatures the Arrhenius line was fitted over, [low, high] in K (drawn as the measured line's extent). */
      temperatureRangeK: z.tuple([z.number().positive(), z.number().positive()]).refine(([a, b]) => a < b, "must be [low, high] with low < high").optional(),
    }),
    z.strictObject({
      ...common,
      observable: z.literal("dischargeCapacity"),
      cRate: z.number().positive(),
      valueMAhPerG: z.number().nonnegative(),
      errorMAhPerG: z.number().positive(NEEDS_ERROR),
      temperatureK: z.number().positive().optional(),
    }),
    z.strictObject({
      ...common,
      observable: z.literal("transferenceNumber"),
      /** How it was measured, e.g. "Evans/Bruce-Vincent, Li|SE|Li, 10 mV". */
      method: z.string().min(1),
      value: z.number().finite(),
      error: z.number().positive(NEEDS_ERROR),
      temperatureK: z.number().positive().optional(),
      /** The Evans experiment's currents, when the source gives them. */
      initialCurrentMicroA: z.number().positive().optional(),
      steadyCurrentMicroA: z.number().positive().optional(),
    }),
    z.strictObject({
      ...common,
      observable: z.literal("impedanceSpectrum"),
      cell: z.enum(["Li|SE|Li", "SS|SE|SS"]),
      temperatureK: z.number().positive(),
      /** The spectrum inline: frequencies (Hz, > 0), Z' and Z'' (ohm), one entry per point... */
      frequenciesHz: z.array(z.number().positive()).min(1).optional(),
      realOhm: z.array(z.number().finite()).min(1).optional(),
      imagOhm: z.array(z.number().finite()).min(1).optional(),
      /** ...or a CSV file of it (frequency, Z', Z'' or -Z'' columns), relative to the measurements file. */
      file: z.string().min(1).optional(),
      /** Standard error of each point's Z, relative to |Z|. */
      relativeError: z.number().positive(NEEDS_ERROR),
    }),
  ],
  { error: 'expected "observable" to be "conductivity", "activationEnergy", "dischargeCapacity", "transferenceNumber" or "impedanceSpectrum"' },
);

export const measurementsSchema = z.strictObject({
  description: z.string().optional(),
  measurements: z.array(measurementSchema).min(1, "give at least one measurement"),
});

type ParsedValue = z.output<typeof measurementSchema>;

/** A measured impedance spectrum as loaded: its points always inline (read from its file if it names one). */
export type MeasuredSpectrumValue = Omit<Extract<ParsedValue, { readonly observable: "impedanceSpectrum" }>, "frequenciesHz" | "realOhm" | "imagOhm"> & {
  readonly frequenciesHz: readonly number[];
  readonly realOhm: readonly number[];
  readonly imagOhm: readonly number[];
};

/** Any measured value of the file. */
export type MeasuredValue = Exclude<ParsedValue, { readonly observable: "impedanceSpectrum" }> | MeasuredSpectrumValue;

/** The measurements calibration conditions on: a conductivity or an activation energy. */
export type CalibrationMeasurement = Extract<MeasuredValue, { readonly observable: "conductivity" | "activationEnergy" }>;

export function isCalibrationMeasurement(m: MeasuredValue): m is CalibrationMeasurement {
  return m.observable === "conductivity" || m.observable === "activationEnergy";
}

/** Read and check a measurements file; every problem named by its file and field. */
export function loadMeasurements(file: string): MeasuredValue[] {
  const json = readJsonFile(file);
  const r = measurementsSchema.safeParse(json);
  if (!r.success) {
    throw new InputError(
      r.error.issues
        .map((issue) => {
          let v: unknown = json;
          for (const k of issue.path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
          return new ScenarioError(`${file}: ${issue.path.map(String).join(".")}`, `got ${describe(v)}; ${issue.message}`).message;
        })
        .join("\n"),
    );
  }
  const problems: string[] = [];
  const out = r.data.measurements.map((m, k): MeasuredValue => {
    if (m.observable !== "impedanceSpectrum") return m;
    const at = `${file}: measurements.${k}`;
    const { frequenciesHz, realOhm, imagOhm, ...rest } = m;
    const inline = [frequenciesHz, realOhm, imagOhm].filter((a) => a !== undefined).length;
    if (m.file !== undefined) {
      if (inline > 0) {
        problems.push(`${at}.file: give the spectrum either inline (frequenciesHz, realOhm, imagOhm) or as a file, not both`);
        return { ...rest, frequenciesHz: [], realOhm: [], imagOhm: [] };
      }
      const csv = resolve(dirname(file), m.file);
      let text: string;
      try {
        text = readFileSync(csv, "utf8");
      } catch (e) {
        problems.push(`${at}.file: cannot read ${csv} (${e instanceof Error ? e.message : String(e)}); the path is relative to the measurements file`);
        return { ...rest, frequenciesHz: [], realOhm: [], imagOhm: [] };
      }
      try {
        const s = readSpectrumCsv(text, csv);
        return { ...rest, frequenciesHz: Array.from(s.frequenciesHz), realOhm: Array.from(s.realOhm), imagOhm: Array.from(s.imagOhm) };
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push(`${at}.file: ${e.message}`);
        return { ...rest, frequenciesHz: [], realOhm: [], imagOhm: [] };
      }
    }
    if (frequenciesHz === undefined || realOhm === undefined || imagOhm === undefined) {
      const missing = (["frequenciesHz", "realOhm", "imagOhm"] as const).filter((f) => m[f] === undefined);
      problems.push(`${at}.${missing[0]}: missing; an impedance spectrum needs frequenciesHz, realOhm and imagOhm (or a file)`);
      return { ...rest, frequenciesHz: [], realOhm: [], imagOhm: [] };
    }
    for (const [name, a] of [["realOhm", realOhm], ["imagOhm", imagOhm]] as const) {
      if (a.length !== frequenciesHz.length) problems.push(`${at}.${name}: ${a.length} values; frequenciesHz has ${frequenciesHz.length} (one per frequency)`);
    }
    return { ...rest, frequenciesHz, realOhm, imagOhm };
  });
  if (problems.length > 0) throw new InputError(problems.join("\n"));
  return out;
}
