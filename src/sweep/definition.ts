/**
 * Sweep files (DESIGN.md, "Sweeps"): a base scenario and a grid of values at scenario
 * paths. The jobs are the grid's Cartesian product, numbered from 0 in a fixed order: the
 * grid keys are taken in the file's order and the LAST key varies FASTEST (the first key
 * is the outermost loop, like nested for loops written in key order). With
 * `{"a": [1, 2], "b": ["x", "y", "z"]}` the jobs are
 * 0 (a=1,b=x), 1 (1,y), 2 (1,z), 3 (2,x), 4 (2,y), 5 (2,z).
 *
 * Each job's seed is derived from its own seed (the base's, or the grid's when the grid
 * sets "seed") and its job number, hashed like every other stream (core/rng), so a job's
 * results depend only on the job: never on workers, shards or the order jobs finish in.
 * Every job's scenario is validated before anything runs.
 */
import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { InputError, ScenarioError, describe } from "../core/errors.js";
import { streamState } from "../core/rng.js";
import { parseScenario, readJsonFile } from "../scenario/load.js";
import { scenarioSchema, type Scenario } from "../scenario/schema.js";
import type { ScenarioRunState } from "../pipeline/runScenario.js";

/** The part of runScenario's options a sweep job may set. */
export interface JobRunOptions {
  /** The morphology realisation the job builds first. */
  readonly firstRealization?: number;
  /** False: no extra solves for the KMC error's effect and the refinement estimate. */
  readonly errorEstimates?: boolean;
  /** "reduced" (default): spectra from a few checked solves; "full-grid": one per frequency (RunOptions.impedance). */
  readonly impedance?: "full-grid" | "reduced";
  /** False: no discharges with one loss removed (RunOptions.lossBreakdown). */
  readonly lossBreakdown?: boolean;
}

/** One temperature's KMC results, as runScenario caches them. */
export type KmcCacheEntry = ScenarioRunState["done"][number];
import { checkSchemaPath, pathsOverlap, setAtPath, splitPath } from "./paths.js";

/** More jobs than this in one sweep file is almost surely a mistake (and would take hours to validate). */
export const MAX_JOBS = 100_000;

const NAME = /^[A-Za-z0-9._+-]+$/;

/** null, booleans, finite numbers, strings, and lists and plain objects of them (depth-limited). */
function isJsonValue(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === "boolean" || typeof v === "string") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1));
  if (typeof v === "object") {
    const proto = Object.getPrototypeOf(v) as unknown;
    return (proto === Object.prototype || proto === null) && Object.values(v).every((x) => isJsonValue(x, depth + 1));
  }
  return false;
}

export const sweepSchema = z.strictObject({
  name: z.string().min(1).regex(NAME, "use letters, digits, '.', '_', '+' or '-'"),
  description: z.string().optional(),
  base: z.union([z.string().min(1), z.record(z.string(), z.unknown())], {
    error: "expected a scenario object or a path to a scenario file",
  }),
  grid: z.record(z.string(), z.array(z.unknown().refine(isJsonValue, "expected a JSON value (no NaN, Infinity or undefined)")).min(1, "give at least one value")),
});

export type SweepFile = z.output<typeof sweepSchema>;

/** One value list of the grid. */
export interface GridAxis {
  readonly path: string;
  readonly values: readonly unknown[];
}

export interface SweepJob {
  /** Job number, 0..jobCount-1 (see the module comment for the order). */
  readonly job: number;
  /** The grid values of this job, keyed by path. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The validated scenario the job runs, with its derived seed. */
  readonly scenario: Scenario;
  /** Options of the job's run beyond its scenario (uncertainty samples: their realisation, no error estimates). */
  readonly runOptions?: JobRunOptions;
}

export interface Sweep {
  readonly name: string;
  readonly description?: string;
  /** The base scenario as given (before defaults), with a path already read. */
  readonly base: Readonly<Record<string, unknown>>;
  /** Directory that files named in a job's scenario (a raw voxel map) are relative to. */
  readonly baseDir: string;
  readonly axes: readonly GridAxis[];
  readonly jobs: readonly SweepJob[];
  /** sha256 of the expanded job list (each job's number and scenario): the sweep's identity. */
  readonly hash: string;
  /** KMC results every job may reuse (keyed as runScenario's cache): an uncertainty run's nominal KMC. */
  readonly kmc?: readonly (readonly [string, KmcCacheEntry])[];
}

export interface ParseSweepOptions {
  /**
   * Directory a `base` path is relative to (the sweep file's); default the working
   * directory. Files inside the scenario are relative to the base file's directory, or to
   * this one when the base is inline.
   */
  readonly baseDir?: string;
}

/** Format zod issues of a sweep file: "path: got VALUE; message". */
function sweepIssues(input: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => `'${k}'`).join(", ");
      return new ScenarioError(path, `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys} in the sweep file; valid: name, description, base, grid`).message;
    }
    let v: unknown = input;
    for (const k of issue.path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
    return new ScenarioError(path, `got ${describe(v)}; ${issue.message}`).message;
  });
}

/** Job number -> index into each axis (last axis fastest). */
export function jobIndices(job: number, sizes: readonly number[]): number[] {
  const idx = new Array<number>(sizes.length).fill(0);
  let rest = job;
  for (let a = sizes.length - 1; a >= 0; a--) {
    idx[a] = rest % sizes[a]!;
    rest = Math.floor(rest / sizes[a]!);
  }
  return idx;
}

