/**
 * Distributions in scenarios: the normal quantile and distribution function against
 * published values, quantile functions against their exact moments, the Latin hypercube's
 * strata, and every bad-input case the uncertainty contract names (exit 2 naming the field).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { normalCdf, normalQuantile } from "../../src/core/stats.js";
import { createStream } from "../../src/core/rng.js";
import { cdf, latinHypercube, quantile, type Distribution } from "../../src/analysis/distributions.js";
import { parseScenarioInputs } from "../../src/scenario/load.js";
import { expectWithinErrors } from "../stats-tolerance.js";

describe("normal distribution kernels", () => {
  it("match published quantiles and tail probabilities", () => {
    // Phi^-1(0.975) and Phi^-1(1e-10): Wichura (1988), Table 2, and Abramowitz & Stegun 26.2
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(1e-10) / -6.361340902404056 - 1).toBeLessThan(1e-14);
    expect(normalQuantile(0.5)).toBe(0);
    // Phi(-10) = 7.619853024160527e-24 and Phi(-5) = 2.866515718791939e-7 (A&S 26.2, Table 26.1)
    expect(Math.abs(normalCdf(-10) / 7.619853024160527e-24 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(normalCdf(-5) / 2.866515718791939e-7 - 1)).toBeLessThan(1e-14);
    // Phi(-3) = 1.3498980316300946e-3 (A&S Table 26.1): where the two methods meet
    expect(Math.abs(normalCdf(-3) / 1.3498980316300946e-3 - 1)).toBeLessThan(1e-12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
  });
  it("are inverse to each other from 1e-300 to 1 - 1e-15", () => {
    for (const p of [1e-300, 1e-20, 1e-8, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 1e-12]) {
      expect(Math.abs(normalCdf(normalQuantile(p)) / p - 1)).toBeLessThan(1e-11);
    }
  });
});

describe("quantile functions", () => {
  const cases: [string, Distribution, number][] = [
    // exact means: uniform (a+b)/2; log-uniform (b-a)/ln(b/a); normal mean; log-normal m exp(s^2/2)
    ["uniform", { distribution: "uniform", min: 2, max: 5 }, 3.5],
    ["log-uniform", { distribution: "log-uniform", min: 1e-5, max: 1e-3 }, (1e-3 - 1e-5) / Math.log(100)],
    ["normal", { distribution: "normal", mean: -1, sd: 0.3 }, -1],
    ["log-normal", { distribution: "log-normal", median: 2, sdLog: 0.5 }, 2 * Math.exp(0.125)],
  ];
  for (const [name, d, exactMean] of cases) {
    it(`${name}: the mean of a Latin hypercube sample matches the exact mean`, () => {
      const n = 4000;
      const u = latinHypercube(n, [createStream(3, "lhs", name)]);
      const xs = u.map((row) => quantile(d, row[0]!));
      const m = xs.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
      // a Latin hypercube's mean varies less than an independent sample's: sd/sqrt(n) bounds its error
      expectWithinErrors(m, exactMean, sd / Math.sqrt(n));
      for (const x of xs.slice(0, 50)) expect(Math.abs(cdf(d, x) - u[xs.indexOf(x)]![0]!)).toBeLessThan(1e-9);
    });
  }
  it("a truncated normal stays in its bounds and puts the right mass below a point", () => {
    const d: Distribution = { distribution: "normal", mean: 20, sd: 10, min: 0, max: 25 };
    // P(X < 20 | 0 < X < 25) = (Phi(0) - Phi(-2)) / (Phi(0.5) - Phi(-2))
    const exact = (0.5 - normalCdf(-2)) / (normalCdf(0.5) - normalCdf(-2));
    expect(cdf(d, 20)).toBeCloseTo(exact, 14);
    expect(quantile(d, exact)).toBeCloseTo(20, 10);
    expect(quantile(d, 1e-15)).toBeGreaterThanOrEqual(0);
    expect(quantile(d, 1 - 1e-15)).toBeLessThanOrEqual(25);
  });
  it("the Latin hypercube puts exactly one point in each 1/n stratum of every column", () => {
    const n = 97;
    const rows = latinHypercube(n, [createStream(1, "a"), createStream(1, "b"), createStream(1, "c")]);
    for (let j = 0; j < 3; j++) {
      const strata = rows.map((r) => Math.floor(r[j]! * n)).sort((a, b) => a - b);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // a column depends on its own stream only
    const again = latinHypercube(n, [createStream(1, "b")]);
    expect(again.map((r) => r[0])).toEqual(rows.map((r) => r[1]));
  });
});

describe("distributions in a scenario", () => {
  // the pellet with every distribution at its nominal value: a plain scenario to add distributions to
  const base = (): Record<string, any> => parseScenarioInputs(JSON.parse(readFileSync("scenarios/paper/pellet.json", "utf8"))).plain as Record<string, any>;
  const problemsOf = (edit: (s: Record<string, any>) => void): string => {
    const s = base();
    edit(s);
    try {
      parseScenarioInputs(s);
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  };
  it("a valid distribution: nominal value (the median) in the scenario, the input listed", () => {
    const s = base();
    s.morphology.contacts.pressed.resistanceOhmCm2 = { distribution: "log-uniform", min: 3e-5, max: 1e-3, reason: "r" };
    s.cell.chargeTransferOhmCm2 = { distribution: "normal", mean: 20, sd: 5, min: 0, basis: "measured", source: "s", nominal: 21 };
    const { scenario, inputs } = parseScenarioInputs(s);
    expect(scenario.morphology!.kind === "pressed-powder" && scenario.morphology!.contacts!.pressed!.resistanceOhmCm2).toBeCloseTo(Math.sqrt(3e-5 * 1e-3), 15);
    expect(scenario.cell!.chargeTransferOhmCm2).toBe(21);
    expect(inputs.map((i) => [i.path, i.spec.basis])).toEqual([
      ["morphology.contacts.pressed.resistanceOhmCm2", "assumed"],
      ["cell.chargeTransferOhmCm2", "measured"],
    ]);
  });
  it("distributions with one name are one input; a name given two different distributions is refused", () => {
    const s = base();
    const liquid = { distribution: "log-uniform", min: 1e-8, max: 1e-5, name: "pc-liquid", reason: "r" };
    s.morphology.contacts.pressed.resistanceOhmCm2 = { ...liquid, min: 1e-5, max: 1e-3, name: "boundary" };
    s.cell.chargeTransferOhmCm2 = { distribution: "uniform", min: 10, max: 30, name: "boundary-2", reason: "r" };
    s.cell.doubleLayerFPerCm2 = { distribution: "log-uniform", min: 1e-6, max: 1e-4, name: "dl", reason: "one" };
    s.morphology.contacts.pressed.capacitanceFPerCm2 = { distribution: "log-uniform", min: 1e-6, max: 1e-4, name: "dl", reason: "the same quantity, another reason text" };
    const { inputs } = parseScenarioInputs(s);
    expect(inputs.map((i) => i.key)).toEqual(["boundary", "dl", "boundary-2", "dl"]);
    s.morphology.contacts.pressed.capacitanceFPerCm2 = { distribution: "log-uniform", min: 1e-6, max: 1e-3, name: "dl", reason: "r" };
    expect(problemsOf((t) => Object.assign(t, s))).toMatch(/the distribution named 'dl' is also at .*, with other numbers/);
  });

  it("bounds out of order, negative scales, log-distributions reaching zero: named", () => {
    expect(problemsOf((s) => (s.morphology.pressureMPa = { distribution: "uniform", min: 7, max: 5, reason: "r" }))).toMatch(/^morphology\.pressureMPa: min \(7\) must be below max \(5\)/);
    expect(problemsOf((s) => (s.morphology.pressureMPa = { distribution: "normal", mean: 6, sd: -1, min: 1, reason: "r" }))).toMatch(/^morphology\.pressureMPa\.sd: got -1; the standard deviation must be > 0/);
    expect(problemsOf((s) => (s.morphology.pressureMPa = { distribution: "log-uniform", min: 0, max: 10, reason: "r" }))).toMatch(/^morphology\.pressureMPa\.min: got 0; a log-uniform distribution covers positive values only/);
    expect(problemsOf((s) => (s.morphology.pressureMPa = { distribution: "log-normal", median: 6, sdLog: 0, reason: "r" }))).toMatch(/sdLog: got 0; the standard deviation of ln x must be > 0/);
    expect(problemsOf((s) => (s.morphology.pressureMPa = { distribution: "beta", min: 1, max: 2 }))).toMatch(/^morphology\.pressureMPa\.distribution: got "beta"; expected "distribution" to be one of/);
  });
  it("an assumed input without a reason, a measured one without a source: named", () => {
    expect(problemsOf((s) => (s.morphology.pressureMPa = { distribution: "uniform", min: 5, max: 7 }))).toMatch(/^morphology\.pressureMPa: an assumed input needs a "reason" or a "source"/);
    expect(problemsOf((s) => (s.morphology.pressureMPa = { distribution: "normal", mean: 6, sd: 0.5, basis: "measured", reason: "r" }))).toMatch(/a measured input needs a "source"/);
  });
  it("a distribution in place of an integer or a name, or reaching outside the field's range: named", () => {
    expect(problemsOf((s) => (s.morphology.particleCount = { distribution: "uniform", min: 500, max: 900, reason: "r" }))).toMatch(/^morphology\.particleCount: a distribution can only replace a real number; this field is an integer/);
    expect(problemsOf((s) => (s.seed = { distribution: "uniform", min: 1, max: 9, reason: "r" }))).toMatch(/^seed: a distribution can only replace a real number/);
    expect(problemsOf((s) => (s.morphology.solidFraction = { distribution: "uniform", min: 0.5, max: 0.7, reason: "r" }))).toMatch(/^morphology\.solidFraction: the distribution reaches 0\.7000 at its upper end, which the field does not allow/);
    expect(problemsOf((s) => (s.cell.chargeTransferOhmCm2 = { distribution: "normal", mean: 20, sd: 10, reason: "r" }))).toMatch(/^cell\.chargeTransferOhmCm2: the distribution reaches -3.*lower end.*give it min\/max bounds/);
  });
});
