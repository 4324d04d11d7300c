#!/usr/bin/env node
/**
 * The mofhop command. Exit codes: 0 ok, 2 bad input (InputError), 1 anything else.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InputError } from "../core/errors.js";
import { writeFileAtomic } from "../core/files.js";
import { loadScenario, readJsonFile } from "../scenario/load.js";
import { describeInput } from "../scenario/uncertain.js";
import { checkEmulatorRuns, checkReachUpFront, checkSampleCount, drawScores, inputKeys, pairwiseProbabilities, propagateUncertainty, samplePlan, type UncertainScenario } from "../sweep/uncertainty.js";
import { loadMeasurements, type MeasuredValue } from "../scenario/measurements.js";
import { calibrateDesign, calibratePressedPowders, emulatedPosteriorPlan, exactCalibrationPlan, measurementsOf, membraneOnly, rateKeys, type PosteriorFile } from "../sweep/calibrate.js";
import type { KmcCacheEntry } from "../sweep/definition.js";
import { buildKmcModel, buildLattice } from "../pipeline/kmcModel.js";
import { shellNeighbourCounts } from "../transport/kmc/model.js";
import { checkCellUpFront, checkMorphologyUpFront, kmcCacheKey, kmcEntriesOf, rateParameters, runScenario, type Realisation0, type ScenarioCheckpoint, type ScenarioRunState } from "../pipeline/runScenario.js";
import { plannedWork, withKmcDone, workClasses, type ScenarioProgress, type WorkTally } from "../pipeline/progress.js";
import { buildParticlesAmongFibres, buildParticlesInGel, buildPressedPowder, gelComposition, mofDensityOf } from "../pipeline/design.js";
import { isNetworkDesign, type Scenario } from "../scenario/schema.js";
import { resultTables } from "../report/csv.js";
import { compareReport, unbuildableText } from "../report/compare.js";
import { metaForScenario, runMeta, sourceRevision, type RunMeta } from "../report/provenance.js";
import { fileURLToPath } from "node:url";
import { barPlot, currentMapPlot } from "../report/plots.js";
import { middleZSlice, type VoxelFields } from "../pipeline/morphology.js";
import type { CurrentSliceData } from "../report/slice.js";
import { noFieldsReason, pageFieldsOf, writeDesignFields, writeNetworkSlice } from "./fields.js";
import type { NetworkSliceData } from "../report/networkSlice.js";
import { reportCommand } from "./report.js";
import { checkCrop, readImageHeader } from "../structure/voxel/image.js";
import type { PairwiseRow, Results, UncertaintyBlock } from "../pipeline/results.js";
import { calibrateScenario, plannedCalibrationWork } from "../pipeline/calibrate.js";
import { mergeCommand, sweepCommand } from "./sweepCommands.js";
import { eisCommand } from "./eis.js";
import { imageCommand } from "./image.js";
import { JobPool, runScenarioKmcOnWorkers, type AttemptOutcome } from "../sweep/index.js";
import { kmcRunOptions } from "../pipeline/runScenario.js";
import { availableParallelism } from "node:os";
import { helpText, parseArgs, type ParsedCommand } from "./options.js";
import { ProgressBar, SweepFollower, WorkTracker } from "./progress.js";

/** The checkout mofhop runs from (dist/cli/../..): its git commit for the provenance. */
function source(): { commit: string; dirty: boolean } | null {
  return sourceRevision(fileURLToPath(new URL("../../", import.meta.url)));
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === "help") {
    process.stdout.write(helpText(version()) + "\n");
    return 0;
  }
  if (parsed === "version") {
    process.stdout.write(version() + "\n");
    return 0;
  }
  if ("help" in parsed) {
    process.stdout.write(helpText(version(), parsed.help) + "\n");
    return 0;
  }
  switch (parsed.command.name) {
    case "run":
      return run(parsed);
    case "validate":
      return validate(parsed);
    case "compare":
      return compare(parsed);
    case "calibrate":
      return calibrate(parsed);
    case "eis": {
      const { circuit, out } = parsed.options;
      return eisCommand(parsed.args[0]!, { ...(typeof circuit === "string" ? { circuit } : {}), ...(typeof out === "string" ? { out } : {}), json: parsed.options.json === true });
    }
    case "image":
      return imageCommand(parsed);
    case "report":
      return reportCommand(parsed);
    case "sweep": {
      const out = parsed.options.out;
      if (typeof out !== "string") throw new InputError("sweep: --out DIR is required");
      const workers = parsed.options.workers;
      const shard = parsed.options.shard;
      return sweepCommand({
        file: parsed.args[0]!,
        out,
        ...(typeof workers === "string" ? { workers: parseWorkers(workers) } : {}),
        ...(typeof shard === "string" ? { shard } : {}),
        quiet: parsed.options.quiet === true,
      });
    }
    case "merge": {
      const out = parsed.options.out;
      if (typeof out !== "string") throw new InputError("merge: --out DIR is required");
      return mergeCommand({ dirs: [...parsed.args], out });
    }
    default:
      throw new InputError(`unknown command '${parsed.command.name}'`);
  }
}

function numberOption(cmd: ParsedCommand, name: string, fallback: number | undefined, check: (v: number) => boolean, allowed: string): number {
  const v = cmd.options[name];
  if (v === undefined) {
    if (fallback === undefined) throw new InputError(`${cmd.command.name}: --${name} is required (${allowed})`);
    return fallback;
  }
  const n = Number(v);
  if (typeof v !== "string" || !Number.isFinite(n) || !check(n)) throw new InputError(`--${name}: got ${JSON.stringify(v)}; ${allowed}`);
  return n;
}

/**
 * Bayesian calibration: the scenarios' distributions as priors, conditioned on measurements.
 * Several scenarios: pressed powders of one powder (the pellets of several ions), calibrated
 * jointly by their exact structure.
 */
