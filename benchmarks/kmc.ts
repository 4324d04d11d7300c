/**
 * KMC benchmark cases.
 * kmc-standard (DESIGN.md): simple cubic L = 64 (262,144 sites), 10 % occupancy, one
 * species, Ea 0.16 eV, T 298 K, nu 1e13 Hz, field bias qEa/kT = 0.1 along x, 2e7 hops
 * timed after 1e6 warm-up. The C reference (../shared/bench-ref/run.sh kmc-standard, its
 * fastest scheme) runs in the same process tree right after, so the ratio compares like
 * with like on a noisy shared machine.
 * kmc-uio67: the production workload, the lattice, ion count, barriers and site energies of
 * scenarios/paper/pellet.json (read through the scenario loader, at its 298.15 K), 2e7 hops
 * timed after 1e6 warm-up with the scheme chooseScheme picks, the class and tree schemes beside
 * it (2e6 hops each).
 * kmc-uio67-precision (opt-in): wall time until sigma's relative standard error reaches 2 %, for
 * two block lengths (the error is set by the number of blocks, each one sample of the
 * collective displacement, so shorter blocks that are still much longer than the hop-hop
 * correlations reach it sooner).
 * kmc-uio67-workers (opt-in): the same model, 4 replicas of 4e6 hops after 1e5, on one
 * thread (runKmc) and on 1 and 2 worker threads (runKmcOnWorkers, threads started in the
 * timing) in three alternated rounds: wall times, the parallel efficiency t1 / (2 t2) of each
 * round and their median, and whether all results are identical.
 * kmc-scaling: the same at L = 32, 64, 96, 128 (events/s should not fall beyond cache effects).
 * rng: xoshiro128** against seedrandom's generators (why the hot loop does not use seedrandom).
 */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import seedrandom from "seedrandom";
import type { BenchCase, BenchOptions } from "./case.js";
import { cubicLattice } from "../src/structure/lattice/cubic.js";
import { KmcEngine, type Scheme } from "../src/transport/kmc/engine.js";
import { createStream } from "../src/core/rng.js";
import { BOLTZMANN_EV_PER_K } from "../src/core/constants.js";
import { loadScenario } from "../src/scenario/load.js";
import { buildKmcModel, buildLattice } from "../src/pipeline/kmcModel.js";
import type { KmcModel } from "../src/transport/kmc/model.js";
import { runKmc, type KmcRunOptions } from "../src/transport/kmc/run.js";
import { runKmcOnWorkers } from "../src/sweep/kmcReplicas.js";

interface KmcBenchResult {
  eventsPerSecond: number;
  /** Hops per second of this thread's CPU time: the wall-clock figure without the time other processes held the core. */
  eventsPerCpuSecond: number;
  seconds: number;
  bytesPerSite: number;
  acceptance: number;
  driftOverExact: number;
  scheme: Scheme;
}

/** Run the standard lattice gas at side L; time `hops` after `warmup`. */
function runStandard(L: number, hops: number, warmup: number, scheme: Scheme = "null-event"): KmcBenchResult {
  const temperatureK = 298;
  const aAngstrom = 1;
  const kT = BOLTZMANN_EV_PER_K * temperatureK;
  // qEa/kT = 0.1 -> E = 0.1 kT / (e a); kT in eV = volts for q = e; a in cm
  const fieldVPerCm = (0.1 * kT) / (aAngstrom * 1e-8);
  const lattice = cubicLattice({ kind: "simple-cubic", cells: [L, L, L], latticeConstantAngstrom: aAngstrom });
  const count = Math.round(0.1 * lattice.siteCount);
  const engine = new KmcEngine(
    {
      lattice,
      species: [{ name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.16], siteEnergyEV: [0], count }],
      temperatureK,
      fieldVPerCm: [fieldVPerCm, 0, 0],
    },
    createStream(1, "bench", "kmc-standard", L),
    scheme,
  );
  engine.advance(warmup);
  engine.reset();
  const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
  const dt = engine.advance(hops);
  const seconds = Number(process.hrtime.bigint() - t0) * 1e-9;
  const cpu = process.cpuUsage(c0), cpuSeconds = (cpu.user + cpu.system) * 1e-6;
  // exact drift of the driven lattice gas: v = sum_d r_d dx_d (M - N)/(M - 1)
  const gamma = 1e13 * Math.exp(-0.16 / kT);
  const v0 = gamma * (Math.exp(0.05) - Math.exp(-0.05));
  const vExact = (v0 * (lattice.siteCount - count)) / (lattice.siteCount - 1);
  const vDrift = engine.speciesDisplacement()[0]! / count / dt;
  return {
    eventsPerSecond: hops / seconds,
    eventsPerCpuSecond: hops / cpuSeconds,
    seconds,
    bytesPerSite: bytesPerSite(engine),
    acceptance: engine.hops / engine.attempts,
    driftOverExact: vDrift / vExact,
    scheme: engine.scheme,
  };
}

