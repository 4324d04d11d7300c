/**
 * A pressed powder as a particle network: particles are nodes, contacts are bonds.
 *
 * 1. Particles: lognormal diameters (median d50, sd of ln d), packed without overlap in a
 *    periodic box to the solid fraction phi by collective rearrangement
 *    (structure/morphology/pack.ts). The packer reaches about 0.60, the random loose to
 *    close packing range of spheres (Onoda and Liniger, PRL 64, 2727, 1990; Scott and
 *    Kilgour, J. Phys. D 2, 863, 1969), which is where powders sit after die pressing at a
 *    few MPa, before particles deform plastically in bulk (Heckel, Trans. Metall. Soc. AIME
 *    221, 671, 1961: the low-pressure intercept).
 * 2. Contacts: the pressing pressure P loads the contacts with Rumpf's mean force
 *    F_ij = pi d_ij^2 P / (Z phi), d_ij = 4 R*_ij (the diameter of equal spheres with the
 *    pair's reduced radius), and each contact's spot radius follows from the particles'
 *    elastic and plastic properties (contacts.ts). A pair is in contact when its surface
 *    gap is closed by the approach its own load produces; since Z enters the force, the
 *    contact set is the self-consistent one (Z -> forces -> approaches -> contacts -> Z).
 * 3. Bonds: the resistance of a contact between particles i and j,
 *      1/G = 1 / (4 sigma a q(a/R_i)) + 1 / (4 sigma a q(a/R_j)) + r_b / (pi a^2),
 *    the constriction into each particle with its finite-sphere factor q (the particle's
 *    body included; contacts.ts) and the area-specific boundary resistance across the spot.
 * Everything is in a periodic box, so the effective conductivity comes from graph.ts with
 * no electrode artefacts.
 */
import { InputError } from "../core/errors.js";
import type { RandomStream } from "../core/rng.js";
import { checkMaterial, contactSpot, contactTransferError, finiteSphereFactor, MAX_NECK_RATIO, rumpfContactForceN, sphereNeckResistanceOhm, type ContactMaterial } from "./contacts.js";
import type { PeriodicGraph } from "./graph.js";
import { checkParticleSizes, nearPairs, packParticles, type ParticleSizes } from "./pairs.js";

/** Particle sizes (pairs.ts; particleCount default 2000) and the pressing. */
export interface PressedPowderOptions extends ParticleSizes {
  /** Solid volume fraction of the particle skeleton, (0, 0.6]. */
  readonly solidFraction: number;
  /** Pressing pressure, Pa. */
  readonly pressurePa: number;
  readonly material: ContactMaterial;
}

/** Highest solid fraction the packer reaches reliably without overlaps. */
export const MAX_PACKED_FRACTION = 0.6;

/** Per-contact geometry of a pressed powder. */
export interface PressedPowder {
  readonly graph: PeriodicGraph;
  readonly radiusCm: Float64Array;
  /** Spot radius of each contact (bond), cm. */
  readonly spotRadiusCm: Float64Array;
  readonly stats: {
    readonly particleCount: number;
    readonly boxNm: number;
    readonly solidFraction: number;
    /** Mean contacts per particle. */
    readonly coordination: number;
    readonly meanSpotRadiusNm: number;
    /** Mean spot radius over the mean particle radius. */
    readonly meanSpotToParticleRadius: number;
    readonly meanForceN: number;
    /** Share of contacts loaded beyond the elastic limit. */
    readonly plasticShare: number;
    /** The coordination whose Rumpf force loads the contacts (self-consistent: see the code). */
    readonly forceCoordination: number;
    /**
     * The contact model's own relative error: the finite-sphere factor's error averaged over
     * the contacts plus the element's transfer error at this coordination (contacts.ts).
     */
    readonly contactModelRelativeError: number;
  };
}

export function checkPressedPowder(o: PressedPowderOptions, path: string): void {
  checkParticleSizes(o, 2000, path);
  if (!(o.solidFraction > 0 && o.solidFraction <= MAX_PACKED_FRACTION)) {
    throw new InputError(`${path}.solidFraction: got ${o.solidFraction}; must be in (0, ${MAX_PACKED_FRACTION}] (denser powders deform plastically in bulk, which the particle network does not model)`);
  }
  if (!(o.pressurePa > 0 && Number.isFinite(o.pressurePa))) throw new InputError(`${path}.pressureMPa: got ${o.pressurePa / 1e6}; must be > 0`);
  checkMaterial(o.material, `${path}.material`);
}

