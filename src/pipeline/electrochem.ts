/**
 * The cell experiments on top of the membrane, at one temperature:
 * 1. Impedance of Li|SE|Li and SS|SE|SS. The AC network is solved on the representative
 *    volume twice: with the electrode interface element (charge transfer R_ct || double
 *    layer C_dl on every conducting voxel face touching an electrode, so a face offering
 *    little MOF gives a constricted, larger interface impedance) and with ideal contacts.
 *    Half their difference is one interface's impedance (contact plus constriction) per
 *    RVE area; the bulk part scales with thickness. For the whole membrane (thickness L,
 *    area A): Z = Z_bulk,RVE (L / L_RVE)(A_RVE / A) + 2 Z_int,RVE (A_RVE / A).
 *    The spectrum is then read as an experimentalist would: an equivalent-circuit fit gives
 *    R_bulk and R_int, and a linear Kramers-Kronig test checks it; the distribution of
 *    relaxation times (analysis/drt.ts) is reported beside it.
 * 2. The membrane's t+ between Li electrodes from two more DC solves: the cation-only
 *    network (each phase at t sigma; the anions held) over the total one.
 * 3. The virtual Evans / Bruce-Vincent experiment: 1D Nernst-Planck through the membrane's
 *    equivalent binary electrolyte (sigma_+ the cation network's, sigma_- the rest; as
 *    diffusivities by Nernst-Einstein), the fixed sulfonate charge, the interface resistance
 *    per side from the fit (plus the constriction onto the Li patches with
 *    cell.lithiumContact), a 10 mV step.
 * 4. Rate capability of Li | SE | LiFePO4 with the membrane's conductivity, t+ and
 *    interfaces; the conductivity's standard error gives a capacity band.
 */
