/**
 * Bayesian calibration through an emulator. The model has been run at n samples of its
 * uncertain inputs (uniform scores u in (0, 1)^k, each input x = Q(u) from its prior), giving
 * m outputs per sample (for example ln sigma at each temperature). Measurements are linear
 * combinations of the outputs, o_j = w_j . y + c_j (ln sigma at 25 C is one output; an
 * Arrhenius slope is a least-squares combination of several), each with its error.
 *
 * Each output gets a polynomial chaos emulator y_i(u) (analysis/sobol.ts); its leave-one-out
 * error is the emulator's variance, added to the measurement's and the model's own in the
 * likelihood:
 *   ln L(u) = -sum_j (w_j . y(u) + c_j - o_j)^2 / (2 (e_j^2 + sum_i w_ji^2 (s_emu,i^2 + s_model,i^2))),
 * (plus a systematic model error common to all outputs, (sum_i w_i c_i)^2), with the prior
 * uniform in u (the inputs' own priors). The posterior is sampled by
 * Metropolis chains (analysis/mcmc.ts) with their diagnostics.
 */
import type { RandomStream } from "../core/rng.js";
import { evaluate, legendreTable, pceSobol, type Expansion } from "./sobol.js";
import { sampleMetropolis } from "./mcmc.js";

export interface Observable {
  readonly name: string;
  /** Weights on the model outputs (length m) and an offset: o = w . y + offset. */
  readonly weights: readonly number[];
  readonly offset?: number;
  readonly value: number;
  /** Standard error of the measurement, in the observable's units (> 0). */
  readonly error: number;
}

export interface EmulatedCalibrationInput {
  /** Uniform scores of the model samples: n rows of k. */
  readonly u: readonly Float64Array[];
  /** Model outputs of the samples: n rows of m. */
  readonly outputs: readonly (readonly number[])[];
  readonly observables: readonly Observable[];
  /** The model's own independent error per output (statistics not in the samples), sd in output units. */
  readonly modelError?: readonly number[];
  /**
   * The model's own systematic error per output, fully correlated between outputs (a
   * discretisation or contact-element error that moves every temperature alike): it enters
   * an observable as (sum_i w_i c_i)^2, so it shifts ln sigma but not an Arrhenius slope.
   */
  readonly commonModelError?: readonly number[];
  readonly chains?: number;
  readonly warmup?: number;
  readonly draws?: number;
  /** Streams: one per chain and one for the starting points. */
  readonly streams: readonly RandomStream[];
  /** Highest emulator degree (default 4). */
  readonly maxDegree?: number;
  /** Emulators fitted before (`emulators(u, outputs)`), to calibrate several data sets on one set of samples. */
  readonly emulators?: readonly FittedEmulator[];
  /** The chains' steps done and planned (sampleMetropolis's onProgress). */
  readonly onProgress?: (stepsDone: number, stepsPlanned: number) => void;
}

export interface FittedEmulator {
  readonly expansion: Expansion;
  /** Leave-one-out error, sd in output units. */
  readonly looSd: number;
  readonly degree: number;
  readonly terms: number;
}

export interface EmulatedPosterior {
  /** Posterior draws in u (pooled over chains, chain after chain). */
  readonly draws: readonly Float64Array[];
  readonly rhat: readonly number[];
  readonly ess: readonly number[];
  readonly acceptance: readonly number[];
  /** Per output: the emulator's leave-one-out error (sd, output units) and its degree. */
  readonly emulators: readonly { readonly looSd: number; readonly degree: number; readonly terms: number }[];
  /** Per observable: measured, and the posterior predictive mean and sd (emulated, without the measurement's error). */
  readonly fit: readonly { readonly name: string; readonly measured: number; readonly error: number; readonly predicted: number; readonly predictedSd: number }[];
}

/** Fit one emulator per output. */
export function emulators(u: readonly Float64Array[], outputs: readonly (readonly number[])[], maxDegree = 4): FittedEmulator[] {
  const m = outputs[0]!.length;
  return Array.from({ length: m }, (_, i) => {
    const y = outputs.map((row) => row[i]!);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / (y.length - 1);
    const s = pceSobol(u, y, { maxDegree, bootstrap: 0 });
    return { expansion: s.expansion, looSd: Math.sqrt(s.looRelativeError * variance), degree: s.degree, terms: s.terms };
  });
}

