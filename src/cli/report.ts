/**
 * `mofhop report DIR`: remake the files of an output directory from what it holds, without
 * running anything.
 * - A sweep directory (sweep.json, results.jsonl, failures.jsonl): the journal as one tidy
 *   table, results.csv (report/sweepTable.ts: one row per job and temperature).
 * - A run directory (results.json): its CSV tables, the SVG plots made from the results
 *   alone, and an HTML page (with the voxel slice of current-slice.csv, or the particle
 *   network's slab of network-slice.json, if there).
 * - A comparison directory (NAME/results.json beside compare.csv and provenance.json): the
 *   comparison's tables, plots and page, with its provenance, its pairwise probabilities
 *   (pairwise.csv) and the measurements it read, if that file is still there unchanged.
 * Plots that need the microstructure rebuilt (a run's current-map.svg, contact-spots.svg,
 * gel-bridges.svg) are left as they are.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../core/errors.js";
import { writeFileAtomic } from "../core/files.js";
import { isResults, RESULTS_LISTS, type PairwiseRow, type Results } from "../pipeline/results.js";
import { compareReport } from "../report/compare.js";
import { parseCsv, resultTables } from "../report/csv.js";
import { sha256OfFile, type RunMeta } from "../report/provenance.js";
import { parseSliceCsv, type CurrentSliceData } from "../report/slice.js";
import { parseNetworkSliceJson, type NetworkSliceData } from "../report/networkSlice.js";
import { sweepCsv, type SweepJobRecord } from "../report/sweepTable.js";
import { loadMeasurements, type MeasuredValue } from "../scenario/measurements.js";
import { FAILURES_FILE, MANIFEST_FILE, RESULTS_FILE, readManifest, scanResults } from "../sweep/journal.js";
import { jobIndices } from "../sweep/definition.js";
import { inShard, parseShard } from "../sweep/shard.js";
import type { CommandSpec, ParsedCommand } from "./options.js";

export const REPORT_COMMANDS: readonly CommandSpec[] = [
  {
    name: "report",
    args: "DIR",
    summary: "remake an output directory's tables, plots and page from the results it holds, running nothing: a sweep's journal as one CSV table (results.csv); a run's or comparison's CSV tables, SVG plots and index.html from its results.json files",
    minArgs: 1,
    maxArgs: 1,
    options: [
      { name: "out", value: "DIR", description: "write into this directory instead of DIR itself" },
      { name: "measured", value: "FILE", description: "a comparison: measurements drawn beside the predictions (default: the file the comparison read, if it is still there and unchanged)" },
    ],
    examples: ["mofhop report runs/gb-sweep", "mofhop report results/", "mofhop report results/pellet --out pellet-page/", "mofhop report results/ --measured scenarios/paper/calibration/measurements.json"],
    notes: [
      "DIR is what one of these wrote:",
      "  mofhop sweep --out DIR (or merge --out DIR; also a run's DIR/uncertainty-samples): sweep.json, results.jsonl",
      "    -> results.csv, one row per job and temperature: job, status (done, failed, not run), one column per grid key,",
      "       scenario, temperatureK, then the results at that temperature by their path, units in the names",
      "       (effective.conductivitySPerCm, transport.Li+.tracerDiffusivityCm2PerS, kmc.totalConductivityStdErrSPerCm, ...);",
      "       the cell's experiments on the row of its temperature, the Arrhenius fits on every row of their job",
      "  mofhop run --out DIR: results.json -> its CSV tables, the SVG plots of its results, index.html",
      "  mofhop compare --out DIR: NAME/results.json, provenance.json -> compare.csv, compare.md, SVG plots, index.html, NAME/*.csv",
      "Plots that need the microstructure rebuilt (current-map.svg, contact-spots.svg, gel-bridges.svg) are left as they are.",
    ],
  },
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const EXPECTED =
  "expected results.json (written by mofhop run --out DIR), NAME/results.json beside compare.csv (mofhop compare --out DIR), or sweep.json and results.jsonl (mofhop sweep --out DIR)";

/** A results.json: the results, and its provenance (`meta`) if it has one. */
export function readResultsFile(file: string): { results: Results; meta: RunMeta | undefined } {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${file}: not readable as JSON (${e instanceof Error ? e.message : String(e)}); expected the results.json of mofhop run --out or compare --out`);
  }
  const { meta, ...results } = isRecord(v) ? v : {};
  if (!isRecord(v) || !isResults(results)) {
    throw new InputError(`${file}: not a mofhop results file; expected an object with scenario and the lists ${RESULTS_LISTS.join(", ")} (README, "Results (--json)")`);
  }
  return { results, meta: isRecord(meta) ? (meta as unknown as RunMeta) : undefined };
}

/** The slice a run or a design of a comparison wrote, if there is one. */
function readSlice(dir: string, scenario: string): CurrentSliceData | null {
  const file = join(dir, "current-slice.csv");
  return existsSync(file) ? parseSliceCsv(readFileSync(file, "utf8"), scenario, file) : null;
}

/** A particle network's slab (network-slice.json), if the directory has one. */
function readNetworkSlice(dir: string, scenario: string): NetworkSliceData | null {
  const file = join(dir, "network-slice.json");
  return existsSync(file) ? parseNetworkSliceJson(readFileSync(file, "utf8"), scenario, file) : null;
}

function writeAll(out: string, files: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(files)) writeFileAtomic(join(out, name), text);
}

/** A sweep directory: results.csv. */
function reportSweep(dir: string, out: string): number {
  const manifest = readManifest(dir);
  if (manifest === undefined) throw new InputError(`report: ${dir} has ${RESULTS_FILE} but no ${MANIFEST_FILE}, so its jobs cannot be named; ${EXPECTED}`);
  const keys = Object.keys(manifest.grid);
  const sizes = keys.map((k) => manifest.grid[k]!.length);
  const paramsOf = (job: number): Record<string, unknown> => {
    const idx = jobIndices(job, sizes);
    return Object.fromEntries(keys.map((k, a) => [k, manifest.grid[k]![idx[a]!]]));
  };
  const resultsFile = join(dir, RESULTS_FILE);
  const scan = scanResults(existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : "", (line) => (line.job >= manifest.jobCount ? `job ${line.job} is beyond the sweep's ${manifest.jobCount} jobs` : undefined));
  for (const d of scan.dropped) process.stderr.write(`mofhop: ${resultsFile} line ${d.line}: ${d.reason}; left out (resuming the sweep redoes that job)\n`);
  const jobs = new Map<number, SweepJobRecord>();
  for (const { line } of scan.kept) jobs.set(line.job, { job: line.job, params: line.params, status: "done", results: line.results });
  const failuresFile = join(dir, FAILURES_FILE);
  if (existsSync(failuresFile)) {
    for (const text of readFileSync(failuresFile, "utf8").split("\n")) {
      let f: unknown;
      try {
        f = JSON.parse(text);
      } catch {
        continue; // a note cut short by a crash is only history
      }
      if (!isRecord(f) || typeof f["job"] !== "number" || f["final"] !== true || jobs.has(f["job"])) continue;
      const error = isRecord(f["error"]) && typeof f["error"]["message"] === "string" ? f["error"]["message"] : "failed";
      jobs.set(f["job"], { job: f["job"], params: isRecord(f["params"]) ? f["params"] : paramsOf(f["job"]), status: "failed", error });
    }
  }
  const shard = manifest.shard === null ? undefined : parseShard(manifest.shard, `${join(dir, MANIFEST_FILE)}: shard`);
  for (let j = 0; j < manifest.jobCount; j++) if (inShard(j, shard) && !jobs.has(j)) jobs.set(j, { job: j, params: paramsOf(j), status: "not run" });
  const all = [...jobs.values()];
  // the grid's keys, then any others the jobs carry (an uncertainty sweep's drawn inputs: its grid is empty)
  const paramKeys = [...new Set([...keys, ...[...all].sort((a, b) => a.job - b.job).flatMap((j) => Object.keys(j.params))])];
  writeFileAtomic(join(out, "results.csv"), sweepCsv(all, paramKeys));
  const count = (s: SweepJobRecord["status"]): number => all.filter((j) => j.status === s).length;
  process.stderr.write(`mofhop: sweep '${manifest.name}'${manifest.shard !== null ? ` (shard ${manifest.shard})` : ""}: ${count("done")} jobs done, ${count("failed")} failed, ${count("not run")} not run -> ${join(out, "results.csv")}\n`);
  return 0;
}

