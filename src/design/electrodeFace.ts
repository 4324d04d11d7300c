/**
 * The Li | electrolyte face of a particle network: where the current enters the particles,
 * how unevenly, and what the interface costs, on the same terms as the resolved voxel faces.
 *
 * The voxel designs put an electrode plane on a face of the voxel box: the Li touches every
 * solid voxel of that face through the charge-transfer element (area-specific R_ct), and
 * the current density over the face follows from the resolved solve (faceFocusing in
 * pipeline/electrochem.ts). A particle network has no faces (a periodic box), so here one is
 * cut: the box is opened along a plane normal to an axis (x = 0, the same plane as x = L),
 * the bonds that cross it are removed, and the particles the plane cuts offer their cut
 * discs to the Li, radius rho_i = sqrt(R_i^2 - d_i^2) for a centre at distance d_i < R_i
 * (a planar section of a random packing: the discs cover the solid fraction of the face on
 * average, Delesse). Each disc joins its particle through
 *   1 / g_i = R_ct / (pi rho_i^2) + 1 / (4 sigma rho_i),
 * the charge transfer over the disc and the spreading from it into the particle (Holm's
 * half-space constriction; for a disc on a sphere it overestimates the spreading, which is
 * small against the particles' own contacts). The two faces of the opened box are two Li
 * electrodes (Li | SE | Li); one DC solve of the network between them gives
 * - the current I_i through every disc, hence the local current density at the true Li
 *   contacts j_i = I_i / (pi rho_i^2) and the focusing factor of the face
 *     F = A_face sum_i j_i^2 pi rho_i^2 / I^2 = A_face sum_i I_i^2 / (pi rho_i^2) / I^2,
 *   the same definition as the voxel faces' (1/f when a fraction f carries it evenly;
 *   Cauchy-Schwarz: never below A_face / sum pi rho_i^2);
 * - the interface resistance: the slab's resistance with the elements minus the same slab
 *   with ideal contacts (every cut particle held at its electrode's potential), per face,
 *   times A_face: R_int includes the charge transfer over the discs and the crowding of the
 *   current into the particles that the face connects best.
 * Both faces of each cut and the cuts normal to x, y and z are averaged. Clusters that reach
 * no face carry nothing and are left out; a cluster touching one face only sits at its
 * potential.
 */
import { InputError } from "../core/errors.js";
import { conjugateGradient } from "../linalg/cg.js";
import { csrDiagonal, csrFromTriplets, csrOperator } from "../linalg/csr.js";
import type { Preconditioner } from "../linalg/operator.js";
import type { PeriodicGraph } from "./graph.js";

export interface ElectrodeFace {
  /** Focusing factor F of the local current density at the Li contacts (mean over faces). */
  readonly focusingFactor: number;
  /** Area-specific resistance of one Li | electrolyte interface, ohm cm^2 (mean over faces). */
  readonly interfaceOhmCm2: number;
  /** Share of the face the cut discs cover (the true contact fraction the Li is offered). */
  readonly contactAreaFraction: number;
  /** Share of the face covered by discs of pieces joined to both faces (the ones that can carry current), mean over faces. */
  readonly carryingContactFraction: number;
  /** The same for each face: low and high face of the cut normal to each axis in turn. */
  readonly carryingContactFractions: readonly number[];
  /** Cut particles per face (mean). */
  readonly discsPerFace: number;
  /** Faces (2 per axis) whose network carried current. */
  readonly faces: number;
}

export interface ElectrodeFaceOptions {
  /** Particle radius of each node, cm. */
  readonly radiusCm: Float64Array;
  /** Conductance of each bond at this temperature, S (0: no bond). */
  readonly conductanceS: Float64Array;
  /** Conductivity of the particles, S/cm (the spreading from each disc). */
  readonly particleSPerCm: number;
  /** Charge-transfer resistance per true Li contact area, ohm cm^2 (>= 0; 0 leaves the spreading from the discs). */
  readonly chargeTransferOhmCm2: number;
  readonly axes?: readonly (0 | 1 | 2)[];
  /** CG relative residual (default 1e-10). */
  readonly tolerance?: number;
}

