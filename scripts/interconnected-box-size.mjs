// The interconnected membrane's box against a larger one: sigma_eff at 25 C of
// scenarios/paper/interconnected.json's nominal morphology (the KMC replaced by a fixed MOF
// conductivity, 4.28e-3 S/cm, the fitted crystal's mean over seeds; no cell) in a box of 80
// voxels (8 fibre diameters, as shipped) and of 120 (12), 6 realisations each.
// Usage: npm run build && node scripts/interconnected-box-size.mjs [POROSITY]
import { readFileSync } from "node:fs";
const dist = new URL("../dist", import.meta.url).href;
const { parseScenarioInputs } = await import(`${dist}/scenario/load.js`);
const { runScenario } = await import(`${dist}/pipeline/runScenario.js`);
const raw = JSON.parse(readFileSync(new URL("../scenarios/paper/interconnected.json", import.meta.url), "utf8"));
const { plain } = parseScenarioInputs(raw);
for (const n of [80, 120]) {
  const s = structuredClone(plain);
  delete s.cell;
  delete s.lattice;
  delete s.species;
  delete s.kmc;
  s.temperaturesK = [298.15];
  s.morphology.shape = [n, n, n];
  s.morphology.realizations = 6;
  if (process.argv[2] !== undefined) s.morphology.porosity = Number(process.argv[2]);
  s.morphology.phases = s.morphology.phases.map((p) => (p.name === "mof" ? { ...p, conductivitySPerCm: 4.28e-3, transferenceNumber: 1 } : { ...p, transferenceNumber: 1 }));
  const { scenario } = parseScenarioInputs(s);
  const t0 = performance.now();
  const e = runScenario(scenario, { errorEstimates: false }).effective[0];
  console.log(`box ${n} voxels (${n / 10} fibre diameters), porosity ${scenario.morphology.porosity}: sigma ${e.conductivitySPerCm.toExponential(4)} +- ${(e.conductivityStdErr ?? 0).toExponential(2)} S/cm (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
