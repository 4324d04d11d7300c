/** The results object (DESIGN.md "Results"): field names fixed, units in names. */
export interface TransportRow {
  readonly temperatureK: number;
  readonly species: string;
  readonly tracerDiffusivityCm2PerS: number;
  readonly tracerDiffusivityStdErr: number;
  readonly chargeDiffusivityCm2PerS: number;
  readonly chargeDiffusivityStdErr: number;
  readonly havenRatio: number;
  readonly havenRatioStdErr: number;
  readonly carrierDensityPerCm3: number;
  readonly conductivitySPerCm: number;
  readonly conductivityStdErr: number;
  readonly partialConductivitySPerCm: number;
  readonly driftConductivitySPerCm?: number;
  readonly driftConductivityStdErr?: number;
  readonly siteOccupancy: Readonly<Record<string, number>>;
}

/** The virtual Evans / Bruce-Vincent experiment (currents in A, resistances in ohm). */
export interface EvansRow {
  readonly stepVoltageV: number;
  readonly I0: number;
  readonly Iss: number;
  readonly R0: number;
  readonly Rss: number;
  readonly tPlus: number;
  readonly tPlusStdErr?: number;
  readonly polarizationS: number;
}

export interface TransferenceRow {
  readonly temperatureK: number;
  /** The cation's share of the current (KMC with cross terms, or the membrane's partial conductivities). */
  readonly cation: number;
  readonly cationStdErr: number;
  /**
   * The membrane's t+ between Li electrodes at steady state (small signal, no interfaces): the
   * cation-only network (each phase at t sigma; the anions held) over the total network. One
   * phase: its t; parallel and series composites: their exact Bruce-Vincent values
   * (test/physics/partial-conductivities.test.ts).
   */
  readonly membraneCation?: number;
  readonly evans?: EvansRow;
}

export interface ImpedanceRow {
  readonly temperatureK: number;
  readonly cell: "Li|SE|Li" | "SS|SE|SS";
  readonly frequenciesHz: readonly number[];
  readonly realOhm: readonly number[];
  readonly imagOhm: readonly number[];
  /**
   * Read off the spectrum by an equivalent-circuit fit, as an experimentalist would: the
   * electrolyte's resistance, i.e. the high-frequency intercept plus the grain-boundary arc
   * when the fit resolves one (grainBoundaryResistanceOhm gives that part).
   */
  readonly bulkResistanceOhm: number;
  readonly grainBoundaryResistanceOhm: number | null;
  readonly bulkResistanceStdErr: number;
  readonly interfacialResistanceOhm: number | null;
  readonly interfacialResistanceStdErr: number | null;
  readonly circuit: string;
  /** The fitted circuit's parameters by name (ohm, S s^n, exponent), to draw its curve (analysis/circuits.ts). */
  readonly circuitParameters?: Readonly<Record<string, number>>;
  /**
   * Li|SE|Li with cell.lithiumContact: the share of the face the Li foil touches under the
   * stack pressure, and the constriction onto its patches per nominal area, ohm cm^2 (in
   * the spectrum's high-frequency intercept; transport/cell/lithiumContact.ts).
   */
  readonly lithiumContactFraction?: number;
  readonly lithiumConstrictionOhmCm2?: number;
  /** Linear Kramers-Kronig test of the predicted spectrum (Schoenleber et al. 2014). */
  readonly kramersKronig: { readonly pass: boolean; readonly maxResidual: number };
  /**
   * Present when the spectrum was built from a few solves instead of one per frequency (the
   * uncertainty samples; pipeline/electrochem.ts, reducedSpectra), with its relative
   * difference from the full-grid solve where that difference is largest (the top frequency).
   */
  readonly spectrumMethod?: "reduced";
  readonly reducedCheckRelativeError?: number;
  /**
   * Reduced spectra whose bulk relaxes in the top of the window: solved exactly (bulk and
   * both interfaces) at every frequency from this one up, reduced below it, checked here.
   */
  readonly exactAboveHz?: number;
  /** Distribution of relaxation times of the spectrum (analysis/drt.ts). */
  readonly drt?: ImpedanceDrt;
}