interface CutSolve {
  /** Per-face sums of I_i^2 / (pi rho_i^2) (with elements only). */
  readonly focusSum: [number, number];
  /** Current through the low and the high face, A, for 1 V across (equal to the solver's tolerance). */
  readonly faceCurrent: [number, number];
  /** Disc area on pieces joined to both faces (the discs that can carry current), cm^2, per face. */
  readonly carryingDiscArea: [number, number];
}

/** The face of a particle network opened along each axis (see the file comment). */
export function electrodeFace(g: PeriodicGraph, o: ElectrodeFaceOptions): ElectrodeFace {
  if (!(o.chargeTransferOhmCm2 >= 0 && Number.isFinite(o.chargeTransferOhmCm2))) throw new InputError(`cell.chargeTransferOhmCm2: got ${o.chargeTransferOhmCm2}; must be finite and >= 0`);
  if (!(o.particleSPerCm > 0)) throw new InputError(`particle conductivity: got ${o.particleSPerCm}; must be > 0`);
  if (o.radiusCm.length !== g.nodeCount || o.conductanceS.length !== g.bondI.length) throw new InputError("electrodeFace: one radius per node and one conductance per bond");
  const axes = o.axes ?? [0, 1, 2];
  let F = 0, R = 0, cover = 0, discs = 0, faces = 0;
  const carrying: number[] = [];
  for (const axis of axes) {
    const L = g.boxCm[axis]!;
    const area = (g.boxCm[0] * g.boxCm[1] * g.boxCm[2]) / L;
    const cut = openBox(g, axis, o);
    const g1 = new Float64Array(cut.nodeCount);
    const faceArea = [0, 0], faceDiscs = [0, 0];
    for (let i = 0; i < cut.nodeCount; i++) {
      const sd = cut.side[i]!;
      if (sd < 0) continue;
      const a = cut.discArea[i]!, rho = Math.sqrt(a / Math.PI);
      g1[i] = 1 / (o.chargeTransferOhmCm2 / a + 1 / (4 * o.particleSPerCm * rho));
      faceArea[sd]! += a;
      faceDiscs[sd]!++;
    }
    const withElements = solveCut(cut, g1, o);
    const ideal = solveCut(cut, null, o);
    carrying.push(withElements.carryingDiscArea[0] / area, withElements.carryingDiscArea[1] / area);
    for (const sd of [0, 1] as const) {
      cover += faceArea[sd]! / area;
      discs += faceDiscs[sd]!;
    }
    const withCurrent = withElements.faceCurrent[0], idealCurrent = ideal.faceCurrent[0];
    if (!(withCurrent > 0 && idealCurrent > 0)) continue;
    // Li | SE | Li: two interfaces, (R_with - R_ideal) / 2 each; the division by the count of
    // faces below makes R the mean per interface
    R += (1 / withCurrent - 1 / idealCurrent) * area;
    for (const sd of [0, 1] as const) F += (area * withElements.focusSum[sd]) / withElements.faceCurrent[sd] ** 2;
    faces += 2;
  }
  const n = 2 * axes.length;
  return {
    focusingFactor: faces > 0 ? F / faces : Infinity,
    interfaceOhmCm2: faces > 0 ? R / faces : Infinity,
    contactAreaFraction: cover / n,
    carryingContactFraction: carrying.reduce((a, b) => a + b, 0) / n,
    carryingContactFractions: carrying,
    discsPerFace: discs / n,
    faces,
  };
}

/**
 * The box opened at the plane x_axis = 0 (= L): a slab whose low face is x = 0 and high face
 * x = L. A particle the plane cuts keeps its body on its centre's side, with its disc on
 * that face; the cap beyond the plane becomes a node of its own at the other face, with the
 * same disc, joined to whatever touches the particle on the cap (a contact belongs to the
 * side of the plane its point lies on: along the line of centres, R_i / (R_i + R_j) of the
 * way from i).
 */
