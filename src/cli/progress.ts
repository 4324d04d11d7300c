/**
 * Progress on stderr (only when stderr is a terminal): a bar by work done, not by jobs.
 * Runs report their work in units per kind (KMC hops, network solves, impedance solves,
 * cell runs; pipeline/progress.ts). Here those counts become
 * - rates: units per second of each kind, measured so far on the runs' own threads (the
 *   time between two events of one run goes to the kinds it advanced); a design's own rate
 *   once it has one (a voxel solve of 0.5 M unknowns is not a particle network's), else the
 *   rate of its class (designs of the same lattice or morphology size, pipeline/progress.ts
 *   workClasses), else none: a rate pooled over unlike designs misleads (the AC solves of a
 *   0.5 M-voxel membrane against those of a particle network's homogenised 4^3 slab made a
 *   comparison's ETA twice too long), so such work counts as not yet timed;
 * - a fraction: the done work's time over the planned work's, each kind at its measured
 *   rate (a prior rate until one is measured), so one long job weighs as its length;
 * - an ETA: the remaining work at the measured rates, spread over the parallel threads but
 *   never shorter than the longest running job's own remainder; a lower bound (">") while a
 *   kind with work left has no measured rate yet.
 * Progress only reads the counts: it never changes a result.
 */
import { NO_WORK, PRIOR_UNITS_PER_SECOND, WORK_KINDS, WORK_UNITS, type ScenarioProgress, type WorkKind, type WorkTally } from "../pipeline/progress.js";

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
  private readonly units: Record<WorkKind, number> = { kmc: 0, network: 0, impedance: 0, cell: 0 };
  private readonly seconds: Record<WorkKind, number> = { kmc: 0, network: 0, impedance: 0, cell: 0 };
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

