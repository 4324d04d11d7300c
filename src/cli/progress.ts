/**
 * Progress on stderr (only when stderr is a terminal): a bar by work done, not by jobs.
 * Runs report their work in units per kind (KMC hops, network solves, impedance solves,
 * cell runs, posterior draws; pipeline/progress.ts). Here those counts become
 * - items in stages: every run of a command is an item planned before it starts (a
 *   design's nominal run, each sample of an uncertainty run or a calibration, each job of a
 *   sweep, the MCMC), and the stages run one after another (a comparison's designs, then each
 *   design's samples, then the MCMC); a sweep's items follow its events (SweepFollower);
 * - rates: units per second of each kind, measured so far on the runs' own threads (the
 *   time between two events of one run goes to the kinds it advanced); an item's own rate
 *   once it has one (a voxel solve of 0.5 M unknowns is not a particle network's), else the
 *   rate of its class (runs of the same lattice or morphology size, pipeline/progress.ts
 *   workClasses, in any stage: the samples of a design start at its nominal run's rates),
 *   else none: a rate pooled over unlike runs misleads (the AC solves of a 0.5 M-voxel
 *   membrane against those of a particle network's homogenised 4^3 slab made a comparison's
 *   ETA twice too long), so such work counts as not yet timed;
 * - plans: a waiting item's plan scaled by what the finished items of its class and stage
 *   took of theirs (a sample's reduced spectra take a few of the planned impedance solves);
 * - a fraction: the done work's time over the planned work's, each kind at its measured
 *   rate (a prior rate until one is measured), so one long job weighs as its length;
 * - an ETA: per stage the remaining work at the measured rates, spread over the stage's
 *   threads but never shorter than its longest running item's own remainder, summed over
 *   the stages; a lower bound (">") while a kind with work left has no measured rate yet.
 * Progress only reads the counts: it never changes a result.
 */
import { NO_WORK, PRIOR_UNITS_PER_SECOND, WORK_KINDS, WORK_UNITS, type ScenarioProgress, type WorkKind, type WorkTally } from "../pipeline/progress.js";
import type { SweepProgress } from "../sweep/run.js";

/** Units per second of each kind measured so far (undefined: not measured yet). */
export type MeasuredRates = Readonly<Partial<Record<WorkKind, number>>>;

/** An estimate of a run's progress. */
export interface WorkEstimate {
  /** Work done, 0..1, each kind weighted by its time. */
  readonly fraction: number;
  /** Seconds left; null when no rate of any kind with work left is measured. */
  readonly etaSeconds: number | null;
  /** True when some kind with work left has no measured rate (its time is left out of etaSeconds). */
  readonly etaIsLowerBound: boolean;
}

/**
 * Measured rates per kind. `observe(item, done, kind, ms)` takes one run's cumulative work
 * (an item is a design, a sweep job); the time since that item's previous event is split
 * over the kinds it advanced in proportion to their prior time, or, when none advanced (a
 * long solve under way), given to the kind under way.
 */
export class WorkRates {
  private readonly units: Record<WorkKind, number> = { ...NO_WORK };
  private readonly seconds: Record<WorkKind, number> = { ...NO_WORK };
  private readonly last = new Map<number, { ms: number; done: Record<WorkKind, number> }>();

  observe(item: number, done: WorkTally, kind: WorkKind, nowMs: number): void {
    const prev = this.last.get(item);
    if (prev === undefined) {
      this.last.set(item, { ms: nowMs, done: { ...done } });
      return;
    }
    const dt = Math.max(0, (nowMs - prev.ms) / 1000);
    let weight = 0;
    for (const k of WORK_KINDS) weight += Math.max(0, done[k] - prev.done[k]) / PRIOR_UNITS_PER_SECOND[k];
    for (const k of WORK_KINDS) {
      const du = Math.max(0, done[k] - prev.done[k]);
      if (du === 0) continue;
      this.units[k] += du;
      this.seconds[k] += (dt * du) / PRIOR_UNITS_PER_SECOND[k] / weight;
      prev.done[k] = done[k];
    }
    if (weight === 0) this.seconds[kind] += dt;
    prev.ms = nowMs;
  }

  /** An item that will send no more events (finished, failed). */
  forget(item: number): void {
    this.last.delete(item);
  }

