/**
 * Predictions with bands, end to end through the sweep engine, on a design whose answer is
 * exact: a homogeneous block of one phase has sigma_eff = sigma_phase, so the bands of
 * sigma_eff are the quantiles of the phase's distribution. A Latin hypercube puts exactly
 * one sample in each 1/n stratum of u, so the empirical quantile at f lies within 2/n of
 * f in u (a deterministic bound, not a statistical one). The voxel size does not change
 * a homogeneous block's conductivity: its Sobol indices must vanish.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cdf, type Distribution } from "../src/analysis/distributions.js";
import type { OutputBand } from "../src/pipeline/results.js";
import { kmcEntriesOf, runScenario } from "../src/pipeline/runScenario.js";
import { parseScenarioInputs } from "../src/scenario/load.js";
import { checkReachUpFront, drawScores, inputKeys, pairwiseProbabilities, propagateUncertainty, sampleScores, samplesSweep, summariseSamples, unbuildableDraws, type UncertainScenario } from "../src/sweep/uncertainty.js";
import type { KmcCacheEntry } from "../src/sweep/definition.js";

const tinyKmc = {
  name: "tiny-kmc",
  seed: 5,
  lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
  species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
  kmc: { equilibrationHops: 1000, hops: 10000, replicas: 2, blocks: 5 },
  morphology: { kind: "random-voxels", shape: [6, 6, 6], voxelNm: 50, phases: [{ name: "mof", fraction: 1 }] },
};

const root = mkdtempSync(join(tmpdir(), "mofhop-uncertainty-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const block = (name: string, min: number, max: number): UncertainScenario => {
  const { scenario, inputs, plain } = parseScenarioInputs({
    name,
    seed: 5,
    temperaturesK: [298.15],
    morphology: {
      kind: "random-voxels",
      shape: [6, 6, 6],
      voxelNm: { distribution: "uniform", min: 20, max: 80, reason: "has no effect on a homogeneous block" },
      phases: [{ name: "A", fraction: 1, conductivitySPerCm: { distribution: "log-uniform", min, max, reason: "test" }, transferenceNumber: 1 }],
    },
  });
  return { scenario, inputs, plain, baseDir: root };
};

async function bands(design: UncertainScenario, samples: number, workers: number, dir: string) {
  const kmc = new Map<string, KmcCacheEntry>();
  const nominal = runScenario(design.scenario, { kmcCache: kmc });
  return propagateUncertainty(design, nominal, [...kmc.entries()], { samples, dir: join(root, dir), workers });
}

/** The band's median, 68 % and 90 % ends sit at their quantiles of `spec` to within `tolerance` in u. */
function expectQuantiles(out: OutputBand, spec: Distribution, tolerance: number): void {
  for (const [value, f] of [
    [out.band90[0], 0.05],
    [out.band68[0], 0.16],
    [out.median, 0.5],
    [out.band68[1], 0.84],
    [out.band90[1], 0.95],
  ] as const) {
    expect(Math.abs(cdf(spec, value) - f), `quantile ${f}: ${value}`).toBeLessThan(tolerance);
  }
}