/**
 * A spectrum's distribution of relaxation times: gamma(ln tau) in ohm per unit ln tau by
 * Tikhonov-regularised NNLS (second-derivative penalty), lambda by generalised
 * cross-validation; a series capacitance for SS|SE|SS. Model spectra carry no noise, so
 * lambda sits at the lower end of its range (1e-10).
 */
export interface ImpedanceDrt {
  readonly tauS: readonly number[];
  readonly gammaOhm: readonly number[];
  readonly highFrequencyResistanceOhm: number;
  /** R_pol = integral gamma d ln tau. */
  readonly polarizationResistanceOhm: number;
  readonly peaks: readonly { readonly tauS: number; readonly frequencyHz: number; readonly areaOhm: number; readonly gammaMaxOhm: number; readonly inWindow: boolean }[];
  readonly lambda: number;
  readonly criterion: "gcv" | "given";
  /** Relative residual of the DRT's fit to the spectrum (rms over both parts). */
  readonly residualRms: number;
}

export interface RateCapabilityRow {
  readonly cRate: number;
  readonly dischargeCapacityMAhPerG: number;
  readonly dischargeCapacityStdErr?: number;
  /** The membrane has no conducting path (its contacts do not percolate): no discharge was simulated, the capacity is 0. */
  readonly noConductingPath?: true;
  /**
   * The capacity at this rate with one loss removed at a time (its resistance, or its
   * diffusion time, made 1000 times smaller): the membrane's ohmic and salt polarisation, the
   * interfaces (Li | SE and SE | cathode), the cathode's pore electrolyte, LiFePO4's solid
   * diffusion. The loss whose removal gains most limits the design at this rate.
   */
  readonly capacityWithoutLossMAhPerG?: { readonly membrane: number; readonly interfaces: number; readonly cathodeElectrolyte: number; readonly solidDiffusion: number };
  /** Current density of this rate, mA/cm2 (cathode area), and whether it exceeds the critical current density (when the scenario gives one). */
  readonly currentDensityMAPerCm2?: number;
  readonly exceedsCriticalCurrent?: boolean;
  /** The discharge curve (downsampled). */
  readonly capacityMAhPerG?: readonly number[];
  readonly voltageV?: readonly number[];
}

export interface ArrheniusRow {
  readonly of: string;
  readonly species?: string;
  readonly activationEnergyEV: number;
  readonly activationEnergyStdErr: number;
  readonly form: "sigmaT" | "sigma";
  /** ln of the prefactor of the fitted line (S/cm, times K for form sigmaT). */
  readonly lnPrefactor: number;
}

export interface KmcRunRow {
  readonly temperatureK: number;
  readonly scheme: string;
  readonly replicas: number;
  readonly hopsPerReplica: number;
  readonly blocks: number;
  readonly simulatedTimeS: number;
  readonly totalConductivitySPerCm: number;
  readonly totalConductivityStdErr: number;
  readonly ions: Readonly<Record<string, number>>;
  readonly sites: number;
}

export interface EffectivePhaseRow {
  readonly name: string;
  readonly volumeFraction: number;
  readonly spanningFraction: number;
  readonly percolates: boolean;
}

