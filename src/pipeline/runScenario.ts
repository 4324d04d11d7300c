/**
 * runScenario(scenario) -> Results: the only place where the stages meet. A list of calls,
 * each handing its value to the next; no state is kept between runs.
 */
import { createStream } from "../core/rng.js";
import { fitArrhenius } from "../analysis/arrhenius.js";
import { runKmc, type KmcRunOptions, type KmcRunResult, type KmcRunState } from "../transport/kmc/run.js";
import type { KmcModel } from "../transport/kmc/model.js";
import type { Scheme } from "../transport/kmc/engine.js";
import { isNetworkDesign, type Scenario, type VoxelMorphologySettings } from "../scenario/schema.js";
import { buildKmcModel, buildLattice } from "./kmcModel.js";
import type { ArrheniusRow, CriticalCurrentRow, EffectiveRow, ImpedanceRow, KmcRunRow, RateCapabilityRow, Results, TransferenceRow, TransportRow } from "./results.js";
import { solveNetwork } from "../transport/network/solve.js";
import { partialConductivities } from "../transport/network/partials.js";
import { buildMorphology, cationSharesByLabel, checkMorphologyMemory, coarsened, fieldsOfSolve, morphologyStream, nearestRoomTemperature, phaseCationShare, refinedTwin, networkOptions, type BuiltMorphology, type VoxelFields } from "./morphology.js";
import { buildNetworkDesign, checkParticlesAmongFibresUpFront, checkParticlesInGelUpFront, checkPressedPowderUpFront, homogenisedMembrane, networkSliceTemperature, type NetworkCurrents, type NetworkRealisation } from "./design.js";
import { fixedChargeMolPerL, runCellExperiments, type CellInputs, type SolvedDc } from "./electrochem.js";
import type { ElectrodeFace } from "../design/electrodeFace.js";
import { InputError, ScenarioError } from "../core/errors.js";
import { lfpOpenCircuitVoltageV } from "../transport/cell/lfpMaterial.js";
import { DEFAULT_INITIAL_LITHIATION as CHARGED_LITHIATION } from "../transport/cell/electrodeOptions.js";
import { estimate } from "../core/stats.js";
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import { WORK_KINDS, WorkCounter, plannedKmcHops, plannedWork, workFraction, type ScenarioProgress } from "./progress.js";

/** One temperature's KMC results (also what the KMC cache holds). */
export interface KmcTemperatureResult {
  readonly temperatureK: number;
  readonly transport: readonly TransportRow[];
  readonly transference: TransferenceRow;
  readonly kmc: KmcRunRow;
  /** The rate parameters it was run with, per species: a cached result is rescaled exactly to others. */
  readonly rates?: readonly RateParameters[];
}

/** The two parameters that rescale every rate of a species alike. */
export interface RateParameters {
  /** As the scenario gives it; null: the lattice's preset. */
  readonly attemptFrequencyHz: number | null;
  readonly barrierShiftEV: number;
}

export function rateParameters(scenario: Scenario): RateParameters[] {
  return (scenario.species ?? []).map((sp) => ({ attemptFrequencyHz: sp.attemptFrequencyHz ?? null, barrierShiftEV: sp.barrierShiftEV ?? 0 }));
}

/**
 * A cached KMC result at other rate parameters, rescaled to this scenario's: when every
 * species' rates change by one common factor f = (nu / nu_0) exp(-(delta - delta_0) / kT),
 * the trajectory is the same in a time scaled by 1/f (site energies, and so every
 * equilibrium quantity, unchanged): diffusivities, conductivities and their errors scale by
 * f, the simulated time by 1/f, shares and Haven ratios not at all. Exact, not an
 * approximation. Returns undefined when the factors differ between species.
 */
function rescaled(entry: KmcTemperatureResult, scenario: Scenario): KmcTemperatureResult | undefined {
  const now = rateParameters(scenario);
  const was = entry.rates ?? now;
  const kT = BOLTZMANN_EV_PER_K * entry.temperatureK;
  const factors = now.map((r, i) => {
    const w = was[i]!;
    if ((r.attemptFrequencyHz === null) !== (w.attemptFrequencyHz === null)) return NaN;
    const nu = r.attemptFrequencyHz === null ? 1 : r.attemptFrequencyHz / w.attemptFrequencyHz!;
    return nu * Math.exp(-(r.barrierShiftEV - w.barrierShiftEV) / kT);
  });
  const f = factors[0] ?? 1;
  if (!factors.every((x) => Math.abs(x / f - 1) < 1e-12)) return undefined;
  if (f === 1) return entry;
  return {
    temperatureK: entry.temperatureK,
    transport: entry.transport.map((t) => ({
      ...t,
      tracerDiffusivityCm2PerS: f * t.tracerDiffusivityCm2PerS,
      tracerDiffusivityStdErr: f * t.tracerDiffusivityStdErr,
      chargeDiffusivityCm2PerS: f * t.chargeDiffusivityCm2PerS,
      chargeDiffusivityStdErr: f * t.chargeDiffusivityStdErr,
      conductivitySPerCm: f * t.conductivitySPerCm,
      conductivityStdErr: f * t.conductivityStdErr,
      partialConductivitySPerCm: f * t.partialConductivitySPerCm,
      ...(t.driftConductivitySPerCm !== undefined ? { driftConductivitySPerCm: f * t.driftConductivitySPerCm, driftConductivityStdErr: f * t.driftConductivityStdErr! } : {}),
    })),
    transference: entry.transference,
    kmc: { ...entry.kmc, simulatedTimeS: entry.kmc.simulatedTimeS / f, totalConductivitySPerCm: f * entry.kmc.totalConductivitySPerCm, totalConductivityStdErr: f * entry.kmc.totalConductivityStdErr },
    rates: now,
  };
}

