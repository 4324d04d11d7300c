/**
 * Uncertain inputs (DESIGN.md, "Uncertainty"): any real-valued number of a scenario may be
 * replaced by a distribution object,
 *   { "distribution": "log-uniform", "min": 3e-5, "max": 1e-3, "basis": "assumed",
 *     "reason": "..." }
 * with `basis` saying what the number is: `assumed` (a range and a reason or source),
 * `measured` (its reported precision and the source) or `fitted` (the data it was fitted to,
 * in `source`). A run without --uncertainty uses each input's `nominal` value (default: the
 * median); a run with it draws them (sweep/uncertainty.ts).
 *
 * Everything is checked before anything runs: the distribution itself (bounds in order,
 * positive scales, log-distributions over positive values only), that it replaces a
 * real-valued field (not a count, a seed or a name), and that the scenario is valid at
 * both ends of the distribution's reach, so no draw can fail validation later.
 */
import { z } from "zod";
import { InputError, ScenarioError, describe } from "../core/errors.js";
import { median, reach, type Distribution } from "../analysis/distributions.js";
import { isRealNumberSchema, leafSchemas } from "./schemaPath.js";

export const INPUT_BASES = ["assumed", "measured", "fitted"] as const;
export type InputBasis = (typeof INPUT_BASES)[number];

const finite = z.number().finite();
const positive = finite.positive();
const meta = {
  basis: z.enum(INPUT_BASES).default("assumed"),
  /** Where the number or its range comes from (a citation, a file of data it was fitted to). */
  source: z.string().min(1).optional(),
  /** Why this range, when no source gives it. */
  reason: z.string().min(1).optional(),
  /** The value a run without --uncertainty uses (default: the median); inside the range. */
  nominal: finite.optional(),
  /**
   * One quantity that appears in several places (the same liquid in two phases, the same
   * fibres in two designs): distributions with the same name are one input, drawn once per
   * sample, and must be identical.
   */
  name: z.string().min(1).regex(/^[A-Za-z0-9._+-]+$/, "use letters, digits, '.', '_', '+' or '-'").optional(),
};

export const distributionSchema = z.discriminatedUnion(
  "distribution",
  [
    z.strictObject({ distribution: z.literal("uniform"), min: finite, max: finite, ...meta }),
    z.strictObject({
      distribution: z.literal("log-uniform"),
      min: z.number().finite().positive("a log-uniform distribution covers positive values only; min must be > 0 (use a uniform distribution for a range that includes 0)"),
      max: positive,
      ...meta,
    }),
    z.strictObject({ distribution: z.literal("normal"), mean: finite, sd: z.number().finite().positive("the standard deviation must be > 0"), min: finite.optional(), max: finite.optional(), ...meta }),
    z.strictObject({
      distribution: z.literal("log-normal"),
      median: z.number().finite().positive("a log-normal distribution covers positive values only; median must be > 0"),
      sdLog: z.number().finite().positive("the standard deviation of ln x must be > 0"),
      min: z.number().finite().nonnegative("a log-normal distribution covers positive values only; min must be >= 0").optional(),
      max: positive.optional(),
      ...meta,
    }),
  ],
  { error: 'expected "distribution" to be one of "uniform", "log-uniform", "normal", "log-normal"' },
);

export type DistributionSpec = z.output<typeof distributionSchema>;

/** One uncertain input of a scenario. */
export interface UncertainInput {
  /** Dot path of the number it replaces ("morphology.contacts.pressed.resistanceOhmCm2"). */
  readonly path: string;
  readonly spec: DistributionSpec & Distribution;
  /** The value used without --uncertainty. */
  readonly nominal: number;
  /** What it is drawn as: its `name`, else its path. Inputs of one key share every draw. */
  readonly key: string;
}

/** True for a JSON object that is a distribution (it has a "distribution" key). */
export function isDistributionObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, "distribution");
}

