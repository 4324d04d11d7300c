// The refinement check of a voxel paper design: realisations 0 and 1 at the shipped voxel
// and at half of it (same seed; generators that draw by voxel count may draw other fibres on
// the finer grid), sigma_eff at 298.15 K with the MOF at a given conductivity.
// Usage (after npm run build): node scripts/refine-design.mjs NAME [SIGMA_MOF_S_PER_CM] [REALISATIONS]
// NAME: a voxel paper design, interconnected or bc (scenarios/paper/NAME.json). With
// REALISATIONS (default 2) it ends with the mean +- standard error over them at both voxel sizes.
import { loadScenario } from "../dist/scenario/load.js";
import { buildMorphology, morphologyStream, networkOptions } from "../dist/pipeline/morphology.js";
import { solveNetwork } from "../dist/transport/network/solve.js";
const sigmaMof = Number(process.argv[3] ?? 4.38e-3);
const name = process.argv[2];
const { scenario, baseDir } = loadScenario(new URL(`../scenarios/paper/${name}.json`, import.meta.url).pathname);
const m = scenario.morphology;
const count = Number(process.argv[4] ?? 2);
const sums = [[], []];
for (let r = 0; r < count; r++) {
  const out = [];
  for (const f of [1, 2]) {
    const mm = { ...m, shape: m.shape.map((n) => n * f), voxelNm: m.voxelNm / f };
    const t0 = performance.now();
    try {
      const built = buildMorphology(mm, morphologyStream(scenario.seed, r), baseDir);
      const s = solveNetwork(built.grid, { ...networkOptions(mm, built.phases, 298.15, sigmaMof), phaseConnectivity: false });
      out.push({ voxelNm: mm.voxelNm, sigma: s.conductivitySPerCm, s: ((performance.now() - t0) / 1000).toFixed(1) });
    } catch (e) { out.push({ voxelNm: mm.voxelNm, error: String(e.message).slice(0, 120) }); }
  }
  const ch = out[1].sigma !== undefined && out[0].sigma ? ((out[1].sigma - out[0].sigma) / out[1].sigma * 100).toFixed(1) + " %" : "";
  out.forEach((o, i) => { if (o.sigma !== undefined) sums[i].push(o.sigma); });
  console.log(JSON.stringify({ name, realization: r, ...Object.fromEntries(out.map((o, i) => [i === 0 ? "shipped" : "half", o])), change: ch }));
}
const stat = (v) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const se = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1) / v.length);
  return { mean: Number(mean.toPrecision(4)), stdErr: Number(se.toPrecision(2)), n: v.length };
};
if (count > 1) console.log(JSON.stringify({ name, sigmaMofSPerCm: sigmaMof, shipped: stat(sums[0]), half: stat(sums[1]) }));
