// Bytes allocated per hop by each KMC event-selection scheme (the hot loops should allocate
// nothing), and events/s. One model and scheme per process, so that V8's type feedback and the
// loops' warm-up counters are those of a fresh run.
// Usage (after npm run build):
//   node --min-semi-space-size=128 --max-semi-space-size=128 scripts/kmc-alloc.mjs MODEL SCHEME [HOPS] [WARMUP]
// MODEL: standard (benchmarks/kmc.ts's kmc-standard lattice gas, simple cubic L = 64, 10 %
// occupancy, field bias 0.1), pairs (the same with a pair energy) or pellet (kmc-uio67's: scenarios/paper/pellet.json at 298.15 K);
// SCHEME: null-event, tree, class, type-null-event. HOPS (default 1e6) run in one advance call
// after WARMUP (default 1e5) and a reset, as the benchmarks do; the heap in use is read before
// and after it. With young-generation space of 2 x 128 MB no collection
// falls inside a measured call unless it allocates more than about 128 B per hop (then the
// figure printed is a lower bound, and `gcs` says so).
import v8 from "node:v8";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
// KMC_ALLOC_DIST: the build to measure, a path from the working directory (default the
// repository's dist/; another build for an A/B: keep it inside the repository, for node_modules)
const dist = process.env.KMC_ALLOC_DIST === undefined ? new URL("../dist", import.meta.url).href : pathToFileURL(resolve(process.env.KMC_ALLOC_DIST)).href;
const { cubicLattice } = await import(`${dist}/structure/lattice/cubic.js`);
const { KmcEngine } = await import(`${dist}/transport/kmc/engine.js`);
const { createStream } = await import(`${dist}/core/rng.js`);
const { BOLTZMANN_EV_PER_K } = await import(`${dist}/core/constants.js`);
const { loadScenario } = await import(`${dist}/scenario/load.js`);
const { buildKmcModel, buildLattice } = await import(`${dist}/pipeline/kmcModel.js`);

const [modelName = "standard", scheme = "class", hopsArg = "1e6", warmArg = "1e5"] = process.argv.slice(2);
const hops = Number(hopsArg), warmup = Number(warmArg);

function standardModel() {
  const temperatureK = 298, L = 64;
  const kT = BOLTZMANN_EV_PER_K * temperatureK;
  const lattice = cubicLattice({ kind: "simple-cubic", cells: [L, L, L], latticeConstantAngstrom: 1 });
  const count = Math.round(0.1 * lattice.siteCount);
  return {
    lattice,
    species: [{ name: "Li+", charge: 1, attemptFrequencyHz: 1e13, hopBarrierEV: [0.16], siteEnergyEV: [0], count }],
    temperatureK,
    fieldVPerCm: [(0.1 * kT) / 1e-8, 0, 0],
  };
}

function pelletModel() {
  const { scenario } = loadScenario("scenarios/paper/pellet.json");
  const temperatureK = scenario.temperaturesK.find((t) => Math.abs(t - 298.15) < 1e-9) ?? scenario.temperaturesK[0];
  return buildKmcModel(scenario, buildLattice(scenario), temperatureK);
}

// pairs: the standard lattice gas with a nearest-neighbour pair energy of 0.02 eV (the tree's
// path with pair energies, the automatic choice there)
const model = modelName === "pellet" ? pelletModel() : modelName === "pairs" ? { ...standardModel(), interactionEV: [0.02] } : standardModel();
const engine = new KmcEngine(model, createStream(1, "bench", "kmc-alloc"), scheme);
engine.advance(warmup);
engine.reset();

// collections during the measured call (V8's GCProfiler: synchronous, unlike a gc PerformanceObserver)
const gcProfiler = new v8.GCProfiler();
// KMC_ALLOC_GC=1: a full collection first (it discarded the loops' optimized code, so that the
// measured call began by compiling them afresh, on the stack); by default none (the young
// generation then holds what warm-up left, far below its size)
if (process.env.KMC_ALLOC_GC === "1") globalThis.gc();
await new Promise((r) => setImmediate(r));
// KMC_ALLOC_PROFILE=1: V8's sampling heap profiler over the measured call, the top allocation sites to stderr
const profile = process.env.KMC_ALLOC_PROFILE === "1";
let session;
if (profile) {
  const { Session } = await import("node:inspector");
  session = new Session();
  session.connect();
  const post = (m, p) => new Promise((res, rej) => session.post(m, p, (e, r) => (e ? rej(e) : res(r))));
  session.postAsync = post;
  await post("HeapProfiler.enable");
  await post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
gcProfiler.start();
const h0 = process.memoryUsage().heapUsed;
const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
engine.advance(hops);
const seconds = Number(process.hrtime.bigint() - t0) * 1e-9;
const cpu = process.cpuUsage(c0);
const h1 = process.memoryUsage().heapUsed;
const gcs = gcProfiler.stop().statistics.map((g) => g.gcType);
if (profile) {
  const { profile: prof } = await session.postAsync("HeapProfiler.stopSampling");
  const sites = new Map();
  const walk = (n, stack) => {
    const f = n.callFrame, here = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    const st = [...stack, here];
    if (n.selfSize > 0) sites.set(st.slice(-3).join(" < "), (sites.get(st.slice(-3).join(" < ")) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, st);
  };
  walk(prof.head, []);
  for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.error(`${(v / hops).toFixed(2)} B/hop  ${k}`);
}
const out = {
  model: modelName,
  scheme: engine.scheme,
  hops,
  bytesPerHop: +((h1 - h0) / hops).toFixed(2),
  // a collection inside makes bytesPerHop too low (use KMC_ALLOC_PROFILE=1 then)
  gcs: gcs.join(","),
  eventsPerSecond: Math.round(hops / seconds),
  eventsPerCpuSecond: Math.round(hops / ((cpu.user + cpu.system) * 1e-6)),
  time: engine.time,
  rng: Array.from(engine.rng.state).join(","),
  semiSpaceMB: Math.round(v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 2 ** 20),
};
console.log(JSON.stringify(out));
