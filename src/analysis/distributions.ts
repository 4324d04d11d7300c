/**
 * The distributions an uncertain input may follow (DESIGN.md, "Uncertainty"), as quantile
 * functions, and the Latin hypercube that draws them. Every draw is x = Q(u) with u in
 * (0, 1), so the same u-design serves every distribution and the sensitivity analysis can
 * work in u (where every input is uniform and independent).
 *
 * - uniform(min, max); log-uniform(min, max), min > 0: ln x uniform.
 * - normal(mean, sd) and log-normal(median, sdLog), optionally truncated to [min, max]:
 *   Q(u) = mean + sd Phi^-1(Phi(a) + u (Phi(b) - Phi(a))), a and b the standardised bounds.
 */
import { normalCdf, normalQuantile } from "../core/stats.js";
import type { RandomStream } from "../core/rng.js";

export const DISTRIBUTION_KINDS = ["uniform", "log-uniform", "normal", "log-normal"] as const;
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

export type Distribution =
  | { readonly distribution: "uniform" | "log-uniform"; readonly min: number; readonly max: number }
  | { readonly distribution: "normal"; readonly mean: number; readonly sd: number; readonly min?: number; readonly max?: number }
  | { readonly distribution: "log-normal"; readonly median: number; readonly sdLog: number; readonly min?: number; readonly max?: number };

/** Standardised truncation of a normal on the scale where it is normal: [Phi(a), Phi(b)]. */
function normalWindow(d: Distribution & { distribution: "normal" | "log-normal" }): [number, number] {
  const [loc, scale] = d.distribution === "normal" ? [d.mean, d.sd] : [Math.log(d.median), d.sdLog];
  const toZ = (x: number | undefined, fallback: number): number => {
    if (x === undefined) return fallback;
    const y = d.distribution === "normal" ? x : x > 0 ? Math.log(x) : -Infinity;
    return (y - loc) / scale;
  };
  return [normalCdf(toZ(d.min, -Infinity)), normalCdf(toZ(d.max, Infinity))];
}

/** Quantile function: the value below which a fraction u of the distribution lies. */
export function quantile(d: Distribution, u: number): number {
  switch (d.distribution) {
    case "uniform":
      return d.min + u * (d.max - d.min);
    case "log-uniform":
      return Math.exp(Math.log(d.min) + u * Math.log(d.max / d.min));
    case "normal":
    case "log-normal": {
      const [lo, hi] = normalWindow(d);
      const z = normalQuantile(lo + u * (hi - lo));
      const x = d.distribution === "normal" ? d.mean + d.sd * z : Math.exp(Math.log(d.median) + d.sdLog * z);
      // keep a truncated draw inside its bounds despite rounding
      return Math.min(d.max ?? Infinity, Math.max(d.min ?? -Infinity, x));
    }
  }
}

/** Distribution function P(X <= x). */
export function cdf(d: Distribution, x: number): number {
  switch (d.distribution) {
    case "uniform":
      return Math.min(1, Math.max(0, (x - d.min) / (d.max - d.min)));
    case "log-uniform":
      return x <= 0 ? 0 : Math.min(1, Math.max(0, Math.log(x / d.min) / Math.log(d.max / d.min)));
    case "normal":
    case "log-normal": {
      const [lo, hi] = normalWindow(d);
      if (d.min !== undefined && x < d.min) return 0;
      if (d.max !== undefined && x >= d.max) return 1;
      const z = d.distribution === "normal" ? (x - d.mean) / d.sd : x > 0 ? (Math.log(x) - Math.log(d.median)) / d.sdLog : -Infinity;
      return Math.min(1, Math.max(0, (normalCdf(z) - lo) / (hi - lo)));
    }
  }
}

/** The median: the value a run without --uncertainty uses unless the input names its own. */
export function median(d: Distribution): number {
  return quantile(d, 0.5);
}

/**
 * The range a sample can reach: the bounds, or for an unbounded normal tail the
 * quantile at 1e-7 (a draw beyond it has odds below one in ten million).
 */
export function reach(d: Distribution): [number, number] {
  if (d.distribution === "uniform" || d.distribution === "log-uniform") return [d.min, d.max];
  return [quantile(d, 1e-7), quantile(d, 1 - 1e-7)];
}

/**
 * A Latin hypercube in u: `n` points, one per 1/n stratum of each column, strata paired
 * at random and each point uniform inside its stratum (McKay, Beckman and Conover,
 * Technometrics 21, 239, 1979). Column j uses only `streams[j]`, so a column depends on
 * its own stream and n, never on the other inputs. Returns n rows of length streams.length.
 */
export function latinHypercube(n: number, streams: readonly RandomStream[]): Float64Array[] {
  const rows = Array.from({ length: n }, () => new Float64Array(streams.length));
  streams.forEach((stream, j) => {
    const order = stream.sampleDistinct(n, n);
    for (let i = 0; i < n; i++) rows[i]![j] = (order[i]! + stream.nextFloatPositive() * (1 - 1e-12)) / n;
  });
  return rows;
}
