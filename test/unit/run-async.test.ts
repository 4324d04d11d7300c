/**
 * runScenarioAsync: the scenario in a worker thread (and with kmcWorkers > 1 its KMC
 * replicas on threads) gives runScenario's Results bit for bit, reports progress, keeps the
 * event loop free, and stops on an AbortSignal. Needs the built dist/ (npm run build).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { kmcRunOptions, runScenario } from "../../src/pipeline/runScenario.js";
import { plannedKmcHops, type ScenarioProgress } from "../../src/pipeline/progress.js";
import { runScenarioAsync } from "../../src/sweep/runAsync.js";
import { runScenarioKmcOnWorkers } from "../../src/sweep/scenarioKmc.js";
import { workerFileUrl } from "../../src/sweep/pool.js";
import { InputError } from "../../src/core/errors.js";

// scenarios/validation/kmc-into-network.json made small: KMC at three temperatures into a random-voxel network
const json = JSON.parse(readFileSync(new URL("../../scenarios/validation/kmc-into-network.json", import.meta.url), "utf8")) as Record<string, any>;
json.lattice.cells = [6, 6, 6];
json.kmc = { equilibrationHops: 2000, hops: 12000, replicas: 3, blocks: 4 };
json.morphology.shape = [12, 12, 12];
json.morphology.realizations = 2;
const scenario = parseScenario(json);

describe("runScenarioAsync", () => {
  const serial = runScenario(scenario);

  it("gives runScenario's results bit for bit, with its progress stages, the event loop free", async () => {
    const stages: string[] = [];
    let last = -1;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const results = await runScenarioAsync(scenario, { onProgress: (f, stage) => { stages.push(stage); last = f; } });
      expect(results).toEqual(serial);
      expect(JSON.stringify(results)).toBe(JSON.stringify(serial));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
    for (const T of scenario.temperaturesK) expect(stages).toContain(`KMC ${T} K`);
    expect(stages.some((s) => s.startsWith("network realisation"))).toBe(true);
    expect(stages.at(-1)).toBe("done");
    expect(last).toBe(1);
  });

  for (const kmcWorkers of [2, 3]) {
    it(`kmcWorkers ${kmcWorkers}: the replicas on threads, the results identical to the serial run`, async () => {
      const stages = new Set<string>();
      const kmcCache = new Map();
      const kmcDone: number[] = [];
      let last: ScenarioProgress | undefined;
      const results = await runScenarioAsync(scenario, { kmcWorkers, kmcCache, onProgress: (_f, stage, p) => { stages.add(stage); kmcDone.push(p.done.kmc); last = p; } });
      expect(JSON.stringify(results)).toBe(JSON.stringify(serial));
      expect(results).toEqual(serial);
      expect([...stages]).toContain("KMC 298.15 K");
      // the hops run on the KMC threads stay counted once the scenario's thread (which plans none) takes over
      expect(kmcDone.every((h, i) => i === 0 || h >= kmcDone[i - 1]!)).toBe(true);
      expect(last!.done).toEqual(last!.planned);
      expect(last!.done.kmc).toBe(scenario.temperaturesK.length * plannedKmcHops(kmcRunOptions(scenario)));
      expect(kmcCache.size).toBe(scenario.temperaturesK.length);
    });
  }

  it("the KMC stage on workers fills runScenario's cache; the sync run with it is identical", async () => {
    const cache = await runScenarioKmcOnWorkers(scenario, { workers: 2 });
    expect(cache.size).toBe(3);
    expect(runScenario(scenario, { kmcCache: cache })).toEqual(serial);
  });

  it("an abort terminates the thread and rejects with an AbortError", async () => {
    const big = parseScenario({ ...json, kmc: { ...json.kmc, hops: 5e7 } });
    const controller = new AbortController();
    const started = Date.now();
    const run = runScenarioAsync(big, { signal: controller.signal, onProgress: () => controller.abort("enough") });
    await expect(run).rejects.toMatchObject({ name: "AbortError", message: "runScenarioAsync: aborted (enough)" });
    expect(Date.now() - started).toBeLessThan(20_000);
    const onWorkers = new AbortController();
    const run2 = runScenarioAsync(big, { kmcWorkers: 2, signal: onWorkers.signal, onProgress: () => onWorkers.abort() });
    setTimeout(() => onWorkers.abort(), 500); // the first progress comes after a round; do not wait for it
    await expect(run2).rejects.toMatchObject({ name: "AbortError" });
  });

  it("an already aborted signal rejects at once; a checkpoint and a bad kmcWorkers are refused", async () => {
    await expect(runScenarioAsync(scenario, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    const checkpoint = { due: () => false, save: () => {} };
    await expect(runScenarioAsync(scenario, { checkpoint } as never)).rejects.toThrow("runScenarioAsync: checkpoint is not supported (its hooks cannot cross into the worker thread); use runScenario with a checkpoint, or mofhop run --checkpoint FILE");
    await expect(runScenarioAsync(scenario, { kmcWorkers: 0 })).rejects.toThrow("kmcWorkers: got 0; must be an integer from 1 to 256");
  });

  it("an error in the worker comes back as its class", async () => {
    const bad = parseScenario({ ...json, lattice: undefined, species: undefined, kmc: undefined, morphology: { kind: "raw", file: "no-such.raw", shape: [4, 4, 4], voxelNm: 50, phases: [{ name: "A", label: 1, conductivitySPerCm: 1, transferenceNumber: 1 }] } });
    const e = await runScenarioAsync(bad, { baseDir: "/nonexistent" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(`cannot read raw voxel file "/nonexistent/no-such.raw": ENOENT: no such file or directory, open '/nonexistent/no-such.raw'`);
  });

  it("names the missing built worker file", () => {
    expect(() => workerFileUrl("no-such-worker")).toThrow(/dist\/sweep\/no-such-worker\.js is missing: run `npm run build` first/);
  });
});
