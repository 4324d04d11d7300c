/**
 * Calibration through the chain: fit an ion's attempt frequency (scale) and a uniform
 * shift of its hop barriers so that the scenario's predicted conductivity (the membrane's,
 * through its morphology, or the MOF's when there is none) matches measured data.
 * One KMC run per temperature at the scenario's own parameters suffices: both fitted
 * parameters rescale time exactly (analysis/calibration.ts). The forward map is the
 * network solve at each temperature on realisation 0 of the morphology.
 */
import { InputError } from "../core/errors.js";
import { arrheniusLine, fitAttemptAndBarrierShift, type ScalingFit } from "../analysis/calibration.js";
import { solveNetwork } from "../transport/network/solve.js";
import { isNetworkDesign, type Scenario } from "../scenario/schema.js";
import { buildKmcModel, buildLattice } from "./kmcModel.js";
import { buildMorphology, morphologyStream, networkOptions } from "./morphology.js";
import { kmcCacheKey, kmcRunOptions, runScenario, type RunOptions } from "./runScenario.js";
import { buildNetworkDesign } from "./design.js";
import { NO_WORK, WorkCounter, plannedWork, workFraction, type WorkTally } from "./progress.js";

export interface MeasuredArrhenius {
  /** Conductivity at the reference temperature, S/cm. */
  readonly conductivitySPerCm: number;
  readonly referenceTemperatureK: number;
  readonly activationEnergyEV: number;
  /** The form the measurement was fitted in. */
  readonly form: "sigma" | "sigmaT";
  /** Relative uncertainty of each measured point (default 0.05). */
  readonly relativeError: number;
  readonly source: string;
}

export interface CalibrationResult {
  readonly scenario: string;
  readonly species: string;
  readonly fit: ScalingFit;
  readonly referenceAttemptFrequencyHz: number;
  readonly attemptFrequencyHz: number;
  /** The calibrated barriers by hop type (reference + shift), eV. */
  readonly hopBarrierEV: Readonly<Record<string, number>>;
  readonly siteEnergiesEV: Readonly<Record<string, number | null>>;
  readonly points: readonly { temperatureK: number; measuredSPerCm: number; predictedSPerCm: number }[];
  readonly measured: MeasuredArrhenius;
}

/**
 * Grid points of the tabulated forward map (below) the fit is planned to solve per
 * temperature, besides the 4 of the ceiling check: the Levenberg-Marquardt steps from the
 * linear start stay within a few 0.1-decade cells of the solution (8 to 10 points in the
 * paper's pellets). A fit that needs more raises its plan as it goes; one that needs fewer
 * closes it at its end.
 */
export const FIT_GRID_POINTS = 12;

/** Network solves of one evaluation of the forward map: one per realisation of a particle network (their mean), one on a voxel design's realisation 0. */
function solvesPerEvaluation(scenario: Scenario): number {
  const m = scenario.morphology;
  if (m === undefined) return 0;
  return isNetworkDesign(m) ? m.realizations : 1;
}

/** The scenario the point fit runs its KMC on: its own parameters, no morphology, no cell. */
function referenceScenario(scenario: Scenario): Scenario {
  return { ...scenario, morphology: undefined, cell: undefined } as Scenario;
}

/**
 * The work `calibrateScenario` plans before it starts: the reference KMC's hops, and the
 * forward map's network solves (per temperature the ceiling check's 4 grid points and
 * FIT_GRID_POINTS for the fit, each a solve of every realisation it averages; none without
 * a morphology, whose forward map is the identity).
 */
export function plannedCalibrationWork(scenario: Scenario, options: Pick<RunOptions, "kmcCache"> = {}): WorkTally {
  const reference = referenceScenario(scenario);
  const cache = options.kmcCache;
  const kmc = plannedWork(reference, kmcRunOptions(reference), cache === undefined ? {} : { kmcDone: (T) => cache.has(kmcCacheKey(reference, T)) }).kmc;
  const network = scenario.morphology === undefined ? 0 : scenario.temperaturesK.length * (4 + FIT_GRID_POINTS) * solvesPerEvaluation(scenario);
  return { ...NO_WORK, kmc, network };
}

/**
 * The point fit. `options.onProgress` follows the whole calibration by work done: the
 * reference KMC's hops, then every network solve of the forward map (the ceiling check and
 * the fit), planned up front as plannedCalibrationWork; done never decreases, and the last
 * event (stage "done") has done equal to planned.
 */
