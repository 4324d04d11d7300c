// Resolved continuum reference for the gel-lens contact element (src/design/gelBinder.ts):
// sigma_eff / sigma_gel of a simple-cubic array of MOF spheres (conductivity sigma_M) held a
// surface gap g apart and bridged by gel (conductivity sigma_gel) placed by the binder rule
// d1 + d2 <= H*, from mofhop's voxel network at N voxels per cell side, with a first-order and a
// fitted-order Richardson extrapolation to zero voxel size; and the gel volume fraction of the
// array, from the voxels and from an exact line quadrature.
//
// Geometry (scale-free, R = 1): spheres of radius 1 at the corners of a cubic cell of side
// A = 2 + g. Each voxel centre p is
//   1 "mof"  inside a sphere (any periodic image), conductivity sigma_M;
//   2 "gel"  outside all spheres with d1 + d2 <= H*, d1 <= d2 the distances |p - c| - 1 to the
//            surfaces of the two nearest spheres (periodic images included), conductivity 1;
//   0 "pore" otherwise, conductivity 0.
// Symmetry: as in neck-array-reference.mjs (sc). The planes x, y, z = 0 and = A/2 are mirror
// planes of the sphere array, so also of d1, d2 and of the labels; under a field along x the x
// faces of the cell are equipotentials and the y, z faces carry no flux, so one cell with the
// solver's default electrodes ("planes" on the x faces, insulating sides) is the infinite array,
// and by the mirror planes through the cell centre only the corner eighth [0, A/2]^3 is solved
// (its far x face an equipotential by antisymmetry). The solver's sigma is intensive: the
// corner piece carries G/2 across half the length (in series with its mirror image) over a
// quarter of the section (in parallel with three images), so sigma_piece = G_piece (A/2) /
// (A/2)^2 = G / A = sigma_cell with no factor to apply (test/physics/contact-constriction.test.ts
// checks piece against full cell; `--check-full N` here repeats the check for this geometry).
// In the corner piece the nearest sphere centre is always the origin and the second nearest is
// one of (A,0,0), (0,A,0), (0,0,A) (for 0 <= p_k <= A/2, |p_k - 0| <= |p_k - A| <= |p_k - kA| for
// every other integer k, so every other image is componentwise farther than one of these), so
// "inside any sphere" is "inside the origin's", and the gel is the union over the three nearest
// neighbours c of the prolate spheroids |p| + |p - c| <= H* + 2 minus the origin's ball. The
// gel fraction's continuum value (phiGelExact) integrates that set exactly along x lines (the
// chords of a spheroid and a ball are closed-form) with the midpoint rule over an M x M grid of
// lines in (y, z), at M = 2048 and 4096 (their difference is reported as its error).
//
// Usage (after npm run build):
//   node scripts/gel-lens-reference.mjs G1,G2,... H1,H2,... SIGMAM N1,N2,...   (N even)
//   node scripts/gel-lens-reference.mjs --check-full N G H SIGMAM   (piece vs full cell, small N)
// Prints one JSON line per (g, H*, N) and one per (g, H*) with the extrapolations of S =
// sigma_eff / sigma_gel: richardson1 (first order, two finest N), richardson1prev (first order,
// second and third finest), richardson3 (fitted order from the finest ratio-2 triple N, N/2,
// N/4, as neck-array-reference.mjs does), richardson3any (fitted order from the three finest N,
// any ratios), lsq2 (least-squares S + B h + C h^2 over all N); estimate = midpoint of those
// present, err = half their range. The gap should span >= ~3 voxels (g N / A >= 3) at the
// coarsest N. Choose N with N / A an integer (N a multiple of 202 for g = 0.02, 102 for 0.04,
// 52 for 0.08): then the sphere surfaces at the contact point lie on voxel faces and the gap on
// the axis is exactly g at every N. Otherwise the voxelised gap is g + O(h) with a coefficient
// that jumps with N (the count of gel layers across the gap), and S, which goes as ln(1/gap)
// near contact, converges non-monotonically and its extrapolations scatter.
// Run time on the 2-core development machine (Node 20): a solve takes about 20 s at N = 512
// (9.5M unknowns, 1.9 GB resident) and about 2 min at N = 768 (a 384^3 piece); the conjugate
// gradient needs 20-25 iterations at sigma_M = 440 and at 1e6. The exact gel fraction adds
// about a second per (g, H*).
import { solveNetwork } from "../dist/transport/network/solve.js";
import { createVoxelGrid } from "../dist/structure/voxel/grid.js";

