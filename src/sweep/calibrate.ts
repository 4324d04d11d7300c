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
import { normalCdf, normalQuantile, sortedQuantile } from "../core/stats.js";
import { quantile } from "../analysis/distributions.js";
import { fitProposal, mixtureLogWeights, normalisedWeights, sampleDefensive } from "../analysis/importance.js";
import { activationEnergyWeights, calibrateEmulated, type Observable } from "../analysis/bayes.js";
import type { Results } from "../pipeline/results.js";
import { isCalibrationMeasurement, measurementsSchema, type CalibrationMeasurement, type MeasuredValue } from "../scenario/measurements.js";
import type { KmcCacheEntry } from "./definition.js";
import { minimumRuns } from "./emulate.js";
import { inputKeys, propagateUncertainty, sampleJobs, samplesSweep, type UncertainScenario } from "./uncertainty.js";
import type { SweepJob } from "./definition.js";
import type { UncertainInput } from "../scenario/uncertain.js";
import { pressedBoundaryOhmCm2 } from "../pipeline/design.js";
import { Piscina } from "piscina";
import { phiTable, type PhiTask } from "./phiTable.js";
import { setWorkerCompilation, workerFileUrl } from "./pool.js";
import type { PressedPowderSettings } from "../scenario/schema.js";
import { metropolisSteps } from "../analysis/mcmc.js";
import { NO_WORK, WorkCounter, type ScenarioProgress, type WorkTally } from "../pipeline/progress.js";
import type { SweepProgress } from "./run.js";

/** The Metropolis chains of the emulated calibration: 4 chains, 3000 warm-up and 5000 kept draws each. */
export const EMULATED_CHAINS = { chains: 4, warmup: 3000, draws: 5000 } as const;

/** The work of the emulated calibration's posterior stage: its chains' steps (warm-up included). */
export function emulatedPosteriorPlan(): WorkTally {
  return { ...NO_WORK, posterior: metropolisSteps(EMULATED_CHAINS.chains, EMULATED_CHAINS.warmup, EMULATED_CHAINS.draws) };
}

/** Network solves per microstructure draw of the exact-structure calibration (Phi tabulated at this many points). */
export const EXACT_POINTS = 64;

/**
 * The work of the exact-structure calibration of `designs` pressed powders on `samples`
 * microstructure draws: `points` network solves per draw, and each design's rate grid
 * evaluated per draw for its evidence and again (at most) for the resampled draws.
 */
