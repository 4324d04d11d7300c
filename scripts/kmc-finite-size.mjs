// Finite-size check of the KMC on the MOF lattice (issue: KMC, item 6): the Li+ conductivity at
// 298.15 K on the paper pellet's uio67-so3 lattice (3 x 3 x 3 cells, 1620 sites) against the
// same lattice twice as large in each direction (6 x 6 x 6, 12960 sites), both with the
// pellet's nominal rate parameters, 4 replicas, 8 times the hops on the larger lattice (the
// same simulated time per ion, hence about the same relative error).
// Usage (after npm run build): node scripts/kmc-finite-size.mjs [HOPS_PER_REPLICA_SMALL] [BLOCKS]
// (defaults 4e6 and 500 blocks per replica: a few minutes of one core in all).
import { readFileSync } from "node:fs";
import { parseScenario } from "../dist/scenario/load.js";
import { runScenario } from "../dist/pipeline/runScenario.js";
const hops = Number(process.argv[2] ?? 4e6);
// the standard error of sigma is set by the number of blocks (each block gives one sample of the
// collective displacement, a single random walk), not by their length: many short blocks
const blocks = Number(process.argv[3] ?? 500);
const plain = JSON.parse(readFileSync(new URL("../scenarios/paper/pellet.json", import.meta.url), "utf8"));
// every uncertain input at its nominal value
const nominal = (o) => (Array.isArray(o) ? o.map(nominal) : o !== null && typeof o === "object" ? ("distribution" in o ? o.nominal : Object.fromEntries(Object.entries(o).map(([k, v]) => [k, nominal(v)]))) : o);
const base = nominal(plain);
delete base.morphology;
delete base.cell;
base.temperaturesK = [298.15];
const rows = [];
for (const [n, factor] of [[3, 1], [6, 8]]) {
  const s = { ...base, name: `finite-size-${n}`, lattice: { ...base.lattice, cells: [n, n, n] }, kmc: { equilibrationHops: 2e5 * factor, hops: hops * factor, replicas: 4, blocks } };
  const t0 = performance.now();
  const k = runScenario(parseScenario(s)).kmc[0];
  rows.push({ cells: n, sites: k.sites, sigmaSPerCm: k.totalConductivitySPerCm, stdErr: k.totalConductivityStdErr, seconds: Math.round((performance.now() - t0) / 1000) });
  console.log(JSON.stringify(rows.at(-1)));
}
const [a, b] = rows;
console.log(JSON.stringify({ differenceInCombinedStdErr: Number(((a.sigmaSPerCm - b.sigmaSPerCm) / Math.hypot(a.stdErr, b.stdErr)).toFixed(2)) }));