export function calibrateEmulated(input: EmulatedCalibrationInput): EmulatedPosterior {
  const k = input.u[0]!.length;
  const m = input.outputs[0]!.length;
  for (const o of input.observables) {
    if (o.weights.length !== m) throw new RangeError(`observable ${o.name}: ${o.weights.length} weights for ${m} outputs`);
    if (!(o.error > 0)) throw new RangeError(`observable ${o.name}: its error must be > 0, got ${o.error}`);
  }
  const ems = input.emulators ?? emulators(input.u, input.outputs, input.maxDegree ?? 4);
  const modelErr = input.modelError ?? new Array<number>(m).fill(0);
  const common = input.commonModelError ?? new Array<number>(m).fill(0);
  const variances = input.observables.map((o) => o.error ** 2 + o.weights.reduce((a, w, i) => a + w * w * (ems[i]!.looSd ** 2 + modelErr[i]! ** 2), 0) + o.weights.reduce((a, w, i) => a + w * common[i]!, 0) ** 2);
  const y = new Float64Array(m);
  const pMax = Math.max(...ems.map((e) => e.degree));
  const table = new Float64Array(k * (pMax + 1));
  const emulate = (u: ArrayLike<number>): void => {
    legendreTable(u, pMax, table);
    for (let i = 0; i < m; i++) y[i] = evaluate(ems[i]!.expansion, table, pMax);
  };
  const logDensity = (u: Float64Array): number => {
    for (let j = 0; j < k; j++) if (!(u[j]! > 0 && u[j]! < 1)) return -Infinity;
    emulate(u);
    let lp = 0;
    input.observables.forEach((o, j) => {
      let v = o.offset ?? 0;
      for (let i = 0; i < m; i++) v += o.weights[i]! * y[i]!;
      lp -= (v - o.value) ** 2 / (2 * variances[j]!);
    });
    return lp;
  };
  const chains = input.chains ?? 4;
  if (input.streams.length < chains + 1) throw new RangeError(`calibrateEmulated: ${chains} chains need ${chains + 1} streams`);
  const start = input.streams[chains]!;
  // dispersed starts: the best of 50 prior draws per chain (a start where the density is -Infinity cannot move)
  const initial = Array.from({ length: chains }, () => {
    let best: Float64Array | null = null;
    let bestLp = -Infinity;
    for (let t = 0; t < 50; t++) {
      const x = Float64Array.from({ length: k }, () => 0.02 + 0.96 * start.nextFloat());
      const lp = logDensity(x);
      if (lp > bestLp) {
        bestLp = lp;
        best = x;
      }
    }
    return Array.from(best!);
  });
  const r = sampleMetropolis(logDensity, {
    chains,
    warmup: input.warmup ?? 2000,
    draws: input.draws ?? 4000,
    streams: input.streams.slice(0, chains),
    initial,
    initialStep: new Array<number>(k).fill(0.1),
    ...(input.onProgress !== undefined ? { onProgress: input.onProgress } : {}),
  });
  const draws = r.draws.flat();
  const emulated = draws.map((u) => {
    emulate(u);
    return y.slice();
  });
  const fit = input.observables.map((o) => {
    const values = emulated.map((ys) => {
      let v = o.offset ?? 0;
      for (let i = 0; i < m; i++) v += o.weights[i]! * ys[i]!;
      return v;
    });
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    return { name: o.name, measured: o.value, error: o.error, predicted: mean, predictedSd: sd };
  });
  return { draws, rhat: r.rhat, ess: r.ess, acceptance: r.acceptance, emulators: ems.map((e) => ({ looSd: e.looSd, degree: e.degree, terms: e.terms })), fit };
}

/**
 * Weights that turn ln sigma at temperatures T_i into the activation energy of the
 * Arrhenius line fitted to them by least squares: ln sigma (+ ln T for the sigma T form)
 * = a - Ea / (kB T), so Ea = -kB * slope of y against 1/T. Returns the weights on ln sigma
 * and the offset (the ln T term of the sigma T form, a constant).
 */
export function activationEnergyWeights(temperaturesK: readonly number[], boltzmannEVPerK: number, form: "sigma" | "sigmaT"): { weights: number[]; offset: number } {
  const x = temperaturesK.map((T) => 1 / T);
  const xm = x.reduce((a, b) => a + b, 0) / x.length;
  const sxx = x.reduce((a, v) => a + (v - xm) ** 2, 0);
  const weights = x.map((v) => (-boltzmannEVPerK * (v - xm)) / sxx);
  const offset = form === "sigmaT" ? temperaturesK.reduce((a, T, i) => a + weights[i]! * Math.log(T), 0) : 0;
  return { weights, offset };
}
