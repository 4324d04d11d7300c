/**
 * The work of a scenario run, counted in the units its stages do: KMC hops, DC network
 * solves, AC impedance solves (one per frequency and electrode), cell runs (an Evans
 * experiment, a set of discharges); and, for a calibration, posterior draws (Metropolis
 * steps, or microstructure draws evaluated on the exact structure's grid). runScenario plans its work when it starts, counts it
 * as it goes and revises the plan where a stage turns out to need less (a cached
 * temperature, an estimate that cannot be made, a cell stage skipped); a progress display
 * turns the counts into a fraction and an ETA with rates it measures (cli/progress.ts).
 * Counting never changes results.
 */
import type { Scenario } from "../scenario/schema.js";
import { isNetworkDesign } from "../scenario/schema.js";

/** The kinds of work a run does; each has its own unit and its own rate. */
export type WorkKind = "kmc" | "network" | "impedance" | "cell" | "posterior";

export const WORK_KINDS: readonly WorkKind[] = ["kmc", "network", "impedance", "cell", "posterior"];

/** The unit of each kind, for labels ("12/40 solves"). */
export const WORK_UNITS: Readonly<Record<WorkKind, string>> = { kmc: "hops", network: "solves", impedance: "solves", cell: "runs", posterior: "draws" };

/** Units of work per kind. */
export type WorkTally = Readonly<Record<WorkKind, number>>;

export const NO_WORK: WorkTally = { kmc: 0, network: 0, impedance: 0, cell: 0, posterior: 0 };

/** One progress event of a scenario run: what runs now, and the run's work done and planned. */
export interface ScenarioProgress {
  /** The kind of work under way. */
  readonly kind: WorkKind;
  /** The stage under way, e.g. "KMC 298.15 K", "impedance 298.15 K". */
  readonly stage: string;
  /** Work done so far in this run, per kind (never decreases). */
  readonly done: WorkTally;
  /** Work this run plans, per kind (>= done; revised down where a stage needs less). */
  readonly planned: WorkTally;
}

/** What changes the plan of a run besides its scenario (a subset of runScenario's options). */
export interface PlanOptions {
  /** True for a temperature whose KMC is done already (in runScenario's cache or checkpoint): it plans no hops. */
  readonly kmcDone?: (temperatureK: number) => boolean;
  readonly errorEstimates?: boolean;
  readonly lossBreakdown?: boolean;
  /** How the cell's spectra are solved (RunOptions.impedance; default "reduced": two more DC solves, never more AC solves). */
  readonly impedance?: "full-grid" | "reduced";
}

/** Frequencies of a cell's impedance sweep: pointsPerDecade over the decades, both ends included (electrochem's `frequencies`). */
export function impedanceFrequencyCount(c: { readonly minHz: number; readonly maxHz: number; readonly pointsPerDecade: number }): number {
  return Math.max(2, Math.round(Math.log10(c.maxHz / c.minHz) * c.pointsPerDecade) + 1);
}

/** Hops a KMC temperature plans: replicas x (equilibration + measured hops, or their cap in target-precision mode). */
export function plannedKmcHops(k: { readonly replicas: number; readonly equilibrationHops: number; readonly hops: number; readonly targetRelativeError?: number; readonly maxHops?: number }): number {
  return k.replicas * (k.equilibrationHops + (k.targetRelativeError === undefined ? k.hops : (k.maxHops ?? k.hops)));
}

/**
 * The work a scenario run plans, from the scenario alone: an upper bound of each kind
 * (the estimates' extra solves and the cell stage counted as if they all happen; runScenario
 * revises the plan down as it learns otherwise). Network solves per realisation and
 * temperature: the solve, and on the first realisation the KMC-error solve and the
 * refinement solve; the cell: 3 x frequencies AC solves (bulk, Li, SS electrodes: the reduced
 * spectra's bound too), the ideal-electrode and cation-only DC solves, the face solve and the
 * reduced spectra's two, the Evans run and up to 7 discharge sets.
 */
export function plannedWork(scenario: Scenario, kmcSettings: { readonly replicas: number; readonly equilibrationHops: number; readonly hops: number; readonly targetRelativeError?: number; readonly maxHops?: number }, options: PlanOptions = {}): WorkTally {
  let kmc = 0;
  const temps = scenario.temperaturesK;
  if (scenario.lattice !== undefined && scenario.species !== undefined) {
    for (const T of temps) {
      if (options.kmcDone?.(T) === true) continue;
      kmc += plannedKmcHops(kmcSettings);
    }
  }
  const m = scenario.morphology;
  if (m === undefined) return { ...NO_WORK, kmc };
  const R = m.kind === "image" ? 1 : m.realizations;
  const estimates = options.errorEstimates ?? true;
  const takesKmc = m.phases.some((p) => p.conductivitySPerCm === undefined);
  // the KMC-error solve (a voxel design also its refinement solve) per temperature, on the first realisation
  const extra = estimates ? (takesKmc ? temps.length : 0) + (isNetworkDesign(m) ? 0 : temps.length) : 0;
  const network = R * temps.length + extra + cellNetworkSolves(scenario, options.impedance ?? "reduced");
  const c = scenario.cell;
  if (c === undefined) return { ...NO_WORK, kmc, network };
  const impedance = 3 * impedanceFrequencyCount(c.impedance);
  const cell = 1 + (c.rateCapability !== undefined ? 3 + ((options.lossBreakdown ?? true) ? 4 : 0) : 0);
  return { kmc, network, impedance, cell, posterior: 0 };
}

