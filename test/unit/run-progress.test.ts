/**
 * The progress events of small real runs: runScenario's work (KMC hops, network and
 * impedance solves, cell runs) never goes back, never passes its plan, is planned from the
 * scenario before any work, and ends with done == planned; progress changes no result. A
 * sweep's progress counts work, not jobs; so do the samples of an uncertainty run (sweep jobs),
 * the MCMC and the exact-structure calibration. The sweep parts need the built dist/ (npm run build).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { kmcRunOptions, runScenario, type KmcTemperatureResult, type ScenarioRunState } from "../../src/pipeline/runScenario.js";
import { WORK_KINDS, impedanceFrequencyCount, plannedKmcHops, plannedWork, type ScenarioProgress } from "../../src/pipeline/progress.js";
import { parseSweep } from "../../src/sweep/definition.js";
import { runSweepToEnd, type SweepProgress } from "../../src/sweep/run.js";
import { parseScenarioInputs } from "../../src/scenario/load.js";
import { propagateUncertainty, samplePlan, type UncertainScenario } from "../../src/sweep/uncertainty.js";
import { calibratePressedPowder, exactCalibrationPlan, type Measurement } from "../../src/sweep/calibrate.js";
import { metropolisSteps, sampleMetropolis } from "../../src/analysis/mcmc.js";
import { createStream } from "../../src/core/rng.js";
import { SweepFollower, WorkTracker } from "../../src/cli/progress.js";
import { FIT_GRID_POINTS, calibrateScenario, plannedCalibrationWork } from "../../src/pipeline/calibrate.js";

// scenarios/validation/cell-on-random-composite.json made small, at two temperatures
const json = JSON.parse(readFileSync(new URL("../../scenarios/validation/cell-on-random-composite.json", import.meta.url), "utf8")) as Record<string, any>;
json.temperaturesK = [273.15, 298.15];
json.lattice.cells = [6, 6, 6];
json.kmc = { equilibrationHops: 2000, hops: 12000, replicas: 2, blocks: 4 };
json.morphology.shape = [12, 12, 12];
json.morphology.realizations = 2;
const scenario = parseScenario(json);

interface Event {
  readonly fraction: number;
  readonly stage: string;
  readonly progress: ScenarioProgress;
}

function run(kmcCache?: Map<string, KmcTemperatureResult>): { events: Event[]; results: ReturnType<typeof runScenario> } {
  const events: Event[] = [];
  const results = runScenario(scenario, { ...(kmcCache !== undefined ? { kmcCache } : {}), onProgress: (fraction, stage, progress) => events.push({ fraction, stage, progress }) });
  return { events, results };
}

describe("runScenario's progress events", () => {
  const cache = new Map<string, KmcTemperatureResult>(); // empty: the run plans every hop, and fills it
  const { events, results } = run(cache);

  it("done never goes back nor passes the plan; the plan only shrinks; the fraction only grows", () => {
    expect(events.length).toBeGreaterThan(10);
    expectMonotone(events);
  });

  it("starts from the scenario's plan and ends at done == planned, fraction 1, stage 'done'", () => {
    expect(events[0]!.progress.planned).toEqual(plannedWork(scenario, kmcRunOptions(scenario)));
    const last = events.at(-1)!;
    expect(last.stage).toBe("done");
    expect(last.fraction).toBe(1);
    expect(last.progress.done).toEqual(last.progress.planned);
    // the counts of this run, exactly: every planned hop; one AC solve per frequency and electrode (bulk, Li, SS)
    expect(last.progress.done.kmc).toBe(scenario.temperaturesK.length * plannedKmcHops(kmcRunOptions(scenario)));
    expect(last.progress.done.impedance).toBe(3 * impedanceFrequencyCount(scenario.cell!.impedance));
    // 2 realisations x 2 temperatures, plus the estimates' solves and the cell's DC solves
    expect(last.progress.done.network).toBeGreaterThanOrEqual(4 + 2);
    // the Evans run and the discharge sets (nominal, +- its error, four with a loss removed)
    expect(last.progress.done.cell).toBe(8);
  });

  it("names each stage while it runs", () => {
    const stages = new Set(events.map((e) => e.stage));
    for (const T of scenario.temperaturesK) expect(stages).toContain(`KMC ${T} K`);
    expect(stages).toContain("network realisation 2/2, 298.15 K");
    expect(stages).toContain("impedance 298.15 K");
    expect(events.find((e) => e.stage === "impedance 298.15 K")!.progress.kind).toBe("impedance");
  });

  it("changes no result, and a run with the KMC cached plans no hops", () => {
    expect(JSON.stringify(runScenario(scenario))).toBe(JSON.stringify(results));
    const again = run(cache);
    expect(JSON.stringify(again.results)).toBe(JSON.stringify(results));
    expect(again.events[0]!.progress.planned.kmc).toBe(0);
    expect(again.events.at(-1)!.progress.done.kmc).toBe(0);
  });
});

describe("a run continued from its checkpoint", () => {
  it("counts the checkpoint's hops as done at its first event, and ends at done == planned with the uninterrupted results", () => {
    let saved: ScenarioRunState | undefined;
    let asked = 0;
    const whole = runScenario(scenario, { checkpoint: { due: () => ++asked === 5, save: (st) => { if (st.current !== null) saved ??= st; } } });
    expect(saved?.current?.temperatureK).toBe(scenario.temperaturesK[0]);
    const resumedHops = saved!.current!.kmc.replicas.reduce((sum, r) => sum + (r?.hopsDone ?? 0), 0);
    expect(resumedHops).toBeGreaterThan(0);
    const events: ScenarioProgress[] = [];
    const again = runScenario(scenario, { checkpoint: { initial: saved!, due: () => false, save: () => {} }, onProgress: (_f, _stage, p) => events.push(p) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(whole));
    expect(events[0]!.done.kmc).toBe(resumedHops);
    expect(events[0]!.planned.kmc).toBe(scenario.temperaturesK.length * plannedKmcHops(kmcRunOptions(scenario)));
    expect(events.at(-1)!.done).toEqual(events.at(-1)!.planned);
  });
});

describe("a sweep's progress counts work, not jobs", () => {
  const dir = mkdtempSync(join(tmpdir(), "mofhop-progress-sweep-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("two jobs, the second 10x the hops: after the first, about 1/11 of the work; monotone; ends at done == planned", async () => {
    const short = 20_000, long = 200_000;
    const sweep = parseSweep({
      name: "progress",
      base: {
        name: "p",
        seed: 3,
        temperaturesK: [300],
        lattice: { kind: "simple-cubic", cells: [8, 8, 8], latticeConstantAngstrom: 3 },
        species: [{ name: "Li+", charge: 1, occupancy: 0.1, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
        kmc: { equilibrationHops: 0, hops: short, replicas: 2, blocks: 4 },
      },
      grid: { "kmc.hops": [short, long] },
    });
    const events: SweepProgress[] = [];
    const summary = await runSweepToEnd(sweep, { out: dir, workers: 1, onProgress: (p) => events.push(p) });
    expect(summary).toMatchObject({ done: 2, failed: [], complete: true });
    const planned = 2 * (short + long);
    expect(events[0]!.work.planned.kmc).toBe(planned);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.work.done.kmc).toBeGreaterThanOrEqual(events[i - 1]!.work.done.kmc);
      expect(events[i]!.work.done.kmc).toBeLessThanOrEqual(events[i]!.work.planned.kmc);
    }
    const afterFirst = events.find((e) => e.done === 1)!;
    expect(afterFirst.fraction).toBeCloseTo(short / (short + long), 12); // 1/11; by jobs it was 1/2
    const last = events.at(-1)!;
    expect(last.fraction).toBe(1);
    expect(last.work.done).toEqual(last.work.planned);
    expect(last.active).toEqual([]);
  });
});

describe("the stages of --uncertainty and calibrate count work", () => {
  const root = mkdtempSync(join(tmpdir(), "mofhop-progress-uncertainty-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("an uncertainty run's samples: planned up front as samplePlan, every job's work monotone, the sweep's and each job's ending at done == planned", async () => {
    // a homogeneous block whose phase conductivity is uncertain (no KMC): 8 samples on 2 threads
    const design: UncertainScenario = {
      ...parseScenarioInputs({
        name: "block",
        seed: 5,
        temperaturesK: [298.15],
        morphology: {
          kind: "random-voxels",
          shape: [6, 6, 6],
          voxelNm: 50,
          phases: [{ name: "A", fraction: 1, conductivitySPerCm: { distribution: "log-uniform", min: 1e-4, max: 1e-2, reason: "test" }, transferenceNumber: 1 }],
        },
      }),
      baseDir: root,
    };
    const nominal = runScenario(design.scenario);
    const events: SweepProgress[] = [];
    const tracker = new WorkTracker(1);
    tracker.stage(2, "block", "samples");
    const pre = new Map(Array.from({ length: 8 }, (_, s) => [s, tracker.plan(`sample ${s + 1}`, samplePlan(design))] as const));
    const follower = new SweepFollower(tracker, (s) => `sample ${s + 1}`, pre);
    const { summary } = await propagateUncertainty(design, nominal, [], { samples: 8, dir: join(root, "u"), workers: 2, onSweepProgress: (p) => { events.push(p); follower.update(p); } });
    expect(summary).toMatchObject({ done: 8, complete: true });
    const first = events[0]!.change;
    expect(first.type).toBe("planned");
    if (first.type !== "planned") return;
    expect(first.jobs.map((j) => j.job)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const j of first.jobs) expect(j.planned).toEqual(samplePlan(design)); // the stand-in plan is each sample's own
    for (let i = 1; i < events.length; i++) {
      for (const k of WORK_KINDS) {
        expect(events[i]!.work.done[k]).toBeGreaterThanOrEqual(events[i - 1]!.work.done[k]);
        expect(events[i]!.work.done[k]).toBeLessThanOrEqual(events[i]!.work.planned[k]);
      }
    }
    const byJob = new Map<number, ScenarioProgress[]>();
    for (const e of events) if (e.change.type === "progress") (byJob.get(e.change.job) ?? byJob.set(e.change.job, []).get(e.change.job)!).push(e.change.progress);
    expect([...byJob.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const list of byJob.values()) {
      for (let i = 1; i < list.length; i++) for (const k of WORK_KINDS) expect(list[i]!.done[k]).toBeGreaterThanOrEqual(list[i - 1]!.done[k]);
      expect(list.at(-1)!.done).toEqual(list.at(-1)!.planned);
    }
    expect(events.filter((e) => e.change.type === "ended").map((e) => (e.change.type === "ended" ? e.change.status : ""))).toEqual(new Array(8).fill("done"));
    const last = events.at(-1)!;
    expect(last.work.done).toEqual(last.work.planned);
    expect(last.work.done.network).toBe(8); // one solve per sample (one realisation, no estimates)
    expect(tracker.estimate()).toMatchObject({ fraction: 1, etaSeconds: 0 });
    expect(tracker.label()).toBe("block [8/8 samples] starting");
  });

  it("a sample's stand-in plan has its own KMC only when an input changes what the KMC computes (a barrier, not the attempt frequency)", () => {
    const withSpecies = (species: Record<string, unknown>): UncertainScenario => ({
      ...parseScenarioInputs({
        name: "kmc-block",
        seed: 5,
        temperaturesK: [298.15, 320],
        lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
        species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13, ...species }],
        kmc: { equilibrationHops: 1000, hops: 10000, replicas: 2, blocks: 5 },
      }),
      baseDir: root,
    });
    const rescaled = withSpecies({ attemptFrequencyHz: { distribution: "log-uniform", min: 1e12, max: 1e14, nominal: 1e13, reason: "test" } });
    expect(samplePlan(rescaled).kmc).toBe(0);
    const own = withSpecies({ hopBarrierEV: { distribution: "uniform", min: 0.18, max: 0.22, nominal: 0.2, reason: "test" } });
    expect(samplePlan(own).kmc).toBe(2 * plannedKmcHops(kmcRunOptions(own.scenario)));
  });

  it("the MCMC counts its chains' steps up to metropolisSteps, and counting changes no draw", () => {
    const options = { chains: 2, warmup: 1000, draws: 9000, initial: [[0.1], [-0.1]], initialStep: [0.5] };
    const logDensity = (x: Float64Array): number => -0.5 * x[0]! * x[0]!;
    const seen: [number, number][] = [];
    const counted = sampleMetropolis(logDensity, { ...options, streams: [createStream(1, "m", 0), createStream(1, "m", 1)], onProgress: (d, p) => seen.push([d, p]) });
    const plain = sampleMetropolis(logDensity, { ...options, streams: [createStream(1, "m", 0), createStream(1, "m", 1)] });
    expect(counted.draws).toEqual(plain.draws);
    const planned = metropolisSteps(2, 1000, 9000);
    expect(planned).toBe(20_000);
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThan(seen[i - 1]![0]);
    expect(seen.every(([, p]) => p === planned)).toBe(true);
    expect(seen.at(-1)![0]).toBe(planned);
  });

  it("the exact structure's calibration: its plan up front, the tabulation's solves and the grid's draws monotone, ending at done == planned", async () => {
    const { scenario: s, inputs, plain } = parseScenarioInputs({
      name: "small-pellet",
      seed: 4,
      temperaturesK: [260, 330],
      lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
      species: [{
        name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2,
        attemptFrequencyHz: { distribution: "log-uniform", min: 1e11, max: 1e14, nominal: 1e13, basis: "fitted", source: "test data", name: "nu" },
        barrierShiftEV: { distribution: "uniform", min: -0.05, max: 0.05, nominal: 0, basis: "fitted", source: "test data", name: "shift" },
      }],
      kmc: { equilibrationHops: 500, hops: 4000, replicas: 2, blocks: 4 },
      morphology: {
        kind: "pressed-powder", particleDiameterNm: 500, diameterLogSd: 0.2, solidFraction: 0.58, pressureMPa: 6,
        material: { youngsModulusGPa: 30, poissonRatio: 0.3, hardnessGPa: 1 },
        particleCount: 60, realizations: 1, tolerance: 1e-10, phases: [{ name: "mof" }],
        contacts: { pressed: { resistanceOhmCm2: { distribution: "log-uniform", min: 3e-5, max: 1e-3, reason: "test prior" }, activationEnergyEV: 0.16 } },
      },
    });
    const nominal = runScenario(s);
    const measurements: Measurement[] = [{ scenario: "small-pellet", observable: "conductivity", temperatureK: 330, valueSPerCm: nominal.effective[1]!.conductivitySPerCm, relativeError: 0.1, source: "the model" }];
    const events: ScenarioProgress[] = [];
    await calibratePressedPowder({ scenario: s, inputs, plain, baseDir: "." }, measurements, nominal, { samples: 8, grid: 20, points: 12, onWork: (p) => events.push(p) });
    expect(events[0]!.planned).toEqual(exactCalibrationPlan(1, 8, 12));
    for (let i = 1; i < events.length; i++) {
      for (const k of WORK_KINDS) {
        expect(events[i]!.done[k]).toBeGreaterThanOrEqual(events[i - 1]!.done[k]);
        expect(events[i]!.planned[k]).toBeLessThanOrEqual(events[i - 1]!.planned[k]);
        expect(events[i]!.done[k]).toBeLessThanOrEqual(events[i]!.planned[k]);
      }
    }
    const last = events.at(-1)!;
    expect(last.stage).toBe("done");
    expect(last.done).toEqual(last.planned);
    expect(last.done.network).toBe(8 * 12);
    expect(last.done.posterior).toBeGreaterThanOrEqual(8); // each draw's evidence, and the grids of the draws resampled
  });
});

describe("the point fit (calibrate --sigma --ea) counts its solves", () => {
  it("the reference KMC's hops, then each network solve of the ceiling check and the fit: planned up front, monotone, ending at done == planned; counting changes no number", () => {
    const s = parseScenario({
      name: "small-pellet",
      seed: 4,
      temperaturesK: [260, 298.15, 330],
      lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
      species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
      kmc: { equilibrationHops: 500, hops: 4000, replicas: 2, blocks: 4 },
      morphology: {
        kind: "pressed-powder", particleDiameterNm: 500, diameterLogSd: 0.2, solidFraction: 0.58, pressureMPa: 6,
        material: { youngsModulusGPa: 30, poissonRatio: 0.3, hardnessGPa: 1 },
        particleCount: 60, realizations: 2, tolerance: 1e-10, phases: [{ name: "mof" }],
        contacts: { pressed: { resistanceOhmCm2: 2e-4, activationEnergyEV: 0.16 } },
      },
    });
    const nominal = runScenario(s);
    const measured = { conductivitySPerCm: 0.3 * nominal.effective[1]!.conductivitySPerCm, referenceTemperatureK: 298.15, activationEnergyEV: 0.18, form: "sigma" as const, relativeError: 0.05, source: "test" };
    const plan = plannedCalibrationWork(s);
    expect(plan.network).toBe(3 * (4 + FIT_GRID_POINTS) * 2); // per temperature the ceiling's 4 grid points and the fit's, each a solve of both realisations
    expect(plan.kmc).toBe(3 * plannedKmcHops(kmcRunOptions(s)));
    const events: { fraction: number; stage: string; progress: ScenarioProgress }[] = [];
    const counted = calibrateScenario(s, measured, { onProgress: (fraction, stage, progress) => events.push({ fraction, stage, progress }) });
    expect(events[0]!.progress.planned).toEqual(plan);
    expectMonotone(events);
    // the solves come after the KMC, each stage named, and only one event says "done": the last
    const firstSolve = events.findIndex((e) => e.progress.done.network > 0);
    expect(events[firstSolve - 1]!.progress.done.kmc).toBe(plan.kmc);
    expect(events.slice(firstSolve).map((e) => e.stage)).toContain("ceiling check 298.15 K");
    expect(events.slice(firstSolve).map((e) => e.stage)).toContain("fit 298.15 K");
    expect(events.filter((e) => e.stage === "done")).toHaveLength(1);
    const last = events.at(-1)!;
    expect(last.stage).toBe("done");
    expect(last.progress.done).toEqual(last.progress.planned);
    expect(last.fraction).toBe(1);
    expect(last.progress.done.network % 2).toBe(0);
    expect(last.progress.done.network).toBeGreaterThanOrEqual(3 * 4 * 2);
    // the tracker the CLI keeps: its plan, these events, at 1 at the end
    const tracker = new WorkTracker(1);
    const item = tracker.plan(s.name, plan);
    events.forEach((e, i) => tracker.event(item, e.progress, i));
    expect(tracker.estimate().fraction).toBe(1);
    expect(calibrateScenario(s, measured)).toEqual(counted);
  });
});

/** done never goes back nor passes the plan; the plan only shrinks; the fraction only grows. */
function expectMonotone(events: readonly { readonly fraction: number; readonly progress: ScenarioProgress }[]): void {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!.progress, b = events[i]!.progress;
    for (const k of WORK_KINDS) {
      expect(b.done[k]).toBeGreaterThanOrEqual(a.done[k]);
      expect(b.planned[k]).toBeLessThanOrEqual(a.planned[k]);
      expect(b.done[k]).toBeLessThanOrEqual(b.planned[k]);
    }
    expect(events[i]!.fraction).toBeGreaterThanOrEqual(events[i - 1]!.fraction);
  }
}
