/**
 * Sweeps end to end on real worker threads (the built worker in dist/; `npm test` builds
 * first): 1 and 2 workers agree; a sweep killed with SIGKILL and resumed, three shards
 * merged, a cut-short journal repaired, and a run with failing jobs all give exactly the
 * results of one uninterrupted run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ResourceError } from "../src/core/errors.js";
import { mergeCommand, sweepCommand } from "../src/cli/sweepCommands.js";
import { canonicalJson, parseSweep, type Sweep } from "../src/sweep/definition.js";
import { FAILURES_FILE, LOCK_FILE, MANIFEST_FILE, RESULTS_FILE } from "../src/sweep/journal.js";
import { runSweep, runSweepToEnd, type JobOutcome, type SweepProgress } from "../src/sweep/run.js";

const distSweep = join(process.cwd(), "dist", "sweep", "index.js");
const distCli = join(process.cwd(), "dist", "cli", "sweepCommands.js");

// 12 jobs of ~50-100 ms each: long enough to kill a run in the middle, short enough for CI
const sweepJson = {
  name: "t-occ-hops",
  base: {
    name: "tiny",
    seed: 11,
    temperaturesK: [300],
    lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
    species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
    kmc: { equilibrationHops: 2000, hops: 600_000, replicas: 2, blocks: 5 },
  },
  grid: { temperaturesK: [[280], [320]], "species.0.occupancy": [0.1, 0.2, 0.3], "kmc.hops": [500_000, 700_000] },
};
const JOBS = 12;

let root = "";
let sweepFile = "";
let sweep: Sweep;
let reference = new Map<number, string>();
let counter = 0;
const fresh = (name: string): string => join(root, `${name}-${counter++}`);

interface Line {
  job: number;
  params: Record<string, unknown>;
  results: Record<string, unknown>;
  meta: { worker: number; seconds: number; shard: string | null; attempt: number; finishedAt: string };
}
function lines(dir: string, file = RESULTS_FILE): Line[] {
  const p = join(dir, file);
  if (!existsSync(p)) return [];
  return readFileSync(p, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Line);
}
/** job -> canonical results text; fails on a repeated job. */
function resultsByJob(dir: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const l of lines(dir)) {
    expect(m.has(l.job), `job ${l.job} appears twice in ${dir}`).toBe(false);
    m.set(l.job, canonicalJson(l.results));
  }
  return m;
}
function expectReference(dir: string): void {
  const got = resultsByJob(dir);
  expect([...got.keys()].sort((a, b) => a - b)).toEqual([...reference.keys()].sort((a, b) => a - b));
  for (const [job, text] of reference) expect(got.get(job), `job ${job}`).toBe(text);
}

function driver(name: string, body: string): string {
  const f = join(root, name);
  writeFileSync(f, body);
  return f;
}
function countLines(dir: string): number {
  const p = join(dir, RESULTS_FILE);
  return existsSync(p) ? readFileSync(p, "utf8").split("\n").length - 1 : 0;
}
async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
}

