/**
 * Provenance: which files, which version, which seeds, when and on what machine a run or a
 * comparison was made. It is written beside the physical results (results.json `meta`,
 * provenance.json, the HTML page's footer, compare.md) and never inside them, so the
 * results themselves stay a pure function of the scenario: two runs of the same files
 * give equal results and differ only in their `meta`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { isAbsolute, relative, resolve } from "node:path";
import { InputError } from "../core/errors.js";

/** One input file and its content hash. */
export interface FileHash {
  /** Path relative to the working directory (as given when it lies outside it). */
  readonly file: string;
  /** What the file is: "scenario", "voxels of pellet", "measurements", "posterior". */
  readonly role: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** A scenario of the run or comparison: its file, name and seed. */
export interface ScenarioMeta {
  readonly file: string;
  readonly name: string;
  readonly seed: number;
  readonly sha256: string;
}

/** The machine a run was made on (no host or user names: the page may be mailed). */
export interface MachineMeta {
  /** process.platform and process.arch, e.g. "linux", "x64". */
  readonly platform: string;
  readonly arch: string;
  /** Kernel release (os.release()). */
  readonly osRelease: string;
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
}

/** results.json `meta`, provenance.json and the page footer. */
export interface RunMeta {
  readonly mofhopVersion: string;
  /** The git commit of the mofhop checkout that ran, and whether it had uncommitted changes (absent outside a checkout). */
  readonly mofhopCommit?: string;
  readonly mofhopDirty?: boolean;
  /** ISO 8601 time the results were written. */
  readonly date: string;
  /** process.version, e.g. "v20.19.5". */
  readonly nodeVersion: string;
  readonly machine: MachineMeta;
  /** The command line after `mofhop`, e.g. ["compare", "a.json", "b.json", "--out", "cmp"]. */
  readonly argv: readonly string[];
  /** The scenario these results are of (results.json of one design). */
  readonly scenario?: ScenarioMeta;
  /** Every scenario of the run or comparison, in order. */
  readonly scenarios: readonly ScenarioMeta[];
  /** Every input file read, with its hash: scenarios, voxel files, measurements, posteriors. */
  readonly files: readonly FileHash[];
  /** --uncertainty N: the samples drawn per design (their seed is the scenario's). */
  readonly uncertaintySamples?: number;
}

/** SHA-256 of a file's bytes, hex. */
export function sha256OfFile(file: string): { sha256: string; bytes: number } {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot be read for its hash (${e instanceof Error ? e.message : String(e)})`);
  }
  return { sha256: createHash("sha256").update(data).digest("hex"), bytes: data.length };
}

/** `file` relative to `cwd` when it lies inside it, else as an absolute path. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

/** Hash each input file once (first role wins), paths shown relative to the working directory. */
export function hashFiles(inputs: readonly { readonly file: string; readonly role: string }[], cwd: string = process.cwd()): FileHash[] {
  const seen = new Set<string>();
  const out: FileHash[] = [];
  for (const { file, role } of inputs) {
    const abs = resolve(cwd, file);
    if (seen.has(abs)) continue;
    seen.add(abs);
    if (!statSync(abs, { throwIfNoEntry: false })?.isFile()) continue; // a folder (image stack) is named by its scenario
    out.push({ file: displayPath(abs, cwd), role, ...sha256OfFile(abs) });
  }
  return out;
}

/** The machine this process runs on. */
export function machineMeta(): MachineMeta {
  const cpu = cpus();
  return {
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpuCount: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/**
 * The commit of a git checkout at `root` and whether its tracked files differ from it; null
 * when `root` is not itself a checkout (an installed package inside someone else's repository
 * must not report that repository's commit) or git is not there.
 */
export function sourceRevision(root: string): { commit: string; dirty: boolean } | null {
  if (!existsSync(resolve(root, ".git"))) return null;
  const git = (...args: string[]): string | null => {
    const r = spawnSync("git", ["-C", root, ...args], { encoding: "utf8", timeout: 10_000 });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const commit = git("rev-parse", "HEAD");
  if (commit === null || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
  const status = git("status", "--porcelain", "--untracked-files=no");
  return { commit, dirty: status === null || status !== "" };
}

export interface RunMetaInput {
  readonly mofhopVersion: string;
  /** The checkout's commit (sourceRevision), when mofhop runs from one. */
  readonly source?: { readonly commit: string; readonly dirty: boolean } | null;
  readonly argv: readonly string[];
  readonly scenarios: readonly { readonly file: string; readonly name: string; readonly seed: number }[];
  /** Other input files besides the scenarios (voxel files, measurements, posteriors). */
  readonly otherFiles?: readonly { readonly file: string; readonly role: string }[];
  readonly uncertaintySamples?: number;
  /** The moment to record (default now). */
  readonly date?: Date;
  readonly cwd?: string;
}

/** Build the provenance of a run or comparison, hashing every input file. */
export function runMeta(input: RunMetaInput): RunMeta {
  const cwd = input.cwd ?? process.cwd();
  const files = hashFiles([...input.scenarios.map((s) => ({ file: s.file, role: "scenario" })), ...(input.otherFiles ?? [])], cwd);
  const byPath = new Map(files.map((f) => [f.file, f.sha256]));
  const scenarios = input.scenarios.map((s) => {
    const file = displayPath(s.file, cwd);
    return { file, name: s.name, seed: s.seed, sha256: byPath.get(file) ?? sha256OfFile(resolve(cwd, s.file)).sha256 };
  });
  return {
    mofhopVersion: input.mofhopVersion,
    ...(input.source !== undefined && input.source !== null ? { mofhopCommit: input.source.commit, mofhopDirty: input.source.dirty } : {}),
    date: (input.date ?? new Date()).toISOString(),
    nodeVersion: process.version,
    machine: machineMeta(),
    argv: [...input.argv],
    scenarios,
    files,
    ...(input.uncertaintySamples !== undefined ? { uncertaintySamples: input.uncertaintySamples } : {}),
  };
}

/** The same provenance narrowed to one design (its results.json `meta`). */
export function metaForScenario(meta: RunMeta, name: string): RunMeta {
  const scenario = meta.scenarios.find((s) => s.name === name);
  return scenario === undefined ? meta : { ...meta, scenario };
}

/** One paragraph for a page or a Markdown file. */
export function provenanceText(meta: RunMeta): string {
  const m = meta.machine;
  const scen = meta.scenarios.map((s) => `${s.file} (${s.name}, seed ${s.seed}, sha256 ${s.sha256.slice(0, 12)})`).join(", ");
  const others = meta.files.filter((f) => f.role !== "scenario");
  return (
    `Produced by mofhop ${meta.mofhopVersion}${meta.mofhopCommit !== undefined ? ` (commit ${meta.mofhopCommit.slice(0, 12)}${meta.mofhopDirty === true ? ", with uncommitted changes" : ""})` : ""} on ${meta.date} with Node ${meta.nodeVersion} on ${m.platform}/${m.arch} ` +
    `(${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB) from ${scen}` +
    (others.length > 0 ? `; other inputs: ${others.map((f) => `${f.file} (${f.role}, sha256 ${f.sha256.slice(0, 12)})`).join(", ")}` : "") +
    (meta.uncertaintySamples !== undefined ? `; --uncertainty ${meta.uncertaintySamples} (samples seeded by each scenario's seed)` : "") +
    `. Command: mofhop ${meta.argv.join(" ")}. The same files, version and seeds give the same numbers.`
  );
}
