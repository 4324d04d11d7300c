/**
 * The lattice gas the event-selection schemes share (engine.ts owns it, schemes/ advance it).
 *
 * Each site holds the index of its ion or -1 (Int32Array, 4 bytes per site: the only
 * per-site state). Each ion has one 8-int record (basis, cell x, y, z, wraps across the box
 * in x, y, z, site), so a hop touches one cache line per ion; its unwrapped position is
 * cell + wraps * box, and its displacement is computed from that on demand, so a hop writes
 * no floating-point displacement. Neighbours are found from the unit cell's bond list
 * (lattice.ts) by adding the bond's cell offset with wrap-around (neighbourSite), so no
 * per-site neighbour table is stored (except by type-null-event).
 */
import type { PeriodicLattice } from "../../structure/lattice/lattice.js";
import type { RandomStream } from "../../core/rng.js";
import type { KmcModel } from "./model.js";
import type { PairEnergies } from "./pairs.js";

export type Scheme = "null-event" | "tree" | "class" | "type-null-event";

/** Layout of an ion's record in `ions`. */
export const ION_BASIS = 0, ION_CX = 1, ION_CY = 2, ION_CZ = 3, ION_WX = 4, ION_WY = 5, ION_WZ = 6, ION_SITE = 7;
export const ION_STRIDE = 8;

/** The state a scheme reads and moves: the occupancy, the ions, the per-type occupancy integrals and the counters. */
export interface KmcState {
  readonly model: KmcModel;
  readonly lattice: PeriodicLattice;
  readonly rng: RandomStream;
  readonly nIons: number;
  readonly nSpecies: number;
  /** Most bonds of any basis site. */
  readonly zmax: number;
  /** Rate of each (species, bond) with an empty target and no pair energy, Hz (bondRateTable). */
  readonly rateTable: Float64Array;
  readonly siteIon: Int32Array;
  readonly ions: Int32Array;
  readonly ionSpecies: Uint8Array;
  /** Ions of each species on each site type (nS x nTypes), its time integral and the time of its last change. */
  readonly typeCount: Float64Array;
  readonly typeIntegral: Float64Array;
  readonly typeLast: Float64Array;
  /** Pair energies, or null without interactions. */
  readonly pairs: PairEnergies | null;
  /** Simulated time since the last reset, s (a scheme reads it; the engine advances it). */
  readonly time: number;
  /** Attempts (or events) since the last reset; the schemes count them. */
  attempts: number;
}

/** Site index of the neighbour of (b, cx, cy, cz) along bond k (b is implied by k). */
export function neighbourSite(L: PeriodicLattice, cx: number, cy: number, cz: number, k: number): number {
  const off = L.bondCellOffset;
  const nx = L.cells[0], ny = L.cells[1], nz = L.cells[2];
  let x = cx + off[3 * k]!;
  if (x < 0) x += nx; else if (x >= nx) x -= nx;
  let y = cy + off[3 * k + 1]!;
  if (y < 0) y += ny; else if (y >= ny) y -= ny;
  let z = cz + off[3 * k + 2]!;
  if (z < 0) z += nz; else if (z >= nz) z -= nz;
  return L.bondTarget[k]! + L.basisCount * (x + nx * (y + ny * z));
}

/** Whether any ion has an open bond to an empty site (O(N z); for the null-event loops' stall check). */
export function anyHopPossible(state: KmcState): boolean {
  const L = state.lattice, nBonds = L.bondTarget.length, ions = state.ions;
  for (let p = 0; p < state.nIons; p++) {
    const o = p * ION_STRIDE, b = ions[o]!, s = state.ionSpecies[p]!;
    for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) {
      if (state.rateTable[s * nBonds + k]! > 0 && state.siteIon[neighbourSite(L, ions[o + ION_CX]!, ions[o + ION_CY]!, ions[o + ION_CZ]!, k)]! < 0) return true;
    }
  }
  return false;
}

/** A selection scheme: advances the shared state by accepted hops and keeps its own bookkeeping. */
export interface SelectionScheme {
  /** Advance by `hops` accepted hops; returns the simulated time they took, s. */
  advance(hops: number): number;
  /** The scheme's bookkeeping against a recomputation from scratch (for tests). */
  check(): string[];
  /** Its typed arrays (for the memory figure). */
  arrays(): ArrayBufferView[];
}

/** A scheme whose lists' order is part of the state (class, type-null-event): checkpoints carry them. */
export interface ListedScheme extends SelectionScheme {
  /** Fill the lists from the occupancy (a fresh start), or restore them from saveLists() and check them against the ions. */
  start(saved?: Int32Array): void;
  /** The lists as saved: counts, then members in order. */
  saveLists(): Int32Array;
}
