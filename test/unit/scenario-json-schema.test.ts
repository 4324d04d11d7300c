/**
 * The scenario format for editors (docs/scenario.schema.json, docs/scenario-format.md),
 * generated from the zod schema (src/scenario/jsonSchema.ts): the committed files are the
 * generated ones (run `npm run schema` after changing the schema), and an independent JSON
 * Schema validator (Ajv, draft 2020-12) accepts every shipped scenario, distributions
 * included, and refuses what mofhop refuses at the field level.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { scenarioFormatMarkdown, scenarioJsonSchema } from "../../src/scenario/jsonSchema.js";

const schema = scenarioJsonSchema();
const files = ["scenarios/paper", "scenarios/validation"].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => join(dir, f)));

describe("scenario JSON Schema", () => {
  it("the committed docs are the generated ones (npm run schema)", () => {
    expect(JSON.parse(readFileSync("docs/scenario.schema.json", "utf8"))).toEqual(JSON.parse(JSON.stringify(schema)));
    expect(readFileSync("docs/scenario-format.md", "utf8")).toBe(scenarioFormatMarkdown(schema));
  });

  it("accepts every shipped scenario and refuses a wrong kind, a wrong type and an unknown key", () => {
    // inlineRefs off: the distribution is referenced at every real number; inlined, it makes compiling take a minute
    const ajv = new Ajv2020({ allErrors: true, strict: false, inlineRefs: false });
    const validate = ajv.compile(schema);
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) {
      const ok = validate(JSON.parse(readFileSync(f, "utf8")));
      expect(ok, `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
    const pellet = JSON.parse(readFileSync("scenarios/paper/pellet.json", "utf8"));
    expect(validate({ ...pellet, lattice: { ...pellet.lattice, kind: "hcp" } })).toBe(false);
    expect(validate({ ...pellet, seed: 1.5 })).toBe(false);
    expect(validate({ ...pellet, temperature: 300 })).toBe(false);
    expect(validate({ ...pellet, morphology: { ...pellet.morphology, pressureMPa: { distribution: "uniform", min: 1 } } })).toBe(false);
  });
});
