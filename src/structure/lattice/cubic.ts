/**
 * Generic cubic Bravais lattices with one site type ("site") and one hop type ("nn")
 * between nearest neighbours, used for validation and for users' own models.
 * Conventional cubic cell of edge a: simple cubic (1 site, z = 6, d = a), bcc (2 sites,
 * z = 8, d = a sqrt(3)/2), fcc (4 sites, z = 12, d = a / sqrt(2)). All three give the
 * single-ion diffusivity D = z nu d^2 / 6 = nu a^2 (Mehrer, Diffusion in Solids, ch. 7).
 */
import { buildUnitCell, periodicLattice, type BasisSite, type PeriodicLattice } from "./lattice.js";

export type CubicKind = "simple-cubic" | "bcc" | "fcc";

const BASES: Record<CubicKind, readonly (readonly [number, number, number])[]> = {
  "simple-cubic": [[0, 0, 0]],
  bcc: [[0, 0, 0], [0.5, 0.5, 0.5]],
  fcc: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
};

/** Nearest-neighbour distance in units of the cubic lattice constant. */
export const NEAREST_NEIGHBOUR_FRACTION: Record<CubicKind, number> = {
  "simple-cubic": 1,
  bcc: Math.sqrt(3) / 2,
  fcc: Math.SQRT1_2,
};

export const COORDINATION: Record<CubicKind, number> = { "simple-cubic": 6, bcc: 8, fcc: 12 };

export interface CubicLatticeOptions {
  readonly kind: CubicKind;
  readonly cells: readonly [number, number, number];
  readonly latticeConstantAngstrom: number;
}

export function cubicLattice(options: CubicLatticeOptions): PeriodicLattice {
  const a = options.latticeConstantAngstrom;
  const d = NEAREST_NEIGHBOUR_FRACTION[options.kind] * a;
  const basis: BasisSite[] = BASES[options.kind].map((f) => ({ type: "site", fractional: f }));
  // simple cubic with 2 cells along an axis would bond a site to the same neighbour twice
  // through +x and -x; that is still the torus' bond set, so it is allowed.
  const cell = buildUnitCell([a, a, a], basis, [
    { from: "site", to: "site", minDistanceAngstrom: 0.999 * d, maxDistanceAngstrom: d, hopType: "nn" },
  ]);
  return periodicLattice(options.kind, cell, options.cells);
}