interface OpenedBox {
  readonly nodeCount: number;
  readonly bondI: Int32Array;
  readonly bondJ: Int32Array;
  readonly conductanceS: Float64Array;
  /** -1 inside, 0 on the low face, 1 on the high face. */
  readonly side: Int8Array;
  /** Disc area on the face, cm^2 (0 inside). */
  readonly discArea: Float64Array;
}

function openBox(g: PeriodicGraph, axis: 0 | 1 | 2, o: ElectrodeFaceOptions): OpenedBox {
  const n = g.nodeCount, m = g.bondI.length, L = g.boxCm[axis]!;
  const cap = new Int32Array(n).fill(-1);
  const side: number[] = [], disc: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = g.positionCm[3 * i + axis]!, r = o.radiusCm[i]!;
    const d = Math.min(x, L - x);
    if (d < r) {
      if (r > L / 2) throw new InputError(`electrodeFace: a particle of radius ${r} cm in a box of ${L} cm is cut by both faces`);
      const a = Math.PI * (r * r - d * d), body = x <= L - x ? 0 : 1;
      side[i] = body;
      disc[i] = a;
      cap[i] = 1 - body; // marks the cap; its node number follows
    } else {
      side[i] = -1;
      disc[i] = 0;
    }
  }
  let count = n;
  for (let i = 0; i < n; i++) {
    if (cap[i]! < 0) continue;
    side[count] = cap[i]!;
    disc[count] = disc[i]!;
    cap[i] = count++;
  }
  const I: number[] = [], J: number[] = [], G: number[] = [];
  for (let b = 0; b < m; b++) {
    const Gb = o.conductanceS[b]!;
    if (!(Gb > 0)) continue;
    let i = g.bondI[b]!, j = g.bondJ[b]!;
    const xi = g.positionCm[3 * i + axis]!, dx = g.bondVectorCm[3 * b + axis]!;
    if (xi + dx >= 0 && xi + dx < L) {
      I.push(i);
      J.push(j);
      G.push(Gb);
      continue;
    }
    // the bond crosses the plane: its contact point decides which piece it joins
    const p = xi + (dx * o.radiusCm[i]!) / (o.radiusCm[i]! + o.radiusCm[j]!);
    if (p < 0 || p >= L) i = cap[i]!; // on j's side: i's cap
    else j = cap[j]!; // on i's side: j's cap
    if (i < 0 || j < 0) continue; // a contact point on a particle the plane does not cut (rounding at tangency)
    I.push(i);
    J.push(j);
    G.push(Gb);
  }
  return { nodeCount: count, bondI: Int32Array.from(I), bondJ: Int32Array.from(J), conductanceS: Float64Array.from(G), side: Int8Array.from(side), discArea: Float64Array.from(disc) };
}

/**
 * DC solve of the opened box with 1 V between the faces. `g1` the disc conductances (S), or
 * null for ideal contacts (every piece on a face held at its face's potential).
 */
