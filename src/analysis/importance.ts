/**
 * Adaptive importance sampling for a likelihood that is costly per draw (a pressed powder's
 * network tabulated per microstructure draw): a first round of draws from the prior, then a
 * second from a proposal fitted to the first round's weights, and every draw weighed against
 * the mixture of the two rounds' densities.
 *
 * Space: the standard-normal scores z = Phi^-1(u) of the inputs' uniform scores u, where the
 * prior is N(0, I) whatever the inputs' own distributions.
 * - Proposal: a defensive mixture (Hesterberg, Technometrics 37, 185, 1995), a share
 *   DEFENSIVE_SHARE of the prior and the rest a normal with the first round's weighted mean
 *   and per-coordinate sd, widened by PROPOSAL_WIDENING (diagonal: a handful of effective
 *   draws cannot estimate correlations), each sd at least MIN_PROPOSAL_SD. The prior share
 *   keeps every weight below (N1 + N2) / (N1 + N2 alpha) times the likelihood's largest value,
 *   so a proposal that misses part of the posterior cannot give a draw unbounded weight.
 * - Weights: deterministic-mixture (balance-heuristic) weights over both rounds (Owen and
 *   Zhou, J. Am. Stat. Assoc. 95, 135, 2000; Veach and Guibas, SIGGRAPH 1995): draw i,
 *   from whichever round, weighs L(z_i) p(z_i) / ((N1 p(z_i) + N2 q(z_i)) / (N1 + N2)).
 *   Self-normalised, they give consistent posterior expectations; the effective number of
 *   draws is Kish's (sum w)^2 / sum w^2.
 */
import type { RandomStream } from "../core/rng.js";

/** Share of the second round drawn from the prior itself. */
export const DEFENSIVE_SHARE = 0.3;
/** Factor on the first round's weighted sd per coordinate. */
export const PROPOSAL_WIDENING = 1.5;
/** Smallest proposal sd per coordinate (in prior sd units). */
export const MIN_PROPOSAL_SD = 0.15;

const LN_2PI = Math.log(2 * Math.PI);

/** A diagonal normal in score space. */
export interface DiagonalNormal {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
}

/** ln N(z; 0, I). */
export function logPrior(z: Float64Array): number {
  let s = 0;
  for (let j = 0; j < z.length; j++) s += z[j]! * z[j]!;
  return -0.5 * (s + z.length * LN_2PI);
}

/** ln N(z; mean, diag sd^2). */
export function logNormal(z: Float64Array, q: DiagonalNormal): number {
  let s = 0;
  for (let j = 0; j < z.length; j++) {
    const t = (z[j]! - q.mean[j]!) / q.sd[j]!;
    s += t * t + 2 * Math.log(q.sd[j]!);
  }
  return -0.5 * (s + z.length * LN_2PI);
}

/** ln(exp(a) + exp(b)) without overflow. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** Normalised weights from log weights (max-shifted), and Kish's effective number. */
export function normalisedWeights(logW: readonly number[]): { weights: Float64Array; effective: number } {
  const max = Math.max(...logW);
  const weights = new Float64Array(logW.length);
  if (max === -Infinity) throw new RangeError("every draw has weight zero");
  let sum = 0;
  logW.forEach((v, i) => (sum += weights[i] = Math.exp(v - max)));
  let sq = 0;
  for (let i = 0; i < weights.length; i++) {
    weights[i]! /= sum;
    sq += weights[i]! * weights[i]!;
  }
  return { weights, effective: 1 / sq };
}

/** The second round's normal: the weighted mean and widened sd of the first round's scores. */
export function fitProposal(z: readonly Float64Array[], logW: readonly number[]): DiagonalNormal {
  const { weights } = normalisedWeights(logW);
  const d = z[0]!.length;
  const mean = new Float64Array(d), sd = new Float64Array(d);
  z.forEach((zi, i) => {
    for (let j = 0; j < d; j++) mean[j]! += weights[i]! * zi[j]!;
  });
  z.forEach((zi, i) => {
    for (let j = 0; j < d; j++) sd[j]! += weights[i]! * (zi[j]! - mean[j]!) ** 2;
  });
  for (let j = 0; j < d; j++) sd[j] = Math.max(MIN_PROPOSAL_SD, PROPOSAL_WIDENING * Math.sqrt(sd[j]!));
  return { mean, sd };
}

/** n draws of the defensive mixture: DEFENSIVE_SHARE of them (by a uniform draw each) from the prior, the rest from q. */
export function sampleDefensive(q: DiagonalNormal, n: number, rng: RandomStream): Float64Array[] {
  const d = q.mean.length;
  return Array.from({ length: n }, () => {
    const fromPrior = rng.nextFloat() < DEFENSIVE_SHARE;
    const z = new Float64Array(d);
    for (let j = 0; j < d; j++) z[j] = fromPrior ? rng.nextNormal() : q.mean[j]! + q.sd[j]! * rng.nextNormal();
    return z;
  });
}

/**
 * Deterministic-mixture log weights of n1 prior draws followed by n2 defensive-mixture draws
 * (z holds both rounds in that order; logL their log-likelihoods): ln L + ln p - ln of the
 * rounds' average density.
 */
export function mixtureLogWeights(z: readonly Float64Array[], logL: readonly number[], n1: number, q: DiagonalNormal): number[] {
  const n2 = z.length - n1;
  const lnN = Math.log(n1 + n2);
  return z.map((zi, i) => {
    const lp = logPrior(zi);
    const lq = logAdd(Math.log(DEFENSIVE_SHARE) + lp, Math.log(1 - DEFENSIVE_SHARE) + logNormal(zi, q));
    const mix = logAdd(n1 > 0 ? Math.log(n1) + lp : -Infinity, n2 > 0 ? Math.log(n2) + lq : -Infinity) - lnN;
    return logL[i]! + lp - mix;
  });
}