/** Labels of the corner eighth [0, A/2]^3 (n/2 voxels a side; n = full = true: the whole cell, n voxels a side). */
function labels(n, g, hStar, full = false) {
  const A = 2 + g, h = A / n, m = full ? n : n / 2;
  const phase = new Uint8Array(m * m * m);
  // squared distances of a coordinate to the two lattice planes that matter (0 and A), or, for
  // the full cell, to the nearest and the next-nearest of 0 and A
  const near = new Float64Array(m), far = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const t = (i + 0.5) * h, u = A - t;
    near[i] = Math.min(t * t, u * u);
    far[i] = Math.max(t * t, u * u);
  }
  const H2 = hStar + 2;
  for (let z = 0, idx = 0; z < m; z++) for (let y = 0; y < m; y++) {
    const yz = near[y] + near[z];
    const d2y = far[y] + near[z], d2z = near[y] + far[z];
    for (let x = 0; x < m; x++, idx++) {
      const r2 = near[x] + yz;
      if (r2 < 1) { phase[idx] = 1; continue; }
      const s2 = Math.min(far[x] + yz, near[x] + Math.min(d2y, d2z));
      // d1 + d2 = (|p - c1| - 1) + (|p - c2| - 1)
      if (Math.sqrt(r2) + Math.sqrt(s2) <= H2) phase[idx] = 2;
    }
  }
  return createVoxelGrid([m, m, m], phase, new Int32Array(m * m * m));
}

/** Gel volume fraction of the corner piece (= of the cell) by exact chords along x, midpoint rule on M x M lines. */
function gelFractionExact(g, hStar, M) {
  const A = 2 + g, L = A / 2, a = 1 + hStar / 2, f = A / 2, b2 = a * a - f * f;
  if (!(b2 > 0)) return 0;
  const dh = L / M;
  let sum = 0;
  for (let j = 0; j < M; j++) {
    const y = (j + 0.5) * dh;
    for (let k = 0; k < M; k++) {
      const z = (k + 0.5) * dh, rho2 = y * y + z * z;
      // spheroid with foci 0 and (A,0,0): (x - A/2)^2 / a^2 + rho^2 / b^2 <= 1
      let xlo = Infinity;
      if (rho2 < b2) xlo = Math.max(0, f - a * Math.sqrt(1 - rho2 / b2));
      // foci 0 and (0,A,0): (y - A/2)^2 / a^2 + (x^2 + z^2) / b^2 <= 1, i.e. x in [0, xy]; same for z
      let xhi = -Infinity;
      const qy = b2 * (1 - (y - f) ** 2 / (a * a)) - z * z;
      const qz = b2 * (1 - (z - f) ** 2 / (a * a)) - y * y;
      const q = Math.max(qy, qz);
      if (q > 0) xhi = Math.min(L, Math.sqrt(q));
      // union of [0, xhi] and [xlo, L], minus the ball [0, xb)
      const xb = rho2 < 1 ? Math.sqrt(1 - rho2) : 0;
      let len = 0;
      if (xhi > 0 && xlo <= xhi) len = Math.max(0, L - xb);
      else {
        if (xhi > 0) len += Math.max(0, xhi - xb);
        if (xlo < L) len += L - Math.max(xlo, xb);
      }
      sum += len;
    }
  }
  return (sum * dh * dh) / (L * L * L);
}

const OPTIONS = (sigmaM) => ({
  phases: [
    { label: 0, conductivitySPerCm: 0 },
    { label: 1, conductivitySPerCm: sigmaM },
    { label: 2, conductivitySPerCm: 1 },
  ],
  voxelNm: 1, tolerance: 1e-10, currentDensity: false, phaseConnectivity: false,
});

function solve(grid, sigmaM) {
  let count = 0;
  for (let i = 0; i < grid.phase.length; i++) if (grid.phase[i] === 2) count++;
  const phiGel = count / grid.phase.length;
  try {
    const r = solveNetwork(grid, OPTIONS(sigmaM));
    return { sigma: r.conductivitySPerCm, phiGel, iterations: r.solverIterations, relativeResidual: r.relativeResidual, currentBalance: r.currentBalance, unknowns: r.stats.unknowns, solveSeconds: r.stats.assemblySeconds + r.stats.setupSeconds + r.stats.solveSeconds };
  } catch (e) {
    return { sigma: NaN, phiGel, error: String(e && e.message ? e.message : e) };
  }
}

const args = process.argv.slice(2);
if (args[0] === "--check-full") {
  const [n, g, hStar, sigmaM] = args.slice(1).map(Number);
  const piece = solve(labels(n, g, hStar), sigmaM), full = solve(labels(n, g, hStar, true), sigmaM);
  process.stdout.write(JSON.stringify({ n, g, hStar, sigmaM, piece, full, relDiff: Math.abs(piece.sigma - full.sigma) / full.sigma }) + "\n");
  process.exit(0);
}
const [gs, hs, sm, ns] = args;
const sigmaM = Number(sm);
if (gs === undefined || hs === undefined || !(sigmaM > 0) || ns === undefined) {
  process.stderr.write("usage: node scripts/gel-lens-reference.mjs G1,G2,... H1,H2,... SIGMAM N1,N2,... (N even)\n");
  process.exit(2);
}
const sizes = ns.split(",").map(Number).sort((p, q) => p - q);
if (sizes.some((n) => !(n > 0 && n % 2 === 0))) throw new Error(`N must be even: ${ns}`);