import { impedanceFrequencyCount } from "./progress.js";
import { AVOGADRO_PER_MOL, FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from "../core/constants.js";
import { fitCellSpectrum } from "../analysis/impedance.js";
import { linKK } from "../analysis/kramersKronig.js";
import { distributionOfRelaxationTimes } from "../analysis/drt.js";
import { summarizeEvans } from "../analysis/transference.js";
import { runRateCapability } from "../analysis/rateCapability.js";
import { runEvansExperiment } from "../transport/cell/membrane.js";
import { lithiumContact } from "../transport/cell/lithiumContact.js";
import { LI_EXCHANGE_CURRENT_DENSITY_MA_PER_CM2, nernstEinsteinSaltDiffusivity } from "../transport/cell/electrodeOptions.js";
import { ImpedanceSolver, solveImpedance } from "../transport/network/impedance.js";
import { solveNetwork, type NetworkResult } from "../transport/network/solve.js";
import type { NetworkOptions } from "../transport/network/options.js";
import type { CellSettings, VoxelMorphologySettings } from "../scenario/schema.js";
import { networkOptions, type BuiltMorphology } from "./morphology.js";
import type { CriticalCurrentRow, EvansRow, ImpedanceRow, RateCapabilityRow } from "./results.js";

/**
 * Fixed (framework) charge of the MOF crystal, mol/L of elementary charges, from its mobile
 * ions: electroneutrality makes the framework carry the charge of the ions that compensate
 * it, sum_i z_i n_i / N_A over the KMC species (one Li+ per sulfonate: 48 per (26.9 A)^3 cell,
 * 4.10 mol/L; the sulfonates of the lattice, whatever its constant).
 */
export function fixedChargeMolPerL(species: readonly { readonly charge: number; readonly carrierDensityPerCm3: number }[]): number {
  let perCm3 = 0;
  for (const sp of species) perCm3 += sp.charge * sp.carrierDensityPerCm3;
  return (perCm3 / AVOGADRO_PER_MOL) * 1000;
}
const MOF_LABEL_NAMES = ["mof", "MOF"];

export interface CellInputs {
  readonly morphology: VoxelMorphologySettings;
  readonly built: BuiltMorphology;
  readonly cell: CellSettings;
  readonly temperatureK: number;
  /** KMC conductivity, cation share and fixed charge (mol/L) of the MOF phase at this temperature (if the scenario has a KMC part). */
  readonly mof?: { readonly conductivitySPerCm: number; readonly cationShare: number; readonly fixedChargeMolPerL: number };
  /** Charge number of the mobile cation (Li+ 1, Zn2+ 2; default 1). */
  readonly cationCharge?: number;
  /**
   * A homogenised membrane's Li face (particle networks: design/electrodeFace.ts): the
   * focusing factor of the current at its true contacts (with its standard error over the
   * realisations) and the share of the face the Li touches; absent, the voxel face is solved.
   */
  readonly face?: { readonly focusingFactor: number; readonly focusingStdErr: number | null; readonly contactAreaFraction: number };
  /** Effective conductivity and its standard error at this temperature (from the network stage). */
  readonly effectiveSPerCm: number;
  readonly effectiveStdErr: number;
  /**
   * "reduced" (default): build the spectra from a few solves where that is exact to
   * REDUCED_TOLERANCE (reducedSpectra; checked, else the full grid); "full-grid": one AC solve
   * per frequency and electrode (about twice the time on the paper's interconnected design).
   */
  readonly impedance?: "full-grid" | "reduced";
  /** False: no discharges with one loss removed (default true). */
  readonly lossBreakdown?: boolean;
  /**
   * A DC solve the network stage already made of this grid (pipeline/runScenario.ts): taken
   * for the ideal-contact solve when its options describe the same system (currentDensity and
   * phaseConnectivity aside: what the solve reports, not what it solves), else solved again.
   */
  readonly solvedDc?: SolvedDc;
  /** Work done, as it is done (progress only): AC solves (one per frequency), DC solves, cell runs (Evans, a set of discharges). */
  readonly onWork?: (kind: "network" | "impedance" | "cell", units: number) => void;
}

type OnWork = CellInputs["onWork"];

/** A DC solve of a grid, with the options it was made with. */
export interface SolvedDc {
  readonly grid: BuiltMorphology["grid"];
  readonly options: NetworkOptions;
  readonly result: NetworkResult;
}

/** The options as the solved system sees them: sorted keys, without the two that only choose what is reported. */
function systemKey(options: NetworkOptions): string {
  const { currentDensity: _c, phaseConnectivity: _p, ...rest } = options;
  return JSON.stringify(rest, (_k, v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** Largest relative difference from the full-grid spectrum a reduced spectrum may have (checked where it is largest). */
export const REDUCED_TOLERANCE = 1e-3;

/** Per-RVE bulk and interface impedances (ohm) at each frequency, from either method. */
interface RveSpectra {
  readonly lengthCm: number;
  readonly areaCm2: number;
  readonly bulk: { readonly re: number[]; readonly im: number[] };
  /** One interface's impedance, (Z_with - Z_bulk) / 2. */
  interface(kind: "Li|SE|Li" | "SS|SE|SS"): { re: number[]; im: number[] };
  readonly method: "full-grid" | "reduced";
  /** Reduced: the largest relative difference from the full-grid solve at the checked frequency. */
  readonly checkedRelativeError: number | null;
  /** Reduced: solved exactly at every frequency from this one up (the bulk relaxes there); null when only the top one was. */
  readonly exactAboveHz?: number | null;
}

/** Area-specific impedance (ohm cm^2) of an electrode interface element at f: R || C, R = Infinity for a blocking electrode. */
function elementImpedance(resistanceOhmCm2: number, capacitanceFPerCm2: number, f: number): [number, number] {
  const w = 2 * Math.PI * f;
  if (!Number.isFinite(resistanceOhmCm2)) return [0, -1 / (w * capacitanceFPerCm2)];
  const d = 1 + (w * resistanceOhmCm2 * capacitanceFPerCm2) ** 2;
  return [resistanceOhmCm2 / d, (-w * resistanceOhmCm2 * resistanceOhmCm2 * capacitanceFPerCm2) / d];
}

function interfaceElement(cell: CellSettings, kind: "Li|SE|Li" | "SS|SE|SS"): { resistanceOhmCm2: number; capacitanceFPerCm2: number } {
  return kind === "Li|SE|Li"
    ? { resistanceOhmCm2: cell.chargeTransferOhmCm2, capacitanceFPerCm2: cell.doubleLayerFPerCm2 }
    : { resistanceOhmCm2: Infinity, capacitanceFPerCm2: cell.doubleLayerFPerCm2 };
}

/** One AC solve per frequency: bulk with ideal contacts, and with each electrode's element. */
function fullGridSpectra(built: BuiltMorphology, base: NetworkOptions, freqs: readonly number[], cell: CellSettings, onWork: OnWork): RveSpectra {
  const onFrequency = onWork === undefined ? undefined : (): void => onWork("impedance", 1);
  const bulk = solveImpedance(built.grid, withElectrodes(base, null), freqs, onFrequency);
  const re = Array.from(bulk.realOhm), im = Array.from(bulk.imagOhm);
  return {
    lengthCm: bulk.lengthCm,
    areaCm2: bulk.areaCm2,
    bulk: { re, im },
    interface(kind) {
      const full = solveImpedance(built.grid, withElectrodes(base, interfaceElement(cell, kind)), freqs, onFrequency);
      return { re: freqs.map((_, i) => (full.realOhm[i]! - re[i]!) / 2), im: freqs.map((_, i) => (full.imagOhm[i]! - im[i]!) / 2) };
    },
    method: "full-grid",
    checkedRelativeError: null,
    exactAboveHz: null,
  };
}

/**
 * Spectra from a handful of solves where they are exact to REDUCED_TOLERANCE (the default of
 * every run); where a check fails, the full grid, keeping the frequencies already solved
 * exactly (never more than 3 AC solves per frequency); null without a DC path (the caller's
 * full grid reports it).
 * - Bulk. The impedance of an RC network is analytic in w, Z(w) = R0 - i w A - w^2 B + ...,
 *   its departure from R0 growing with w: in Foster form Z = R_inf + sum_k R_k / (1 + i w tau_k)
 *   (R_k, tau_k > 0), |Re Z - R0| = sum_k R_k w^2 tau_k^2 / (1 + w^2 tau_k^2) grows with w, and
 *   an arc that still sits above w contributes at most R_k / 2 to Im Z at any lower frequency.
 *   So the bulk is solved exactly from the top frequency down until one solve is within
 *   REDUCED_TOLERANCE of the DC resistance R0 (at fs: usually fs = fmax, one solve; a
 *   junction arc just above the window takes a few more); below fs every relaxation of the
 *   bulk lies far above, and Re Z = R0 + (Re Z(fs) - R0)(f/fs)^2, Im Z = Im Z(fs) f/fs (the
 *   expansion to second order) holds to a small fraction of that tolerance. Where more than a
 *   third of the window would need exact solves, the rest of the window is solved too.
 * - Interfaces. With a resistive bulk, every electrode face carries the same area-specific
 *   element z(w), and one interface's impedance is a function of z alone (eliminating the
 *   bulk leaves the admittance sum_k c_k / (p_k + z), c_k > 0, poles on the negative real
 *   axis at the contacts' spreading resistances). Where z is large against those, it is
 *   affine: Z_int(z) = z / A_c + R_sp (A_c the contact area the current uses, R_sp the
 *   spreading into it). Two DC solves with real elements z1 = max|z| and z1 / 1000 give A_c
 *   and R_sp. What the affine law leaves out is Z_int's own pole terms, d_k / (z + q_k) with
 *   d_k, q_k >= 0 (1 / Z_int is a Stieltjes function of z, so Z_int is a complete Bernstein
 *   one). For an R || C element, z = R / (1 + i w R C) runs along a semicircle in the right
 *   half-plane as w falls, and |z + q|^2 = (R^2 + 2 q R) / (1 + (w R C)^2) + q^2 grows
 *   monotonically: every omitted term shrinks towards low frequency. So the interfaces are
 *   solved exactly (both electrodes, by full AC solves) at the same frequencies as the bulk,
 *   from the top down, and the descent stops at the first frequency fs where the bulk is
 *   within the tolerance of R0 and the affine law within it of the exact interfaces (on the
 *   whole cell's impedance); below fs both approximations hold better than at fs. Usually fs
 *   = fmax, one frequency (3 AC solves); a face that offers the current little MOF (a large
 *   spreading resistance against the smallest |z|) takes a few more.
 */
function reducedSpectra(built: BuiltMorphology, base: NetworkOptions, dc: NetworkResult, freqs: readonly number[], cell: CellSettings, thicknessCm: number, onWork: OnWork): RveSpectra | null {
  const r0 = dc.resistanceOhm;
  if (!(Number.isFinite(r0) && r0 > 0)) return null;
  const kinds = ["Li|SE|Li", "SS|SE|SS"] as const;
  // the affine map of the interface from two real elements
  let zMax = 0;
  for (const kind of kinds) {
    const e = interfaceElement(cell, kind);
    for (const f of freqs) zMax = Math.max(zMax, Math.hypot(...elementImpedance(e.resistanceOhmCm2, e.capacitanceFPerCm2, f)));
  }
  const zi = (z: number): number => {
    const r = solveNetwork(built.grid, { ...withElectrodes(base, { resistanceOhmCm2: z, capacitanceFPerCm2: 0 }), currentDensity: false, phaseConnectivity: false }).resistanceOhm;
    onWork?.("network", 1);
    return (r - r0) / 2;
  };
  const z1 = zMax, z2 = zMax / 1000;
  const zi1 = zi(z1), zi2 = zi(z2);
  const slope = (zi1 - zi2) / (z1 - z2), spreading = zi2 - slope * z2;
  const affine = (kind: (typeof kinds)[number], f: number): [number, number] => {
    const e = interfaceElement(cell, kind);
    const [zr, zim] = elementImpedance(e.resistanceOhmCm2, e.capacitanceFPerCm2, f);
    return [spreading + slope * zr, slope * zim];
  };
  // frequencies from the top down, the bulk and both interfaces solved exactly at each until
  // the bulk no longer departs from R0 by more than the tolerance and the affine law of each
  // interface holds to it (the switch frequency fs), the expansion and the affine law below
  const order = freqs.map((_, i) => i).sort((a, b) => freqs[b]! - freqs[a]!);
  const scale = thicknessCm / dc.lengthCm;
  const exactBulk = new Map<number, [number, number]>();
  const exactInterface = new Map<string, [number, number]>();
  // one solver per network, kept down the frequencies (set up once, each solve warm-started)
  const bulkSolver = new ImpedanceSolver(built.grid, withElectrodes(base, null));
  const faceSolvers = kinds.map((kind) => new ImpedanceSolver(built.grid, withElectrodes(base, interfaceElement(cell, kind))));
  // the top frequency first: the bulk nearly resistive there and the double layers nearly
  // shorted, so the ideal-contact DC potentials are close to every one of the three solutions
  for (const solver of [bulkSolver, ...faceSolvers]) solver.startFrom(dc.potentialV, dc.appliedVoltageV);
  /** Solve the bulk and both interfaces exactly at the k-th frequency from the top; the checked error of the affine law there. */
  const solveExactly = (k: number): number => {
    const i = order[k]!, f = freqs[i]!;
    const z = bulkSolver.solve(f);
    onWork?.("impedance", 1);
    const bRe = z.realOhm, bIm = z.imagOhm;
    exactBulk.set(i, [bRe, bIm]);
    // the checked error at f: the affine law against the exact interface, on the whole
    // cell's impedance (bulk scaled to the thickness, two interfaces)
    let w = 0;
    kinds.forEach((kind, j) => {
      const full = faceSolvers[j]!.solve(f);
      onWork?.("impedance", 1);
      const exact: [number, number] = [(full.realOhm - bRe) / 2, (full.imagOhm - bIm) / 2];
      exactInterface.set(`${kind} ${i}`, exact);
      const approx = affine(kind, f);
      const cellRe = bRe * scale + 2 * exact[0], cellIm = bIm * scale + 2 * exact[1];
      w = Math.max(w, (2 * Math.hypot(approx[0] - exact[0], approx[1] - exact[1])) / Math.hypot(cellRe, cellIm));
    });
    return w;
  };
  /** Every frequency solved exactly (the full grid), the ones solved on the way down kept: 3 AC solves per frequency in all. */
  const fullGrid = (from: number): RveSpectra => {
    for (let k = from; k < order.length; k++) solveExactly(k);
    return {
      lengthCm: dc.lengthCm,
      areaCm2: dc.areaCm2,
      bulk: { re: freqs.map((_, i) => exactBulk.get(i)![0]), im: freqs.map((_, i) => exactBulk.get(i)![1]) },
      interface(kind) {
        const parts = freqs.map((_, i) => exactInterface.get(`${kind} ${i}`)!);
        return { re: parts.map((p) => p[0]), im: parts.map((p) => p[1]) };
      },
      method: "full-grid",
      checkedRelativeError: null,
      exactAboveHz: null,
    };
  };
  let fs = NaN, sRe = NaN, sIm = NaN, worst = NaN;
  for (let k = 0; k < order.length; k++) {
    // beyond a third of the window in exact solves, the rest of the window is solved too
    if (k > order.length / 3) return fullGrid(k);
    const w = solveExactly(k);
    const [bRe, bIm] = exactBulk.get(order[k]!)!;
    if (Math.hypot(bRe - r0, bIm) <= REDUCED_TOLERANCE * r0 && w <= REDUCED_TOLERANCE) {
      fs = freqs[order[k]!]!;
      sRe = bRe;
      sIm = bIm;
      worst = w;
      break;
    }
  }
  if (!Number.isFinite(fs)) return fullGrid(order.length);
  const re = freqs.map((f, i) => exactBulk.get(i)?.[0] ?? r0 + (sRe - r0) * (f / fs) ** 2);
  const im = freqs.map((f, i) => exactBulk.get(i)?.[1] ?? sIm * (f / fs));
  return {
    lengthCm: dc.lengthCm,
    areaCm2: dc.areaCm2,
    bulk: { re, im },
    interface(kind) {
      const parts = freqs.map((f, i) => exactInterface.get(`${kind} ${i}`) ?? affine(kind, f));
      return { re: parts.map((p) => p[0]), im: parts.map((p) => p[1]) };
    },
    method: "reduced",
    checkedRelativeError: worst,
    exactAboveHz: exactBulk.size > 1 ? fs : null,
  };
}


export interface CellOutputs {
  readonly impedance: ImpedanceRow[];
  readonly membraneCationShare: number;
  readonly evans: EvansRow | null;
  readonly rateCapability: RateCapabilityRow[];
  readonly interfacialResistanceOhmCm2: number | null;
  readonly criticalCurrent: CriticalCurrentRow | null;
}

function frequencies(c: CellSettings["impedance"]): number[] {
  const n = impedanceFrequencyCount(c);
  return Array.from({ length: n }, (_, i) => c.maxHz * Math.pow(c.minHz / c.maxHz, i / (n - 1)));
}

function withElectrodes(base: NetworkOptions, iface: { resistanceOhmCm2: number; capacitanceFPerCm2: number } | null): NetworkOptions {
  return { ...base, electrodes: iface === null ? { kind: "planes" } : { kind: "planes", interface: iface } };
}

export function runCellExperiments(x: CellInputs): CellOutputs {
  const { morphology: m, built, cell } = x;
  const T = x.temperatureK;
  const base = networkOptions(m, built.phases, T, x.mof?.conductivitySPerCm, "total", x.mof?.cationShare ?? 1);
  const freqs = frequencies(cell.impedance);
  const areaCm2 = Math.PI * (cell.membraneDiameterMm / 20) ** 2;
  const thicknessCm = cell.membraneThicknessUm * 1e-4;

  // the membrane between ideal electrodes, DC: the reduced spectra's low-frequency limit and
  // the total network of the transference step
  const idealOptions: NetworkOptions = { ...withElectrodes(base, null), currentDensity: false, phaseConnectivity: false };
  const kept = x.solvedDc;
  const ideal = kept !== undefined && kept.grid === built.grid && systemKey(kept.options) === systemKey(idealOptions) ? kept.result : solveNetwork(built.grid, idealOptions);
  x.onWork?.("network", 1);

  // --- impedance: bulk (ideal contacts) and with interfaces
  const rve = (x.impedance !== "full-grid" ? reducedSpectra(built, base, ideal, freqs, cell, thicknessCm, x.onWork) : null) ?? fullGridSpectra(built, base, freqs, cell, x.onWork);
  const lengthScale = thicknessCm / rve.lengthCm;
  const areaScale = rve.areaCm2 / areaCm2;
  // the Li foil touches a share f of the face under the stack pressure: the face's interface
  // impedance over f, plus the constriction onto the patches (ohmic, at every frequency)
  const liContact = cell.lithiumContact !== undefined && x.effectiveSPerCm > 0 ? lithiumContact(cell.lithiumContact, x.effectiveSPerCm) : null;
  const contactF = liContact?.contactFraction ?? 1, constrictionOhmCm2 = liContact?.constrictionOhmCm2 ?? 0;
  const spectra: ImpedanceRow[] = [];
  for (const kind of ["Li|SE|Li", "SS|SE|SS"] as const) {
    const face = rve.interface(kind);
    const iface = kind === "Li|SE|Li" && liContact !== null
      ? { re: face.re.map((v) => v / contactF + constrictionOhmCm2 / rve.areaCm2), im: face.im.map((v) => v / contactF) }
      : face;
    const re: number[] = [], im: number[] = [];
    for (let i = 0; i < freqs.length; i++) {
      re.push(areaScale * (rve.bulk.re[i]! * lengthScale + 2 * iface.re[i]!));
      im.push(areaScale * (rve.bulk.im[i]! * lengthScale + 2 * iface.im[i]!));
    }
    const spectrum = { frequenciesHz: freqs, realOhm: re, imagOhm: im };
    const fit = fitCellSpectrum(spectrum, kind);
    // A model spectrum has no noise, so the mu criterion (made against fitting noise) is
    // not needed: M = the number of frequencies, the tau range one decade wider than the
    // window at each end so relaxations just outside it are followed.
    const kk = linKK(spectrum, { elements: freqs.length, extendDecades: 1, capacitance: kind === "SS|SE|SS" });
    const drt = distributionOfRelaxationTimes(spectrum, { capacitance: kind === "SS|SE|SS" });
    spectra.push({
      temperatureK: T,
      cell: kind,
      frequenciesHz: freqs,
      realOhm: re,
      imagOhm: im,
      // the electrolyte's resistance as an experimentalist reports it: the high-frequency
      // intercept plus a grain-boundary arc when the fit resolves one
      bulkResistanceOhm: fit.bulkResistanceOhm + (fit.grainBoundaryResistanceOhm ?? 0),
      bulkResistanceStdErr: Math.hypot(fit.bulkResistanceStdErr, fit.grainBoundaryResistanceStdErr ?? 0),
      grainBoundaryResistanceOhm: fit.grainBoundaryResistanceOhm,
      interfacialResistanceOhm: fit.interfacialResistanceOhm,
      interfacialResistanceStdErr: fit.interfacialResistanceStdErr,
      circuit: fit.fit.circuit,
      circuitParameters: { ...fit.fit.parameters },
      kramersKronig: { pass: kk.pass, maxResidual: kk.maxAbsResidual },
      ...(kind === "Li|SE|Li" && liContact !== null ? { lithiumContactFraction: contactF, lithiumConstrictionOhmCm2: constrictionOhmCm2 } : {}),
      ...(rve.method === "reduced" ? { spectrumMethod: rve.method, reducedCheckRelativeError: rve.checkedRelativeError!, ...(rve.exactAboveHz != null ? { exactAboveHz: rve.exactAboveHz } : {}) } : {}),
      drt: {
        tauS: Array.from(drt.tauS),
        gammaOhm: Array.from(drt.gammaOhm),
        highFrequencyResistanceOhm: drt.highFrequencyResistanceOhm,
        polarizationResistanceOhm: drt.polarizationResistanceOhm,
        peaks: drt.peaks,
        lambda: drt.lambda,
        criterion: drt.criterion,
        residualRms: drt.residualRms,
      },
    });
  }
  const li = spectra[0]!;
  // area-specific resistance of one interface, as read from the fitted spectrum
  const rIntOhmCm2 = li.interfacialResistanceOhm === null ? null : (li.interfacialResistanceOhm * areaCm2) / 2;

  // --- the membrane's transference number between Li electrodes: the field switched on, all
  // ions move (the total network); at steady state the anions are held everywhere (the
  // electrodes block them, and no anion crosses into a phase where they are fixed), so the Li
  // current is that of the cation-only network, each phase at t sigma (the Onsager diagonal
  // of a dilute electrolyte; Bruce and Vincent 1987 for one phase). The homogeneous binary
  // electrolyte that has both limits, sigma_+ = sigma_cation-network and sigma_- = sigma -
  // sigma_+, is what the Evans simulation and the cell see: its initial current is the
  // impedance's, its steady current the network's (both exact for small signals). Both
  // between ideal electrodes: the interfaces are the Evans simulation's own elements
  const cation = solveNetwork(built.grid, { ...withElectrodes(networkOptions(m, built.phases, T, x.mof?.conductivitySPerCm, "cation", x.mof?.cationShare ?? 1), null), currentDensity: false, phaseConnectivity: false }).conductivitySPerCm;
  x.onWork?.("network", 1);
  const total = ideal.conductivitySPerCm;
  // the cation network never carries more than the total (Thomson's principle: its
  // conductances are no larger bond by bond); rounding aside
  const anion = Math.max(0, total - cation);
  const share = total > 0 ? Math.min(1, cation / total) : 1;

  // --- Evans / Bruce-Vincent
  let evans: EvansRow | null = null;
  const mofFraction = built.phases
    .filter((p) => MOF_LABEL_NAMES.includes(p.name) || p.conductivitySPerCm === undefined)
    .reduce((a, p) => a + countLabel(built, p.label), 0) / built.grid.phase.length;
  const fixed = cell.fixedChargeMolPerL ?? (x.mof?.fixedChargeMolPerL ?? 0) * mofFraction;
  if (cation > 0) {
    const F = FARADAY_C_PER_MOL, RT = GAS_CONSTANT_J_PER_MOL_K * T;
    const salt = cell.saltMolPerL, z = x.cationCharge ?? 1;
    // electroneutrality z c+ = X + c- (X in mol/L of elementary charges; salt = the anion's concentration)
    const cPlus = ((fixed + salt) / z) * 1e-3; // mol/cm3
    const cMinus = salt * 1e-3;
    // Nernst-Einstein: sigma_i = F^2 z_i^2 D_i c_i / RT
    const dPlus = (cation * RT) / (F * F * z * z * cPlus);
    const dMinus = cMinus > 0 ? (anion * RT) / (F * F * cMinus) : 0;
    const result = runEvansExperiment({
      thicknessUm: cell.membraneThicknessUm,
      areaCm2,
      fixedChargeMolPerL: fixed,
      saltMolPerL: salt,
      cationCharge: z,
      cationDiffusivityCm2PerS: dPlus,
      anionDiffusivityCm2PerS: dMinus,
      // the constriction onto the Li patches is ohmic: in series with each interface
      interfaceResistanceOhmCm2: (rIntOhmCm2 ?? 0) + constrictionOhmCm2,
      temperatureK: T,
      stepVoltageV: cell.evans.stepVoltageV,
      time: { endTimeS: cell.evans.durationS },
    });
    x.onWork?.("cell", 1);
    const s = summarizeEvans(result);
    evans = { stepVoltageV: s.stepVoltageV, I0: s.I0, Iss: s.Iss, R0: s.R0, Rss: s.Rss, tPlus: s.tPlus, polarizationS: result.timeS[result.timeS.length - 1]! };
  }

  // --- critical current density: the current focuses on the true contacts of the Li face
  let critical: CriticalCurrentRow | null = null;
  const iCrit = cell.criticalLocalCurrentDensityMAPerCm2;
  if (iCrit !== undefined) {
    let focusing: number;
    if (x.face !== undefined) {
      focusing = x.face.focusingFactor;
    } else {
      const dc = solveNetwork(built.grid, { ...withElectrodes(base, { resistanceOhmCm2: cell.chargeTransferOhmCm2, capacitanceFPerCm2: 0 }), currentDensity: true, phaseConnectivity: false });
      x.onWork?.("network", 1);
      focusing = faceFocusing(dc.currentDensityACm2!, built.grid.shape);
    }
    // the Li touches a share f of the face: its patches carry the current 1/f more densely
    focusing /= contactF;
    critical = {
      temperatureK: T,
      focusingFactor: focusing,
      ...(liContact !== null ? { lithiumContactFraction: contactF } : {}),
      ...(x.face !== undefined ? { ...(x.face.focusingStdErr !== null ? { focusingFactorStdErr: x.face.focusingStdErr } : {}), contactAreaFraction: x.face.contactAreaFraction } : {}),
      criticalLocalCurrentDensityMAPerCm2: iCrit,
      criticalCurrentDensityMAPerCm2: Number.isFinite(focusing) ? iCrit / focusing : 0,
    };
  }

  // --- rate capability, with a band from the conductivity's standard error
  const rate: RateCapabilityRow[] = [];
  if (cell.rateCapability !== undefined && x.effectiveSPerCm > 0) {
    const rc = cell.rateCapability;
    const liquid = rc.cathodeElectrolyte;
    const tSep = Math.max(1e-6, Math.min(1, share));
    // the concentration in the cathode's liquid sets the LiFePO4 kinetics and the diffusion
    // potential; a membrane with a mobile salt keeps its own salt diffusivity (Nernst-Einstein
    // at its own concentration), a single-ion membrane has none
    const sepSalt = cell.saltMolPerL > 0 ? cell.saltMolPerL : liquid.saltMolPerL;
    // the Li | SE interface, counted once: the resistance read off the Li|SE|Li spectrum enters
    // as a symmetric Butler-Volmer element with that linear resistance, i0 = R T / (F R_int)
    const RT_F = (GAS_CONSTANT_J_PER_MOL_K * T) / FARADAY_C_PER_MOL;
    const rLi = rIntOhmCm2 ?? 0;
    // `ideal` removes one loss (its resistance or diffusion time 1000 times smaller)
    const IDEAL = 1e3;
    type Loss = "membrane" | "interfaces" | "cathodeElectrolyte" | "solidDiffusion";
    const run = (sigma: number, ideal?: Loss) => {
      const s = ideal === "membrane" ? sigma * IDEAL : sigma;
      const i0 = rLi > 0 ? (RT_F / rLi) * 1e3 : LI_EXCHANGE_CURRENT_DENSITY_MA_PER_CM2;
      const discharges = runRateCapability(
        {
          separator: {
            conductivitySPerCm: s,
            transferenceNumber: tSep,
            thicknessUm: cell.membraneThicknessUm,
            saltConcentrationMolPerL: liquid.saltMolPerL,
            saltDiffusivityCm2PerS: tSep < 1 ? nernstEinsteinSaltDiffusivity(s, tSep, sepSalt * 1e-3, T) : 0,
          },
          cathode: {
            loadingMgPerCm2: rc.loadingMgPerCm2,
            particleRadiusNm: rc.cathode.particleRadiusNm,
            porosity: rc.cathode.porosity,
            solidDiffusivityCm2PerS: rc.cathode.solidDiffusivityCm2PerS * (ideal === "solidDiffusion" ? IDEAL : 1),
            poreElectrolyte: {
              conductivitySPerCm: liquid.conductivitySPerCm * (ideal === "cathodeElectrolyte" ? IDEAL : 1),
              transferenceNumber: liquid.transferenceNumber,
              saltDiffusivityCm2PerS: liquid.saltDiffusivityCm2PerS * (ideal === "cathodeElectrolyte" ? IDEAL : 1),
            },
          },
          interfaces: {
            anodeResistanceOhmCm2: ideal === "interfaces" ? 0 : constrictionOhmCm2,
            lithiumExchangeCurrentDensityMAPerCm2: ideal === "interfaces" ? i0 * IDEAL : i0,
            cathodeResistanceOhmCm2: ideal === "interfaces" ? 0 : rc.cathodeInterfaceOhmCm2,
          },
          temperatureK: T,
        },
        { cRates: rc.cRates, cutoffVoltageV: rc.cutoffVoltageV, curvePoints: 41 },
      );
      x.onWork?.("cell", 1);
      return discharges;
    };
    const mid = run(x.effectiveSPerCm);
    const se = x.effectiveStdErr;
    const lo = se > 0 ? run(Math.max(x.effectiveSPerCm - se, x.effectiveSPerCm * 0.05)) : null;
    const hi = se > 0 ? run(x.effectiveSPerCm + se) : null;
    // what limits the design: the capacity with each loss removed in turn
    const without = x.lossBreakdown === false ? [] : (["membrane", "interfaces", "cathodeElectrolyte", "solidDiffusion"] as const).map((loss) => [loss, run(x.effectiveSPerCm, loss)] as const);
    mid.rows.forEach((row, i) => {
      const band = lo !== null && hi !== null ? Math.abs(hi.rows[i]!.dischargeCapacityMAhPerG - lo.rows[i]!.dischargeCapacityMAhPerG) / 2 : undefined;
      rate.push({
        cRate: row.cRate,
        dischargeCapacityMAhPerG: row.dischargeCapacityMAhPerG,
        ...(band !== undefined ? { dischargeCapacityStdErr: band } : {}),
        ...(without.length > 0 ? { capacityWithoutLossMAhPerG: Object.fromEntries(without.map(([loss, r]) => [loss, r.rows[i]!.dischargeCapacityMAhPerG])) as RateCapabilityRow["capacityWithoutLossMAhPerG"] & object } : {}),
        currentDensityMAPerCm2: mid.discharges[i]!.currentDensityMAPerCm2,
        ...(critical !== null ? { exceedsCriticalCurrent: mid.discharges[i]!.currentDensityMAPerCm2 > critical.criticalCurrentDensityMAPerCm2 } : {}),
        capacityMAhPerG: Array.from(mid.curves[i]!.capacityMAhPerG),
        voltageV: Array.from(mid.curves[i]!.voltageV),
      });
    });
  }
  return { impedance: spectra, membraneCationShare: share, evans, rateCapability: rate, interfacialResistanceOhmCm2: rIntOhmCm2, criticalCurrent: critical };
}

/**
 * Current focusing on the x = 0 face: F = N sum j_v^2 / (sum j_v)^2 over its N voxels (the
 * current-weighted mean of the local current density over its geometric mean; 1/f when a
 * fraction f of the face carries the current uniformly). Infinity when no current flows.
 */
export function faceFocusing(currentDensity: Float32Array, shape: readonly [number, number, number]): number {
  const [nx, ny, nz] = shape;
  let s1 = 0, s2 = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const j = currentDensity[nx * (y + ny * z)]!;
      s1 += j;
      s2 += j * j;
    }
  }
  return s1 > 0 ? (ny * nz * s2) / (s1 * s1) : Infinity;
}

function countLabel(built: BuiltMorphology, label: number): number {
  let n = 0;
  const p = built.grid.phase;
  for (let i = 0; i < p.length; i++) if (p[i] === label) n++;
  return n;
}
