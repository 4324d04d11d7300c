/**
 * The emulator of `--uncertainty N --emulate M` (sweep/emulate.ts) on synthetic runs whose
 * truth is known, so nothing here compares the code with itself:
 * - coverage: a model ln y = g(u) + 0.15 z (g smooth in three inputs, z standard normal: the
 *   realisation scatter) is "run" at M = 40 random inputs, emulated at 400 draws, and the
 *   emulated 90 % band is set against fresh draws of the true model. Over 100 trials the band
 *   must hold 85-95 % of them (the coverage issue 10 asks of the project's intervals), and the
 *   measured coverage is also within 3 standard errors (from the trials' scatter) of 0.90 plus
 *   the band's known conservative excess (the expansion's estimation variance is in both the
 *   fitted mean's spread and the left-out residual: about +2p/M of the residual variance,
 *   bounded here by 0.93);
 * - outputs a smooth expansion cannot follow keep the runs' band and say why: zero in some runs
 *   (a threshold), the same in every run, no dependence on the inputs at all (left-out error
 *   near 100 %), missing from some runs;
 * - the up-front check of M names the design short of runs.
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { sortedQuantile } from "../../src/core/stats.js";
import { emulateOutputs, minimumRuns, MAX_EMULATOR_LOO, type RunOutput } from "../../src/sweep/emulate.js";
import { checkEmulatorRuns, samplesSweep, type UncertainScenario } from "../../src/sweep/uncertainty.js";
import { parseScenarioInputs } from "../../src/scenario/load.js";

const g = (u: Float64Array): number => 1.5 * (u[0]! - 0.5) + 2 * (u[1]! - 0.5) ** 2 - 0.7 * u[0]! * u[2]!;
const SCATTER = 0.15;

function uniformRows(n: number, k: number, stream: ReturnType<typeof createStream>): Float64Array[] {
  return Array.from({ length: n }, () => Float64Array.from({ length: k }, () => stream.nextFloat()));
}

function runs(rows: readonly Float64Array[], value: (u: Float64Array, s: number) => number | null): Map<number, RunOutput[]> {
  return new Map(
    rows.map((u, s) => {
      const v = value(u, s);
      return [s, v === null ? [] : [{ path: "y", label: "y", value: v }]];
    }),
  );
}

describe("emulated bands", () => {
  it("the emulated 90 % band covers fresh draws of the true model 85-95 % of the time (100 trials)", () => {
    const T = 100, M = 40, N = 400, K = 100;
    const coverage: number[] = [];
    for (let t = 0; t < T; t++) {
      const stream = createStream(11, "emulator-coverage", t);
      const train = uniformRows(M, 3, stream);
      const out = emulateOutputs("synthetic", train, runs(train, (u) => Math.exp(g(u) + SCATTER * stream.nextNormal())), uniformRows(N, 3, stream), 11 + t).get("y")!;
      expect(out.values, JSON.stringify(out.emulator)).not.toBeNull();
      const sorted = Array.from(out.values!).sort((a, b) => a - b);
      const lo = sortedQuantile(sorted, 0.05), hi = sortedQuantile(sorted, 0.95);
      let inside = 0;
      for (let j = 0; j < K; j++) {
        const u = Float64Array.from({ length: 3 }, () => stream.nextFloat());
        const y = Math.exp(g(u) + SCATTER * stream.nextNormal());
        if (y >= lo && y <= hi) inside++;
      }
      coverage.push(inside / K);
    }
    const mean = coverage.reduce((a, b) => a + b, 0) / T;
    const se = Math.sqrt(coverage.reduce((a, c) => a + (c - mean) ** 2, 0) / (T - 1) / T);
    expect(mean).toBeGreaterThanOrEqual(0.85);
    expect(mean).toBeLessThanOrEqual(0.95);
    expect(mean).toBeGreaterThan(0.9 - 3 * se);
    expect(mean).toBeLessThan(0.93 + 3 * se);
  });

  it("keeps the runs' band where a smooth expansion cannot follow, and says why", () => {
    const stream = createStream(3, "emulator-refusals");
    const train = uniformRows(30, 2, stream);
    const draws = uniformRows(50, 2, stream);
    const reason = (value: (u: Float64Array, s: number) => number | null): string => {
      const out = emulateOutputs("d", train, runs(train, value), draws, 3).get("y")!;
      expect(out.values).toBeNull();
      return "notEmulated" in out.emulator ? out.emulator.notEmulated : "emulated";
    };
    expect(reason((u) => (u[0]! > 0.5 ? 1e-4 * u[1]! : 0))).toMatch(/^zero in \d+ of 30 runs/);
    expect(reason(() => 150)).toBe("the same in every run");
    // pure scatter: nothing to emulate, the left-out error is about all of the variance
    expect(reason(() => 1 + stream.nextNormal())).toMatch(/unexplained on left-out runs/);
    expect(reason((u, s) => (s % 7 === 0 ? null : u[0]!))).toBe("missing from 5 of 30 runs");
  });

  it("a model inside the expansion's span is emulated exactly: no residual, the draws' values are the model's", () => {
    const stream = createStream(4, "emulator-exact");
    const train = uniformRows(30, 2, stream);
    const draws = uniformRows(20, 2, stream);
    const f = (u: Float64Array): number => Math.exp(2 * u[0]! - u[1]! * u[1]!);
    const out = emulateOutputs("d", train, runs(train, f), draws, 4).get("y")!;
    expect(out.emulator).toMatchObject({ scale: "log" });
    if (!("looRelativeError" in out.emulator)) throw new Error("not emulated");
    expect(out.emulator.looRelativeError).toBeLessThan(1e-20);
    draws.forEach((u, s) => expect(Math.abs(out.values![s]! / f(u) - 1)).toBeLessThan(1e-9));
    expect(MAX_EMULATOR_LOO).toBe(0.5);
  });

  it("an output with a physical range (a capacity up to the theoretical one) is emulated in logit: no draw leaves the range; one at an end of it keeps the runs' band", () => {
    const Q = 169.9;
    const stream = createStream(5, "emulator-range");
    const train = uniformRows(40, 2, stream);
    const draws = uniformRows(2000, 2, stream);
    const cap = (u: Float64Array): number => Q / (1 + Math.exp(-(6 * u[0]! - 2 + 0.5 * stream.nextNormal())));
    const withRange = (value: (u: Float64Array) => number) => new Map(train.map((u, s) => [s, [{ path: "y", label: "y", value: value(u), range: [0, Q] as const }]]));
    const out = emulateOutputs("d", train, withRange(cap), draws, 5).get("y")!;
    expect(out.emulator).toMatchObject({ scale: "logit" });
    expect(Math.min(...out.values!)).toBeGreaterThan(0);
    expect(Math.max(...out.values!)).toBeLessThan(Q);
    const atEnd = emulateOutputs("d", train, withRange((u) => (u[0]! > 0.8 ? Q : cap(u))), draws, 5).get("y")!;
    expect(atEnd.values).toBeNull();
    expect(atEnd.emulator).toMatchObject({ notEmulated: expect.stringMatching(/^at the end of its range/) });
  });

  it("refuses too few runs for a design's inputs, naming it, before anything runs", () => {
    const design = (name: string, k: number): UncertainScenario => {
      const phases = Array.from({ length: k }, (_, i) => ({ name: `p${i}`, fraction: 1 / k, conductivitySPerCm: { distribution: "uniform", min: 1, max: 2, reason: "test" }, transferenceNumber: 1 }));
      const { scenario, inputs, plain } = parseScenarioInputs({ name, seed: 1, temperaturesK: [298.15], morphology: { kind: "random-voxels", shape: [4, 4, 4], voxelNm: 50, phases } });
      return { scenario, inputs, plain, baseDir: "." };
    };
    expect(minimumRuns(4)).toBe(15);
    expect(checkEmulatorRuns(15, 64, [design("small", 4)])).toEqual([15]);
    // auto: each design its own 3 (k + 1), every draw run where that reaches N
    expect(checkEmulatorRuns("auto", 64, [design("small", 4), design("wide", 6)])).toEqual([15, 21]);
    expect(checkEmulatorRuns("auto", 16, [design("small", 4), design("wide", 6)])).toEqual([15, undefined]);
    expect(() => checkEmulatorRuns(15, 64, [design("small", 4), design("wide", 6)])).toThrow(/--emulate: got 15; wide has 6 uncertain inputs and needs at least 21 runs/);
    expect(() => checkEmulatorRuns(64, 64, [design("small", 4)])).toThrow(/from 8 to 63 \(below --uncertainty 64/);
    expect(() => checkEmulatorRuns(2.5, 64, [design("small", 4)])).toThrow(/--emulate: got 2.5/);
  });
  it("takes a design's runs from one design of the largest M, so designs with different M draw their shared inputs alike", () => {
    const block = (name: string, k: number) => {
      const phases = Array.from({ length: k }, (_, i) => ({ name: `p${i}`, fraction: 1 / k, conductivitySPerCm: { distribution: "uniform", min: 1, max: 2, reason: "test", name: `shared-${i}` }, transferenceNumber: 1 }));
      const { scenario, inputs, plain } = parseScenarioInputs({ name, seed: 1, temperaturesK: [298.15], morphology: { kind: "random-voxels", shape: [4, 4, 4], voxelNm: 50, phases } });
      return { scenario, inputs, plain, baseDir: "." } as UncertainScenario;
    };
    // 15 runs of a 4-input design, 21 of a 6-input one sharing its 4 inputs by name
    const small = samplesSweep(block("small", 4), 15, 7, [], [], 21).scores;
    const wide = samplesSweep(block("wide", 6), 21, 7, []).scores;
    for (let s = 0; s < 15; s++) for (let j = 0; j < 4; j++) expect(small[s]![j]).toBe(wide[s]![j]);
    // without it, the 15 runs are a Latin hypercube of their own: other draws
    const own = samplesSweep(block("small", 4), 15, 7, []).scores;
    expect(own.some((u, s) => u[0] !== wide[s]![0])).toBe(true);
  });
});
