/** Sweep files: grid expansion order, job numbering, per-job seeds, field-naming errors, shards, memory guard. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, ResourceError } from "../../src/core/errors.js";
import { streamState } from "../../src/core/rng.js";
import { parseScenario } from "../../src/scenario/load.js";
import { jobIndices, jobSeed, loadSweep, parseSweep } from "../../src/sweep/definition.js";
import { networkMemoryBytes } from "../../src/transport/network/memory.js";
import { WORKER_BYTES, checkSweepMemory, estimateJobMemory } from "../../src/sweep/memory.js";
import { inShard, parseShard } from "../../src/sweep/shard.js";
import { SWEEP_COMMANDS } from "../../src/cli/sweepCommands.js";

const base = {
  name: "tiny",
  seed: 5,
  temperaturesK: [300],
  lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
  species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
  kmc: { equilibrationHops: 100, hops: 1000, replicas: 1, blocks: 2 },
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("grid expansion", () => {
  it("numbers jobs from 0 with the last key fastest, in the file's key order", () => {
    const s = parseSweep({ name: "g", base, grid: { temperaturesK: [[280], [320]], "species.0.occupancy": [0.1, 0.2, 0.3] } });
    expect(s.jobs.map((j) => [j.job, j.params])).toEqual([
      [0, { temperaturesK: [280], "species.0.occupancy": 0.1 }],
      [1, { temperaturesK: [280], "species.0.occupancy": 0.2 }],
      [2, { temperaturesK: [280], "species.0.occupancy": 0.3 }],
      [3, { temperaturesK: [320], "species.0.occupancy": 0.1 }],
      [4, { temperaturesK: [320], "species.0.occupancy": 0.2 }],
      [5, { temperaturesK: [320], "species.0.occupancy": 0.3 }],
    ]);
    expect(s.jobs[4]!.scenario.temperaturesK).toEqual([320]);
    expect(s.jobs[4]!.scenario.species![0]!.occupancy).toBe(0.2);
    // the base is never changed
    expect(base.species[0]!.occupancy).toBe(0.2);
    expect(base.temperaturesK).toEqual([300]);
  });
  it("jobIndices is mixed radix with the last axis fastest", () => {
    expect(jobIndices(0, [2, 3, 4])).toEqual([0, 0, 0]);
    expect(jobIndices(1, [2, 3, 4])).toEqual([0, 0, 1]);
    expect(jobIndices(4, [2, 3, 4])).toEqual([0, 1, 0]);
    expect(jobIndices(23, [2, 3, 4])).toEqual([1, 2, 3]);
  });
  it("an empty grid is one job: the base", () => {
    const s = parseSweep({ name: "one", base, grid: {} });
    expect(s.jobs).toHaveLength(1);
    expect(s.jobs[0]!.params).toEqual({});
  });
  it("creates missing objects on the way (kmc.hops with no kmc in the base)", () => {
    const { kmc: _kmc, ...noKmc } = base;
    const s = parseSweep({ name: "k", base: noKmc, grid: { "kmc.hops": [500, 700] } });
    expect(s.jobs.map((j) => j.scenario.kmc!.hops)).toEqual([500, 700]);
    expect(s.jobs[0]!.scenario.kmc!.replicas).toBe(4); // defaults filled in
  });
  it("reads a base given as a path relative to the sweep file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-sweepdef-"));
    writeFileSync(join(dir, "base.json"), JSON.stringify(base));
    writeFileSync(join(dir, "sweep.json"), JSON.stringify({ name: "p", base: "base.json", grid: { seed: [1, 2] } }));
    const s = loadSweep(join(dir, "sweep.json"));
    expect(s.jobs).toHaveLength(2);
    expect(s.base).toEqual(base);
    expect(s.baseDir).toBe(dir); // files named in the scenario are relative to the base file
    expect(parseSweep({ name: "i", base, grid: {} }, { baseDir: join(dir, "x") }).baseDir).toBe(join(dir, "x"));
    expect(message(() => parseSweep({ name: "p", base: "nope.json", grid: {} }, { baseDir: dir }))).toMatch(/^base: cannot read '.*nope\.json': ENOENT$/);
  });
});

describe("the documented sweep files", () => {
  const root = join(import.meta.dirname, "..", "..");
  it("the README's example and the one in `mofhop sweep --help` load: 3 x 2 jobs on the paper's pellet", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const block = /### Sweeps, shards and clusters\n```json\n([\s\S]*?)\n```/.exec(readme);
    expect(block).not.toBeNull();
    const notes = SWEEP_COMMANDS.find((c) => c.name === "sweep")!.notes!;
    const help = notes.slice(notes.findIndex((l) => l.trimStart().startsWith("{"))).join("\n");
    for (const text of [block![1]!, help]) {
      const s = parseSweep(JSON.parse(text), { baseDir: root });
      expect(s.jobs).toHaveLength(6);
      expect(s.jobs[0]!.scenario.name).toBe("pellet");
    }
  });
});

describe("per-job seeds", () => {
  it("derive from the job's seed and number only", () => {
    const s = parseSweep({ name: "s", base, grid: { "species.0.occupancy": [0.1, 0.2, 0.3, 0.4] } });
    s.jobs.forEach((j) => expect(j.scenario.seed).toBe(streamState(5, "sweep", j.job)[0]));
    expect(new Set(s.jobs.map((j) => j.scenario.seed)).size).toBe(4);
    expect(jobSeed(5, 3)).toBe(s.jobs[3]!.scenario.seed);
    // a scenario accepts the derived seed (a 32-bit word)
    expect(() => parseScenario({ ...base, seed: jobSeed(5, 3) })).not.toThrow();
  });
  it("a grid over seed gives each job its own stream under that seed", () => {
    const s = parseSweep({ name: "s", base, grid: { seed: [7, 7] } });
    expect(s.jobs.map((j) => j.scenario.seed)).toEqual([jobSeed(7, 0), jobSeed(7, 1)]);
  });
  it("the sweep hash changes with any job and not with key formatting", () => {
    const a = parseSweep({ name: "h", base, grid: { seed: [1, 2] } });
    const b = parseSweep({ grid: { seed: [1, 2] }, base: { ...base }, name: "h" });
    const c = parseSweep({ name: "h", base, grid: { seed: [1, 3] } });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });
});

describe("errors name the field", () => {
  it("unknown keys of the sweep file", () => {
    expect(message(() => parseSweep({ name: "x", base, grid: {}, grids: {} }))).toMatchInlineSnapshot(
      `"(root): unknown key 'grids' in the sweep file; valid: name, description, base, grid"`,
    );
  });
  it("missing and mistyped fields", () => {
    expect(message(() => parseSweep({ name: "x", base: 3, grid: { seed: [] } }))).toMatchInlineSnapshot(`
      "base: got 3; expected a scenario object or a path to a scenario file
      grid.seed: got []; give at least one value"
    `);
    expect(message(() => parseSweep(null))).toMatch(/^\(root\): got null; /);
    // grid values are JSON values, so what is written to results.jsonl reads back the same
    expect(message(() => parseSweep({ name: "x", base, grid: { seed: [1, Number.NaN, undefined] } }))).toBe(
      "grid.seed.1: got NaN; expected a JSON value (no NaN, Infinity or undefined)\ngrid.seed.2: got nothing; expected a JSON value (no NaN, Infinity or undefined)",
    );
  });
  it("a grid path that is not a scenario field", () => {
    expect(message(() => parseSweep({ name: "x", base, grid: { "species.0.occupancyy": [0.1] } }))).toMatchInlineSnapshot(
      `"grid."species.0.occupancyy": not a scenario field: 'occupancyy' is not a field of 'species.0'; valid: name, charge, occupancy, count, neutralizingShare, hopBarrierEV, attemptFrequencyHz, barrierShiftEV, siteEnergiesEV, conductivityBound"`,
    );
    expect(message(() => parseSweep({ name: "x", base, grid: { "species.first.occupancy": [0.1] } }))).toContain(
      `grid."species.first.occupancy": not a scenario field: 'species' is a list; expected an index (0, 1, ...), got 'first'`,
    );
    expect(message(() => parseSweep({ name: "x", base, grid: { "kmc.hops.x": [1] } }))).toContain(`'kmc.hops' is a single value (number); it has no field 'x'`);
    expect(message(() => parseSweep({ name: "x", base, grid: { "lattice.cells.3": [1] } }))).toContain(`'lattice.cells' has 3 entries; index 3 is out of range`);
    expect(message(() => parseSweep({ name: "x", base, grid: { "species.0.__proto__": [1] } }))).toContain(`'__proto__' is not allowed`);
  });
  it("paths through a union and a record are fields", () => {
    const s = parseSweep({ name: "u", base: { ...base, lattice: { kind: "uio67-so3", cells: [2, 2, 2] }, species: [{ name: "Li+", charge: 1 }] }, grid: { "species.0.hopBarrierEV.sulfonate-sulfonate": [0.3] } });
    expect(s.jobs).toHaveLength(1);
  });
  it("paths into the morphology (a discriminated union) are fields", () => {
    const net = { name: "net", temperaturesK: [300], morphology: { kind: "random-voxels", shape: [4, 4, 4], voxelNm: 50, phases: [{ name: "A", fraction: 1, conductivitySPerCm: 1 }] } };
    const s = parseSweep({ name: "m", base: net, grid: { "morphology.shape.0": [4, 8], "morphology.phases.0.conductivitySPerCm": [1, 2] } });
    expect(s.jobs.map((j) => (j.scenario.morphology as { shape: number[] }).shape[0])).toEqual([4, 4, 8, 8]);
    expect(message(() => parseSweep({ name: "m", base: net, grid: { "morphology.shap": [1] } }))).toContain(`'shap' is not a field of 'morphology'; valid: kind, shape, voxelNm`);
  });
  it("overlapping keys", () => {
    expect(message(() => parseSweep({ name: "x", base, grid: { species: [base.species], "species.0.occupancy": [0.1] } }))).toBe(
      `grid: keys "species" and "species.0.occupancy" overlap; one sets part of the other`,
    );
  });
  it("a list entry the base does not have", () => {
    expect(message(() => parseSweep({ name: "x", base, grid: { "species.1.occupancy": [0.1] } }))).toBe(
      `grid."species.1.occupancy": the base has no 'species.1' ('species' has 1 entry); set the whole 'species' or add the entry to the base`,
    );
  });
  it("an invalid combination names the job, its values and the field, before anything runs", () => {
    const msg = message(() => parseSweep({ name: "x", base, grid: { temperaturesK: [[300], [-1]], "species.0.occupancy": [0.5, 1.5] } }));
    expect(msg.split("\n")).toEqual([
      "job 1 (temperaturesK=[300], species.0.occupancy=1.5): species.0.occupancy: got 1.5; Too big: expected number to be <1",
      "job 2 (temperaturesK=[-1], species.0.occupancy=0.5): temperaturesK.0: got -1; must be >= 150 K (temperatures are in kelvin: 25 C is 298.15 K)",
      "job 3 (temperaturesK=[-1], species.0.occupancy=1.5): temperaturesK.0: got -1; must be >= 150 K (temperatures are in kelvin: 25 C is 298.15 K)",
      "job 3 (temperaturesK=[-1], species.0.occupancy=1.5): species.0.occupancy: got 1.5; Too big: expected number to be <1",
    ]);
  });
  it("many invalid jobs: the first 10 listed, then a count that names the grid", () => {
    const lines = message(() => parseSweep({ name: "x", base, grid: { seed: Array.from({ length: 12 }, (_, i) => -1 - i) } })).split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe("job 0 (seed=-1): seed: got -1; Too small: expected number to be >=0");
    expect(lines[10]).toBe("grid: 12 of 12 jobs are invalid; the first 10 are listed");
  });
  it("a base problem that no grid key touches is reported once, as the base's", () => {
    expect(message(() => parseSweep({ name: "x", base: { ...base, kmc: { hops: -5 } }, grid: { seed: [1, 2, 3] } }))).toBe(
      "base.kmc.hops: got -5; Too small: expected number to be >0",
    );
    // a base missing a field the grid supplies is fine
    const { temperaturesK: _t, ...noT } = base;
    expect(parseSweep({ name: "x", base: noT, grid: { temperaturesK: [[300]] } }).jobs).toHaveLength(1);
  });
  it("too many jobs", () => {
    const big = Array.from({ length: 400 }, (_, i) => i + 1);
    expect(message(() => parseSweep({ name: "x", base, grid: { seed: big, "kmc.hops": big } }))).toBe(
      "grid: the grid has 400 x 400 values: more than 100000 jobs, the most one sweep may have (split it into several sweeps)",
    );
  });
});

describe("shards", () => {
  it("K/N selects job % N == K; bad text names the option", () => {
    expect(parseShard("1/3")).toEqual({ index: 1, count: 3 });
    const jobs = Array.from({ length: 10 }, (_, i) => i);
    expect(jobs.filter((j) => inShard(j, parseShard("1/3")))).toEqual([1, 4, 7]);
    expect(jobs.filter((j) => inShard(j, undefined))).toEqual(jobs);
    expect(message(() => parseShard("3/3"))).toBe(`shard: got "3/3"; K must be below N (0 <= K < 3)`);
    expect(message(() => parseShard("a/b"))).toBe(`shard: got "a/b"; expected K/N with whole numbers 0 <= K < N, e.g. 0/4`);
  });
});

describe("memory guard", () => {
  it("estimates sites x bytes per site plus ions, per lattice kind", () => {
    const s = parseScenario(base);
    const m = estimateJobMemory(s);
    expect(m.sites).toBe(216);
    expect(m.ions).toBe(Math.ceil(0.2 * 216));
    const uio = parseScenario({ ...base, lattice: { kind: "uio67-so3", cells: [3, 3, 3] }, species: [{ name: "Li+", charge: 1 }] });
    expect(estimateJobMemory(uio).sites).toBe(27 * 60);
    const net = parseScenario({
      name: "net", temperaturesK: [300],
      morphology: { kind: "random-voxels", shape: [10, 20, 30], voxelNm: 50, phases: [{ name: "A", fraction: 1, conductivitySPerCm: 1 }] },
    });
    // a random-voxels grid with plane electrodes and no grain boundary takes the lean DC path
    expect(estimateJobMemory(net)).toEqual({ sites: 0, ions: 0, voxels: 6000, bytes: WORKER_BYTES + networkMemoryBytes([10, 20, 30], { path: "lean", voxelLayers: false, periodic: false, grains: false, conductingLabels: 1 }) });
  });
  it("refuses a sweep whose job does not fit in memory / workers (ResourceError, exit 2)", () => {
    const s = parseSweep({ name: "m", base, grid: { "lattice.cells": [[6, 6, 6], [400, 400, 400]] } });
    expect(() => checkSweepMemory(s.jobs, 2, 64 * 2 ** 30)).not.toThrow(); // 64e6 sites: ~4.8 GiB < 32 GiB
    let err: unknown;
    try {
      checkSweepMemory(s.jobs, 2, 8 * 2 ** 30);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ResourceError);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      "job 1 needs about 4.8 GiB (simple-cubic 400x400x400 cells: 64000000 sites, 12800000 ions), more than this machine's 8.0 GiB shared by 2 workers (4.0 GiB each); use fewer --workers or a smaller lattice.cells",
    );
  });
});