/** Progress of a scenario run: finished temperatures and the KMC state of the current one. */
export interface ScenarioRunState {
  readonly done: readonly KmcTemperatureResult[];
  readonly current: { readonly temperatureK: number; readonly kmc: KmcRunState } | null;
}

export interface ScenarioCheckpoint {
  readonly initial?: ScenarioRunState;
  due(): boolean;
  save(state: ScenarioRunState): void;
}

export interface RunOptions {
  /**
   * Progress of the whole run: the fraction of its work done (each kind weighted by a prior
   * rate, pipeline/progress.ts), a label of the current stage, and the work done and planned
   * per kind (KMC hops, network solves, impedance solves, cell runs). Called per KMC chunk or
   * block and per solve, never per KMC event.
   */
  readonly onProgress?: (fraction: number, stage: string, progress: ScenarioProgress) => void;
  /** Save and continue a long run; the result is identical to an uninterrupted run. */
  readonly checkpoint?: ScenarioCheckpoint;
  /** Directory that relative paths in the scenario (raw voxel files) are resolved against. */
  readonly baseDir?: string;
  /**
   * KMC results shared between scenarios of one comparison: designs made of the same MOF
   * with the same ion, seed and KMC settings share one KMC run per temperature.
   */
  readonly kmcCache?: Map<string, KmcTemperatureResult>;
  /** Each temperature's KMC result as this run makes it (not the cached ones), under its kmcCacheKey: compare's pool passes it to designs started later. */
  readonly onKmcResult?: (key: string, entry: KmcTemperatureResult) => void;
  /**
   * Number of the first morphology realisation (default 0): the samples of an uncertainty
   * run each build their own realisation, so the realisations' scatter enters the bands.
   */
  readonly firstRealization?: number;
  /**
   * False: skip the extra solves that estimate the KMC error's effect on the network and the
   * grid's discretisation error (uncertainty samples: the nominal run reports both). Default true.
   */
  readonly errorEstimates?: boolean;
  /**
   * How voxel designs' spectra are computed: "reduced" (default: a few solves, exact to 1e-3
   * where checked, else the full grid; pipeline/electrochem.ts) or "full-grid" (one AC solve
   * per frequency and electrode).
   */
  readonly impedance?: "full-grid" | "reduced";
  /**
   * False: the rate test skips the discharges with one loss removed (what limits the design;
   * uncertainty samples: the nominal run reports it, and it is not banded). Default true.
   */
  readonly lossBreakdown?: boolean;
  /**
   * Realisation 0 as the page draws it (cli/fields.ts), from what the network stage built and
   * solved rather than built and solved again: a voxel design's fields at the temperature
   * nearest 298.15 K (its solve there made with the current density), a particle network's
   * bond currents at networkSliceTemperature. Called once, when the network stage builds
   * realisation 0 (not when firstRealization is another).
   */
  readonly onRealisation0?: (r: Realisation0) => void;
}

/** What RunOptions.onRealisation0 is given: the same values as cli/fields.ts's own build and solve. */
export type Realisation0 =
  | { readonly kind: "voxel"; readonly fields: VoxelFields }
  | { readonly kind: "network"; readonly temperatureK: number; readonly currents: NetworkCurrents };

/** Checks of the morphology that need no heavy work, before the KMC starts. */
export function checkMorphologyUpFront(m: Scenario["morphology"], scenario: Pick<Scenario, "lattice" | "species" | "cell"> = {}): void {
  if (m === undefined) return;
  // cell experiments solve the impedance on the grid: the AC path's memory
  checkMorphologyMemory(m, 1, scenario.cell !== undefined);
  // every phase that conducts states its transference number
  m.phases.forEach((p, i) => phaseCationShare({ ...p, label: 0 }, i, 1));
  if (m.kind === "pressed-powder") checkPressedPowderUpFront(m);
  if (m.kind === "particles-in-gel") checkParticlesInGelUpFront(scenario, m);
  if (m.kind === "particles-among-fibres") checkParticlesAmongFibresUpFront(scenario, m);
}

/** Checks of the cell experiments that need no heavy work, before the KMC starts. */
export function checkCellUpFront(cell: Scenario["cell"], m?: Scenario["morphology"]): void {
  // a voxel membrane whose phases move anions needs their concentration for the Evans simulation
  if (cell !== undefined && m !== undefined && !isNetworkDesign(m) && cell.saltMolPerL === 0) {
    m.phases.forEach((p, i) => {
      const sigma = p.conductivitySPerCm;
      if (sigma !== undefined && sigma > 0 && p.transferenceNumber !== undefined && p.transferenceNumber < 1) {
        throw new ScenarioError("cell.saltMolPerL", `is 0, but morphology.phases.${i} ("${p.name}") moves anions (transferenceNumber ${p.transferenceNumber}); give the concentration of the mobile anion, mol/L`);
      }
    });
  }
  // the Evans simulation needs mobile ions: a salt, or a fixed charge (given, or the KMC's)
  if (cell !== undefined && m !== undefined && !isNetworkDesign(m) && cell.saltMolPerL === 0 && (cell.fixedChargeMolPerL ?? 0) === 0 && m.phases.every((p) => p.conductivitySPerCm !== undefined)) {
    throw new ScenarioError("cell.fixedChargeMolPerL", `is ${cell.fixedChargeMolPerL ?? "not given"} and cell.saltMolPerL is 0, and no phase takes the KMC's ions: the membrane would have no mobile ions; give the fixed (framework) charge or the salt concentration, mol/L`);
  }
  const rc = cell?.rateCapability;
  if (rc === undefined) return;
  const ocv = lfpOpenCircuitVoltageV(CHARGED_LITHIATION);
  if (rc.cutoffVoltageV >= ocv) {
    throw new InputError(`cell.rateCapability.cutoffVoltageV: got ${rc.cutoffVoltageV} V; must be below the charged cathode's open-circuit voltage, ${ocv.toFixed(3)} V (LiFePO4 at x = ${CHARGED_LITHIATION}); LiFePO4 cells are usually cut off at 2.5 V`);
  }
}

