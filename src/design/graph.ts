/**
 * Effective conductivity of a periodic conductance graph (particles or crystals as nodes,
 * contacts and intra-particle paths as bonds) under a uniform macroscopic field.
 *
 * The graph fills a periodic box (side lengths L). Each bond b joins nodes i and j and
 * carries a conductance G_b (S) and the vector d_b from i to j along the bond (cm; across
 * the periodic boundary it is the image the bond really reaches). A field E along axis k
 * sets the potential phi_i = -E x_i + u_i with u periodic, so the bond current is
 *   I_b = G_b (phi_i - phi_j) = G_b (u_i - u_j + E d_b,k),
 * and Kirchhoff's current law at every node gives the graph Laplacian system
 *   sum_j G_ij (u_i - u_j) = -E sum_j G_ij d_ij,k.
 * The macroscopic current density is the volume average J_k = (1/V) sum_b I_b d_b,k, so
 * sigma_kk = J_k / E, exact for a periodic network (the discrete form of the volume-averaged
 * flux; e.g. Kirkpatrick, Rev. Mod. Phys. 45, 574, 1973, for bond networks; it reduces to
 * G / d on a simple-cubic lattice of bond length d).
 *
 * Clusters that do not wrap around the box along axis k carry no net current and are left
 * out of the solve (found exactly by unwrapping positions along the bonds); the rest is
 * solved by Jacobi-preconditioned conjugate gradients (the Laplacian of each wrapping
 * cluster is singular with the constant null vector, and its right-hand side sums to zero,
 * so CG converges to a solution; the current does not depend on the constant).
 */
import { InputError } from "../core/errors.js";
import { conjugateGradient } from "../linalg/cg.js";
import { csrFromTriplets, csrOperator, csrDiagonal, type CsrMatrix } from "../linalg/csr.js";
import type { Preconditioner } from "../linalg/operator.js";

export type Vec3 = readonly [number, number, number];

/** Topology and geometry of a periodic graph; conductances are given separately (they change with temperature). */
export interface PeriodicGraph {
  readonly nodeCount: number;
  /** Box side lengths, cm. */
  readonly boxCm: Vec3;
  /** Node positions, cm, xyz interleaved (inside the box). */
  readonly positionCm: Float64Array;
  readonly bondI: Int32Array;
  readonly bondJ: Int32Array;
  /** Bond vectors from node i to node j, cm, xyz interleaved. */
  readonly bondVectorCm: Float64Array;
}

export interface GraphSolveOptions {
  /** Relative residual to reach (default 1e-10). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
  /**
   * Per bond, the share of its volume-integrated current carried by the cation, in [0, 1]:
   * for a bond made of stretches of phases with cation transference numbers t_k over
   * fractions f_k of its length, sum_k f_k t_k (each stretch of a flux tube contributes its
   * current times its extent to the volume average of the current density). Given, each
   * axis also reports the cation and anion conductivities of the membrane as the field is
   * switched on (before any concentration builds up): sigma_+ = (1/V E) sum_b w_b I_b d_b,k,
   * sigma_- likewise with 1 - w_b, which add up to sigma_kk.
   */
  readonly cationWeight?: Float64Array;
  /**
   * Also return each bond's current under the unit field along each axis (AxisConductivity
   * bondCurrentA); the conductivities are the same numbers with or without it.
   */
  readonly bondCurrents?: boolean;
}

export interface AxisConductivity {
  readonly axis: 0 | 1 | 2;
  /** sigma_kk, S/cm (0 when no cluster wraps along the axis). */
  readonly conductivitySPerCm: number;
  /** A cluster wraps around the box along this axis. */
  readonly percolates: boolean;
  /** Nodes in wrapping clusters, as a fraction of all nodes. */
  readonly carryingFraction: number;
  readonly iterations: number;
  readonly relativeResidual: number;
  /** The cation's part of sigma_kk, S/cm (with options.cationWeight). */
  readonly cationConductivitySPerCm?: number;
  /** The anion's part of sigma_kk, S/cm (with options.cationWeight). */
  readonly anionConductivitySPerCm?: number;
  /**
   * With options.bondCurrents: I_b = G_b (u_i - u_j + d_b,k), A, the current each bond carries
   * from node i to node j under a field of 1 V/cm along the axis (0 for bonds outside the
   * wrapping clusters and bonds of zero conductance). Kirchhoff's law holds at every node to
   * the solver's tolerance, and sigma_kk = (1/V) sum_b I_b d_b,k.
   */
  readonly bondCurrentA?: Float64Array;
}

