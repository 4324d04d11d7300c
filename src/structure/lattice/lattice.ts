/**
 * Periodic site lattices as compact typed-array graphs.
 *
 * A lattice is a unit cell (orthorhombic edges, B basis sites, and the directed bonds of
 * each basis site: target basis, cell offset in {-1,0,1}^3, hop vector, hop type) repeated
 * over nx x ny x nz cells with periodic boundaries. Bonds are stored once per basis site
 * (CSR over the basis), not per site, so a lattice of any size costs O(B z) memory; a site
 * is the pair (basis b, cell c) with index b + B (cx + nx (cy + ny cz)). The KMC engine
 * follows each ion by its cell coordinates and finds neighbours by adding the bond's cell
 * offset with wrap-around, which keeps the per-site state to the occupancy alone.
 */
import { InputError } from "../../core/errors.js";
import { CM_PER_ANGSTROM } from "../../core/constants.js";

export interface UnitCell {
  /** Orthorhombic cell edges, Angstrom. */
  readonly cellAngstrom: readonly [number, number, number];
  /** Site type of each basis site (index into siteTypeNames). */
  readonly basisSiteType: Uint8Array;
  readonly siteTypeNames: readonly string[];
  /** Basis site positions inside the cell, Angstrom, 3 per site. */
  readonly basisPositionAngstrom: Float64Array;
  /** CSR over basis sites: bonds of basis b are bondStart[b] .. bondStart[b+1]-1. */
  readonly bondStart: Int32Array;
  readonly bondTarget: Int32Array;
  /** Cell offset of the target, 3 per bond, each in {-1, 0, 1}. */
  readonly bondCellOffset: Int8Array;
  /** Hop vector (target position minus source position), Angstrom, 3 per bond. */
  readonly bondVectorAngstrom: Float64Array;
  /** Hop type of each bond (index into hopTypeNames). */
  readonly bondHopType: Uint8Array;
  /** The opposite bond: from the target back to the source (opposite offset and vector). */
  readonly bondReverse: Int32Array;
  readonly hopTypeNames: readonly string[];
}

export interface PeriodicLattice extends UnitCell {
  readonly kind: string;
  readonly cells: readonly [number, number, number];
  readonly basisCount: number;
  readonly siteCount: number;
  readonly volumeCm3: number;
}

/** Which pairs of site types are bonded, up to what distance, and with which hop type. */
export interface BondRule {
  readonly from: string;
  readonly to: string;
  readonly maxDistanceAngstrom: number;
  readonly minDistanceAngstrom?: number;
  readonly hopType: string;
}

export interface BasisSite {
  readonly type: string;
  /** Position in fractions of the cell edges. */
  readonly fractional: readonly [number, number, number];
}

/**
 * Build a unit cell from basis sites and distance rules: every pair (a, b') with b' in the
 * same or an adjacent cell whose distance lies in [min, max] of a rule matching their
 * types becomes a pair of opposite directed bonds. Rules are symmetric in from/to.
 */
export function buildUnitCell(
  cellAngstrom: readonly [number, number, number],
  basis: readonly BasisSite[],
  rules: readonly BondRule[],
): UnitCell {
  const siteTypeNames = [...new Set(basis.map((s) => s.type))];
  const hopTypeNames = [...new Set(rules.map((r) => r.hopType))];
  const B = basis.length;
  const pos = new Float64Array(3 * B);
  const basisSiteType = new Uint8Array(B);
  basis.forEach((s, i) => {
    for (let k = 0; k < 3; k++) pos[3 * i + k] = wrapFraction(s.fractional[k]!) * cellAngstrom[k]!;
    basisSiteType[i] = siteTypeNames.indexOf(s.type);
  });
  const minEdge = Math.min(...cellAngstrom);
  for (const r of rules) {
    if (r.maxDistanceAngstrom > minEdge * (1 + 1e-9)) {
      throw new InputError(`bond rule ${r.from}-${r.to}: reach ${r.maxDistanceAngstrom} A must not exceed the cell edge ${minEdge} A`);
    }
  }
  const perSite: { target: number; off: [number, number, number]; vec: [number, number, number]; hop: number }[][] = [];
  // the rule of each pair of site types (the first that matches, in either order)
  const T = siteTypeNames.length;
  const ruleOf: (BondRule | undefined)[] = [];
  for (let ta = 0; ta < T; ta++)
    for (let tb = 0; tb < T; tb++)
      ruleOf.push(rules.find((r) => (r.from === siteTypeNames[ta] && r.to === siteTypeNames[tb]) || (r.to === siteTypeNames[ta] && r.from === siteTypeNames[tb])));
  const [ex, ey, ez] = cellAngstrom;
  for (let a = 0; a < B; a++) {
    const list: (typeof perSite)[number] = [];
    for (let b = 0; b < B; b++) {
      const rule = ruleOf[T * basisSiteType[a]! + basisSiteType[b]!];
      if (rule === undefined) continue;
      const rmin = rule.minDistanceAngstrom ?? 1e-9;
      for (let dz = -1; dz <= 1; dz++)
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const vx = pos[3 * b]! + dx * ex - pos[3 * a]!;
            const vy = pos[3 * b + 1]! + dy * ey - pos[3 * a + 1]!;
            const vz = pos[3 * b + 2]! + dz * ez - pos[3 * a + 2]!;
            const d = Math.hypot(vx, vy, vz);
            if (d >= rmin && d <= rule.maxDistanceAngstrom + 1e-9) {
              list.push({ target: b, off: [dx, dy, dz], vec: [vx, vy, vz], hop: hopTypeNames.indexOf(rule.hopType) });
            }
          }
    }
    perSite.push(list);
  }
  const nb = perSite.reduce((s, l) => s + l.length, 0);
  const bondStart = new Int32Array(B + 1);
  const bondTarget = new Int32Array(nb);
  const bondCellOffset = new Int8Array(3 * nb);
  const bondVectorAngstrom = new Float64Array(3 * nb);
  const bondHopType = new Uint8Array(nb);
  let k = 0;
  for (let a = 0; a < B; a++) {
    bondStart[a] = k;
    for (const e of perSite[a]!) {
      bondTarget[k] = e.target;
      bondHopType[k] = e.hop;
      for (let c = 0; c < 3; c++) {
        bondCellOffset[3 * k + c] = e.off[c]!;
        bondVectorAngstrom[3 * k + c] = e.vec[c]!;
      }
      k++;
    }
  }
  bondStart[B] = k;
  const bondReverse = reverseBonds(bondStart, bondTarget, bondCellOffset);
  return { cellAngstrom, basisSiteType, siteTypeNames, basisPositionAngstrom: pos, bondStart, bondTarget, bondCellOffset, bondVectorAngstrom, bondHopType, bondReverse, hopTypeNames };
}