/** The seed a job runs with: a 32-bit word of the stream ("sweep", job) under its own seed. */
export function jobSeed(seed: number, job: number): number {
  return streamState(seed, "sweep", job)[0]!;
}

/** JSON with object keys sorted, for hashing. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

export function paramsText(params: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${describe(v)}`);
  return parts.length === 0 ? "no grid values" : parts.join(", ");
}

/** Invalid jobs whose problems are listed in full. */
const MAX_LISTED_JOBS = 10;

/** Validate a parsed JSON value as a sweep and expand its jobs. Throws InputError naming fields. */
export function parseSweep(input: unknown, options: ParseSweepOptions = {}): Sweep {
  const parsed = sweepSchema.safeParse(input);
  if (!parsed.success) throw new InputError(sweepIssues(input, parsed.error.issues).join("\n"));
  const file = parsed.data;

  let base: Record<string, unknown>;
  let baseDir = resolve(options.baseDir ?? ".");
  if (typeof file.base === "string") {
    const path = resolve(baseDir, file.base);
    baseDir = dirname(path);
    let json: unknown;
    try {
      json = readJsonFile(path);
    } catch (e) {
      throw new ScenarioError("base", (e as Error).message);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new ScenarioError("base", `'${file.base}' holds ${describe(json)}, not a scenario object`);
    }
    base = json as Record<string, unknown>;
  } else base = file.base;

  // grid keys: paths of the scenario format, none inside another
  const axes: GridAxis[] = Object.entries(file.grid).map(([path, values]) => ({ path, values }));
  const segments = axes.map((a) => splitPath(a.path));
  const problems: string[] = [];
  axes.forEach((a, i) => {
    const p = a.path === "" ? "the path is empty" : checkSchemaPath(scenarioSchema, segments[i]!);
    if (p !== undefined) problems.push(`grid."${a.path}": not a scenario field: ${p}`);
  });
  for (let i = 0; i < axes.length; i++) {
    for (let j = i + 1; j < axes.length; j++) {
      if (pathsOverlap(segments[i]!, segments[j]!)) problems.push(`grid: keys "${axes[i]!.path}" and "${axes[j]!.path}" overlap; one sets part of the other`);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));

  const sizes = axes.map((a) => a.values.length);
  let count = 1;
  for (const n of sizes) {
    count *= n;
    if (count > MAX_JOBS) {
      const shown = sizes.length > 8 ? `${sizes.slice(0, 8).join(" x ")} x ...` : sizes.join(" x ");
      throw new ScenarioError("grid", `the grid has ${shown} values: more than ${MAX_JOBS} jobs, the most one sweep may have (split it into several sweeps)`);
    }
  }

  // The base alone: a problem at a field no grid key touches is the base's, reported once.
  try {
    parseScenario(base);
  } catch (e) {
    const issues = (e as { issues?: ScenarioError[] }).issues ?? [];
    const own = issues.filter((s) => {
      const p = s.path === "" ? [] : s.path.split(".");
      return !segments.some((g) => pathsOverlap(p, g));
    });
    if (own.length > 0) throw new InputError(own.map((s) => `base.${s.message}`).join("\n"));
  }

  const jobs: SweepJob[] = [];
  const bad: string[] = [];
  let badJobs = 0;
  for (let job = 0; job < count; job++) {
    const idx = jobIndices(job, sizes);
    const params: Record<string, unknown> = {};
    const copy = structuredClone(base);
    let setProblem: string | undefined;
    axes.forEach((a, i) => {
      const value = a.values[idx[i]!];
      params[a.path] = value;
      if (setProblem !== undefined) return;
      const p = setAtPath(copy, segments[i]!, structuredClone(value));
      if (p !== undefined) setProblem = `grid."${a.path}": ${p}`;
    });
    if (setProblem !== undefined) throw new InputError(setProblem); // same for every job: the base's shape
    let scenario: Scenario;
    try {
      scenario = parseScenario(copy);
    } catch (e) {
      badJobs++;
      if (badJobs <= MAX_LISTED_JOBS) {
        const issues = (e as { issues?: ScenarioError[] }).issues;
        const lines = issues?.map((s) => s.message) ?? [(e as Error).message];
        bad.push(...lines.map((l) => `job ${job} (${paramsText(params)}): ${l}`));
      }
      continue;
    }
    jobs.push({ job, params, scenario: { ...scenario, seed: jobSeed(scenario.seed, job) } });
  }
  if (badJobs > 0) {
    const more = badJobs > MAX_LISTED_JOBS ? [`grid: ${badJobs} of ${count} jobs are invalid; the first ${MAX_LISTED_JOBS} are listed`] : [];
    throw new InputError([...bad, ...more].join("\n"));
  }
  const hash = createHash("sha256")
    .update(canonicalJson(jobs.map((j) => ({ job: j.job, scenario: j.scenario }))))
    .digest("hex");
  return {
    name: file.name,
    ...(file.description !== undefined ? { description: file.description } : {}),
    base,
    baseDir,
    axes,
    jobs,
    hash,
  };
}

/** Read, validate and expand a sweep file; a `base` path is relative to the file. */
export function loadSweep(file: string): Sweep {
  return parseSweep(readJsonFile(file), { baseDir: dirname(resolve(file)) });
}
