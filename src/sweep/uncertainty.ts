/**
 * Predictions with bands (DESIGN.md, "Uncertainty"): the scenario's distributions drawn
 * by a Latin hypercube, each draw run through the whole chain as one sweep job (workers,
 * resume, shards), and every output reported as a median with 68 % and 90 % bands, with
 * Sobol indices of each output for each input (analysis/sobol.ts) and, for a comparison,
 * the probability that one design beats another.
 *
 * What varies between samples, and so enters the bands:
 * - the inputs' draws: input j of sample s is Q_j(u_sj), u from the stream named by the
 *   input's key (its `name`, else its path) under the seed, so two designs that share an
 *   input (the same key) share its draws sample by sample (common random numbers: their
 *   difference is not blurred by draws of a quantity that is physically the same);
 * - the microstructure: sample s builds morphology realisation s (one per sample), so the
 *   realisations' scatter is inside the bands instead of beside them.
 * What does not: the KMC, run once at the nominal values and shared by every sample whose
 * KMC inputs are nominal (a sample that changes them runs its own KMC). Its statistical
 * error and the network's model error are reported with the nominal results.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.js";
import { createStream } from "../core/rng.js";
import { sortedQuantile } from "../core/stats.js";
import { latinHypercube, quantile, reach } from "../analysis/distributions.js";
import { buildMorphology, morphologyStream } from "../pipeline/morphology.js";
import { checkCellUpFront, checkMorphologyUpFront, kmcCacheKey, kmcRunOptions } from "../pipeline/runScenario.js";
import { plannedWork, type WorkTally } from "../pipeline/progress.js";
import { isNetworkDesign } from "../scenario/schema.js";
import { pceSobol } from "../analysis/sobol.js";
import type { MeasureNext, OutputBand, PairwiseRow, Results, SensitivityRow, UncertaintyBlock } from "../pipeline/results.js";
import { parseScenario } from "../scenario/load.js";
import type { Scenario } from "../scenario/schema.js";
import { distributionShape, setPlain, type UncertainInput } from "../scenario/uncertain.js";
import { canonicalJson, type KmcCacheEntry, type Sweep, type SweepJob } from "./definition.js";
import { RESULTS_FILE, scanResults } from "./journal.js";
import { runSweepToEnd, type SweepProgress, type SweepSummary } from "./run.js";
import type { PosteriorFile } from "./calibrate.js";
import { emulateOutputs, minimumRuns, spansInLog, type EmulatedOutput } from "./emulate.js";
import { LFP_THEORETICAL_CAPACITY_MAH_PER_G } from "../transport/cell/lfpMaterial.js";

/** Fewer samples than this give bands too coarse to mean anything. */
export const MIN_SAMPLES = 8;
export const MAX_SAMPLES = 100_000;

/** A scenario with its distributions, as loadScenario returns it. */
export interface UncertainScenario {
  readonly scenario: Scenario;
  readonly plain: unknown;
  readonly inputs: readonly UncertainInput[];
  readonly baseDir: string;
}

export function checkSampleCount(n: number): number {
  if (!Number.isInteger(n) || n < MIN_SAMPLES || n > MAX_SAMPLES) {
    throw new InputError(`--uncertainty: got ${n}; the number of samples must be a whole number from ${MIN_SAMPLES} to ${MAX_SAMPLES} (64-256 is usual)`);
  }
  return n;
}

/**
 * The training runs of `--emulate M` for `--uncertainty N` draws, per design: a whole number
 * from MIN_SAMPLES, below N (M >= N runs every draw: no emulator is needed), and enough for a
 * linear expansion in every design's inputs; or "auto": each design its own 3 (k + 1) runs for
 * its k inputs (at least MIN_SAMPLES; undefined, every draw run, where that reaches N).
 * Throws InputError naming the design short of runs.
 */
export function checkEmulatorRuns(m: number | "auto", draws: number, designs: readonly UncertainScenario[]): (number | undefined)[] {
  const ks = designs.map((d) => inputKeys(d.inputs).length);
  if (m === "auto") return ks.map((k) => {
    const runs = Math.max(MIN_SAMPLES, minimumRuns(k));
    return runs < draws ? runs : undefined;
  });
  if (!Number.isInteger(m) || m < MIN_SAMPLES || m >= draws) {
    throw new InputError(`--emulate: got ${m}; the number of runs that train the emulator must be "auto" or a whole number from ${MIN_SAMPLES} to ${draws - 1} (below --uncertainty ${draws}; without --emulate every sample runs the whole chain)`);
  }
  const short = designs
    .map((d, i) => ({ name: d.scenario.name, k: ks[i]! }))
    .filter((d) => m < minimumRuns(d.k));
  if (short.length > 0) {
    throw new InputError(`--emulate: got ${m}; ${short.map((d) => `${d.name} has ${d.k} uncertain inputs and needs at least ${minimumRuns(d.k)} runs`).join("; ")} (a linear expansion in k inputs needs 3 (k + 1) runs; --emulate auto gives each design its own)`);
  }
  return designs.map(() => m);
}

