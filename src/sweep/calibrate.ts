/**
 * Bayesian calibration of a scenario on its measurements (DESIGN.md, "Uncertainty"): the
 * scenario's distributions are the priors; N samples of the whole chain (the uncertainty
 * engine: workers, resume) are emulated per output, and the measurements condition the
 * emulators (analysis/bayes.ts). The posterior over every uncertain input of the scenario
 * is written with its diagnostics; the inputs the data do not constrain keep (about) their
 * priors, which the posterior then says.
 *
 * Measurements calibrated on: the membrane's conductivity at one of the scenario's temperatures and
 * the activation energy of its Arrhenius line (sigma or sigma T form) over them (a file's
 * capacities and transference numbers are what predictions are judged against, not fitted). Each has
 * an error, a basis and a source; a measurement without an error, or of an output the
 * scenario does not produce, is refused before anything runs.
 */
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import { InputError } from "../core/errors.js";
import { createStream } from "../core/rng.js";
import { sortedQuantile } from "../core/stats.js";
import { quantile } from "../analysis/distributions.js";
import { activationEnergyWeights, calibrateEmulated, type Observable } from "../analysis/bayes.js";
import type { Results } from "../pipeline/results.js";
import { isCalibrationMeasurement, measurementsSchema, type CalibrationMeasurement, type MeasuredValue } from "../scenario/measurements.js";
import type { KmcCacheEntry } from "./definition.js";
import { inputKeys, propagateUncertainty, samplesSweep, type UncertainScenario } from "./uncertainty.js";
import type { UncertainInput } from "../scenario/uncertain.js";
import { buildNetworkDesign, pressedBoundaryOhmCm2 } from "../pipeline/design.js";
import type { PressedPowderSettings } from "../scenario/schema.js";

/** The measurements calibration conditions on (a conductivity or an activation energy; scenario/measurements.ts). */
export type Measurement = CalibrationMeasurement;
export { measurementsSchema };
/** Read and check a measurements file (scenario/measurements.ts, re-exported where calibration callers look for it). */
export { loadMeasurements } from "../scenario/measurements.js";

/**
 * The design without its cell: the measurements calibrated on are the membrane's, so the
 * cell stage and its inputs are left out.
 */
export function membraneOnly(design: UncertainScenario): UncertainScenario {
  return {
    ...design,
    scenario: { ...design.scenario, cell: undefined },
    plain: { ...(design.plain as Record<string, unknown>), cell: undefined },
    inputs: design.inputs.filter((i) => !i.path.startsWith("cell.")),
  };
}

/**
 * The measurements that belong to `design`, checked against what it produces: a
 * conductivity needs a morphology and one of its temperatures; an activation energy
 * needs two temperatures. Throws InputError naming the measurement.
 */