/** Build one realisation. Lengths inside are nm; the graph is in cm. `path` prefixes the fields named in errors. */
export function pressedPowder(o: PressedPowderOptions, stream: RandomStream, path = "design"): PressedPowder {
  checkPressedPowder(o, path);
  const phi = o.solidFraction;
  const { radii, positions: pos, boxNm: L, solidNm3: solid } = packParticles(o, 2000, phi, 0, stream, path);
  const n = radii.length;

  // every pair an approach could close: the plastic approach a^2 / (2 R*) at the largest
  // accepted a/R (0.6) is 0.18 (r_i + r_j) for equal spheres
  const cand = nearPairs(pos, radii, L, 0.2);
  const m = cand.i.length;
  const gap = new Float64Array(m), rStar = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    const ri = radii[cand.i[p]!]!, rj = radii[cand.j[p]!]!;
    gap[p] = Math.hypot(cand.dx[p]!, cand.dy[p]!, cand.dz[p]!) - ri - rj;
    rStar[p] = (ri * rj) / (ri + rj);
  }
  // self-consistent coordination: the contacts loaded with the force of coordination Z give
  // back Z. More contacts share the load, so each approach shrinks and fewer gaps close: the
  // contact count is a non-increasing step function of Z and g(Z) = 2 count(Z) / n - Z
  // decreases; bisection finds where it changes sign (to 1e-9 in Z). The contacts returned
  // are those at that Z (forceCoordination); their own mean coordination lies at most one
  // step of the count below it.
  const P = o.pressurePa;
  const inContact = new Uint8Array(m);
  const spotNm = new Float64Array(m), forceN = new Float64Array(m), plastic = new Uint8Array(m);
  const contactsAt = (Z: number): number => {
    let contacts = 0;
    for (let p = 0; p < m; p++) {
      const F = rumpfContactForceN(P, 4 * rStar[p]! * 1e-9, Z, phi);
      const spot = contactSpot(F, rStar[p]! * 1e-9, o.material);
      const touches = gap[p]! * 1e-9 <= spot.approachM ? 1 : 0;
      inContact[p] = touches;
      contacts += touches;
      spotNm[p] = spot.radiusM * 1e9;
      forceN[p] = F;
      plastic[p] = spot.plastic ? 1 : 0;
    }
    return contacts;
  };
  const forceCoordination = selfConsistentCoordination(n, contactsAt);
  return contactPowder({ radii, positions: pos, boxNm: L, solidNm3: solid }, cand, { inContact, spotNm, forceN, plastic }, forceCoordination, (ratio) =>
    `${path}.pressureMPa: ${o.pressurePa / 1e6} MPa presses contacts to a/R = ${ratio.toFixed(2)}; the contact element covers a/R <= ${MAX_NECK_RATIO} (beyond it particles deform in bulk)`);
}

/**
 * The coordination Z whose Rumpf force closes as many contacts as Z says, by bisection on
 * g(Z) = 2 count(Z) / n - Z over [0.1, 24] to 1e-9 (`contactsAt(Z)` sets the contacts for Z
 * and returns their number, non-increasing in Z). Leaves the contacts set for the Z returned.
 */
export function selfConsistentCoordination(n: number, contactsAt: (Z: number) => number): number {
  let zLo = 0.1, zHi = 24;
  for (let k = 0; k < 64 && zHi - zLo > 1e-9; k++) {
    const z = 0.5 * (zLo + zHi);
    if ((2 * contactsAt(z)) / n - z > 0) zLo = z;
    else zHi = z;
  }
  contactsAt(zHi);
  return zHi;
}

/** Per candidate pair: in contact (1), its spot radius (nm), its load (N) and whether it yielded (1). */
export interface PairContacts {
  readonly inContact: Uint8Array;
  readonly spotNm: Float64Array;
  readonly forceN: Float64Array;
  readonly plastic: Uint8Array;
}

/** A packed powder with its contacts as a PressedPowder (graph, spots and statistics). */
export function contactPowder(
  packed: { readonly radii: Float64Array; readonly positions: Float64Array; readonly boxNm: number; readonly solidNm3: number },
  cand: Parameters<typeof contactNetwork>[3],
  pairs: PairContacts,
  forceCoordination: number,
  tooLarge: (ratio: number) => string,
): PressedPowder {
  const { radii, positions, boxNm: L } = packed;
  const net = contactNetwork(radii, positions, L, cand, pairs.inContact, pairs.spotNm, tooLarge);
  let sumForce = 0, plasticCount = 0;
  for (let p = 0; p < cand.i.length; p++) if (pairs.inContact[p] === 1) { sumForce += pairs.forceN[p]!; plasticCount += pairs.plastic[p]!; }
  const nb = net.graph.bondI.length;
  return {
    graph: net.graph,
    radiusCm: net.radiusCm,
    spotRadiusCm: net.spotRadiusCm,
    stats: {
      particleCount: radii.length,
      boxNm: L,
      solidFraction: packed.solidNm3 / (L * L * L),
      ...net.stats,
      meanForceN: nb > 0 ? sumForce / nb : 0,
      plasticShare: nb > 0 ? plasticCount / nb : 0,
      forceCoordination,
    },
  };
}

