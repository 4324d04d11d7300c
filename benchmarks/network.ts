/**
 * Resistor-network benchmark cases (DESIGN.md, "network-N"): N^3 voxels, phase A (sigma 1)
 * with probability 0.6 else B (sigma 1e-3), harmonic-mean bonds, the x = 0 voxel layer at
 * potential 1 and x = N-1 at 0, insulating elsewhere, relative residual 1e-8.
 *
 * The phase map is the splitmix64 rule of ../shared/bench-ref/network_ref.py, reproduced
 * bit for bit (its sha256 is compared with the reference's), so both sides solve the same
 * system. `seconds` is multigrid setup + solve, as the reference's `seconds` (setup +
 * solve; map generation and assembly reported apart). With the reference available
 * (../shared/bench-ref/run.sh, resolved from the working directory), it runs in the same
 * process tree right after ours and the case reports the speed ratio and the agreement of
 * sigma_eff; without it, referenceAvailable is false and the case still succeeds.
 * With libhypre-dev installed (optional; never needed by .ci/run), network-64 to network-256
 * also run the native hypre reference, PFMG and BoomerAMG on 1 and 2 MPI ranks, in the same
 * run (nativeReference below). network-256 and network-512 (run only when named) have no
 * SciPy reference in run.sh (it would take minutes); network-512 has no hypre run (its
 * memory); they show the size scaling and memory of 16.7 M and 134 M voxel solves. Each solve runs in a child process (network-solve.ts), so its peak RSS is its
 * own; bytes per voxel is that peak over the voxels, beside the guard's estimate
 * (transport/network/memory.ts). network-128-stored and network-256-stored (named only)
 * solve the same maps on the stored float64 path, for the per-iteration comparison.
 * network-128-threads and network-256-threads (named only) solve the map on 1 and on 2
 * threads alternately and report the speed-up; `--threads N` sets the threads of the
 * other cases (default: the solver's automatic choice, both cores on this machine).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchCase, BenchOptions } from "./case.js";

interface Reference {
  seconds: number;
  solver: string;
  iterations: number;
  relativeResidual: number;
  sigma_eff: number;
  phase_sha256: string;
  assembly_s: number;
  setup_s: number;
  solve_s: number;
  peak_rss_MB: number;
  mpi_ranks?: number;
  converged?: boolean;
}

function runReference(options: BenchOptions, args: string[], env: Record<string, string> = {}): Reference[] | string {
  const script = resolve(process.cwd(), "..", "shared", "bench-ref", "run.sh");
  if (!existsSync(script)) return `no ${script}`;
  const out = spawnSync("bash", [script, ...args], { encoding: "utf8", timeout: 1_200_000, maxBuffer: 1 << 24, env: { ...process.env, ...env } });
  const rows = (out.stdout ?? "")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Reference);
  if (out.status !== 0 || rows.length === 0) {
    const why = `run.sh ${args.join(" ")} exited ${out.status ?? out.signal}: ${(out.stderr ?? "").trim().split("\n").slice(-2).join(" | ").slice(0, 300)}`;
    options.log(why);
    return why;
  }
  return rows;
}

/** Run network-solve.js (built beside this file) for side N on `path` and `threads` (default the options', else automatic); its JSON fields. */
function solveInChild(N: number, path: "auto" | "stored", options: BenchOptions, threads = options.threads): Record<string, unknown> {
  const script = fileURLToPath(new URL("./network-solve.js", import.meta.url));
  const out = spawnSync(process.execPath, [script, String(N), path, threads === undefined ? "auto" : String(threads)], { encoding: "utf8", timeout: 7_200_000, maxBuffer: 1 << 24 });
  const line = (out.stdout ?? "").split("\n").find((l) => l.startsWith("{"));
  if (out.status !== 0 || line === undefined) throw new Error(`network-solve.js ${N} ${path} exited ${out.status ?? out.signal}: ${(out.stderr ?? "").trim().slice(-500)}`);
  const fields = JSON.parse(line) as Record<string, unknown>;
  options.log(`mofhop (${String(fields.solverPath)}, ${String(fields.threads)} thread(s)): ${String(fields.seconds)} s, ${String(fields.iterations)} iterations, residual ${String(fields.relativeResidual)}, ${String(fields.peakRssBytesPerVoxel)} bytes/voxel peak RSS`);
  return fields;
}