beforeAll(async () => {
  if (!existsSync(distSweep) || !existsSync(join(process.cwd(), "dist", "sweep", "worker.js"))) {
    throw new Error("dist/sweep is missing: run `npm run build` first (npm test does)");
  }
  root = mkdtempSync(join(tmpdir(), "mofhop-sweep-"));
  sweepFile = join(root, "sweep.json");
  writeFileSync(sweepFile, JSON.stringify(sweepJson));
  sweep = parseSweep(sweepJson);
  // the reference: one uninterrupted run on 2 workers
  const dir = join(root, "reference");
  const outcomes: JobOutcome[] = [];
  for await (const o of runSweep(sweep, { out: dir, workers: 2 })) outcomes.push(o);
  expect(outcomes.map((o) => o.status)).toEqual(Array(JOBS).fill("done"));
  reference = resultsByJob(dir);
  expect(reference.size).toBe(JOBS);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("sweep runs", () => {
  it("writes one line per job with params, results and meta; the iterator yields each line", () => {
    const ls = lines(join(root, "reference"));
    expect(ls).toHaveLength(JOBS);
    for (const l of ls) {
      expect(Object.keys(l)).toEqual(["job", "params", "results", "meta"]);
      expect(l.params).toEqual(sweep.jobs[l.job]!.params);
      expect(Object.keys(l.meta).sort()).toEqual(["attempt", "finishedAt", "seconds", "shard", "worker"]);
      expect(l.meta.attempt).toBe(0);
      expect(l.meta.shard).toBeNull();
      expect((l.results as { transport: { temperatureK: number }[] }).transport[0]!.temperatureK).toEqual((l.params.temperaturesK as number[])[0]);
    }
    expect(existsSync(join(root, "reference", LOCK_FILE))).toBe(false);
    expect(existsSync(join(root, "reference", FAILURES_FILE))).toBe(false);
  });

  it("1 worker gives the identical results of 2 workers; progress reaches 1", async () => {
    const dir = fresh("one-worker");
    const progress: SweepProgress[] = [];
    const summary = await runSweepToEnd(sweep, { out: dir, workers: 1, onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ jobs: JOBS, done: JOBS, skipped: 0, failed: [], complete: true });
    expectReference(dir);
    expect(progress.at(-1)).toMatchObject({ fraction: 1, done: JOBS, todo: JOBS, running: 0 });
    expect(new Set(lines(dir).map((l) => l.meta.worker)).size).toBe(1);
    // running again skips everything and changes nothing
    const before = readFileSync(join(dir, RESULTS_FILE), "utf8");
    const again = await runSweepToEnd(sweep, { out: dir, workers: 2 });
    expect(again).toMatchObject({ done: 0, skipped: JOBS, complete: true });
    expect(readFileSync(join(dir, RESULTS_FILE), "utf8")).toBe(before);
  });

  it("killed with SIGKILL mid-run and resumed: exactly the uninterrupted results, no job twice", async () => {
    const dir = fresh("killed");
    const d = driver(
      "drive-kill.mjs",
      `import { loadSweep, runSweepToEnd } from ${JSON.stringify(pathToFileURL(distSweep).href)};\n` +
        `const [file, out] = process.argv.slice(2);\n` +
        `await runSweepToEnd(loadSweep(file), { out, workers: 1 });\n`,
    );
    const child = spawn(process.execPath, [d, sweepFile, dir], { stdio: "ignore" });
    const exit = exited(child);
    await waitFor(() => countLines(dir) >= 3, 60_000, "3 finished jobs");
    child.kill("SIGKILL");
    expect((await exit).signal).toBe("SIGKILL");
    const atKill = countLines(dir);
    expect(atKill).toBeLessThan(JOBS); // really killed mid-run
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true); // left behind by the killed process
    const summary = await runSweepToEnd(sweep, { out: dir, workers: 2 });
    expect(summary.skipped).toBeGreaterThanOrEqual(3);
    expect(summary.skipped + summary.done).toBe(JOBS);
    expect(summary.complete).toBe(true);
    expect(lines(dir)).toHaveLength(JOBS);
    expectReference(dir);
  });

  it("SIGTERM stops cleanly: exit 143, whole lines, lock released; resuming completes", async () => {
    const dir = fresh("sigterm");
    const d = driver(
      "drive-cli.mjs",
      `import { sweepCommand } from ${JSON.stringify(pathToFileURL(distCli).href)};\n` +
        `const [file, out] = process.argv.slice(2);\n` +
        `process.exit(await sweepCommand({ file, out, workers: 2, quiet: true }));\n`,
    );
    const child = spawn(process.execPath, [d, sweepFile, dir], { stdio: "ignore" });
    const exit = exited(child);
    await waitFor(() => countLines(dir) >= 1, 60_000, "a finished job");
    child.kill("SIGTERM");
    const { code } = await exit;
    expect(code).toBe(143);
    const text = readFileSync(join(dir, RESULTS_FILE), "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(lines(dir).length).toBeLessThan(JOBS);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await runSweepToEnd(sweep, { out: dir, workers: 2 });
    expectReference(dir);
  });

  it("a cut-short last line, a garbled line and a repeated line are dropped (file rewritten); the lost jobs are redone", async () => {
    const dir = fresh("truncated");
    mkdirSync(dir);
    copyFileSync(join(root, "reference", MANIFEST_FILE), join(dir, MANIFEST_FILE));
    const ref = readFileSync(join(root, "reference", RESULTS_FILE), "utf8").split("\n").filter((l) => l !== "");
    const lastJob = (JSON.parse(ref.at(-1)!) as Line).job;
    const garbledJob = (JSON.parse(ref[3]!) as Line).job;
    const firstJob = (JSON.parse(ref[0]!) as Line).job;
    const body = [...ref.slice(0, -1), ref[0]!]; // line 12 repeats line 1
    body[3] = "#" + body[3]!.slice(1);
    writeFileSync(join(dir, RESULTS_FILE), body.join("\n") + "\n" + ref.at(-1)!.slice(0, 100));
    const notices: string[] = [];
    const summary = await runSweepToEnd(sweep, { out: dir, workers: 2, onNotice: (m) => notices.push(m) });
    expect(summary.dropped.map((x) => x.line)).toEqual([4, JOBS, JOBS + 1]);
    expect(summary.done).toBe(2);
    expect(notices.slice(0, 3)).toEqual([
      `${RESULTS_FILE} line 4: not valid JSON; dropped`,
      `${RESULTS_FILE} line ${JOBS}: job ${firstJob} repeated; dropped`,
      `${RESULTS_FILE} line ${JOBS + 1}: cut short (no newline at the end of the file); dropped`,
    ]);
    expect(lines(dir).slice(-2).map((l) => l.job).sort()).toEqual([lastJob, garbledJob].sort());
    expect(lines(dir)).toHaveLength(JOBS);
    expectReference(dir);
  });
});

describe("shards and merge", () => {
  let shardDirs: string[] = [];
  beforeAll(async () => {
    shardDirs = [0, 1, 2].map((k) => join(root, `shard-${k}`));
    for (let k = 0; k < 3; k++) {
      const s = await runSweepToEnd(sweep, { out: shardDirs[k]!, workers: 1, shard: `${k}/3` });
      expect(s).toMatchObject({ jobs: 4, done: 4, shard: `${k}/3`, complete: true });
      expect(lines(shardDirs[k]!).map((l) => l.job % 3)).toEqual([k, k, k, k]);
    }
  });
  it("three shards merged give the uninterrupted results, sorted by job", async () => {
    const out = fresh("merged");
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await mergeCommand({ dirs: [shardDirs[2]!, shardDirs[0]!, shardDirs[1]!], out })).toBe(0);
    expect(lines(out).map((l) => l.job)).toEqual([...Array(JOBS).keys()]);
    expectReference(out);
    expect(lines(out).every((l) => l.meta.shard === `${l.job % 3}/3`)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, MANIFEST_FILE), "utf8"))).toMatchObject({ shard: null, hash: sweep.hash, jobCount: JOBS });
  });
  it("a shard with no jobs (N above the job count) runs nothing and is complete", async () => {
    const notices: string[] = [];
    const s = await runSweepToEnd(sweep, { out: fresh("empty-shard"), workers: 2, shard: "13/20", onNotice: (m) => notices.push(m) });
    expect(s).toMatchObject({ jobs: 0, done: 0, complete: true, shard: "13/20" });
    expect(notices).toEqual(["shard 13/20 has no jobs (the sweep has 12); nothing to run"]);
  });
  it("refuses gaps, duplicates and different sweeps, naming the jobs", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await mergeCommand({ dirs: [shardDirs[0]!, shardDirs[2]!], out: fresh("gap") })).toBe(2);
    expect(String(err.mock.calls.at(-1)![0])).toBe("mofhop: merge: missing jobs 1, 4, 7, 10 of 12; run or resume the shards holding them\n");

    const copy = fresh("copy");
    mkdirSync(copy);
    for (const f of [MANIFEST_FILE, RESULTS_FILE]) copyFileSync(join(shardDirs[1]!, f), join(copy, f));
    expect(await mergeCommand({ dirs: [...shardDirs, copy], out: fresh("dup") })).toBe(2);
    expect(String(err.mock.calls.at(-1)![0])).toBe(
      `mofhop: merge: jobs 1, 4, 7, 10 found more than once (job 1 in ${shardDirs[1]} and ${copy}; job 4 in ${shardDirs[1]} and ${copy}; ` +
        `job 7 in ${shardDirs[1]} and ${copy}; job 10 in ${shardDirs[1]} and ${copy}); the directories overlap\n`,
    );

    const other = fresh("other");
    await runSweepToEnd(parseSweep({ ...sweepJson, grid: { seed: [1] } }), { out: other, workers: 1 });
    expect(await mergeCommand({ dirs: [shardDirs[0]!, other], out: fresh("mixed") })).toBe(2);
    expect(String(err.mock.calls.at(-1)![0])).toMatch(/^mofhop: merge: .*other-\d+ holds a different sweep \('t-occ-hops', 1 jobs, hash [0-9a-f]{12}\) than .*shard-0 \('t-occ-hops', 12 jobs/);
  });
  it("a DIR made by another sweep (or shard) is refused with exit 2", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const otherFile = join(root, "other-sweep.json");
    writeFileSync(otherFile, JSON.stringify({ ...sweepJson, grid: { ...sweepJson.grid, "kmc.hops": [500_000] } }));
    expect(await sweepCommand({ file: otherFile, out: join(root, "reference"), workers: 1, quiet: true })).toBe(2);
    expect(String(err.mock.calls[0]![0])).toMatch(/^mofhop: .*reference holds a different sweep \('t-occ-hops', 12 jobs, hash \w{12}\) than this one \('t-occ-hops', 6 jobs, hash \w{12}\); resuming would mix their results: use a new --out DIR\n$/);
    expect(await sweepCommand({ file: sweepFile, out: shardDirs[0]!, shard: "1/3", quiet: true })).toBe(2);
    expect(String(err.mock.calls[1]![0])).toContain("holds shard 0/3 of this sweep, not 1/3");
  });
});