export function exactCalibrationPlan(designs: number, samples: number, points = EXACT_POINTS): WorkTally {
  return { ...NO_WORK, network: samples * points, posterior: 2 * designs * samples };
}

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
  /** The design calibrated (several joined by "+" for a joint calibration). */
  readonly scenario: string;
  /** A joint calibration: every design whose measurements conditioned it (each is "own" for its inputs). */
  readonly scenarios?: readonly string[];
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
  options: {
    readonly samples: number;
    readonly dir: string;
    readonly workers?: number;
    readonly signal?: AbortSignal;
    readonly onProgress?: (f: number, text: string) => void;
    /** The samples' sweep events (work per job). */
    readonly onSweepProgress?: (p: SweepProgress) => void;
    /** The MCMC's work: chain steps done and planned (emulatedPosteriorPlan), kind "posterior". */
    readonly onWork?: (p: ScenarioProgress) => void;
    readonly keepDraws?: number;
  },
): Promise<PosteriorFile | null> {
  const seed = design.scenario.seed;
  const { samples, summary, scores } = await propagateUncertainty(design, nominal, kmc, {
    samples: options.samples,
    dir: options.dir,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    ...(options.onSweepProgress !== undefined ? { onSweepProgress: options.onSweepProgress } : {}),
  });
  if (summary.interrupted !== undefined) return null;
  const keys = inputKeys(design.inputs);
  const temps = nominal.effective.map((e) => e.temperatureK);
  const rows = [...samples.entries()].filter(([, r]) => r.effective.length === temps.length && r.effective.every((e) => e.conductivitySPerCm > 0));
  if (rows.length < minimumRuns(keys.length)) throw new InputError(`calibrate: ${rows.length} usable samples are too few to emulate ${keys.length} inputs; give --uncertainty ${minimumRuns(keys.length)} or more`);
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
  const { chains, warmup, draws: drawsPerChain } = EMULATED_CHAINS;
  const work = new WorkCounter(emulatedPosteriorPlan(), options.onWork);
  const stage = `MCMC ${chains} chains`;
  work.send("posterior", stage);
  const post = calibrateEmulated({
    u,
    outputs,
    observables,
    modelError,
    commonModelError,
    chains,
    warmup,
    draws: drawsPerChain,
    streams: Array.from({ length: chains + 1 }, (_, c) => createStream(seed, "calibration", c)),
    onProgress: (done) => work.add("posterior", done - work.doneOf("posterior"), stage),
  });
  work.close("posterior");
  work.resend("done");
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

/** One design of a joint calibration: its scenario with distributions, its measurements and its nominal run. */
export interface CalibrationPart {
  readonly design: UncertainScenario;
  readonly measurements: readonly Measurement[];
  readonly nominal: Results;
}

/**
 * Calibration of pressed powders by their exact structure, no emulator: every conductance of
 * the network is either the MOF's constriction (proportional to sigma_MOF) or a contact's
 * boundary (proportional to 1 / R_b), so sigma_eff = sigma_MOF Phi(sigma_MOF R_b) for a
 * given microstructure, with Phi a function of one variable. And the two rate parameters
 * rescale sigma_MOF exactly: sigma_MOF(T) = sigma_nom(T) (nu / nu_0) exp(-(delta - delta_0) / kT).
 * So the microstructure inputs (geometry, R_b: the nuisance) are drawn N times from their
 * priors (a Latin hypercube), Phi is tabulated for each draw by network solves (ln lambda on
 * a grid of `points`, cubic interpolation), and the posterior over (nu, delta, draw) is
 * computed on a `grid` x `grid` lattice of the rate parameters' scores: exact up to the grid
 * and the finite number of nuisance draws, whose effective number (Kish) is reported.
 *
 * Several designs at once (the pellets of several ions): they must be one powder pressed
 * alike (the same morphology block, distributions and seed: then draw s is one microstructure
 * for all of them, and Phi is tabulated once), each with its own rate parameters. Given draw
 * s the ions' likelihoods are independent, so the joint posterior is
 *   p(s, theta_1, ..., theta_D | data) ~ prod_d L_d(s, theta_d) p(theta_d):
 * draw s weighs prod_d Z_d(s) (Z_d its evidence over the rate grid of design d), and given s
 * each design's rate parameters follow their own grid posterior. The shared inputs (the
 * contact boundary, the powder's geometry and mechanics) are then conditioned on every
 * design's data.
 * Posterior draws: s by systematic resampling, then a cell per design in proportion to its
 * mass, uniform within the cell.
 *
 * The draws come in two rounds (options.adaptive, default): the first half from the prior; the
 * second from a defensive mixture of the prior and a normal fitted (in the inputs' normal
 * scores) to the first half's weights; every draw then weighs L(s) p(s) / (the rounds' average
 * density) (analysis/importance.ts). A joint posterior narrower than the prior (four ions'
 * data on one powder) leaves few prior draws with weight: the second round puts its draws
 * there. Kish's effective number of draws is reported for the whole and for the first round.
 */
export async function calibratePressedPowders(
  parts: readonly CalibrationPart[],
  options: {
    readonly samples: number;
    readonly grid?: number;
    readonly points?: number;
    readonly keepDraws?: number;
    /**
     * Two rounds (default): half the draws from the prior, half from a defensive mixture fitted
     * to the first half's weights (analysis/importance.ts); false: every draw from the prior.
     */
    readonly adaptive?: boolean;
    /** Threads for the draws' network tables (default 1: this thread); the result is the same on any number. */
    readonly workers?: number;
    readonly onProgress?: (f: number, text: string) => void;
    /** The work: network solves of the tabulation, grids of the posterior (exactCalibrationPlan). */
    readonly onWork?: (p: ScenarioProgress) => void;
  },
): Promise<PosteriorFile> {
  if (parts.length === 0) throw new InputError("calibrate: no design given");
  const first = parts[0]!.design;
  const names = parts.map((p) => p.design.scenario.name);
  const rates = parts.map(({ design }) => {
    const m = design.scenario.morphology;
    if (m?.kind !== "pressed-powder") throw new InputError(`calibrate: the exact-structure calibration is for pressed-powder designs; '${design.scenario.name}' is ${m?.kind ?? "without a morphology"}`);
    const r = rateKeys(design);
    if (r === null) throw new InputError(`calibrate: '${design.scenario.name}' needs distributions on species.0.attemptFrequencyHz and species.0.barrierShiftEV (the parameters the measurements calibrate)`);
    return r;
  });
  if (new Set(names).size !== names.length) throw new InputError(`calibrate: scenario names must differ (got ${names.join(", ")})`);
  const rateKeySet = new Set<string>();
  rates.forEach((r, d) => {
    for (const k of [r.attempt.key, r.shift.key]) {
      if (rateKeySet.has(k)) throw new InputError(`calibrate: '${names[d]}' shares its rate parameter '${k}' with another design; a joint calibration gives each design (each ion) its own`);
      rateKeySet.add(k);
    }
  });
  const sharedKeys = inputKeys(first.inputs).filter((k) => !rateKeySet.has(k));
  for (const [d, { design }] of parts.entries()) {
    if (d === 0) continue;
    const same = JSON.stringify((design.plain as Record<string, unknown>).morphology) === JSON.stringify((first.plain as Record<string, unknown>).morphology);
    if (!same || design.scenario.seed !== first.scenario.seed) {
      throw new InputError(`calibrate: '${names[d]}' is not the same powder as '${names[0]}' (a joint calibration needs one morphology block, distributions included, and one seed)`);
    }
    const keys = inputKeys(design.inputs).filter((k) => !rateKeySet.has(k));
    if (keys.join() !== sharedKeys.join()) throw new InputError(`calibrate: '${names[d]}' has other uncertain inputs (${keys.join(", ")}) than '${names[0]}' (${sharedKeys.join(", ")}) besides its rate parameters`);
  }
  const seed = first.scenario.seed;
  const n = options.samples;
  const G = options.grid ?? 160;
  const P = options.points ?? EXACT_POINTS;
  const work = new WorkCounter(exactCalibrationPlan(parts.length, n, P), options.onWork);
  // two rounds: half the draws from the prior (a Latin hypercube), half from a proposal fitted
  // to the first round's weights (analysis/importance.ts); one round when not adaptive
  const adaptive = options.adaptive ?? true;
  const n1 = adaptive ? Math.ceil(n / 2) : n;
  const { sweep, scores } = samplesSweep(first, n1, seed, []);
  const jobs = [...sweep.jobs];
  const firstKeys = inputKeys(first.inputs);
  // per design: its rate law, its boundary over the draws, its observables
  const models = parts.map(({ design, measurements, nominal }, d) => {
    const temps = nominal.kmc.map((k) => k.temperatureK);
    const sigmaNom = nominal.kmc.map((k) => k.totalConductivitySPerCm);
    const nu0 = design.scenario.species![0]!.attemptFrequencyHz!;
    const delta0 = design.scenario.species![0]!.barrierShiftEV ?? 0;
    const kT = temps.map((T) => BOLTZMANN_EV_PER_K * T);
    const r = rates[d]!;
    const lnMof = (i: number, uA: number, uS: number): number => Math.log(sigmaNom[i]!) + Math.log(quantile(r.attempt.spec, uA) / nu0) - (quantile(r.shift.spec, uS) - delta0) / kT[i]!;
    const lnRbOf = (job: SweepJob): number[] => temps.map((T) => Math.log(pressedBoundaryOhmCm2(job.scenario.morphology as PressedPowderSettings, T)));
    const lnRb = jobs.map(lnRbOf);
    // the model's own error: the KMC's statistics (independent per temperature) and the
    // contact element's (systematic, alike at every temperature)
    // a physical bound on the crystal's own conductivity: rate pairs above it have no prior weight
    const bound = design.scenario.species![0]!.conductivityBound;
    const boundAt = bound === undefined ? -1 : temps.findIndex((T) => Math.abs(T - bound.temperatureK) < 1e-9);
    if (bound !== undefined && boundAt < 0) throw new InputError(`species.0.conductivityBound.temperatureK: got ${bound.temperatureK}; must be one of temperaturesK (${temps.join(", ")})`);
    const lnBound = bound === undefined ? Infinity : Math.log(bound.maxSPerCm);
    const kmcVar = nominal.kmc.map((k, i) => (k.totalConductivityStdErr / sigmaNom[i]!) ** 2);
    const common = nominal.effective.map((e) => e.discretisationRelativeError ?? 0);
    const modelVarOf = (weights: readonly number[]): number => weights.reduce((a, w, i) => a + w * w * kmcVar[i]!, 0) + weights.reduce((a, w, i) => a + w * common[i]!, 0) ** 2;
    const obs = measurements.map((mm) => {
      if (mm.observable === "conductivity") {
        const i = temps.findIndex((T) => Math.abs(T - mm.temperatureK) < 1e-9);
        const w = temps.map((_, j) => (j === i ? 1 : 0));
        return { name: `${names[d]}: ln sigma ${mm.temperatureK} K`, weights: w, offset: 0, value: Math.log(mm.valueSPerCm), variance: mm.relativeError ** 2 + modelVarOf(w) };
      }
      const { weights, offset } = activationEnergyWeights(temps, BOLTZMANN_EV_PER_K, mm.form);
      return { name: `${names[d]}: Ea (${mm.form} form)`, weights, offset, value: mm.valueEV, variance: mm.errorEV ** 2 + modelVarOf(weights) };
    });
    return { temps, lnMof, lnRb, lnRbOf, obs, measurements, boundAt, lnBound };
  });
  // Phi of each draw, tabulated at 298.15 K (Phi depends on lambda alone) over the range of
  // ln(sigma_MOF R_b) that draw meets at any rate pair and temperature; a batch of draws on
  // the table workers when there are several (the same numbers as on this thread)
  const Tref = 298.15;
  const phiLo: number[] = [], phiDx: number[] = [];
  const workers = Math.max(1, options.workers ?? 1);
  if (workers > 1) setWorkerCompilation(workers);
  const pool = workers > 1 ? new Piscina<PhiTask, Float64Array>({ filename: workerFileUrl("tableWorker"), minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 1 }) : undefined;
  const taskOf = (job: SweepJob, s: number): PhiTask => {
    let lo = Infinity, hi = -Infinity;
    for (const md of models) {
      md.temps.forEach((_, i) => {
        for (const [uA, uS] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
          lo = Math.min(lo, md.lnMof(i, uA, uS) + md.lnRb[s]![i]!);
          hi = Math.max(hi, md.lnMof(i, uA, uS) + md.lnRb[s]![i]!);
        }
      });
    }
    lo -= 0.5;
    hi += 0.5;
    const dx = (hi - lo) / (P - 1);
    phiLo[s] = lo;
    phiDx[s] = dx;
    return { scenario: job.scenario, draw: s, lo, dx, points: P, temperatureK: Tref };
  };
  let tabulated = 0;
  const tabulate = async (batch: readonly SweepJob[], first: number): Promise<Float64Array[]> => {
    const tasks = batch.map((job, i) => taskOf(job, first + i));
    const done = (): void => {
      tabulated++;
      options.onProgress?.((0.95 * tabulated) / n, `tabulated the network of ${tabulated}/${n} draws`);
    };
    if (pool === undefined) {
      return tasks.map((t) => {
        const stage = `network of draw ${t.draw + 1}/${n}`;
        work.send("network", stage);
        const table = phiTable(t, () => work.add("network", 1, stage));
        done();
        return table;
      });
    }
    work.send("network", `networks of ${batch.length} draws on ${workers} threads`);
    return Promise.all(tasks.map((t) => pool.run(t).then((table) => {
      work.add("network", P, `networks of ${batch.length} draws on ${workers} threads`);
      done();
      return table;
    })));
  };
  try {
  const phi = await tabulate(jobs, 0);
  const lnSigma = (md: (typeof models)[number], s: number, uA: number, uS: number, out: Float64Array): void => {
    for (let i = 0; i < md.temps.length; i++) {
      const lm = md.lnMof(i, uA, uS);
      out[i] = lm + hermite(phi[s]!, phiLo[s]!, phiDx[s]!, lm + md.lnRb[s]![i]!);
    }
  };
  /** Log-likelihood of design d at draw s over its rate grid (one unit of posterior work). */
  const gridLog = (d: number, s: number): Float64Array => {
    work.add("posterior", 1, "posterior on the grid");
    const md = models[d]!;
    const y = new Float64Array(md.temps.length);
    const out = new Float64Array(G * G);
    for (let a = 0; a < G; a++) {
      for (let b = 0; b < G; b++) {
        if (md.boundAt >= 0 && md.lnMof(md.boundAt, (a + 0.5) / G, (b + 0.5) / G) > md.lnBound) {
          out[a * G + b] = -Infinity;
          continue;
        }
        lnSigma(md, s, (a + 0.5) / G, (b + 0.5) / G, y);
        let lp = 0;
        for (const o of md.obs) {
          let v = o.offset;
          for (let i = 0; i < y.length; i++) v += o.weights[i]! * y[i]!;
          lp -= (v - o.value) ** 2 / (2 * o.variance);
        }
        out[a * G + b] = lp;
      }
    }
    return out;
  };
  /** ln of draw s's joint likelihood: the sum over designs of ln Z_d(s), each design's evidence over its rate grid. */
  const logLikelihood = (s: number): number => models.reduce((acc, _, d) => {
    const g = gridLog(d, s);
    let max = -Infinity;
    for (const v of g) max = Math.max(max, v);
    if (max === -Infinity) throw new InputError(`species.0.conductivityBound.maxSPerCm: ${names[d]}'s bound excludes every rate pair its priors allow`);
    let sum = 0;
    for (const v of g) sum += Math.exp(v - max);
    return acc + max + Math.log(sum);
  }, 0);
  options.onProgress?.(adaptive ? 0.5 : 0.95, "posterior on the grid");
  work.send("posterior", "posterior on the grid");
  const logL = jobs.map((_, s) => logLikelihood(s));
  // the second round: the shared inputs' normal scores drawn from a defensive mixture fitted
  // to the first round's weights (the rate parameters are on the grid, their scores unused)
  const sharedAt = sharedKeys.map((k) => firstKeys.indexOf(k));
  const zOf = (u: Float64Array): Float64Array => Float64Array.from(sharedAt, (j) => normalQuantile(u[j]!));
  const z = scores.map(zOf);
  let logW = logL;
  let priorRoundEss: number | undefined;
  if (n > n1) {
    const q = fitProposal(z, logL);
    const rngAdapt = createStream(seed, "calibration-adapt");
    const z2 = sampleDefensive(q, n - n1, rngAdapt);
    const scores2 = z2.map((zi) => {
      const u = new Float64Array(firstKeys.length).fill(0.5);
      sharedAt.forEach((j, c) => (u[j] = Math.min(1 - 1e-15, Math.max(1e-15, normalCdf(zi[c]!)))));
      return u;
    });
    const jobs2 = sampleJobs(first, scores2, n1);
    for (const job of jobs2) {
      jobs.push(job);
      for (const md of models) md.lnRb.push(md.lnRbOf(job));
    }
    scores.push(...scores2);
    z.push(...z2);
    phi.push(...(await tabulate(jobs2, n1)));
    options.onProgress?.(0.95, "posterior on the grid");
    work.send("posterior", "posterior on the grid");
    for (let s = n1; s < n; s++) logL.push(logLikelihood(s));
    priorRoundEss = normalisedWeights(logL.slice(0, n1)).effective;
    logW = mixtureLogWeights(z, logL, n1, q);
  }
  // the draws' weights, normalised, and Kish's effective number of them
  const { weights: W, effective: drawEss } = normalisedWeights(logW);
  // posterior draws: systematic resampling of s, then a cell per design (its grid posterior at s)
  const keep = options.keepDraws ?? 2000;
  const rng = createStream(seed, "calibration-draws");
  const keys = [...sharedKeys, ...rates.flatMap((r) => [r.attempt.key, r.shift.key])];
  const specOf = (key: string) => parts.map((p) => p.design.inputs.find((i) => i.key === key)).find((i) => i !== undefined)!.spec;
  const cumulative = new Map<string, Float64Array>();
  const cellCdf = (d: number, s: number): Float64Array => {
    const key = `${d}:${s}`;
    let c = cumulative.get(key);
    if (c === undefined) {
      const g = gridLog(d, s);
      let max = -Infinity;
      for (const v of g) max = Math.max(max, v);
      c = new Float64Array(g.length);
      let acc = 0;
      for (let k = 0; k < g.length; k++) c[k] = acc += Math.exp(g[k]! - max);
      cumulative.set(key, c);
    }
    return c;
  };
  const draws: { u: number[]; x: number[] }[] = [];
  const drawOf: number[] = [];
  let acc = 0, idx = 0;
  const start = rng.nextFloat() / keep;
  for (let t = 0; t < keep; t++) {
    const target = start + t / keep;
    while (idx < n - 1 && acc + W[idx]! < target) acc += W[idx++]!;
    const s = idx;
    const u = sharedKeys.map((k) => scores[s]![firstKeys.indexOf(k)]!);
    models.forEach((_, d) => {
      const c = cellCdf(d, s);
      const v = rng.nextFloat() * c[c.length - 1]!;
      let lo2 = 0, hi2 = c.length - 1;
      while (lo2 < hi2) {
        const mid = (lo2 + hi2) >> 1;
        if (c[mid]! < v) lo2 = mid + 1;
        else hi2 = mid;
      }
      u.push((Math.floor(lo2 / G) + rng.nextFloat()) / G, ((lo2 % G) + rng.nextFloat()) / G);
    });
    draws.push({ u, x: keys.map((key, j) => quantile(specOf(key), u[j]!)) });
    drawOf.push(s);
  }
  work.close("posterior");
  work.resend("done");
  // the fit: posterior predictive of each observable
  const fit = models.flatMap((md, d) => {
    const y = new Float64Array(md.temps.length);
    const jA = sharedKeys.length + 2 * d;
    return md.obs.map((o, j) => {
      const vals = draws.map((dr, t) => {
        lnSigma(md, drawOf[t]!, dr.u[jA]!, dr.u[jA + 1]!, y);
        return y.reduce((a2, v, i) => a2 + o.weights[i]! * v, o.offset);
      });
      const mean = vals.reduce((a2, v) => a2 + v, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a2, v) => a2 + (v - mean) ** 2, 0) / (vals.length - 1));
      const mm = md.measurements[j]!;
      return { name: o.name, measured: o.value, error: mm.observable === "conductivity" ? mm.relativeError : mm.errorEV, predicted: mean, predictedSd: sd };
    });
  });
  return {
    scenario: names.join("+"),
    ...(parts.length > 1 ? { scenarios: names } : {}),
    method: `exact structure: sigma_eff = sigma_MOF Phi(sigma_MOF R_b), Phi tabulated for ${n} draws of the microstructure (${P} network solves each; ${n > n1 ? `${n1} from the prior, ${n - n1} from a proposal fitted to their weights, all weighed against the mixture of the two` : "from the prior"}), the rate parameters on a ${G} x ${G} grid${parts.length > 1 ? ` per design; ${parts.length} designs sharing the microstructure draws (joint)` : ""}${parts
      .map((p) => p.design.scenario.species![0]!.conductivityBound)
      .map((b, d) => (b === undefined ? "" : `; ${names[d]}: crystal conductivity <= ${b.maxSPerCm} S/cm at ${b.temperatureK} K (${b.source})`))
      .join("")}`,
    samples: n,
    seed,
    diagnostics: { effectiveMicrostructureDraws: drawEss, ...(priorRoundEss !== undefined ? { priorRoundEffectiveDraws: priorRoundEss } : {}) },
    inputs: keys.map((key, j) => {
      const xs = draws.map((dr) => dr.x[j]!).sort((p2, q2) => p2 - q2);
      const spec = specOf(key);
      const paths = [...new Set(parts.flatMap((p) => p.design.inputs.filter((i) => i.key === key).map((i) => i.path)))];
      return { key, paths, prior: spec, posteriorMedian: sortedQuantile(xs, 0.5), posterior90: [sortedQuantile(xs, 0.05), sortedQuantile(xs, 0.95)] as const, prior90: [quantile(spec, 0.05), quantile(spec, 0.95)] as const };
    }),
    draws,
    fit,
    measurements: parts.flatMap((p) => p.measurements),
  };
  } finally {
    await pool?.destroy();
  }
}

/** One pressed powder calibrated alone (calibratePressedPowders with one design). */
export function calibratePressedPowder(
  design: UncertainScenario,
  measurements: readonly Measurement[],
  nominal: Results,
  options: Parameters<typeof calibratePressedPowders>[1],
): Promise<PosteriorFile> {
  return calibratePressedPowders([{ design, measurements, nominal }], options);
}
