/**
 * The scenario format for other tools: a JSON Schema (draft 2020-12) generated from the zod
 * schema that validates scenarios (schema.ts), for editors that complete and check scenario
 * files, and a Markdown reference of every field generated from it.
 *
 * The zod schema validates a scenario after its distributions are taken out (uncertain.ts);
 * a scenario file may hold a distribution wherever a real number goes, so every
 * `"type": "number"` of the generated schema becomes "that number, or a distribution"
 * (`$defs.distribution`, from distributionSchema). Integers (counts, seeds, shapes) stay
 * integers. Cross-field rules (a species needs occupancy or count on a generic lattice,
 * temperatures distinct, ...) are checked by mofhop itself and are not in the JSON Schema.
 */
import { z } from "zod";
import { scenarioSchema } from "./schema.js";
import { distributionSchema } from "./uncertain.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** Replace every real-number schema by (number | distribution), recursively. */
function allowDistributions(node: Json): Json {
  if (Array.isArray(node)) return node.map(allowDistributions);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) out[k] = allowDistributions(v);
  if (out.type === "number") {
    const { default: dflt, ...number } = out;
    return { anyOf: [number, { $ref: "#/$defs/distribution" }], ...(dflt !== undefined ? { default: dflt } : {}) };
  }
  return out;
}

/** The JSON Schema of a scenario file (distributions allowed on every real number). */
export function scenarioJsonSchema(): JsonObject {
  const base = z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any" }) as JsonObject;
  const distribution = z.toJSONSchema(distributionSchema, { io: "input", unrepresentable: "any" }) as JsonObject;
  const { $schema: _s, ...distributionBody } = distribution;
  const { $schema, ...rest } = base;
  return {
    $schema: $schema ?? "https://json-schema.org/draft/2020-12/schema",
    $id: "https://mofhop.dev/scenario.schema.json",
    title: "mofhop scenario",
    description: "A mofhop scenario: a KMC part (lattice, species, kmc), a morphology, or both, and optionally a cell. Generated from src/scenario/schema.ts by `npm run schema`; cross-field rules are checked by mofhop.",
    ...(allowDistributions(rest as Json) as JsonObject),
    $defs: { distribution: distributionBody },
  };
}

/** One line per field: its path, what it holds, its constraints and default. */
function describeType(node: JsonObject): string {
  if (node.$ref === "#/$defs/distribution") return "distribution";
  if (Array.isArray(node.anyOf)) {
    const parts = (node.anyOf as Json[]).filter(isObject).map(describeType);
    const numberOrDist = parts.length === 2 && parts[1] === "distribution";
    return numberOrDist ? `${parts[0]} (or a distribution)` : parts.join(" or ");
  }
  if (Array.isArray(node.oneOf)) {
    const kinds = (node.oneOf as Json[]).filter(isObject).map((v) => (isObject(v.properties) && isObject(v.properties.kind) ? v.properties.kind.const : undefined));
    if (kinds.every((k) => k !== undefined)) return `object, by \`kind\`: ${kinds.map((k) => JSON.stringify(k)).join(", ")}`;
    return (node.oneOf as Json[]).filter(isObject).map(describeType).join(" or ");
  }
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) return node.enum.map((e) => JSON.stringify(e)).join(", ");
  const bounds: string[] = [];
  if (typeof node.minimum === "number" && node.minimum > -1e15) bounds.push(`>= ${node.minimum}`);
  if (typeof node.exclusiveMinimum === "number") bounds.push(`> ${node.exclusiveMinimum}`);
  if (typeof node.maximum === "number" && node.maximum < 1e15) bounds.push(`<= ${node.maximum}`);
  if (typeof node.exclusiveMaximum === "number") bounds.push(`< ${node.exclusiveMaximum}`);
  if (typeof node.minLength === "number" && node.minLength > 0) bounds.push("non-empty");
  if (node.type === "array") {
    const items = Array.isArray(node.prefixItems) ? `[${(node.prefixItems as Json[]).filter(isObject).map(describeType).join(", ")}]` : isObject(node.items) ? `list of ${describeType(node.items)}` : "list";
    const n = typeof node.minItems === "number" && node.minItems === node.maxItems ? "" : [typeof node.minItems === "number" && node.minItems > 0 ? `${node.minItems}+ items` : "", typeof node.maxItems === "number" && node.maxItems < 1e15 ? `at most ${node.maxItems}` : ""].filter((x) => x !== "").join(", ");
    return n !== "" ? `${items} (${n})` : items;
  }
  if (node.type === "object") return isObject(node.additionalProperties) ? `map of name to ${describeType(node.additionalProperties)}` : "object";
  const t = typeof node.type === "string" ? node.type : "any";
  return bounds.length > 0 ? `${t} ${bounds.join(", ")}` : t;
}

