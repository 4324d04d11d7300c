/**
 * `mofhop sweep` and `mofhop merge`: thin wrappers over sweep/ (runSweep, mergeSweepDirs).
 * Exit codes: 0 ok; 1 some job failed after its retry; 2 bad input (the message names
 * the field, value and what is allowed; also a DIR of another sweep, a shard gap or
 * duplicate, a job too big for the memory); 130 after SIGINT, 143 after SIGTERM (every
 * finished job is on disk; the rest run on resume). Messages go to stderr; stdout stays
 * empty.
 */
import { InputError } from "../core/errors.js";
import { loadSweep } from "../sweep/definition.js";
import { RESULTS_FILE } from "../sweep/journal.js";
import { mergeSweepDirs } from "../sweep/merge.js";
import { runSweepToEnd } from "../sweep/run.js";
import type { CommandSpec } from "./options.js";
import { availableParallelism } from "node:os";
import { ProgressBar, SweepFollower, WorkTracker } from "./progress.js";

/** Rows for the CLI's option table (options.ts COMMANDS). */
export const SWEEP_COMMANDS: readonly CommandSpec[] = [
  {
    name: "sweep",
    args: "SWEEP.json",
    summary: "run every job of a sweep (grid over scenario paths) into DIR; re-running resumes",
    minArgs: 1,
    maxArgs: 1,
    options: [
      { name: "out", value: "DIR", description: "sweep directory: results.jsonl, failures.jsonl, sweep.json", required: true },
      { name: "workers", value: "N", description: "worker threads (default: available CPUs)" },
      { name: "shard", value: "K/N", description: "run only the jobs with number % N == K (0 <= K < N)" },
      { name: "quiet", description: "no progress bar or notes on stderr" },
    ],
    notes: [
      "SWEEP.json: a base scenario and a grid of values at paths into it; the jobs are the grid's Cartesian product, the last key varying fastest:",
      '  { "name": "gb-and-temperature", "base": "scenarios/paper/pellet.json",',
      '    "grid": { "morphology.contacts.pressed.resistanceOhmCm2": [3e-5, 2e-4, 1e-3], "temperaturesK": [[273.15], [298.15]] } }',
    ],
    examples: [
      "mofhop sweep sweep.json --out runs/gb-sweep",
      "mofhop sweep sweep.json --out runs/shard-0 --shard 0/8 --workers 2",
      "mofhop report runs/gb-sweep",
    ],
  },
  {
    name: "merge",
    args: "DIR...",
    summary: "join shard directories into --out DIR; refuses gaps, duplicates and different sweeps",
    minArgs: 1,
    maxArgs: Infinity,
    options: [{ name: "out", value: "DIR", description: "directory for the merged results.jsonl", required: true }],
    examples: ["mofhop merge runs/shard-0 runs/shard-1 runs/shard-2 --out runs/all", "mofhop merge runs/shard-* --out runs/all"],
  },
];

export interface SweepCommandArgs {
  readonly file: string;
  readonly out: string;
  readonly workers?: number;
  readonly shard?: string;
  readonly quiet?: boolean;
}

export interface MergeCommandArgs {
  readonly dirs: readonly string[];
  readonly out: string;
}

const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

function reportInputError(e: InputError): number {
  process.stderr.write(`mofhop: ${e.message.split("\n").join("\nmofhop: ")}\n`);
  return 2;
}

export async function sweepCommand(args: SweepCommandArgs): Promise<number> {
  const quiet = args.quiet === true;
  const bar = new ProgressBar(process.stderr.isTTY === true && !quiet);
  const note = (m: string): void => {
    if (quiet) return;
    process.stderr.write(`${process.stderr.isTTY === true ? "\r\u001b[K" : ""}mofhop: ${m}\n`);
  };
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) note(`${signal}: stopping; finished jobs are saved, the others run when you resume`);
    controller.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (typeof args.out !== "string" || args.out === "") throw new InputError("sweep: --out DIR is required");
    const sweep = loadSweep(args.file);
    const workers = args.workers ?? availableParallelism();
    // one item per job: its own rates once it runs, its class's before (cli/progress.ts)
    const tracker = new WorkTracker(Math.max(1, Math.min(workers, sweep.jobs.length)), "", "jobs");
    const follower = new SweepFollower(tracker, (job) => `job ${job}`);
    const summary = await runSweepToEnd(sweep, {
      out: args.out,
      ...(args.workers !== undefined ? { workers: args.workers } : {}),
      ...(args.shard !== undefined ? { shard: args.shard } : {}),
      signal: controller.signal,
      onNotice: note,
      onProgress: (p) => {
        follower.update(p);
        if (!bar.due(p.fraction)) return;
        bar.show(tracker.estimate(), tracker.label());
      },
    });
    bar.done();
    const shardText = summary.shard === null ? "" : ` (shard ${summary.shard})`;
    note(
      `sweep '${sweep.name}'${shardText}: ${summary.jobs} jobs: ${summary.done} run now, ${summary.skipped} done before, ${summary.failed.length} failed` +
        `${summary.interrupted !== undefined ? ", interrupted" : ""} -> ${summary.dir}/${RESULTS_FILE}`,
    );
    if (summary.interrupted !== undefined) return SIGNAL_EXIT[summary.interrupted] ?? 130;
    return summary.failed.length > 0 ? 1 : 0;
  } catch (e) {
    bar.done();
    if (e instanceof InputError) return reportInputError(e);
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export async function mergeCommand(args: MergeCommandArgs): Promise<number> {
  try {
    if (typeof args.out !== "string" || args.out === "") throw new InputError("merge: --out DIR is required");
    const m = mergeSweepDirs(args.dirs, args.out);
    process.stderr.write(`mofhop: merged ${m.jobs} jobs from ${m.dirs.length} director${m.dirs.length === 1 ? "y" : "ies"} -> ${m.out}/${RESULTS_FILE}\n`);
    return 0;
  } catch (e) {
    if (e instanceof InputError) return reportInputError(e);
    throw e;
  }
}
