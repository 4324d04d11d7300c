// Resolved continuum reference for the gel's own network of a particles-in-gel realisation
// (src/design/gelFilm.ts): the conductivity along x of the gel alone (particles insulating, as
// the gel's anions see them), sigma_gel-only / sigma_gel, of one random realisation, from the
// element's network and from mofhop's voxel network on the same realisation at several voxel
// sizes, extrapolated to zero voxel size.
//
// The realisation: gelBinder (src/design/gelBinder.ts) packs the particles and places the gel;
// every voxel centre p is
//   1 "mof"  inside a particle (any periodic image), insulating here;
//   2 "gel"  outside all particles with d1 <= h_f / 2 (the coat) or d1 + d2 <= H* (the gel the
//            binder rule places; H* the realisation's own), conductivity 1;
//   0 "pore" otherwise, conductivity 0.
// The box is periodic; the voxel solver puts electrode planes on its x faces. To remove their
// effect the box is solved once and twice repeated along x: the resistance of the repeated
// slab is twice the bulk's plus the same two end layers, so R_bulk = R(2L) - R(L) and
// sigma = 1 / (2 / sigma_2L - 1 / sigma_L) (the end layers decay within a few particles; the
// y and z sides are periodic).
//
// Usage (after npm run build):
//   node scripts/gel-film-reference.mjs DIAMETER_NM FILM_NM COUNT SEED N1,N2,... [MOF_FRACTION]
// (MOF volume fraction default 0.45; gel 0.15, sd(ln d) 0.25 as the paper design.)
// (N: voxels along the box side.) Prints one JSON line per N and one with the network's value
// and the extrapolations: richardson1 (first order, two finest N) and lsq2 (least squares
// S + B h + C h^2 over all N); estimate = their midpoint, err = half their difference.
import { gelBinder } from "../dist/design/gelBinder.js";
import { gelFilmConductances, gelFilmNetwork } from "../dist/design/gelFilm.js";
import { graphConductivity } from "../dist/design/graph.js";
import { solveNetwork } from "../dist/transport/network/solve.js";
import { createVoxelGrid } from "../dist/structure/voxel/grid.js";
import { RandomStream, streamState } from "../dist/core/rng.js";

const [d, film, count, seed, list, mof = "0.45"] = process.argv.slice(2);
if (list === undefined) {
  console.error("usage: node scripts/gel-film-reference.mjs DIAMETER_NM FILM_NM COUNT SEED N1,N2,... [MOF_FRACTION]");
  process.exit(2);
}
const o = { particleDiameterNm: Number(d), diameterLogSd: 0.25, mofVolumeFraction: Number(mof), gelVolumeFraction: 0.15, filmThicknessNm: Number(film), particleCount: Number(count), binderSamples: 400_000 };
const net = gelBinder(o, new RandomStream(streamState(Number(seed), "gel-film-reference")));
const n = net.graph.nodeCount, L = net.stats.boxNm, hStar = net.stats.fillGapNm, coat = o.filmThicknessNm / 2;
const pos = Float64Array.from(net.graph.positionCm, (x) => x * 1e7), rad = Float64Array.from(net.radiusCm, (x) => x * 1e7);

// the element's network
const f = gelFilmNetwork(net, o.filmThicknessNm);
const G = gelFilmConductances(net, f, 0, 1, 0).conductanceS;
const networkSigma = graphConductivity(f.graph, G, [0], { tolerance: 1e-12 })[0].conductivitySPerCm;