describe("uncertainty propagation", () => {
  it("bands of sigma_eff are the phase distribution's quantiles (to the Latin hypercube's 2/n); the voxel size has no share", async () => {
    const n = 24;
    const design = block("homogeneous", 1e-4, 1e-2);
    const { block: u } = await bands(design, n, 2, "a");
    const phase = design.inputs.find((i) => i.path === "morphology.phases.0.conductivitySPerCm")!;
    const out = u!.outputs.find((o) => o.path === "effective[0].conductivitySPerCm")!;
    expect(out.samples).toBe(n);
    expectQuantiles(out, phase.spec, 2 / n);
    const s = u!.sensitivity.filter((r) => r.path === out.path);
    const ofPhase = s.find((r) => r.input === phase.path)!;
    const ofVoxel = s.find((r) => r.input === "morphology.voxelNm")!;
    expect(ofPhase.firstOrder).toBeCloseTo(1, 8);
    expect(ofVoxel.total).toBeLessThan(1e-8);
    expect(u!.measureNext[0]!.input).toBe(phase.path);
  });

  it("seeded samples give the same bands with one worker or two", async () => {
    const design = block("homogeneous", 1e-4, 1e-2);
    const one = await bands(design, 12, 1, "w1");
    const two = await bands(design, 12, 2, "w2");
    expect(JSON.stringify(two.block)).toBe(JSON.stringify(one.block));
  });

  it("designs that share an input share its draws: twice the conductivity wins in every sample", async () => {
    const a = block("a", 1e-4, 1e-2);
    const b = block("b", 2e-4, 2e-2);
    const ra = await bands(a, 12, 2, "pa");
    const rb = await bands(b, 12, 2, "pb");
    const rows = pairwiseProbabilities([
      { name: "a", samples: ra.samples },
      { name: "b", samples: rb.samples },
    ]).filter((r) => r.path === "effective[0].conductivitySPerCm");
    expect(rows).toEqual([{ path: "effective[0].conductivitySPerCm", label: "sigma_eff 298.15 K (S/cm)", a: "a", b: "b", probabilityAGreater: 0, samples: 12 }]);
  });

  it("--emulate: bands of 200 draws through an expansion fitted to 9 runs are still the phase distribution's quantiles (ln sigma is linear in u: exact)", async () => {
    const n = 200;
    const design = block("homogeneous", 1e-4, 1e-2);
    const kmc = new Map<string, KmcCacheEntry>();
    const nominal = runScenario(design.scenario, { kmcCache: kmc });
    const r = await propagateUncertainty(design, nominal, [...kmc.entries()], { samples: n, emulate: 9, dir: join(root, "em"), workers: 2 });
    expect(r.samples.size).toBe(9);
    const u = r.block!;
    expect(u.samples).toBe(n);
    expect(u.runs).toBe(9);
    const phase = design.inputs.find((i) => i.path === "morphology.phases.0.conductivitySPerCm")!;
    const out = u.outputs.find((o) => o.path === "effective[0].conductivitySPerCm")!;
    expect(out.samples).toBe(n);
    expect(out.emulator).toMatchObject({ runs: 9, scale: "log" });
    expectQuantiles(out, phase.spec, 2 / n + 1e-9);
    // a second design at twice the conductivity: run s against run s (the same draw), it wins every one
    const b = block("b", 2e-4, 2e-2);
    const nb = runScenario(b.scenario, { kmcCache: kmc });
    const rb = await propagateUncertainty(b, nb, [...kmc.entries()], { samples: n, emulate: 9, dir: join(root, "em-b"), workers: 2 });
    const rows = pairwiseProbabilities([
      { name: "a", samples: r.samples },
      { name: "b", samples: rb.samples },
    ]).filter((x) => x.path === "effective[0].conductivitySPerCm");
    expect(rows).toEqual([{ path: "effective[0].conductivitySPerCm", label: "sigma_eff 298.15 K (S/cm)", a: "a", b: "b", probabilityAGreater: 0, samples: 9 }]);
  });

  it("the KMC entries rebuilt from a run's results are the ones the run cached (a sample reuses them exactly)", () => {
    const { scenario } = parseScenarioInputs({ ...tinyKmc, temperaturesK: [280, 320] });
    const kmc = new Map<string, KmcCacheEntry>();
    const results = runScenario(scenario, { kmcCache: kmc });
    expect(kmcEntriesOf(scenario, results)).toEqual([...kmc.entries()]);
    // and a run handed them reproduces the results without running the KMC
    expect(runScenario(scenario, { kmcCache: new Map(kmcEntriesOf(scenario, results)) })).toEqual(results);
  });

  it("one named quantity in two places gets one draw per sample; the sensitivity has one row for it", () => {
    const liquid = { distribution: "log-uniform", min: 1e-6, max: 1e-4, name: "liquid", reason: "one liquid in both phases" };
    const { scenario, inputs, plain } = parseScenarioInputs({
      name: "two-phase",
      seed: 2,
      temperaturesK: [298.15],
      morphology: { kind: "random-voxels", shape: [6, 6, 6], voxelNm: 50, phases: [{ name: "A", fraction: 0.5, conductivitySPerCm: liquid, transferenceNumber: 1 }, { name: "B", fraction: 0.5, conductivitySPerCm: liquid, transferenceNumber: 1 }] },
    });
    const { sweep, scores } = samplesSweep({ scenario, inputs, plain, baseDir: root }, 10, 2, []);
    expect(scores[0]).toHaveLength(1);
    for (const job of sweep.jobs) expect(job.params["morphology.phases.0.conductivitySPerCm"]).toBe(job.params["morphology.phases.1.conductivitySPerCm"]);
    expect(new Set(sweep.jobs.map((j) => j.params["morphology.phases.0.conductivitySPerCm"])).size).toBe(10);
  });

  it("refuses a distribution whose end the microstructure generator cannot build, before any sample runs", () => {
    const { scenario, inputs, plain } = parseScenarioInputs({
      name: "fibres",
      seed: 2,
      temperaturesK: [298.15],
      morphology: {
        kind: "grown-on-fibres",
        shape: [16, 16, 16],
        voxelNm: 25,
        fibreDiameterNm: { distribution: "uniform", min: 20, max: 100, reason: "BC fibre widths" },
        phases: [{ name: "pore", conductivitySPerCm: 1e-6, transferenceNumber: 0.5 }, { name: "mof", conductivitySPerCm: 1e-6, transferenceNumber: 0.5 }, { name: "fibre", conductivitySPerCm: 0 }],
      },
    });
    expect(() => checkReachUpFront({ scenario, inputs, plain, baseDir: root })).toThrow(/morphology\.fibreDiameterNm: at the lower end of its distribution \(20\.00\) the run would fail: .*0\.800 voxels/);
  });

  it("a draw in a corner of the inputs' joint ranges whose design cannot be made is left out as unbuildable, not counted as a failure", () => {
    // the MOF/PVDF-HFP membrane: each of porosity (0.25-0.5) and film (1-20 nm) alone is buildable
    // over its whole range, but the densest membrane with the thickest films packs its coated
    // particles denser than 0.6, the most the packer reaches reliably, which the generator refuses
    const plain = JSON.parse(readFileSync(new URL("../scenarios/paper/mof-pvdf.json", import.meta.url), "utf8")) as Record<string, unknown>;
    const { scenario, inputs, plain: p } = parseScenarioInputs(plain);
    const design: UncertainScenario = { scenario, inputs, plain: p, baseDir: root };
    expect(() => checkReachUpFront(design)).not.toThrow();
    const keys = inputKeys(inputs);
    const row = (porosityU: number, filmU: number): Float64Array =>
      Float64Array.from(keys, (k) => (k === "pvdf-porosity" ? porosityU : k === "pvdf-binder-film" ? filmU : 0.5));
    const scores = [row(0.01, 0.99), row(0.5, 0.5), row(0.01, 0.5), row(0.99, 0.99)];
    const unbuilt = unbuildableDraws(design, scores);
    expect([...unbuilt.keys()]).toEqual([0]);
    expect(unbuilt.get(0)).toMatch(/^morphology\.porosity: .* packs the coated particles to 0\.6\d+, above 0\.6, the densest the packer reaches reliably \(random close packing of equal spheres is 0\.64/);
    // runs that never came back: the unbuildable one is said to be so, the other is a failure
    const block = summariseSamples(design, scores.slice(0, 2), new Map(), 1, null);
    expect(block.unbuildable).toEqual({ runs: [0], draws: 0, reasons: [unbuilt.get(0)] });
    expect(block.failedSamples).toEqual([1]);
  });

  it("a posterior lends its design all its inputs; another design its fitted ones and, as their partner, the named ones they share", () => {
    const make = (name: string) => {
      const { scenario, inputs, plain } = parseScenarioInputs({
        name,
        seed: 1,
        temperaturesK: [298.15],
        morphology: {
          kind: "random-voxels",
          shape: [4, 4, 4],
          voxelNm: { distribution: "uniform", min: 20, max: 80, reason: "nuisance", name: "nuisance" },
          phases: [{ name: "A", fraction: 1, conductivitySPerCm: { distribution: "log-uniform", min: 1e-4, max: 1e-2, basis: "fitted", source: "a calibration", name: "rate" }, transferenceNumber: 1 }],
        },
      });
      return { scenario, inputs, plain, baseDir: root };
    };
    const a = make("a"), b = make("b");
    const keys = ["nuisance", "rate"];
    const posterior = {
      scenario: "a", method: "test", samples: 4, seed: 1, diagnostics: {}, fit: [], measurements: [],
      inputs: keys.map((key) => ({ key, paths: [], prior: a.inputs.find((i) => i.key === key)!.spec, posteriorMedian: 0, posterior90: [0, 0] as const, prior90: [0, 0] as const })),
      draws: [{ u: [0.11, 0.22], x: [] }, { u: [0.33, 0.44], x: [] }],
    };
    const own = drawScores(a, keys, 4, 1, [posterior]);
    expect(own.calibrated).toEqual(["nuisance", "rate"]);
    expect(own.scores.map((r) => Array.from(r))).toEqual([[0.11, 0.22], [0.11, 0.22], [0.33, 0.44], [0.33, 0.44]]);
    // b shares the fitted rate and the named nuisance: both come from a's posterior, jointly
    const other = drawScores(b, keys, 4, 1, [posterior]);
    expect(other.calibrated).toEqual(["nuisance", "rate"]);
    expect(other.scores.map((r) => Array.from(r))).toEqual(own.scores.map((r) => Array.from(r)));
    // a posterior that fitted none of d's keys (here: one that calibrated only the nuisance)
    // lends it nothing, not even the named key they share
    const unrelated = { ...posterior, scenario: "e", inputs: [posterior.inputs[0]!], draws: posterior.draws.map((dr) => ({ ...dr, u: [dr.u[0]!] })) };
    const d = make("d");
    const onlyNuisance = drawScores(d, ["nuisance", "rate"], 4, 1, [unrelated]);
    expect(onlyNuisance.calibrated).toEqual([]);
    expect(onlyNuisance.scores.map((r) => r[0])).toEqual(sampleScores(["nuisance", "rate"], 4, 1).map((r) => r[0]));
  });

  it("refuses too few samples before anything runs", async () => {
    const design = block("homogeneous", 1e-4, 1e-2);
    await expect(bands(design, 3, 1, "bad")).rejects.toThrow(/--uncertainty: got 3; the number of samples must be a whole number from 8/);
  });
});
