/**
 * Grid paths. A grid key such as "species.0.occupancy" names a field of the scenario
 * format: dot-separated object keys and array indices. A path is checked against the zod
 * schema itself, so a typo is caught even where the base scenario leaves the field out,
 * and then set on a copy of the base (never on the base).
 */
import { checkSchemaPath } from "../scenario/schemaPath.js";

export { checkSchemaPath };

const INDEX = /^(0|[1-9][0-9]{0,8})$/;

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
