/**
 * The exclusion-only lattice gas of the KMC tests: one species hopping with the same barrier
 * between the nearest neighbours of a cubic lattice (a = 3 A), D0 = nu a^2 for sc, bcc and
 * fcc alike (physics.md, "Random walk and lattice gas").
 */
import { cubicLattice, type CubicKind } from "../../src/structure/lattice/cubic.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";

export const T = 300;
export const NU = 1e13;
export const EA = 0.2;
export const A_ANGSTROM = 3;
/** Rate per neighbour, Hz. */
export const gamma = NU * Math.exp(-EA / (BOLTZMANN_EV_PER_K * T));
/** nu a^2, cm^2/s, for sc, bcc and fcc alike. */
export const d0 = gamma * (A_ANGSTROM * 1e-8) ** 2;

/** `count` ions on a cells^3 lattice of `kind`, a field along x (V/cm). */
export function latticeGas(kind: CubicKind, cells: number, count: number, fieldVPerCm = 0): KmcModel {
  return {
    lattice: cubicLattice({ kind, cells: [cells, cells, cells], latticeConstantAngstrom: A_ANGSTROM }),
    species: [{ name: "Li+", charge: 1, attemptFrequencyHz: NU, hopBarrierEV: [EA], siteEnergyEV: [0], count }],
    temperatureK: T,
    fieldVPerCm: [fieldVPerCm, 0, 0],
  };
}
