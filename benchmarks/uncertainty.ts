/**
 * Uncertainty benchmark (opt-in: `npm run bench -- --case uq-pellet`):
 * the Li pellet of scenarios/paper/pellet.json calibrated on its measurements
 * (scenarios/paper/calibration/measurements.json; exact structure, 64 microstructure draws),
 * then 64 samples of its whole chain with the posterior, on 1 and on 2 worker threads: the
 * seconds of each stage, the parallel efficiency of the samples (t1 / (2 t2)), the identity
 * of the two runs' bands, and the peak memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { resourceUsage } from "node:process";
import type { BenchCase } from "./case.js";
import { loadScenario } from "../src/scenario/load.js";
import { runScenario, type KmcTemperatureResult } from "../src/pipeline/runScenario.js";
import { calibratePressedPowder, loadMeasurements, measurementsOf, membraneOnly } from "../src/sweep/calibrate.js";
import { propagateUncertainty } from "../src/sweep/uncertainty.js";

const SAMPLES = Number(process.env.MOFHOP_UQ_SAMPLES ?? 64);

export const uncertaintyCases: BenchCase[] = [
  {
    name: "uq-pellet",
    description: `Li pellet: calibration on its measurements (${SAMPLES} microstructure draws) and ${SAMPLES} posterior samples of the chain on 1 and 2 workers`,
    async run({ log }) {
      const loaded = loadScenario("scenarios/paper/pellet.json");
      const dir = mkdtempSync(join(tmpdir(), "mofhop-bench-uq-"));
      try {
        const t0 = performance.now();
        const kmc = new Map<string, KmcTemperatureResult>();
        const nominal = runScenario(loaded.scenario, { baseDir: loaded.baseDir, kmcCache: kmc });
        const t1 = performance.now();
        log(`nominal run ${((t1 - t0) / 1000).toFixed(1)} s`);
        const membrane = membraneOnly(loaded);
        const measurements = measurementsOf(membrane, loadMeasurements("scenarios/paper/calibration/measurements.json"));
        const posterior = await calibratePressedPowder(membrane, measurements, nominal, { samples: SAMPLES });
        const t2 = performance.now();
        log(`calibration ${((t2 - t1) / 1000).toFixed(1)} s`);
        const bands = async (workers: number) => {
          const s = performance.now();
          const r = await propagateUncertainty(loaded, nominal, [...kmc.entries()], { samples: SAMPLES, dir: join(dir, `w${workers}`), workers, posteriors: [posterior] });
          return { seconds: (performance.now() - s) / 1000, block: r.block };
        };
        const one = await bands(1);
        log(`${SAMPLES} samples on 1 worker ${one.seconds.toFixed(1)} s`);
        const two = await bands(2);
        log(`${SAMPLES} samples on 2 workers ${two.seconds.toFixed(1)} s`);
        const sigma = two.block!.outputs.find((o) => o.path === "effective[2].conductivitySPerCm")!;
        return {
          nominalSeconds: (t1 - t0) / 1000,
          calibrationSeconds: (t2 - t1) / 1000,
          samples: SAMPLES,
          samplesSeconds1Worker: one.seconds,
          samplesSeconds2Workers: two.seconds,
          parallelEfficiency: one.seconds / (2 * two.seconds),
          sameBands: JSON.stringify(one.block) === JSON.stringify(two.block),
          effectiveMicrostructureDraws: posterior.diagnostics.effectiveMicrostructureDraws,
          sigma25Median: sigma.median,
          sigma25Band90: sigma.band90,
          rssPeakMB: Math.round(resourceUsage().maxRSS / 1024),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
