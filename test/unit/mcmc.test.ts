/**
 * The Metropolis sampler and its diagnostics on targets with known moments: a correlated
 * Gaussian (means 1 and -2, sds 1 and 0.5, correlation 0.9) and a banana (Haario et al.
 * 1999: x1 ~ N(0, 10^2), x2 | x1 ~ N(b (x1^2 - 100), 1) with b = 0.03; E x2 = 0,
 * var x2 = 1 + 2 b^2 10^4 = 19, and x2 - b (x1^2 - 100) ~ N(0, 1)). Tolerances from the reported effective sample size
 * (standard error sd / sqrt(ESS)); R-hat flags chains stuck in separate modes.
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { convergence, sampleMetropolis } from "../../src/analysis/mcmc.js";
import { expectWithinErrors } from "../stats-tolerance.js";

const streams = (label: string, n = 4) => Array.from({ length: n }, (_, c) => createStream(9, "mcmc-test", label, c));
const column = (draws: readonly (readonly Float64Array[])[], i: number) => draws.flatMap((chain) => chain.map((x) => x[i]!));
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - meanOf(xs)) ** 2, 0) / (xs.length - 1));

describe("Metropolis sampling with diagnostics", () => {
  it("a correlated Gaussian: means and sds within their effective-sample errors; R-hat near 1", () => {
    const mu = [1, -2], sd = [1, 0.5], rho = 0.9;
    const logp = (x: Float64Array) => {
      const a = (x[0]! - mu[0]!) / sd[0]!, b = (x[1]! - mu[1]!) / sd[1]!;
      return -(a * a - 2 * rho * a * b + b * b) / (2 * (1 - rho * rho));
    };
    const r = sampleMetropolis(logp, { warmup: 2000, draws: 4000, streams: streams("gauss"), initial: [[-3, 2], [5, -6], [0, 0], [3, -1]], initialStep: [1, 1] });
    for (let i = 0; i < 2; i++) {
      const xs = column(r.draws, i);
      expect(r.rhat[i]).toBeLessThan(1.01);
      expect(r.ess[i]).toBeGreaterThan(500);
      expectWithinErrors(meanOf(xs), mu[i]!, sd[i]! / Math.sqrt(r.ess[i]!));
      // the sd's standard error: sd / sqrt(2 ESS) for a Gaussian
      expectWithinErrors(sdOf(xs), sd[i]!, sd[i]! / Math.sqrt(2 * r.ess[i]!));
    }
    for (const a of r.acceptance) expect(a).toBeGreaterThan(0.2);
  });

  it("a banana: the curved target's mean and its conditional spread within their errors", () => {
    const b = 0.03;
    const logp = (x: Float64Array) => -(x[0]! ** 2) / 200 - (x[1]! - b * (x[0]! ** 2 - 100)) ** 2 / 2;
    const r = sampleMetropolis(logp, { warmup: 4000, draws: 12000, streams: streams("banana"), initial: [[0, 0], [5, 0], [-5, 0], [0, 2]], initialStep: [3, 1] });
    const x1 = column(r.draws, 0);
    const x2 = column(r.draws, 1);
    expect(r.rhat[1]).toBeLessThan(1.05);
    expectWithinErrors(meanOf(x2), 0, Math.sqrt(19 / r.ess[1]!));
    // x2 - b (x1^2 - 100) is N(0, 1) whatever x1: its variance 1 checks that the chains follow the curve
    const residual = x2.map((v, i) => v - b * (x1[i]! ** 2 - 100));
    expectWithinErrors(sdOf(residual) ** 2, 1, Math.sqrt(2 / Math.min(...r.ess)));
  });

  it("R-hat flags chains that sit in different modes; ESS of independent draws is about their number", () => {
    const s = createStream(3, "rhat");
    const chains = [0, 0, 8, 8].map((m) => Float64Array.from({ length: 1000 }, () => m + s.nextNormal()));
    expect(convergence(chains).rhat).toBeGreaterThan(2);
    const iid = [0, 0, 0, 0].map(() => Float64Array.from({ length: 1000 }, () => s.nextNormal()));
    const d = convergence(iid);
    expect(d.rhat).toBeLessThan(1.01);
    // ESS of 4000 independent draws: 4000 within its own scatter (about 10 % at this size)
    expect(d.ess).toBeGreaterThan(3200);
    expect(d.ess).toBeLessThan(5000);
  });
});
