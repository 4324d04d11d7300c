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
