/**
 * Paths into the scenario format, checked against the zod schema itself: dot-separated
 * object keys and array indices ("species.0.occupancy"). Used by sweep grids and by the
 * distributions that may replace any number of a scenario.
 */
import type { z } from "zod";

export type Schema = z.core.$ZodType;

/** Segments that would reach an object's prototype; never valid in a grid path. */
const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);
const INDEX = /^(0|[1-9][0-9]{0,8})$/;

/** Wrappers that do not change the shape of the value (optional, default, nullable, ...). */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let guard = 0; guard < 32; guard++) {
    const def = s._zod.def as { type: string; innerType?: Schema; in?: Schema; getter?: () => Schema };
    if (def.innerType !== undefined) s = def.innerType;
    else if (def.type === "pipe" && def.in !== undefined) s = def.in;
    else if (def.type === "lazy" && def.getter !== undefined) s = def.getter();
    else return s;
  }
  return s;
}

/**
 * One segment down from an unwrapped schema: the schemas the segment leads to (several
 * where a union offers several shapes), or why it leads nowhere (`at` names the parent).
 */
function step(s: Schema, seg: string, at: string): { next: Schema[] } | { problem: string } {
  const def = s._zod.def as {
    type: string;
    shape?: Record<string, Schema>;
    element?: Schema;
    items?: readonly Schema[];
    rest?: Schema | null;
    valueType?: Schema;
    options?: readonly Schema[];
  };
  switch (def.type) {
    case "object":
      return Object.hasOwn(def.shape!, seg) ? { next: [def.shape![seg]!] } : { problem: `'${seg}' is not a field of ${at}; valid: ${Object.keys(def.shape!).join(", ")}` };
    case "array":
      return INDEX.test(seg) ? { next: [def.element!] } : { problem: `${at} is a list; expected an index (0, 1, ...), got '${seg}'` };
    case "tuple": {
      if (!INDEX.test(seg)) return { problem: `${at} is a list; expected an index (0, 1, ...), got '${seg}'` };
      const k = Number(seg);
      const items = def.items!;
      if (k < items.length) return { next: [items[k]!] };
      if (def.rest !== undefined && def.rest !== null) return { next: [def.rest] };
      return { problem: `${at} has ${items.length} entries; index ${k} is out of range` };
    }
    case "record":
      return { next: [def.valueType!] };
    case "union": {
      const steps = def.options!.map((o) => step(unwrap(o), seg, at));
      const next = steps.flatMap((r) => ("next" in r ? r.next : []));
      return next.length > 0 ? { next } : steps[0]!;
    }
    default:
      return { problem: `${at} is a single value (${def.type}); it has no field '${seg}'` };
  }
}

/**
 * Check `segments` against `schema`. Returns undefined when the path names a field of
 * the format, or the problem: which segment is not a field there and what is valid.
 */
export function checkSchemaPath(schema: Schema, segments: readonly string[]): string | undefined {
  return walk(schema, segments, 0);
}

function walk(schema: Schema, segs: readonly string[], i: number): string | undefined {
  if (i === segs.length) return undefined;
  const seg = segs[i]!;
  const at = i === 0 ? "the scenario" : `'${segs.slice(0, i).join(".")}'`;
  if (seg === "") return `empty segment after ${at}`;
  if (FORBIDDEN.has(seg)) return `'${seg}' is not allowed in a path`;
  const r = step(unwrap(schema), seg, at);
  if ("problem" in r) return r.problem;
  const problems = r.next.map((n) => walk(n, segs, i + 1));
  return problems.some((p) => p === undefined) ? undefined : problems[0];
}

/**
 * The schemas a valid path ends at (several where a union offers several shapes), each
 * unwrapped; empty when the path is not a field of the format.
 */
export function leafSchemas(schema: Schema, segments: readonly string[]): Schema[] {
  const s = unwrap(schema);
  if (segments.length === 0) {
    const def = s._zod.def as { type: string; options?: readonly Schema[] };
    return def.type === "union" ? def.options!.flatMap((o) => leafSchemas(o, segments)) : [s];
  }
  const [seg, ...rest] = segments as [string, ...string[]];
  if (seg === "" || FORBIDDEN.has(seg)) return [];
  const r = step(s, seg, "");
  return "next" in r ? r.next.flatMap((n) => leafSchemas(n, rest)) : [];
}

/** True for a number field that takes non-integer values (not a count, seed or index). */
export function isRealNumberSchema(schema: Schema): boolean {
  const def = schema._zod.def as { type: string; format?: string; checks?: readonly { _zod: { def: { check?: string; format?: string } } }[] };
  if (def.type !== "number") return false;
  if (def.format === "safeint" || def.format === "int32" || def.format === "uint32") return false;
  return !(def.checks ?? []).some((c) => c._zod.def.check === "number_format" && /int/.test(c._zod.def.format ?? ""));
}