describe("faults", () => {
  it("a job that throws or loses its worker is logged and retried once; the others go on", async () => {
    const dir = fresh("faults");
    const fault = (job: number, attempt: number): "throw" | "exit" | "refuse" | undefined =>
      job === 1 && attempt === 0 ? "throw" : job === 2 ? "exit" : job === 4 && attempt === 0 ? "exit" : job === 7 ? "throw" : job === 9 ? "refuse" : undefined;
    const notices: string[] = [];
    const outcomes: JobOutcome[] = [];
    const it = runSweep(sweep, { out: dir, workers: 2, injectFault: fault, onNotice: (m) => notices.push(m) });
    let r = await it.next();
    while (r.done !== true) {
      outcomes.push(r.value);
      r = await it.next();
    }
    const summary = r.value;
    expect(summary).toMatchObject({ done: JOBS - 3, failed: [2, 7, 9], complete: false });
    // a job whose input its run refuses is not retried: it would be refused again
    expect(outcomes.filter((o) => o.status === "failed").map((o) => (o.status === "failed" ? [o.job, o.attempts] : [])).sort()).toEqual([[2, 2], [7, 2], [9, 1]]);
    const f = lines(dir, FAILURES_FILE) as unknown as { job: number; attempt: number; final: boolean; kind: string; error: { message: string } }[];
    const rows = f.map((x) => [x.job, x.attempt, x.final, x.kind]).sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
    expect(rows).toEqual([
      [1, 0, false, "threw"],
      [2, 0, false, "worker-died"],
      [2, 1, true, "worker-died"],
      [4, 0, false, "worker-died"],
      [7, 0, false, "threw"],
      [7, 1, true, "threw"],
      [9, 0, true, "threw"],
    ]);
    expect(f.find((x) => x.job === 2)!.error.message).toBe("worker exited with code: 70");
    expect(f.find((x) => x.job === 7)!.error.message).toBe("injected fault in job 7, attempt 0");
    expect(notices).toContain("job 7 (temperaturesK=[320], species.0.occupancy=0.1, kmc.hops=700000) threw again: injected fault in job 7, attempt 1; recorded in failures.jsonl");
    expect(notices.find((m) => m.startsWith("job 9 "))).toMatch(/^job 9 \(.*\) was refused as input: injected refusal of job 9's input, attempt 0; not retried \(it would be refused again\); recorded in failures.jsonl$/);
    const retried = lines(dir).filter((l) => l.job === 1 || l.job === 4);
    expect(retried.map((l) => l.meta.attempt)).toEqual([1, 1]);
    // the failed jobs run again on resume; then everything equals the reference
    const again = await runSweepToEnd(sweep, { out: dir, workers: 2 });
    expect(again).toMatchObject({ done: 3, skipped: JOBS - 3, failed: [], complete: true });
    expectReference(dir);
  });

  it("the CLI exits 1 when a job fails (here: a box that cannot be neutral, refused as input and so not retried)", async () => {
    const dir = fresh("cli-fail");
    const file = join(root, "uio-sweep.json");
    writeFileSync(file, JSON.stringify({
      name: "uio",
      base: { name: "uio", temperaturesK: [300], lattice: { kind: "uio67-so3", cells: [2, 2, 2] }, species: [{ name: "Li+", charge: 1 }], kmc: { equilibrationHops: 10, hops: 100, replicas: 1 } },
      grid: { "species.0.count": [5] },
    }));
    expect(await sweepCommand({ file, out: dir, workers: 1, quiet: true })).toBe(1);
    const f = lines(dir, FAILURES_FILE) as unknown as { attempt: number; final: boolean; error: { name: string; message: string } }[];
    expect(f.map((x) => [x.attempt, x.final])).toEqual([[0, true]]);
    expect(f[0]!.error.name).toBe("InputError");
    expect(f[0]!.error.message).toMatch(/^species: the box is not neutral/);
  });

  it("the memory guard refuses before anything is written", async () => {
    const dir = fresh("memory");
    await expect(runSweepToEnd(sweep, { out: dir, workers: 2, totalMemoryBytes: 100 * 2 ** 20 })).rejects.toThrow(ResourceError);
    expect(existsSync(dir)).toBe(false);
  });
});