/** Check the graph's arrays; bond vectors must join the wrapped positions (modulo the box). */
export function checkGraph(g: PeriodicGraph): void {
  const m = g.bondI.length;
  if (g.bondJ.length !== m || g.bondVectorCm.length !== 3 * m) throw new InputError(`graph: ${m} bonds but ${g.bondJ.length} ends and ${g.bondVectorCm.length / 3} vectors`);
  if (g.positionCm.length !== 3 * g.nodeCount) throw new InputError(`graph: ${g.nodeCount} nodes but ${g.positionCm.length / 3} positions`);
  for (const [k, L] of g.boxCm.entries()) if (!(L > 0 && Number.isFinite(L))) throw new InputError(`graph: box side ${k} is ${L}; must be finite and > 0`);
  for (let b = 0; b < m; b++) {
    const i = g.bondI[b]!, j = g.bondJ[b]!;
    if (!(i >= 0 && i < g.nodeCount && j >= 0 && j < g.nodeCount) || i === j) throw new InputError(`graph: bond ${b} joins ${i} and ${j}; nodes are 0..${g.nodeCount - 1}, distinct`);
    for (let k = 0; k < 3; k++) {
      const L = g.boxCm[k]!;
      const gap = g.positionCm[3 * i + k]! + g.bondVectorCm[3 * b + k]! - g.positionCm[3 * j + k]!;
      const off = gap - L * Math.round(gap / L);
      if (Math.abs(off) > 1e-9 * L) throw new InputError(`graph: bond ${b} vector does not join node ${i} to node ${j} (off by ${off.toExponential(2)} cm along axis ${k})`);
    }
  }
}

/**
 * Nodes in clusters that wrap around the box along `axis`: 1 in the mask. Unwraps
 * positions along bonds (breadth first); a bond whose ends disagree by a box period closes
 * a loop around the torus.
 */
export function wrappingMask(g: PeriodicGraph, conducting: Uint8Array, axis: 0 | 1 | 2): Uint8Array {
  const n = g.nodeCount, m = g.bondI.length;
  const start = new Int32Array(n + 1);
  for (let b = 0; b < m; b++) if (conducting[b] === 1) { start[g.bondI[b]! + 1]!++; start[g.bondJ[b]! + 1]!++; }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const adj = new Int32Array(start[n]!), fill = start.slice(0, n);
  for (let b = 0; b < m; b++) {
    if (conducting[b] !== 1) continue;
    adj[fill[g.bondI[b]!]!++] = b;
    adj[fill[g.bondJ[b]!]!++] = b;
  }
  const L = g.boxCm[axis]!;
  const unwrapped = new Float64Array(n);
  const cluster = new Int32Array(n).fill(-1);
  const wraps: boolean[] = [];
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (cluster[s] !== -1) continue;
    const c = wraps.length;
    wraps.push(false);
    cluster[s] = c;
    unwrapped[s] = g.positionCm[3 * s + axis]!;
    let head = 0, tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const i = queue[head++]!;
      for (let p = start[i]!; p < start[i + 1]!; p++) {
        const b = adj[p]!;
        const forward = g.bondI[b] === i;
        const j = forward ? g.bondJ[b]! : g.bondI[b]!;
        const x = unwrapped[i]! + (forward ? 1 : -1) * g.bondVectorCm[3 * b + axis]!;
        if (cluster[j] === -1) {
          cluster[j] = c;
          unwrapped[j] = x;
          queue[tail++] = j;
        } else if (Math.abs(unwrapped[j]! - x) > 0.5 * L) wraps[c] = true;
      }
    }
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = wraps[cluster[i]!] ? 1 : 0;
  return mask;
}

/**
 * sigma_kk of the graph with bond conductances `conductanceS` (S; 0 removes a bond).
 * One solve per axis; the system matrix is shared.
 */
