/**
 * Merge shard directories into one: results.jsonl sorted by job, with every job of the
 * sweep exactly once. Refuses directories of different sweeps, a job found twice, and
 * missing jobs (naming them), and a results line that is not whole (resume that shard
 * first: it repairs the file and reruns the job).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../core/errors.js";
import { writeFileAtomic } from "../core/files.js";
import { FAILURES_FILE, MANIFEST_FILE, RESULTS_FILE, readManifest, scanResults, type Manifest } from "./journal.js";

export interface MergeSummary {
  readonly out: string;
  readonly jobs: number;
  readonly dirs: readonly string[];
}

/** "1, 4-7, 9" (and "... (N in all)" past `max` ranges). */
export function jobRanges(jobs: readonly number[], max = 20): string {
  const sorted = [...new Set(jobs)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.length > max ? `${ranges.slice(0, max).join(", ")}, ... (${sorted.length} in all)` : ranges.join(", ");
}

export function mergeSweepDirs(dirs: readonly string[], out: string): MergeSummary {
  if (dirs.length === 0) throw new InputError("merge: give at least one sweep directory");
  const absDirs = dirs.map((d) => resolve(d));
  const outDir = resolve(out);
  absDirs.forEach((d, i) => {
    const j = absDirs.indexOf(d);
    if (j < i) throw new InputError(`merge: ${dirs[i]} is given twice (as ${dirs[j]} and ${dirs[i]})`);
  });
  const manifests: Manifest[] = absDirs.map((d, i) => {
    const m = readManifest(d);
    if (m === undefined) throw new InputError(`merge: ${dirs[i]} has no ${MANIFEST_FILE}; it is not a sweep directory`);
    return m;
  });
  const first = manifests[0]!;
  manifests.forEach((m, i) => {
    if (m.hash !== first.hash) {
      throw new InputError(
        `merge: ${dirs[i]} holds a different sweep ('${m.name}', ${m.jobCount} jobs, hash ${m.hash.slice(0, 12)}) than ${dirs[0]} ('${first.name}', ${first.jobCount} jobs, hash ${first.hash.slice(0, 12)})`,
      );
    }
  });
  const outManifest = readManifest(outDir);
  if (outManifest !== undefined && outManifest.hash !== first.hash) {
    throw new InputError(`merge: ${out} already holds a different sweep ('${outManifest.name}'); choose a new --out DIR`);
  }

  const owner = new Map<number, { dir: string; text: string }>();
  const duplicates = new Map<number, string[]>();
  const failureLines: { job: number; text: string }[] = [];
  absDirs.forEach((d, i) => {
    const file = join(d, RESULTS_FILE);
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    const scan = scanResults(text, (line) => (line.job >= first.jobCount ? `job ${line.job} is beyond the sweep's ${first.jobCount} jobs` : undefined));
    const repeated = scan.dropped.filter((x) => x.reason.endsWith("repeated"));
    const broken = scan.dropped.filter((x) => !x.reason.endsWith("repeated"));
    if (broken.length > 0) {
      const b = broken[0]!;
      throw new InputError(`merge: ${dirs[i]}/${RESULTS_FILE} line ${b.line}: ${b.reason}; resume that shard (mofhop sweep SWEEP.json --out ${dirs[i]} ...) to repair it first`);
    }
    for (const r of repeated) duplicates.set(r.job!, [...(duplicates.get(r.job!) ?? [dirs[i]!]), dirs[i]!]);
    for (const { line, text: t } of scan.kept) {
      const prev = owner.get(line.job);
      if (prev !== undefined) duplicates.set(line.job, [...(duplicates.get(line.job) ?? [prev.dir]), dirs[i]!]);
      else owner.set(line.job, { dir: dirs[i]!, text: t });
    }
    const ffile = join(d, FAILURES_FILE);
    if (existsSync(ffile)) {
      for (const l of readFileSync(ffile, "utf8").split("\n")) {
        try {
          const v = JSON.parse(l) as { job?: unknown };
          if (typeof v.job === "number") failureLines.push({ job: v.job, text: l });
        } catch {
          /* a cut-short failure note is only history; skip it */
        }
      }
    }
  });
  const problems: string[] = [];
  if (duplicates.size > 0) {
    const list = [...duplicates.entries()].sort((a, b) => a[0] - b[0]);
    problems.push(
      `merge: job${list.length > 1 ? "s" : ""} ${jobRanges(list.map(([j]) => j))} found more than once (` +
        list.slice(0, 5).map(([j, ds]) => `job ${j} in ${ds.join(" and ")}`).join("; ") +
        (list.length > 5 ? "; ..." : "") +
        `); the directories overlap`,
    );
  }
  const missing: number[] = [];
  for (let j = 0; j < first.jobCount; j++) if (!owner.has(j)) missing.push(j);
  if (missing.length > 0) {
    problems.push(`merge: missing job${missing.length > 1 ? "s" : ""} ${jobRanges(missing)} of ${first.jobCount}; run or resume the shard${missing.length > 1 ? "s" : ""} holding them`);
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));

  const lines = [...owner.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.text + "\n");
  writeFileAtomic(join(outDir, RESULTS_FILE), lines.join(""));
  if (failureLines.length > 0) {
    failureLines.sort((a, b) => a.job - b.job);
    writeFileAtomic(join(outDir, FAILURES_FILE), failureLines.map((f) => f.text + "\n").join(""));
  }
  const manifest: Manifest = { ...first, shard: null, mergedFrom: absDirs };
  writeFileAtomic(join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return { out: outDir, jobs: first.jobCount, dirs: absDirs };
}