export function measurementsOf(design: UncertainScenario, all: readonly MeasuredValue[]): Measurement[] {
  const s = design.scenario;
  // capacities and transference numbers are judged against, not calibrated on
  const mine = all.filter((m): m is Measurement => m.scenario === s.name && isCalibrationMeasurement(m));
  if (mine.length === 0) {
    const usable = all.filter(isCalibrationMeasurement);
    throw new InputError(`calibrate: no measurement names scenario '${s.name}' (conductivity and activation-energy measurements name: ${[...new Set(usable.map((m) => m.scenario))].join(", ") || "none"})`);
  }
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
  /** How the posterior was computed. */
  readonly method: string;
  readonly samples: number;
  readonly seed: number;
  readonly inputs: readonly { readonly key: string; readonly paths: readonly string[]; readonly prior: unknown; readonly posteriorMedian: number; readonly posterior90: readonly [number, number]; readonly prior90: readonly [number, number]; readonly rhat?: number; readonly ess?: number }[];
  /** Posterior draws: per draw, the uniform score and the value of each input (same order as inputs). */
  readonly draws: readonly { readonly u: readonly number[]; readonly x: readonly number[] }[];
  /** MCMC: acceptance per chain; exact structure: effective numbers of microstructure draws and grid cells. */
  readonly diagnostics: Readonly<Record<string, number | readonly number[]>>;
  readonly emulators?: readonly { readonly output: string; readonly looSd: number; readonly degree: number; readonly terms: number }[];
  readonly fit: readonly { readonly name: string; readonly measured: number; readonly error: number; readonly predicted: number; readonly predictedSd: number }[];
  readonly measurements: readonly Measurement[];
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
  const { samples, summary, scores } = await propagateUncertainty(design, nominal, kmc, {
    samples: options.samples,
    dir: options.dir,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  if (summary.interrupted !== undefined) return null;
  const keys = inputKeys(design.inputs);
  const temps = nominal.effective.map((e) => e.temperatureK);
  const rows = [...samples.entries()].filter(([, r]) => r.effective.length === temps.length && r.effective.every((e) => e.conductivitySPerCm > 0));
  if (rows.length < 3 * (keys.length + 1)) throw new InputError(`calibrate: ${rows.length} usable samples are too few to emulate ${keys.length} inputs; give --uncertainty ${3 * (keys.length + 1)} or more`);
  const u = rows.map(([s]) => scores[s]!);
  const outputs = rows.map(([, r]) => r.effective.map((e) => Math.log(e.conductivitySPerCm)));
  // the model's own error in ln sigma: the KMC's statistics (independent per temperature) and
  // the network's discretisation or contact-element error (systematic: alike at every temperature)
  const modelError = nominal.effective.map((e) => {
    const k = nominal.kmc.find((x) => x.temperatureK === e.temperatureK);
    return k !== undefined && k.totalConductivitySPerCm > 0 ? k.totalConductivityStdErr / k.totalConductivitySPerCm : 0;
  });
  const commonModelError = nominal.effective.map((e) => e.discretisationRelativeError ?? 0);
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
    commonModelError,
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
    method: "emulated: a polynomial chaos per output (ln sigma at each temperature) fitted to the samples, its leave-one-out error in the likelihood; Metropolis chains",
    samples: options.samples,
    seed,
    diagnostics: { acceptance: post.acceptance },
    inputs: keys.map((key, j) => {
      const xs = draws.map((d) => d.x[j]!).sort((a, b) => a - b);
      const spec = specOf(key);
      return {
        key,
        paths: design.inputs.filter((i) => i.key === key).map((i) => i.path),
        prior: spec,
        posteriorMedian: sortedQuantile(xs, 0.5),
        posterior90: [sortedQuantile(xs, 0.05), sortedQuantile(xs, 0.95)] as const,
        prior90: [quantile(spec, 0.05), quantile(spec, 0.95)] as const,
        rhat: post.rhat[j]!,
        ess: post.ess[j]!,
      };
    }),
    draws,
    emulators: post.emulators.map((e, i) => ({ output: `ln effective[${i}].conductivitySPerCm (${temps[i]} K)`, ...e })),
    fit: post.fit,
    measurements,
  };
}

/**
 * The rate parameters of a design's mobile ion: the keys of its attempt frequency and its
 * barrier shift, when both are distributions (the parameters a calibration fits).
 */
export function rateKeys(design: UncertainScenario): { attempt: UncertainInput; shift: UncertainInput } | null {
  const attempt = design.inputs.find((i) => i.path === "species.0.attemptFrequencyHz");
  const shift = design.inputs.find((i) => i.path === "species.0.barrierShiftEV");
  return attempt !== undefined && shift !== undefined ? { attempt, shift } : null;
}

/** Cubic Hermite interpolation on a uniform grid (finite-difference slopes), clamped at the ends. */
function hermite(y: Float64Array, x0: number, dx: number, x: number): number {
  const n = y.length;
  const t = Math.min(n - 1.000001, Math.max(0, (x - x0) / dx));
  const k = Math.floor(t);
  const f = t - k;
  const y0 = y[k]!, y1 = y[k + 1]!;
  const m0 = k > 0 ? (y1 - y[k - 1]!) / 2 : y1 - y0;
  const m1 = k + 2 < n ? (y[k + 2]! - y0) / 2 : y1 - y0;
  const f2 = f * f, f3 = f2 * f;
  return (2 * f3 - 3 * f2 + 1) * y0 + (f3 - 2 * f2 + f) * m0 + (-2 * f3 + 3 * f2) * y1 + (f3 - f2) * m1;
}

/**
 * Calibration of a pressed powder by its exact structure, no emulator: every conductance of
 * the network is either the MOF's constriction (proportional to sigma_MOF) or a contact's
 * boundary (proportional to 1 / R_b), so sigma_eff = sigma_MOF Phi(sigma_MOF R_b) for a
 * given microstructure, with Phi a function of one variable. And the two rate parameters
 * rescale sigma_MOF exactly: sigma_MOF(T) = sigma_nom(T) (nu / nu_0) exp(-(delta - delta_0) / kT).
 * So the microstructure inputs (geometry, R_b: the nuisance) are drawn N times from their
 * priors (a Latin hypercube), Phi is tabulated for each draw by network solves (ln lambda on
 * a grid of `points`, cubic interpolation), and the posterior over (nu, delta, draw) is
 * computed on a `grid` x `grid` lattice of the rate parameters' scores: exact up to the grid
 * and the finite number of nuisance draws, whose effective number (Kish) is reported.
 * Posterior draws: (draw, cell) in proportion to the posterior mass, uniform within a cell.
 */
export function calibratePressedPowder(
  design: UncertainScenario,
  measurements: readonly Measurement[],
  nominal: Results,
  options: { readonly samples: number; readonly grid?: number; readonly points?: number; readonly keepDraws?: number; readonly onProgress?: (f: number, text: string) => void },
): PosteriorFile {
  const m0 = design.scenario.morphology;
  if (m0?.kind !== "pressed-powder") throw new InputError(`calibrate: the exact-structure calibration is for pressed-powder designs; '${design.scenario.name}' is ${m0?.kind ?? "without a morphology"}`);
  const rates = rateKeys(design);
  if (rates === null) throw new InputError(`calibrate: '${design.scenario.name}' needs distributions on species.0.attemptFrequencyHz and species.0.barrierShiftEV (the parameters the measurements calibrate)`);
  const seed = design.scenario.seed;
  const n = options.samples;
  const G = options.grid ?? 160;
  const P = options.points ?? 64;
  const keys = inputKeys(design.inputs);
  const jA = keys.indexOf(rates.attempt.key), jS = keys.indexOf(rates.shift.key);
  const { sweep, scores } = samplesSweep(design, n, seed, []);
  const temps = nominal.kmc.map((k) => k.temperatureK);
  const sigmaNom = nominal.kmc.map((k) => k.totalConductivitySPerCm);
  const nu0 = design.scenario.species![0]!.attemptFrequencyHz!;
  const delta0 = design.scenario.species![0]!.barrierShiftEV ?? 0;
  const kT = temps.map((T) => BOLTZMANN_EV_PER_K * T);
  const nuOf = (u: number): number => quantile(rates.attempt.spec, u);
  const deltaOf = (u: number): number => quantile(rates.shift.spec, u);
  // ln sigma_MOF over the rate priors and temperatures, and ln R_b over the draws: the grid of ln lambda
  const lnMof = (i: number, uA: number, uS: number): number => Math.log(sigmaNom[i]!) + Math.log(nuOf(uA) / nu0) - (deltaOf(uS) - delta0) / kT[i]!;
  const lnRb = sweep.jobs.map((job) => temps.map((T) => Math.log(pressedBoundaryOhmCm2(job.scenario.morphology as PressedPowderSettings, T))));
  let lo = Infinity, hi = -Infinity;
  temps.forEach((_, i) => {
    for (const [uA, uS] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
      for (const r of lnRb) {
        lo = Math.min(lo, lnMof(i, uA, uS) + r[i]!);
        hi = Math.max(hi, lnMof(i, uA, uS) + r[i]!);
      }
    }
  });
  lo -= 0.5;
  hi += 0.5;
  const dx = (hi - lo) / (P - 1);
  // Phi of each draw, tabulated at 298.15 K (Phi depends on lambda alone)
  const Tref = 298.15;
  const phi = sweep.jobs.map((job, s) => {
    options.onProgress?.(s / n, `tabulating the network of draw ${s + 1}/${n}`);
    const m = job.scenario.morphology as PressedPowderSettings;
    const net = buildNetworkDesign(job.scenario, m, s);
    const rb = pressedBoundaryOhmCm2(m, Tref);
    const table = new Float64Array(P);
    for (let k = 0; k < P; k++) {
      const sigma = Math.exp(lo + k * dx) / rb;
      table[k] = Math.log(net.solve(Tref, sigma).conductivitySPerCm / sigma);
    }
    return table;
  });
  // observables on ln sigma_eff(T_i), with the model's own error: the KMC's statistics
  // (independent per temperature) and the contact element's (systematic, alike at every temperature)
  const kmcVar = nominal.kmc.map((k, i) => (k.totalConductivityStdErr / sigmaNom[i]!) ** 2);
  const common = nominal.effective.map((e) => e.discretisationRelativeError ?? 0);
  const modelVarOf = (weights: readonly number[]): number => weights.reduce((a, w, i) => a + w * w * kmcVar[i]!, 0) + weights.reduce((a, w, i) => a + w * common[i]!, 0) ** 2;
  const obs = measurements.map((mm) => {
    if (mm.observable === "conductivity") {
      const i = temps.findIndex((T) => Math.abs(T - mm.temperatureK) < 1e-9);
      const w = temps.map((_, j) => (j === i ? 1 : 0));
      return { name: `ln sigma ${mm.temperatureK} K`, weights: w, offset: 0, value: Math.log(mm.valueSPerCm), variance: mm.relativeError ** 2 + modelVarOf(w) };
    }
    const { weights, offset } = activationEnergyWeights(temps, BOLTZMANN_EV_PER_K, mm.form);
    return { name: `Ea (${mm.form} form)`, weights, offset, value: mm.valueEV, variance: mm.errorEV ** 2 + modelVarOf(weights) };
  });
  options.onProgress?.(0.95, "posterior on the grid");
  const lnSigma = (s: number, uA: number, uS: number, out: Float64Array): void => {
    for (let i = 0; i < temps.length; i++) {
      const lm = lnMof(i, uA, uS);
      out[i] = lm + hermite(phi[s]!, lo, dx, lm + lnRb[s]![i]!);
    }
  };
  const y = new Float64Array(temps.length);
  const logw = new Float64Array(n * G * G);
  let maxLog = -Infinity;
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < G; a++) {
      for (let b = 0; b < G; b++) {
        lnSigma(s, (a + 0.5) / G, (b + 0.5) / G, y);
        let lp = 0;
        for (const o of obs) {
          let v = o.offset;
          for (let i = 0; i < y.length; i++) v += o.weights[i]! * y[i]!;
          lp -= (v - o.value) ** 2 / (2 * o.variance);
        }
        logw[(s * G + a) * G + b] = lp;
        if (lp > maxLog) maxLog = lp;
      }
    }
  }
  const w = Float64Array.from(logw, (v) => Math.exp(v - maxLog));
  const total = w.reduce((x, v) => x + v, 0);
  const perDraw = Array.from({ length: n }, (_, s) => w.subarray(s * G * G, (s + 1) * G * G).reduce((x, v) => x + v, 0) / total);
  const drawEss = 1 / perDraw.reduce((x, v) => x + v * v, 0);
  const cellEss = (total * total) / w.reduce((x, v) => x + v * v, 0);
  // posterior draws: systematic resampling of (draw, cell), jittered within the cell
  const keep = options.keepDraws ?? 2000;
  const rng = createStream(seed, "calibration-draws");
  const draws: { u: number[]; x: number[] }[] = [];
  const drawOf: number[] = [];
  let acc = 0, idx = 0;
  const start = rng.nextFloat() / keep;
  const specOf = (key: string) => design.inputs.find((i) => i.key === key)!.spec;
  for (let t = 0; t < keep; t++) {
    const target = (start + t / keep) * total;
    while (idx < w.length - 1 && acc + w[idx]! < target) acc += w[idx++]!;
    const s = Math.floor(idx / (G * G));
    const a = Math.floor((idx % (G * G)) / G), b = idx % G;
    const u = Array.from(scores[s]!);
    u[jA] = (a + rng.nextFloat()) / G;
    u[jS] = (b + rng.nextFloat()) / G;
    draws.push({ u, x: keys.map((key, j) => quantile(specOf(key), u[j]!)) });
    drawOf.push(s);
  }
  // the fit: posterior predictive of each observable
  const fit = obs.map((o, j) => {
    const vals = draws.map((d, t) => {
      lnSigma(drawOf[t]!, d.u[jA]!, d.u[jS]!, y);
      return y.reduce((acc2, v, i) => acc2 + o.weights[i]! * v, o.offset);
    });
    const mean = vals.reduce((x, v) => x + v, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((x, v) => x + (v - mean) ** 2, 0) / (vals.length - 1));
    const mm = measurements[j]!;
    return { name: o.name, measured: o.value, error: mm.observable === "conductivity" ? mm.relativeError : mm.errorEV, predicted: mean, predictedSd: sd };
  });
  return {
    scenario: design.scenario.name,
    method: `exact structure: sigma_eff = sigma_MOF Phi(sigma_MOF R_b), Phi tabulated for ${n} prior draws of the microstructure (${P} network solves each), the rate parameters on a ${G} x ${G} grid`,
    samples: n,
    seed,
    diagnostics: { effectiveMicrostructureDraws: drawEss, effectiveGridCells: cellEss },
    inputs: keys.map((key, j) => {
      const xs = draws.map((d) => d.x[j]!).sort((p, q2) => p - q2);
      const spec = specOf(key);
      return { key, paths: design.inputs.filter((i) => i.key === key).map((i) => i.path), prior: spec, posteriorMedian: sortedQuantile(xs, 0.5), posterior90: [sortedQuantile(xs, 0.05), sortedQuantile(xs, 0.95)] as const, prior90: [quantile(spec, 0.05), quantile(spec, 0.95)] as const };
    }),
    draws,
    fit,
    measurements,
  };
}