/** Bytes of the engine's typed arrays (state, pair energies, the scheme's tables) per lattice site. */
function bytesPerSite(engine: KmcEngine): number {
  return engine.byteLength() / engine.lattice.siteCount;
}

/** The KMC model of scenarios/paper/pellet.json at 298.15 K, through the project's loader. */
export function pelletModel(): KmcModel {
  const { scenario } = loadScenario("scenarios/paper/pellet.json");
  const temperatureK = scenario.temperaturesK.find((t) => Math.abs(t - 298.15) < 1e-9) ?? scenario.temperaturesK[0]!;
  return buildKmcModel(scenario, buildLattice(scenario), temperatureK);
}

/** Time `hops` hops of `model` after `warmup`, with `scheme` (chooseScheme's when undefined). */
function runModel(model: KmcModel, hops: number, warmup: number, scheme?: Scheme): Omit<KmcBenchResult, "driftOverExact"> & { typeOccupancy: number[] } {
  const engine = new KmcEngine(model, createStream(1, "bench", "kmc-uio67"), scheme);
  engine.advance(warmup);
  engine.reset();
  const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
  engine.advance(hops);
  const seconds = Number(process.hrtime.bigint() - t0) * 1e-9;
  const cpu = process.cpuUsage(c0), cpuSeconds = (cpu.user + cpu.system) * 1e-6;
  const L = model.lattice, nT = L.siteTypeNames.length;
  const mean = engine.meanTypeCounts();
  const typeOccupancy = L.siteTypeNames.map((_, t) => {
    let n = 0;
    for (let s = 0; s < model.species.length; s++) n += mean[s * nT + t]!;
    let sites = 0;
    for (let b = 0; b < L.basisCount; b++) if (L.basisSiteType[b] === t) sites++;
    return +(n / (sites * L.cells[0] * L.cells[1] * L.cells[2])).toFixed(4);
  });
  return {
    eventsPerSecond: hops / seconds,
    eventsPerCpuSecond: hops / cpuSeconds,
    seconds,
    bytesPerSite: bytesPerSite(engine),
    acceptance: engine.hops / engine.attempts,
    scheme: engine.scheme,
    typeOccupancy,
  };
}

function reference(options: BenchOptions, alg: string): Record<string, unknown> | undefined {
  const script = resolve(process.cwd(), "..", "shared", "bench-ref", "run.sh");
  if (!options.withReference || !existsSync(script)) return undefined;
  const out = spawnSync("bash", [script, "kmc-standard", alg], { encoding: "utf8", timeout: 600_000 });
  const line = out.stdout?.trim().split("\n").pop();
  if (out.status !== 0 || line === undefined || !line.startsWith("{")) {
    options.log(`reference ${alg} failed: ${out.stderr?.slice(0, 300)}`);
    return undefined;
  }
  return JSON.parse(line) as Record<string, unknown>;
}