function solveCut(cut: OpenedBox, g1: Float64Array | null, o: ElectrodeFaceOptions): CutSolve {
  const n = cut.nodeCount, m = cut.bondI.length, side = cut.side;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let b = 0; b < m; b++) parent[find(cut.bondI[b]!)] = find(cut.bondJ[b]!);
  // clusters that reach a face
  const reaches = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (side[i]! >= 0) reaches[find(i)] |= side[i] === 0 ? 1 : 2;
  const carryingDiscArea: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) if (side[i]! >= 0 && reaches[find(i)] === 3) carryingDiscArea[side[i] as 0 | 1] += cut.discArea[i]!;
  for (let i = 0; i < n; i++) if (reaches[i]! > 0) reaches[i] = 1;
  const fixed = g1 === null;
  const index = new Int32Array(n).fill(-1);
  let u = 0;
  for (let i = 0; i < n; i++) if (reaches[find(i)] === 1 && !(fixed && side[i]! >= 0)) index[i] = u++;
  const potentialOf = (i: number): number => (side[i] === 0 ? 1 : 0);
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  const rhs = new Float64Array(u);
  for (let b = 0; b < m; b++) {
    const i = cut.bondI[b]!, j = cut.bondJ[b]!, G = cut.conductanceS[b]!;
    const a = index[i]!, c = index[j]!;
    if (a >= 0) { rows.push(a); cols.push(a); vals.push(G); }
    if (c >= 0) { rows.push(c); cols.push(c); vals.push(G); }
    if (a >= 0 && c >= 0) { rows.push(a, c); cols.push(c, a); vals.push(-G, -G); }
    else if (a >= 0 && c < 0 && reaches[find(j)] === 1) rhs[a] += G * potentialOf(j);
    else if (c >= 0 && a < 0 && reaches[find(i)] === 1) rhs[c] += G * potentialOf(i);
  }
  if (!fixed) {
    for (let i = 0; i < n; i++) {
      const a = index[i]!;
      if (a < 0 || side[i]! < 0) continue;
      rows.push(a); cols.push(a); vals.push(g1[i]!);
      rhs[a] += g1[i]! * potentialOf(i);
    }
  }
  const phi = new Float64Array(u);
  if (u > 0) {
    const A = csrFromTriplets(u, u, rows, cols, vals);
    const diag = csrDiagonal(A);
    // Jacobi plus a coarse correction with one constant per cluster (additive two-level,
    // symmetric positive definite): a cluster is held to its electrodes only by the disc
    // elements, often far weaker than its own contacts, and the constant mode that this
    // leaves nearly singular is what plain Jacobi cannot reduce
    const cluster = new Int32Array(u), clusterIds = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const a = index[i]!;
      if (a < 0) continue;
      const root = find(i);
      let c = clusterIds.get(root);
      if (c === undefined) clusterIds.set(root, (c = clusterIds.size));
      cluster[a] = c;
    }
    const ones = new Float64Array(u).fill(1), rowSum = new Float64Array(u);
    csrOperator(A).apply(ones, rowSum);
    const coarse = new Float64Array(clusterIds.size), rc = new Float64Array(clusterIds.size);
    for (let a = 0; a < u; a++) coarse[cluster[a]!] += rowSum[a]!;
    const pre: Preconditioner = {
      length: u,
      linear: true,
      apply: (r, z) => {
        rc.fill(0);
        for (let k = 0; k < u; k++) rc[cluster[k]!] += r[k]!;
        for (let k = 0; k < u; k++) {
          const c = cluster[k]!;
          z[k] = (diag[k]! > 0 ? r[k]! / diag[k]! : r[k]!) + (coarse[c]! > 0 ? rc[c]! / coarse[c]! : 0);
        }
      },
    };
    conjugateGradient(csrOperator(A), rhs, phi, pre, { tolerance: o.tolerance ?? 1e-10, maxIterations: 20 * u + 100, name: "electrode-face CG" });
  }
  const at = (i: number): number => (index[i]! >= 0 ? phi[index[i]!]! : potentialOf(i));
  const faceCurrent: [number, number] = [0, 0], focusSum: [number, number] = [0, 0];
  if (!fixed) {
    for (let i = 0; i < n; i++) {
      const s = side[i]!;
      if (s < 0 || index[i]! < 0) continue;
      // current from the electrode into particle i (the high face: out of it)
      const I = s === 0 ? g1[i]! * (1 - at(i)) : g1[i]! * at(i);
      faceCurrent[s] += I;
      focusSum[s] += (I * I) / cut.discArea[i]!;
    }
  } else {
    // current leaving the low face's particles through the kept bonds
    for (let b = 0; b < m; b++) {
      const i = cut.bondI[b]!, j = cut.bondJ[b]!;
      const si = side[i] === 0, sj = side[j] === 0;
      if (si === sj) continue;
      const I = cut.conductanceS[b]! * (at(i) - at(j));
      faceCurrent[0] += si ? I : -I;
    }
    faceCurrent[1] = faceCurrent[0];
  }
  return { focusSum, faceCurrent, carryingDiscArea };
}
