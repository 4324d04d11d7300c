/**
 * Rate classes of the class scheme (schemes/class.ts): without pair energies a hop's rate
 * depends only on the species and the bond (bondRateTable), so hops are grouped by rate,
 * exactly (one rate per class) when there are few distinct rates, else in power-of-two bins
 * (Schulze, J. Comput. Phys. 227, 2455, 2008; Slepoy, Thompson and Plimpton, J. Chem. Phys.
 * 128, 205101, 2008).
 */
import { bondRateTable, type KmcModel } from "./model.js";

/** Largest number of distinct rates the class scheme lists exactly (one class each). */
export const MAX_EXACT_CLASSES = 32;

/** The class scheme's rate classes: each (species, bond)'s class (-1: closed) and bounds. */
export interface RateClasses {
  /** Class of each (species, bond), nS x nBonds; -1 where the rate is 0. */
  readonly classOf: Int32Array;
  /** Bound r_c of each class, Hz (largest rate in it). */
  readonly boundHz: Float64Array;
  /** Whether each class holds one rate only (acceptance 1). */
  readonly exact: boolean;
}

/**
 * Rate classes of a model without interactions: the distinct positive rates of
 * bondRateTable, fastest first, when there are at most MAX_EXACT_CLASSES; else the
 * power-of-two bins g = floor(log2(r_max / r)), each bounded by its largest rate.
 */
export function rateClasses(model: KmcModel): RateClasses {
  const table = bondRateTable(model);
  const distinct = [...new Set(Array.from(table).filter((r) => r > 0))].sort((a, b) => b - a);
  const classOf = new Int32Array(table.length).fill(-1);
  if (distinct.length <= MAX_EXACT_CLASSES) {
    const index = new Map(distinct.map((r, c) => [r, c]));
    for (let i = 0; i < table.length; i++) if (table[i]! > 0) classOf[i] = index.get(table[i]!)!;
    return { classOf, boundHz: Float64Array.from(distinct), exact: true };
  }
  const rmax = distinct[0]!;
  const bin = (r: number): number => Math.max(0, Math.floor(Math.log2(rmax / r)));
  const bins = [...new Set(distinct.map(bin))].sort((a, b) => a - b);
  const index = new Map(bins.map((g, c) => [g, c]));
  const boundHz = new Float64Array(bins.length);
  for (let i = 0; i < table.length; i++) {
    const r = table[i]!;
    if (!(r > 0)) continue;
    const c = index.get(bin(r))!;
    classOf[i] = c;
    boundHz[c] = Math.max(boundHz[c]!, r);
  }
  return { classOf, boundHz, exact: false };
}
