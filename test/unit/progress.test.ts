/**
 * The progress arithmetic of cli/progress.ts: the fraction counts work, not jobs; rates are
 * units per second measured per kind on the runs' own threads; the ETA is the work left at
 * those rates, never shorter than the longest running job's remainder, and marked as a
 * lower bound while a kind with work left has no rate yet. Exact answers: the times are
 * given, not measured.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ProgressBar, SweepFollower, WorkRates, WorkTracker, estimateWork, formatCount, remainingSeconds, workText } from "../../src/cli/progress.js";
import { NO_WORK, PRIOR_UNITS_PER_SECOND, workFraction, type ScenarioProgress, type WorkTally } from "../../src/pipeline/progress.js";

const kmc = (n: number): WorkTally => ({ ...NO_WORK, kmc: n });
const tally = (t: Partial<Record<keyof WorkTally, number>>): WorkTally => ({ ...NO_WORK, ...t });

describe("fraction by work", () => {
  it("two jobs, one 10x longer: after the short one 1/11 of the work is done, not 1/2", () => {
    const planned = kmc(1e6 + 1e7);
    const done = kmc(1e6);
    const e = estimateWork(done, planned, {}, 1);
    expect(e.fraction).toBeCloseTo(1 / 11, 14);
    // the same with a measured rate: one kind, the rate cancels
    expect(estimateWork(done, planned, { kmc: 3e6 }, 2).fraction).toBeCloseTo(1 / 11, 14);
    expect(workFraction(done, planned)).toBeCloseTo(1 / 11, 14);
  });

  it("kinds weigh by their time at the measured rates (priors where unmeasured)", () => {
    // 4e6 hops at 2e6/s = 2 s done of 2 s; 6 solves at 0.5/s = 12 s left: 2 / 14
    const e = estimateWork(tally({ kmc: 4e6 }), tally({ kmc: 4e6, network: 6 }), { kmc: 2e6, network: 0.5 }, 1);
    expect(e.fraction).toBeCloseTo(2 / 14, 14);
    expect(e.etaSeconds).toBeCloseTo(12, 12);
    expect(e.etaIsLowerBound).toBe(false);
    // the network unmeasured: its prior weighs it in the fraction, and the ETA is a lower bound without it
    const u = estimateWork(tally({ kmc: 2e6 }), tally({ kmc: 4e6, network: 6 }), { kmc: 2e6 }, 1);
    expect(u.fraction).toBeCloseTo(1 / (2 + 6 / PRIOR_UNITS_PER_SECOND.network), 14);
    expect(u.etaSeconds).toBeCloseTo(1, 12);
    expect(u.etaIsLowerBound).toBe(true);
  });

  it("no ETA before any rate of the work left is measured; 0 and complete when all is done", () => {
    expect(estimateWork(NO_WORK, tally({ impedance: 40 }), { kmc: 1e6 }, 1)).toEqual({ fraction: 0, etaSeconds: null, etaIsLowerBound: true });
    expect(estimateWork(kmc(5), kmc(5), { kmc: 1 }, 1)).toEqual({ fraction: 1, etaSeconds: 0, etaIsLowerBound: false });
    expect(estimateWork(NO_WORK, NO_WORK, {}, 1).fraction).toBe(1);
  });

  it("never '99 % ETA 4 s' while a long job still runs: 99 short jobs done, one 100x longer running", () => {
    // 99 jobs of 1e6 hops done; the long one has done 1e6 of 1e8; 2 workers, 1e6 hops/s measured
    const done = kmc(99e6 + 1e6), planned = kmc(99e6 + 1e8);
    const longJob = { done: kmc(1e6), planned: kmc(1e8) };
    const e = estimateWork(done, planned, { kmc: 1e6 }, 2, [longJob]);
    expect(e.fraction).toBeCloseTo(100 / 199, 12); // by jobs it would be 0.99
    // work left 99 s: spread over 2 workers 49.5 s, but the one job left runs on one thread: 99 s
    expect(e.etaSeconds).toBeCloseTo(99, 12);
    // two jobs of equal work left run side by side: the work left over the threads
    const two = estimateWork(kmc(0), kmc(2e6), { kmc: 1e6 }, 2, [{ done: kmc(0), planned: kmc(1e6) }, { done: kmc(0), planned: kmc(1e6) }]);
    expect(two.etaSeconds).toBeCloseTo(1, 12);
  });
});

describe("rates measured per kind", () => {
  it("units per second from one run's events, the ETA from them", () => {
    const r = new WorkRates();
    r.observe(0, NO_WORK, "kmc", 0);
    r.observe(0, kmc(4e6), "kmc", 2000);
    expect(r.rates().kmc).toBeCloseTo(2e6, 6);
    expect(r.rates().network).toBeUndefined();
    expect(remainingSeconds(kmc(4e6), kmc(1e7), r.rates())).toEqual({ seconds: 3, unmeasured: false });
  });

  it("time with no unit finished goes to the kind under way (a long solve lowers its rate)", () => {
    const r = new WorkRates();
    r.observe(0, NO_WORK, "network", 0);
    r.observe(0, tally({ network: 1 }), "network", 1000); // 1 solve in 1 s
    r.observe(0, tally({ network: 1 }), "network", 5000); // 4 s into the next, none finished
    expect(r.rates().network).toBeCloseTo(1 / 5, 12);
    r.observe(0, tally({ network: 2 }), "network", 6000);
    expect(r.rates().network).toBeCloseTo(2 / 6, 12);
  });

  it("an interval that advanced two kinds is split by their prior time", () => {
    const r = new WorkRates();
    r.observe(0, NO_WORK, "kmc", 0);
    // 2e6 hops (1 s at the prior) and 1 network solve (1 s at the prior) in 4 s: 2 s each
    r.observe(0, tally({ kmc: PRIOR_UNITS_PER_SECOND.kmc, network: PRIOR_UNITS_PER_SECOND.network }), "network", 4000);
    expect(r.rates().kmc).toBeCloseTo(PRIOR_UNITS_PER_SECOND.kmc / 2, 6);
    expect(r.rates().network).toBeCloseTo(PRIOR_UNITS_PER_SECOND.network / 2, 12);
  });

  it("items are timed apart: two jobs side by side each give their own thread's rate", () => {
    const r = new WorkRates();
    r.observe(1, NO_WORK, "kmc", 0);
    r.observe(2, NO_WORK, "kmc", 0);
    r.observe(1, kmc(1e6), "kmc", 1000);
    r.observe(2, kmc(1e6), "kmc", 1000);
    expect(r.rates().kmc).toBeCloseTo(1e6, 6);
    r.forget(1);
    r.observe(1, kmc(5e6), "kmc", 9000); // a new first event after forget: a baseline, no rate
    expect(r.rates().kmc).toBeCloseTo(1e6, 6);
  });
});

describe("a comparison's designs at their own rates", () => {
  it("a design's remaining solves go at its own measured rate, not a rate pooled with a faster design", () => {
    const t = new WorkTracker(1);
    const plan = tally({ network: 10 });
    t.plan("pellet", plan);
    t.plan("interconnected", plan);
    const ev = (d: number): ScenarioProgress => ({ kind: "network", stage: "network", done: tally({ network: d }), planned: plan });
    t.event(0, ev(0), 0);
    t.event(0, ev(10), 1000); // 10 solves/s
    t.finish(0);
    t.event(1, ev(0), 1000);
    t.event(1, ev(1), 3000); // 0.5 solve/s
    // pooled, 11 solves in 3 s, would say 9 / (11/3) = 2.5 s; its own rate says 18 s
    expect(t.estimate()).toMatchObject({ etaSeconds: 18, etaIsLowerBound: false });
    // a design of another class not started yet has no rate: the ETA is a lower bound without it
    const u = new WorkTracker(1);
    u.plan("pellet", plan);
    u.plan("interconnected", plan);
    u.plan("bc", plan);
    u.event(0, ev(0), 0);
    u.event(0, ev(10), 1000);
    u.finish(0);
    u.event(1, ev(0), 1000);
    u.event(1, ev(1), 3000);
    expect(u.estimate()).toMatchObject({ etaSeconds: 18, etaIsLowerBound: true });
  });

  it("a design not started goes at its class's rate (the same morphology), before the rate pooled over all", () => {
    const plan = tally({ network: 10 });
    const cls = (network: string) => ({ kmc: "none", network, impedance: "none", cell: "cell", posterior: "posterior" });
    const t = new WorkTracker(1);
    t.plan("pellet", plan, cls("pressed-powder 1000"));
    t.plan("interconnected", plan, cls("voxels 80x80x80"));
    t.plan("pellet-na", plan, cls("pressed-powder 1000"));
    const ev = (d: number): ScenarioProgress => ({ kind: "network", stage: "network", done: tally({ network: d }), planned: plan });
    t.event(0, ev(0), 0);
    t.event(0, ev(10), 1000); // the pellet: 10 solves/s
    t.finish(0);
    t.event(1, ev(0), 1000);
    t.event(1, ev(1), 3000); // the voxel membrane: 0.5 solve/s
    // the membrane's 9 solves at its own 0.5/s, then pellet-na's 10 at the pellet's 10/s
    expect(t.estimate().etaSeconds).toBeCloseTo(18 + 1, 12);
  });
});

describe("labels", () => {
  it("counts and units", () => {
    expect(formatCount(40)).toBe("40");
    expect(formatCount(12_345)).toBe("12.3 k");
    expect(formatCount(4_400_000)).toBe("4.40 M");
    expect(workText({ kind: "impedance", done: tally({ impedance: 12 }), planned: tally({ impedance: 40 }) })).toBe("12/40 solves");
    expect(workText({ kind: "kmc", done: kmc(1.2e6), planned: kmc(4.4e6) })).toBe("1.20 M/4.40 M hops");
  });

  it("a comparison names the running design, its stage and its count", () => {
    const t = new WorkTracker(1);
    const names = ["pellet", "mof-pvdf", "interconnected"];
    names.forEach((n) => t.plan(n, tally({ network: 10, impedance: 40 })));
    expect(t.label()).toBe("[0/3] starting");
    const p = (stage: string, d: WorkTally): ScenarioProgress => ({ kind: "impedance", stage, done: d, planned: tally({ network: 10, impedance: 40 }) });
    t.event(0, p("impedance 298.15 K", tally({ network: 10, impedance: 40 })), 0);
    t.finish(0);
    t.event(1, p("impedance 298.15 K", tally({ network: 10, impedance: 40 })), 0);
    t.finish(1);
    t.event(2, p("impedance 298.15 K", tally({ network: 10, impedance: 12 })), 1000);
    expect(t.label()).toBe("[3/3] interconnected: impedance 298.15 K 12/40 solves");
    // two designs done, the third's network done and 12 of 40 impedance solves: by prior time (10 + 40) * 2 + 22 of 150
    expect(t.estimate().fraction).toBeCloseTo(122 / 150, 12);
  });
});

describe("stages one after another (a run's nominal, then its samples, then the MCMC)", () => {
  const cls = { kmc: "none", network: "voxels 6x6x6", impedance: "none", cell: "cell", posterior: "posterior" };
  const ev = (planned: WorkTally, done: WorkTally, stage = "network"): ScenarioProgress => ({ kind: "network", stage, done, planned });

  it("the ETA is the sum of the stages' (each over its own threads); the samples start at the nominal run's rate", () => {
    const t = new WorkTracker(1);
    const nominal = t.plan("pellet", tally({ network: 10 }), cls);
    t.stage(2, "pellet", "samples");
    const samples = [0, 1, 2, 3].map((s) => t.plan(`sample ${s + 1}`, tally({ network: 2 }), cls));
    t.stage(1);
    const mcmc = t.plan("pellet posterior", tally({ posterior: 1000 }));
    t.event(nominal, ev(tally({ network: 10 }), NO_WORK), 0);
    t.event(nominal, ev(tally({ network: 10 }), tally({ network: 5 })), 5000); // 1 solve/s
    // nominal: 5 s left on its thread; samples: 8 solves at the class's 1/s over 2 threads, 4 s; MCMC unmeasured
    expect(t.estimate()).toMatchObject({ etaSeconds: 9, etaIsLowerBound: true });
    expect(t.label()).toBe("pellet: network 5/10 solves");
    t.event(nominal, ev(tally({ network: 10 }), tally({ network: 10 })), 10000);
    t.finish(nominal);
    expect(t.label()).toBe("pellet [0/4 samples] starting");
    t.event(samples[0]!, ev(tally({ network: 2 }), NO_WORK, "network realisation 1/1, 298.15 K"), 10000);
    expect(t.label()).toBe("pellet [0/4 samples] sample 1: network realisation 1/1, 298.15 K 0/2 solves");
    for (const s of samples) {
      t.event(s, ev(tally({ network: 2 }), tally({ network: 2 })), 12000);
      t.finish(s);
    }
    t.event(mcmc, { kind: "posterior", stage: "MCMC 4 chains", done: NO_WORK, planned: tally({ posterior: 1000 }) }, 12000);
    t.event(mcmc, { kind: "posterior", stage: "MCMC 4 chains", done: tally({ posterior: 250 }), planned: tally({ posterior: 1000 }) }, 13000);
    expect(t.estimate()).toMatchObject({ etaSeconds: 3, etaIsLowerBound: false });
    expect(t.label()).toBe("pellet posterior: MCMC 4 chains 250/1000 draws");
  });

  it("never shorter than the longest running sample's remainder, though the threads are many", () => {
    const t = new WorkTracker(8, "pellet", "samples");
    const a = t.plan("sample 1", tally({ network: 20 }), cls);
    const b = t.plan("sample 2", tally({ network: 2 }), cls);
    t.event(a, ev(tally({ network: 20 }), NO_WORK), 0);
    t.event(b, ev(tally({ network: 2 }), NO_WORK), 0);
    t.event(a, ev(tally({ network: 20 }), tally({ network: 2 })), 2000); // 1 solve/s
    t.event(b, ev(tally({ network: 2 }), tally({ network: 2 })), 2000);
    t.finish(b);
    // 18 solves left, over 8 threads 2.25 s; but one job on one thread: 18 s
    expect(t.estimate().etaSeconds).toBeCloseTo(18, 12);
  });

  it("many waiting samples are summed per class: 10,000 of 2 solves at the measured 1 solve/s on 4 threads", () => {
    const t = new WorkTracker(4, "pellet", "samples");
    const items = Array.from({ length: 10_000 }, (_, s) => t.plan(`sample ${s + 1}`, tally({ network: 2 }), cls));
    t.event(items[0]!, ev(tally({ network: 2 }), NO_WORK), 0);
    t.event(items[0]!, ev(tally({ network: 2 }), tally({ network: 1 })), 1000);
    // 1 + 9,999 x 2 solves left at 1/s over 4 threads
    expect(t.estimate().etaSeconds).toBeCloseTo((1 + 9999 * 2) / 4, 9);
    expect(t.label()).toBe("pellet [0/10000 samples] sample 1: network 1/2 solves");
    // its last event ("done") before its end: no longer shown as running
    t.event(items[1]!, ev(tally({ network: 2 }), NO_WORK), 1000);
    t.event(items[0]!, ev(tally({ network: 2 }), tally({ network: 2 }), "done"), 2000);
    expect(t.label()).toBe("pellet [0/10000 samples] sample 2: network 0/2 solves");
  });

  it("a waiting sample's plan is scaled by what the finished samples of its stage took of theirs", () => {
    const t = new WorkTracker(1, "pellet", "samples");
    const plan = tally({ impedance: 100 }); // planned as the full grid; a reduced spectrum takes 10 solves
    const items = [0, 1, 2].map((s) => t.plan(`sample ${s + 1}`, plan, { ...cls, impedance: "voxels 6x6x6" }));
    const imp = (done: number, planned = 100): ScenarioProgress => ({ kind: "impedance", stage: "impedance 298.15 K", done: tally({ impedance: done }), planned: tally({ impedance: planned }) });
    t.event(items[0]!, imp(0), 0);
    t.event(items[0]!, imp(10), 1000); // 10 solves/s
    t.event(items[0]!, imp(10, 10), 1000); // closed: 10 were enough
    t.finish(items[0]!);
    // the two waiting samples: 10 solves each at 10/s
    expect(t.estimate()).toMatchObject({ etaSeconds: 2, fraction: 1 / 3 });
  });
});

describe("a sweep followed job by job (the sweep bar; the samples of --uncertainty)", () => {
  const plan = tally({ network: 4 });
  const base = { fraction: 0, work: { done: NO_WORK, planned: NO_WORK }, active: [], todo: 3, done: 0, failed: 0, running: 0, skipped: 1 };
  const classes = (network: string) => ({ kmc: "none", network, impedance: "none", cell: "cell", posterior: "posterior" });
  const ev = (done: number): ScenarioProgress => ({ kind: "network", stage: "network 300 K", done: tally({ network: done }), planned: plan });

  it("each job at its own rate where it has one, else its class's: not one rate pooled over unlike jobs", () => {
    const t = new WorkTracker(1, "", "jobs");
    const f = new SweepFollower(t, (j) => `job ${j}`);
    f.update({ ...base, change: { type: "planned", jobs: [{ job: 1, planned: plan, classes: classes("small") }, { job: 2, planned: plan, classes: classes("big") }, { job: 3, planned: plan, classes: classes("big") }], finished: [0] } });
    expect(t.label()).toBe("[1/4 jobs] starting");
    // the events with given times go to the tracker directly (the follower's take the clock's); job j is item j
    t.event(1, ev(0), 0);
    t.event(1, ev(4), 1000); // the small job: 4 solves/s
    f.update({ ...base, change: { type: "ended", job: 1, status: "done" } });
    t.event(2, ev(0), 1000);
    t.event(2, ev(1), 5000); // the big job: 0.25 solve/s
    // job 2: 3 solves at its own 0.25/s, 12 s; job 3 at its class's (job 2's), 16 s; pooled (5 solves in 5 s) it would say 7 s
    expect(t.estimate()).toMatchObject({ etaSeconds: 28, etaIsLowerBound: false });
    expect(t.label()).toBe("[2/4 jobs] job 2: network 300 K 1/4 solves");
  });

  it("a retried job keeps the failed attempt's work done and plans the job again; a failed one counts as failed; other shards' jobs are dropped", () => {
    const t = new WorkTracker(1, "", "jobs");
    const pre = new Map([0, 1, 2, 3].map((j) => [j, t.plan(`job ${j}`, plan, classes("x"))] as const));
    const f = new SweepFollower(t, (j) => `job ${j}`, pre);
    f.update({ ...base, change: { type: "planned", jobs: [{ job: 0, planned: plan, classes: classes("x") }, { job: 2, planned: plan, classes: classes("x") }], finished: [] } });
    expect(t.label()).toBe("[0/2 jobs] starting"); // jobs 1 and 3 are another shard's
    f.update({ ...base, change: { type: "progress", job: 0, progress: ev(3) } });
    f.update({ ...base, change: { type: "ended", job: 0, status: "retry" } });
    expect(t.plannedOf(pre.get(0)!)).toEqual(tally({ network: 3 + 4 }));
    f.update({ ...base, change: { type: "progress", job: 0, progress: ev(1) } });
    expect(t.label()).toBe("[0/2 jobs] job 0: network 300 K 1/4 solves");
    f.update({ ...base, change: { type: "ended", job: 0, status: "done" } });
    f.update({ ...base, change: { type: "progress", job: 2, progress: ev(2) } });
    f.update({ ...base, change: { type: "ended", job: 2, status: "failed" } });
    expect(t.label()).toBe("[2/2 jobs, 1 failed] starting");
    expect(t.estimate().fraction).toBe(1);
  });
});

describe("the bar's redraws", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  const estimate = { fraction: 0.5, etaSeconds: 10, etaIsLowerBound: false };

  it("at most 10 a second while a redraw is cheap; when building one costs 30 ms (100,000 waiting samples), one per 1.5 s: under 2 % of the main thread", () => {
    vi.useFakeTimers({ now: 0 });
    const writes = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const bar = new ProgressBar(true);
    vi.setSystemTime(2000); // past the first 1.5 s, when short runs stay quiet
    expect(bar.due()).toBe(true);
    bar.show(estimate, "cheap");
    expect(writes).toHaveBeenCalledTimes(1);
    vi.setSystemTime(2099);
    expect(bar.due()).toBe(false);
    vi.setSystemTime(2100);
    expect(bar.due()).toBe(true);
    vi.setSystemTime(2130); // the estimate and label took 30 ms
    bar.show(estimate, "dear");
    expect(writes).toHaveBeenCalledTimes(2);
    vi.setSystemTime(2130 + 1499);
    expect(bar.due()).toBe(false);
    vi.setSystemTime(2130 + 1500);
    expect(bar.due()).toBe(true);
    bar.show(estimate, "cheap again"); // no time spent: back to 10 a second
    vi.setSystemTime(2130 + 1600);
    expect(bar.due()).toBe(true);
    expect(bar.due(1)).toBe(true); // the end is always drawn
  });
});

