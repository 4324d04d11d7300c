/**
 * Scenario -> voxel microstructure -> network solve at one temperature.
 * Phase conductivities are given (with an optional Arrhenius temperature dependence) or,
 * for the phase that gives none (the MOF), taken from the KMC result at that temperature.
 */
import { totalmem } from "node:os";
import { resolve } from "node:path";
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import { ResourceError, ScenarioError } from "../core/errors.js";
import { createStream, type RandomStream } from "../core/rng.js";

/** The random stream of morphology realisation r: every stage that rebuilds a realisation uses this name. */
export function morphologyStream(seed: number, realization: number): RandomStream {
  return createStream(seed, "morphology", realization);
}
import { randomVoxels } from "../structure/voxel/generate.js";
import type { VoxelGrid } from "../structure/voxel/grid.js";
import { readRawVoxels } from "../structure/voxel/raw.js";
import { checkCrop, readImageHeader, readImageVolume } from "../structure/voxel/image.js";
import { turnEdges, turnToAxis } from "../structure/voxel/grid.js";
import { coatedFibres, grownOnFibres, particlesInPolymer, particlesWithFibres, pellet, PHASE_NAMES } from "../structure/morphology/index.js";
import type { MorphologyStats } from "../structure/morphology/index.js";
import type { AreaElement, ElectrodeModel, NetworkOptions, NetworkPhase } from "../transport/network/options.js";
import { solveNetwork, type NetworkResult } from "../transport/network/solve.js";
import { networkMemoryBytes, PROCESS_BYTES, type NetworkMemoryOptions } from "../transport/network/memory.js";
import { fieldSlice } from "../transport/network/fields.js";
import { isNetworkDesign, type MorphologySettings, type VoxelMorphologySettings } from "../scenario/schema.js";

export interface PhaseSpec {
  readonly label: number;
  readonly name: string;
  readonly conductivitySPerCm?: number | undefined;
  readonly activationEnergyEV?: number | undefined;
  readonly referenceTemperatureK?: number | undefined;
  readonly relativePermittivity?: number | undefined;
  readonly transferenceNumber?: number | undefined;
}

/** Which carriers' conductivity the network carries: all, or only cations or anions (partial conductivities). */
export type Carrier = "total" | "cation" | "anion";

export interface BuiltMorphology {
  readonly grid: VoxelGrid;
  readonly phases: readonly PhaseSpec[];
  /** Realised fractions and counts (design generators). */
  readonly stats?: MorphologyStats;
  /**
   * The same realisation on voxels twice as large, from its geometry (fibre axes and
   * coating reach) rather than from the random stream again, for generators whose draws
   * depend on the grid (absent otherwise: rebuilding from the stream gives the same geometry).
   */
  readonly coarseTwin?: () => BuiltMorphology;
}

/** The scenario's options without the keys that are not the generator's. */
function generatorOptions<T extends { kind: string; phases: unknown; grainBoundary?: unknown; electrodes?: unknown; realizations: number; tolerance: number }>(m: T) {
  const { kind: _k, phases: _p, grainBoundary: _g, electrodes: _e, realizations: _r, tolerance: _t, ...rest } = m;
  return rest;
}

/** Phase specs of a design generator: every label it produced gets the scenario's properties by name. */
function designPhases(m: Extract<MorphologySettings, { kind: "pellet" | "particles-in-polymer" | "particles-with-fibres" | "grown-on-fibres" }>, labels: readonly { label: number }[]): PhaseSpec[] {
  return labels.map(({ label }) => {
    const name = PHASE_NAMES[label]!;
    const props = m.phases.find((p) => p.name === name);
    if (props === undefined) {
      throw new ScenarioError("morphology.phases", `the ${m.kind} morphology has a '${name}' phase; give its properties (conductivitySPerCm, or none for the KMC's MOF)`);
    }
    return { ...props, label };
  });
}

/**
 * The solve whose memory guards a voxel morphology (transport/network/memory.ts): the lean
 * DC path where it applies (no grain-boundary element, no-flux sides), the stored DC path
 * otherwise, the AC path when cell experiments run impedance solves on the grid (`ac`).
 * Design generators write grain ids (resident); random, raw and image grids do not.
 */
