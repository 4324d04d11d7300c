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

export interface TransferenceRow {
  readonly temperatureK: number;
  readonly cation: number;
  readonly cationStdErr: number;
}

export interface ArrheniusRow {
  readonly of: string;
  readonly species?: string;
  readonly activationEnergyEV: number;
  readonly activationEnergyStdErr: number;
  readonly form: "sigmaT" | "sigma";
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
  /** Standard error from the realisations' spread and the KMC conductivity's error, combined. */
  readonly conductivityStdErr: number;
  readonly tortuosityFactor: number;
  readonly percolates: boolean;
  readonly solverIterations: number;
  readonly relativeResidual: number;
  /** Conductivity of the MOF phase used (KMC), S/cm, when the morphology takes it from the KMC. */
  readonly mofConductivitySPerCm?: number;
  readonly realizations: number;
  readonly phases: readonly EffectivePhaseRow[];
}

export interface Results {
  readonly scenario: string;
  readonly transport: readonly TransportRow[];
  readonly transferenceNumber: readonly TransferenceRow[];
  readonly arrhenius: readonly ArrheniusRow[];
  readonly kmc: readonly KmcRunRow[];
  readonly effective: readonly EffectiveRow[];
}