/** Labels of the box at N voxels a side, repeated `reps` times along x. */
function labels(N, reps) {
  const h = L / N, phase = new Uint8Array(reps * N * N * N);
  let rMax = 0;
  for (const r of rad) rMax = Math.max(rMax, r);
  // a cell list over particle centres, cells of at least (H* + rMax) so the two nearest
  // surfaces within reach lie in the 3^3 block (beyond reach neither rule can hold)
  const reach = Math.max(hStar, coat) + rMax;
  const mc = Math.max(1, Math.floor(L / reach)), cs = L / mc;
  const head = new Int32Array(mc ** 3).fill(-1), next = new Int32Array(n);
  const cell = (v) => Math.min(mc - 1, Math.floor(v / cs));
  for (let i = 0; i < n; i++) {
    const c = cell(pos[3 * i]) + mc * (cell(pos[3 * i + 1]) + mc * cell(pos[3 * i + 2]));
    next[i] = head[c];
    head[c] = i;
  }
  const span = mc < 3 ? [0] : [-1, 0, 1];
  for (let z = 0; z < N; z++) for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
    const px = (x + 0.5) * h, py = (y + 0.5) * h, pz = (z + 0.5) * h;
    let d1 = Infinity, d2 = Infinity;
    const visit = (j) => {
      let dx = pos[3 * j] - px, dy = pos[3 * j + 1] - py, dz = pos[3 * j + 2] - pz;
      dx -= L * Math.round(dx / L); dy -= L * Math.round(dy / L); dz -= L * Math.round(dz / L);
      const s = Math.sqrt(dx * dx + dy * dy + dz * dz) - rad[j];
      if (s < d1) { d2 = d1; d1 = s; } else if (s < d2) d2 = s;
    };
    if (mc < 3) for (let j = 0; j < n; j++) visit(j);
    else {
      const cx = cell(px), cy = cell(py), cz = cell(pz);
      for (const oz of span) for (const oy of span) for (const ox of span) {
        const c = ((cx + ox + mc) % mc) + mc * (((cy + oy + mc) % mc) + mc * ((cz + oz + mc) % mc));
        for (let j = head[c]; j >= 0; j = next[j]) visit(j);
      }
    }
    const label = d1 < 0 ? 1 : d1 <= coat || d1 + d2 <= hStar ? 2 : 0;
    for (let r = 0; r < reps; r++) phase[r * N + x + reps * N * (y + N * z)] = label;
  }
  return createVoxelGrid([reps * N, N, N], phase, new Int32Array(phase.length));
}

function solve(N, reps) {
  const grid = labels(N, reps);
  const r = solveNetwork(grid, {
    phases: [{ label: 0, conductivitySPerCm: 0 }, { label: 1, conductivitySPerCm: 0 }, { label: 2, conductivitySPerCm: 1 }],
    voxelNm: L / N, sides: "periodic", tolerance: 1e-10, currentDensity: false, phaseConnectivity: false,
  });
  return r;
}

const rows = [];
for (const N of list.split(",").map(Number)) {
  const t0 = Date.now();
  const one = solve(N, 1), two = solve(N, 2);
  const sigma = 1 / (2 / two.conductivitySPerCm - 1 / one.conductivitySPerCm);
  const row = { N, voxelNm: L / N, coatVoxels: coat / (L / N), sigmaL: one.conductivitySPerCm, sigma2L: two.conductivitySPerCm, sigma, iterations: [one.solverIterations, two.solverIterations], seconds: (Date.now() - t0) / 1000 };
  rows.push(row);
  console.log(JSON.stringify(row));
}
const out = { diameterNm: o.particleDiameterNm, filmNm: o.filmThicknessNm, count: n, seed: Number(seed), boxNm: L, fillGapNm: hStar, coordination: net.stats.coordination, filmStats: f.stats, networkSigma };
if (rows.length >= 2) {
  const [a, b] = rows.slice(-2);
  out.richardson1 = b.sigma + ((b.sigma - a.sigma) * b.voxelNm) / (a.voxelNm - b.voxelNm);
}
if (rows.length >= 3) {
  // least squares S + B h + C h^2
  const A = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], y = [0, 0, 0];
  for (const r of rows) {
    const v = [1, r.voxelNm, r.voxelNm ** 2];
    for (let i = 0; i < 3; i++) { y[i] += v[i] * r.sigma; for (let j = 0; j < 3; j++) A[i][j] += v[i] * v[j]; }
  }
  for (let c = 0; c < 3; c++) for (let r = c + 1; r < 3; r++) { const k = A[r][c] / A[c][c]; for (let j = c; j < 3; j++) A[r][j] -= k * A[c][j]; y[r] -= k * y[c]; }
  const s = [0, 0, 0];
  for (let i = 2; i >= 0; i--) { let t = y[i]; for (let j = i + 1; j < 3; j++) t -= A[i][j] * s[j]; s[i] = t / A[i][i]; }
  out.lsq2 = s[0];
}
const ex = [out.richardson1, out.lsq2].filter((x) => x !== undefined);
if (ex.length > 0) {
  out.estimate = (Math.max(...ex) + Math.min(...ex)) / 2;
  out.err = (Math.max(...ex) - Math.min(...ex)) / 2;
  out.networkOverReference = networkSigma / out.estimate;
}
console.log(JSON.stringify(out));
