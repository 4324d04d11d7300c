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

export interface Results {
  readonly scenario: string;
  readonly transport: readonly TransportRow[];
  readonly transferenceNumber: readonly TransferenceRow[];
  readonly arrhenius: readonly ArrheniusRow[];
  readonly kmc: readonly KmcRunRow[];
}