/** estimateWork over items that each run at their own rates. */
export function estimateItems(items: readonly EstimateItem[], parallel: number): WorkEstimate {
  let doneS = 0, plannedS = 0, leftS = 0, longest = 0;
  let unmeasured = false, measuredLeft = false;
  for (const it of items) {
    for (const k of WORK_KINDS) {
      const r = it.rates[k] ?? PRIOR_UNITS_PER_SECOND[k];
      doneS += Math.min(it.done[k], it.planned[k]) / r;
      plannedS += it.planned[k] / r;
      if (it.rates[k] !== undefined && it.planned[k] > it.done[k]) measuredLeft = true;
    }
    const left = remainingSeconds(it.done, it.planned, it.rates);
    leftS += left.seconds;
    unmeasured ||= left.unmeasured;
    if (it.running) {
      const own = it.remainder === undefined ? left : remainingSeconds(it.remainder.done, it.remainder.planned, it.rates);
      longest = Math.max(longest, own.seconds);
    }
  }
  const fraction = plannedS > 0 ? doneS / plannedS : 1;
  const etaSeconds = !measuredLeft && unmeasured ? null : Math.max(leftS / Math.max(1, parallel), longest);
  return { fraction, etaSeconds, etaIsLowerBound: unmeasured };
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

/**
 * The progress of several scenario runs (the designs of a comparison, one run): each
 * item's plan until its events come, then its events; `parallel` threads run them.
 */
export class WorkTracker {
  /** Rates per class ("kind|class"), and each item's own. */
  private readonly byClass = new Map<string, WorkRates>();
  private readonly items: { name: string; done: WorkTally; planned: WorkTally; last: ScenarioProgress | null; finished: boolean; own: WorkRates; classes: WorkRates[] }[] = [];

  constructor(private readonly parallel: number) {}

  /** Add an item with its plan (before it starts) and its class per kind (items of one class share rates); returns its index. */
  plan(name: string, planned: WorkTally, classes?: Readonly<Record<WorkKind, string>>): number {
    const shared = WORK_KINDS.map((k) => {
      const key = `${k}|${classes?.[k] ?? `item ${this.items.length}`}`;
      let r = this.byClass.get(key);
      if (r === undefined) this.byClass.set(key, (r = new WorkRates()));
      return r;
    });
    this.items.push({ name, done: { kmc: 0, network: 0, impedance: 0, cell: 0 }, planned, last: null, finished: false, own: new WorkRates(), classes: shared });
    return this.items.length - 1;
  }

  /** An item's progress event (cumulative work of that item). */
  event(item: number, p: ScenarioProgress, nowMs: number = Date.now()): void {
    const it = this.items[item]!;
    it.own.observe(0, p.done, p.kind, nowMs);
    for (const c of it.classes) c.observe(item, p.done, p.kind, nowMs);
    it.done = p.done;
    it.planned = p.planned;
    it.last = p;
  }

  /** An item's work planned as it stands (its plan, or its latest event's). */
  plannedOf(item: number): WorkTally {
    return this.items[item]!.planned;
  }

  /** An item that waits (its first part done, the next not started): not shown as running. */
  idle(item: number): void {
    this.items[item]!.last = null;
    this.items[item]!.own.forget(0);
    for (const c of this.items[item]!.classes) c.forget(item);
  }

  /** An item that has ended: its work counts as planned == done (a failed item's plan shrinks to what it did). */
  finish(item: number): void {
    const it = this.items[item]!;
    it.finished = true;
    it.planned = it.done;
    it.own.forget(0);
    for (const c of it.classes) c.forget(item);
  }

  /** Rates for an item's remaining work: its own where measured, else its class's. */
  private ratesOf(item: { own: WorkRates; classes: WorkRates[] }): MeasuredRates {
    const own = item.own.rates();
    const r: Partial<Record<WorkKind, number>> = {};
    WORK_KINDS.forEach((k, i) => {
      const v = own[k] ?? item.classes[i]!.rates()[k];
      if (v !== undefined) r[k] = v;
    });
    return r;
  }

  estimate(): WorkEstimate {
    return estimateItems(
      this.items.map((it) => ({ done: it.done, planned: it.planned, rates: this.ratesOf(it), running: it.last !== null && !it.finished })),
      this.parallel,
    );
  }

  /** "[3/7] interconnected: impedance 298.15 K 12/40 solves" for the running items (the one with the most work left first). */
  label(): string {
    const n = this.items.length;
    let best = -1, bestLeft = -1, others = 0;
    this.items.forEach((it, i) => {
      if (it.last === null || it.finished) return;
      const left = remainingSeconds(it.done, it.planned, this.ratesOf(it)).seconds;
      if (best >= 0) others++;
      if (left > bestLeft) {
        best = i;
        bestLeft = left;
      }
    });
    if (best < 0) return `[0/${n}] starting`;
    const it = this.items[best]!;
    const p = it.last!;
    const prefix = n > 1 ? `[${best + 1}/${n}] ${it.name}: ` : "";
    return `${prefix}${p.stage} ${workText(p)}${others > 0 ? ` (+${others} running)` : ""}`;
  }
}

/** A progress bar on stderr (only when stderr is a terminal), redrawn at most 10 times a second. */
export class ProgressBar {
  private last = 0;
  private readonly start = Date.now();
  private shown = false;
  constructor(private readonly enabled: boolean) {}

  /** Whether a redraw now would be shown (callers skip building labels otherwise). */
  due(fraction = 0): boolean {
    if (!this.enabled) return false;
    const now = Date.now();
    if (now - this.last < 100 && fraction < 1) return false;
    if (now - this.start < 1500 && fraction < 1 && !this.shown) return false; // short runs stay quiet
    return true;
  }

  /** Draw by work: the estimate's fraction and ETA (from measured rates). */
  show(estimate: WorkEstimate, label: string): void {
    if (!this.due(estimate.fraction)) return;
    const eta = estimate.etaSeconds === null ? "" : ` ETA ${estimate.etaIsLowerBound ? "> " : ""}${formatSeconds(estimate.etaSeconds)}`;
    this.draw(estimate.fraction, label, eta);
  }

  /** Draw a fraction with an ETA extrapolated from the elapsed time (for work of equal parts: uncertainty samples, calibration draws). */
  update(fraction: number, label: string): void {
    if (!this.due(fraction)) return;
    const f = Math.max(0, Math.min(1, fraction));
    const elapsed = (Date.now() - this.start) / 1000;
    const eta = f > 0.01 ? (elapsed * (1 - f)) / f : NaN;
    this.draw(f, label, Number.isFinite(eta) ? ` ETA ${formatSeconds(eta)}` : "");
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
