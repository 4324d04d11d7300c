/**
 * Bayesian calibration of a scenario on its measurements (DESIGN.md, "Uncertainty"): the
 * scenario's distributions are the priors; N samples of the whole chain (the uncertainty
 * engine: workers, resume) are emulated per output, and the measurements condition the
 * emulators (analysis/bayes.ts). The posterior over every uncertain input of the scenario
 * is written with its diagnostics; the inputs the data do not constrain keep (about) their
 * priors, which the posterior then says.
 *
 * Measurements today: the membrane's conductivity at one of the scenario's temperatures and
 * the activation energy of its Arrhenius line (sigma or sigma T form) over them. Each has
 * an error, a basis and a source; a measurement without an error, or of an output the
 * scenario does not produce, is refused before anything runs.
 */
import { z } from "zod";
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import { InputError, ScenarioError, describe } from "../core/errors.js";
import { createStream } from "../core/rng.js";
import { quantile } from "../analysis/distributions.js";
import { activationEnergyWeights, calibrateEmulated, type Observable } from "../analysis/bayes.js";
import type { Results } from "../pipeline/results.js";
import { readJsonFile } from "../scenario/load.js";
import type { KmcCacheEntry } from "./definition.js";
import { inputKeys, propagateUncertainty, sampleScores, type UncertainScenario } from "./uncertainty.js";

const measurementSchema = z.discriminatedUnion(
  "observable",
  [
    z.strictObject({
      scenario: z.string().min(1),
      observable: z.literal("conductivity"),
      temperatureK: z.number().positive(),
      valueSPerCm: z.number().positive(),
      /** Relative standard error of the conductivity (the error of ln sigma). */
      relativeError: z.number().positive("a measurement needs its error (> 0); state an assumed one with errorReason if the source gives none"),
      source: z.string().min(1),
      errorReason: z.string().min(1).optional(),
    }),
    z.strictObject({
      scenario: z.string().min(1),
      observable: z.literal("activationEnergy"),
      form: z.enum(["sigma", "sigmaT"]),
      valueEV: z.number().finite(),
      errorEV: z.number().positive("a measurement needs its error (> 0); state an assumed one with errorReason if the source gives none"),
      source: z.string().min(1),
      errorReason: z.string().min(1).optional(),
    }),
  ],
  { error: 'expected "observable" to be "conductivity" or "activationEnergy"' },
);

export const measurementsSchema = z.strictObject({
  description: z.string().optional(),
  measurements: z.array(measurementSchema).min(1, "give at least one measurement"),
});

export type Measurement = z.output<typeof measurementSchema>;

/** Read and check a measurements file; every problem named by its field. */
export function loadMeasurements(file: string): Measurement[] {
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

/**
 * The measurements that belong to `design`, checked against what it produces: a
 * conductivity needs a morphology and one of its temperatures; an activation energy
 * needs two temperatures. Throws InputError naming the measurement.
 */
export function measurementsOf(design: UncertainScenario, all: readonly Measurement[]): Measurement[] {
  const s = design.scenario;
  const mine = all.filter((m) => m.scenario === s.name);
  if (mine.length === 0) throw new InputError(`calibrate: no measurement names scenario '${s.name}' (measurements name: ${[...new Set(all.map((m) => m.scenario))].join(", ")})`);
  const problems: string[] = [];
  mine.forEach((m) => {
    const at = `measurements[${all.indexOf(m)}]`;
    if (s.morphology === undefined) problems.push(`${at}: scenario '${s.name}' has no morphology, so no membrane conductivity to compare with`);
    if (m.observable === "conductivity" && !s.temperaturesK.some((T) => Math.abs(T - m.temperatureK) < 1e-9)) {
      problems.push(`${at}.temperatureK: got ${m.temperatureK}; scenario '${s.name}' runs at ${s.temperaturesK.join(", ")} K`);
    }
    if (m.observable === "activationEnergy" && s.temperaturesK.length < 2) problems.push(`${at}: an activation energy needs 2 or more temperatures; '${s.name}' has ${s.temperaturesK.length}`);
  });
  if (design.inputs.length === 0) problems.push(`calibrate: scenario '${s.name}' has no distributions: nothing to calibrate`);
  if (problems.length > 0) throw new InputError(problems.join("\n"));
  return mine;
}

export interface PosteriorFile {
  readonly scenario: string;
  readonly samples: number;
  readonly seed: number;
  readonly inputs: readonly { readonly key: string; readonly paths: readonly string[]; readonly prior: unknown; readonly posteriorMedian: number; readonly posterior90: readonly [number, number]; readonly prior90: readonly [number, number]; readonly rhat: number; readonly ess: number }[];
  /** Posterior draws: per draw, the uniform score and the value of each input (same order as inputs). */
  readonly draws: readonly { readonly u: readonly number[]; readonly x: readonly number[] }[];
  readonly acceptance: readonly number[];
  readonly emulators: readonly { readonly output: string; readonly looSd: number; readonly degree: number; readonly terms: number }[];
  readonly fit: readonly { readonly name: string; readonly measured: number; readonly error: number; readonly predicted: number; readonly predictedSd: number }[];
  readonly measurements: readonly Measurement[];
}

function q(sorted: readonly number[], f: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(f * (sorted.length - 1))))]!;
}