/** The distinct inputs by key (a named distribution used in several places is one), in file order. */
export function inputKeys(inputs: readonly UncertainInput[]): string[] {
  return [...new Set(inputs.map((i) => i.key))];
}

/** The uniform scores of `n` samples: row s, column j = key j (each from its own stream). */
export function sampleScores(keys: readonly string[], n: number, seed: number): Float64Array[] {
  return latinHypercube(n, keys.map((key) => createStream(seed, "uncertainty", key)));
}

/** How a sample runs: the nominal run reports the KMC error's effect, the refinement estimate and the losses; a sample repeats none of them, and builds its spectra from a few solves. */
export const SAMPLE_RUN_OPTIONS = { errorEstimates: false, impedance: "reduced", lossBreakdown: false } as const;

/**
 * The work one sample of `design` plans, before the samples are drawn (for a progress
 * display's plan of the stages to come): the nominal scenario with one realisation, its KMC
 * shared with the nominal run unless an input changes what the KMC computes (its cache key,
 * tried at the upper end of each input's reach). runSweep's own plan of each sample
 * replaces it when the samples start.
 */
export function samplePlan(design: UncertainScenario): WorkTally {
  const s = design.scenario;
  const m = s.morphology;
  const one: Scenario = m === undefined || m.kind === "image" ? s : { ...s, morphology: { ...m, realizations: 1 } };
  const ownKmc =
    s.lattice !== undefined &&
    s.species !== undefined &&
    inputKeys(design.inputs).some((key) => {
      const twins = design.inputs.filter((i) => i.key === key);
      const copy = structuredClone(design.plain) as Record<string, unknown>;
      for (const t of twins) setPlain(copy, t.path.split("."), reach(t.spec)[1]);
      try {
        const v = parseScenario(copy);
        return s.temperaturesK.some((T) => kmcCacheKey(v, T) !== kmcCacheKey(s, T));
      } catch (e) {
        if (e instanceof InputError) return false; // checkReachUpFront says why
        throw e;
      }
    });
  return plannedWork(one, kmcRunOptions(one), { kmcDone: () => !ownKmc, errorEstimates: SAMPLE_RUN_OPTIONS.errorEstimates, lossBreakdown: SAMPLE_RUN_OPTIONS.lossBreakdown, impedance: SAMPLE_RUN_OPTIONS.impedance });
}

/**
 * The sweep whose jobs are the samples: job s runs the scenario with input j at
 * Q_j(u_sj), one morphology realisation (number s), the scenario's own seed (so the
 * nominal KMC is shared), and the KMC results `kmc` to reuse. The scores are the first n
 * rows of a design of `designSize` draws (default n).
 */
export function samplesSweep(
  design: UncertainScenario,
  n: number,
  seed: number,
  kmc: readonly (readonly [string, KmcCacheEntry])[],
  posteriors: readonly PosteriorFile[] = [],
  designSize = n,
): { sweep: Sweep; scores: Float64Array[]; calibrated: string[] } {
  const keys = inputKeys(design.inputs);
  const drawn = drawScores(design, keys, Math.max(n, designSize), seed, posteriors);
  const scores = drawn.scores.slice(0, n), calibrated = drawn.calibrated;
  const jobs = sampleJobs(design, scores);
  const hash = createHash("sha256")
    .update(canonicalJson({ seed, jobs: jobs.map((j) => ({ job: j.job, scenario: j.scenario, runOptions: j.runOptions })) }))
    .digest("hex");
  return {
    sweep: { name: `${design.scenario.name}-uncertainty`, base: design.plain as Record<string, unknown>, baseDir: design.baseDir, axes: [], jobs, hash, kmc },
    scores,
    calibrated,
  };
}

/**
 * The jobs of samples with the given uniform scores (row s, column j = key j of
 * inputKeys): job first + s runs the scenario with input j at Q_j(u_sj) and morphology
 * realisation first + s alone.
 */
export function sampleJobs(design: UncertainScenario, scores: readonly Float64Array[], first = 0): SweepJob[] {
  return scores.map((u, i) => {
    const s = first + i;
    const { copy, params } = plainAt(design, u);
    return { job: s, params, scenario: parseScenario(copy), runOptions: { firstRealization: s, ...SAMPLE_RUN_OPTIONS } };
  });
}