/**
 * The key of one temperature's KMC in a shared cache: everything the KMC trajectory depends
 * on. The attempt frequencies and barrier shifts are left out (only whether a frequency is
 * given): they rescale time, and a cached result is rescaled to them exactly.
 */
export function kmcCacheKey(scenario: Scenario, temperatureK: number): string {
  // the conductivity bound is a calibration prior: no part of the trajectory
  const species = scenario.species?.map((sp) => ({ ...sp, attemptFrequencyHz: sp.attemptFrequencyHz === undefined ? undefined : "given", barrierShiftEV: undefined, conductivityBound: undefined }));
  return JSON.stringify([scenario.seed, scenario.lattice, species, scenario.kmc, temperatureK]);
}

/**
 * The KMC cache entries of a finished run, rebuilt from its results (a run in a worker
 * thread returns no cache): what a later run of the same KMC settings reuses.
 */
export function kmcEntriesOf(scenario: Scenario, results: Results): [string, KmcTemperatureResult][] {
  return results.kmc.map((kmc) => {
    const T = kmc.temperatureK;
    const share = results.transferenceNumber.find((t) => t.temperatureK === T)!;
    return [kmcCacheKey(scenario, T), { temperatureK: T, transport: results.transport.filter((r) => r.temperatureK === T), transference: { temperatureK: T, cation: share.cation, cationStdErr: share.cationStdErr }, kmc, rates: rateParameters(scenario) }];
  });
}

/** The KMC settings of a scenario (the defaults when it gives none) as runKmc's options. */
export function kmcRunOptions(scenario: Scenario): Omit<KmcRunOptions, "onProgress" | "checkpoint"> {
  const settings = scenario.kmc ?? { equilibrationHops: 100_000, hops: 1_000_000, replicas: 4, blocks: 20, scheme: "auto" as const };
  const scheme: Scheme | undefined = settings.scheme === "auto" ? undefined : settings.scheme;
  return {
    replicas: settings.replicas,
    equilibrationHops: settings.equilibrationHops,
    hops: settings.hops,
    blocks: settings.blocks,
    ...(scheme !== undefined ? { scheme } : {}),
    ...(scenario.kmc?.targetRelativeError !== undefined ? { targetRelativeError: scenario.kmc.targetRelativeError } : {}),
    ...(scenario.kmc?.maxHops !== undefined ? { maxHops: scenario.kmc.maxHops } : {}),
  };
}

/**
 * The path of replica r's stream at one temperature, after the seed and before r: streams
 * named by the temperature's value, so adding a temperature changes no other.
 */
export function kmcStreamPath(temperatureK: number): ["kmc", number] {
  return ["kmc", temperatureK];
}

/**
 * One temperature's rows from its KMC run (wherever the replicas ran: runKmc on this
 * thread or runKmcOnWorkers, whose results are identical); what runScenario and its
 * cache hold. Throws on a bookkeeping error of the engine.
 */
