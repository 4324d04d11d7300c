/**
 * The sweep directory:
 *   sweep.json      the sweep's identity (hash of the expanded job list), shard, grid, base
 *   results.jsonl   one line per finished job: {"job","params","results","meta"}
 *   failures.jsonl  one line per failed attempt: {"job","params","attempt","final","kind","error","meta"}
 *   .lock           the process running the sweep (pid, host), refreshed while it runs
 *
 * A line is appended with one write of the whole line (appendFileSync) and then fsync, so
 * a crash leaves at most one partial last line. Reading treats a line without its newline,
 * an unparsable line, a line that does not match its job, and a repeated job as not
 * finished: the file is rewritten without them (to a temporary name, then renamed) before
 * anything is appended, and those jobs run again.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.js";
import { writeFileAtomic } from "../core/files.js";
import { resultsShapeProblem, type Results } from "../pipeline/results.js";
import { canonicalJson, type Sweep } from "./definition.js";

export const RESULTS_FILE = "results.jsonl";
export const FAILURES_FILE = "failures.jsonl";
export const MANIFEST_FILE = "sweep.json";
export const LOCK_FILE = ".lock";
export const MANIFEST_FORMAT = "mofhop-sweep/1";

export interface JobMeta {
  /** Worker thread id that ran the job (differs between runs; never part of `results`). */
  readonly worker: number;
  readonly seconds: number;
  readonly shard: string | null;
  /** 0 for the first attempt, 1 for the retry. */
  readonly attempt: number;
  readonly finishedAt: string;
}

export interface ResultLine {
  readonly job: number;
  readonly params: Readonly<Record<string, unknown>>;
  /** The job's run (runScenario's Results; checked by shape when read back). */
  readonly results: Results;
  readonly meta: JobMeta;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly name: string;
  readonly hash: string;
  readonly jobCount: number;
  readonly shard: string | null;
  readonly grid: Readonly<Record<string, readonly unknown[]>>;
  readonly base: Readonly<Record<string, unknown>>;
  readonly mergedFrom?: readonly string[];
}

export function manifestOf(sweep: Sweep, shard: string | null): Manifest {
  return {
    format: MANIFEST_FORMAT,
    name: sweep.name,
    hash: sweep.hash,
    jobCount: sweep.jobs.length,
    shard,
    grid: Object.fromEntries(sweep.axes.map((a) => [a.path, a.values])),
    base: sweep.base,
  };
}

/** The manifest in `dir`, or undefined when there is none. */
export function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new InputError(`${file} is not valid JSON; it is not a mofhop sweep directory (or the file was damaged)`);
  }
  const o = m as Partial<Manifest> | null;
  if (o === null || typeof o !== "object" || o.format !== MANIFEST_FORMAT || typeof o.hash !== "string" || typeof o.jobCount !== "number") {
    throw new InputError(`${file} is not a mofhop sweep manifest (format ${MANIFEST_FORMAT})`);
  }
  return o as Manifest;
}

/** Write the manifest of a new sweep directory, or check that `dir` holds this sweep and shard. */
export function claimManifest(dir: string, manifest: Manifest): void {
  const old = readManifest(dir);
  if (old === undefined) {
    if (existsSync(join(dir, RESULTS_FILE))) {
      throw new InputError(`${dir} has ${RESULTS_FILE} but no ${MANIFEST_FILE}: it was not made by mofhop sweep; use a new --out DIR`);
    }
    writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
    return;
  }
  if (old.hash !== manifest.hash) {
    throw new InputError(
      `${dir} holds a different sweep ('${old.name}', ${old.jobCount} jobs, hash ${old.hash.slice(0, 12)}) than this one ('${manifest.name}', ${manifest.jobCount} jobs, hash ${manifest.hash.slice(0, 12)}); ` +
        `resuming would mix their results: use a new --out DIR`,
    );
  }
  if (old.shard !== manifest.shard) {
    throw new InputError(`${dir} holds shard ${old.shard ?? "(all jobs)"} of this sweep, not ${manifest.shard ?? "all jobs"}; resume with the same --shard or use a new --out DIR`);
  }
}

export interface DroppedLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly job?: number;
  readonly reason: string;
}

export interface JournalScan {
  /** The good lines, in file order, with their exact text. */
  readonly kept: readonly { readonly line: ResultLine; readonly text: string }[];
  readonly dropped: readonly DroppedLine[];
}

/**
 * Split a results.jsonl text into good lines and dropped ones. `check` says why a
 * well-formed line does not belong (wrong params, job out of range); undefined if it does.
 */