export interface EffectiveRow {
  readonly temperatureK: number;
  /** Mean over morphology realisations, S/cm. */
  readonly conductivitySPerCm: number;
  /**
   * Standard error from the realisations' spread and the KMC conductivity's error, combined;
   * null when a random microstructure was realised once (its scatter is then unknown).
   */
  readonly conductivityStdErr: number | null;
  /**
   * Estimated relative error of conductivitySPerCm from the discretisation: voxel designs,
   * the change when realisation 0 is solved on voxels twice as large; particle networks,
   * the contact element's own error. null when it could not be estimated (raw voxel files,
   * or a grid whose twice-coarser version no longer resolves the design: then the grid
   * itself is too coarse to trust).
   */
  readonly discretisationRelativeError: number | null;
  readonly tortuosityFactor: number;
  readonly percolates: boolean;
  readonly solverIterations: number;
  readonly relativeResidual: number;
  /** Conductivity of the MOF phase used (KMC), S/cm, when the morphology takes it from the KMC. */
  readonly mofConductivitySPerCm?: number;
  /**
   * Cation and anion conductivities as the field is switched on, S/cm, adding up to
   * conductivitySPerCm: the volume averages of each ion's current (each phase, each stretch of
   * a particle bond, carries its own transference number; the MOF's is the KMC's cation share),
   * mean over realisations (transport/network/partials.ts, design/graph.ts). With one t for
   * every phase, t and 1 - t of sigma. What a DC experiment between Li electrodes finds once
   * the anions are held is the transference row's membraneCation.
   */
  readonly cationConductivitySPerCm?: number;
  readonly anionConductivitySPerCm?: number;
  /**
   * Particles in a gel: the conductivity once the gel lenses between particles have polarised
   * (their anions held at the MOF faces; within about a millisecond), mean over realisations,
   * S/cm: the cation network's plus the anion network's (the gel's anions through the coats
   * and lenses alone). What DC experiments and the cell see; conductivitySPerCm is the
   * high-frequency value.
   */
  readonly lowFrequencyConductivitySPerCm?: number;
  /** Particles in a gel: the cation's part of lowFrequencyConductivitySPerCm (mean over realisations), S/cm; the membrane's DC t+ is its share. */
  readonly lowFrequencyCationConductivitySPerCm?: number;
  readonly realizations: number;
  readonly phases: readonly EffectivePhaseRow[];
}

/**
 * The virtual critical-current-density test of Li|SE|Li: the current focuses on the true
 * contacts, by the factor F = N sum j_v^2 / (sum j_v)^2 over the face's voxels (the
 * current-weighted mean local current density over the geometric one; 1/f for a uniform
 * contact fraction f), and the interface fails where the local current density reaches the
 * critical one: CCD = i_crit / F.
 */
export interface CriticalCurrentRow {
  readonly temperatureK: number;
  readonly focusingFactor: number;
  /** Particle networks: the focusing factor's standard error over the realisations' faces. */
  readonly focusingFactorStdErr?: number;
  /** Particle networks: the share of the face the Li touches (the MOF discs a cut offers). */
  readonly contactAreaFraction?: number;
  /** With cell.lithiumContact: the share of the face the Li foil touches; focusingFactor includes its 1/f. */
  readonly lithiumContactFraction?: number;
  readonly criticalLocalCurrentDensityMAPerCm2: number;
  readonly criticalCurrentDensityMAPerCm2: number;
}

export interface Results {
  readonly scenario: string;
  readonly transport: readonly TransportRow[];
  readonly transferenceNumber: readonly TransferenceRow[];
  readonly arrhenius: readonly ArrheniusRow[];
  readonly kmc: readonly KmcRunRow[];
  readonly effective: readonly EffectiveRow[];
  readonly impedance?: readonly ImpedanceRow[];
  readonly rateCapability?: readonly RateCapabilityRow[];
  readonly criticalCurrent?: CriticalCurrentRow;
  /** Bands, sensitivities and what to measure next, from a run with --uncertainty (sweep/uncertainty.ts). */
  readonly uncertainty?: UncertaintyBlock;
}

// --- uncertainty (DESIGN.md, "Uncertainty") ---

/** How an output's band was made. */
export type OutputEmulator =
  | {
      readonly runs: number;
      readonly degree: number;
      readonly terms: number;
      /** Leave-one-out error over the output's variance (in g). */
      readonly looRelativeError: number;
      /** sd of the residual drawn into each emulated sample (in g). */
      readonly residualSd: number;
      readonly scale: "logit" | "log" | "linear";
    }
  | { readonly runs: number; readonly notEmulated: string };

export interface OutputBand {
  readonly path: string;
  readonly label: string;
  /** The value of the nominal run (every input at its nominal value, all realisations). */
  readonly nominal: number | null;
  readonly median: number;
  readonly band68: readonly [number, number];
  readonly band90: readonly [number, number];
  /** Samples that gave this output. */
  readonly samples: number;
  /** The output was a calibration target (its agreement with the measurement is not a prediction). */
  readonly fitted: boolean;
  /** `--emulate`: how the band was made (the expansion and its left-out error, or why the runs' own band was kept). */
  readonly emulator?: OutputEmulator;
}