  /** Units per second of each kind with units done and time measured. */
  rates(): MeasuredRates {
    const r: Partial<Record<WorkKind, number>> = {};
    for (const k of WORK_KINDS) if (this.units[k] > 0 && this.seconds[k] > 0) r[k] = this.units[k] / this.seconds[k];
    return r;
  }
}

/** Seconds of work left in a tally at the measured rates (kinds unmeasured left out), and whether any was left out. */
export function remainingSeconds(done: WorkTally, planned: WorkTally, rates: MeasuredRates): { seconds: number; unmeasured: boolean } {
  let seconds = 0;
  let unmeasured = false;
  for (const k of WORK_KINDS) {
    const left = Math.max(0, planned[k] - done[k]);
    if (left === 0) continue;
    const r = rates[k];
    if (r === undefined) unmeasured = true;
    else seconds += left / r;
  }
  return { seconds, unmeasured };
}

/**
 * Fraction and ETA of work `done` of `planned` (sums over every item), at the measured
 * `rates` (priors where unmeasured, for the fraction only), with `parallel` threads; `running`
 * are the tallies of the items under way (the ETA is at least the longest one's remainder).
 */
export function estimateWork(done: WorkTally, planned: WorkTally, rates: MeasuredRates, parallel: number, running: readonly { readonly done: WorkTally; readonly planned: WorkTally }[] = []): WorkEstimate {
  return estimateItems([{ done, planned, rates, running: false }, ...running.map((r) => ({ done: NO_WORK, planned: NO_WORK, rates, running: true, remainder: r }))], parallel);
}

/** One item of estimateItems: its work, the rates it runs at, whether it runs now (`remainder`: its own tally when `done`/`planned` are counted elsewhere). */
export interface EstimateItem {
  readonly done: WorkTally;
  readonly planned: WorkTally;
  readonly rates: MeasuredRates;
  readonly running: boolean;
  readonly remainder?: { readonly done: WorkTally; readonly planned: WorkTally };
}

/** The sums an estimate is made of (seconds at the items' rates); estimateItems turns them into a WorkEstimate. */
interface WorkSums {
  doneS: number;
  plannedS: number;
  /** Seconds left at measured rates (unmeasured kinds left out). */
  leftS: number;
  /** The longest running item's own remainder. */
  longest: number;
  /** Some kind with work left has no measured rate. */
  unmeasured: boolean;
  /** Some kind with work left has a measured rate. */
  measuredLeft: boolean;
}

function sumItems(items: readonly EstimateItem[]): WorkSums {
  const s: WorkSums = { doneS: 0, plannedS: 0, leftS: 0, longest: 0, unmeasured: false, measuredLeft: false };
  for (const it of items) {
    for (const k of WORK_KINDS) {
      const r = it.rates[k] ?? PRIOR_UNITS_PER_SECOND[k];
      s.doneS += Math.min(it.done[k], it.planned[k]) / r;
      s.plannedS += it.planned[k] / r;
      if (it.rates[k] !== undefined && it.planned[k] > it.done[k]) s.measuredLeft = true;
    }
    const left = remainingSeconds(it.done, it.planned, it.rates);
    s.leftS += left.seconds;
    s.unmeasured ||= left.unmeasured;
    if (it.running) {
      const own = it.remainder === undefined ? left : remainingSeconds(it.remainder.done, it.remainder.planned, it.rates);
      s.longest = Math.max(s.longest, own.seconds);
    }
  }
  return s;
}

/** Seconds left of one stage's sums on `parallel` threads: the work left over the threads, at least the longest running item's remainder. */
function stageSeconds(s: WorkSums, parallel: number): number {
  return Math.max(s.leftS / Math.max(1, parallel), s.longest);
}

/** estimateWork over items that each run at their own rates. */
export function estimateItems(items: readonly EstimateItem[], parallel: number): WorkEstimate {
  const s = sumItems(items);
  return {
    fraction: s.plannedS > 0 ? s.doneS / s.plannedS : 1,
    etaSeconds: !s.measuredLeft && s.unmeasured ? null : stageSeconds(s, parallel),
    etaIsLowerBound: s.unmeasured,
  };
}

/** "12/40 solves", "1.2 M/4.4 M hops": the work of the kind under way. */
export function workText(p: Pick<ScenarioProgress, "kind" | "done" | "planned">): string {
  return `${formatCount(p.done[p.kind])}/${formatCount(p.planned[p.kind])} ${WORK_UNITS[p.kind]}`;
}

