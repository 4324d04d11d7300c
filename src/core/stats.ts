/**
 * Small statistics kernels: mean, sample variance, standard error, and a streaming
 * accumulator (Welford, Technometrics 4, 419, 1962).
 */

export interface Estimate {
  readonly mean: number;
  /** Standard error of the mean; NaN when it cannot be estimated (fewer than 2 samples). */
  readonly stdErr: number;
  readonly samples: number;
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Unbiased sample variance (n - 1 in the denominator). */
export function sampleVariance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    s += d * d;
  }
  return s / (n - 1);
}

/** Mean and standard error sd / sqrt(n) of independent samples. */
export function estimate(xs: ArrayLike<number>): Estimate {
  const n = xs.length;
  return { mean: mean(xs), stdErr: Math.sqrt(sampleVariance(xs) / n), samples: n };
}

/**
 * Ratio estimator sum(y) / sum(x) over independent pairs (x_i, y_i), with its delta-method
 * standard error (Cochran, Sampling Techniques, 3rd ed., sec. 6.3):
 * se^2 = sum (y_i - R x_i)^2 / (n (n - 1) xbar^2).
 */
export function ratioEstimate(x: ArrayLike<number>, y: ArrayLike<number>): Estimate {
  const n = x.length;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const r = sy / sx;
  if (n < 2) return { mean: r, stdErr: NaN, samples: n };
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i]! - r * x[i]!;
    s += d * d;
  }
  const xbar = sx / n;
  return { mean: r, stdErr: Math.sqrt(s / (n * (n - 1))) / Math.abs(xbar), samples: n };
}

/** The quantile at fraction f of values sorted ascending, interpolated linearly between order statistics. */
export function sortedQuantile(sorted: ArrayLike<number>, f: number): number {
  const x = Math.min(1, Math.max(0, f)) * (sorted.length - 1);
  const i = Math.floor(x);
  return i + 1 < sorted.length ? sorted[i]! + (x - i) * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}

/** Streaming mean and variance. */
export class RunningStats {
  private n = 0;
  private m = 0;
  private s = 0;
  push(x: number): void {
    this.n++;
    const d = x - this.m;
    this.m += d / this.n;
    this.s += d * (x - this.m);
  }
  get count(): number {
    return this.n;
  }
  get mean(): number {
    return this.m;
  }
  get variance(): number {
    return this.n > 1 ? this.s / (this.n - 1) : NaN;
  }
  get stdErr(): number {
    return Math.sqrt(this.variance / this.n);
  }
}

/**
 * Standard normal quantile Phi^-1(p), 0 < p < 1: Wichura's algorithm AS 241 (PPND16),
 * Applied Statistics 37, 477-484 (1988), relative accuracy about 1e-16. Returns -Infinity
 * at p = 0, +Infinity at p = 1 and NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r +
          3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    value =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -value : value;
}

/**
 * Standard normal distribution function Phi(x). For |x| <= 3 Marsaglia's series
 * Phi(x) = 1/2 + phi(x) (x + x^3/3 + x^5/(3*5) + ...) (J. Stat. Softw. 11(4), 2004), absolute
 * error about 1e-16; in the tails Laplace's continued fraction
 * 1 - Phi(|x|) = phi(x) / (|x| + 1/(|x| + 2/(|x| + 3/(|x| + ...)))), 300 terms, relative
 * error below 3e-13 at |x| = 3 and about 1e-15 beyond 4.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -38) return 0;
  if (x > 38) return 1;
  if (Math.abs(x) > 3) {
    const a = Math.abs(x);
    let f = a;
    for (let k = 300; k >= 1; k--) f = a + k / f;
    const tail = Math.exp(-0.5 * x * x - 0.91893853320467274178) / f;
    return x < 0 ? tail : 1 - tail;
  }
  let sum = x;
  let term = x;
  const x2 = x * x;
  for (let i = 3; i < 2000; i += 2) {
    term *= x2 / i;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return Math.min(1, Math.max(0, 0.5 + sum * Math.exp(-0.5 * x2 - 0.91893853320467274178)));
}