async function calibrateBayes(cmd: ParsedCommand): Promise<number> {
  const out = cmd.options.out;
  if (typeof out !== "string") throw new InputError("calibrate --measurements: --out DIR is required (posterior.json and the samples' journal go there)");
  if (cmd.options.sigma !== undefined || cmd.options.ea !== undefined) throw new InputError("calibrate: give either --measurements FILE (Bayesian) or --sigma and --ea (point fit), not both");
  const all = loadMeasurements(cmd.options.measurements as string);
  const loadedAll = cmd.args.map((file) => loadScenario(file));
  const measured = loadedAll.map((loaded) => measurementsOf(loaded, all));
  const samples = checkSampleCount(numberOption(cmd, "uncertainty", 128, () => true, "must be a number of samples"));
  for (const loaded of loadedAll) {
    checkMorphologyUpFront(loaded.scenario.morphology, loaded.scenario);
    checkCellUpFront(loaded.scenario.cell, loaded.scenario.morphology);
    checkReachUpFront(loaded);
  }
  // the measurements are of the membrane: the cell stage is not needed
  const designs = loadedAll.map((loaded) => membraneOnly(loaded));
  const exact = designs.every((d) => d.scenario.morphology?.kind === "pressed-powder" && rateKeys(d) !== null);
  if (designs.length > 1 && !exact) {
    throw new InputError(`calibrate: several scenarios are calibrated jointly only as pressed powders with distributions on their attempt frequency and barrier shift; ${designs.filter((d) => !(d.scenario.morphology?.kind === "pressed-powder" && rateKeys(d) !== null)).map((d) => `'${d.scenario.name}'`).join(", ")} is not`);
  }
  const bar = new ProgressBar(process.stderr.isTTY === true && cmd.options.quiet !== true);
  const workers = typeof cmd.options.workers === "string" ? parseWorkers(cmd.options.workers) : undefined;
  // progress by work, every stage planned up front: the nominal runs (one thread, one KMC
  // cache), then the exact structure's tabulation and grid, or the samples and the MCMC
  const tracker = new WorkTracker(1);
  const nominalItems = plansInTurn(designs.map((d) => d.scenario), new Set()).map((plan, d) => tracker.plan(designs[d]!.scenario.name, plan, workClasses(designs[d]!.scenario)));
  let follower: SweepFollower | undefined;
  let posteriorItem: number;
  if (exact) {
    tracker.stage(1);
    posteriorItem = tracker.plan(`${designs.map((d) => d.scenario.name).join("+")} exact structure`, exactCalibrationPlan(designs.length, samples));
  } else {
    follower = samplesStage(tracker, designs[0]!, samples, workers);
    tracker.stage(1);
    posteriorItem = tracker.plan(`${designs[0]!.scenario.name} posterior`, emulatedPosteriorPlan());
  }
  const redraw = (): void => {
    if (bar.due()) bar.show(tracker.estimate(), tracker.label());
  };
  const onItem = (item: number) => (p: ScenarioProgress): void => {
    tracker.event(item, p);
    redraw();
  };
  const kmcCache = new Map<string, KmcCacheEntry>();
  const nominals = designs.map((design, d) => {
    const r = runScenario(design.scenario, { baseDir: loadedAll[d]!.baseDir, kmcCache, onProgress: (_f, _stage, p) => onItem(nominalItems[d]!)(p) });
    tracker.finish(nominalItems[d]!);
    return r;
  });
  const measurements = measured.flat();
  let posterior: PosteriorFile | null;
  if (exact) {
    // exact structure: no emulator (sweep/calibrate.ts)
    posterior = await calibratePressedPowders(designs.map((design, d) => ({ design, measurements: measured[d]!, nominal: nominals[d]! })), { samples, workers: workers ?? availableParallelism(), onWork: onItem(posteriorItem) });
  } else {
    const design = designs[0]!;
    posterior = await withSignals((signal) =>
      calibrateDesign(design, measurements, nominals[0]!, [...kmcCache.entries()], {
        samples,
        dir: join(out, "uncertainty-samples"),
        ...(workers !== undefined ? { workers } : {}),
        signal,
        onSweepProgress: (p) => {
          follower!.update(p);
          redraw();
        },
        onWork: onItem(posteriorItem),
      }),
    );
  }
  bar.done();
  if (posterior === null) {
    process.stderr.write("mofhop: interrupted; run the same command again to resume the samples\n");
    return 130;
  }
  writeFileAtomic(join(out, "posterior.json"), JSON.stringify(posterior, null, 2) + "\n");
  const fmt = (x: number): string => (Math.abs(x) >= 1e-2 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2));
  const lines = [
    `posterior of ${posterior.scenario} from ${posterior.samples} samples (${measurements.length} measurements):`,
    ...posterior.fit.map((f) => `  ${f.name}: measured ${fmt(f.measured)} +- ${fmt(f.error)}, posterior predictive ${fmt(f.predicted)} +- ${fmt(f.predictedSd)}`),
    ...posterior.inputs.map((i) => `  ${i.key}: median ${fmt(i.posteriorMedian)}, 90 % ${fmt(i.posterior90[0])} to ${fmt(i.posterior90[1])} (prior ${fmt(i.prior90[0])} to ${fmt(i.prior90[1])})${i.rhat !== undefined ? `; R-hat ${i.rhat.toFixed(3)}, ESS ${i.ess!.toFixed(0)}` : ""}`),
    `  method: ${posterior.method}`,
    `  diagnostics: ${Object.entries(posterior.diagnostics).map(([k, v]) => `${k} ${Array.isArray(v) ? v.map((x: number) => x.toFixed(2)).join("/") : (v as number).toFixed(1)}`).join(", ")}`,
    ...(posterior.emulators !== undefined ? [`  emulators (ln sigma per temperature): leave-one-out error ${posterior.emulators.map((e) => e.looSd.toExponential(1)).join(", ")}`] : []),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  process.stderr.write(`wrote ${join(out, "posterior.json")}\n`);
  return 0;
}