export function scanResults(text: string, check: (line: ResultLine) => string | undefined): JournalScan {
  const kept: { line: ResultLine; text: string }[] = [];
  const dropped: DroppedLine[] = [];
  const seen = new Set<number>();
  const parts = text.split("\n");
  const tail = parts.pop()!; // "" when the file ends with a newline
  parts.forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.trim() === "") {
      dropped.push({ line: lineNo, reason: "empty line" });
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      dropped.push({ line: lineNo, reason: "not valid JSON" });
      return;
    }
    const shape = lineShapeProblem(v);
    if (shape !== undefined) {
      const job = (v as { job?: unknown } | null)?.job;
      dropped.push({ line: lineNo, ...(typeof job === "number" ? { job } : {}), reason: shape });
      return;
    }
    const line = v as ResultLine;
    const why = check(line);
    if (why !== undefined) {
      dropped.push({ line: lineNo, job: line.job, reason: why });
      return;
    }
    if (seen.has(line.job)) {
      dropped.push({ line: lineNo, job: line.job, reason: `job ${line.job} repeated` });
      return;
    }
    seen.add(line.job);
    kept.push({ line, text: raw });
  });
  if (tail !== "") dropped.push({ line: parts.length + 1, reason: "cut short (no newline at the end of the file)" });
  return { kept, dropped };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function lineShapeProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return "not a JSON object";
  if (typeof v.job !== "number" || !Number.isInteger(v.job) || v.job < 0) return "no job number";
  if (!isRecord(v.params)) return "no params object";
  if (!isRecord(v.results)) return "no results object";
  const results = resultsShapeProblem(v.results);
  if (results !== undefined) return `results are not a run's results (${results})`;
  if (!isRecord(v.meta)) return "no meta object";
  return undefined;
}

/** Equal as JSON values (object key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Rewrite `file` with only the kept lines (atomic: temporary name, then rename). */
export function rewriteResults(file: string, kept: JournalScan["kept"]): void {
  writeFileAtomic(file, kept.map((k) => k.text + "\n").join(""));
}

/**
 * An append-only JSONL file, opened on the first record: each record is one write of the
 * whole line, then fsync, so a crash can cut at most the last line.
 */
export class JsonlAppender {
  private fd: number | undefined;
  constructor(readonly file: string) {}
  append(record: unknown): void {
    this.fd ??= openSync(this.file, "a");
    appendFileSync(this.fd, JSON.stringify(record) + "\n");
    fsyncSync(this.fd);
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A lock older than this (not refreshed) belongs to a process that is gone. */
export const LOCK_STALE_MS = 60_000;
const LOCK_REFRESH_MS = 10_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface LockOptions {
  /** A lock not refreshed for this long is stale (default LOCK_STALE_MS). */
  readonly staleMs?: number;
  /**
   * How long to wait for a fresh lock held on another host to go stale (default: staleMs
   * plus 5 s). A task requeued by Slurm or Kubernetes onto another node after its first
   * run was killed finds that run's lock; it waits instead of failing.
   */
  readonly waitMs?: number;
  readonly onWait?: (message: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Take DIR/.lock so that two processes never run into one directory (which could run a
 * job twice). A lock is stale when its process is gone (same host) or it has not been
 * refreshed for a minute (any host); a live holder on this host is refused at once, a
 * fresh lock from another host is waited for (see LockOptions.waitMs). Returns the
 * release function.
 */
export async function acquireLock(dir: string, options: LockOptions = {}): Promise<() => void> {
  const file = join(dir, LOCK_FILE);
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const waitMs = options.waitMs ?? staleMs + 5_000;
  const me = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + "\n";
  const start = Date.now();
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, me);
      closeSync(fd);
      const timer = setInterval(() => {
        try {
          const now = new Date();
          utimesSync(file, now, now);
        } catch {
          /* the directory may be gone; nothing to refresh */
        }
      }, Math.min(LOCK_REFRESH_MS, staleMs / 4));
      timer.unref();
      return () => {
        clearInterval(timer);
        rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder: { pid?: unknown; host?: unknown } = {};
    try {
      holder = JSON.parse(readFileSync(file, "utf8")) as typeof holder;
    } catch {
      /* a lock cut short by a crash: judged by its age alone */
    }
    let age = 0;
    try {
      age = Date.now() - statSync(file).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const sameHost = holder.host === hostname();
    const dead = sameHost && typeof holder.pid === "number" && holder.pid !== process.pid && !processAlive(holder.pid);
    if (dead || age > staleMs) {
      rmSync(file, { force: true });
      continue;
    }
    const who = `process ${String(holder.pid ?? "?")} on ${String(holder.host ?? "?")}`;
    if (!sameHost && Date.now() - start < waitMs) {
      if (!told) options.onWait?.(`${dir} is locked by ${who}, refreshed ${(age / 1000).toFixed(0)} s ago; waiting for it to go stale (${(staleMs / 1000).toFixed(0)} s)`);
      told = true;
      await sleep(Math.min(1000, staleMs / 10));
      continue;
    }
    throw new InputError(`${dir} is in use by ${who} (${file}); wait for it, or delete the lock file if no sweep is running there`);
  }
}
