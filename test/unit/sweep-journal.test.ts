/** The sweep directory's files: reading results.jsonl after a crash, the manifest, the lock, job ranges. */
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { parseSweep } from "../../src/sweep/definition.js";
import { JsonlAppender, LOCK_FILE, acquireLock, claimManifest, manifestOf, rewriteResults, scanResults, type ResultLine } from "../../src/sweep/journal.js";
import { jobRanges } from "../../src/sweep/merge.js";

const meta = { worker: 1, seconds: 0.1, shard: null, attempt: 0, finishedAt: "2025-01-01T00:00:00.000Z" };
function line(job: number): string {
  return JSON.stringify({ job, params: { seed: job }, results: { scenario: `t${job}`, transport: [], transferenceNumber: [], arrhenius: [], kmc: [], effective: [] }, meta });
}
const accept = (): undefined => undefined;

describe("scanResults", () => {
  it("keeps whole lines, in order, with their exact text", () => {
    const text = [line(2), line(0), line(1)].join("\n") + "\n";
    const s = scanResults(text, accept);
    expect(s.kept.map((k) => k.line.job)).toEqual([2, 0, 1]);
    expect(s.kept.map((k) => k.text).join("\n") + "\n").toBe(text);
    expect(s.dropped).toEqual([]);
  });
  it("a last line cut short by a crash is dropped (even when it parses)", () => {
    const full = line(0) + "\n" + line(1) + "\n";
    for (const cut of [full.length - 1, full.length - 20, line(0).length + 5]) {
      const s = scanResults(full.slice(0, cut), accept);
      expect(s.kept.map((k) => k.line.job)).toEqual([0]);
      expect(s.dropped).toEqual([{ line: 2, reason: "cut short (no newline at the end of the file)" }]);
    }
  });
  it("unparsable, malformed, repeated and foreign lines are dropped with their reason", () => {
    const text = [line(0), "{garbage", JSON.stringify({ job: 3, params: {} }), line(0), line(9), "", line(1)].join("\n") + "\n";
    const s = scanResults(text, (l: ResultLine) => (l.job === 9 ? "job 9 is not part of this sweep" : undefined));
    expect(s.kept.map((k) => k.line.job)).toEqual([0, 1]);
    expect(s.dropped).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 3, job: 3, reason: "no results object" },
      { line: 4, job: 0, reason: "job 0 repeated" },
      { line: 5, job: 9, reason: "job 9 is not part of this sweep" },
      { line: 6, reason: "empty line" },
    ]);
  });
  it("a line whose results do not have a run's shape is dropped (the runtime guard of ResultLine.results)", () => {
    const notResults = JSON.stringify({ job: 1, params: { seed: 1 }, results: { scenario: "t", x: 1 }, meta });
    const badSection = JSON.stringify({ job: 2, params: { seed: 2 }, results: { ...JSON.parse(line(2)).results, impedance: {} }, meta });
    const s = scanResults([line(0), notResults, badSection].join("\n") + "\n", accept);
    expect(s.kept.map((k) => k.line.results.scenario)).toEqual(["t0"]);
    expect(s.dropped).toEqual([
      { line: 2, job: 1, reason: "results are not a run's results (no list transport, transferenceNumber, arrhenius, kmc, effective)" },
      { line: 3, job: 2, reason: "results are not a run's results (impedance is not a list)" },
    ]);
  });
  it("rewriting keeps exactly the good lines, and appends add whole lines", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-journal-"));
    const file = join(dir, "results.jsonl");
    writeFileSync(file, line(0) + "\n" + line(1).slice(0, 30));
    const s = scanResults(readFileSync(file, "utf8"), accept);
    rewriteResults(file, s.kept);
    const a = new JsonlAppender(file);
    a.append(JSON.parse(line(1)));
    a.close();
    expect(readFileSync(file, "utf8")).toBe(line(0) + "\n" + line(1) + "\n");
  });
});

describe("manifest", () => {
  const base = {
    name: "t",
    temperaturesK: [300],
    lattice: { kind: "simple-cubic", cells: [4, 4, 4], latticeConstantAngstrom: 3 },
    species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
  };
  it("a directory made by one sweep refuses another sweep, and another shard", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-manifest-"));
    const a = parseSweep({ name: "a", base, grid: { seed: [1, 2] } });
    const b = parseSweep({ name: "b", base, grid: { seed: [1, 3] } });
    claimManifest(dir, manifestOf(a, null));
    expect(() => claimManifest(dir, manifestOf(a, null))).not.toThrow();
    expect(() => claimManifest(dir, manifestOf(b, null))).toThrow(
      new InputError(
        `${dir} holds a different sweep ('a', 2 jobs, hash ${a.hash.slice(0, 12)}) than this one ('b', 2 jobs, hash ${b.hash.slice(0, 12)}); resuming would mix their results: use a new --out DIR`,
      ),
    );
    expect(() => claimManifest(dir, manifestOf(a, "0/2"))).toThrow("holds shard (all jobs) of this sweep, not 0/2");
  });
});

describe("lock", () => {
  it("one process per directory; a dead holder's lock on this host is taken over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-lock-"));
    const release = await acquireLock(dir);
    await expect(acquireLock(dir)).rejects.toThrow(/is in use by process \d+ on /); // a live holder here: at once
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // a process that no longer exists on this host
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    (await acquireLock(dir))();
  });
  it("a fresh lock from another host is waited for until it goes stale; a refreshed one is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-lock-"));
    const file = join(dir, LOCK_FILE);
    writeFileSync(file, JSON.stringify({ pid: 1, host: "elsewhere" }));
    const old = new Date(Date.now() - 800);
    utimesSync(file, old, old); // goes stale in ~200 ms at staleMs 1000
    const waits: string[] = [];
    const t = Date.now();
    (await acquireLock(dir, { staleMs: 1000, waitMs: 3000, onWait: (m) => waits.push(m) }))();
    expect(Date.now() - t).toBeGreaterThanOrEqual(150);
    expect(waits).toEqual([`${dir} is locked by process 1 on elsewhere, refreshed 1 s ago; waiting for it to go stale (1 s)`]);
    // a holder that keeps refreshing (a live run elsewhere): refused after the wait
    writeFileSync(file, JSON.stringify({ pid: 1, host: "elsewhere" }));
    const keep = setInterval(() => utimesSync(file, new Date(), new Date()), 50);
    await expect(acquireLock(dir, { staleMs: 1000, waitMs: 400 })).rejects.toThrow(`${dir} is in use by process 1 on elsewhere`);
    clearInterval(keep);
  });
});

describe("jobRanges", () => {
  it("compresses runs", () => {
    expect(jobRanges([9, 1, 2, 3, 5, 7, 8])).toBe("1-3, 5, 7-9");
    expect(jobRanges([0, 2, 4, 6], 2)).toBe("0, 2, ... (4 in all)");
  });
});
