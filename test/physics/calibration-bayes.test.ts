/**
 * Bayesian calibration through an emulator, on a model whose truth we choose: a pellet-like
 * forward model with the structure of the real one (the MOF's Arrhenius line scaled by the
 * two exact rate parameters, ln s and delta, in series with a contact resistance that caps
 * it: ln sigma = ln sigma_MOF + ln 0.3 - ln(1 + exp(ln sigma_MOF + ln R + 7)), R a nuisance
 * with its prior). The model is run at 128 Latin-hypercube samples, emulated, and the
 * measurements (ln sigma at 25 C and the Arrhenius Ea, or ln sigma at each temperature)
 * calibrate it.
 * - Recovery: precise data at five temperatures put the posterior of (ln s, delta) on the
 *   truth (within 4 posterior standard deviations) and far inside the prior.
 * - Coverage: with the truth drawn from the prior and noisy data, 90 % posterior intervals
 *   must cover the truth 85-95 % of the time (Cook, Gelman and Rubin, J. Comput. Graph.
 *   Stat. 15, 675, 2006: a correct posterior covers at its nominal rate). 200 trials x 3
 *   parameters: the coverage's standard error is about 1.5 %, so the window is +-3 of them.
 */
import { describe, expect, it } from "vitest";
import { BOLTZMANN_EV_PER_K as kB } from "../../src/core/constants.js";
import { createStream } from "../../src/core/rng.js";
import { latinHypercube } from "../../src/analysis/distributions.js";
import { activationEnergyWeights, calibrateEmulated, emulators, type Observable } from "../../src/analysis/bayes.js";

const T = [253.15, 273.15, 298.15, 313.15, 333.15];
const theta = (u: ArrayLike<number>) => [-2.3 + 4.6 * u[0]!, -0.1 + 0.2 * u[1]!, Math.log(3e-5) + Math.log(1e-3 / 3e-5) * u[2]!];
const model = (u: ArrayLike<number>): number[] => {
  const [lnS, delta, lnR] = theta(u) as [number, number, number];
  return T.map((t) => {
    const lnMof = Math.log(3e-3) - 0.2 / (kB * t) + 0.2 / (kB * 298.15) + lnS - delta / (kB * t);
    return lnMof + Math.log(0.3) - Math.log1p(Math.exp(lnMof + lnR + 7));
  });
};
const u = latinHypercube(128, [0, 1, 2].map((j) => createStream(1, "bayes-test", j)));
const outputs = u.map(model);
const ems = emulators(u, outputs, 4);
const streams = (...label: (string | number)[]) => Array.from({ length: 5 }, (_, c) => createStream(3, "bayes-chains", ...label, c));

describe("Bayesian calibration through an emulator", () => {
  it("precise data recover the rate parameters the data were made with", () => {
    const truth = [0.7, 0.35, 0.1];
    const y = model(truth);
    const observables: Observable[] = T.map((t, i) => ({ name: `ln sigma ${t}`, weights: T.map((_, j) => (j === i ? 1 : 0)), value: y[i]!, error: 0.01 }));
    const post = calibrateEmulated({ u, outputs, emulators: ems, observables, streams: streams("recovery"), warmup: 2000, draws: 4000 });
    for (const j of [0, 1]) {
      const xs = post.draws.map((d) => theta(d)[j]!);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      const exact = theta(truth)[j]!;
      expect(Math.abs(mean - exact), `parameter ${j}: ${mean} +- ${sd} vs ${exact}`).toBeLessThan(4 * sd);
      // far inside the prior (uniform: sd = width / sqrt 12)
      expect(sd).toBeLessThan(0.1 * (j === 0 ? 4.6 : 0.2) / Math.sqrt(12));
    }
    expect(Math.max(...post.rhat)).toBeLessThan(1.05);
  });

  it("90 % posterior intervals cover a truth drawn from the prior 85-95 % of the time", () => {
    const ea = activationEnergyWeights(T, kB, "sigma");
    const rng = createStream(2, "bayes-truth");
    let covered = 0, checks = 0;
    for (let trial = 0; trial < 200; trial++) {
      const truth = Float64Array.from({ length: 3 }, () => rng.nextFloat());
      const y = model(truth);
      const observables: Observable[] = [
        { name: "ln sigma 25 C", weights: [0, 0, 1, 0, 0], value: y[2]! + 0.05 * rng.nextNormal(), error: 0.05 },
        { name: "Ea", weights: ea.weights, offset: ea.offset, value: ea.weights.reduce((a, w, i) => a + w * y[i]!, 0) + 0.01 * rng.nextNormal(), error: 0.01 },
      ];
      const post = calibrateEmulated({ u, outputs, emulators: ems, observables, streams: streams("coverage", trial), warmup: 600, draws: 1500 });
      for (let j = 0; j < 3; j++) {
        const xs = post.draws.map((d) => d[j]!).sort((a, b) => a - b);
        if (truth[j]! >= xs[Math.floor(0.05 * xs.length)]! && truth[j]! <= xs[Math.floor(0.95 * xs.length)]!) covered++;
        checks++;
      }
    }
    const coverage = covered / checks;
    expect(coverage).toBeGreaterThan(0.85);
    expect(coverage).toBeLessThan(0.95);
  });

  it("Ea weights give the slope of an exact Arrhenius line", () => {
    for (const form of ["sigma", "sigmaT"] as const) {
      const { weights, offset } = activationEnergyWeights(T, kB, form);
      // ln sigma = 2 - 0.3/(kT) - (sigmaT form: ln T) is an exact line of Ea 0.3 eV in that form
      const lnSigma = T.map((t) => 2 - 0.3 / (kB * t) - (form === "sigmaT" ? Math.log(t) : 0));
      expect(weights.reduce((a, w, i) => a + w * lnSigma[i]!, offset)).toBeCloseTo(0.3, 12);
    }
  });
});