async function calibrate(cmd: ParsedCommand): Promise<number> {
  if (cmd.options.measurements !== undefined) return calibrateBayes(cmd);
  if (cmd.args.length > 1) throw new InputError(`calibrate: the point fit (--sigma, --ea) takes one scenario; got ${cmd.args.length} (several pressed powders are calibrated jointly with --measurements)`);
  const { scenario, baseDir } = loadScenario(cmd.args[0]!);
  const form = cmd.options.form ?? "sigma";
  if (form !== "sigma" && form !== "sigmaT") throw new InputError(`--form: got ${JSON.stringify(form)}; allowed: sigma, sigmaT`);
  const measured = {
    conductivitySPerCm: numberOption(cmd, "sigma", undefined, (v) => v > 0, "must be a conductivity > 0 in S/cm"),
    activationEnergyEV: numberOption(cmd, "ea", undefined, (v) => v >= 0 && v < 5, "must be an energy in eV, 0 to 5"),
    referenceTemperatureK: numberOption(cmd, "reference-temperature", 298.15, (v) => v > 0, "must be a temperature > 0 K"),
    relativeError: numberOption(cmd, "relative-error", 0.05, (v) => v > 0 && v < 1, "must be in (0, 1)"),
    form: form as "sigma" | "sigmaT",
    source: typeof cmd.options.source === "string" ? cmd.options.source : "",
  };
  const bar = new ProgressBar(process.stderr.isTTY === true && cmd.options.quiet !== true);
  // progress by work: the reference KMC's hops, then the forward map's network solves (the ceiling check and the fit)
  const tracker = new WorkTracker(1);
  const item = tracker.plan(scenario.name, plannedCalibrationWork(scenario), workClasses(scenario));
  const result = calibrateScenario(scenario, measured, {
    baseDir,
    onProgress: (_f, _stage, p) => {
      tracker.event(item, p);
      if (bar.due()) bar.show(tracker.estimate(), tracker.label());
    },
  });
  bar.done();
  const f = result.fit;
  const lines = [
    `calibrated ${result.species} in ${result.scenario}:`,
    `  attempt frequency ${result.attemptFrequencyHz.toExponential(4)} Hz (x${f.attemptFrequencyScale.toExponential(3)}, ln-scale se ${f.lnAttemptFrequencyScaleStdErr.toFixed(3)})`,
    `  barrier shift ${f.barrierShiftEV.toFixed(4)} +- ${f.barrierShiftStdErr.toFixed(4)} eV (correlation ${f.correlation.toFixed(3)}; chi2 ${f.chiSquare.toFixed(3)} on ${f.degreesOfFreedom} dof)`,
    `  barriers: ${Object.entries(result.hopBarrierEV).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")} eV`,
    ...result.points.map((p) => `  ${p.temperatureK} K: measured ${p.measuredSPerCm.toExponential(3)}, predicted ${p.predictedSPerCm.toExponential(3)} S/cm`),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  const out = cmd.options.out;
  if (typeof out === "string") writeFileAtomic(out, JSON.stringify(result, null, 2) + "\n");
  return 0;
}

function parseWorkers(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InputError(`--workers: got ${JSON.stringify(text)}; must be an integer from 1 to 256`);
  return n;
}

/**
 * --kmc-workers N: threads for each temperature's KMC replicas. Default: the available CPUs,
 * at most the most replicas of the scenarios (`fallback` overrides); with --checkpoint 1, and
 * N > 1 refused (a checkpoint saves the KMC state of one thread).
 */
function kmcWorkersOption(cmd: ParsedCommand, scenarios: readonly Scenario[], fallback?: number): number {
  const v = cmd.options["kmc-workers"];
  const checkpointed = cmd.options.checkpoint !== undefined;
  if (v === undefined) {
    if (checkpointed) return 1;
    const replicas = Math.max(1, ...scenarios.filter((s) => s.lattice !== undefined && s.species !== undefined).map((s) => kmcRunOptions(s).replicas));
    return fallback ?? Math.min(availableParallelism(), replicas);
  }
  const n = Number(v);
  if (typeof v !== "string" || !Number.isInteger(n) || n < 1 || n > 256) throw new InputError(`--kmc-workers: got ${JSON.stringify(v)}; must be an integer from 1 to 256`);
  if (n > 1 && checkpointed) throw new InputError(`${cmd.command.name}: --kmc-workers ${n} cannot be combined with --checkpoint (a checkpoint saves the KMC state of one thread); give --kmc-workers 1 or leave it out`);
  return n;
}

function validate(cmd: ParsedCommand): number {
  const { scenario, inputs, baseDir } = loadScenario(cmd.args[0]!);
  const parts: string[] = [];
  if (scenario.lattice !== undefined) {
    const lattice = buildLattice(scenario); // geometry errors are input errors too
    const model = buildKmcModel(scenario, lattice, scenario.temperaturesK[0]!); // ion counts, shells, effective barriers
    parts.push(`${scenario.lattice.kind} ${scenario.lattice.cells.join("x")} cells (${lattice.siteCount} sites), ${scenario.species!.map((s) => s.name).join(", ")}`);
    const shells = shellNeighbourCounts(model);
    if (shells.length > 0) {
      parts.push(`pair energies: ${scenario.kmc!.interactions!.map((p, i) => `${p.species.join("-")} ${shells[i]!.map((n) => +n.toFixed(2)).join(", ")}`).join("; ")} neighbours per shell`);
    }
  }
  if (scenario.morphology !== undefined) {
    checkMorphologyUpFront(scenario.morphology, scenario);
    const m = scenario.morphology;
    if (isNetworkDesign(m)) parts.push(`${m.kind} network of ${m.particleCount} particles x ${m.realizations} realisations`);
    else if (m.kind === "image") {
      // the header and the crop are checked here; the labels when the run reads the pixels
      const header = readImageHeader(resolve(baseDir, m.file));
      const { from, to } = checkCrop(header.shape, m.crop, "morphology.crop");
      const nm = typeof m.voxelNm === "number" ? `${m.voxelNm} nm` : `${m.voxelNm.join(" x ")} nm`;
      parts.push(`image ${to.map((t, d) => t - from[d]!).join("x")} voxels of ${nm}${m.crop !== undefined ? ` (cropped from ${header.shape.join("x")})` : ""}, current along ${m.axis}, ${m.sides} sides`);
    } else parts.push(`${m.kind} ${m.shape.join("x")} voxels of ${m.voxelNm} nm`);
  }
  checkCellUpFront(scenario.cell, scenario.morphology);
  parts.push(`${scenario.temperaturesK.length} temperature${scenario.temperaturesK.length > 1 ? "s" : ""}`);
  if (inputs.length > 0) parts.push(`${inputs.length} uncertain input${inputs.length > 1 ? "s" : ""} (at their nominal values without --uncertainty)`);
  process.stdout.write(`ok: ${scenario.name}: ${parts.join("; ")}\n`);
  for (const input of inputs) process.stdout.write(`  ${describeInput(input)}\n`);
  return 0;
}

/** Counts of `values` in bins of `width` from 0, labelled "lo-hi". */
function histogram(values: readonly number[], width: number): { label: string; value: number }[] {
  const top = Math.ceil(Math.max(...values) / width) * width;
  const bars = [];
  for (let lo = 0; lo < top; lo += width) bars.push({ label: `${lo}-${lo + width}`, value: values.filter((a) => a >= lo && a < lo + width).length });
  return bars;
}

/**
 * The plots of one run: Arrhenius, a current map of the microstructure (from `fields`, the
 * voxel design's solve), a particle network's slab with its bond currents (`slab`), Nyquist,
 * rate capability.
 */
async function runPlots(scenario: Scenario, results: Results, fields: VoxelFields | null, slab: NetworkSliceData | null): Promise<Record<string, string>> {
  const files = await compareReport([results], slab !== null ? { networkSlices: [slab] } : {});
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) if (name.endsWith(".svg")) out[name] = text;
  const m = scenario.morphology;
  if (m?.kind === "pressed-powder" || m?.kind === "particles-among-fibres") {
    // the contact spots of realisation 0: what the pressing (or adhesion) made of the contacts
    const mix = m.kind === "particles-among-fibres" ? buildParticlesAmongFibres(scenario, m, 0) : null;
    const p = mix ?? buildPressedPowder(m as Extract<typeof m, { kind: "pressed-powder" }>, scenario.seed, 0);
    const spots = Array.from(p.spotRadiusCm, (a) => a * 1e7);
    const blocked = mix !== null ? `, ${(100 * mix.mix.blockedShare).toFixed(0)} % of touching pairs kept apart by fibres` : "";
    out["contact-spots.svg"] = await barPlot(histogram(spots, m.kind === "pressed-powder" ? 5 : 2), {
      valueTitle: "contacts",
      title: `${scenario.name}: contact spot radii (nm), realisation 0: ${spots.length} contacts, ${p.stats.coordination.toFixed(2)} per particle, mean ${p.stats.meanSpotRadiusNm.toFixed(1)} nm${blocked}`,
    });
  }
  if (scenario.morphology?.kind === "particles-in-gel") {
    // the gel bridges of realisation 0: how far the binder reaches between particles
    const m = scenario.morphology;
    const net = buildParticlesInGel(m, gelComposition(m, mofDensityOf(scenario, m.composition.mofDensityGPerCm3)), scenario.seed, 0);
    const radii = Array.from(net.wetRadiusCm, (a) => a * 1e7);
    out["gel-bridges.svg"] = await barPlot(histogram(radii, 25), {
      valueTitle: "gel bridges",
      title: `${scenario.name}: gel bridge radii (nm), realisation 0: ${radii.length} bridges, ${net.stats.coordination.toFixed(2)} per particle, gel fills gaps up to ${net.stats.fillGapNm.toFixed(0)} nm`,
    });
  }
  if (fields !== null) {
    const slice = middleZSlice(fields);
    out["current-map.svg"] = await currentMapPlot(
      { values: slice.values, nx: slice.nx, ny: slice.ny, ...(slice.voxelNm !== undefined ? { voxelNm: slice.voxelNm } : {}), logColor: true },
      { title: `${scenario.name}: |j| on the middle z-slice at ${slice.temperatureK} K, 1 V across (current flows along x)` },
    );
  }
  return out;
}

