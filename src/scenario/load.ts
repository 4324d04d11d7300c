/**
 * Loading and validating scenarios. Every problem becomes a ScenarioError naming the JSON
 * path of the field, the value found and what is allowed; all problems are reported at
 * once (joined by newlines), nothing is half-applied.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { InputError, ScenarioError, describe } from "../core/errors.js";
import { scenarioSchema, type Scenario } from "./schema.js";
import { checkInputFields, checkInputReach, extractDistributions, type UncertainInput } from "./uncertain.js";

export interface LoadedScenario {
  /** The scenario, every distribution at its nominal value. */
  readonly scenario: Scenario;
  /** Directory of the file, for paths inside the scenario (raw voxel maps). */
  readonly baseDir: string;
  /** The distributions the file gives instead of numbers (scenario/uncertain.ts), in file order. */
  readonly inputs: readonly UncertainInput[];
  /** The file's JSON with every distribution replaced by its nominal value (to set draws on). */
  readonly plain: unknown;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** One line per zod issue: "path: got VALUE; message". */
export function formatIssues(input: unknown, issues: readonly z.core.$ZodIssue[]): ScenarioError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => `'${k}'`).join(", ");
      return new ScenarioError(path, `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}; not part of the scenario format (docs/scenario-format.md)`);
    }
    if (issue.code === "invalid_value") {
      return new ScenarioError(path, `got ${describe(valueAt(input, issue.path))}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`);
    }
    const value = valueAt(input, issue.path);
    const got = value === undefined ? "nothing" : describe(value);
    return new ScenarioError(path, `got ${got}; ${issue.message}`);
  });
}

/** Validate a parsed JSON value as a scenario. Throws InputError listing every problem. */
export function parseScenario(input: unknown): Scenario {
  return parseScenarioInputs(input).scenario;
}

/**
 * Validate a parsed JSON value as a scenario whose numbers may be distributions: the
 * scenario at the nominal values, the inputs, and the plain JSON. Every problem (of the
 * distributions, of the scenario, of the scenario at either end of a distribution) is
 * listed in one InputError.
 */
export function parseScenarioInputs(input: unknown): { scenario: Scenario; inputs: UncertainInput[]; plain: unknown } {
  const { plain, inputs, problems, failed } = extractDistributions(input);
  const result = scenarioSchema.safeParse(plain);
  const nominalAt = new Set(inputs.map((i) => i.path));
  // a failed distribution's stand-in value is not the user's: its problems are already listed
  const errors = (result.success ? [] : formatIssues(plain, result.error.issues))
    .filter((e) => !failed.includes(e.path))
    .map((e) => (nominalAt.has(e.path) ? new ScenarioError(e.path, `the distribution's nominal value: ${e.problem}`) : e));
  const typeProblems = checkInputFields(scenarioSchema, inputs);
  const all = [...problems, ...typeProblems, ...errors.filter((e) => !typeProblems.some((t) => t.startsWith(`${e.path}:`))).map((e) => e.message)];
  if (all.length === 0 && inputs.length > 0) {
    const validate = (p: unknown): string[] => {
      const r = scenarioSchema.safeParse(p);
      return r.success ? [] : formatIssues(p, r.error.issues).map((e) => e.message);
    };
    all.push(...checkInputReach(plain, inputs, validate));
  }
  if (all.length === 0 && result.success) return { scenario: result.data, inputs, plain };
  const err = new InputError(all.join("\n"));
  (err as InputError & { issues?: ScenarioError[] }).issues = [...problems.map((m) => new ScenarioError(m.slice(0, m.indexOf(":")), m.slice(m.indexOf(":") + 2))), ...errors];
  throw err;
}

/** Read JSON from a file with a clear error for a missing file or bad JSON. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(`'${file}' is not valid JSON: ${(e as Error).message}`);
  }
}

export function loadScenario(file: string): LoadedScenario {
  const { scenario, inputs, plain } = parseScenarioInputs(readJsonFile(file));
  return { scenario, baseDir: dirname(resolve(file)), inputs, plain };
}
