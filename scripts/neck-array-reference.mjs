// Resolved continuum references for the sphere-neck contact element (src/design/contacts.ts):
// sigma_eff / sigma of simple-cubic, bcc and fcc arrays of overlapping (necked) spheres, from
// mofhop's voxel network at N voxels per conventional cell side, with a first-order and a
// fitted-order Richardson extrapolation to zero voxel size.
//
// Geometry (scale-free): R = 1 is half the nearest-neighbour distance, the spheres have radius
// R0 = sqrt(1 + a^2), so each nearest-neighbour pair shares a flat neck of radius a. Cell side:
// sc 2, bcc 4/sqrt(3), fcc 2 sqrt(2). For all three the cell faces are mirror planes of the
// structure: under a field along x the x faces are equipotentials and the y, z faces carry no
// flux, so one cell with the solver's default electrodes ("planes" on the x faces, insulating
// sides) is exactly the infinite array; the planes through the cell centre are mirror planes
// too, so only the corner eighth [0, A/2]^3 is solved (its far x face an equipotential by
// antisymmetry), which equals the full cell to solver precision
// (test/physics/contact-constriction.test.ts, contact-network.test.ts).
//
// Low coordination (test/physics/contact-network.test.ts): "chain" (Z = 2), sites 2 apart along x
// only, and "square" (Z = 4), square layers of side 2 in the x-y plane; the cell side across the
// unbonded directions is 2.5 > 2 R0 for a/R < 0.75, so there the spheres do not touch, and those
// cell faces are mirror planes (no flux) at any rate. The same corner-eighth argument applies. N
// is the voxel count along x (cell side 2); the voxels are cubes, so the cell is N x 1.25 N x
// 1.25 N (chain) or N x N x 1.25 N (square), N a multiple of 8. sigma is per cell: with the
// field along x only the bonded chains carry current, so sigma * (cross-section) / 4 compares
// with the sc value.
//
// Usage (after npm run build):
//   node scripts/neck-array-reference.mjs LATTICE A1,A2,... N1,N2,...
//   (LATTICE sc|bcc|fcc|chain|square, N even; a multiple of 8 for chain and square)
// Prints one JSON line per (a, N) and one per a with the extrapolations. The tables in
// contacts.ts (sc) and contact-network.test.ts (bcc, fcc) used N up to 512-768 (a solve of
// 40 s at N = 512, about 4 min at 768, on the 2-core development machine); their error
// column is the spread of five extrapolations (first-order pairs, fitted order from the finest
// ratio-2 triple, and least-squares fits of S + A (sqrt(a^2 + h) - a) + B h).
import { solveNetwork } from "../dist/transport/network/solve.js";
import { createVoxelGrid } from "../dist/structure/voxel/grid.js";

// A: cell side, or [x, y, z] sides for a non-cubic cell (each a multiple of the x side / 8 here)
const LAT = {
  sc: { A: 2, basis: [[0, 0, 0]] },
  bcc: { A: 4 / Math.sqrt(3), basis: [[0, 0, 0], [0.5, 0.5, 0.5]] },
  fcc: { A: 2 * Math.SQRT2, basis: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]] },
  chain: { A: [2, 2.5, 2.5], basis: [[0, 0, 0]] },
  square: { A: [2, 2, 2.5], basis: [[0, 0, 0]] },
};

/** The corner eighth of the cell, N/2 voxels along x: 1 inside any sphere (periodic images), else 0. */
function pieceGrid(lat, n, a) {
  const { A: side, basis } = LAT[lat];
  const A = typeof side === "number" ? [side, side, side] : side;
  const h = A[0] / n, r2 = 1 + a * a, r0 = Math.sqrt(r2);
  const m = A.map((L) => Math.round(n / 2 * (L / A[0])));
  m.forEach((mk, k) => { if (Math.abs(mk - (n / 2) * (A[k] / A[0])) > 1e-9) throw new Error(`${lat}: N = ${n} gives a fractional voxel count along axis ${k}`); });
  const ext = m.map((mk) => mk * h);
  const phase = new Uint8Array(m[0] * m[1] * m[2]);
  for (const b of basis) for (let i = -1; i <= 2; i++) for (let j = -1; j <= 2; j++) for (let k = -1; k <= 2; k++) {
    const c = [(b[0] + i) * A[0], (b[1] + j) * A[1], (b[2] + k) * A[2]];
    if (c.some((v, q) => v + r0 < 0 || v - r0 > ext[q])) continue;
    const lo = c.map((v) => Math.max(0, Math.floor((v - r0) / h - 0.5)));
    const hi = c.map((v, q) => Math.min(m[q] - 1, Math.ceil((v + r0) / h - 0.5)));
    for (let z = lo[2]; z <= hi[2]; z++) {
      const dz = (z + 0.5) * h - c[2];
      for (let y = lo[1]; y <= hi[1]; y++) {
        const dy = (y + 0.5) * h - c[1], r = dz * dz + dy * dy;
        if (r >= r2) continue;
        for (let x = lo[0]; x <= hi[0]; x++) {
          const dx = (x + 0.5) * h - c[0];
          if (r + dx * dx < r2) phase[x + m[0] * (y + m[1] * z)] = 1;
        }
      }
    }
  }
  return createVoxelGrid([m[0], m[1], m[2]], phase, new Int32Array(phase.length));
}

const [lat, as, ns] = process.argv.slice(2);
if (LAT[lat] === undefined || as === undefined || ns === undefined) {
  process.stderr.write("usage: node scripts/neck-array-reference.mjs sc|bcc|fcc|chain|square A1,A2,... N1,N2,... (N even; chain, square: N a multiple of 8)\n");
  process.exit(2);
}
const sizes = ns.split(",").map(Number).sort((p, q) => p - q);
for (const a of as.split(",").map(Number)) {
  const s = new Map();
  for (const n of sizes) {
    const r = solveNetwork(pieceGrid(lat, n, a), {
      phases: [{ label: 0, conductivitySPerCm: 0 }, { label: 1, conductivitySPerCm: 1 }],
      voxelNm: 1, tolerance: 1e-10, currentDensity: false, phaseConnectivity: false,
    });
    s.set(n, r.conductivitySPerCm);
    process.stdout.write(JSON.stringify({ lat, a, n, sigma: r.conductivitySPerCm, iterations: r.solverIterations }) + "\n");
  }
  const [n2, n1] = sizes.slice(-2);
  const out = { lat, a, richardson1: s.get(n1) - (s.get(n2) - s.get(n1)) / (n1 / n2 - 1) };
  const m = sizes[sizes.length - 1];
  if (s.has(m / 2) && s.has(m / 4)) {
    const d1 = s.get(m / 4) - s.get(m / 2), d2 = s.get(m / 2) - s.get(m);
    if (d1 * d2 > 0) {
      const p = Math.log(d1 / d2) / Math.log(2);
      Object.assign(out, { order: p, richardson3: s.get(m) - d2 / (2 ** p - 1) });
    }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