/** For each bond a -> b (offset o), the bond b -> a with offset -o. Distance rules are symmetric, so it exists. */
function reverseBonds(bondStart: Int32Array, bondTarget: Int32Array, off: Int8Array): Int32Array {
  const B = bondStart.length - 1;
  const reverse = new Int32Array(bondTarget.length).fill(-1);
  for (let a = 0; a < B; a++) {
    for (let k = bondStart[a]!; k < bondStart[a + 1]!; k++) {
      const b = bondTarget[k]!;
      for (let m = bondStart[b]!; m < bondStart[b + 1]!; m++) {
        if (bondTarget[m] === a && off[3 * m] === -off[3 * k]! && off[3 * m + 1] === -off[3 * k + 1]! && off[3 * m + 2] === -off[3 * k + 2]!) {
          reverse[k] = m;
          break;
        }
      }
      if (reverse[k] === -1) throw new Error(`bond ${k} (${a} -> ${b}) has no reverse bond`);
    }
  }
  return reverse;
}

function wrapFraction(f: number): number {
  const w = f - Math.floor(f);
  return w >= 1 - 1e-12 ? 0 : w;
}

/** Repeat a unit cell over `cells` with periodic boundaries. */
export function periodicLattice(kind: string, cell: UnitCell, cells: readonly [number, number, number]): PeriodicLattice {
  cells.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 2) throw new InputError(`lattice.cells[${i}]: got ${n}; must be an integer >= 2`);
  });
  const basisCount = cell.basisSiteType.length;
  const siteCount = basisCount * cells[0] * cells[1] * cells[2];
  if (siteCount > 2 ** 31 - 1) throw new InputError(`lattice.cells: ${siteCount} sites exceed the limit of 2^31 - 1`);
  const volumeCm3 =
    cells[0] * cell.cellAngstrom[0] * CM_PER_ANGSTROM * cells[1] * cell.cellAngstrom[1] * CM_PER_ANGSTROM * cells[2] * cell.cellAngstrom[2] * CM_PER_ANGSTROM;
  return { ...cell, kind, cells, basisCount, siteCount, volumeCm3 };
}


/** Site index of (basis, cell coordinates). */
export function siteIndex(lattice: PeriodicLattice, basis: number, cx: number, cy: number, cz: number): number {
  return basis + lattice.basisCount * (cx + lattice.cells[0] * (cy + lattice.cells[1] * cz));
}

/** Sites of one site type in the box. */
export function siteCountOfType(lattice: PeriodicLattice, siteType: string): number {
  const t = lattice.siteTypeNames.indexOf(siteType);
  let n = 0;
  for (let b = 0; b < lattice.basisCount; b++) if (lattice.basisSiteType[b] === t) n++;
  return n * lattice.cells[0] * lattice.cells[1] * lattice.cells[2];
}

/** Sites of one site type per cm^3. */
export function siteDensityPerCm3(lattice: PeriodicLattice, siteType: string): number {
  return siteCountOfType(lattice, siteType) / lattice.volumeCm3;
}