/**
 * Calibrate one design: nominal run, N samples (journal in `dir`), emulators of ln sigma
 * at each temperature, the posterior. `nominal` and `kmc` as propagateUncertainty takes them.
 */
export async function calibrateDesign(
  design: UncertainScenario,
  measurements: readonly Measurement[],
  nominal: Results,
  kmc: readonly (readonly [string, KmcCacheEntry])[],
  options: { readonly samples: number; readonly dir: string; readonly workers?: number; readonly signal?: AbortSignal; readonly onProgress?: (f: number, text: string) => void; readonly keepDraws?: number },
): Promise<PosteriorFile | null> {
  const seed = design.scenario.seed;
  const { samples, summary } = await propagateUncertainty(design, nominal, kmc, {
    samples: options.samples,
    dir: options.dir,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  if (summary.interrupted !== undefined) return null;
  const keys = inputKeys(design.inputs);
  const scores = sampleScores(keys, options.samples, seed);
  const temps = nominal.effective.map((e) => e.temperatureK);
  const rows = [...samples.entries()].filter(([, r]) => r.effective.length === temps.length && r.effective.every((e) => e.conductivitySPerCm > 0));
  if (rows.length < 3 * (keys.length + 1)) throw new InputError(`calibrate: ${rows.length} usable samples are too few to emulate ${keys.length} inputs; give --uncertainty ${3 * (keys.length + 1)} or more`);
  const u = rows.map(([s]) => scores[s]!);
  const outputs = rows.map(([, r]) => r.effective.map((e) => Math.log(e.conductivitySPerCm)));
  // the model's own error per temperature, in ln sigma: the network's discretisation or contact-element error and the KMC's statistics
  const modelError = nominal.effective.map((e) => {
    const k = nominal.kmc.find((x) => x.temperatureK === e.temperatureK);
    return Math.hypot(e.discretisationRelativeError ?? 0, k !== undefined && k.totalConductivitySPerCm > 0 ? k.totalConductivityStdErr / k.totalConductivitySPerCm : 0);
  });
  const observables: Observable[] = measurements.map((m) => {
    if (m.observable === "conductivity") {
      const i = temps.findIndex((T) => Math.abs(T - m.temperatureK) < 1e-9);
      return { name: `ln sigma ${m.temperatureK} K`, weights: temps.map((_, j) => (j === i ? 1 : 0)), value: Math.log(m.valueSPerCm), error: m.relativeError };
    }
    const { weights, offset } = activationEnergyWeights(temps, BOLTZMANN_EV_PER_K, m.form);
    return { name: `Ea (${m.form} form)`, weights, offset, value: m.valueEV, error: m.errorEV };
  });
  const chains = 4;
  const post = calibrateEmulated({
    u,
    outputs,
    observables,
    modelError,
    chains,
    warmup: 3000,
    draws: 5000,
    streams: Array.from({ length: chains + 1 }, (_, c) => createStream(seed, "calibration", c)),
  });
  const keep = options.keepDraws ?? 1000;
  const stride = Math.max(1, Math.floor(post.draws.length / keep));
  const kept = post.draws.filter((_, i) => i % stride === 0).slice(0, keep);
  const specOf = (key: string) => design.inputs.find((i) => i.key === key)!.spec;
  const draws = kept.map((uu) => ({ u: Array.from(uu), x: keys.map((key, j) => quantile(specOf(key), uu[j]!)) }));
  return {
    scenario: design.scenario.name,
    samples: options.samples,
    seed,
    inputs: keys.map((key, j) => {
      const xs = draws.map((d) => d.x[j]!).sort((a, b) => a - b);
      const spec = specOf(key);
      return {
        key,
        paths: design.inputs.filter((i) => i.key === key).map((i) => i.path),
        prior: spec,
        posteriorMedian: q(xs, 0.5),
        posterior90: [q(xs, 0.05), q(xs, 0.95)] as const,
        prior90: [quantile(spec, 0.05), quantile(spec, 0.95)] as const,
        rhat: post.rhat[j]!,
        ess: post.ess[j]!,
      };
    }),
    draws,
    acceptance: post.acceptance,
    emulators: post.emulators.map((e, i) => ({ output: `ln effective[${i}].conductivitySPerCm (${temps[i]} K)`, ...e })),
    fit: post.fit,
    measurements,
  };
}
