/** Sweeps: grid expansion, the worker pool, the JSONL journal with resume, shards, merge. */
export { parseSweep, loadSweep, jobIndices, jobSeed, canonicalJson, paramsText, sweepSchema, MAX_JOBS, type Sweep, type SweepJob, type GridAxis, type ParseSweepOptions } from "./definition.js";
export { checkSchemaPath, setAtPath } from "./paths.js";
export { parseShard, inShard, shardText, type Shard } from "./shard.js";
export { estimateJobMemory, checkSweepMemory, SITES_PER_CELL, BYTES_PER_SITE, BYTES_PER_ION, WORKER_BYTES, type JobMemory } from "./memory.js";
export { RESULTS_FILE, FAILURES_FILE, MANIFEST_FILE, LOCK_FILE, readManifest, scanResults, type ResultLine, type JobMeta, type Manifest, type DroppedLine } from "./journal.js";
export { runSweep, runSweepToEnd, type RunSweepOptions, type JobOutcome, type SweepProgress, type SweepSummary } from "./run.js";
export { mergeSweepDirs, jobRanges, type MergeSummary } from "./merge.js";
export { workerFileUrl, JobPool, type AttemptOutcome } from "./pool.js";
export type { InjectedFault, SerializedError } from "./messages.js";
export { runKmcOnWorkers, runKmcOnPool, createReplicaPool, type ReplicaPool, type WorkerRunOptions, type WorkerRunControl } from "./kmcReplicas.js";
export { runScenarioKmcOnWorkers, checkKmcWorkers, type ScenarioKmcOptions } from "./scenarioKmc.js";
export { runScenarioAsync, type AsyncRunOptions } from "./runAsync.js";
