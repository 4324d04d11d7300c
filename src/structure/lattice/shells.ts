/**
 * Neighbour shells of a periodic lattice by Cartesian distance, for pair energies.
 *
 * Given increasing distance bounds R_1 < R_2 < ... < R_m, the site at distance r from a
 * site lies in shell c when R_(c-1) < r <= R_c (R_0 = 0, the site itself excluded). Like
 * the bonds (lattice.ts), the neighbours are found once per basis site, as (target basis,
 * cell offset, shell), so the list costs O(B n) memory whatever the box; `siteNeighbours`
 * expands it into one CSR list per site for the KMC's hot loop, where an ion's pair energy
 * is a sum over the ions on its list. `bondNeighbours` gives the hop graph (the bonds, in
 * bond order) as a one-shell list: the neighbourhood of the scalar `interactionEV`.
 *
 * Each pair of sites must be counted once: with a shell reaching half the box or more, a
 * site would meet two periodic images of another, so `distanceShells` refuses it.
 */
import { InputError } from "../../core/errors.js";
import type { PeriodicLattice } from "./lattice.js";

/**
 * Slack when a distance is compared with a shell bound, Angstrom: a site at R_c (to
 * rounding) belongs to shell c. Far below any interatomic distance difference.
 */
export const SHELL_DISTANCE_TOLERANCE_ANGSTROM = 1e-6;

/** The neighbours of each basis site, with their shell (CSR over the basis sites). */
export interface BasisNeighbours {
  /** Entries of basis b are start[b] .. start[b+1]-1. */
  readonly start: Int32Array;
  /** Basis site of each neighbour. */
  readonly basis: Int32Array;
  /** Cell offset of each neighbour, 3 per entry (any size, not only -1..1). */
  readonly cellOffset: Int32Array;
  /** Shell of each neighbour, 0-based. */
  readonly shell: Uint8Array;
  /** Distance of each neighbour, Angstrom. */
  readonly distanceAngstrom: Float64Array;
  readonly shellCount: number;
}

/** One neighbour list per site: entries of site i are start[i] .. start[i+1]-1. */
export interface SiteNeighbours {
  readonly start: Int32Array;
  readonly site: Int32Array;
  readonly shell: Uint8Array;
}

/** Most shells a list may have (shell indices are stored in one byte). */
export const MAX_SHELLS = 255;

/**
 * Every site within R_m of each basis site, by shell: per basis site sorted by shell, then
 * distance, then basis and offset (a fixed order, so sums over a list are reproducible).
 */
export function distanceShells(lattice: PeriodicLattice, boundsAngstrom: readonly number[]): BasisNeighbours {
  const m = boundsAngstrom.length;
  if (m === 0 || m > MAX_SHELLS) throw new InputError(`shells: ${m} bounds; give 1 to ${MAX_SHELLS}`);
  boundsAngstrom.forEach((r, c) => {
    if (!(r > 0) || !Number.isFinite(r) || (c > 0 && !(r > boundsAngstrom[c - 1]!))) {
      throw new InputError(`shells: bound ${c} is ${r} A; bounds must be positive, finite and increasing`);
    }
  });
  const reach = boundsAngstrom[m - 1]!;
  const box = [0, 1, 2].map((a) => lattice.cells[a]! * lattice.cellAngstrom[a]!);
  if (2 * reach >= Math.min(...box)) {
    throw new InputError(`shells: a reach of ${reach} A meets two images of a site in a box of ${box.map((x) => x.toFixed(2)).join(" x ")} A; it must stay below half the narrowest side (${(Math.min(...box) / 2).toFixed(2)} A)`);
  }
  const B = lattice.basisCount, pos = lattice.basisPositionAngstrom, edge = lattice.cellAngstrom;
  // a neighbour within R lies at most ceil(R / edge) + 1 cells away (positions inside the cell)
  const span = [0, 1, 2].map((a) => Math.ceil(reach / edge[a]!) + 1);
  const perBasis: { basis: number; off: [number, number, number]; d: number; shell: number }[][] = [];
  for (let a = 0; a < B; a++) {
    const list: (typeof perBasis)[number] = [];
    for (let b = 0; b < B; b++)
      for (let dz = -span[2]!; dz <= span[2]!; dz++)
        for (let dy = -span[1]!; dy <= span[1]!; dy++)
          for (let dx = -span[0]!; dx <= span[0]!; dx++) {
            const d = Math.hypot(
              pos[3 * b]! + dx * edge[0] - pos[3 * a]!,
              pos[3 * b + 1]! + dy * edge[1] - pos[3 * a + 1]!,
              pos[3 * b + 2]! + dz * edge[2] - pos[3 * a + 2]!,
            );
            if (d <= SHELL_DISTANCE_TOLERANCE_ANGSTROM || d > reach + SHELL_DISTANCE_TOLERANCE_ANGSTROM) continue;
            let shell = 0;
            while (d > boundsAngstrom[shell]! + SHELL_DISTANCE_TOLERANCE_ANGSTROM) shell++;
            list.push({ basis: b, off: [dx, dy, dz], d, shell });
          }
    list.sort((x, y) => x.shell - y.shell || x.d - y.d || x.basis - y.basis || x.off[2] - y.off[2] || x.off[1] - y.off[1] || x.off[0] - y.off[0]);
    perBasis.push(list);
  }
  return pack(perBasis, m);
}