export function calibrateScenario(scenario: Scenario, measured: MeasuredArrhenius, options: RunOptions = {}): CalibrationResult {
  if (scenario.lattice === undefined || scenario.species === undefined) throw new InputError("calibrate: the scenario needs a KMC part (lattice, species)");
  if (scenario.species.length !== 1) throw new InputError(`calibrate: one mobile species is fitted at a time; the scenario has ${scenario.species.length}`);
  const onProgress = options.onProgress;
  const fitSolves = plannedCalibrationWork(scenario).network;
  let kmcDone = 0;
  // the KMC at the scenario's own parameters (the morphology enters through the forward map);
  // its events carry the fit's solves in their plan, and its own end is not the calibration's
  const reference = runScenario(referenceScenario(scenario), {
    ...options,
    ...(onProgress !== undefined
      ? {
          onProgress: (_f, stage, p) => {
            kmcDone = p.done.kmc;
            if (stage === "done") return;
            const planned = { ...p.planned, network: p.planned.network + fitSolves };
            onProgress(workFraction(p.done, planned), stage, { ...p, planned });
          },
        }
      : {}),
  });
  const work = new WorkCounter({ ...NO_WORK, kmc: kmcDone, network: fitSolves }, onProgress === undefined ? undefined : (p) => onProgress(workFraction(p.done, p.planned), p.stage, p));
  let stage = "ceiling check";
  work.add("kmc", kmcDone, "building the microstructure");
  const perEvaluation = solvesPerEvaluation(scenario);
  const map = forwardMap(scenario, options);
  const solve = (sigma: number, temperatureK: number): number => {
    const v = map(sigma, temperatureK);
    work.add("network", perEvaluation, `${stage} ${temperatureK} K`);
    return v;
  };
  const forward = scenario.morphology === undefined ? map : tabulatedForward(solve);
  const points = reference.kmc.map((k) => ({
    temperatureK: k.temperatureK,
    referenceSPerCm: k.totalConductivitySPerCm,
    referenceStdErr: k.totalConductivityStdErr,
    measuredSPerCm: arrheniusLine(measured.conductivitySPerCm, measured.referenceTemperatureK, measured.activationEnergyEV, k.temperatureK, measured.form),
    measuredRelativeError: measured.relativeError,
  }));
  // A morphology whose grain boundaries or other phases cap its conductivity may not reach
  // the measurement however conductive the MOF: say so instead of fitting nonsense.
  for (const p of points) {
    const ceiling = forward(p.referenceSPerCm * 1e8, p.temperatureK);
    if (ceiling < p.measuredSPerCm) {
      throw new InputError(
        `calibrate: at ${p.temperatureK} K the ${scenario.morphology?.kind ?? "scenario"} morphology conducts at most ${ceiling.toExponential(3)} S/cm even with an ideally conducting MOF, ` +
          `below the measured ${p.measuredSPerCm.toExponential(3)} S/cm; its grain boundaries, contacts or other phases limit it (lower their resistance)`,
      );
    }
  }
  stage = "fit";
  const fit = fitAttemptAndBarrierShift(points, forward);
  work.close("network");
  work.resend("done");
  const lattice = buildLattice(scenario);
  const model = buildKmcModel(scenario, lattice, scenario.temperaturesK[0]!);
  const sp = model.species[0]!;
  const hop: Record<string, number> = {};
  lattice.hopTypeNames.forEach((h, i) => (hop[h] = sp.hopBarrierEV[i]! + fit.barrierShiftEV));
  const site: Record<string, number | null> = {};
  lattice.siteTypeNames.forEach((t, i) => (site[t] = Number.isFinite(sp.siteEnergyEV[i]!) ? sp.siteEnergyEV[i]! : null));
  return {
    scenario: scenario.name,
    species: sp.name,
    fit,
    referenceAttemptFrequencyHz: sp.attemptFrequencyHz,
    attemptFrequencyHz: sp.attemptFrequencyHz * fit.attemptFrequencyScale,
    hopBarrierEV: hop,
    siteEnergiesEV: site,
    points: points.map((p, i) => ({ temperatureK: p.temperatureK, measuredSPerCm: p.measuredSPerCm, predictedSPerCm: p.measuredSPerCm * fit.ratios[i]! })),
    measured,
  };
}

/**
 * F_T(sigma) tabulated lazily on a grid of log10 sigma with 0.1-decade spacing, per
 * temperature, and interpolated by cubic Hermite splines in log-log with finite-difference
 * slopes: each network solve is done once, and the fit sees a smooth function. The
 * interpolation error (fourth order in the spacing) is far below the measurement's.
 */
function tabulatedForward(solve: (sigma: number, temperatureK: number) => number): (sigma: number, temperatureK: number) => number {
  const step = 0.1;
  const cache = new Map<string, number>();
  const at = (k: number, T: number): number => {
    const key = `${T}:${k}`;
    let v = cache.get(key);
    if (v === undefined) {
      v = Math.log10(Math.max(solve(Math.pow(10, k * step), T), 1e-300));
      cache.set(key, v);
    }
    return v;
  };
  return (sigma, T) => {
    const x = Math.log10(sigma) / step;
    const k = Math.floor(x);
    const t = x - k;
    const y0 = at(k, T), y1 = at(k + 1, T), ym = at(k - 1, T), y2 = at(k + 2, T);
    const m0 = (y1 - ym) / 2, m1 = (y2 - y0) / 2;
    const t2 = t * t, t3 = t2 * t;
    const y = (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * m1;
    return Math.pow(10, y);
  };
}

/**
 * The membrane's effective conductivity as a function of the MOF's at one temperature:
 * realisation 0 of the voxel morphology, or the mean over the realisations of a particle
 * network (they are cheap, and one realisation's scatter would bias the fit).
 */
function forwardMap(scenario: Scenario, options: RunOptions): (sigmaMof: number, temperatureK: number) => number {
  const m = scenario.morphology;
  if (m === undefined) return (sigmaMof) => sigmaMof;
  if (isNetworkDesign(m)) {
    const nets = Array.from({ length: m.realizations }, (_, r) => buildNetworkDesign(scenario, m, r));
    return (sigmaMof, temperatureK) => nets.reduce((a, net) => a + net.solve(temperatureK, sigmaMof).conductivitySPerCm, 0) / nets.length;
  }
  const built = buildMorphology(m, morphologyStream(scenario.seed, 0), options.baseDir ?? process.cwd());
  return (sigmaMof, temperatureK) => solveNetwork(built.grid, networkOptions(m, built.phases, temperatureK, sigmaMof)).conductivitySPerCm;
}