/** Fitted order p from S at three sizes (any ratios): (S1 - S2) / (S2 - S3) = (h1^p - h2^p) / (h2^p - h3^p), by bisection. */
function fittedOrder(h, s) {
  const ratio = (s[0] - s[1]) / (s[1] - s[2]);
  if (!(ratio > 0)) return undefined;
  const f = (p) => (h[0] ** p - h[1] ** p) / (h[1] ** p - h[2] ** p) - ratio;
  let lo = 0.05, hi = 6;
  if (f(lo) * f(hi) > 0) return undefined;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (f(lo) * f(mid) <= 0) hi = mid; else lo = mid;
  }
  const p = (lo + hi) / 2;
  return { order: p, value: s[2] - (s[1] - s[2]) * h[2] ** p / (h[1] ** p - h[2] ** p) };
}

/** Least squares of y = c0 + c1 x + c2 x^2. */
function quadFit(x, y) {
  const S = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], r = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const v = [1, x[i], x[i] * x[i]];
    for (let a = 0; a < 3; a++) { r[a] += v[a] * y[i]; for (let b = 0; b < 3; b++) S[a][b] += v[a] * v[b]; }
  }
  // Cramer
  const det = (m) => m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const D = det(S);
  return det(S.map((row, i) => [r[i], row[1], row[2]])) / D;
}

/** The extrapolations of S(n) to h = 0 (richardson1 etc., see the header). */
function extrapolate(s) {
  const out = {};
  const [n2, n1] = sizes.slice(-2);
  if (sizes.length >= 2) out.richardson1 = s.get(n1) - (s.get(n2) - s.get(n1)) / (n1 / n2 - 1);
  if (sizes.length >= 3) {
    const [n3, n2b] = sizes.slice(-3, -1);
    out.richardson1prev = s.get(n2b) - (s.get(n3) - s.get(n2b)) / (n2b / n3 - 1);
    const hh = sizes.slice(-3).map((n) => 1 / n), ss = sizes.slice(-3).map((n) => s.get(n));
    const fo = fittedOrder(hh, ss);
    if (fo) Object.assign(out, { orderAny: fo.order, richardson3any: fo.value });
  }
  for (let k = sizes.length - 1; k >= 0; k--) {
    const m = sizes[k];
    if (s.has(m / 2) && s.has(m / 4)) {
      const d1 = s.get(m / 4) - s.get(m / 2), d2 = s.get(m / 2) - s.get(m);
      out.triple = [m / 4, m / 2, m];
      if (d1 * d2 > 0) {
        const p = Math.log(d1 / d2) / Math.log(2);
        Object.assign(out, { order: p, richardson3: s.get(m) - d2 / (2 ** p - 1) });
      }
      break;
    }
  }
  if (sizes.length >= 4) out.lsq2 = quadFit(sizes.map((n) => 1 / n), sizes.map((n) => s.get(n)));
  const vals = ["richardson1", "richardson1prev", "richardson3", "richardson3any", "lsq2"].map((k) => out[k]).filter((v) => Number.isFinite(v));
  if (vals.length) {
    const lo = Math.min(...vals), hi = Math.max(...vals);
    Object.assign(out, { estimate: (lo + hi) / 2, err: (hi - lo) / 2 });
  }
  return out;
}

for (const g of gs.split(",").map(Number)) for (const hStar of hs.split(",").map(Number)) {
  const A = 2 + g;
  const s = new Map(), phi = new Map();
  for (const n of sizes) {
    const t0 = Date.now();
    const grid = labels(n, g, hStar);
    const r = solve(grid, sigmaM);
    s.set(n, r.sigma);
    phi.set(n, r.phiGel);
    process.stdout.write(JSON.stringify({ g, hStar, sigmaM, n, gapVoxels: g * n / A, S: r.sigma, ...r, wallSeconds: (Date.now() - t0) / 1000 }) + "\n");
  }
  const exact2048 = gelFractionExact(g, hStar, 2048), exact4096 = gelFractionExact(g, hStar, 4096);
  const [n2, n1] = sizes.slice(-2);
  const phiOut = { phiGelExact: exact4096, phiGelExactErr: Math.abs(exact4096 - exact2048), phiMof: 4 * Math.PI / 3 / A ** 3 };
  if (sizes.length >= 2) phiOut.phiGelRichardson1 = phi.get(n1) - (phi.get(n2) - phi.get(n1)) / (n1 / n2 - 1);
  process.stdout.write(JSON.stringify({ g, hStar, sigmaM, sizes, ...extrapolate(s), ...phiOut }) + "\n");
}