/** A run directory: its tables, plots and a page. */
async function reportRun(dir: string, out: string): Promise<number> {
  const { results, meta } = readResultsFile(join(dir, "results.json"));
  const slice = readSlice(dir, results.scenario);
  const slab = readNetworkSlice(dir, results.scenario);
  const page = await compareReport([results], { ...(meta !== undefined ? { meta } : {}), ...(slice !== null ? { slices: [slice] } : {}), ...(slab !== null ? { networkSlices: [slab] } : {}), title: `mofhop: ${results.scenario}` });
  const files: Record<string, string> = { ...resultTables(results) };
  for (const [name, text] of Object.entries(page)) if (name.endsWith(".svg") || name === "index.html") files[name] = text;
  writeAll(out, files);
  process.stderr.write(`mofhop: ${results.scenario}: ${Object.keys(files).length} files from ${join(dir, "results.json")} (nothing rerun) -> ${join(out, "index.html")}\n`);
  return 0;
}

/** pairwise.csv back into rows. */
function readPairwise(file: string): PairwiseRow[] {
  const { rows } = parseCsv(readFileSync(file, "utf8"));
  return rows.map((r, k) => {
    const p = Number(r["probabilityAGreater"]), n = Number(r["samples"]);
    if (r["path"] === undefined || r["a"] === undefined || r["b"] === undefined || !Number.isFinite(p) || !Number.isFinite(n)) {
      throw new InputError(`${file} line ${k + 2}: expected path, label, a, b, probabilityAGreater and samples`);
    }
    return { path: r["path"], label: r["label"] ?? r["path"], a: r["a"], b: r["b"], probabilityAGreater: p, samples: n };
  });
}