/** The hop graph as a one-shell neighbour list: the bonds of each basis site, in bond order. */
export function bondNeighbours(lattice: PeriodicLattice): BasisNeighbours {
  const perBasis: { basis: number; off: [number, number, number]; d: number; shell: number }[][] = [];
  for (let b = 0; b < lattice.basisCount; b++) {
    const list: (typeof perBasis)[number] = [];
    for (let k = lattice.bondStart[b]!; k < lattice.bondStart[b + 1]!; k++) {
      const v = lattice.bondVectorAngstrom;
      list.push({
        basis: lattice.bondTarget[k]!,
        off: [lattice.bondCellOffset[3 * k]!, lattice.bondCellOffset[3 * k + 1]!, lattice.bondCellOffset[3 * k + 2]!],
        d: Math.hypot(v[3 * k]!, v[3 * k + 1]!, v[3 * k + 2]!),
        shell: 0,
      });
    }
    perBasis.push(list);
  }
  return pack(perBasis, 1);
}

function pack(perBasis: readonly { basis: number; off: readonly [number, number, number]; d: number; shell: number }[][], shellCount: number): BasisNeighbours {
  const n = perBasis.reduce((s, l) => s + l.length, 0);
  const start = new Int32Array(perBasis.length + 1);
  const basis = new Int32Array(n), cellOffset = new Int32Array(3 * n), shell = new Uint8Array(n), distanceAngstrom = new Float64Array(n);
  let e = 0;
  perBasis.forEach((list, a) => {
    start[a] = e;
    for (const x of list) {
      basis[e] = x.basis;
      cellOffset.set(x.off, 3 * e);
      shell[e] = x.shell;
      distanceAngstrom[e] = x.d;
      e++;
    }
  });
  start[perBasis.length] = e;
  return { start, basis, cellOffset, shell, distanceAngstrom, shellCount };
}

/** Site index of basis b in the cell (cx + ox, cy + oy, cz + oz), wrapped into the box. */
export function offsetSite(lattice: PeriodicLattice, b: number, cx: number, cy: number, cz: number, ox: number, oy: number, oz: number): number {
  const nx = lattice.cells[0], ny = lattice.cells[1], nz = lattice.cells[2];
  const x = (((cx + ox) % nx) + nx) % nx, y = (((cy + oy) % ny) + ny) % ny, z = (((cz + oz) % nz) + nz) % nz;
  return b + lattice.basisCount * (x + nx * (y + ny * z));
}

/** Entries of the per-site lists: cells x the entries of one cell's basis sites. */
export function siteNeighbourCount(lattice: PeriodicLattice, n: BasisNeighbours): number {
  return lattice.cells[0] * lattice.cells[1] * lattice.cells[2] * n.start[lattice.basisCount]!;
}

/** One neighbour list per site (the basis site's list, placed in the box), CSR. */
export function siteNeighbours(lattice: PeriodicLattice, n: BasisNeighbours): SiteNeighbours {
  const B = lattice.basisCount, nx = lattice.cells[0], ny = lattice.cells[1];
  const total = siteNeighbourCount(lattice, n);
  if (total > 2 ** 31 - 1) throw new InputError(`pair neighbour lists: ${total} entries exceed the limit of 2^31 - 1; use fewer cells or shorter shells`);
  const start = new Int32Array(lattice.siteCount + 1), site = new Int32Array(total), shell = new Uint8Array(total);
  let e = 0;
  for (let i = 0; i < lattice.siteCount; i++) {
    const b = i % B, c = (i - b) / B;
    const cx = c % nx, cy = Math.floor(c / nx) % ny, cz = Math.floor(c / (nx * ny));
    start[i] = e;
    for (let j = n.start[b]!; j < n.start[b + 1]!; j++) {
      site[e] = offsetSite(lattice, n.basis[j]!, cx, cy, cz, n.cellOffset[3 * j]!, n.cellOffset[3 * j + 1]!, n.cellOffset[3 * j + 2]!);
      shell[e] = n.shell[j]!;
      e++;
    }
  }
  start[lattice.siteCount] = e;
  return { start, site, shell };
}