export function morphologyMemoryOptions(m: VoxelMorphologySettings, ac = false): NetworkMemoryOptions {
  const gb = "grainBoundary" in m && m.grainBoundary !== undefined && m.grainBoundary.resistanceOhmCm2 > 0;
  const periodic = m.kind === "image" && m.sides === "periodic";
  return {
    path: ac ? "ac" : gb || periodic ? "stored" : "lean",
    // the cell's reduced spectra keep the bulk's and both electrodes' AC solvers alive
    ...(ac ? { acSolvers: 3 } : {}),
    voxelLayers: m.electrodes?.kind === "voxel-layers",
    periodic,
    grains: m.kind !== "random-voxels" && m.kind !== "raw" && m.kind !== "image",
    conductingLabels: m.phases.length,
    gridCopies: m.kind === "image" && m.axis !== "x" ? 1 : 0,
  };
}

/**
 * Refuse, before allocating, a voxel grid whose solve would not fit in memory. An image's
 * shape comes from its file: `buildMorphology` checks it from the header (checkVoxelMemory).
 */
export function checkMorphologyMemory(m: MorphologySettings, workers = 1, ac = false): void {
  if (isNetworkDesign(m) || m.kind === "image") return; // a particle network: a few MB
  checkVoxelMemory(m.shape, "morphology.shape", workers, morphologyMemoryOptions(m, ac));
}

/**
 * Refuse a grid of `shape` whose solve (networkMemoryBytes of the path `o`, plus the
 * process) would need more than 80 % of the memory (per worker).
 */
export function checkVoxelMemory(shape: readonly [number, number, number], field: string, workers = 1, o: NetworkMemoryOptions = { path: "lean" }): void {
  const voxels = shape[0] * shape[1] * shape[2];
  const need = PROCESS_BYTES + networkMemoryBytes(shape, o);
  const have = (0.8 * totalmem()) / workers;
  if (need > have) {
    throw new ResourceError(
      `${field}: [${shape.join(", ")}] is ${voxels.toExponential(2)} voxels, about ${(need / 2 ** 30).toFixed(1)} GiB to solve (${o.path} path); ` +
        `this machine allows ${(have / 2 ** 30).toFixed(1)} GiB${workers > 1 ? ` per worker (${workers} workers)` : ""}`,
    );
  }
}

type ImageSettings = Extract<VoxelMorphologySettings, { kind: "image" }>;

/** Voxel edges [x, y, z] of the grid the solver sees, nm (an image's turned to its transport axis). */
export function voxelEdgesNm(m: VoxelMorphologySettings): number | [number, number, number] {
  if (m.kind !== "image") return m.voxelNm;
  return typeof m.voxelNm === "number" ? m.voxelNm : turnEdges(m.voxelNm, m.axis);
}

/**
 * A label image as the solver's grid: header checks, crop, labels -> phases (phase i of the
 * table is grid label i), the transport axis turned to x. Every check runs before the
 * grid is allocated (structure/voxel/image.ts).
 */
export function buildImage(m: ImageSettings, baseDir: string, ac = false): BuiltMorphology {
  const header = readImageHeader(resolve(baseDir, m.file));
  const crop = checkCrop(header.shape, m.crop, "morphology.crop");
  checkVoxelMemory([crop.to[0] - crop.from[0], crop.to[1] - crop.from[1], crop.to[2] - crop.from[2]], `morphology.file (${header.shape.join(" x ")} voxels${m.crop !== undefined ? ", cropped" : ""})`, 1, morphologyMemoryOptions(m, ac));
  const phaseOfLabel = new Map<number, number>();
  m.phases.forEach((p, i) => {
    for (const l of typeof p.label === "number" ? [p.label] : p.label) phaseOfLabel.set(l, i);
  });
  const { grid } = readImageVolume(header, { phaseOfLabel, crop, cropField: "morphology.crop" });
  return { grid: turnToAxis(grid, m.axis), phases: m.phases.map((p, i) => ({ ...p, label: i })) };
}