/** The measurements a comparison read: --measured FILE, else the recorded file if it is unchanged. */
function comparisonMeasurements(cmd: ParsedCommand, meta: RunMeta | undefined): MeasuredValue[] {
  const given = cmd.options["measured"];
  if (typeof given === "string") return loadMeasurements(given);
  const recorded = meta?.files.find((f) => f.role === "measurements");
  if (recorded === undefined) return [];
  const file = resolve(recorded.file);
  if (existsSync(file) && sha256OfFile(file).sha256 === recorded.sha256) return loadMeasurements(file);
  process.stderr.write(`mofhop: the comparison read measurements from ${recorded.file}, which is ${existsSync(file) ? "changed since" : "not there"}; they are left out (give --measured FILE)\n`);
  return [];
}

/** The designs of a comparison directory, in the comparison's order. */
function comparisonDesigns(dir: string, meta: RunMeta | undefined): string[] {
  const present = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "results.json"))).map((e) => e.name);
  const listed = meta?.scenarios.map((s) => s.name) ?? [];
  const gone = listed.filter((n) => !present.includes(n));
  if (gone.length > 0) throw new InputError(`report: ${join(dir, "provenance.json")} lists ${gone.map((n) => `'${n}'`).join(", ")}, but ${gone.map((n) => join(dir, n, "results.json")).join(", ")} ${gone.length > 1 ? "are" : "is"} missing`);
  return [...listed, ...present.filter((n) => !listed.includes(n)).sort()];
}

/** A comparison directory: its tables, plots and page. */
async function reportComparison(cmd: ParsedCommand, dir: string, out: string): Promise<number> {
  const provenance = join(dir, "provenance.json");
  let meta: RunMeta | undefined;
  if (existsSync(provenance)) {
    try {
      meta = JSON.parse(readFileSync(provenance, "utf8")) as RunMeta;
    } catch (e) {
      throw new InputError(`${provenance}: not readable as JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!isRecord(meta) || !Array.isArray(meta.scenarios) || !Array.isArray(meta.files)) throw new InputError(`${provenance}: not a mofhop provenance file (expected scenarios and files)`);
  }
  const names = comparisonDesigns(dir, meta);
  const all = names.map((n) => readResultsFile(join(dir, n, "results.json")).results);
  const slices = names.map((n, i) => readSlice(join(dir, n), all[i]!.scenario)).filter((s): s is CurrentSliceData => s !== null);
  const networkSlices = names.map((n, i) => readNetworkSlice(join(dir, n), all[i]!.scenario)).filter((s): s is NetworkSliceData => s !== null);
  const pairwiseFile = join(dir, "pairwise.csv");
  const pairwise = existsSync(pairwiseFile) ? readPairwise(pairwiseFile) : [];
  const measured = comparisonMeasurements(cmd, meta);
  const files = await compareReport(all, { ...(meta !== undefined ? { meta } : {}), pairwise, measured, slices, networkSlices });
  writeAll(out, files);
  names.forEach((n, i) => writeAll(join(out, n), resultTables(all[i]!)));
  process.stderr.write(`mofhop: ${names.length} design${names.length > 1 ? "s" : ""} (${names.join(", ")}) from their results.json files (nothing rerun) -> ${join(out, "index.html")}\n`);
  return 0;
}

export async function reportCommand(cmd: ParsedCommand): Promise<number> {
  const dir = cmd.args[0]!;
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st === undefined) throw new InputError(`report: ${dir}: no such directory; ${EXPECTED}`);
  if (!st.isDirectory()) throw new InputError(`report: ${dir} is a file, not a directory; ${EXPECTED}`);
  const outOption = cmd.options["out"];
  const out = typeof outOption === "string" ? outOption : dir;
  const sweep = existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, RESULTS_FILE));
  const run = !sweep && existsSync(join(dir, "results.json"));
  if ((sweep || run) && cmd.options["measured"] !== undefined) throw new InputError(`report: --measured applies to a comparison's directory; ${dir} is a ${sweep ? "sweep" : "run"}'s`);
  if (sweep) return reportSweep(dir, out);
  if (run) return reportRun(dir, out);
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.some((e) => e.isDirectory() && existsSync(join(dir, e.name, "results.json")))) return reportComparison(cmd, dir, out);
  const listing = entries.map((e) => e.name + (e.isDirectory() ? "/" : "")).sort();
  const holds = listing.length === 0 ? "it is empty" : `it holds ${listing.slice(0, 8).join(", ")}${listing.length > 8 ? `, ... (${listing.length} entries)` : ""}`;
  throw new InputError(`report: ${dir} is not a mofhop output directory: ${EXPECTED}; ${holds}`);
}