async function run(cmd: ParsedCommand): Promise<number> {
  const loaded = loadScenario(cmd.args[0]!);
  const { scenario, baseDir } = loaded;
  const out = cmd.options.out;
  const samples = cmd.options.uncertainty === undefined ? undefined : checkSampleCount(numberOption(cmd, "uncertainty", undefined, () => true, "must be a number of samples"));
  if (samples !== undefined && typeof out !== "string") throw new InputError("run: --uncertainty needs --out DIR (the samples' journal lives there, so a killed run resumes)");
  const posteriors = posteriorOption(cmd, samples);
  const vti = cmd.options.fields === true;
  if (vti && typeof out !== "string") throw new InputError("run: --fields needs --out DIR (fields.vti is written there)");
  const noFields = vti ? noFieldsReason(scenario) : null;
  if (noFields !== null) throw new InputError(`--fields: ${noFields}; fields are written for voxel morphologies (random-voxels, raw, image, pellet, particles-in-polymer, particles-with-fibres, grown-on-fibres)`);
  if (samples !== undefined) {
    checkReachUpFront(loaded);
    drawScores(loaded, inputKeys(loaded.inputs), samples, scenario.seed, posteriors); // a posterior that does not fit is refused now
  }
  if (samples === undefined && (cmd.options.shard !== undefined || cmd.options.workers !== undefined)) throw new InputError("run: --workers and --shard apply to the samples of --uncertainty N");
  const emulate = emulateOption(cmd, samples, [loaded])[0];
  const workers = typeof cmd.options.workers === "string" ? parseWorkers(cmd.options.workers) : undefined;
  const shard = typeof cmd.options.shard === "string" ? cmd.options.shard : undefined;
  const bar = new ProgressBar(process.stderr.isTTY === true && cmd.options.quiet !== true);
  const file = cmd.options.checkpoint;
  const kmcWorkers = kmcWorkersOption(cmd, [scenario]);
  const checkpoint = typeof file === "string" ? fileCheckpoint(file, scenario, cmd.options.every) : undefined;
  const kmcCache = new Map<string, KmcCacheEntry>();
  // progress by work: the nominal run's hops and solves, then with --uncertainty the samples' (planned up front)
  const tracker = new WorkTracker(1);
  const item = tracker.plan(scenario.name, plansInTurn([scenario], new Set())[0]!, workClasses(scenario));
  // (with --emulate M, the M runs that train the emulator; its N draws take no time worth a bar)
  const follower = samples !== undefined ? samplesStage(tracker, loaded, emulate ?? samples, workers, emulate !== undefined) : undefined;
  const redraw = (): void => {
    if (bar.due()) bar.show(tracker.estimate(), tracker.label());
  };
  const showRun = (p: ScenarioProgress): void => {
    tracker.event(item, p);
    redraw();
  };
  let kmcHops = 0; // hops run on the KMC threads, before runScenario (which then plans none)
  if (kmcWorkers > 1) {
    // the checks runScenario makes first, then the replicas on threads; runScenario takes their results
    checkMorphologyUpFront(scenario.morphology, scenario);
    checkCellUpFront(scenario.cell, scenario.morphology);
    await runScenarioKmcOnWorkers(scenario, { workers: kmcWorkers, cache: kmcCache, onProgress: (_f, _stage, p) => { kmcHops = p.planned.kmc; showRun(kmcPhase(p, tracker, item)); } });
  }
  // realisation 0 as the page draws it, from the network stage's build and solve (not made again)
  let page: ReturnType<typeof pageFieldsOf> = {};
  let results: Results = runScenario(scenario, {
    baseDir, kmcCache, onProgress: (_f, _stage, p) => showRun(withKmcDone(p, kmcHops)), ...(checkpoint ? { checkpoint } : {}),
    ...(typeof out === "string" ? { onRealisation0: (r: Realisation0) => (page = pageFieldsOf(scenario, r)) } : {}),
  });
  tracker.finish(item);
  if (samples !== undefined) {
    const { block, summary } = await withSignals((signal) =>
      propagateUncertainty(loaded, results, [...kmcCache.entries()], {
        samples,
        dir: join(out as string, "uncertainty-samples"),
        ...(emulate !== undefined ? { emulate } : {}),
        ...(workers !== undefined ? { workers } : {}),
        ...(shard !== undefined ? { shard } : {}),
        posteriors,
        signal,
        onNotice: (m) => process.stderr.write(`mofhop: ${m}\n`),
        onSweepProgress: (p) => {
          follower!.update(p);
          redraw();
        },
      }),
    );
    bar.done();
    if (block === null) {
      const why = summary.interrupted !== undefined ? `interrupted (${summary.interrupted}); run the same command again to resume` : `shard ${summary.shard} done; merge the shards' uncertainty-samples directories (mofhop merge) into one DIR/uncertainty-samples and run without --shard to summarise`;
      process.stderr.write(`mofhop: ${summary.done + summary.skipped} of ${summary.jobs} samples in ${summary.dir}: ${why}\n`);
      return summary.interrupted !== undefined ? 130 : 0;
    }
    results = { ...results, uncertainty: block };
  }
  bar.done();
  if (typeof out === "string") {
    // results are complete before anything is written; each file appears whole (rename)
    const meta = metaForScenario(
      runMeta({
        mofhopVersion: version(),
        source: source(),
        argv: process.argv.slice(2),
        scenarios: [{ file: cmd.args[0]!, name: scenario.name, seed: scenario.seed }],
        otherFiles: [...dataFilesOf(loaded), ...posteriorFiles(cmd)],
        ...(samples !== undefined ? { uncertaintySamples: samples } : {}),
      }),
      scenario.name,
    );
    writeFileAtomic(join(out, "results.json"), resultsJson(results, meta));
    for (const [name, text] of Object.entries(resultTables(results))) writeFileAtomic(join(out, name), text);
    const written = writeDesignFields(scenario, results, baseDir, out, vti, page.fields);
    const slab = writeNetworkSlice(scenario, results, out, page.networkSlice);
    for (const [name, svg] of Object.entries(await runPlots(scenario, results, written?.fields ?? null, slab))) writeFileAtomic(join(out, name), svg);
  }
  if (typeof file === "string") rmSync(file, { force: true }); // the run is complete
  if (cmd.options.json === true) process.stdout.write(JSON.stringify(results) + "\n");
  else if (typeof out !== "string") process.stdout.write(summaryText(results) + "\n");
  else {
    if (results.uncertainty !== undefined) process.stdout.write(uncertaintyText(results.uncertainty) + "\n");
    process.stderr.write(`wrote ${out}/results.json\n`);
  }
  return 0;
}