export function kmcTemperatureResult(scenario: Scenario, model: KmcModel, run: KmcRunResult): KmcTemperatureResult {
  const temperatureK = model.temperatureK;
  if (run.consistencyErrors.length > 0) throw new Error(`KMC bookkeeping error: ${run.consistencyErrors.slice(0, 3).join("; ")}`);
  const s = run.summary;
  const rows: TransportRow[] = s.species.map((row) => ({
    temperatureK,
    species: row.species,
    tracerDiffusivityCm2PerS: row.tracerDiffusivityCm2PerS,
    tracerDiffusivityStdErr: row.tracerDiffusivityStdErr,
    chargeDiffusivityCm2PerS: row.chargeDiffusivityCm2PerS,
    chargeDiffusivityStdErr: row.chargeDiffusivityStdErr,
    havenRatio: row.havenRatio,
    havenRatioStdErr: row.havenRatioStdErr,
    carrierDensityPerCm3: row.carrierDensityPerCm3,
    conductivitySPerCm: row.conductivitySPerCm,
    conductivityStdErr: row.conductivityStdErr,
    partialConductivitySPerCm: row.partialConductivitySPerCm,
    ...(row.driftConductivitySPerCm !== undefined
      ? { driftConductivitySPerCm: row.driftConductivitySPerCm, driftConductivityStdErr: row.driftConductivityStdErr! }
      : {}),
    siteOccupancy: row.siteOccupancy,
  }));
  const transference: TransferenceRow = { temperatureK, cation: s.cationShare, cationStdErr: s.cationShareStdErr };
  const kmc: KmcRunRow = {
    temperatureK,
    scheme: s.scheme,
    replicas: s.replicas,
    hopsPerReplica: s.hopsPerReplica,
    blocks: s.blocks,
    simulatedTimeS: s.simulatedTimeS,
    totalConductivitySPerCm: s.totalConductivitySPerCm,
    totalConductivityStdErr: s.totalConductivityStdErr,
    ions: Object.fromEntries(model.species.map((sp) => [sp.name, sp.count])),
    sites: model.lattice.siteCount,
  };
  return { temperatureK, transport: rows, transference, kmc, rates: rateParameters(scenario) };
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): Results {
  checkMorphologyUpFront(scenario.morphology, scenario);
  checkCellUpFront(scenario.cell, scenario.morphology);
  const onProgress = options.onProgress;
  const kmcOptions = kmcRunOptions(scenario);
  const resumed = options.checkpoint?.initial?.done ?? [];
  const work = new WorkCounter(
    plannedWork(scenario, kmcOptions, {
      kmcDone: (T) => resumed.some((d) => d.temperatureK === T) || options.kmcCache?.has(kmcCacheKey(scenario, T)) === true,
      ...(options.errorEstimates !== undefined ? { errorEstimates: options.errorEstimates } : {}),
      ...(options.lossBreakdown !== undefined ? { lossBreakdown: options.lossBreakdown } : {}),
      ...(options.impedance !== undefined ? { impedance: options.impedance } : {}),
    }),
    onProgress === undefined ? undefined : (p) => onProgress(workFraction(p.done, p.planned), p.stage, p),
  );
  const transport: TransportRow[] = [];
  const transferenceNumber: TransferenceRow[] = [];
  const kmcRows: KmcRunRow[] = [];
  const arrhenius: ArrheniusRow[] = [];
  if (scenario.lattice !== undefined && scenario.species !== undefined) {
    const lattice = buildLattice(scenario);
    const temps = scenario.temperaturesK;
    const cp = options.checkpoint;
    const done: ScenarioRunState["done"][number][] = [...(cp?.initial?.done ?? [])];
    temps.forEach((temperatureK) => {
      const cacheKey = kmcCacheKey(scenario, temperatureK);
      const cached = options.kmcCache?.get(cacheKey);
      const finished = done.find((d) => d.temperatureK === temperatureK) ?? (cached !== undefined ? rescaled(cached, scenario) : undefined);
      if (finished !== undefined) {
        transport.push(...finished.transport);
        transferenceNumber.push(finished.transference);
        kmcRows.push(finished.kmc);
        return;
      }
      const model = buildKmcModel(scenario, lattice, temperatureK);
      const resume = cp?.initial?.current?.temperatureK === temperatureK ? cp.initial.current.kmc : undefined;
      const stage = `KMC ${temperatureK} K`;
      const hopsPlanned = plannedKmcHops(kmcOptions);
      // hops a checkpoint already holds count as done before this run's first event, so no rate sees them
      const resumedHops = resume?.replicas.reduce((sum, r) => sum + (r?.hopsDone ?? 0), 0) ?? 0;
      let hopsSent = Math.min(resumedHops, hopsPlanned);
      if (hopsSent > 0) work.add("kmc", hopsSent, stage);
      else work.send("kmc", stage);
      const run = runKmc(
        model,
        {
          ...kmcOptions,
          onProgress: (f) => {
            const h = Math.round(f * hopsPlanned);
            if (h <= hopsSent) return;
            work.add("kmc", h - hopsSent, stage);
            hopsSent = h;
          },
          ...(cp !== undefined
            ? { checkpoint: { ...(resume !== undefined ? { initial: resume } : {}), due: () => cp.due(), save: (kmc: KmcRunState) => cp.save({ done: [...done], current: { temperatureK, kmc } }) } }
            : {}),
        },
        (r) => createStream(scenario.seed, ...kmcStreamPath(temperatureK), r),
      );
      work.drop("kmc", hopsPlanned - hopsSent); // a target precision reached before the cap
      const { transport: rows, transference, kmc: kmcRow } = kmcTemperatureResult(scenario, model, run);
      transport.push(...rows);
      transferenceNumber.push(transference);
      kmcRows.push(kmcRow);
      done.push({ temperatureK, transport: rows, transference, kmc: kmcRow });
      const entry: KmcTemperatureResult = { temperatureK, transport: rows, transference, kmc: kmcRow, rates: rateParameters(scenario) };
      options.kmcCache?.set(cacheKey, entry);
      options.onKmcResult?.(cacheKey, entry);
      cp?.save({ done: [...done], current: null });
    });
    if (temps.length >= 2) {
      const form = scenario.arrhenius?.form ?? "sigmaT";
      for (const sp of scenario.species) {
        const rows = transport.filter((r) => r.species === sp.name);
        if (rows.filter((r) => r.conductivitySPerCm > 0).length < 2) continue;
        const fit = fitArrhenius(rows.map((r) => ({ temperatureK: r.temperatureK, conductivitySPerCm: r.conductivitySPerCm, conductivityStdErr: r.conductivityStdErr })), form);
        arrhenius.push({ of: sp.name, species: sp.name, activationEnergyEV: fit.activationEnergyEV, activationEnergyStdErr: fit.activationEnergyStdErr, form, lnPrefactor: fit.lnPrefactor });
      }
      if (scenario.species.length > 1) {
        const fit = fitArrhenius(kmcRows.map((r) => ({ temperatureK: r.temperatureK, conductivitySPerCm: r.totalConductivitySPerCm, conductivityStdErr: r.totalConductivityStdErr })), form);
        arrhenius.push({ of: "total", activationEnergyEV: fit.activationEnergyEV, activationEnergyStdErr: fit.activationEnergyStdErr, form, lnPrefactor: fit.lnPrefactor });
      }
    }
  }
  work.close("kmc");
  const networks = scenario.morphology === undefined ? null : runNetworks(scenario, kmcRows, options, transferenceNumber, work);
  const effective = networks?.rows ?? [];
  if (effective.length >= 2 && effective.filter((r) => r.conductivitySPerCm > 0).length >= 2) {
    const form = scenario.arrhenius?.form ?? "sigmaT";
    const fit = fitArrhenius(effective.filter((r) => r.conductivitySPerCm > 0).map((r) => ({ temperatureK: r.temperatureK, conductivitySPerCm: r.conductivitySPerCm, ...(r.conductivityStdErr !== null && r.conductivityStdErr > 0 ? { conductivityStdErr: r.conductivityStdErr } : {}) })), form);
    arrhenius.push({ of: "effective", activationEnergyEV: fit.activationEnergyEV, activationEnergyStdErr: fit.activationEnergyStdErr, form, lnPrefactor: fit.lnPrefactor });
  }
  let impedance: ImpedanceRow[] | undefined;
  let rateCapability: RateCapabilityRow[] | undefined;
  let criticalCurrent: CriticalCurrentRow | undefined;
  // a membrane with no conducting path (a particle network whose contacts do not percolate)
  // carries no current: no spectrum, no Evans current, no critical current, and a cell
  // built on it delivers nothing at any rate
  const cellT = cellTemperatureK(scenario);
  const cellEff = effective.find((e) => e.temperatureK === cellT);
  const insulating = cellEff !== undefined && (cellEff.lowFrequencyConductivitySPerCm ?? cellEff.conductivitySPerCm) === 0;
  if (scenario.cell !== undefined && networks !== null && insulating) {
    const rc = scenario.cell.rateCapability;
    if (rc !== undefined) rateCapability = rc.cRates.map((cRate): RateCapabilityRow => ({ cRate, dischargeCapacityMAhPerG: 0, noConductingPath: true }));
  }
  if (scenario.cell !== undefined && networks !== null && !insulating) {
    const temps = scenario.temperaturesK;
    const T = cellT!;
    const eff = cellEff;
    if (eff === undefined) throw new ScenarioError("cell.temperatureK", `got ${T}; must be one of temperaturesK (${temps.join(", ")})`);
    work.send("impedance", `impedance ${T} K`);
    const k = kmcRows.find((r) => r.temperatureK === T);
    const share = transferenceNumber.find((t) => t.temperatureK === T);
    const m = scenario.morphology!;
    // the framework's fixed charge balances the mobile ions of the KMC at this temperature
    const mofFixedCharge = k === undefined ? undefined : fixedChargeMolPerL(transport.filter((row) => row.temperatureK === T).map((row) => ({ charge: scenario.species!.find((sp) => sp.name === row.species)!.charge, carrierDensityPerCm3: row.carrierDensityPerCm3 })));
    // a particle network's membrane, as DC experiments see it: the polarised-lens conductivity
    // of a gel design (no anion path through the network), else the network's
    const dcSPerCm = eff.lowFrequencyConductivitySPerCm ?? eff.conductivitySPerCm;
    // its cation share at DC: the gel's anions move through the coats and lenses (design/gelFilm.ts)
    const dcCationShare = eff.lowFrequencyCationConductivitySPerCm !== undefined && dcSPerCm > 0 ? eff.lowFrequencyCationConductivitySPerCm / dcSPerCm : share?.cation ?? 1;
    const slab = isNetworkDesign(m) ? homogenisedMembrane(m, scenario.cell, dcSPerCm, dcCationShare, mofFixedCharge ?? 0, networks.fractions!) : null;
    const out = runCellExperiments({
      morphology: slab?.morphology ?? (m as VoxelMorphologySettings),
      built: slab?.built ?? networks.built!,
      cell: slab?.cell ?? scenario.cell,
      temperatureK: T,
      ...(k !== undefined ? { mof: { conductivitySPerCm: k.totalConductivitySPerCm, cationShare: share?.cation ?? 1, fixedChargeMolPerL: mofFixedCharge! } } : {}),
      // the mobile cation's charge number (the first positive species), kept through the Evans stage
      cationCharge: scenario.species?.find((sp) => sp.charge > 0)?.charge ?? 1,
      ...(slab !== null ? { face: faceForCell(networks.fractions!) } : {}),
      effectiveSPerCm: slab !== null ? dcSPerCm : eff.conductivitySPerCm,
      effectiveStdErr: (eff.conductivityStdErr ?? 0) * (slab !== null ? dcSPerCm / eff.conductivitySPerCm : 1),
      ...(options.impedance !== undefined ? { impedance: options.impedance } : {}),
      ...(options.lossBreakdown !== undefined ? { lossBreakdown: options.lossBreakdown } : {}),
      // the network stage's DC solve of this realisation at T, for the cell's ideal-contact solve of the same system
      ...(slab === null && networks.dc !== null && networks.dc.temperatureK === T ? { solvedDc: networks.dc } : {}),
      ...(onProgress !== undefined ? { onWork: (kind: "network" | "impedance" | "cell", units: number) => work.add(kind, units, kind === "impedance" ? `impedance ${T} K` : kind === "network" ? `cell DC solves ${T} K` : `Evans and discharges ${T} K`) } : {}),
    });
    if (out.criticalCurrent !== null) criticalCurrent = out.criticalCurrent;
    impedance = out.impedance;
    if (out.rateCapability.length > 0) rateCapability = out.rateCapability;
    const row: TransferenceRow = {
      temperatureK: T,
      cation: share?.cation ?? out.membraneCationShare,
      cationStdErr: share?.cationStdErr ?? 0,
      membraneCation: out.membraneCationShare,
      ...(out.evans !== null ? { evans: out.evans } : {}),
    };
    const i = transferenceNumber.findIndex((t) => t.temperatureK === T);
    if (i >= 0) transferenceNumber[i] = row;
    else transferenceNumber.push(row);
  }
  for (const kind of WORK_KINDS) work.close(kind);
  work.resend("done");
  return {
    scenario: scenario.name,
    transport,
    transferenceNumber,
    arrhenius,
    kmc: kmcRows,
    effective,
    ...(impedance !== undefined ? { impedance } : {}),
    ...(rateCapability !== undefined ? { rateCapability } : {}),
    ...(criticalCurrent !== undefined ? { criticalCurrent } : {}),
  };
}