/** The contact graph's geometry and the contact element's error (shared by the particle-contact designs). */
export interface ContactNetwork {
  readonly graph: PeriodicGraph;
  readonly radiusCm: Float64Array;
  readonly spotRadiusCm: Float64Array;
  readonly stats: {
    readonly coordination: number;
    readonly meanSpotRadiusNm: number;
    readonly meanSpotToParticleRadius: number;
    readonly contactModelRelativeError: number;
  };
}

/**
 * The graph of particles (radii and centres in nm, periodic box L) joined by the candidate
 * pairs `cand` whose `inContact` flag is 1, with spot radii `spotNm` (per candidate pair).
 * Every spot must lie inside the contact element's range (a/R <= MAX_NECK_RATIO on both
 * particles); `tooLarge(a/R)` words the error otherwise. Lengths out are cm.
 */
export function contactNetwork(
  radii: Float64Array,
  pos: Float64Array,
  L: number,
  cand: { readonly i: Int32Array; readonly j: Int32Array; readonly dx: Float64Array; readonly dy: Float64Array; readonly dz: Float64Array },
  inContact: Uint8Array,
  spotNm: Float64Array,
  tooLarge: (ratio: number) => string,
): ContactNetwork {
  const n = radii.length, m = cand.i.length;
  const bonds: number[] = [];
  for (let p = 0; p < m; p++) if (inContact[p] === 1) bonds.push(p);
  const nb = bonds.length;
  const bondI = new Int32Array(nb), bondJ = new Int32Array(nb), vec = new Float64Array(3 * nb), spotCm = new Float64Array(nb);
  let sumSpot = 0, sumR = 0, sumModelErr = 0;
  bonds.forEach((p, b) => {
    for (const r of [radii[cand.i[p]!]!, radii[cand.j[p]!]!]) {
      const ratio = spotNm[p]! / r;
      if (ratio > MAX_NECK_RATIO) throw new InputError(tooLarge(ratio));
      const f = finiteSphereFactor(ratio);
      sumModelErr += f.error / f.q / 2;
    }
    bondI[b] = cand.i[p]!;
    bondJ[b] = cand.j[p]!;
    vec[3 * b] = cand.dx[p]! * 1e-7;
    vec[3 * b + 1] = cand.dy[p]! * 1e-7;
    vec[3 * b + 2] = cand.dz[p]! * 1e-7;
    spotCm[b] = spotNm[p]! * 1e-7;
    sumSpot += spotNm[p]!;
  });
  for (let i = 0; i < n; i++) sumR += radii[i]!;
  const positionCm = new Float64Array(3 * n);
  for (let k = 0; k < 3 * n; k++) positionCm[k] = pos[k]! * 1e-7;
  const radiusCm = new Float64Array(n);
  for (let i = 0; i < n; i++) radiusCm[i] = radii[i]! * 1e-7;
  const boxCm = L * 1e-7;
  const coordination = (2 * nb) / n, spotRatio = nb > 0 ? sumSpot / nb / (sumR / n) : 0;
  return {
    graph: { nodeCount: n, boxCm: [boxCm, boxCm, boxCm], positionCm, bondI, bondJ, bondVectorCm: vec },
    radiusCm,
    spotRadiusCm: spotCm,
    stats: {
      coordination,
      meanSpotRadiusNm: nb > 0 ? sumSpot / nb : 0,
      meanSpotToParticleRadius: spotRatio,
      contactModelRelativeError: nb > 0 ? sumModelErr / nb + contactTransferError(coordination, spotRatio) : 0,
    },
  };
}

/**
 * Bond conductances (S) of a pressed powder for particle conductivity sigma (S/cm) and a
 * boundary of area-specific resistance r_b (ohm cm^2) across every contact spot.
 */
export function pressedPowderConductances(p: Pick<PressedPowder, "graph" | "radiusCm" | "spotRadiusCm">, conductivitySPerCm: number, boundaryOhmCm2: number): Float64Array {
  const { graph, radiusCm, spotRadiusCm } = p;
  const nb = graph.bondI.length;
  const out = new Float64Array(nb);
  if (!(conductivitySPerCm > 0)) return out;
  const s = conductivitySPerCm;
  for (let b = 0; b < nb; b++) {
    const a = spotRadiusCm[b]!, ri = radiusCm[graph.bondI[b]!]!, rj = radiusCm[graph.bondJ[b]!]!;
    out[b] = 1 / (sphereNeckResistanceOhm(s, a, ri) + sphereNeckResistanceOhm(s, a, rj) + boundaryOhmCm2 / (Math.PI * a * a));
  }
  return out;
}