/**
 * Find the distribution objects in a parsed scenario and check each on its own. Returns a
 * copy of the input with every distribution replaced by its nominal value, the inputs (in
 * document order) and the problems found (messages naming the field).
 */
export function extractDistributions(input: unknown): { plain: unknown; inputs: UncertainInput[]; problems: string[]; failed: string[] } {
  const inputs: UncertainInput[] = [];
  const problems: string[] = [];
  /** Paths of distributions with problems (their stand-in value is not the user's). */
  const failed: string[] = [];
  const visit = (v: unknown, path: string[]): unknown => {
    if (isDistributionObject(v)) {
      const at = path.join(".");
      const parsed = distributionSchema.safeParse(v);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = [...path, ...issue.path.map(String)].join(".");
          let value: unknown = v;
          for (const k of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[k] : undefined;
          const text = issue.code === "unrecognized_keys" ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")} in a distribution` : `got ${describe(value)}; ${issue.message}`;
          problems.push(new ScenarioError(field, text).message);
        }
        failed.push(at);
        return 0;
      }
      const spec = parsed.data as DistributionSpec & Distribution;
      const own = specProblems(spec);
      if (own.length > 0) {
        problems.push(...own.map((p) => new ScenarioError(at, p).message));
        failed.push(at);
        return 0;
      }
      const nominal = spec.nominal ?? median(spec);
      const key = spec.name ?? at;
      const twin = inputs.find((i) => i.key === key);
      if (twin !== undefined && (distributionShape(twin.spec) !== distributionShape(spec) || twin.spec.basis !== spec.basis || twin.spec.nominal !== spec.nominal)) {
        problems.push(new ScenarioError(at, `the distribution named '${key}' is also at ${twin.path}, with other numbers; one name is one quantity: give both the same distribution`).message);
        failed.push(at);
        return 0;
      }
      inputs.push({ path: at, spec, nominal, key });
      return nominal;
    }
    if (v !== null && typeof v === "object") {
      // a scenario is a tree (what JSON can say); an object built in code may refer to itself
      if (onPath.has(v)) {
        problems.push(new ScenarioError(path.join(".") || "(the scenario)", "refers to a value that contains it (a cycle); a scenario must be a tree of values, as JSON writes it").message);
        failed.push(path.join("."));
        return 0;
      }
      onPath.add(v);
      try {
        if (Array.isArray(v)) return v.map((x, i) => visit(x, [...path, String(i)]));
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: visit(x, [...path, k]), enumerable: true, writable: true, configurable: true });
        return out;
      } finally {
        onPath.delete(v);
      }
    }
    return v;
  };
  const onPath = new Set<object>();
  const plain = visit(input, []);
  return { plain, inputs, problems, failed };
}

/** The shape of a distribution (its kind and parameters, not its basis, reason or nominal) as sorted JSON, to compare two. */
export function distributionShape(spec: Readonly<Record<string, unknown>>): string {
  const numbers = ["distribution", "min", "max", "mean", "sd", "median", "sdLog"];
  return JSON.stringify(Object.entries(spec).filter(([k]) => numbers.includes(k)).sort(([a], [b]) => a.localeCompare(b)));
}

/** Problems of a distribution that zod's shape checks do not see. */
function specProblems(spec: DistributionSpec): string[] {
  const out: string[] = [];
  const lo = spec.min;
  const hi = spec.max;
  if (lo !== undefined && hi !== undefined && !(lo < hi)) out.push(`min (${lo}) must be below max (${hi})`);
  if (spec.basis === "assumed" && spec.source === undefined && spec.reason === undefined) {
    out.push(`an assumed input needs a "reason" or a "source" for its range`);
  }
  if (spec.basis === "measured" && spec.source === undefined) out.push(`a measured input needs a "source" (where it was measured)`);
  if (spec.basis === "fitted" && spec.source === undefined) out.push(`a fitted input needs a "source" (the data or calibration it was fitted to)`);
  if (out.length === 0 && spec.nominal !== undefined) {
    const [a, b] = reach(spec as Distribution);
    const inside = spec.distribution === "normal" || spec.distribution === "log-normal" ? (lo === undefined || spec.nominal >= lo) && (hi === undefined || spec.nominal <= hi) && (spec.distribution === "normal" || spec.nominal > 0) : spec.nominal >= a && spec.nominal <= b;
    if (!inside) out.push(`nominal ${spec.nominal} lies outside the distribution (${a.toPrecision(4)} to ${b.toPrecision(4)})`);
  }
  return out;
}

