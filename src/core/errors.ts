/**
 * Typed errors. The CLI maps InputError (and its subclasses) to exit code 2, anything else
 * to exit code 1.
 */
export class MofhopError extends Error {
  override name = "MofhopError";
}

/** Bad input: a message that names the field, the value and what is allowed. */
export class InputError extends MofhopError {
  override name = "InputError";
}

/** A scenario field is invalid; `path` is the JSON path of the field (e.g. "species.0.occupancy"). */
export class ScenarioError extends InputError {
  override name = "ScenarioError";
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path === "" ? "(root)" : path}: ${problem}`);
  }
}

/** An iterative solver stopped without reaching its tolerance. */
export class NotConvergedError extends MofhopError {
  override name = "NotConvergedError";
  constructor(
    readonly solver: string,
    readonly iterations: number,
    readonly relativeResidual: number,
    readonly tolerance: number,
  ) {
    super(
      `${solver} did not converge: relative residual ${relativeResidual.toExponential(3)} after ${iterations} iterations (tolerance ${tolerance.toExponential(1)})`,
    );
  }
}

/** A request that would need more memory than the machine allows. */
export class ResourceError extends InputError {
  override name = "ResourceError";
}

/** Throw an InputError naming a field, its value and what is allowed. */
export function badValue(field: string, value: unknown, allowed: string): never {
  throw new ScenarioError(field, `got ${describe(value)}; ${allowed}`);
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (value === undefined) return "nothing";
  try {
    const s = JSON.stringify(value);
    return s.length > 60 ? s.slice(0, 57) + "..." : s;
  } catch {
    return String(value);
  }
}

/** "unknown 'x'; valid: a, b" */
export function unknownName(kind: string, name: string, valid: readonly string[]): InputError {
  return new InputError(`unknown ${kind} '${name}'; valid: ${valid.join(", ")}`);
}
