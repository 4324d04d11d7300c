/**
 * One network benchmark solve in a process of its own (benchmarks/network.ts spawns it), so
 * its peak RSS is the solve's alone: `node network-solve.js N PATH [THREADS]` prints one JSON
 * line. PATH: "auto" (the lean path at these sizes), "lean" or "stored"; THREADS: the lean
 * solve's threads (default "auto", the solver's choice).
 */
import { createHash } from "node:crypto";
import { splitmixVoxels } from "../src/structure/voxel/generate.js";
import { networkMemoryBytes, PROCESS_BYTES } from "../src/transport/network/memory.js";
import { solveNetwork } from "../src/transport/network/solve.js";

const N = Number(process.argv[2]);
const path = (process.argv[3] ?? "auto") as "auto" | "lean" | "stored";
const threadArg = process.argv[4] ?? "auto";
const threads = threadArg === "auto" ? undefined : Number(threadArg);
const baseRss = process.resourceUsage().maxRSS * 1024;
const t0 = performance.now();
const grid = splitmixVoxels([N, N, N], 1, 0.6);
const phaseGenSeconds = (performance.now() - t0) / 1000;
const sha = createHash("sha256").update(grid.phase).digest("hex");
const cpu0 = process.cpuUsage(), wall0 = performance.now();
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
  solverPath: path,
  ...(threads !== undefined ? { threads } : {}),
});
// CPU seconds of all threads over the solve, and the cores they had per wall second
// (below the thread count when other processes shared the cores)
const cpu = process.cpuUsage(cpu0), wallSolve = (performance.now() - wall0) / 1000;
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const st = res.stats;
const voxels = N ** 3;
const peak = process.resourceUsage().maxRSS * 1024;
const estimate = PROCESS_BYTES + networkMemoryBytes([N, N, N], { path: st.solverPath, voxelLayers: true, conductingLabels: 2, threads: st.threads });
const seconds = st.setupSeconds + st.solveSeconds;
process.stdout.write(
  JSON.stringify({
    solverPath: st.solverPath,
    threads: st.threads,
    seconds: +seconds.toFixed(4),
    iterations: res.solverIterations,
    secondsPerIteration: +(st.solveSeconds / res.solverIterations).toFixed(4),
    relativeResidual: res.relativeResidual,
    outerSteps: st.outerSteps,
    sigmaEff: res.conductivitySPerCm,
    currentBalance: res.currentBalance,
    setupSeconds: +st.setupSeconds.toFixed(4),
    solveSeconds: +st.solveSeconds.toFixed(4),
    assemblySeconds: +st.assemblySeconds.toFixed(4),
    phaseGenSeconds: +phaseGenSeconds.toFixed(4),
    totalSeconds: +(st.assemblySeconds + seconds).toFixed(4),
    cpuSeconds: +cpuSeconds.toFixed(2),
    coresUsed: +(cpuSeconds / wallSolve).toFixed(2),
    unknowns: st.unknowns,
    multigridLevels: st.multigridLevels,
    webAssembly: st.webAssembly,
    // peak RSS of this process over the voxels: the measure (grid, solve, process)
    peakRssBytesPerVoxel: +(peak / voxels).toFixed(1),
    estimateBytesPerVoxel: +(estimate / voxels).toFixed(1),
    estimateOverPeak: +(estimate / peak).toFixed(3),
    processBaseMB: +(baseRss / 2 ** 20).toFixed(1),
    solverBytesPerVoxel: +(st.solverBytes / voxels).toFixed(1),
    phaseSha256: sha,
  }) + "\n",
);