export const kmcCases: BenchCase[] = [
  {
    name: "kmc-standard",
    description: "simple cubic L=64, 10% occupancy, field bias 0.1, 2e7 hops after 1e6 warm-up",
    async run(options) {
      const ours = runStandard(64, 2e7, 1e6);
      options.log(`mofhop null-event: ${(ours.eventsPerSecond / 1e6).toFixed(2)} M events/s`);
      const tree = runStandard(64, 2e6, 1e5, "tree");
      options.log(`mofhop tree: ${(tree.eventsPerSecond / 1e6).toFixed(2)} M events/s`);
      const refRej = reference(options, "rejection");
      const refTree = reference(options, "tree");
      const fields: Record<string, unknown> = {
        eventsPerSecond: Math.round(ours.eventsPerSecond),
        eventsPerCpuSecond: Math.round(ours.eventsPerCpuSecond),
        seconds: +ours.seconds.toFixed(3),
        scheme: ours.scheme,
        acceptance: +ours.acceptance.toFixed(4),
        bytesPerSite: +ours.bytesPerSite.toFixed(2),
        driftOverExact: +ours.driftOverExact.toFixed(4),
        treeEventsPerSecond: Math.round(tree.eventsPerSecond),
      };
      if (refRej !== undefined) {
        fields.referenceEventsPerSecond = refRej.eventsPerSecond;
        fields.referenceScheme = "C rejection (kmc_ref.c)";
        fields.ratioToReference = +(ours.eventsPerSecond / (refRej.eventsPerSecond as number)).toFixed(3);
      } else fields.referenceAvailable = false;
      if (refTree !== undefined) {
        fields.referenceTreeEventsPerSecond = refTree.eventsPerSecond;
        fields.treeRatioToReferenceTree = +(tree.eventsPerSecond / (refTree.eventsPerSecond as number)).toFixed(3);
      }
      // lattice_mc (public Python code) figure from ../shared/bench-ref/README.md (not rerun: ~4 events/s)
      fields.latticeMcEventsPerSecond = 4;
      return fields;
    },
  },
  {
    name: "kmc-uio67",
    description: "scenarios/paper/pellet.json's uio67-so3 lattice, ions, barriers and site energies at 298.15 K, 2e7 hops after 1e6 warm-up",
    async run(options) {
      const model = pelletModel();
      const ours = runModel(model, 2e7, 1e6);
      options.log(`mofhop ${ours.scheme}: ${(ours.eventsPerSecond / 1e6).toFixed(2)} M events/s, ${ours.bytesPerSite.toFixed(1)} B/site`);
      const fields: Record<string, unknown> = {
        eventsPerSecond: Math.round(ours.eventsPerSecond),
        eventsPerCpuSecond: Math.round(ours.eventsPerCpuSecond),
        seconds: +ours.seconds.toFixed(3),
        scheme: ours.scheme,
        acceptance: +ours.acceptance.toFixed(4),
        bytesPerSite: +ours.bytesPerSite.toFixed(2),
        sites: model.lattice.siteCount,
        ions: model.species.reduce((n, sp) => n + sp.count, 0),
        occupancyBySiteType: Object.fromEntries(model.lattice.siteTypeNames.map((n, t) => [n, ours.typeOccupancy[t]])),
      };
      // the other exact schemes, on fewer hops, with their occupancies (same process: equal within noise)
      for (const scheme of ["class", "tree"] as const) {
        if (scheme === ours.scheme) continue;
        const other = runModel(model, 2e6, 1e5, scheme);
        options.log(`mofhop ${scheme}: ${(other.eventsPerSecond / 1e6).toFixed(2)} M events/s, ${other.bytesPerSite.toFixed(1)} B/site`);
        fields[`${scheme}EventsPerSecond`] = Math.round(other.eventsPerSecond);
        fields[`${scheme}EventsPerCpuSecond`] = Math.round(other.eventsPerCpuSecond);
        fields[`${scheme}BytesPerSite`] = +other.bytesPerSite.toFixed(2);
        fields[`speedupOver${scheme === "tree" ? "Tree" : "Class"}`] = +(ours.eventsPerSecond / other.eventsPerSecond).toFixed(2);
        fields[`${scheme}OccupancyBySiteType`] = Object.fromEntries(model.lattice.siteTypeNames.map((n, t) => [n, other.typeOccupancy[t]]));
      }
      return fields;
    },
  },
  {
    name: "kmc-uio67-precision",
    description: "kmc-uio67's model at 298.15 K, 4 replicas: wall time until sigma's relative standard error is 2 %, with the paper scenarios' blocks (4e5 hops in 20: 2e4 hops, 15 per ion) and blocks of 8e3 hops (6 per ion)",
    async run(options) {
      const model = pelletModel();
      const fields: Record<string, unknown> = {};
      for (const [label, hopsPerBlock] of [["paperBlocks", 2e4], ["shortBlocks", 8e3]] as const) {
        // hops double until the target is met, at a fixed block length: more blocks, not longer ones
        const run: KmcRunOptions = { replicas: 4, equilibrationHops: 1e5, hops: 20 * hopsPerBlock, blocks: 20, targetRelativeError: 0.02, maxHops: 2e8 };
        const t0 = process.hrtime.bigint();
        const out = runKmc(model, run, (r) => createStream(1, "bench", "precision", r));
        const seconds = Number(process.hrtime.bigint() - t0) * 1e-9;
        const rel = out.summary.totalConductivityStdErr / out.summary.totalConductivitySPerCm;
        options.log(`${label} (${hopsPerBlock} hops a block): ${seconds.toFixed(1)} s to ${(100 * rel).toFixed(2)} %, sigma ${out.summary.totalConductivitySPerCm.toExponential(3)} S/cm`);
        fields[label] = { hopsPerBlock, seconds: +seconds.toFixed(2), relativeStdErr: +rel.toFixed(4), sigmaSPerCm: out.summary.totalConductivitySPerCm, attempts: out.attempts };
      }
      return fields;
    },
  },
  {
    name: "kmc-uio67-workers",
    description: "kmc-uio67's model, 4 replicas x 4e6 hops after 1e5: one thread, then 1 and 2 worker threads in 3 alternated rounds (identical results, parallel efficiency per round and its median)",
    async run(options) {
      const model = pelletModel();
      const run: KmcRunOptions = { replicas: 4, equilibrationHops: 1e5, hops: 4e6, blocks: 20 };
      // wall time, and the CPU time of this process (all its threads: the workers, V8's compiler and GC)
      const wall = async (f: () => unknown): Promise<[number, string, number]> => {
        const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
        const out = await f();
        const cpu = process.cpuUsage(c0);
        return [Number(process.hrtime.bigint() - t0) * 1e-9, JSON.stringify(out), (cpu.user + cpu.system) * 1e-6];
      };
      const [serialSeconds, serial, serialCpu] = await wall(() => runKmc(model, run, (r) => createStream(1, "bench", "workers", r)));
      options.log(`one thread: ${serialSeconds.toFixed(2)} s`);
      // the cores of a shared machine change speed within minutes (the C reference pinned to each ran 0.8-2.2 times as fast on one as on the other within ten minutes): one
      // and two workers alternate, each round a ratio of runs seconds apart, and the median is reported
      const rounds: { oneWorkerSeconds: number; twoWorkersSeconds: number; oneWorkerCpuSeconds: number; twoWorkersCpuSeconds: number; parallelEfficiency: number; twoProcessesSeconds: number; machineEfficiency: number }[] = [];
      let identical = true;
      for (let round = 0; round < 3; round++) {
        const [oneSeconds, one, oneCpu] = await wall(() => runKmcOnWorkers(model, run, 1, ["bench", "workers"], 1));
        const [twoSeconds, two, twoCpu] = await wall(() => runKmcOnWorkers(model, run, 1, ["bench", "workers"], 2));
        const pairSeconds = await twoProcesses(run);
        identical &&= one === serial && two === serial;
        const efficiency = oneSeconds / (2 * twoSeconds);
        const machine = oneSeconds / (2 * pairSeconds);
        options.log(
          `round ${round + 1}: 1 worker ${oneSeconds.toFixed(2)} s, 2 workers ${twoSeconds.toFixed(2)} s, efficiency ${efficiency.toFixed(3)}; ` +
            `two processes ${pairSeconds.toFixed(2)} s (the machine's ceiling ${machine.toFixed(3)})`,
        );
        rounds.push({
          oneWorkerSeconds: +oneSeconds.toFixed(3),
          twoWorkersSeconds: +twoSeconds.toFixed(3),
          // the same work takes more CPU time on two threads when each thread compiles its own code
          oneWorkerCpuSeconds: +oneCpu.toFixed(3),
          twoWorkersCpuSeconds: +twoCpu.toFixed(3),
          parallelEfficiency: +efficiency.toFixed(3),
          twoProcessesSeconds: +pairSeconds.toFixed(3),
          machineEfficiency: +machine.toFixed(3),
        });
      }
      const median = [...rounds].sort((p, q) => p.parallelEfficiency - q.parallelEfficiency)[1]!;
      const machineMedian = rounds.map((r) => r.machineEfficiency).sort((p, q) => p - q)[1]!;
      return {
        replicas: run.replicas,
        hopsPerReplica: run.hops,
        serialSeconds: +serialSeconds.toFixed(3),
        serialCpuSeconds: +serialCpu.toFixed(3),
        // the round with the median efficiency, then every round
        oneWorkerSeconds: median.oneWorkerSeconds,
        twoWorkersSeconds: median.twoWorkersSeconds,
        parallelEfficiency: median.parallelEfficiency,
        // the same 4 replicas as two processes of 2 each (runKmc, no threads), started together:
        // nothing shared but the machine, so t1 / (2 t) is the most two workers could reach here
        machineEfficiency: machineMedian,
        // two processes' seconds over two workers' in the same round (1 or more: the threads cost nothing the processes do not)
        twoProcessesOverTwoWorkers: +rounds.map((r) => r.twoProcessesSeconds / r.twoWorkersSeconds).sort((p, q) => p - q)[1]!.toFixed(3),
        rounds,
        identicalToSerial: identical,
      };
    },
  },
  {
    name: "kmc-scaling",
    description: "events/s against lattice size, L = 32, 64, 96, 128 (2e7 hops each)",
    async run(options) {
      const rows: Record<string, unknown>[] = [];
      for (const L of [32, 64, 96, 128]) {
        const r = runStandard(L, 2e7, 1e6);
        options.log(`L=${L}: ${(r.eventsPerSecond / 1e6).toFixed(2)} M events/s, ${r.bytesPerSite.toFixed(1)} B/site`);
        rows.push({ L, sites: L ** 3, eventsPerSecond: Math.round(r.eventsPerSecond), bytesPerSite: +r.bytesPerSite.toFixed(2) });
      }
      return { sizes: rows };
    },
  },
  {
    name: "rng",
    description: "1e7 uniform draws: inlined-style xoshiro128** against seedrandom (ARC4 default, alea, xor4096)",
    async run() {
      const n = 1e7;
      const time = (f: () => number): number => {
        let acc = 0;
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < n; i++) acc += f();
        const s = Number(process.hrtime.bigint() - t0) * 1e-9;
        if (acc === -1) console.log(acc);
        return n / s;
      };
      const x = createStream(1, "bench");
      return {
        xoshiro128PerSecond: Math.round(time(() => x.nextUint32())),
        seedrandomArc4PerSecond: Math.round(time(seedrandom("1"))),
        seedrandomAleaPerSecond: Math.round(time(seedrandom.alea("1"))),
        seedrandomXor4096PerSecond: Math.round(time(seedrandom.xor4096("1"))),
      };
    },
  },
];

