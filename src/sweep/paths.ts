/**
 * Grid paths. A grid key such as "species.0.occupancy" names a field of the scenario
 * format: dot-separated object keys and array indices. A path is checked against the zod
 * schema itself, so a typo is caught even where the base scenario leaves the field out,
 * and then set on a copy of the base (never on the base).
 */
import type { z } from "zod";

type Schema = z.core.$ZodType;

/** Segments that would reach an object's prototype; never valid in a grid path. */
const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);
const INDEX = /^(0|[1-9][0-9]{0,8})$/;

/** Wrappers that do not change the shape of the value (optional, default, nullable, ...). */
function unwrap(schema: Schema): Schema {
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
  const s = unwrap(schema);
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
    case "object": {
      const child = def.shape![seg];
      if (child === undefined || !Object.hasOwn(def.shape!, seg)) {
        return `'${seg}' is not a field of ${at}; valid: ${Object.keys(def.shape!).join(", ")}`;
      }
      return walk(child, segs, i + 1);
    }
    case "array":
      if (!INDEX.test(seg)) return `${at} is a list; expected an index (0, 1, ...), got '${seg}'`;
      return walk(def.element!, segs, i + 1);
    case "tuple": {
      if (!INDEX.test(seg)) return `${at} is a list; expected an index (0, 1, ...), got '${seg}'`;
      const k = Number(seg);
      const items = def.items!;
      if (k < items.length) return walk(items[k]!, segs, i + 1);
      if (def.rest !== undefined && def.rest !== null) return walk(def.rest, segs, i + 1);
      return `${at} has ${items.length} entries; index ${k} is out of range`;
    }
    case "record":
      return walk(def.valueType!, segs, i + 1);
    case "union": {
      const problems = def.options!.map((o) => walk(o, segs, i));
      if (problems.some((p) => p === undefined)) return undefined;
      return problems[0];
    }
    default:
      return `${at} is a single value (${def.type}); it has no field '${seg}'`;
  }
}

/** The segments of a grid key. */
export function splitPath(path: string): string[] {
  return path.split(".");
}

/** True when one path is a prefix of the other, segment-wise ("a.b" and "a.b.c"; "a" and "a"). */
export function pathsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Set `value` at `segments` inside `target` (a plain JSON object that the caller owns).
 * Missing objects on the way are created; a missing list entry is not (the message says
 * to set the whole entry or list instead), nor is a field inside a single value.
 * Returns the problem, or undefined when the value was set.
 */
export function setAtPath(target: Record<string, unknown>, segments: readonly string[], value: unknown): string | undefined {
  let cur: unknown = target;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const here = segments.slice(0, i + 1).join(".");
    if (Array.isArray(cur)) {
      const k = Number(seg);
      if (!INDEX.test(seg) || k >= cur.length) {
        const parent = segments.slice(0, i).join(".");
        return `the base has no '${here}' ('${parent}' has ${cur.length} entr${cur.length === 1 ? "y" : "ies"}); set the whole '${parent}' or add the entry to the base`;
      }
      if (last) cur[k] = value;
      else cur = cur[k];
      continue;
    }
    if (cur === null || typeof cur !== "object") {
      const parent = segments.slice(0, i).join(".");
      return `the base has '${parent}' = ${JSON.stringify(cur)}, not an object; set '${parent}' itself instead`;
    }
    const obj = cur as Record<string, unknown>;
    if (last) {
      Object.defineProperty(obj, seg, { value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (!Object.hasOwn(obj, seg) || obj[seg] === undefined) {
      if (INDEX.test(segments[i + 1]!)) {
        return `the base has no '${here}'; set the whole '${here}' (a list) instead of '${segments.join(".")}'`;
      }
      Object.defineProperty(obj, seg, { value: {}, enumerable: true, writable: true, configurable: true });
    }
    cur = obj[seg];
  }
  return undefined;
}
