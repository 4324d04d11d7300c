/**
 * Posterior sampling with diagnostics: several independent random-walk Metropolis chains
 * whose Gaussian proposal is adapted during warm-up only (Haario, Saksman and Tamminen,
 * Bernoulli 7, 223, 2001: the pooled covariance of the warm-up draws scaled by
 * 2.38^2 / d, Gelman, Roberts and Gilks 1996), then frozen, so the kept draws come from a
 * valid Markov chain. Reported with each parameter: split R-hat and the effective sample
 * size (Gelman et al., Bayesian Data Analysis, 3rd ed., sec. 11.4-11.5: the variogram
 * autocorrelation summed over Geyer's initial positive pairs).
 */
import type { RandomStream } from "../core/rng.js";
import { choleskyFactor } from "../linalg/cholesky.js";

export interface McmcOptions {
  /** Independent chains (>= 2 for R-hat; default 4). */
  readonly chains?: number;
  /** Warm-up draws per chain (adaptation; discarded). */
  readonly warmup: number;
  /** Kept draws per chain. */
  readonly draws: number;
  /** One stream per chain. */
  readonly streams: readonly RandomStream[];
  /** A starting point per chain (dispersed: drawn from the prior). */
  readonly initial: readonly (readonly number[])[];
  /** Initial proposal standard deviation per parameter. */
  readonly initialStep: readonly number[];
  /** Called every PROGRESS_STEPS steps and at the end with the steps done and planned (over all chains, warm-up included). */
  readonly onProgress?: (stepsDone: number, stepsPlanned: number) => void;
}

/** Steps between two progress calls. */
const PROGRESS_STEPS = 4096;

/** Metropolis steps a run of sampleMetropolis takes: chains x (the warm-up's 5 rounds + the kept draws). */
export function metropolisSteps(chains: number, warmup: number, draws: number): number {
  return chains * (5 * Math.max(1, Math.floor(warmup / 5)) + draws);
}

export interface McmcResult {
  /** Kept draws: chains x draws x dimension. */
  readonly draws: readonly (readonly Float64Array[])[];
  readonly acceptance: readonly number[];
  /** Per parameter. */
  readonly rhat: readonly number[];
  readonly ess: readonly number[];
}

/** Sample exp(logDensity); -Infinity outside the support. */
export function sampleMetropolis(logDensity: (x: Float64Array) => number, options: McmcOptions): McmcResult {
  const C = options.chains ?? 4;
  const d = options.initialStep.length;
  if (options.streams.length !== C || options.initial.length !== C) throw new RangeError(`sampleMetropolis: ${C} chains need ${C} streams and ${C} starting points`);
  const state = options.initial.map((x0) => Float64Array.from(x0));
  const logp = state.map((x, c) => {
    const v = logDensity(x);
    if (!Number.isFinite(v)) throw new RangeError(`sampleMetropolis: chain ${c} starts where the density is ${v}`);
    return v;
  });
  // proposal: Cholesky factor of its covariance (diagonal at first)
  let chol: Float64Array = new Float64Array(d * d);
  for (let i = 0; i < d; i++) chol[i * d + i] = options.initialStep[i]!;
  const z = new Float64Array(d);
  const proposal = new Float64Array(d);
  const planned = metropolisSteps(C, options.warmup, options.draws);
  let steps = 0;
  const step = (c: number): boolean => {
    if (++steps % PROGRESS_STEPS === 0) options.onProgress?.(steps, planned);
    const s = options.streams[c]!;
    for (let i = 0; i < d; i++) z[i] = s.nextNormal();
    const x = state[c]!;
    for (let i = 0; i < d; i++) {
      let v = x[i]!;
      for (let k = 0; k <= i; k++) v += chol[i * d + k]! * z[k]!;
      proposal[i] = v;
    }
    const lp = logDensity(proposal);
    if (Math.log(s.nextFloatPositive()) < lp - logp[c]!) {
      x.set(proposal);
      logp[c] = lp;
      return true;
    }
    return false;
  };
  // warm-up in rounds: each round's pooled draws set the next proposal covariance
  const rounds = 5;
  const perRound = Math.max(1, Math.floor(options.warmup / rounds));
  for (let r = 0; r < rounds; r++) {
    const seen: Float64Array[] = [];
    for (let t = 0; t < perRound; t++) {
      for (let c = 0; c < C; c++) {
        step(c);
        seen.push(state[c]!.slice());
      }
    }
    const cov = covariance(seen, d);
    const scale = (2.38 * 2.38) / d;
    for (let i = 0; i < d * d; i++) cov[i]! *= scale;
    for (let i = 0; i < d; i++) cov[i * d + i]! += 1e-12 * (options.initialStep[i]! ** 2);
    const f = choleskyFactor(cov, d);
    if (f !== null) chol = f;
  }
  const draws = state.map(() => [] as Float64Array[]);
  const accepted = new Array<number>(C).fill(0);
  for (let t = 0; t < options.draws; t++) {
    for (let c = 0; c < C; c++) {
      if (step(c)) accepted[c]!++;
      draws[c]!.push(state[c]!.slice());
    }
  }
  options.onProgress?.(steps, planned);
  const rhat: number[] = [];
  const ess: number[] = [];
  for (let i = 0; i < d; i++) {
    const series = draws.map((chain) => Float64Array.from(chain, (x) => x[i]!));
    const diag = convergence(series);
    rhat.push(diag.rhat);
    ess.push(diag.ess);
  }
  return { draws, acceptance: accepted.map((a) => a / options.draws), rhat, ess };
}