export function graphConductivity(
  g: PeriodicGraph,
  conductanceS: Float64Array,
  axes: readonly (0 | 1 | 2)[] = [0, 1, 2],
  options: GraphSolveOptions = {},
): AxisConductivity[] {
  const m = g.bondI.length;
  if (conductanceS.length !== m) throw new InputError(`graph: ${m} bonds but ${conductanceS.length} conductances`);
  const conducting = new Uint8Array(m);
  for (let b = 0; b < m; b++) {
    const G = conductanceS[b]!;
    if (!(G >= 0 && Number.isFinite(G))) throw new InputError(`graph: bond ${b} conductance ${G}; must be finite and >= 0`);
    conducting[b] = G > 0 ? 1 : 0;
  }
  const w = options.cationWeight;
  if (w !== undefined) {
    if (w.length !== m) throw new InputError(`graph: ${m} bonds but ${w.length} cation weights`);
    for (let b = 0; b < m; b++) if (!(w[b]! >= 0 && w[b]! <= 1)) throw new InputError(`graph: bond ${b} cation weight ${w[b]}; must be in [0, 1]`);
  }
  const volume = g.boxCm[0] * g.boxCm[1] * g.boxCm[2];
  const tolerance = options.tolerance ?? 1e-10;
  // the system of the carrying nodes: the same for every axis whose carrying set is the same
  // (a well-connected network: all three), so it is assembled once for them
  let system: { mask: Uint8Array; index: Int32Array; n: number; A: CsrMatrix; diag: Float64Array } | null = null;
  const sameMask = (a: Uint8Array, b: Uint8Array): boolean => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  return axes.map((axis) => {
    const mask = wrappingMask(g, conducting, axis);
    const currents = options.bondCurrents === true ? new Float64Array(m) : undefined;
    if (system === null || !sameMask(system.mask, mask)) {
      // number the carrying nodes
      const index = new Int32Array(g.nodeCount).fill(-1);
      let count = 0;
      for (let i = 0; i < g.nodeCount; i++) if (mask[i] === 1) index[i] = count++;
      // the conductance matrix from its (row, col, value) triplets, in bond order
      const rows = new Int32Array(4 * m), cols = new Int32Array(4 * m), vals = new Float64Array(4 * m);
      let t = 0;
      if (count > 0) {
        for (let b = 0; b < m; b++) {
          if (conducting[b] !== 1) continue;
          const i = index[g.bondI[b]!]!, j = index[g.bondJ[b]!]!;
          if (i < 0) continue; // both ends lie in one cluster: j < 0 too
          const G = conductanceS[b]!;
          rows[t] = i; cols[t] = i; vals[t++] = G;
          rows[t] = j; cols[t] = j; vals[t++] = G;
          rows[t] = i; cols[t] = j; vals[t++] = -G;
          rows[t] = j; cols[t] = i; vals[t++] = -G;
        }
      }
      const A = csrFromTriplets(count, count, rows.subarray(0, t), cols.subarray(0, t), vals.subarray(0, t));
      system = { mask, index, n: count, A, diag: csrDiagonal(A) };
    }
    const { index, n, A, diag } = system;
    if (n === 0) return { axis, conductivitySPerCm: 0, percolates: false, carryingFraction: 0, iterations: 0, relativeResidual: 0, ...(w !== undefined ? { cationConductivitySPerCm: 0, anionConductivitySPerCm: 0 } : {}), ...(currents !== undefined ? { bondCurrentA: currents } : {}) };
    const rhs = new Float64Array(n), rhsScale = new Float64Array(n);
    for (let b = 0; b < m; b++) {
      if (conducting[b] !== 1) continue;
      const i = index[g.bondI[b]!]!, j = index[g.bondJ[b]!]!;
      if (i < 0) continue;
      const G = conductanceS[b]!, d = g.bondVectorCm[3 * b + axis]!;
      // unit field: sum_j G (u_i - u_j) = -sum_j G d_ij
      rhs[i] = rhs[i]! - G * d;
      rhs[j] = rhs[j]! + G * d;
      rhsScale[i] = rhsScale[i]! + Math.abs(G * d);
      rhsScale[j] = rhsScale[j]! + Math.abs(G * d);
    }
    // on a lattice whose bonds balance at every node the right-hand side is zero up to
    // rounding: the potential is then exactly affine (u = 0), and no relative tolerance
    // could be met against rounding noise
    let bb = 0, ss = 0;
    for (let i = 0; i < n; i++) { bb += rhs[i]! * rhs[i]!; ss += rhsScale[i]! * rhsScale[i]!; }
    const balanced = Math.sqrt(bb) <= 1e-13 * Math.sqrt(ss);
    const jacobi: Preconditioner = {
      length: n,
      linear: true,
      apply: (r, z) => { for (let i = 0; i < n; i++) z[i] = r[i]! / diag[i]!; },
    };
    const u = new Float64Array(n);
    const cg = balanced
      ? { iterations: 0, relativeResidual: 0 }
      : conjugateGradient(csrOperator(A), rhs, u, jacobi, { tolerance, maxIterations: options.maxIterations ?? 20 * n + 100, name: "particle-network CG" });
    let flux = 0, cation = 0, anion = 0;
    for (let b = 0; b < m; b++) {
      if (conducting[b] !== 1) continue;
      const i = index[g.bondI[b]!]!, j = index[g.bondJ[b]!]!;
      if (i < 0) continue;
      const d = g.bondVectorCm[3 * b + axis]!;
      const current = conductanceS[b]! * (u[i]! - u[j]! + d);
      if (currents !== undefined) currents[b] = current;
      const f = current * d;
      flux += f;
      if (w !== undefined) {
        cation += w[b]! * f;
        anion += (1 - w[b]!) * f;
      }
    }
    return {
      axis,
      conductivitySPerCm: flux / volume,
      percolates: true,
      carryingFraction: n / g.nodeCount,
      iterations: cg.iterations,
      relativeResidual: cg.relativeResidual,
      ...(w !== undefined ? { cationConductivitySPerCm: cation / volume, anionConductivitySPerCm: anion / volume } : {}),
      ...(currents !== undefined ? { bondCurrentA: currents } : {}),
    };
  });
}
