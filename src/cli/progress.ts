/**
 * Progress on stderr (only when stderr is a terminal): a bar by work done, not by jobs.
 * Runs report their work in units per kind (KMC hops, network solves, impedance solves,
 * cell runs; pipeline/progress.ts). Here those counts become
 * - rates: units per second of each kind, measured so far on the runs' own threads (the
 *   time between two events of one run goes to the kinds it advanced);
 * - a fraction: the done work's time over the planned work's, each kind at its measured
 *   rate (a prior rate until one is measured), so one long job weighs as its length;
 * - an ETA: the remaining work at the measured rates, spread over the parallel threads but
 *   never shorter than the longest running job's own remainder; a lower bound (">") while a
 *   kind with work left has no measured rate yet.
 * Progress only reads the counts: it never changes a result.
 */
import { PRIOR_UNITS_PER_SECOND, WORK_KINDS, WORK_UNITS, type ScenarioProgress, type WorkKind, type WorkTally } from "../pipeline/progress.js";

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
  let doneS = 0, plannedS = 0;
  for (const k of WORK_KINDS) {
    const r = rates[k] ?? PRIOR_UNITS_PER_SECOND[k];
    doneS += Math.min(done[k], planned[k]) / r;
    plannedS += planned[k] / r;
  }
  const fraction = plannedS > 0 ? doneS / plannedS : 1;
  const left = remainingSeconds(done, planned, rates);
  let longest = 0;
  for (const item of running) longest = Math.max(longest, remainingSeconds(item.done, item.planned, rates).seconds);
  const anyMeasured = WORK_KINDS.some((k) => rates[k] !== undefined && planned[k] > done[k]);
  const etaSeconds = !anyMeasured && left.unmeasured ? null : Math.max(left.seconds / Math.max(1, parallel), longest);
  return { fraction, etaSeconds, etaIsLowerBound: left.unmeasured };
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
  private readonly rates = new WorkRates();
  private readonly items: { name: string; done: WorkTally; planned: WorkTally; last: ScenarioProgress | null; finished: boolean }[] = [];

  constructor(private readonly parallel: number) {}

  /** Add an item with its plan (before it starts); returns its index. */
  plan(name: string, planned: WorkTally): number {
    this.items.push({ name, done: { kmc: 0, network: 0, impedance: 0, cell: 0 }, planned, last: null, finished: false });
    return this.items.length - 1;
  }

  /** An item's progress event (cumulative work of that item). */
  event(item: number, p: ScenarioProgress, nowMs: number = Date.now()): void {
    const it = this.items[item]!;
    this.rates.observe(item, p.done, p.kind, nowMs);
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
  }

  /** An item that has ended: its work counts as planned == done (a failed item's plan shrinks to what it did). */
  finish(item: number): void {
    const it = this.items[item]!;
    it.finished = true;
    it.planned = it.done;
    this.rates.forget(item);
  }

  estimate(): WorkEstimate {
    const done: Record<WorkKind, number> = { kmc: 0, network: 0, impedance: 0, cell: 0 };
    const planned: Record<WorkKind, number> = { kmc: 0, network: 0, impedance: 0, cell: 0 };
    const running: { done: WorkTally; planned: WorkTally }[] = [];
    for (const it of this.items) {
      for (const k of WORK_KINDS) {
        done[k] += it.done[k];
        planned[k] += it.planned[k];
      }
      if (it.last !== null && !it.finished) running.push(it);
    }
    return estimateWork(done, planned, this.rates.rates(), this.parallel, running);
  }

  /** "[3/7] interconnected: impedance 298.15 K 12/40 solves" for the running items (the one with the most work left first). */
  label(): string {
    const n = this.items.length;
    const rates = this.rates.rates();
    let best = -1, bestLeft = -1, others = 0;
    this.items.forEach((it, i) => {
      if (it.last === null || it.finished) return;
      const left = remainingSeconds(it.done, it.planned, rates).seconds;
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