/** The scenario (plain JSON, one realisation) with input j at Q_j(u_j), and those values by path. */
function plainAt(design: UncertainScenario, u: Float64Array): { copy: Record<string, unknown>; params: Record<string, number> } {
  const keys = inputKeys(design.inputs);
  const copy = structuredClone(design.plain) as Record<string, unknown>;
  const params: Record<string, number> = {};
  design.inputs.forEach((input) => {
    const x = quantile(input.spec, u[keys.indexOf(input.key)]!);
    params[input.path] = x;
    setPlain(copy, input.path.split("."), x);
  });
  const morphology = copy.morphology as Record<string, unknown> | undefined;
  if (morphology !== undefined) morphology.realizations = 1;
  return { copy, params };
}

/**
 * The draws (rows of `scores`) whose design this model cannot build: the checks a run makes before its
 * heavy work (checkMorphologyUpFront, checkCellUpFront) refuse it, with their message. Each
 * input alone is checked over its whole reach (checkReachUpFront); this finds the corners of
 * their joint ranges, such as a dense gel membrane with thick films whose coated particles
 * would pack denser than the packer reaches (0.6; a limit of the model: random close packing
 * of equal spheres is 0.64).
 */
export function unbuildableDraws(design: UncertainScenario, scores: readonly Float64Array[]): Map<number, string> {
  const out = new Map<number, string>();
  scores.forEach((u, s) => {
    try {
      const sc = parseScenario(plainAt(design, u).copy);
      checkMorphologyUpFront(sc.morphology, sc);
      checkCellUpFront(sc.cell, sc.morphology);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      out.set(s, e.message);
    }
  });
  return out;
}

/** One message per refusing field (the text before the first ": "), in draw order. */
function unbuildableReasons(why: Iterable<string>): string[] {
  const byField = new Map<string, string>();
  for (const m of why) {
    const field = m.split(": ")[0]!;
    if (!byField.has(field)) byField.set(field, m);
  }
  return [...byField.values()];
}

/**
 * The uniform scores of the samples: a Latin hypercube for every key, except the keys a
 * posterior file calibrated, which take its draws (sample s: draw floor(s D / n), so the draws
 * spread over the whole posterior; keys calibrated together keep their correlation, and
 * designs sharing a key share its draw). What a posterior lends:
 * - to the design it was computed on: every key;
 * - to another design: the `fitted` keys it shares (the rate parameters of the same ion), and,
 *   if it lends any of those (a partner: the calibration of this design's own rate
 *   parameters), also every other key the two share by name (the same quantity by the
 *   scenario's say-so, such as the boundary across a MOF contact): drawing those from their
 *   priors would break the correlation the data put between them and the rate parameters. A
 *   posterior that fitted none of this design's keys lends it nothing else: its nuisance
 *   inputs were conditioned on another ion's data.
 * A key two posteriors would lend is refused, as is a posterior computed for another prior
 * of a key.
 */
export function drawScores(design: UncertainScenario, keys: readonly string[], n: number, seed: number, posteriors: readonly PosteriorFile[]): { scores: Float64Array[]; calibrated: string[] } {
  const scores = sampleScores(keys, n, seed);
  const calibrated: string[] = [];
  const owner = new Map<string, string>();
  const specOf = (key: string) => design.inputs.find((i) => i.key === key)!.spec;
  for (const post of posteriors) {
    const own = post.scenario === design.scenario.name || (post.scenarios ?? []).includes(design.scenario.name);
    const partner = own || post.inputs.some((pi) => keys.includes(pi.key) && specOf(pi.key).basis === "fitted");
    post.inputs.forEach((pi, col) => {
      const j = keys.indexOf(pi.key);
      if (j < 0) return;
      const spec = specOf(pi.key);
      if (!own && spec.basis !== "fitted" && !(partner && spec.name !== undefined)) return;
      if (owner.has(pi.key)) throw new InputError(`--posterior: '${pi.key}' is calibrated by two posteriors (${owner.get(pi.key)} and ${post.scenario}); give one`);
      owner.set(pi.key, post.scenario);
      if (distributionShape(spec) !== distributionShape(pi.prior as Record<string, unknown>)) {
        throw new InputError(`--posterior: '${pi.key}' in ${design.scenario.name} has another prior than the one ${post.scenario}'s posterior was computed from; calibrate again with this prior`);
      }
      const D = post.draws.length;
      for (let s = 0; s < n; s++) scores[s]![j] = post.draws[Math.floor((s * D) / n)]!.u[col]!;
      calibrated.push(pi.key);
    });
  }
  return { scores, calibrated };
}



/**
 * Every input at both ends of its reach (the others nominal) must pass the checks a run
 * makes before its heavy work, and a voxel microstructure must build there (its
 * generator's resolution rules): a sample that would fail is found before any runs.
 * Throws one InputError listing each failing end.
 */
