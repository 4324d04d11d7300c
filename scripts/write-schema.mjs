// Writes the scenario format for editors and readers, generated from src/scenario/schema.ts:
// docs/scenario.schema.json (JSON Schema 2020-12) and docs/scenario-format.md.
// Run with `npm run schema` (builds first); test/unit/scenario-json-schema.test.ts fails when
// the committed files are out of date.
import { writeFileSync } from "node:fs";
import { scenarioFormatMarkdown, scenarioJsonSchema } from "../dist/scenario/jsonSchema.js";

const schema = scenarioJsonSchema();
writeFileSync(new URL("../docs/scenario.schema.json", import.meta.url), JSON.stringify(schema, null, 2) + "\n");
writeFileSync(new URL("../docs/scenario-format.md", import.meta.url), scenarioFormatMarkdown(schema));
console.log("wrote docs/scenario.schema.json and docs/scenario-format.md");