/** Build realisation `realization` of the scenario's voxel morphology. */
export function buildMorphology(m: VoxelMorphologySettings, stream: RandomStream, baseDir: string, ac = false): BuiltMorphology {
  checkMorphologyMemory(m);
  switch (m.kind) {
    case "random-voxels": {
      const grid = randomVoxels(m.shape, m.phases.map((p) => p.fraction), stream);
      return { grid, phases: m.phases.map((p, label) => ({ ...p, label })) };
    }
    case "raw": {
      const grid = readRawVoxels(resolve(baseDir, m.file), m.shape);
      return { grid, phases: m.phases };
    }
    case "image":
      return buildImage(m, baseDir, ac);
    case "pellet": {
      const g = pellet(strip(generatorOptions(m)), stream);
      return { grid: g.grid, phases: designPhases(m, g.phases), stats: g.stats };
    }
    case "particles-in-polymer": {
      const g = particlesInPolymer(strip(generatorOptions(m)), stream);
      return { grid: g.grid, phases: designPhases(m, g.phases), stats: g.stats };
    }
    case "particles-with-fibres": {
      const g = particlesWithFibres(strip(generatorOptions(m)), stream);
      return { grid: g.grid, phases: designPhases(m, g.phases), stats: g.stats };
    }
    case "grown-on-fibres": {
      const g = grownOnFibres(strip(generatorOptions(m)), stream);
      const coarseTwin = (): BuiltMorphology => {
        const c = coatedFibres({
          shape: [Math.floor(m.shape[0] / 2), Math.floor(m.shape[1] / 2), Math.floor(m.shape[2] / 2)],
          voxelNm: 2 * m.voxelNm,
          axesNm: g.fibres.axesNm,
          fibreDiameterNm: g.fibres.diameterNm,
          coatingThicknessNm: g.stats.coatingReachNm,
          ...(m.mofDensityGPerCm3 !== undefined ? { mofDensityGPerCm3: m.mofDensityGPerCm3 } : {}),
          ...(m.fibreDensityGPerCm3 !== undefined ? { fibreDensityGPerCm3: m.fibreDensityGPerCm3 } : {}),
        });
        return { grid: c.grid, phases: designPhases(m, c.phases), stats: c.stats };
      };
      return { grid: g.grid, phases: designPhases(m, g.phases), stats: g.stats, coarseTwin };
    }
  }
}

/** Drop keys whose value is undefined (zod's optional outputs) for exactOptionalPropertyTypes. */
function strip<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** A value at T from its value at T_ref and an activation energy: sign +1 for a conductivity, -1 for a resistance. */
export function arrhenius(valueAtRef: number, activationEnergyEV: number | undefined, referenceK: number | undefined, temperatureK: number, sign: 1 | -1): number {
  if (activationEnergyEV === undefined || activationEnergyEV === 0) return valueAtRef;
  const tRef = referenceK ?? 298.15;
  return valueAtRef * Math.exp(((sign * activationEnergyEV) / BOLTZMANN_EV_PER_K) * (1 / tRef - 1 / temperatureK));
}

function element(e: Exclude<VoxelMorphologySettings, ImageSettings>["grainBoundary"], temperatureK: number): AreaElement | undefined {
  if (e === undefined) return undefined;
  // a resistance grows on cooling: R(T) = R_ref exp(+Ea/kB (1/T - 1/T_ref))
  const r = arrhenius(e.resistanceOhmCm2, e.activationEnergyEV, e.referenceTemperatureK, temperatureK, -1);
  return { resistanceOhmCm2: r, ...(e.capacitanceFPerCm2 !== undefined ? { capacitanceFPerCm2: e.capacitanceFPerCm2 } : {}) };
}

/**
 * The cation transference number of phase i: the KMC's cation share for the MOF phase (the
 * phase without a given conductivity; 1 when the KMC moves only cations, because the
 * framework's sulfonates that balance them are fixed), the phase's own for a phase given
 * with a conductivity. A phase that conducts must state it: no default makes a phase a
 * single-ion conductor.
 */