/**
 * The network stage: for each morphology realisation and temperature, solve; combine the
 * realisations (mean, standard error of their scatter) with the KMC error carried through
 * the solve (a second solve of realisation 0 at sigma_MOF + se gives the relative
 * sensitivity), and estimate the
 * discretisation error: voxel designs solve realisation 0 again on voxels twice as large
 * (first-order convergence: the error of the fine solve is about the difference), or, where
 * those no longer resolve the design, on voxels half as large at the temperature nearest
 * 25 C (the difference again: an upper estimate of the shipped solve's error);
 * particle networks report their contact element's error (design/contacts.ts).
 */
function runNetworks(
  scenario: Scenario,
  kmcRows: readonly KmcRunRow[],
  options: RunOptions,
  kmcShares: readonly TransferenceRow[],
  work: WorkCounter,
): { rows: EffectiveRow[]; built: BuiltMorphology | null; fractions: NetworkFractions | null; dc: (SolvedDc & { readonly temperatureK: number }) | null } {
  const m = scenario.morphology!;
  const temps = scenario.temperaturesK;
  const R = m.kind === "image" ? 1 : m.realizations;
  const r0 = options.firstRealization ?? 0;
  const estimates = options.errorEstimates ?? true;
  const takesKmc = m.phases.some((p) => p.conductivitySPerCm === undefined);
  const results: { sigma: number; tau: number; percolates: boolean; iterations: number; residual: number; phases: EffectiveRow["phases"]; kmcErr: number; cation?: number; anion?: number }[][] = temps.map(() => []);
  // the MOF's cation share at T: the KMC's (1 when it moves only cations: the framework's
  // sulfonates are fixed); without a KMC no phase takes it (a phase with no conductivity is
  // refused first), and NaN would be refused where a share is checked, never used as a number
  const mofShareAt = (temperatureK: number): number => kmcShares.find((t) => t.temperatureK === temperatureK)?.cation ?? NaN;
  const discretisation: (number | null)[] = temps.map(() => null);
  let first: BuiltMorphology | null = null;
  let fractions: NetworkFractions | null = null;
  // a particle network's Li face, opened in every realisation at the cell's temperature
  const cell = scenario.cell;
  const cellT = cellTemperatureK(scenario);
  const faces: ElectrodeFace[] = [];
  const lowFrequency: number[][] = temps.map(() => []);
  const lowFrequencyCation: number[][] = temps.map(() => []);
  const stage = (i: number, ti: number): string => `network realisation ${i + 1}/${R}, ${temps[ti]} K`;
  // realisation 0's page fields (RunOptions.onRealisation0) and the first realisation's DC solve at the cell's temperature
  const onRealisation0 = options.onRealisation0;
  const roomAt = temps.indexOf(nearestRoomTemperature(temps));
  let network0: NetworkRealisation | null = null;
  let dc: (SolvedDc & { readonly temperatureK: number }) | null = null;
  for (let i = 0; i < R; i++) {
    const r = r0 + i;
    if (isNetworkDesign(m)) {
      const net = buildNetworkDesign(scenario, m, r);
      if (r === 0 && onRealisation0 !== undefined) network0 = net;
      if (r === r0) fractions = { contactArea: net.contactAreaFraction, mofVolume: net.mofVolumeFraction };
      if (cell !== undefined && cellT !== undefined && temps.includes(cellT)) {
        const face = net.face(cellT, kmcRows.find((row) => row.temperatureK === cellT)?.totalConductivitySPerCm, cell.chargeTransferOhmCm2);
        if (face.faces > 0) faces.push(face);
      }
      temps.forEach((temperatureK, ti) => {
        work.send("network", stage(i, ti));
        const k = kmcRows.find((row) => row.temperatureK === temperatureK);
        const res = net.solve(temperatureK, k?.totalConductivitySPerCm, mofShareAt(temperatureK));
        work.add("network", 1, stage(i, ti));
        let kmcErr = 0;
        if (estimates && r === r0 && takesKmc && k !== undefined && k.totalConductivityStdErr > 0 && res.conductivitySPerCm > 0) {
          kmcErr = Math.abs(net.solve(temperatureK, k.totalConductivitySPerCm + k.totalConductivityStdErr).conductivitySPerCm - res.conductivitySPerCm) / res.conductivitySPerCm;
          work.add("network", 1, stage(i, ti));
        } else if (estimates && r === r0 && takesKmc) work.drop("network", 1);
        // the particle-level model's error, averaged over the realisations
        discretisation[ti] = (discretisation[ti] ?? 0) + res.modelRelativeError / R;
        if (res.lowFrequencyConductivitySPerCm !== null) lowFrequency[ti]!.push(res.lowFrequencyConductivitySPerCm);
        if (res.lowFrequencyCationConductivitySPerCm !== null) lowFrequencyCation[ti]!.push(res.lowFrequencyCationConductivitySPerCm);
        results[ti]!.push({
          sigma: res.conductivitySPerCm,
          tau: res.tortuosityFactor,
          percolates: res.percolates,
          iterations: res.iterations,
          residual: res.relativeResidual,
          phases: res.phases,
          kmcErr,
          ...(res.cationConductivitySPerCm !== undefined ? { cation: res.cationConductivitySPerCm, anion: res.anionConductivitySPerCm! } : {}),
        });
      });
      continue;
    }
    // an image's size is known from its header only here: checked for the AC solves of a cell
    const built = buildMorphology(m, morphologyStream(scenario.seed, r), options.baseDir ?? process.cwd(), scenario.cell !== undefined);
    first ??= built;
    // the refinement estimate: the first realisation on voxels twice as large, when they still resolve the design
    let coarse = estimates && r === r0 ? coarsened(m) : null;
    let coarseBuilt: BuiltMorphology | null = null;
    if (coarse !== null) {
      try {
        coarseBuilt = built.coarseTwin?.() ?? buildMorphology(coarse, morphologyStream(scenario.seed, r), options.baseDir ?? process.cwd());
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        coarse = null;
      }
    }
    // where voxels twice as large no longer resolve the design, voxels half as large (if
    // they fit in REFINED_MAX_VOXELS), at the temperature nearest 25 C only
    const refined = estimates && r === r0 && coarse === null ? refinedTwin(m) : null;
    const refineAt = temps.reduce((best, T, ti) => (Math.abs(T - 298.15) < Math.abs(temps[best]! - 298.15) ? ti : best), 0);
    let phasesOfRealization: EffectiveRow["phases"] = [];
    temps.forEach((temperatureK, ti) => {
      const label = stage(i, ti);
      work.send("network", label);
      const k = kmcRows.find((row) => row.temperatureK === temperatureK);
      const mof = k?.totalConductivitySPerCm;
      // per-phase connectivity (a labelling per phase) only once per realisation
      // realisation 0 at the page's temperature: with the current density (the fields' solve; the same system and solution)
      const pageFields = r === 0 && onRealisation0 !== undefined && ti === roomAt;
      const opts = { ...networkOptions(m, built.phases, temperatureK, mof), currentDensity: pageFields, phaseConnectivity: ti === 0 };
      const result = solveNetwork(built.grid, opts);
      work.add("network", 1, label);
      if (pageFields) onRealisation0({ kind: "voxel", fields: fieldsOfSolve(m, built, temperatureK, opts, result) });
      if (r === r0 && temperatureK === cellT) dc = { temperatureK, grid: built.grid, options: opts, result };
      const partial = partialConductivities(built.grid, opts, result, cationSharesByLabel(built.phases, mofShareAt(temperatureK)));
      let kmcErr = 0;
      if (estimates && r === r0 && takesKmc && k !== undefined && k.totalConductivityStdErr > 0 && result.conductivitySPerCm > 0) {
        const bumped = solveNetwork(built.grid, { ...networkOptions(m, built.phases, temperatureK, mof! + k.totalConductivityStdErr), currentDensity: false, phaseConnectivity: false });
        kmcErr = Math.abs(bumped.conductivitySPerCm - result.conductivitySPerCm) / result.conductivitySPerCm;
        work.add("network", 1, label);
      } else if (estimates && r === r0 && takesKmc) work.drop("network", 1);
      // the refinement estimate's solve (planned once per temperature on the first realisation)
      let refinementSolves = 0;
      if (coarse !== null && coarseBuilt !== null && result.conductivitySPerCm > 0) {
        const c = solveNetwork(coarseBuilt.grid, { ...networkOptions(coarse, coarseBuilt.phases, temperatureK, mof), phaseConnectivity: false });
        discretisation[ti] = Math.abs(result.conductivitySPerCm - c.conductivitySPerCm) / result.conductivitySPerCm;
        refinementSolves++;
      }
      if (refined !== null && ti === refineAt && result.conductivitySPerCm > 0) {
        const fine = buildMorphology(refined, morphologyStream(scenario.seed, r), options.baseDir ?? process.cwd());
        const f = solveNetwork(fine.grid, { ...networkOptions(refined, fine.phases, temperatureK, mof), currentDensity: false, phaseConnectivity: false });
        if (f.conductivitySPerCm > 0) discretisation[ti] = Math.abs(result.conductivitySPerCm - f.conductivitySPerCm) / f.conductivitySPerCm;
        refinementSolves++;
      }
      if (estimates && r === r0) {
        if (refinementSolves > 0) work.add("network", refinementSolves, label);
        else work.drop("network", 1);
      }
      results[ti]!.push({
        sigma: result.conductivitySPerCm,
        tau: result.tortuosityFactor,
        percolates: result.percolates,
        iterations: result.solverIterations,
        residual: result.relativeResidual,
        phases: ti === 0 ? (phasesOfRealization = result.phases.map((p) => ({ name: p.name, volumeFraction: p.volumeFraction, spanningFraction: p.spanningFraction ?? 0, percolates: p.percolates ?? false }))) : phasesOfRealization,
        kmcErr,
        cation: partial.cationConductivitySPerCm,
        anion: partial.anionConductivitySPerCm,
      });
    });
  }
  const rows = temps.map((temperatureK, ti): EffectiveRow => {
    const rs = results[ti]!;
    const sig = estimate(rs.map((x) => x.sigma));
    const realizationErr = R > 1 ? sig.stdErr : 0;
    // the KMC error carried through the solve: the relative sensitivity of realisation 0
    const kErr = rs[0]!.kmcErr * sig.mean;
    const k = kmcRows.find((row) => row.temperatureK === temperatureK);
    const names = rs[0]!.phases.map((p) => p.name);
    return {
      temperatureK,
      conductivitySPerCm: sig.mean,
      // one realisation of a random microstructure says nothing about its scatter: no error claimed
      conductivityStdErr: R > 1 || m.kind === "raw" || m.kind === "image" ? Math.hypot(realizationErr, kErr) : null,
      discretisationRelativeError: discretisation[ti]!,
      tortuosityFactor: estimate(rs.map((x) => x.tau)).mean,
      percolates: rs.every((x) => x.percolates),
      solverIterations: Math.max(...rs.map((x) => x.iterations)),
      relativeResidual: Math.max(...rs.map((x) => x.residual)),
      ...(takesKmc && k !== undefined ? { mofConductivitySPerCm: k.totalConductivitySPerCm } : {}),
      // the realisations' means, so that they add up to the mean conductivity as each realisation's do
      ...(rs.every((x) => x.cation !== undefined)
        ? { cationConductivitySPerCm: estimate(rs.map((x) => x.cation!)).mean, anionConductivitySPerCm: estimate(rs.map((x) => x.anion!)).mean }
        : {}),
      ...(lowFrequency[ti]!.length > 0 ? { lowFrequencyConductivitySPerCm: lowFrequency[ti]!.reduce((a, b) => a + b, 0) / lowFrequency[ti]!.length } : {}),
      ...(lowFrequencyCation[ti]!.length > 0 ? { lowFrequencyCationConductivitySPerCm: lowFrequencyCation[ti]!.reduce((a, b) => a + b, 0) / lowFrequencyCation[ti]!.length } : {}),
      realizations: R,
      phases: names.map((name) => ({
        name,
        volumeFraction: estimate(rs.map((x) => x.phases.find((q) => q.name === name)?.volumeFraction ?? 0)).mean,
        spanningFraction: estimate(rs.map((x) => x.phases.find((q) => q.name === name)?.spanningFraction ?? 0)).mean,
        percolates: rs.every((x) => x.phases.find((q) => q.name === name)?.percolates ?? false),
      })),
    };
  });
  if (fractions !== null && faces.length > 0) {
    const F = estimate(faces.map((f) => f.focusingFactor)), Ri = estimate(faces.map((f) => f.interfaceOhmCm2));
    fractions = {
      ...fractions,
      face: {
        focusingFactor: F.mean,
        focusingStdErr: faces.length > 1 ? F.stdErr : null,
        interfaceOhmCm2: Ri.mean,
        interfaceStdErr: faces.length > 1 ? Ri.stdErr : null,
        contactAreaFraction: estimate(faces.map((f) => f.contactAreaFraction)).mean,
        carryingContactFraction: estimate(faces.map((f) => f.carryingContactFraction)).mean,
      },
    };
  }
  if (network0 !== null && onRealisation0 !== undefined) {
    const T = networkSliceTemperature(scenario, kmcRows);
    onRealisation0({ kind: "network", temperatureK: T, currents: network0.currents(T, kmcRows.find((k) => k.temperatureK === T)?.totalConductivitySPerCm) });
  }
  return { rows, built: first, fractions, dc };
}

