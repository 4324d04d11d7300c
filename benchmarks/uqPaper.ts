/**
 * The paper's designs with bands (opt-in: `npm run bench -- --case uq-paper`), as a user runs
 * it with the built CLI, each command in its own process:
 *   1. `calibrate scenarios/paper/pellet*.json --measurements ... --uncertainty 64`: the four
 *      pellets (one powder, each ion its own rate parameters) calibrated jointly on their
 *      conductivity and Ea (exact structure, 64 microstructure draws);
 *   2. `compare scenarios/paper/*.json --uncertainty 256 --emulate M --posterior ...`: every
 *      design's nominal run, M runs of its whole chain, 256 draws through its emulators, the
 *      pairwise probabilities and what to measure next.
 * Reports each stage's wall and CPU seconds and peak memory (a hook loaded with --import
 * writes the process's resourceUsage on exit), the machine's load, and per design how many
 * of its outputs were emulated. The issue's target (issue 10): under 10 minutes on this 2-core
 * machine. MOFHOP_UQ_RUNS sets M (default auto: each design its own 3 (k + 1) for its k
 * inputs, from 24 for bare BC to 57 for the MOF/BC mix with 18).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchCase } from "./case.js";
import { runCli } from "./mainJob.js";

const CLI = "dist/cli/main.js";
const SCENARIO_DIR = "scenarios/paper";
const MEASUREMENTS = "scenarios/paper/calibration/measurements.json";
const TARGET_SECONDS = 600;
const DRAWS = 256;
const RUNS = process.env.MOFHOP_UQ_RUNS ?? "auto";

interface Usage {
  readonly maxRSS: number;
  readonly userCPUTime: number;
  readonly systemCPUTime: number;
}

export const uqPaperCases: BenchCase[] = [
  {
    name: "uq-paper",
    description: `the paper's designs: joint calibration of the four pellets, then compare --uncertainty ${DRAWS} --emulate ${RUNS} (built CLI, own processes)`,
    async run({ log }) {
      if (!existsSync(CLI)) throw new Error(`${CLI} not found: run from the project root after npm run build`);
      const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith(".json")).sort().map((f) => join(SCENARIO_DIR, f));
      const pellets = files.filter((f) => /\/pellet[^/]*\.json$/.test(f));
      const dir = mkdtempSync(join(tmpdir(), "mofhop-bench-uq-paper-"));
      const stage = async (name: string, args: string[]) => {
        const rssFile = join(dir, `${name}.rss`);
        const t0 = performance.now();
        const { code, stderr } = await runCli(args, rssFile);
        const seconds = (performance.now() - t0) / 1000;
        if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr.slice(-2000)}`);
        const u = JSON.parse(readFileSync(rssFile, "utf8")) as Usage;
        log(`${name}: ${seconds.toFixed(1)} s`);
        return { seconds: +seconds.toFixed(1), cpuSeconds: +((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(1), rssPeakMB: Math.round(u.maxRSS / 1024) };
      };
      try {
        const load0 = loadavg();
        const posterior = join(dir, "posterior");
        const calibrate = await stage("calibrate", ["calibrate", ...pellets, "--measurements", MEASUREMENTS, "--uncertainty", "64", "--out", posterior, "--quiet"]);
        const bands = join(dir, "bands");
        const compare = await stage("compare", ["compare", ...files, "--uncertainty", String(DRAWS), "--emulate", RUNS, "--posterior", join(posterior, "posterior.json"), "--out", bands, "--quiet"]);
        const load1 = loadavg();
        const designs: Record<string, { emulated: number; runsBand: number; failedRuns: number }> = {};
        for (const name of readdirSync(bands, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
          const file = join(bands, name, "results.json");
          if (!existsSync(file)) continue;
          const u = (JSON.parse(readFileSync(file, "utf8")) as { uncertainty?: { failedSamples: number[]; outputs: { emulator?: { notEmulated?: string } }[] } }).uncertainty;
          if (u === undefined) continue;
          designs[name] = { emulated: u.outputs.filter((o) => o.emulator !== undefined && o.emulator.notEmulated === undefined).length, runsBand: u.outputs.filter((o) => o.emulator?.notEmulated !== undefined).length, failedRuns: u.failedSamples.length };
        }
        const seconds = calibrate.seconds + compare.seconds;
        return {
          seconds: +seconds.toFixed(1),
          underTarget: seconds < TARGET_SECONDS,
          draws: DRAWS,
          runs: RUNS,
          calibrate,
          compare,
          loadAverage1mBefore: +load0[0]!.toFixed(2),
          loadAverage1mAfter: +load1[0]!.toFixed(2),
          loadAverage5mAfter: +load1[1]!.toFixed(2),
          designs,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
