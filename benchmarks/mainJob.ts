/**
 * The main job (opt-in: `npm run bench -- --case main-job`): the README's first Quick-start
 * command, `npm run mofhop -- compare scenarios/paper/*.json --out DIR`, as a user runs it:
 * this checkout's built CLI (`node dist/cli/main.js`) in its own process, at the default
 * settings, on the bundled scenarios, into a fresh directory. Reports the wall time, the
 * process's peak resident set (all its threads; read by a hook loaded with `--import` that
 * writes `process.resourceUsage()` on exit) with its CPU seconds, the machine's load before
 * and after (the machine may be shared: cpuSeconds and coresUsed say how much of it the
 * job got), and each design's effective conductivity at 298.15 K from
 * its results.json, to check the numbers against the README's table.
 * The issue's target: under 2 minutes on the 2-core development machine.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchCase } from "./case.js";

const SCENARIO_DIR = "scenarios/paper";
const CLI = "dist/cli/main.js";
/** The target of issue 13: the main job in under 2 minutes. */
const TARGET_SECONDS = 120;

/** The exit hook, compiled beside this file (dist-bench/benchmarks/peakRssHook.js). */
export function hookUrl(): string {
  return new URL("./peakRssHook.js", import.meta.url).href;
}

export function runCli(args: readonly string[], rssFile: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", hookUrl(), CLI, ...args], {
      env: { ...process.env, MOFHOP_PEAK_RSS_FILE: rssFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

export const mainJobCases: BenchCase[] = [
  {
    name: "main-job",
    description: "the README's first command: compare scenarios/paper/*.json --out DIR (built CLI, own process, default settings)",
    async run({ log }) {
      if (!existsSync(CLI)) throw new Error(`${CLI} not found: run from the project root after npm run build`);
      // the shell's glob order (sorted names), as `scenarios/paper/*.json` expands
      const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith(".json")).sort().map((f) => join(SCENARIO_DIR, f));
      const dir = mkdtempSync(join(tmpdir(), "mofhop-bench-main-"));
      const rssFile = join(dir, "peak-rss-kb");
      const out = join(dir, "results");
      try {
        const load0 = loadavg();
        const t0 = performance.now();
        const { code, stderr } = await runCli(["compare", ...files, "--out", out], rssFile);
        const seconds = (performance.now() - t0) / 1000;
        const load1 = loadavg();
        if (code !== 0) throw new Error(`compare exited ${code}: ${stderr.slice(-2000)}`);
        log(`${files.length} scenarios in ${seconds.toFixed(1)} s`);
        const sigma: Record<string, number> = {};
        for (const name of readdirSync(out, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
          const file = join(out, name, "results.json");
          if (!existsSync(file)) continue;
          const r = JSON.parse(readFileSync(file, "utf8")) as { effective: { temperatureK: number; conductivitySPerCm: number }[] };
          const row = r.effective.find((e) => e.temperatureK === 298.15);
          if (row !== undefined) sigma[name] = row.conductivitySPerCm;
        }
        const usage = JSON.parse(readFileSync(rssFile, "utf8")) as { maxRSS: number; userCPUTime: number; systemCPUTime: number };
        const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
        return {
          seconds: +seconds.toFixed(1),
          underTarget: seconds < TARGET_SECONDS,
          rssPeakMB: Math.round(usage.maxRSS / 1024),
          // CPU seconds of all its threads, and the cores it got per wall second (2 on a quiet 2-core machine at best)
          cpuSeconds: +cpuSeconds.toFixed(1),
          coresUsed: +(cpuSeconds / seconds).toFixed(2),
          scenarios: files.length,
          loadAverage1mBefore: +load0[0]!.toFixed(2),
          loadAverage1mAfter: +load1[0]!.toFixed(2),
          loadAverage5mAfter: +load1[1]!.toFixed(2),
          sigma298SPerCm: sigma,
          cli: `node ${CLI} compare ${SCENARIO_DIR}/*.json --out DIR`,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