export function checkReachUpFront(design: UncertainScenario): void {
  const problems: string[] = [];
  for (const key of inputKeys(design.inputs)) {
    const twins = design.inputs.filter((i) => i.key === key);
    for (const [end, x] of reach(twins[0]!.spec).map((v, i) => [i === 0 ? "lower" : "upper", v] as const)) {
      const copy = structuredClone(design.plain) as Record<string, unknown>;
      for (const t of twins) setPlain(copy, t.path.split("."), x);
      try {
        const s = parseScenario(copy);
        checkMorphologyUpFront(s.morphology, s);
        checkCellUpFront(s.cell, s.morphology);
        const m = s.morphology;
        if (m !== undefined && !isNetworkDesign(m) && twins.some((t) => t.path.startsWith("morphology."))) buildMorphology(m, morphologyStream(s.seed, 0), design.baseDir);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push(`${twins.map((t) => t.path).join(", ")}: at the ${end} end of its distribution (${x.toPrecision(4)}) the run would fail: ${e.message}; narrow the distribution`);
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));
}

/** The finished samples in a samples directory: results by job number. */
export function readSamples(dir: string): Map<number, Results> {
  const file = join(dir, RESULTS_FILE);
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const scan = scanResults(text, () => undefined);
  return new Map(scan.kept.map((k) => [k.line.job, k.line.results]));
}

/** One scalar output of a run: its JSON path in the results object and a label. */
export interface OutputValue {
  readonly path: string;
  readonly label: string;
  readonly value: number;
  /** The physical range of the output where it has one (a capacity, a transference number). */
  readonly range?: readonly [number, number];
}

/**
 * The outputs that get bands: effective conductivities (and the DC one of gel designs),
 * activation energies, transference numbers, R_bulk and R_int, the critical current
 * density and the capacity at each C-rate.
 */
export function bandedOutputs(r: Results): OutputValue[] {
  const out: OutputValue[] = [];
  const push = (path: string, label: string, v: number | null | undefined, range?: readonly [number, number]): void => {
    if (typeof v === "number" && Number.isFinite(v)) out.push({ path, label, value: v, ...(range !== undefined ? { range } : {}) });
  };
  r.effective.forEach((e, i) => {
    push(`effective[${i}].conductivitySPerCm`, `sigma_eff ${e.temperatureK} K (S/cm)`, e.conductivitySPerCm);
    push(`effective[${i}].lowFrequencyConductivitySPerCm`, `sigma_eff DC ${e.temperatureK} K (S/cm)`, e.lowFrequencyConductivitySPerCm);
  });
  r.arrhenius.forEach((a, i) => push(`arrhenius[${i}].activationEnergyEV`, `Ea ${a.of} (eV)`, a.activationEnergyEV));
  r.transferenceNumber.forEach((t, i) => {
    push(`transferenceNumber[${i}].membraneCation`, `t+ membrane ${t.temperatureK} K`, t.membraneCation, [0, 1]);
    // what an Evans experiment of the stated duration reads (Bruce-Vincent), as measured
    push(`transferenceNumber[${i}].evans.tPlus`, `t+ Evans ${t.temperatureK} K`, t.evans?.tPlus, [0, 1]);
  });
  (r.impedance ?? []).forEach((z, i) => {
    if (z.cell !== "Li|SE|Li") return;
    push(`impedance[${i}].bulkResistanceOhm`, `R_bulk ${z.temperatureK} K (ohm)`, z.bulkResistanceOhm);
    push(`impedance[${i}].interfacialResistanceOhm`, `R_int ${z.temperatureK} K (ohm)`, z.interfacialResistanceOhm);
  });
  if (r.criticalCurrent !== undefined) push("criticalCurrent.criticalCurrentDensityMAPerCm2", `CCD ${r.criticalCurrent.temperatureK} K (mA/cm2)`, r.criticalCurrent.criticalCurrentDensityMAPerCm2);
  (r.rateCapability ?? []).forEach((c, i) => push(`rateCapability[${i}].dischargeCapacityMAhPerG`, `capacity ${c.cRate} C (mAh/g)`, c.dischargeCapacityMAhPerG, [0, LFP_THEORETICAL_CAPACITY_MAH_PER_G]));
  return out;
}





/**
 * What a measurement of each kind of input would be, by the input's path (the first
 * pattern that matches). A suggestion for the reader, never used in a computation.
 */
const MEASUREMENTS: readonly (readonly [RegExp, string])[] = [
  [/contacts\.pressed\.resistanceOhmCm2$/, "a pressure series of pellets (conductivity against pressing pressure) or pellets of two particle sizes separates the contacts' boundary from the MOF's own conductivity"],
  [/contacts\..*\.activationEnergyEV$/, "the pellet's impedance arc of the grain boundaries against temperature"],
  [/fibreOnParticleShare$/, "a cross-section of the mix (SEM or FIB) counting the fibres that lie between touching particles"],
  [/consolidationPressureMPa$|workOfAdhesion/, "the contact spots of the unpressed cake (TEM of particle necks) or its conductivity against a pressing pressure series"],
  [/cathode\.(solidDiffusivityCm2PerS|particleRadiusNm|porosity)$/, "a rate test of the same cathode against Li in a liquid electrolyte (and its particle size by SEM), which separates the cathode's own rate limit from the membrane's"],
  [/solidFraction$|porosity/i, "the membrane's density from its mass and dimensions (or mercury porosimetry)"],
  [/pressureMPa$/, "the die pressure as set on the press"],
  [/(youngsModulusGPa|hardnessGPa|poissonRatio)$/, "nanoindentation of single MOF crystals"],
  [/diameter|particle/i, "the particle size distribution (SEM image analysis or laser diffraction)"],
  [/chargeTransferOhmCm2$|doubleLayer/, "Li|SE|Li impedance at two membrane thicknesses (separates the interface arc from the bulk)"],
  [/gel|binder|film/i, "the conductivity and thickness of a cast binder film without MOF"],
  [/cathodeElectrolyte|cathodeInterface/, "impedance of the full cell against a Li|SE|Li cell of the same membrane"],
  [/criticalLocalCurrentDensity/, "a galvanostatic step test of Li|SE|Li cells (critical current density)"],
  [/attemptFrequencyHz|hopBarrierEV|siteEnergiesEV/, "conductivity of the pellet over a wider temperature range, or of single crystals"],
  [/conductivitySPerCm$/, "the conductivity of that phase alone"],
];

export function measurementFor(path: string): string {
  return MEASUREMENTS.find(([re]) => re.test(path))?.[1] ?? `a direct measurement of ${path}`;
}

/**
 * The design's headline outputs, for "what to measure next": the effective conductivity
 * (and the DC one) at the temperature nearest 25 C, t+, the critical current density and
 * the capacity at the highest C-rate.
 */
function headlinePaths(r: Results): Set<string> {
  const paths = new Set<string>(["criticalCurrent.criticalCurrentDensityMAPerCm2"]);
  const near = (rows: readonly { readonly temperatureK: number }[]): number =>
    rows.reduce((best, row, i) => (Math.abs(row.temperatureK - 298.15) < Math.abs(rows[best]!.temperatureK - 298.15) ? i : best), 0);
  if (r.effective.length > 0) {
    const i = near(r.effective);
    paths.add(`effective[${i}].conductivitySPerCm`).add(`effective[${i}].lowFrequencyConductivitySPerCm`);
  }
  r.transferenceNumber.forEach((t, i) => {
    if (t.membraneCation !== undefined) paths.add(`transferenceNumber[${i}].membraneCation`);
    if (t.evans !== undefined) paths.add(`transferenceNumber[${i}].evans.tPlus`);
  });
  const rc = r.rateCapability ?? [];
  if (rc.length > 0) paths.add(`rateCapability[${rc.reduce((best, c, i) => (c.cRate > rc[best]!.cRate ? i : best), 0)}].dischargeCapacityMAhPerG`);
  return paths;
}

/** A band narrower than this fraction of its median is not worth a measurement. */
const NARROW_BAND = 0.05;

/**
 * The block of a design: bands of every output over the finished samples, the Sobol
 * indices (when the samples support an expansion), and per headline output the input that
 * most of its variance comes from and what would measure it.
 */
export function summariseSamples(
  design: UncertainScenario,
  scores: readonly Float64Array[],
  samples: ReadonlyMap<number, Results>,
  seed: number,
  nominal: Results | null,
  options: {
    readonly fittedPaths?: readonly RegExp[];
    readonly bootstrap?: number;
    readonly calibrated?: readonly string[];
    /**
     * Emulated bands (`--emulate`): the outputs' values at the buildable draws, by path (`draws`
     * of them; `unbuildable` more were left out, for `reasons`); `scores` are then the training runs'.
     */
    readonly emulated?: { readonly draws: number; readonly outputs: ReadonlyMap<string, EmulatedOutput>; readonly unbuildable?: number; readonly reasons?: readonly string[] };
  } = {},
): UncertaintyBlock {
  const n = scores.length;
  const done = [...samples.keys()].filter((s) => s < n).sort((a, b) => a - b);
  const missing = Array.from({ length: n }, (_, s) => s).filter((s) => !samples.has(s));
  // a missing run whose design the model cannot build is not a failure of the code: it is left out, and said so
  const unbuilt = missing.length > 0 ? unbuildableDraws(design, missing.map((s) => scores[s]!)) : new Map<number, string>();
  const unbuildableRuns = missing.filter((_, i) => unbuilt.has(i));
  const failedSamples = missing.filter((_, i) => !unbuilt.has(i));
  const unbuildableDrawCount = options.emulated?.unbuildable ?? 0;
  const reasons = unbuildableReasons([...unbuilt.values(), ...(options.emulated?.reasons ?? [])]);
  const perSample = new Map(done.map((s) => [s, bandedOutputs(samples.get(s)!)]));
  const nominalValues = new Map((nominal === null ? [] : bandedOutputs(nominal)).map((o) => [o.path, o.value]));
  // output paths in order of first appearance over the samples (a sample with no conducting
  // path lacks some, so the first sample alone may not name them all)
  const seen = new Map<string, OutputValue>();
  for (const s of done) for (const o of perSample.get(s)!) if (!seen.has(o.path)) seen.set(o.path, o);
  const first = [...seen.values()];
  const headline = done.length > 0 ? headlinePaths(samples.get(done[0]!)!) : new Set<string>();
  const outputs: OutputBand[] = [];
  const sensitivity: SensitivityRow[] = [];
  const measureNext: MeasureNext[] = [];
  // Sobol indices need independent inputs: the calibrated ones (posterior draws, correlated) are left out, their share in `unexplained`
  const allKeys = inputKeys(design.inputs);
  const calibrated = options.calibrated ?? [];
  const columns = allKeys.map((key, j) => [key, j] as const).filter(([key]) => !calibrated.includes(key));
  const keys = columns.map(([key]) => key);
  const k = keys.length;
  let sensitivityNote: string | undefined =
    allKeys.length === 0 ? "the scenario has no distributions: the bands hold the realisations' scatter only" : k === 0 ? "every input was drawn from a posterior: no independent inputs to attribute the variance to" : undefined;
  for (const { path, label } of first) {
    const rows: number[] = [];
    const ys: number[] = [];
    for (const s of done) {
      const v = perSample.get(s)!.find((o) => o.path === path)?.value;
      if (v === undefined) continue;
      rows.push(s);
      ys.push(v);
    }
    if (ys.length === 0) continue;
    // the band: the emulated draws where the output was emulated, else the runs
    const em = options.emulated?.outputs.get(path);
    const sorted = (em?.values != null ? Array.from(em.values) : [...ys]).sort((a, b) => a - b);
    const band68: [number, number] = [sortedQuantile(sorted, 0.16), sortedQuantile(sorted, 0.84)];
    const band90: [number, number] = [sortedQuantile(sorted, 0.05), sortedQuantile(sorted, 0.95)];
    outputs.push({
      path,
      label,
      nominal: nominalValues.get(path) ?? null,
      median: sortedQuantile(sorted, 0.5),
      band68,
      band90,
      samples: sorted.length,
      fitted: (options.fittedPaths ?? []).some((re) => re.test(path)),
      ...(em !== undefined ? { emulator: em.emulator } : {}),
    });
    // the indices from the runs themselves
    const lo = Math.min(...ys), hi = Math.max(...ys);
    if (k === 0 || lo === hi) continue;
    const log = spansInLog(lo, hi);
    const y = log ? ys.map(Math.log) : ys;
    let fit: ReturnType<typeof pceSobol>;
    try {
      fit = pceSobol(
        rows.map((s) => Float64Array.from(columns, ([, j]) => scores[s]![j]!)),
        y,
        { maxDegree: 4, bootstrap: options.bootstrap ?? 200, stream: createStream(seed, "uncertainty-bootstrap", path) },
      );
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      sensitivityNote = `no sensitivity indices: ${e.message}`;
      continue;
    }
    keys.forEach((key, j) =>
      sensitivity.push({
        path,
        input: key,
        firstOrder: fit.firstOrder[j]!,
        total: fit.total[j]!,
        ...(fit.firstOrderBand90 !== undefined ? { firstOrderBand90: fit.firstOrderBand90[j]!, totalBand90: fit.totalBand90![j]! } : {}),
        scale: log ? "log" : "linear",
        unexplained: Math.min(1, fit.looRelativeError),
      }),
    );
    const narrow = band90[1] - band90[0] < NARROW_BAND * Math.abs(sortedQuantile(sorted, 0.5));
    if (headline.has(path) && !narrow) {
      const ratio = band90[0] > 0 ? band90[1] / band90[0] : null;
      // a band that reaches zero (or below) has no ratio: its ends say how wide it is
      const width = ratio !== null ? `${ratio.toFixed(ratio < 10 ? 2 : 0)}x wide` : `from ${band90[0].toPrecision(2)} to ${band90[1].toPrecision(2)}`;
      const unattributed = Math.min(1, fit.looRelativeError);
      if (unattributed > 0.5) {
        // the independent inputs explain less than half of it: their indices say nothing; the
        // rest is the calibrated inputs' (posterior) spread and the realisations' scatter
        const cal = design.inputs.find((x) => calibrated.includes(x.key));
        measureNext.push({
          path,
          label,
          bandRatio90: ratio,
          input: cal?.key ?? "realisations",
          share: unattributed,
          measurement: cal !== undefined ? measurementFor(cal.path) : "more microstructure realisations per sample",
          text:
            `the 90 % band of ${label} is ${width}; ${(100 * unattributed).toFixed(0)} % of its variance${log ? " (of ln)" : ""} is not from the independent inputs but from ` +
            (cal !== undefined ? `the calibrated ones (${calibrated.join(", ")}) and the realisations' scatter; ${measurementFor(cal.path)}` : "the realisations' scatter"),
        });
        continue;
      }
      const j = fit.total.indexOf(Math.max(...fit.total));
      const input = design.inputs.find((x) => x.key === keys[j])!;
      // share of the variance: the first-order index (the part an exact value of this input removes)
      const share = fit.firstOrder[j]!;
      measureNext.push({
        path,
        label,
        bandRatio90: ratio,
        input: input.key,
        share,
        measurement: measurementFor(input.path),
        text:
          `the 90 % band of ${label} is ${width}; ${(100 * share).toFixed(0)} % of its variance${log ? " (of ln)" : ""} comes from ${input.key}${input.key !== input.path ? ` (${input.path})` : ""} alone (${(100 * fit.total[j]!).toFixed(0)} % with its interactions)` +
          (unattributed > 0.1 ? `, ${(100 * unattributed).toFixed(0)} % is not attributed (${calibrated.length > 0 ? "the calibrated inputs, " : ""}realisation scatter)` : "") +
          `; ${measurementFor(input.path)}`,
      });
    }
  }
  return {
    samples: options.emulated?.draws ?? n,
    ...(options.emulated !== undefined ? { runs: n } : {}),
    seed,
    failedSamples,
    ...(unbuildableRuns.length > 0 || unbuildableDrawCount > 0 ? { unbuildable: { runs: unbuildableRuns, draws: unbuildableDrawCount, reasons } } : {}),
    inputs: design.inputs.map((i) => ({
      path: i.path,
      key: i.key,
      calibrated: calibrated.includes(i.key),
      basis: i.spec.basis,
      distribution: i.spec.distribution,
      nominal: i.nominal,
      ...(i.spec.source !== undefined ? { source: i.spec.source } : {}),
      ...(i.spec.reason !== undefined ? { reason: i.spec.reason } : {}),
    })),
    outputs,
    sensitivity,
    measureNext: measureNext.sort((a, b) => (b.bandRatio90 ?? 0) - (a.bandRatio90 ?? 0)),
    ...(sensitivityNote !== undefined ? { sensitivityNote } : {}),
  };
}


/**
 * For each pair of designs and each output both have: the probability that a's is the
 * larger, over the runs both designs ran, run s against run s (the same draws of their shared
 * inputs; ties count half). With `--emulate` too: the runs are the whole chain at those
 * draws, while two designs' emulated draws each carry their own emulator's residual, which
 * blurs a small difference toward 0.5 (at 5 C the interconnected cell beat the pellet by 0.1-0.6
 * mAh/g in 33 of 36 paired runs, 0.53 over emulated draws even with the residuals drawn
 * correlated as their left-out residuals are, 0.79); `samples` says how many runs were paired.
 */
export function pairwiseProbabilities(designs: readonly { readonly name: string; readonly samples: ReadonlyMap<number, Results> }[]): PairwiseRow[] {
  const rows: PairwiseRow[] = [];
  const values = designs.map((d) => {
    // keyed by path and label: the same index of two designs' lists may be another temperature
    const byPath = new Map<string, Map<number, number>>();
    for (const [s, r] of d.samples) for (const o of bandedOutputs(r)) (byPath.get(`${o.path}|${o.label}`) ?? byPath.set(`${o.path}|${o.label}`, new Map()).get(`${o.path}|${o.label}`)!).set(s, o.value);
    return byPath;
  });
  for (let i = 0; i < designs.length; i++) {
    for (let j = i + 1; j < designs.length; j++) {
      for (const [key, a] of values[i]!) {
        const path = key.slice(0, key.indexOf("|"));
        const label = key.slice(key.indexOf("|") + 1);
        const b = values[j]!.get(key);
        if (b === undefined) continue;
        let wins = 0;
        let count = 0;
        for (const [s, va] of a) {
          const vb = b.get(s);
          if (vb === undefined) continue;
          wins += va > vb ? 1 : va === vb ? 0.5 : 0;
          count++;
        }
        if (count > 0) rows.push({ path, label, a: designs[i]!.name, b: designs[j]!.name, probabilityAGreater: wins / count, samples: count });
      }
    }
  }
  return rows;
}

export interface PropagateOptions {
  readonly samples: number;
  /** Seed of the draws (default the scenario's). */
  readonly seed?: number;
  /** Directory of the samples' journal (resumable; one sweep directory). */
  readonly dir: string;
  readonly workers?: number;
  readonly shard?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, text: string) => void;
  /** The samples' sweep events (work per job; cli/progress.ts SweepFollower follows them). */
  readonly onSweepProgress?: (progress: SweepProgress) => void;
  readonly onNotice?: (message: string) => void;
  /** Outputs that were calibration targets (marked fitted). */
  readonly fittedPaths?: readonly RegExp[];
  /** Posteriors (calibrate --measurements) whose draws the calibrated inputs take. */
  readonly posteriors?: readonly PosteriorFile[];
  /**
   * Emulate (sweep/emulate.ts): run this many samples through the chain and put the
   * `samples` draws through an expansion fitted to them; "auto": 3 (k + 1) runs for the
   * design's k inputs (checkEmulatorRuns). Absent: every sample is run.
   */
  readonly emulate?: number | "auto";
  /**
   * With emulate: the runs are the first M rows of a design of this many draws (default M).
   * Designs compared with different M (--emulate auto) take their runs from one design of the
   * largest M, so run s of one design and run s of another draw their shared inputs alike
   * (pairwiseProbabilities pairs runs where an output is not emulated).
   */
  readonly runDesignSize?: number;
}