export function phaseCationShare(p: PhaseSpec, i: number, mofCationShare: number): number {
  if (p.conductivitySPerCm === undefined) return mofCationShare;
  if (p.transferenceNumber !== undefined) return p.transferenceNumber;
  if (p.conductivitySPerCm === 0) return 0;
  throw new ScenarioError(
    `morphology.phases.${i}.transferenceNumber`,
    `missing for phase "${p.name}", which conducts (${p.conductivitySPerCm} S/cm); give its cation transference number in [0, 1] (1 for a single-ion conductor whose anions are fixed, e.g. a sulfonated framework; a LiPF6/carbonate liquid about 0.38; a salt-in-polymer gel 0.2-0.5)`,
  );
}

/** phaseCationShare of every phase, by voxel label (256 entries). */
export function cationSharesByLabel(phases: readonly PhaseSpec[], mofCationShare: number): Float64Array {
  const out = new Float64Array(256);
  phases.forEach((p, i) => { out[p.label] = phaseCationShare(p, i, mofCationShare); });
  return out;
}

/**
 * Network options at one temperature. `mofSPerCm` is the KMC conductivity for the phase
 * without a given one (undefined when there is no KMC part).
 */
export function networkOptions(
  m: VoxelMorphologySettings,
  phases: readonly PhaseSpec[],
  temperatureK: number,
  mofSPerCm: number | undefined,
  carrier: Carrier = "total",
  mofCationShare = 1,
): NetworkOptions {
  const net: NetworkPhase[] = phases.map((p, i) => {
    let sigma: number;
    let share: number;
    if (p.conductivitySPerCm !== undefined) {
      sigma = arrhenius(p.conductivitySPerCm, p.activationEnergyEV, p.referenceTemperatureK, temperatureK, 1);
      share = carrier === "total" ? 1 : phaseCationShare(p, i, mofCationShare);
    } else if (mofSPerCm !== undefined) {
      sigma = mofSPerCm;
      share = mofCationShare;
    } else throw new ScenarioError(`morphology.phases.${i}.conductivitySPerCm`, "no value, and no KMC part to compute it");
    if (carrier === "cation") sigma *= share;
    else if (carrier === "anion") sigma *= 1 - share;
    return { label: p.label, name: p.name, conductivitySPerCm: sigma, ...(p.relativePermittivity !== undefined ? { relativePermittivity: p.relativePermittivity } : {}) };
  });
  const gb = element("grainBoundary" in m ? m.grainBoundary : undefined, temperatureK);
  const iface = element(m.electrodes?.interface, temperatureK);
  const electrodes: ElectrodeModel =
    m.electrodes?.kind === "voxel-layers" ? { kind: "voxel-layers" } : { kind: "planes", ...(iface !== undefined ? { interface: iface } : {}) };
  return {
    phases: net,
    voxelNm: voxelEdgesNm(m),
    ...(m.kind === "image" ? { sides: m.sides } : {}),
    ...(gb !== undefined ? { grainBoundary: gb } : {}),
    electrodes,
    tolerance: m.tolerance,
    currentDensity: false,
  };
}

/**
 * One DC solve of realisation 0 with its fields on every voxel: the grid as the solver sees
 * it (current along x; an image turned from its `axis` by a cyclic permutation), the
 * potential (V, with 1 V across the sample; NaN on voxels outside the current-carrying
 * clusters) and |j| (A/cm2 at that voltage; 0 where no current flows). Both scale
 * linearly with the voltage.
 */
export interface VoxelFields {
  readonly temperatureK: number;
  readonly shape: readonly [number, number, number];
  /** Voxel edges along x, y, z, nm. */
  readonly voxelNm: readonly [number, number, number];
  readonly phase: Uint8Array;
  readonly grain: Int32Array;
  /** The phase of each label present. */
  readonly phases: readonly { readonly label: number; readonly name: string }[];
  readonly appliedVoltageV: number;
  readonly potentialV: Float64Array;
  readonly currentDensityACm2: Float32Array;
  /** The effective conductivity of this solve, S/cm. */
  readonly conductivitySPerCm: number;
}

