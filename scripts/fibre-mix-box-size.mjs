// Box-size study of the particles-among-fibres design (src/design/fibreMix.ts) at the nominal
// MOF/BC mix of scenarios/paper/mof-bc-mix.json (sigma_MOF 4.4e-3 S/cm, r_b 2e-4 ohm cm2):
// sigma_eff (mean of the three axes) over seeds at 300, 1000, 3000 and 8000 particles, with the
// standard error and the realisation scatter (sd / mean). Run after `npm run build`:
//   node scripts/fibre-mix-box-size.mjs
import { fibreMix } from "../dist/design/fibreMix.js";
import { pressedPowderConductances } from "../dist/design/pressedPowder.js";
import { graphConductivity } from "../dist/design/graph.js";
import { createStream } from "../dist/core/rng.js";

const base = {
  particleDiameterNm: 500, diameterLogSd: 0.25, solidFraction: 0.515, fibreToParticleVolumeRatio: 0.29421,
  fibreDiameterNm: 50, fibreOnParticleShare: 0.1, consolidationPressurePa: 1e5,
  material: { youngsModulusPa: 30e9, poissonRatio: 0.3, hardnessPa: 1e9 }, workOfAdhesionJPerM2: 0.0548, equilibriumSeparationNm: 0.3,
};
for (const [count, seeds] of [[300, 16], [1000, 12], [3000, 6], [8000, 3]]) {
  const v = [];
  const t0 = Date.now();
  for (let s = 0; s < seeds; s++) {
    const mix = fibreMix({ ...base, particleCount: count }, createStream(s, "size", count));
    const ax = graphConductivity(mix.graph, pressedPowderConductances(mix, 4.4e-3, 2e-4));
    v.push(ax.reduce((a, x) => a + x.conductivitySPerCm, 0) / 3);
  }
  const mean = v.reduce((a, b) => a + b) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  console.log(`${count} particles x ${seeds}: sigma ${mean.toExponential(3)} +- ${(sd / Math.sqrt(v.length)).toExponential(2)} S/cm, sd/mean ${(sd / mean).toFixed(2)}, ${((Date.now() - t0) / seeds).toFixed(0)} ms per realisation`);
}