export interface SensitivityRow {
  readonly path: string;
  readonly input: string;
  readonly firstOrder: number;
  readonly total: number;
  readonly firstOrderBand90?: readonly [number, number];
  readonly totalBand90?: readonly [number, number];
  /** "log": indices of ln(output) (outputs spanning decades); "linear" otherwise. */
  readonly scale: "log" | "linear";
  /** Fraction of the output's variance the inputs' expansion does not predict (leave-one-out): realisation scatter and the emulator's error. */
  readonly unexplained: number;
}

export interface MeasureNext {
  readonly path: string;
  readonly label: string;
  /** hi / lo of the 90 % band (positive outputs), or its width. */
  readonly bandRatio90: number | null;
  readonly input: string;
  readonly share: number;
  readonly measurement: string;
  readonly text: string;
}

export interface UncertaintyBlock {
  /** Draws of the inputs the bands are over. */
  readonly samples: number;
  /** `--emulate`: the draws run through the whole chain (they train the emulator); absent, every draw was run. */
  readonly runs?: number;
  readonly seed: number;
  /** Samples whose run failed (left out of the bands), other than the unbuildable ones. */
  readonly failedSamples: readonly number[];
  /**
   * Draws whose design this model cannot build (the checks a run makes before its heavy work
   * refuse them: in a corner of the inputs' joint ranges, such as a dense gel membrane with
   * thick films whose coated particles would pack denser than the packer reaches, 0.6, though
   * random close packing is 0.64): left out, so the bands are over the designs the model can
   * build; the reasons say whether the limit is the membrane's or the model's.
   * `runs`: such training runs (or samples); `draws`: how many of the emulated draws; `reasons`:
   * one message per refusing field.
   */
  readonly unbuildable?: { readonly runs: readonly number[]; readonly draws: number; readonly reasons: readonly string[] };
  readonly inputs: readonly { readonly path: string; readonly key: string; readonly calibrated: boolean; readonly basis: string; readonly distribution: string; readonly nominal: number; readonly source?: string; readonly reason?: string }[];
  readonly outputs: readonly OutputBand[];
  readonly sensitivity: readonly SensitivityRow[];
  readonly measureNext: readonly MeasureNext[];
  /** Why there are no indices, when there are none. */
  readonly sensitivityNote?: string;
}

export interface PairwiseRow {
  readonly path: string;
  readonly label: string;
  readonly a: string;
  readonly b: string;
  /** P(output of a > output of b), over the runs both designs ran, paired by number (ties count half). */
  readonly probabilityAGreater: number;
  /** Runs paired (with `--emulate`, the training runs both designs ran; else the samples). */
  readonly samples: number;
}


/** The lists every Results object has (sections a scenario does not ask for are empty). */
export const RESULTS_LISTS = ["transport", "transferenceNumber", "arrhenius", "kmc", "effective"] as const;

/**
 * Why `v`, read back from disk (a sweep's journal, a results.json), is not a run's Results,
 * or undefined when it has their shape: a `scenario` name, the five lists, and the optional
 * sections as lists or objects. The rows themselves are not checked field by field.
 */
export function resultsShapeProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "not an object";
  const o = v as Record<string, unknown>;
  if (typeof o["scenario"] !== "string") return "no scenario name";
  const missing = RESULTS_LISTS.filter((k) => !Array.isArray(o[k]));
  if (missing.length > 0) return `no list ${missing.join(", ")}`;
  for (const k of ["impedance", "rateCapability"]) if (o[k] !== undefined && !Array.isArray(o[k])) return `${k} is not a list`;
  for (const k of ["criticalCurrent", "uncertainty"]) if (o[k] !== undefined && (o[k] === null || typeof o[k] !== "object" || Array.isArray(o[k]))) return `${k} is not an object`;
  return undefined;
}

/** Runtime guard: `v` has the shape of a run's Results (resultsShapeProblem). */
export function isResults(v: unknown): v is Results {
  return resultsShapeProblem(v) === undefined;
}