function covariance(xs: readonly Float64Array[], d: number): Float64Array {
  const n = xs.length;
  const mean = new Float64Array(d);
  for (const x of xs) for (let i = 0; i < d; i++) mean[i]! += x[i]! / n;
  const cov = new Float64Array(d * d);
  for (const x of xs) {
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) cov[i * d + j]! += ((x[i]! - mean[i]!) * (x[j]! - mean[j]!)) / (n - 1);
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[j * d + i] = cov[i * d + j]!;
  return cov;
}

/**
 * Split R-hat and effective sample size of one parameter from several chains (BDA3,
 * sec. 11.4-11.5): each chain split in halves; R-hat = sqrt(var+ / W); ESS = m n / tau,
 * tau = -1 + 2 sum_k (rho_2k + rho_2k+1) over Geyer's initial positive pairs (Geyer 1992),
 * rho_t = 1 - V_t / (2 var+) from the variogram V_t; tau at least 1 / log10(m n) (as Stan).
 */
export function convergence(chains: readonly Float64Array[]): { rhat: number; ess: number } {
  const halves: Float64Array[] = [];
  for (const c of chains) {
    const h = Math.floor(c.length / 2);
    halves.push(c.subarray(0, h), c.subarray(c.length - h));
  }
  const m = halves.length;
  const n = halves[0]!.length;
  const means = halves.map((h) => h.reduce((a, b) => a + b, 0) / n);
  const grand = means.reduce((a, b) => a + b, 0) / m;
  const B = (n / (m - 1)) * means.reduce((a, mu) => a + (mu - grand) ** 2, 0);
  const W = halves.reduce((a, h, j) => a + h.reduce((s, x) => s + (x - means[j]!) ** 2, 0) / (n - 1), 0) / m;
  const varPlus = ((n - 1) / n) * W + B / n;
  if (!(W > 0)) return { rhat: NaN, ess: NaN };
  const rhat = Math.sqrt(varPlus / W);
  const rho = (lag: number): number => {
    let v = 0;
    for (const h of halves) for (let i = lag; i < n; i++) v += (h[i]! - h[i - lag]!) ** 2;
    return 1 - v / (m * (n - lag)) / (2 * varPlus);
  };
  // Geyer: Gamma_k = rho_2k + rho_2k+1 summed while positive; tau = -1 + 2 sum Gamma_k
  let sum = 0;
  for (let k = 0; 2 * k + 1 < n; k++) {
    const pair = rho(2 * k) + rho(2 * k + 1);
    if (!(pair > 0)) break;
    sum += pair;
  }
  const tau = -1 + 2 * sum;
  return { rhat, ess: (m * n) / Math.max(tau, 1 / Math.log10(m * n)) };
}