/**
 * kmc-uio67-workers' ceiling: `run`'s replicas split over two child processes
 * (benchmarks/kmcHalf.ts), each running its half with runKmc on its own thread (no worker
 * thread to start), started together once both have built the model; the seconds of the
 * slower one. Two processes share no thread, heap or compiler, only the machine's cores, so
 * this is what perfectly independent workers take on this machine at this minute (its two cores differ in speed by
 * from 0.8 to 2.2 times, measured with the C reference pinned to each, 2026-11-30).
 */
async function twoProcesses(run: KmcRunOptions): Promise<number> {
  const half = run.replicas / 2;
  const children = [0, 1].map(() => fork(new URL("./kmcHalf.js", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  const message = (child: ChildProcess): Promise<{ type: string; seconds?: number }> =>
    new Promise((done, fail) => {
      child.once("message", (m) => done(m as { type: string; seconds?: number }));
      child.once("exit", (code) => fail(new Error(`kmcHalf exited with ${String(code)} before replying`)));
    });
  try {
    await Promise.all(children.map(message)); // both ready
    const replies = children.map(message);
    children.forEach((child, part) => child.send({ type: "go", run: { ...run, replicas: half }, part }));
    const seconds = (await Promise.all(replies)).map((r) => r.seconds!);
    return Math.max(...seconds);
  } finally {
    for (const child of children) child.kill();
  }
}