/** The Markdown reference: one table per object, rows in the schema's order. */
export function scenarioFormatMarkdown(schema: JsonObject = scenarioJsonSchema()): string {
  const rows: string[] = [];
  const walk = (node: JsonObject, path: string, required: boolean): void => {
    const dflt = node.default !== undefined ? JSON.stringify(node.default) : "";
    if (path !== "") rows.push(`| \`${path}\` | ${describeType(node)} | ${required ? "yes" : ""} | ${dflt} |`);
    const variants = Array.isArray(node.oneOf) ? (node.oneOf as Json[]).filter(isObject) : Array.isArray(node.anyOf) ? (node.anyOf as Json[]).filter(isObject) : [node];
    for (const v of variants) {
      if (v.type === "object" && isObject(v.properties)) {
        const kind = isObject(v.properties.kind) && v.properties.kind.const !== undefined ? String(v.properties.kind.const) : null;
        const req = Array.isArray(v.required) ? (v.required as Json[]).map(String) : [];
        const prefix = path === "" ? "" : kind !== null && variants.length > 1 ? `${path}{kind=${kind}}.` : `${path}.`;
        for (const [k, child] of Object.entries(v.properties)) if (isObject(child)) walk(child, `${prefix}${k}`, req.includes(k));
      } else if (v.type === "array" && isObject(v.items)) {
        const at = rows.length;
        walk(v.items, `${path}[]`, true);
        rows.splice(at, 1); // the item row repeats the list row; its fields follow
        if (!(v.items.type === "object")) rows.push(`| \`${path}[]\` | ${describeType(v.items)} | | |`);
      }
    }
  };
  walk(schema, "", true);
  const dist = schema.$defs !== undefined && isObject(schema.$defs) && isObject(schema.$defs.distribution) ? schema.$defs.distribution : null;
  const distRows: string[] = [];
  if (dist !== null && Array.isArray(dist.oneOf)) {
    for (const v of (dist.oneOf as Json[]).filter(isObject)) {
      if (!isObject(v.properties)) continue;
      const req = Array.isArray(v.required) ? (v.required as Json[]).map(String) : [];
      distRows.push(`| ${describeType(v.properties.distribution as JsonObject)} | ${Object.entries(v.properties).filter(([k]) => k !== "distribution").map(([k, c]) => `\`${k}\`${req.includes(k) ? "" : "?"}: ${isObject(c) ? describeType(c) : ""}`).join("; ")} |`);
    }
  }
  return [
    "# Scenario format",
    "",
    "Generated from `src/scenario/schema.ts` by `npm run schema` (do not edit by hand); the same",
    "rules as a JSON Schema for editors: `docs/scenario.schema.json` (add",
    '`"$schema": "../../docs/scenario.schema.json"` or your editor\'s schema mapping). Cross-field',
    "rules (occupancy or count, voxelNm or voxelsAcrossFibre, distinct temperatures, the cell's cut-off below the cathode's",
    "open-circuit voltage, ...) are checked by `mofhop validate`. `{kind=...}` marks the fields of",
    "one kind of a block. Where a field is a real number it may also be a distribution (below).",
    "",
    "| field | value | required | default |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    "## Distributions",
    "",
    "Any real number may be given as a distribution (README, \"Uncertain inputs and prediction",
    "bands\"); `?` marks optional fields.",
    "",
    "| distribution | fields |",
    "| --- | --- |",
    ...distRows,
    "",
  ].join("\n");
}