/**
 * Run the samples of one design (resuming a journal in `options.dir`) and summarise them.
 * `nominal` is the design's nominal run and `kmc` the KMC results it computed (reused by
 * every sample). Returns null for the block when a shard or an interruption leaves samples
 * unfinished (the summary says so).
 */
export async function propagateUncertainty(
  design: UncertainScenario,
  nominal: Results,
  kmc: readonly (readonly [string, KmcCacheEntry])[],
  options: PropagateOptions,
): Promise<{ block: UncertaintyBlock | null; samples: Map<number, Results>; summary: SweepSummary; scores: Float64Array[] }> {
  const draws = checkSampleCount(options.samples);
  const runs = options.emulate === undefined ? undefined : checkEmulatorRuns(options.emulate, draws, [design])[0];
  const n = runs ?? draws;
  checkReachUpFront(design);
  const seed = options.seed ?? design.scenario.seed;
  const posteriors = options.posteriors ?? [];
  const { sweep, scores, calibrated } = samplesSweep(design, n, seed, kmc, posteriors, runs === undefined ? n : Math.max(n, options.runDesignSize ?? n));
  // a design calibrated on its own measurements: its conductivities and Ea were fitted, not predicted
  const fittedPaths = [...(options.fittedPaths ?? []), ...(posteriors.some((p) => p.scenario === design.scenario.name || (p.scenarios ?? []).includes(design.scenario.name)) ? [/^effective\[\d+\]\.conductivitySPerCm$/, /^arrhenius\[\d+\]\.activationEnergyEV$/] : [])];
  const summary = await runSweepToEnd(sweep, {
    out: options.dir,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onNotice !== undefined ? { onNotice: options.onNotice } : {}),
    onProgress: (p) => {
      options.onSweepProgress?.(p);
      options.onProgress?.(p.fraction, `${design.scenario.name}: ${p.done + p.skipped}/${p.todo + p.skipped} samples`);
    },
  });
  const samples = readSamples(options.dir);
  const unfinished = summary.interrupted !== undefined || options.shard !== undefined;
  if (unfinished) return { block: null, samples, summary, scores };
  if (runs === undefined) return { block: summariseSamples(design, scores, samples, seed, nominal, { fittedPaths, calibrated }), samples, summary, scores };
  // the emulated draws: only those whose design the model can build (the bands are over those)
  const all = drawScores(design, inputKeys(design.inputs), draws, seed, posteriors).scores;
  const unbuilt = unbuildableDraws(design, all);
  const at = all.filter((_, s) => !unbuilt.has(s));
  const emulated = emulateOutputs(design.scenario.name, scores, new Map([...samples].map(([s, r]) => [s, bandedOutputs(r)])), at, seed);
  const block = summariseSamples(design, scores, samples, seed, nominal, {
    fittedPaths,
    calibrated,
    emulated: { draws: at.length, outputs: emulated, ...(unbuilt.size > 0 ? { unbuildable: unbuilt.size, reasons: [...unbuilt.values()] } : {}) },
  });
  return { block, samples, summary, scores };
}
