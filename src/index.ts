/** mofhop's public face: re-exports only. */
export * from "./core/constants.js";
export { createStream, streamState, RandomStream } from "./core/rng.js";
export { MofhopError, InputError, ScenarioError, NotConvergedError, ResourceError } from "./core/errors.js";
export { estimate, ratioEstimate, type Estimate } from "./core/stats.js";
export { buildUnitCell, periodicLattice, siteIndex, siteDensityPerCm3, type PeriodicLattice, type UnitCell, type BondRule, type BasisSite } from "./structure/lattice/lattice.js";
export { cubicLattice, type CubicKind, type CubicLatticeOptions } from "./structure/lattice/cubic.js";
export { uio67So3Lattice, uio67SiteCounts, type Uio67Options } from "./structure/lattice/uio67.js";
export { KmcEngine, chooseScheme, type Scheme } from "./transport/kmc/engine.js";
export { bondRateTable, type KmcModel, type SpeciesModel } from "./transport/kmc/model.js";
export { runReplica, summarize, type ReplicaRecord, type SpeciesTransport, type TransportSummary } from "./transport/kmc/observe.js";
export { runKmc, type KmcRunOptions, type KmcRunResult } from "./transport/kmc/run.js";
export { fitArrhenius, type ArrheniusFit, type ArrheniusPoint } from "./analysis/arrhenius.js";
export { scenarioSchema, type Scenario, type ScenarioInput } from "./scenario/schema.js";
export { loadScenario, parseScenario } from "./scenario/load.js";
export { runScenario, type RunOptions } from "./pipeline/runScenario.js";
export type { Results, TransportRow, ArrheniusRow, TransferenceRow } from "./pipeline/results.js";