/** The temperature nearest 298.15 K of a list (the fields' and the page's temperature). */
export function nearestRoomTemperature(temps: readonly number[]): number {
  if (temps.length === 0) throw new ScenarioError("temperaturesK", "no temperature to solve at");
  return temps.reduce((a, b) => (Math.abs(b - 298.15) < Math.abs(a - 298.15) ? b : a));
}

export function voxelFields(m: VoxelMorphologySettings, seed: number, baseDir: string, temperatureK: number, mofSPerCm: number | undefined): VoxelFields {
  const built = buildMorphology(m, morphologyStream(seed, 0), baseDir);
  const options = { ...networkOptions(m, built.phases, temperatureK, mofSPerCm), currentDensity: true, phaseConnectivity: false };
  return fieldsOfSolve(m, built, temperatureK, options, solveNetwork(built.grid, options));
}

/**
 * The fields of realisation 0 from a solve already made (the network stage's at that
 * temperature, with currentDensity on: pipeline/runScenario.ts RunOptions.onRealisation0);
 * what voxelFields returns for the same grid and options.
 */
export function fieldsOfSolve(m: VoxelMorphologySettings, built: BuiltMorphology, temperatureK: number, options: NetworkOptions, result: NetworkResult): VoxelFields {
  const n = built.grid.phase.length;
  const edges = voxelEdgesNm(m);
  return {
    temperatureK,
    shape: built.grid.shape,
    voxelNm: typeof edges === "number" ? [edges, edges, edges] : edges,
    phase: built.grid.phase,
    grain: built.grid.grain,
    phases: built.phases.map((p) => ({ label: p.label, name: p.name })),
    appliedVoltageV: options.appliedVoltageV ?? 1,
    potentialV: result.potentialV,
    currentDensityACm2: result.currentDensityACm2 ?? new Float32Array(n),
    conductivitySPerCm: result.conductivitySPerCm,
  };
}

/** The current-density magnitude on the middle z-slice of solved fields (A/cm2 at 1 V). */
export interface CurrentSlice {
  readonly temperatureK: number;
  readonly values: Float32Array;
  readonly nx: number;
  readonly ny: number;
  /** Voxel edge, nm, for the plot's scale (absent for anisotropic voxels: the plot counts voxels). */
  readonly voxelNm?: number;
}

/** |j| on the middle z-slice of solved fields. */
export function middleZSlice(f: VoxelFields): CurrentSlice {
  const [nx, ny, nz] = f.shape;
  const values = fieldSlice(f.currentDensityACm2, f.shape, "z", Math.floor(nz / 2)).values;
  const [hx, hy, hz] = f.voxelNm;
  return { temperatureK: f.temperatureK, values, nx, ny, ...(hx === hy && hy === hz ? { voxelNm: hx } : {}) };
}

/** The same realisation on voxels twice as large (half the voxels along each side), for a refinement estimate. */
/** Most voxels a refinement estimate builds (voxels half as large: 8 times as many). */
export const REFINED_MAX_VOXELS = 4_194_304;

/** The design on voxels half as large (twice as many per side), or null for a raw file, an image or beyond REFINED_MAX_VOXELS. */
export function refinedTwin(m: VoxelMorphologySettings): VoxelMorphologySettings | null {
  if (m.kind === "raw" || m.kind === "image") return null;
  const shape = m.shape.map((n) => 2 * n) as [number, number, number];
  if (shape[0] * shape[1] * shape[2] > REFINED_MAX_VOXELS) return null;
  return { ...m, shape, voxelNm: m.voxelNm / 2 };
}

export function coarsened(m: VoxelMorphologySettings): VoxelMorphologySettings | null {
  if (m.kind === "raw" || m.kind === "image") return null;
  const shape = m.shape.map((n) => Math.floor(n / 2)) as [number, number, number];
  if (shape.some((n) => n < 4)) return null;
  return { ...m, shape, voxelNm: 2 * m.voxelNm };
}
