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
 * network-256 has no SciPy reference in run.sh (it would take minutes); it shows the
 * size scaling and memory of a 16.7 M voxel solve.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { BenchCase, BenchOptions } from "./case.js";
import { splitmixVoxels } from "../src/structure/voxel/generate.js";
import { solveNetwork } from "../src/transport/network/solve.js";

interface Reference {
  seconds: number;
  solver: string;
  iterations: number;
  relativeResidual: number;
  sigma_eff: number;
  phase_sha256: string;
  assembly_s: number;
  peak_rss_MB: number;
}

function runReference(options: BenchOptions, args: string[]): Reference[] | string {
  const script = resolve(process.cwd(), "..", "shared", "bench-ref", "run.sh");
  if (!existsSync(script)) return `no ${script}`;
  const out = spawnSync("bash", [script, ...args], { encoding: "utf8", timeout: 1_200_000, maxBuffer: 1 << 24 });
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

function networkCase(N: number): BenchCase {
  return {
    name: `network-${N}`,
    description: `${N}^3 random two-phase voxels (0.6 of sigma 1, else 1e-3), voxel-layer electrodes, PCG + aggregation multigrid to 1e-8`,
    async run(options) {
      const t0 = performance.now();
      const grid = splitmixVoxels([N, N, N], 1, 0.6);
      const phaseGenSeconds = (performance.now() - t0) / 1000;
      const sha = createHash("sha256").update(grid.phase).digest("hex");
      const rssBefore = process.memoryUsage().rss;
      const res = solveNetwork(grid, {
        phases: [
          { label: 1, name: "A", conductivitySPerCm: 1 },
          { label: 0, name: "B", conductivitySPerCm: 1e-3 },
        ],
        voxelNm: 1e7, // h = 1 cm: conductances equal the reference's unit-voxel values
        electrodes: { kind: "voxel-layers" },
        tolerance: 1e-8,
        currentDensity: false,
        phaseConnectivity: false,
      });
      const st = res.stats;
      const voxels = N ** 3;
      const seconds = st.setupSeconds + st.solveSeconds;
      options.log(`mofhop: ${seconds.toFixed(3)} s (setup ${st.setupSeconds.toFixed(3)}), ${res.solverIterations} iterations, sigma_eff ${res.conductivitySPerCm}`);
      // typed arrays alive at the solve's peak: solver + the grid (phase, grain) + the potential output
      const gridBytes = grid.phase.byteLength + grid.grain.byteLength;
      const bytesPerVoxel = (st.solverBytes + gridBytes + res.potentialV.byteLength) / voxels;
      const peakRssBytes = process.resourceUsage().maxRSS * 1024;
      const fields: Record<string, unknown> = {
        seconds: +seconds.toFixed(4),
        iterations: res.solverIterations,
        relativeResidual: res.relativeResidual,
        sigmaEff: res.conductivitySPerCm,
        currentBalance: res.currentBalance,
        setupSeconds: +st.setupSeconds.toFixed(4),
        solveSeconds: +st.solveSeconds.toFixed(4),
        assemblySeconds: +st.assemblySeconds.toFixed(4),
        phaseGenSeconds: +phaseGenSeconds.toFixed(4),
        totalSeconds: +(st.assemblySeconds + seconds).toFixed(4),
        unknowns: st.unknowns,
        multigridLevels: st.multigridLevels,
        bytesPerVoxel: +bytesPerVoxel.toFixed(1),
        peakRssBytesPerVoxel: +(peakRssBytes / voxels).toFixed(1),
        rssGrowthBytesPerVoxel: +((process.memoryUsage().rss - rssBefore) / voxels).toFixed(1),
        phaseSha256: sha,
      };
      if (!options.withReference) return { ...fields, referenceAvailable: false, referenceNote: "--no-ref" };
      if (N > 128) return { ...fields, referenceAvailable: false, referenceNote: "run.sh has SciPy cases for N = 64 and 128 only" };
      const ref = runReference(options, [`network-${N}`]);
      if (typeof ref === "string") return { ...fields, referenceAvailable: false, referenceNote: ref };
      const best = ref[ref.length - 1]!; // run.sh prints the faster solver last
      const refFields: Record<string, unknown> = {
        referenceAvailable: true,
        referenceSolver: `network_ref.py ${best.solver}`,
        referenceSeconds: best.seconds,
        referenceIterations: best.iterations,
        referenceRelativeResidual: best.relativeResidual,
        referenceSigmaEff: best.sigma_eff,
        referencePeakRssMB: best.peak_rss_MB,
        referenceSameMap: best.phase_sha256 === sha,
        sigmaEffRelativeDifference: Math.abs(res.conductivitySPerCm - best.sigma_eff) / Math.abs(best.sigma_eff),
        speedupVsReference: +(best.seconds / seconds).toFixed(2),
        speedupVsReferenceWithAssembly: +((best.seconds + best.assembly_s) / (seconds + st.assemblySeconds)).toFixed(2),
        referenceAll: ref.map((r) => ({ solver: r.solver, seconds: r.seconds, iterations: r.iterations })),
      };
      options.log(`reference ${best.solver}: ${best.seconds} s -> speed-up ${refFields.speedupVsReference}`);
      // the native hypre reference, when libhypre-dev is installed (optional)
      const native = runReference(options, ["network-native", String(N), "pfmg"]);
      if (typeof native !== "string") {
        const p = native[native.length - 1]!;
        refFields.nativeSeconds = p.seconds;
        refFields.nativeSolver = `network_hypre.c ${p.solver}`;
        refFields.speedupVsNative = +(p.seconds / seconds).toFixed(2);
      } else refFields.nativeAvailable = false;
      return { ...fields, ...refFields };
    },
  };
}

export const networkCases: BenchCase[] = [networkCase(64), networkCase(128), networkCase(256)];