/**
 * results.json: the physical results with the provenance beside them under `meta` (the
 * results object itself holds nothing that depends on the time or the machine).
 */
function resultsJson(results: Results, meta: RunMeta): string {
  return JSON.stringify({ ...results, meta }, null, 2) + "\n";
}

/** Data files a scenario reads besides itself (a raw voxel file), for the provenance. */
function dataFilesOf(l: { readonly scenario: Scenario; readonly baseDir: string }): { file: string; role: string }[] {
  const m = l.scenario.morphology;
  return m?.kind === "raw" ? [{ file: resolve(l.baseDir, m.file), role: `voxels of ${l.scenario.name}` }] : [];
}

/** The --posterior files, for the provenance. */
function posteriorFiles(cmd: ParsedCommand): { file: string; role: string }[] {
  const v = cmd.options.posterior;
  return typeof v === "string" && v !== "" ? v.split(",").map((file) => ({ file, role: "posterior" })) : [];
}

/** --emulate M|auto: the training runs of an emulated --uncertainty N, per design (checked for every design now, before any runs). */
function emulateOption(cmd: ParsedCommand, samples: number | undefined, designs: readonly UncertainScenario[]): (number | undefined)[] {
  if (cmd.options.emulate === undefined) return designs.map(() => undefined);
  if (samples === undefined) throw new InputError("--emulate applies to the samples of --uncertainty N");
  const m = cmd.options.emulate === "auto" ? "auto" : numberOption(cmd, "emulate", undefined, () => true, "must be a number of runs or auto");
  return checkEmulatorRuns(m, samples, designs);
}

/** --posterior FILE[,FILE...]: posteriors of `calibrate --measurements`, only with --uncertainty. */
function posteriorOption(cmd: ParsedCommand, samples: number | undefined): PosteriorFile[] {
  const v = cmd.options.posterior;
  if (v === undefined) return [];
  if (typeof v !== "string" || v === "") throw new InputError("--posterior: give FILE or FILE,FILE,... (posterior.json from calibrate --measurements)");
  if (samples === undefined) throw new InputError("--posterior applies to the samples of --uncertainty N");
  return v.split(",").map((f) => {
    const json = readJsonFile(f) as Partial<PosteriorFile> | null;
    if (json === null || typeof json !== "object" || !Array.isArray(json.inputs) || !Array.isArray(json.draws) || json.draws.length === 0 || typeof json.scenario !== "string") {
      throw new InputError(`--posterior: '${f}' is not a posterior.json of mofhop calibrate --measurements (it needs scenario, inputs and draws)`);
    }
    return json as PosteriorFile;
  });
}

/** Run `f` with SIGINT/SIGTERM turned into an abort: finished samples stay, the rest resume. */
async function withSignals<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) process.stderr.write(`\nmofhop: ${signal}: stopping; finished samples are saved, the others run when you resume\n`);
    controller.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await f(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Bands of the headline outputs and what to measure next, as text. */
function uncertaintyText(u: UncertaintyBlock): string {
  const fmt = (x: number): string => (Math.abs(x) >= 1e-2 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2));
  const how = u.runs === undefined ? `${u.samples} samples` : `${u.samples} draws emulated from ${u.runs} runs`;
  const lines = [`uncertainty: ${how} (seed ${u.seed}), ${u.inputs.length} uncertain inputs${u.failedSamples.length > 0 ? `, ${u.failedSamples.length} ${u.runs === undefined ? "samples" : "runs"} failed` : ""}`];
  if (u.unbuildable !== undefined) lines.push(`  ${unbuildableText(u)}`);
  for (const o of u.outputs) {
    const e = o.emulator;
    const note = e === undefined ? "" : "notEmulated" in e ? ` [the ${e.runs} runs' band: ${e.notEmulated}]` : ` [emulated, left-out error ${(100 * e.looRelativeError).toFixed(0)} % of the variance]`;
    lines.push(`  ${o.label}${o.fitted ? " [fitted]" : ""}: median ${fmt(o.median)}, 68 % ${fmt(o.band68[0])} to ${fmt(o.band68[1])}, 90 % ${fmt(o.band90[0])} to ${fmt(o.band90[1])}${o.nominal !== null ? ` (nominal ${fmt(o.nominal)})` : ""}${note}`);
  }
  if (u.measureNext.length > 0) lines.push("what to measure next:", ...u.measureNext.map((m) => `  - ${m.text}`));
  if (u.sensitivityNote !== undefined) lines.push(`  (${u.sensitivityNote})`);
  return lines.join("\n");
}