/**
 * DC solves of the cell stage: the membrane between ideal electrodes, the cation-only network,
 * a voxel design's Li face, and the reduced spectra's two solves with real interface elements.
 */
export function cellNetworkSolves(scenario: Scenario, impedance: "full-grid" | "reduced" = "reduced"): number {
  const c = scenario.cell, m = scenario.morphology;
  if (c === undefined || m === undefined) return 0;
  return 2 + (c.criticalLocalCurrentDensityMAPerCm2 !== undefined && !isNetworkDesign(m) ? 1 : 0) + (impedance === "reduced" ? 2 : 0);
}

/**
 * Rough units per second of each kind on one core, used only until a display has measured
 * its own (README, Performance: 5.4 M hops/s on the MOF lattice on one core, taken lower for slower machines; a voxel or particle
 * network solve of the paper designs in about a second; a Metropolis step on the emulators
 * or a draw's grid of rate parameters in tens of microseconds).
 */
export const PRIOR_UNITS_PER_SECOND: WorkTally = { kmc: 2e6, network: 1, impedance: 1, cell: 2, posterior: 2e4 };

/** Fraction of a run's work done, each kind weighted by its time at the given rates (default the priors). */
export function workFraction(done: WorkTally, planned: WorkTally, rates: WorkTally = PRIOR_UNITS_PER_SECOND): number {
  let d = 0, p = 0;
  for (const k of WORK_KINDS) {
    d += done[k] / rates[k];
    p += planned[k] / rates[k];
  }
  return p > 0 ? Math.min(1, d / p) : 1;
}

/**
 * The counter runScenario keeps for one run: work done per kind, the plan, and the event
 * it sends. Events come per KMC chunk or block and per solve, never per KMC event.
 */
export class WorkCounter {
  private readonly done: Record<WorkKind, number> = { ...NO_WORK };
  private readonly planned: Record<WorkKind, number>;
  private lastKind: WorkKind = "kmc";
  private lastStage = "";

  constructor(
    planned: WorkTally,
    private readonly emit: ((p: ScenarioProgress) => void) | undefined,
  ) {
    this.planned = { ...planned };
  }

  /** `units` more of `kind` done in `stage`. */
  add(kind: WorkKind, units: number, stage: string): void {
    this.done[kind] += units;
    if (this.done[kind] > this.planned[kind]) this.planned[kind] = this.done[kind];
    this.send(kind, stage);
  }

  /** The work of `kind` done so far. */
  doneOf(kind: WorkKind): number {
    return this.done[kind];
  }

  /** Send the last kind again with the plan as it is now (after close or drop), under `stage` (default the last). */
  resend(stage: string = this.lastStage): void {
    this.send(this.lastKind, stage);
  }

  /** Revise the plan of `kind` to `units` (at least what is done). */
  replan(kind: WorkKind, units: number): void {
    this.planned[kind] = Math.max(this.done[kind], units);
  }

  /** `units` of `kind` planned will not be done (an estimate that cannot be made). */
  drop(kind: WorkKind, units: number): void {
    this.planned[kind] = Math.max(this.done[kind], this.planned[kind] - units);
  }

  /** Close a kind: nothing more of it will be done. */
  close(kind: WorkKind): void {
    this.planned[kind] = this.done[kind];
  }

  /** Send an event for `stage` without new work (a stage starting). */
  send(kind: WorkKind, stage: string): void {
    this.lastKind = kind;
    this.lastStage = stage;
    this.emit?.({ kind, stage, done: { ...this.done }, planned: { ...this.planned } });
  }
}

/** An event of a run whose KMC ran before it elsewhere (on worker threads): those hops added as done and planned. */
export function withKmcDone(p: ScenarioProgress, hops: number): ScenarioProgress {
  if (hops === 0) return p;
  return { ...p, done: { ...p.done, kmc: p.done.kmc + hops }, planned: { ...p.planned, kmc: p.planned.kmc + hops } };
}

/**
 * Which runs do their work at comparable rates, per kind: runs of one class share measured
 * rates before they have their own (the four pellets' solves, not a pellet's and a 0.5 M-voxel
 * membrane's). KMC by lattice and cells; network solves by morphology kind and size;
 * impedance solves on the voxel grid, or on a particle network's homogenised slab; cell runs alike.
 */
export function workClasses(scenario: Scenario): Readonly<Record<WorkKind, string>> {
  const kmc = scenario.lattice === undefined ? "none" : JSON.stringify([scenario.lattice.kind, "cells" in scenario.lattice ? scenario.lattice.cells : null]);
  const m = scenario.morphology;
  const posterior = "posterior";
  if (m === undefined) return { kmc, network: "none", impedance: "none", cell: "cell", posterior };
  if (isNetworkDesign(m)) return { kmc, network: `${m.kind} ${m.particleCount}`, impedance: "slab", cell: "cell", posterior };
  const size = m.kind === "image" || m.kind === "raw" ? m.kind : m.shape.join("x");
  return { kmc, network: `voxels ${size}`, impedance: `voxels ${size}`, cell: "cell", posterior };
}
