/**
 * A real Slurm job array on a single-node Slurm started inside the test (opt-in: CI does
 * not depend on it). Runs only with MOFHOP_SLURM_TEST=1, as root, with Debian's Slurm and
 * a working munge:
 *
 *   apt-get install -y slurmd slurmctld slurm-client munge
 *   mkdir -p /run/munge && chown munge:munge /run/munge && su -s /bin/sh munge -c munged
 *   npm run build && MOFHOP_SLURM_TEST=1 npx vitest run test/sweep-slurm.test.ts
 *
 * The test writes its own slurm.conf in a scratch directory (its own ports and state),
 * starts slurmctld and slurmd in the foreground as its children, submits
 * `sbatch --wait --array=0-2` where each task runs `--shard $SLURM_ARRAY_TASK_ID/3`,
 * merges the three shard directories and compares with an unsharded run; then stops the
 * two daemons it started.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { mergeCommand } from "../src/cli/sweepCommands.js";
import { canonicalJson, parseSweep } from "../src/sweep/definition.js";
import { RESULTS_FILE } from "../src/sweep/journal.js";
import { runSweepToEnd } from "../src/sweep/run.js";

const has = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const enabled =
  process.env.MOFHOP_SLURM_TEST === "1" &&
  ["sbatch", "slurmctld", "slurmd", "sinfo", "munge"].every(has) &&
  spawnSync("sh", ["-c", "munge -n | unmunge"]).status === 0;

const sweepJson = {
  name: "slurm-array",
  base: {
    name: "tiny",
    seed: 3,
    temperaturesK: [300],
    lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
    species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
    kmc: { equilibrationHops: 500, hops: 20_000, replicas: 2, blocks: 5 },
  },
  grid: { temperaturesK: [[280], [320]], "species.0.occupancy": [0.1, 0.2, 0.3] },
};

const daemons: ChildProcess[] = [];
afterAll(async () => {
  // stop the daemons this test started (by their pids), waiting for each to exit
  for (const d of daemons.reverse()) {
    if (d.exitCode !== null || d.signalCode !== null) continue;
    const gone = new Promise((r) => d.once("exit", r));
    d.kill("SIGTERM");
    const timer = setTimeout(() => d.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  }
}, 30_000);

describe.skipIf(!enabled)("Slurm job array (single node, started by the test)", () => {
  it("three array tasks, one shard each, merge to the unsharded results", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-slurm-"));
    for (const d of ["state", "spool", "log", "out"]) mkdirSync(join(dir, d));
    const host = hostname().split(".")[0]!;
    const conf = join(dir, "slurm.conf");
    writeFileSync(
      conf,
      [
        "ClusterName=mofhoptest",
        `SlurmctldHost=${host}`,
        "SlurmUser=root",
        "SlurmdUser=root",
        "SlurmctldPort=16817",
        "SlurmdPort=16818",
        "AuthType=auth/munge",
        `StateSaveLocation=${dir}/state`,
        `SlurmdSpoolDir=${dir}/spool`,
        `SlurmctldPidFile=${dir}/slurmctld.pid`,
        `SlurmdPidFile=${dir}/slurmd.pid`,
        `SlurmctldLogFile=${dir}/log/slurmctld.log`,
        `SlurmdLogFile=${dir}/log/slurmd.log`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core",
        "MpiDefault=none",
        "ReturnToService=2",
        `NodeName=${host} CPUs=2 RealMemory=1000 State=UNKNOWN`,
        `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      ].join("\n") + "\n",
    );
    const env = { ...process.env, SLURM_CONF: conf };
    daemons.push(spawn("slurmctld", ["-D", "-c"], { env, stdio: "ignore" }));
    await new Promise((r) => setTimeout(r, 1000));
    daemons.push(spawn("slurmd", ["-D"], { env, stdio: "ignore" }));
    const end = Date.now() + 30_000;
    while (!/idle/.test(spawnSync("sinfo", ["-h", "-o", "%T"], { env, encoding: "utf8" }).stdout)) {
      if (Date.now() > end) throw new Error(`the node did not come up; see ${dir}/log`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const sweepFile = join(dir, "sweep.json");
    writeFileSync(sweepFile, JSON.stringify(sweepJson));
    const driver = join(dir, "shard.mjs");
    const cli = pathToFileURL(join(process.cwd(), "dist", "cli", "sweepCommands.js")).href;
    writeFileSync(
      driver,
      `import { sweepCommand } from ${JSON.stringify(cli)};\n` +
        `const [file, out, shard] = process.argv.slice(2);\n` +
        `process.exit(await sweepCommand({ file, out, shard, workers: 1, quiet: true }));\n`,
    );
    const script = join(dir, "array.sh");
    writeFileSync(
      script,
      [
        "#!/bin/bash",
        "#SBATCH --job-name=mofhop-sweep",
        "#SBATCH --array=0-2",
        "#SBATCH --cpus-per-task=1",
        `#SBATCH --output=${dir}/log/task-%A_%a.out`,
        `exec ${process.execPath} ${driver} ${sweepFile} ${dir}/out/shard-$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_ID/3`,
      ].join("\n") + "\n",
    );
    const sb = spawnSync("sbatch", ["--wait", script], { env, encoding: "utf8", timeout: 120_000 });
    expect(sb.status, sb.stderr).toBe(0);

    const merged = join(dir, "out", "merged");
    expect(await mergeCommand({ dirs: [0, 1, 2].map((k) => join(dir, "out", `shard-${k}`)), out: merged })).toBe(0);
    const whole = join(dir, "out", "whole");
    await runSweepToEnd(parseSweep(sweepJson), { out: whole, workers: 2 });
    const read = (d: string): string[] =>
      readFileSync(join(d, RESULTS_FILE), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { job: number; results: unknown })
        .sort((a, b) => a.job - b.job).map((l) => canonicalJson([l.job, l.results]));
    expect(read(merged)).toEqual(read(whole));
  });
});