/** Checkpoints in a JSON file, written atomically, tied to the scenario by a digest. */
function fileCheckpoint(file: string, scenario: Scenario, every: string | true | undefined): ScenarioCheckpoint {
  const seconds = every === undefined ? 60 : Number(every);
  if (typeof every === "boolean" || !Number.isFinite(seconds) || seconds < 0) {
    throw new InputError(`--every: got ${String(every)}; must be a number of seconds >= 0`);
  }
  const digest = createHash("sha256").update(JSON.stringify(scenario)).digest("hex");
  let initial: ScenarioRunState | undefined;
  if (existsSync(file)) {
    let saved: { digest?: string; state?: ScenarioRunState };
    try {
      saved = JSON.parse(readFileSync(file, "utf8")) as typeof saved;
    } catch {
      throw new InputError(`--checkpoint: '${file}' is not a mofhop checkpoint (unreadable JSON); remove it to start afresh`);
    }
    if (saved.digest !== digest || saved.state === undefined) {
      throw new InputError(`--checkpoint: '${file}' belongs to another scenario (or another version of it); remove it to start afresh`);
    }
    initial = saved.state;
    process.stderr.write(`mofhop: continuing from checkpoint ${file}\n`);
  }
  let last = Date.now();
  return {
    ...(initial !== undefined ? { initial } : {}),
    due: () => Date.now() - last >= seconds * 1000,
    save: (state) => {
      writeFileAtomic(file, JSON.stringify({ digest, state }));
      last = Date.now();
    },
  };
}

/** The CSV files of a measurements file's impedance spectra, for the provenance (paths as the measurements file's own, joined). */
function spectrumFiles(measuredFile: string, measured: readonly MeasuredValue[]): { file: string; role: string }[] {
  return measured.flatMap((m) => (m.observable === "impedanceSpectrum" && m.file !== undefined ? [{ file: join(dirname(measuredFile), m.file), role: "measured spectrum" }] : []));
}