/** Inputs that replace something other than a real-valued field of `schema`. */
export function checkInputFields(schema: z.core.$ZodType, inputs: readonly UncertainInput[]): string[] {
  const problems: string[] = [];
  for (const input of inputs) {
    const leaves = leafSchemas(schema, input.path.split("."));
    if (leaves.length === 0) continue; // not a field at all: the plain scenario's own check names it
    if (!leaves.some(isRealNumberSchema)) {
      const kinds = leaves.map((l) => ((l._zod.def as { type: string }).type === "number" ? "an integer (a count, a seed)" : `a ${(l._zod.def as { type: string }).type}`));
      problems.push(new ScenarioError(input.path, `a distribution can only replace a real number; this field is ${[...new Set(kinds)].join(" or ")}`).message);
    }
  }
  return problems;
}

/**
 * Check that the scenario stays valid at both ends of each input's reach (the others at
 * their nominal values). `validate(plain)` returns the problems of a plain scenario (empty
 * when valid); the scenario at the nominal values is valid.
 */
export function checkInputReach(plain: unknown, inputs: readonly UncertainInput[], validate: (plain: unknown) => string[]): string[] {
  const problems: string[] = [];
  for (const input of inputs) {
    const segments = input.path.split(".");
    for (const [end, value] of reach(input.spec).map((x, i) => [i === 0 ? "lower" : "upper", x] as const)) {
      const copy = structuredClone(plain) as Record<string, unknown>;
      setPlain(copy, segments, value);
      const bad = validate(copy).filter((p) => p.startsWith(`${input.path}:`));
      if (bad.length > 0) {
        const bounded = input.spec.distribution === "normal" || input.spec.distribution === "log-normal" ? "; give it min/max bounds or narrow it" : "; narrow it";
        problems.push(new ScenarioError(input.path, `the distribution reaches ${value.toPrecision(4)} at its ${end} end, which the field does not allow (${bad[0]!.slice(input.path.length + 2)})${bounded}`).message);
      }
    }
  }
  return problems;
}

/** Set a number inside a plain JSON copy (the path exists: it held a distribution). */
export function setPlain(target: Record<string, unknown>, segments: readonly string[], value: number): void {
  let cur: unknown = target;
  for (let i = 0; i < segments.length - 1; i++) cur = (cur as Record<string, unknown>)[segments[i]!];
  (cur as Record<string, unknown>)[segments[segments.length - 1]!] = value;
}

/** The inputs as a sentence per input, for `validate` and reports. */
export function describeInput(input: UncertainInput): string {
  const s = input.spec;
  const range =
    s.distribution === "uniform" || s.distribution === "log-uniform"
      ? `${s.distribution} ${s.min} to ${s.max}`
      : s.distribution === "normal"
        ? `normal ${s.mean} +- ${s.sd}`
        : `log-normal median ${s.median}, sd(ln) ${s.sdLog}`;
  const bounds = (s.distribution === "normal" || s.distribution === "log-normal") && (s.min !== undefined || s.max !== undefined) ? ` within [${s.min ?? "-inf"}, ${s.max ?? "inf"}]` : "";
  return `${input.path}${input.key !== input.path ? ` ('${input.key}')` : ""}: ${s.basis}, ${range}${bounds}; nominal ${input.nominal.toPrecision(4)}`;
}

/** Throw one InputError listing every problem, if any. */
export function throwProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new InputError(problems.join("\n"));
}