function networkCase(N: number, path: "auto" | "stored" = "auto"): BenchCase {
  return {
    name: `network-${N}${path === "stored" ? "-stored" : ""}`,
    description: `${N}^3 random two-phase voxels (0.6 of sigma 1, else 1e-3), voxel-layer electrodes, PCG + aggregation multigrid to 1e-8${path === "stored" ? " on the stored float64 path" : ""}`,
    async run(options) {
      const load0 = loadavg();
      const fields = solveInChild(N, path, options);
      const sha = fields.phaseSha256 as string;
      const seconds = fields.seconds as number;
      const sigmaEff = fields.sigmaEff as number;
      const assemblySeconds = fields.assemblySeconds as number;
      const loads = (): Record<string, unknown> => ({ loadAverageBefore: load0.map((l) => +l.toFixed(2)), loadAverageAfter: loadavg().map((l) => +l.toFixed(2)) });
      if (!options.withReference) return { ...fields, referenceAvailable: false, referenceNote: "--no-ref", ...loads() };
      if (path === "stored") return { ...fields, referenceAvailable: false, referenceNote: "the references are compared on the default path", ...loads() };
      const refFields: Record<string, unknown> = {};
      if (N > 128) {
        refFields.referenceAvailable = false;
        refFields.referenceNote = "run.sh has SciPy cases for N = 64 and 128 only";
      } else {
        const ref = runReference(options, [`network-${N}`]);
        if (typeof ref === "string") {
          refFields.referenceAvailable = false;
          refFields.referenceNote = ref;
        } else {
          const best = ref[ref.length - 1]!; // run.sh prints the faster solver last
          Object.assign(refFields, {
            referenceAvailable: true,
            referenceSolver: `network_ref.py ${best.solver}`,
            referenceSeconds: best.seconds,
            referenceIterations: best.iterations,
            referenceRelativeResidual: best.relativeResidual,
            referenceSigmaEff: best.sigma_eff,
            referencePeakRssMB: best.peak_rss_MB,
            referenceSameMap: best.phase_sha256 === sha,
            sigmaEffRelativeDifference: Math.abs(sigmaEff - best.sigma_eff) / Math.abs(best.sigma_eff),
            speedupVsReference: +(best.seconds / seconds).toFixed(2),
            speedupVsReferenceWithAssembly: +((best.seconds + best.assembly_s) / (seconds + assemblySeconds)).toFixed(2),
            referenceAll: ref.map((r) => ({ solver: r.solver, seconds: r.seconds, iterations: r.iterations })),
          });
          options.log(`reference ${best.solver}: ${best.seconds} s -> speed-up ${String(refFields.speedupVsReference)}`);
        }
      }
      Object.assign(refFields, nativeReference(N, fields, options));
      return { ...fields, ...refFields, ...loads() };
    },
  };
}

/** hypre's peak resident memory grows about 22-35 bytes a voxel per solver (1 rank); above 256^3 it would not fit beside ours. */
const NATIVE_MAX_N = 256;

/**
 * The native hypre reference (../shared/bench-ref/network_hypre.c through run.sh), when
 * libhypre-dev is installed (optional: without it nativeAvailable is false and the case still
 * succeeds): PCG + PFMG and PCG + BoomerAMG, each a process of its own, on 1 MPI rank and on
 * 2 (both cores), right after our solve in the same run. Per solve: seconds (setup + solve),
 * iterations, the true relative residual (recomputed by network_hypre.c from the stencil),
 * peak RSS over the voxels (summed over ranks), whether it solved the same map (sha256) and
 * the ratio hypre seconds / ours (above 1: ours is faster).
 */
