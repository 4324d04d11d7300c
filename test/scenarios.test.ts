/**
 * Every bundled scenario validates, and runs in a quick mode: fewer hops, the first
 * temperature, one morphology realisation, and without the cell experiments (those run
 * end to end in test/physics/cell-chain.test.ts and in `mofhop compare`).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../src/scenario/load.js";
import { runScenario } from "../src/pipeline/runScenario.js";

const dirs = ["scenarios/validation", "scenarios/paper"];
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".json")).map((f) => join(d, f)));

describe("bundled scenarios", () => {
  it("there are some", () => expect(files.length).toBeGreaterThanOrEqual(6));
  for (const file of files) {
    it(`${file} validates and runs (quick mode)`, () => {
      const { scenario, baseDir } = loadScenario(file);
      const quick = {
        ...scenario,
        temperaturesK: scenario.temperaturesK.slice(0, 1),
        cell: undefined,
        ...(scenario.kmc !== undefined
          ? { kmc: { ...scenario.kmc, equilibrationHops: Math.min(scenario.kmc.equilibrationHops, 2000), hops: Math.min(scenario.kmc.hops, 20000), replicas: 2 } }
          : {}),
        ...(scenario.morphology !== undefined ? { morphology: { ...scenario.morphology, realizations: 1 } } : {}),
      } as typeof scenario;
      const results = runScenario(quick, { baseDir });
      expect(results.scenario).toBe(scenario.name);
      for (const row of results.transport) {
        expect(row.conductivitySPerCm).toBeGreaterThan(0);
        expect(Number.isFinite(row.tracerDiffusivityCm2PerS)).toBe(true);
      }
    });
  }
});