async function compare(cmd: ParsedCommand): Promise<number> {
  const out = cmd.options.out;
  if (typeof out !== "string") throw new InputError("compare: --out DIR is required");
  const samples = cmd.options.uncertainty === undefined ? undefined : checkSampleCount(numberOption(cmd, "uncertainty", undefined, () => true, "must be a number of samples"));
  const posteriors = posteriorOption(cmd, samples);
  const measuredFile = cmd.options.measured;
  if (measuredFile !== undefined && (typeof measuredFile !== "string" || measuredFile === "")) throw new InputError("--measured: give FILE (measurements in the calibrate --measurements format)");
  const measured = typeof measuredFile === "string" ? loadMeasurements(measuredFile) : [];
  // validate every file, with the checks that need no heavy work, before running any; an
  // error names the file it is in
  const loaded = cmd.args.map((f) => {
    try {
      const l = loadScenario(f);
      if (l.scenario.morphology !== undefined) checkMorphologyUpFront(l.scenario.morphology, l.scenario);
      checkCellUpFront(l.scenario.cell, l.scenario.morphology);
      if (samples !== undefined) {
        checkReachUpFront(l);
        drawScores(l, inputKeys(l.inputs), samples, l.scenario.seed, posteriors);
      }
      return l;
    } catch (e) {
      if (e instanceof InputError && !e.message.includes(f)) throw new InputError(`${f}: ${e.message}`);
      throw e;
    }
  });
  const emulateBy = emulateOption(cmd, samples, loaded);
  const names = loaded.map((l) => l.scenario.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new InputError(`compare: two scenarios are named '${dup}'; names must differ`);
  const unmatched = [...new Set(measured.map((m) => m.scenario).filter((n) => !names.includes(n)))];
  if (unmatched.length > 0) process.stderr.write(`mofhop: --measured: measurements of ${unmatched.join(", ")} name no compared scenario (left out)\n`);
  const bar = new ProgressBar(process.stderr.isTTY === true && cmd.options.quiet !== true);
  const workers = Math.min(loaded.length, typeof cmd.options.workers === "string" ? parseWorkers(cmd.options.workers) : availableParallelism());
  const kmcWorkers = kmcWorkersOption(cmd, loaded.map((l) => l.scenario), workers > 1 ? 1 : undefined);
  // with kmc-workers > 1, the designs' KMC first, each temperature's replicas on threads (designs
  // of the same MOF share it, as on one thread); the designs then take it from this cache
  const kmcCache = new Map<string, KmcCacheEntry>();
  // progress by work: each design's hops and solves, planned before it starts (on one thread,
  // designs of the same MOF plan their shared KMC once; on the pool each design plans its own,
  // and one that starts with another's KMC results says so in its first progress)
  const tracker = new WorkTracker(Math.max(1, workers));
  const scenarios = loaded.map((l) => l.scenario);
  const plans = workers <= 1 ? plansInTurn(scenarios, new Set()) : scenarios.map((s) => plansInTurn([s], new Set(kmcCache.keys()))[0]!);
  plans.forEach((plan, i) => tracker.plan(scenarios[i]!.name, plan, workClasses(scenarios[i]!)));
  // with --uncertainty, each design's samples after the designs, in turn on every worker
  const sampleWorkers = typeof cmd.options.workers === "string" ? parseWorkers(cmd.options.workers) : undefined;
  const followers = samples === undefined ? [] : loaded.map((l, i) => samplesStage(tracker, l, emulateBy[i] ?? samples, sampleWorkers, emulateBy[i] !== undefined));
  const redraw = (): void => {
    if (bar.due()) bar.show(tracker.estimate(), tracker.label());
  };
  const show = (item: number, p: ScenarioProgress): void => {
    tracker.event(item, p);
    redraw();
  };
  const kmcHops = new Float64Array(loaded.length); // hops each design ran on the KMC threads
  if (kmcWorkers > 1) {
    for (let i = 0; i < loaded.length; i++) {
      const { scenario } = loaded[i]!;
      await runScenarioKmcOnWorkers(scenario, { workers: kmcWorkers, cache: kmcCache, onProgress: (_f, _stage, p) => { kmcHops[i] = p.planned.kmc; show(i, kmcPhase(p, tracker, i)); } });
      tracker.idle(i);
    }
  }
  let all: Results[];
  // each design's realisation 0 as the page draws it, from its network stage (the slices below)
  const pages: ReturnType<typeof pageFieldsOf>[] = loaded.map(() => ({}));
  if (workers <= 1) {
    // one thread: designs of the same MOF share their KMC runs
    all = loaded.map(({ scenario, baseDir }, i) => {
      const r = runScenario(scenario, { baseDir, kmcCache, onProgress: (_f, _stage, p) => show(i, withKmcDone(p, kmcHops[i]!)), onRealisation0: (r0) => (pages[i] = pageFieldsOf(scenario, r0)) });
      tracker.finish(i);
      return r;
    });
  } else {
    // scenarios side by side in worker threads (the sweep pool); each result depends only
    // on its scenario, so this gives the same numbers as one thread. A design starts when a
    // worker is free, with the KMC results the designs before it have made by then (each
    // worker sends them as it makes them) that its own KMC would repeat: the same cache key
    // and the same rates (taken as they are, never rescaled)
    const pool = new JobPool(workers);
    const controller = new AbortController();
    const made = new Map<string, KmcCacheEntry>();
    const sameRates = (scenario: Scenario, entry: KmcCacheEntry): boolean => JSON.stringify(entry.rates) === JSON.stringify(rateParameters(scenario));
    try {
      const outcomes: AttemptOutcome[] = new Array(loaded.length);
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < loaded.length) {
          const job = next++;
          const { scenario, baseDir } = loaded[job]!;
          const keys = new Set(scenario.lattice !== undefined && scenario.species !== undefined ? scenario.temperaturesK.map((T) => kmcCacheKey(scenario, T)) : []);
          const kmc = [...kmcCache.entries(), ...[...made.entries()].filter(([key, entry]) => keys.has(key) && !kmcCache.has(key) && sameRates(scenario, entry))];
          outcomes[job] = await pool.run(
            { job, attempt: 1, scenario, baseDir, page: true, shareKmc: true, ...(kmc.length > 0 ? { kmc } : {}) },
            (_f, p) => show(job, withKmcDone(p, kmcHops[job]!)),
            controller.signal,
            (key, entry) => {
              if (!made.has(key)) made.set(key, entry);
            },
          );
          tracker.finish(job);
        }
      };
      await Promise.all(Array.from({ length: workers }, lane));
      all = outcomes.map((o, i) => {
        if (o.type === "done") {
          pages[i] = o.page !== undefined ? pageFieldsOf(loaded[i]!.scenario, o.page) : {};
          return o.results;
        }
        const why = o.type === "aborted" ? "aborted" : o.error.message;
        const input = o.type === "failed" && ["InputError", "ScenarioError", "ResourceError"].includes(o.error.name);
        throw input ? new InputError(`${loaded[i]!.scenario.name}: ${why}`) : new Error(`compare: ${loaded[i]!.scenario.name} failed: ${why}`);
      });
    } finally {
      await pool.destroy();
    }
  }
  let pairwise: PairwiseRow[] = [];
  if (samples !== undefined) {
    // each design's samples in turn, every worker on one design's samples; each design's
    // journal in DIR/NAME/uncertainty-samples (a killed comparison resumes there)
    const sampled: { name: string; samples: Map<number, Results> }[] = [];
    for (let i = 0; i < loaded.length; i++) {
      const l = loaded[i]!, emulate = emulateBy[i];
      const { block, samples: got, summary } = await withSignals((signal) =>
        propagateUncertainty(l, all[i]!, kmcEntriesOf(l.scenario, all[i]!), {
          samples,
          dir: join(out, l.scenario.name, "uncertainty-samples"),
          posteriors,
          ...(emulate !== undefined ? { emulate, runDesignSize: Math.max(...emulateBy.map((m) => m ?? 0)) } : {}),
          ...(sampleWorkers !== undefined ? { workers: sampleWorkers } : {}),
          signal,
          onNotice: (m) => process.stderr.write(`mofhop: ${m}\n`),
          onSweepProgress: (p) => {
            followers[i]!.update(p);
            redraw();
          },
        }),
      );
      if (block === null) {
        bar.done();
        process.stderr.write(`mofhop: ${l.scenario.name}: ${summary.done + summary.skipped} of ${summary.jobs} samples in ${summary.dir}; interrupted (${summary.interrupted}): run the same command again to resume\n`);
        return 130;
      }
      all[i] = { ...all[i]!, uncertainty: block };
      sampled.push({ name: l.scenario.name, samples: got });
    }
    pairwise = pairwiseProbabilities(sampled);
  }
  bar.done();
  const meta = runMeta({
    mofhopVersion: version(),
    source: source(),
    argv: process.argv.slice(2),
    scenarios: loaded.map((l, i) => ({ file: cmd.args[i]!, name: l.scenario.name, seed: l.scenario.seed })),
    otherFiles: [...loaded.flatMap(dataFilesOf), ...posteriorFiles(cmd), ...(typeof measuredFile === "string" ? [{ file: measuredFile, role: "measurements" }, ...spectrumFiles(measuredFile, measured)] : [])],
    ...(samples !== undefined ? { uncertaintySamples: samples } : {}),
  });
  // each voxel design's mid-plane slice with its current (one DC solve of realisation 0), and with --fields its fields.vti
  const vti = cmd.options.fields === true;
  const slices: CurrentSliceData[] = [];
  // each particle network's slab with its bond currents (one DC solve of realisation 0)
  const networkSlices: NetworkSliceData[] = [];
  loaded.forEach((l, i) => {
    const slab = writeNetworkSlice(l.scenario, all[i]!, join(out, l.scenario.name), pages[i]!.networkSlice);
    if (slab !== null) networkSlices.push(slab);
    const why = noFieldsReason(l.scenario);
    if (why !== null) {
      if (vti) process.stderr.write(`mofhop: --fields: ${why}; no fields.vti for it\n`);
      return;
    }
    const w = writeDesignFields(l.scenario, all[i]!, l.baseDir, join(out, l.scenario.name), vti, pages[i]!.fields);
    if (w !== null) slices.push(w.slice);
  });
  const files = await compareReport(all, { meta, pairwise, measured, slices, networkSlices });
  for (const r of all) {
    // each design's results and, as run --out writes them, its CSV tables (spectra, discharge curves, ...)
    writeFileAtomic(join(out, r.scenario, "results.json"), resultsJson(r, metaForScenario(meta, r.scenario)));
    for (const [name, text] of Object.entries(resultTables(r))) writeFileAtomic(join(out, r.scenario, name), text);
  }
  for (const [name, text] of Object.entries(files)) writeFileAtomic(join(out, name), text);
  process.stdout.write(files["compare.md"]!);
  process.stderr.write(`wrote ${join(out, "index.html")}\n`);
  return 0;
}