function nativeReference(N: number, ours: Record<string, unknown>, options: BenchOptions): Record<string, unknown> {
  if (N > NATIVE_MAX_N) return { nativeAvailable: false, nativeNote: `hypre is run up to ${NATIVE_MAX_N}^3 (its memory at ${N}^3 would exceed this machine's)` };
  const rows: Record<string, unknown>[] = [];
  for (const ranks of [1, 2]) {
    for (const solver of ["pfmg", "boomeramg"]) {
      const out = runReference(options, ["network-native", String(N), solver], ranks > 1 ? { MOFHOP_REF_NP: String(ranks) } : {});
      if (typeof out === "string") {
        if (rows.length === 0) return { nativeAvailable: false, nativeNote: out };
        rows.push({ solver, ranks, error: out });
        continue;
      }
      const r = out[out.length - 1]!;
      const row = {
        solver: r.solver,
        ranks: r.mpi_ranks ?? ranks,
        seconds: r.seconds,
        setupSeconds: r.setup_s,
        solveSeconds: r.solve_s,
        iterations: r.iterations,
        relativeResidual: r.relativeResidual,
        converged: r.converged ?? true,
        peakRssBytesPerVoxel: +((r.peak_rss_MB * 2 ** 20) / N ** 3).toFixed(1),
        sameMap: r.phase_sha256 === ours.phaseSha256,
        sigmaEffRelativeDifference: Math.abs((ours.sigmaEff as number) - r.sigma_eff) / Math.abs(r.sigma_eff),
        // hypre seconds over ours: above 1, ours is faster
        ratioToOurs: +(r.seconds / (ours.seconds as number)).toFixed(2),
      };
      options.log(`hypre ${r.solver} on ${row.ranks} rank(s): ${r.seconds} s, ${r.iterations} iterations, residual ${r.relativeResidual}, ${row.peakRssBytesPerVoxel} bytes/voxel; hypre/ours ${row.ratioToOurs}`);
      rows.push(row);
    }
  }
  return { nativeAvailable: true, native: rows };
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * network-N-threads: the network-N solve on 1 and on 2 threads, alternately in one run (1, 2,
 * 1, 2: a change of the machine's load falls on both), each in its own process; seconds
 * (setup + solve) of each, the speed-up median(1 thread) / median(2 threads), the cores
 * each solve had (CPU seconds of its threads over wall seconds: below 2 when other
 * processes shared the cores) and the load average before and after (other jobs on the
 * machine slow the 2-thread runs most).
 * The two solves must agree bit for bit (sigma, iterations, residual; checked here).
 */
function threadsCase(N: number, pairs = 2): BenchCase {
  return {
    name: `network-${N}-threads`,
    description: `network-${N} on 1 and 2 threads, alternately (${pairs} of each), speed-up of the median times`,
    async run(options) {
      const load0 = loadavg();
      const runs: Record<string, unknown>[] = [];
      for (let k = 0; k < pairs; k++) for (const t of [1, 2]) runs.push(solveInChild(N, "auto", options, t));
      const load1 = loadavg();
      const secs = (t: number): number[] => runs.filter((r) => r.threads === t).map((r) => r.seconds as number);
      const s1 = secs(1), s2 = secs(2);
      const same = runs.every((r) => r.sigmaEff === runs[0]!.sigmaEff && r.iterations === runs[0]!.iterations && r.relativeResidual === runs[0]!.relativeResidual);
      if (s2.length === 0) throw new Error("no 2-thread run (the solver kept 1 thread)");
      const speedup = +(median(s1) / median(s2)).toFixed(3);
      options.log(`1 thread ${s1.join(", ")} s; 2 threads ${s2.join(", ")} s; speed-up ${speedup}; load ${load0.map((l) => l.toFixed(2)).join(" ")} -> ${load1.map((l) => l.toFixed(2)).join(" ")}`);
      const first = runs[0]!;
      return {
        iterations: first.iterations,
        relativeResidual: first.relativeResidual,
        sigmaEff: first.sigmaEff,
        sameResultOnBoth: same,
        seconds1Thread: s1,
        seconds2Threads: s2,
        secondsPerIteration1Thread: runs.filter((r) => r.threads === 1).map((r) => r.secondsPerIteration),
        secondsPerIteration2Threads: runs.filter((r) => r.threads === 2).map((r) => r.secondsPerIteration),
        // cores the solve had per wall second (CPU seconds of all its threads over wall seconds)
        coresUsed1Thread: runs.filter((r) => r.threads === 1).map((r) => r.coresUsed),
        coresUsed2Threads: runs.filter((r) => r.threads === 2).map((r) => r.coresUsed),
        speedup2Threads: speedup,
        peakRssBytesPerVoxel1Thread: runs.filter((r) => r.threads === 1).map((r) => r.peakRssBytesPerVoxel),
        peakRssBytesPerVoxel2Threads: runs.filter((r) => r.threads === 2).map((r) => r.peakRssBytesPerVoxel),
        estimateBytesPerVoxel2Threads: runs.find((r) => r.threads === 2)?.estimateBytesPerVoxel,
        loadAverageBefore: load0.map((l) => +l.toFixed(2)),
        loadAverageAfter: load1.map((l) => +l.toFixed(2)),
        cores: availableParallelism(),
      };
    },
  };
}

export const networkCases: BenchCase[] = [
  networkCase(64), networkCase(128), networkCase(256), networkCase(512), networkCase(128, "stored"), networkCase(256, "stored"),
  threadsCase(128), threadsCase(256),
];
