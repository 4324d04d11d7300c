/**
 * The memory estimate that guards a network solve (transport/network/memory.ts, used by
 * checkVoxelMemory and the sweep guard) against the peak resident memory of real solves:
 * each solve runs in a child Node process (the built library in dist/; `npm test` builds
 * first) that reports process.resourceUsage().maxRSS. Reference: that measured peak;
 * tolerance: the 25 % the guard promises (issue 12), so nothing that fits is refused. The
 * solves stop at a residual of 1e-5: memory does not depend on the tolerance, time does.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { networkMemoryBytes, PROCESS_BYTES, type NetworkMemoryOptions } from "../../src/transport/network/memory.js";

const dist = resolve(__dirname, "../../dist");

/** Peak RSS (bytes) of a child process that builds the benchmark map of side n and solves it. */
function measuredPeak(n: number, path: "lean" | "stored", currentDensity: boolean): { peak: number; solverPath: string } {
  const url = (p: string): string => pathToFileURL(resolve(dist, p)).href;
  const code = `
    const { splitmixVoxels } = await import(${JSON.stringify(url("structure/voxel/generate.js"))});
    const { solveNetwork } = await import(${JSON.stringify(url("transport/network/solve.js"))});
    const grid = splitmixVoxels([${n}, ${n}, ${n}], 1, 0.6);
    const r = solveNetwork(grid, {
      phases: [{ label: 1, conductivitySPerCm: 1 }, { label: 0, conductivitySPerCm: 1e-3 }],
      voxelNm: 1e7, electrodes: { kind: "voxel-layers" }, tolerance: 1e-5,
      currentDensity: ${currentDensity}, phaseConnectivity: false, solverPath: ${JSON.stringify(path)},
    });
    process.stdout.write(JSON.stringify({ peak: process.resourceUsage().maxRSS * 1024, solverPath: r.stats.solverPath }));
  `;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 60_000 });
  if (out.status !== 0) throw new Error(`child solve exited ${out.status}: ${out.stderr}`);
  return JSON.parse(out.stdout) as { peak: number; solverPath: string };
}

describe("network memory estimate against the measured peak RSS", () => {
  it("dist/ is built", () => {
    expect(existsSync(resolve(dist, "transport/network/solve.js")), "run `npm run build` (npm test does)").toBe(true);
  });
  const cases: [number, "lean" | "stored", boolean][] = [
    [64, "lean", false],
    [128, "lean", false],
    [64, "stored", true],
  ];
  for (const [n, path, currentDensity] of cases) {
    it(`${path} path at ${n}^3${currentDensity ? " with the current-density field" : ""}: within 25 %`, () => {
      const m = measuredPeak(n, path, currentDensity);
      expect(m.solverPath).toBe(path);
      const o: NetworkMemoryOptions = { path, voxelLayers: true, currentDensity, conductingLabels: 2 };
      const estimate = PROCESS_BYTES + networkMemoryBytes([n, n, n], o);
      console.log(`${path} ${n}^3: estimate ${(estimate / 2 ** 20).toFixed(1)} MiB, measured ${(m.peak / 2 ** 20).toFixed(1)} MiB`);
      expect(Math.abs(estimate - m.peak) / m.peak, `estimate ${(estimate / 2 ** 20).toFixed(1)} MiB, measured ${(m.peak / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(0.25);
    }, 60_000);
  }
});
