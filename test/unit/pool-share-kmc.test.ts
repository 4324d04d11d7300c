/**
 * The compare's pool shares KMC results between designs (RunJobMessage.shareKmc): a worker
 * sends each temperature's KMC result as it makes it, and a design started later with them
 * gives the same results as one that ran its own KMC. Runs the BUILT worker (npm run build).
 */
import { describe, expect, it } from "vitest";
import { JobPool } from "../../src/sweep/pool.js";
import type { KmcCacheEntry } from "../../src/sweep/definition.js";
import { kmcCacheKey } from "../../src/pipeline/runScenario.js";
import { parseScenario } from "../../src/scenario/load.js";
import { TINY_KMC_SCENARIO } from "../tiny-kmc.js";

const tiny = parseScenario(TINY_KMC_SCENARIO);

describe("KMC results shared between the pool's jobs", () => {
  it("each temperature's result is sent under its cache key, and a job given them gives the same results", async () => {
    const pool = new JobPool(1);
    try {
      const signal = new AbortController().signal;
      const sent = new Map<string, KmcCacheEntry>();
      const own = await pool.run({ job: 0, attempt: 1, scenario: tiny, baseDir: ".", shareKmc: true }, () => {}, signal, (key, entry) => sent.set(key, entry));
      if (own.type !== "done") throw new Error(`job 0: ${own.type}`);
      expect([...sent.keys()].sort()).toEqual(tiny.temperaturesK.map((T) => kmcCacheKey(tiny, T)).sort());
      const taken = await pool.run({ job: 1, attempt: 1, scenario: { ...tiny, name: "again" }, baseDir: ".", shareKmc: true, kmc: [...sent.entries()] }, () => {}, signal, () => {
        throw new Error("a job given every KMC result runs none");
      });
      if (taken.type !== "done") throw new Error(`job 1: ${taken.type}`);
      expect({ ...taken.results, scenario: "tiny" }).toEqual(own.results);
      // without shareKmc nothing is sent
      const quiet = await pool.run({ job: 2, attempt: 1, scenario: tiny, baseDir: "." }, () => {}, signal, () => {
        throw new Error("sent without shareKmc");
      });
      expect(quiet.type === "done" ? quiet.results : null).toEqual(own.results);
    } finally {
      await pool.destroy();
    }
  });
});
