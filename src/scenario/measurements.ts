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
 * The first two are what calibration uses; files written before the last two existed read
 * unchanged.
 */
import { z } from "zod";
import { InputError, ScenarioError, describe } from "../core/errors.js";
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
  ],
  { error: 'expected "observable" to be "conductivity", "activationEnergy", "dischargeCapacity" or "transferenceNumber"' },
);

export const measurementsSchema = z.strictObject({
  description: z.string().optional(),
  measurements: z.array(measurementSchema).min(1, "give at least one measurement"),
});

/** Any measured value of the file. */
export type MeasuredValue = z.output<typeof measurementSchema>;

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
  return r.data.measurements;
}