/**
 * The work plans of scenario runs made one after another with one KMC cache (`cached`: its
 * keys before the first): a temperature whose KMC an earlier run makes is planned once.
 */
function plansInTurn(scenarios: readonly Scenario[], cached: ReadonlySet<string>): WorkTally[] {
  const keys = new Set(cached);
  return scenarios.map((s) => {
    const plan = plannedWork(s, kmcRunOptions(s), { kmcDone: (T) => keys.has(kmcCacheKey(s, T)) });
    if (s.lattice !== undefined && s.species !== undefined) for (const T of s.temperaturesK) keys.add(kmcCacheKey(s, T));
    return plan;
  });
}

/**
 * The `n` samples of `design` (the runs of the whole chain) as a stage of the tracker,
 * planned before they are drawn (each as samplePlan, replaced by its own plan when the
 * samples' sweep starts) and run on `workers` threads (default the CPUs, at most one per
 * sample); the follower takes the sweep's events. `emulatorRuns`: they are the runs that
 * train an emulator (--emulate M), and are labelled so.
 */
function samplesStage(tracker: WorkTracker, design: UncertainScenario, n: number, workers: number | undefined, emulatorRuns = false): SweepFollower {
  const unit = emulatorRuns ? "run" : "sample";
  tracker.stage(Math.max(1, Math.min(workers ?? availableParallelism(), n)), design.scenario.name, `${unit}s`);
  const plan = samplePlan(design);
  const classes = workClasses(design.scenario);
  const items = new Map<number, number>();
  for (let s = 0; s < n; s++) items.set(s, tracker.plan(`${unit} ${s + 1}`, plan, classes));
  return new SweepFollower(tracker, (s) => `${unit} ${s + 1}`, items);
}

/** An event of the KMC on threads (hops only) as the design's: its other work still as planned. */
function kmcPhase(p: ScenarioProgress, tracker: WorkTracker, item: number): ScenarioProgress {
  return { ...p, planned: { ...tracker.plannedOf(item), kmc: p.planned.kmc } };
}

function summaryText(results: ReturnType<typeof runScenario>): string {
  const lines = [`scenario ${results.scenario}`];
  for (const r of results.transport) {
    lines.push(
      `  ${r.temperatureK} K ${r.species}: sigma = ${r.conductivitySPerCm.toExponential(3)} +- ${r.conductivityStdErr.toExponential(1)} S/cm, ` +
        `D* = ${r.tracerDiffusivityCm2PerS.toExponential(3)} cm2/s, Haven = ${r.havenRatio.toFixed(3)} +- ${r.havenRatioStdErr.toFixed(3)}`,
    );
  }
  for (const t of results.transferenceNumber) lines.push(`  ${t.temperatureK} K cation share of the current: ${t.cation.toFixed(3)}`);
  for (const e of results.effective) {
    lines.push(
      `  ${e.temperatureK} K effective: sigma = ${e.conductivitySPerCm.toExponential(3)}${e.conductivityStdErr === null ? "" : ` +- ${e.conductivityStdErr.toExponential(1)}`} S/cm ` +
        `(${e.realizations} realisation${e.realizations > 1 ? "s" : ""}; discretisation ${e.discretisationRelativeError === null ? "not estimated" : `${(100 * e.discretisationRelativeError).toFixed(1)} %`}), ` +
        `tortuosity factor ${e.tortuosityFactor.toFixed(3)}, ${e.percolates ? "percolates" : "does not percolate"} (${e.solverIterations} iterations, residual ${e.relativeResidual.toExponential(1)})` +
        (e.lowFrequencyConductivitySPerCm !== undefined ? `; ${e.lowFrequencyConductivitySPerCm.toExponential(3)} S/cm once the gel lenses polarise (DC)` : ""),
    );
  }
  for (const a of results.arrhenius) lines.push(`  Ea (${a.of}) = ${a.activationEnergyEV.toFixed(4)} +- ${a.activationEnergyStdErr.toFixed(4)} eV`);
  // the cell stage
  for (const z of results.impedance ?? []) {
    if (z.cell !== "Li|SE|Li") continue;
    lines.push(`  ${z.temperatureK} K Li|SE|Li: R_bulk = ${z.bulkResistanceOhm.toPrecision(3)} ohm, R_int = ${z.interfacialResistanceOhm === null ? "not resolved" : `${z.interfacialResistanceOhm.toPrecision(3)} ohm`}`);
  }
  for (const t of results.transferenceNumber) {
    if (t.evans === undefined) continue;
    lines.push(`  ${t.temperatureK} K Evans/Bruce-Vincent: t+ = ${t.evans.tPlus.toFixed(3)}, I0 = ${(t.evans.I0 * 1e6).toPrecision(3)} uA, Iss = ${(t.evans.Iss * 1e6).toPrecision(3)} uA`);
  }
  const cc = results.criticalCurrent;
  if (cc !== undefined) lines.push(`  ${cc.temperatureK} K critical current density ${cc.criticalCurrentDensityMAPerCm2.toPrecision(3)} mA/cm2 (focusing ${cc.focusingFactor.toFixed(2)}, critical local ${cc.criticalLocalCurrentDensityMAPerCm2} mA/cm2)`);
  if (results.rateCapability !== undefined && results.rateCapability.length > 0) {
    lines.push(`  capacity (mAh/g): ${results.rateCapability.map((r) => `${r.cRate} C ${r.dischargeCapacityMAhPerG.toFixed(1)}${r.exceedsCriticalCurrent === true ? " (above the CCD)" : ""}`).join(", ")}`);
  }
  return lines.join("\n");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof InputError) {
      process.stderr.write(`mofhop: ${e.message.split("\n").join("\nmofhop: ")}\n`);
      process.exit(2);
    }
    process.stderr.write(`mofhop: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