/** The cell experiments' temperature: given, or the scenario temperature nearest 298.15 K (undefined without a cell). */
function cellTemperatureK(scenario: Scenario): number | undefined {
  if (scenario.cell === undefined) return undefined;
  return scenario.cell.temperatureK ?? scenario.temperaturesK.reduce((a, b) => (Math.abs(b - 298.15) < Math.abs(a - 298.15) ? b : a));
}

/** What the cell stage takes from a particle network: its face and MOF volume (pipeline/design.ts homogenisedMembrane). */
export interface NetworkFractions {
  readonly contactArea: number;
  readonly mofVolume: number;
  /** The Li face over the realisations (mean, standard error of their scatter; null with one). */
  readonly face?: {
    readonly focusingFactor: number;
    readonly focusingStdErr: number | null;
    readonly interfaceOhmCm2: number;
    readonly interfaceStdErr: number | null;
    readonly contactAreaFraction: number;
    readonly carryingContactFraction: number;
  };
}

/** The homogenised membrane's face: computed (design/electrodeFace.ts), or the uniform contact over the solid fraction without a cell temperature among the runs. */
function faceForCell(f: NetworkFractions): NonNullable<CellInputs["face"]> {
  return f.face !== undefined
    ? { focusingFactor: f.face.focusingFactor, focusingStdErr: f.face.focusingStdErr, contactAreaFraction: f.face.contactAreaFraction }
    : { focusingFactor: 1 / f.contactArea, focusingStdErr: null, contactAreaFraction: f.contactArea };
}
