/**
 * Design benchmarks: time and memory to build and solve one realisation of a paper design
 * at its shipped (default) settings, and 8 realisations one after another.
 * - design-pellet: scenarios/paper/pellet.json, the pressed-powder particle network
 *   (packing, contact mechanics, graph solve along x, y and z).
 * - design-pvdf: scenarios/paper/mof-pvdf.json, particles in a gel binder as a particle network
 *   (packing with films, gel placement by sampling, lens bonds, graph solves of the initial and
 *   the steady state along x, y and z).
 * - design-mix: scenarios/paper/mof-bc-mix.json, particles among fibres as a particle network
 *   (packing, adhesive contacts under the consolidation pressure, fibre blocking, graph solve).
 * - design-interconnected: scenarios/paper/interconnected.json, the MOF-on-fibre voxel
 *   morphology and its network solve with the intergrown junctions.
 * - design-bc: scenarios/paper/bc.json, the bare bacterial-cellulose voxel morphology (fibres
 *   with the residual solvent in their pores).
 * The MOF conductivity is fixed at 1e-3 S/cm (the KMC stage is benchmarked separately);
 * rssPeakMB is the process's peak resident set (the case runs in its own process when
 * named with --case), heapUsedMB the V8 heap after the last solve.
 */
import { performance } from "node:perf_hooks";
import { resourceUsage } from "node:process";
import type { BenchCase } from "./case.js";
import { loadScenario } from "../src/scenario/load.js";
import { isNetworkDesign } from "../src/scenario/schema.js";
import { buildNetworkDesign } from "../src/pipeline/design.js";
import { buildMorphology, morphologyStream, networkOptions } from "../src/pipeline/morphology.js";
import { solveNetwork } from "../src/transport/network/solve.js";

const SIGMA_MOF = 1e-3;
const T = 298.15;

function memory(): { rssPeakMB: number; heapUsedMB: number } {
  return { rssPeakMB: Math.round(resourceUsage().maxRSS / 1024), heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) };
}

/** A particle-network design: build + solve one realisation, and 8 in a row. */
function networkCase(name: string, file: string, what: string): BenchCase {
  return {
    name,
    description: `${what} of ${file}: build + solve one realisation, and 8 in a row`,
    async run({ log }) {
      const { scenario } = loadScenario(file);
      const m = scenario.morphology;
      if (m === undefined || !isNetworkDesign(m)) throw new Error(`${file} is not a particle-network design`);
      const times: number[] = [];
      let sigma = 0;
      for (let r = 0; r < 8; r++) {
        const t0 = performance.now();
        const res = buildNetworkDesign(scenario, m, r).solve(T, SIGMA_MOF);
        times.push((performance.now() - t0) / 1000);
        if (r === 0) sigma = res.conductivitySPerCm;
        log(`realisation ${r}: ${times[r]!.toFixed(2)} s`);
      }
      return {
        seconds: times[0],
        secondsFor8: times.reduce((a, b) => a + b, 0),
        particles: m.particleCount,
        relativeConductivity: sigma / SIGMA_MOF,
        ...memory(),
      };
    },
  };
}

/** A generated voxel design: build + DC solve one realisation, and 8 in a row. */
function voxelCase(name: string, file: string, what: string): BenchCase {
  return {
    name,
    description: `${what} of ${file}: build + solve one realisation, and 8 in a row`,
    async run({ log }) {
      const { scenario, baseDir } = loadScenario(file);
      const m = scenario.morphology;
      if (m === undefined || isNetworkDesign(m) || m.kind === "image" || m.kind === "raw") throw new Error(`${file} has no generated voxel morphology`);
      const build: number[] = [], solve: number[] = [];
      let first: { iterations: number; relativeResidual: number; relativeConductivity: number } | null = null;
      for (let r = 0; r < 8; r++) {
        const t0 = performance.now();
        const built = buildMorphology(m, morphologyStream(scenario.seed, r), baseDir);
        const t1 = performance.now();
        const res = solveNetwork(built.grid, { ...networkOptions(m, built.phases, T, SIGMA_MOF), currentDensity: false, phaseConnectivity: false });
        const t2 = performance.now();
        build.push((t1 - t0) / 1000);
        solve.push((t2 - t1) / 1000);
        first ??= { iterations: res.solverIterations, relativeResidual: res.relativeResidual, relativeConductivity: res.conductivitySPerCm / SIGMA_MOF };
        log(`realisation ${r}, ${m.shape.join("x")} voxels: build ${build[r]!.toFixed(2)} s, solve ${solve[r]!.toFixed(2)} s`);
      }
      const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
      return {
        seconds: build[0]! + solve[0]!,
        buildSeconds: build[0],
        solveSeconds: solve[0],
        secondsFor8: sum(build) + sum(solve),
        voxels: m.shape[0] * m.shape[1] * m.shape[2],
        ...first!,
        ...memory(),
      };
    },
  };
}

export const designCases: BenchCase[] = [
  networkCase("design-pellet", "scenarios/paper/pellet.json", "pressed-powder particle network"),
  networkCase("design-pvdf", "scenarios/paper/mof-pvdf.json", "particles-in-gel network"),
  networkCase("design-mix", "scenarios/paper/mof-bc-mix.json", "particles-among-fibres network"),
  voxelCase("design-interconnected", "scenarios/paper/interconnected.json", "MOF-on-fibre voxel morphology"),
  voxelCase("design-bc", "scenarios/paper/bc.json", "bare bacterial-cellulose voxel morphology"),
];
