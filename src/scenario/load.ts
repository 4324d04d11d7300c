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

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** Directory of the file, for paths inside the scenario (raw voxel maps). */
  readonly baseDir: string;
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
      return new ScenarioError(path, `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}; not part of the scenario format (DESIGN.md)`);
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
  const result = scenarioSchema.safeParse(input);
  if (result.success) return result.data;
  const errors = formatIssues(input, result.error.issues);
  const err = new InputError(errors.map((e) => e.message).join("\n"));
  (err as InputError & { issues?: ScenarioError[] }).issues = errors;
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
  return { scenario: parseScenario(readJsonFile(file)), baseDir: dirname(resolve(file)) };
}