export function formatCount(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e5 ? 1 : 0)} k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} M`;
  return `${(n / 1e9).toFixed(2)} G`;
}

/** How a tracked item ended: its work done (its class learns how much of its plan it took), or failed (its plan shrinks to what it did). */
export type ItemEnd = "done" | "failed";

interface TrackedItem {
  readonly name: string;
  readonly stage: number;
  done: WorkTally;
  planned: WorkTally;
  /** The plan it had before it started (what its class's plan ratio compares with). */
  initial: WorkTally;
  /** Work of its earlier attempts (a retried sweep job), added to this attempt's counts. */
  offset: WorkTally;
  last: ScenarioProgress | null;
  started: boolean;
  finished: boolean;
  failed: boolean;
  /** Its own rates, once it has run (null before: a waiting item has none). */
  own: WorkRates | null;
  /** Its class per kind ("kind|class"), and all of them as one key. */
  readonly keys: readonly string[];
  readonly classKey: string;
}

interface TrackedStage {
  readonly parallel: number;
  readonly title: string | undefined;
  readonly unit: string;
  readonly items: Set<number>;
  finished: number;
  failed: number;
  /** Per "kind|class": the plans of its finished items before they started, and the work they did. */
  readonly ratio: Map<string, { planned: number; done: number }>;
}

/**
 * The progress of the scenario runs of one command (the designs of a comparison, one run,
 * the samples of an uncertainty run or a calibration, the jobs of a sweep, a posterior).
 * Items are grouped in stages that run one after another (a comparison's designs, then each
 * design's samples, then the MCMC), each on its own number of threads; the ETA is the sum of
 * the stages' (each the work left over its threads, at least its longest running item's
 * remainder). Rates: an item's own where measured, else its class's (pipeline/progress.ts
 * workClasses: the same lattice, morphology size; across stages, so the samples of a design
 * start at its nominal run's rates), else none. A waiting item's plan is scaled by what the
 * finished items of its class and stage took of theirs (a sample's reduced impedance makes
 * a few of the planned solves): the plan ratio. Waiting and finished items are summed per
 * class (at its rates), so an estimate of 100,000 samples takes tens of milliseconds (the
 * bar redraws less often then: ProgressBar).
 */
export class WorkTracker {
  /** Rates per class ("kind|class"). */
  private readonly byClass = new Map<string, WorkRates>();
  private readonly items: TrackedItem[] = [];
  private readonly stages: TrackedStage[] = [];
  /** Items that have sent an event and have not ended or gone idle. */
  private readonly active = new Set<number>();

  /** A tracker whose first stage runs on `parallel` threads (titled: see stage). */
  constructor(parallel: number, title?: string, unit?: string) {
    this.stage(parallel, title, unit);
  }

  /**
   * Start a stage that runs after the ones before, on `parallel` threads; items planned from
   * now on are its own. A titled stage counts its items in its label ("pellet [12/128
   * samples] sample 17: ..."); an untitled one numbers the running item ("[3/7] name: ...").
   */
  stage(parallel: number, title?: string, unit = "items"): number {
    this.stages.push({ parallel, title, unit, items: new Set(), finished: 0, failed: 0, ratio: new Map() });
    return this.stages.length - 1;
  }

  /** Add an item with its plan (before it starts) to the latest stage, with its class per kind (items of one class share rates); returns its index. */
  plan(name: string, planned: WorkTally, classes?: Readonly<Record<WorkKind, string>>): number {
    const n = this.items.length;
    const keys = WORK_KINDS.map((k) => {
      const key = `${k}|${classes?.[k] ?? `item ${n}`}`;
      if (!this.byClass.has(key)) this.byClass.set(key, new WorkRates());
      return key;
    });
    const stage = this.stages.length - 1;
    this.items.push({ name, stage, done: NO_WORK, planned, initial: planned, offset: NO_WORK, last: null, started: false, finished: false, failed: false, own: null, keys, classKey: keys.join("\n") });
    this.stages[stage]!.items.add(n);
    return n;
  }

  /** A waiting item's plan, known better now (a sweep job's own plan instead of a stand-in). */
  replan(item: number, planned: WorkTally): void {
    const it = this.items[item]!;
    if (it.started || it.finished) return;
    it.planned = planned;
    it.initial = planned;
  }

  /** An item's progress event (cumulative work of that item, or of its attempt after a restart). */
  event(item: number, p: ScenarioProgress, nowMs: number = Date.now()): void {
    const it = this.items[item]!;
    if (it.finished) return;
    const done = addTallies(it.offset, p.done);
    it.own ??= new WorkRates();
    it.own.observe(0, done, p.kind, nowMs);
    for (const key of it.keys) this.byClass.get(key)!.observe(item, done, p.kind, nowMs);
    it.started = true;
    it.done = done;
    it.planned = addTallies(it.offset, p.planned);
    it.last = p;
    // a run's last event (stage "done") leaves it waiting for its end, not running
    if (p.stage === "done") this.active.delete(item);
    else this.active.add(item);
  }

  /** An item's work planned as it stands (its plan, or its latest event's). */
  plannedOf(item: number): WorkTally {
    return this.items[item]!.planned;
  }

  /** An item that waits (its first part done, the next not started): not shown as running. */
  idle(item: number): void {
    this.items[item]!.last = null;
    this.forgetTimes(item);
  }

  /**
   * An item that has ended: a finished ("done") one did all its work as last planned (an
   * event lost on the way counts too) and tells its class how much of its first plan it
   * took; a failed one's plan shrinks to what it did.
   */
  finish(item: number, end: ItemEnd = "done"): void {
    const it = this.items[item]!;
    if (it.finished) return;
    if (end === "done") it.done = it.planned;
    const st = this.stages[it.stage]!;
    if (end === "done" && it.started) {
      WORK_KINDS.forEach((k, i) => {
        if (it.initial[k] <= 0) return;
        const r = st.ratio.get(it.keys[i]!) ?? { planned: 0, done: 0 };
        r.planned += it.initial[k];
        r.done += it.done[k];
        st.ratio.set(it.keys[i]!, r);
      });
    }
    it.finished = true;
    it.failed = end === "failed";
    it.planned = it.done;
    it.last = null;
    if (st.items.has(item)) {
      st.finished++;
      if (it.failed) st.failed++;
    }
    this.forgetTimes(item);
  }

  /** An item whose attempt failed and that runs again with `planned`: the failed attempt's work stays done. */
  restart(item: number, planned: WorkTally): void {
    const it = this.items[item]!;
    it.offset = it.done;
    it.planned = addTallies(it.done, planned);
    it.last = null;
    this.forgetTimes(item);
  }

  /** An item done before this run (a resumed sweep's finished job): counted as finished, with no work. */
  skip(item: number): void {
    const it = this.items[item]!;
    if (it.finished) return;
    it.planned = it.done;
    it.finished = true;
    const st = this.stages[it.stage]!;
    if (st.items.has(item)) st.finished++;
  }

  /** An item that is not this run's after all (another shard's job): out of its stage. */
  drop(item: number): void {
    const it = this.items[item]!;
    const st = this.stages[it.stage]!;
    if (!st.items.delete(item)) return;
    if (it.finished) {
      st.finished--;
      if (it.failed) st.failed--;
    }
    it.planned = it.done;
    it.finished = true;
    it.last = null;
    this.forgetTimes(item);
  }

  private forgetTimes(item: number): void {
    const it = this.items[item]!;
    this.active.delete(item);
    it.own?.forget(0);
    for (const key of it.keys) this.byClass.get(key)!.forget(item);
  }

  /** The measured rates of a class (computed once per call through `cache`). */
  private classRates(keys: readonly string[], cache: Map<string, MeasuredRates>): MeasuredRates {
    const r: Partial<Record<WorkKind, number>> = {};
    WORK_KINDS.forEach((k, i) => {
      const key = keys[i]!;
      let cls = cache.get(key);
      if (cls === undefined) cache.set(key, (cls = this.byClass.get(key)!.rates()));
      const v = cls[k];
      if (v !== undefined) r[k] = v;
    });
    return r;
  }

  /** Rates for an item's remaining work: its own where measured, else its class's. */
  private ratesOf(it: TrackedItem, cache: Map<string, MeasuredRates>): MeasuredRates {
    const cls = this.classRates(it.keys, cache);
    if (it.own === null) return cls;
    const own = it.own.rates();
    const r: Partial<Record<WorkKind, number>> = { ...cls };
    for (const k of WORK_KINDS) if (own[k] !== undefined) r[k] = own[k];
    return r;
  }

  estimate(): WorkEstimate {
    const cache = new Map<string, MeasuredRates>();
    let doneS = 0, plannedS = 0, eta = 0, unmeasured = false, measuredLeft = false;
    for (const st of this.stages) {
      // items that have run and not ended, each at its own rates; the others summed per class
      // (waiting ones by their plans, scaled by the class's plan ratio; finished ones as done)
      const list: EstimateItem[] = [];
      type Group = { readonly keys: readonly string[]; readonly done: Record<WorkKind, number>; readonly planned: Record<WorkKind, number> };
      const groups = new Map<string, { waiting: Group | null; finished: Group | null }>();
      for (const n of st.items) {
        const it = this.items[n]!;
        if (it.started && !it.finished) {
          list.push({ done: it.done, planned: it.planned, rates: this.ratesOf(it, cache), running: this.active.has(n) });
          continue;
        }
        let pair = groups.get(it.classKey);
        if (pair === undefined) groups.set(it.classKey, (pair = { waiting: null, finished: null }));
        const g = it.finished ? (pair.finished ??= { keys: it.keys, done: { ...NO_WORK }, planned: { ...NO_WORK } }) : (pair.waiting ??= { keys: it.keys, done: { ...NO_WORK }, planned: { ...NO_WORK } });
        const d = it.done, p = it.planned;
        g.done.kmc += d.kmc;
        g.done.network += d.network;
        g.done.impedance += d.impedance;
        g.done.cell += d.cell;
        g.done.posterior += d.posterior;
        g.planned.kmc += p.kmc;
        g.planned.network += p.network;
        g.planned.impedance += p.impedance;
        g.planned.cell += p.cell;
        g.planned.posterior += p.posterior;
      }
      for (const { waiting, finished } of groups.values()) {
        if (waiting !== null) {
          WORK_KINDS.forEach((k, i) => {
            const r = st.ratio.get(waiting.keys[i]!);
            if (r !== undefined && r.planned > 0) waiting.planned[k] = (waiting.planned[k] * r.done) / r.planned;
          });
        }
        for (const g of [waiting, finished]) if (g !== null) list.push({ done: g.done, planned: g.planned, rates: this.classRates(g.keys, cache), running: false });
      }
      const s = sumItems(list);
      doneS += s.doneS;
      plannedS += s.plannedS;
      eta += stageSeconds(s, st.parallel);
      unmeasured ||= s.unmeasured;
      measuredLeft ||= s.measuredLeft;
    }
    return { fraction: plannedS > 0 ? Math.min(1, doneS / plannedS) : 1, etaSeconds: !measuredLeft && unmeasured ? null : eta, etaIsLowerBound: unmeasured };
  }

  /** "[3/7]" (untitled stage, the item's place) or "pellet [12/128 samples, 1 failed]" (titled, its finished items). */
  private head(st: TrackedStage, item: number | undefined): string {
    const n = st.items.size;
    if (st.title === undefined) {
      if (n <= 1) return "";
      const at = item === undefined ? st.finished : [...st.items].indexOf(item) + 1;
      return `[${at}/${n}]`;
    }
    return `${st.title} [${st.finished}/${n} ${st.unit}${st.failed > 0 ? `, ${st.failed} failed` : ""}]`.trim();
  }

  /**
   * "[3/7] interconnected: impedance 298.15 K 12/40 solves", "pellet [12/128 samples] sample 17:
   * network realisation 1/1, 298.15 K 0/1 solves (+1 running)": the running item with the most
   * work left; "[0/7] starting" while none runs.
   */
  label(): string {
    const cache = new Map<string, MeasuredRates>();
    let best = -1, bestLeft = -1;
    for (const i of this.active) {
      const it = this.items[i]!;
      const left = remainingSeconds(it.done, it.planned, this.ratesOf(it, cache)).seconds;
      if (left > bestLeft || (left === bestLeft && i < best)) {
        best = i;
        bestLeft = left;
      }
    }
    if (best < 0) {
      const st = this.stages.find((s) => s.finished < s.items.size) ?? this.stages.at(-1)!;
      const head = this.head(st, undefined);
      const only = st.title === undefined && st.items.size === 1 ? `${this.items[[...st.items][0]!]!.name}:` : "";
      return [head, only, "starting"].filter((x) => x !== "").join(" ");
    }
    const it = this.items[best]!;
    const p = it.last!;
    const head = this.head(this.stages[it.stage]!, best);
    const others = this.active.size - 1;
    return `${head === "" ? "" : `${head} `}${it.name}: ${p.stage} ${workText(p)}${others > 0 ? ` (+${others} running)` : ""}`;
  }
}

function addTallies(a: WorkTally, b: WorkTally): WorkTally {
  const r: Record<WorkKind, number> = { ...NO_WORK };
  for (const k of WORK_KINDS) r[k] = a[k] + b[k];
  return r;
}

/**
 * A sweep's progress (runSweep's events) as one tracker item per job, in the tracker's
 * latest stage: jobs planned by their own plan (or items planned before, `preplanned` by job
 * number, replanned), their events, their ends (a retry restarts the item, the failed
 * attempt's work done), jobs finished in an earlier run counted as finished and jobs of
 * other shards dropped.
 */
export class SweepFollower {
  private readonly items: Map<number, number>;
  private readonly plans = new Map<number, WorkTally>();

  constructor(
    private readonly tracker: WorkTracker,
    private readonly nameOf: (job: number) => string,
    preplanned?: ReadonlyMap<number, number>,
  ) {
    this.items = new Map(preplanned ?? []);
  }

  update(p: SweepProgress): void {
    const c = p.change;
    switch (c.type) {
      case "planned": {
        const mine = new Set<number>();
        for (const j of c.finished) {
          mine.add(j);
          this.tracker.skip(this.itemOf(j, NO_WORK));
        }
        for (const j of c.jobs) {
          mine.add(j.job);
          this.plans.set(j.job, j.planned);
          const i = this.items.get(j.job);
          if (i === undefined) this.items.set(j.job, this.tracker.plan(this.nameOf(j.job), j.planned, j.classes));
          else this.tracker.replan(i, j.planned);
        }
        for (const [job, i] of this.items) if (!mine.has(job)) this.tracker.drop(i);
        return;
      }
      case "progress":
        this.tracker.event(this.itemOf(c.job, NO_WORK), c.progress);
        return;
      case "ended": {
        const i = this.itemOf(c.job, NO_WORK);
        if (c.status === "retry") this.tracker.restart(i, this.plans.get(c.job) ?? NO_WORK);
        else this.tracker.finish(i, c.status === "done" ? "done" : "failed");
        return;
      }
      case "none":
        return;
    }
  }

  private itemOf(job: number, planned: WorkTally): number {
    let i = this.items.get(job);
    if (i === undefined) this.items.set(job, (i = this.tracker.plan(this.nameOf(job), planned)));
    return i;
  }
}

/**
 * A progress bar on stderr (only when stderr is a terminal), redrawn at most 10 times a
 * second, and less often when building a redraw is dear: callers build the estimate and
 * label after due() says yes, and the time that takes (tens of ms for 100,000 waiting
 * samples) is kept under 2 % of the main thread's, which relays the workers' events.
 */
export class ProgressBar {
  private last = 0;
  private readonly start = Date.now();
  private shown = false;
  /** When due() last said yes: show() measures from it what building the redraw cost. */
  private askedAt: number | null = null;
  /** Least milliseconds between redraws: 100, or 50 times the last redraw's cost. */
  private interval = 100;
  constructor(private readonly enabled: boolean) {}

  /** Whether a redraw now would be shown (callers skip building labels otherwise). */
  due(fraction = 0): boolean {
    if (!this.enabled) return false;
    const now = Date.now();
    if (now - this.last < this.interval && fraction < 1) return false;
    if (now - this.start < 1500 && fraction < 1 && !this.shown) return false; // short runs stay quiet
    this.askedAt = now;
    return true;
  }

  /** Draw by work: the estimate's fraction and ETA (from measured rates). */
  show(estimate: WorkEstimate, label: string): void {
    const cost = this.askedAt === null ? 0 : Math.max(0, Date.now() - this.askedAt);
    const due = this.due(estimate.fraction);
    this.askedAt = null;
    if (!due) return;
    this.interval = Math.max(100, 50 * cost);
    const eta = estimate.etaSeconds === null ? "" : ` ETA ${estimate.etaIsLowerBound ? "> " : ""}${formatSeconds(estimate.etaSeconds)}`;
    this.draw(estimate.fraction, label, eta);
  }

  private draw(fraction: number, label: string, etaText: string): void {
    this.last = Date.now();
    this.shown = true;
    const width = 30;
    const f = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(f * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(100 * f).toFixed(0).padStart(3)}% ${label}${etaText}\u001b[K`);
  }

  done(): void {
    if (this.enabled && this.shown) process.stderr.write("\n");
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
