/**
 * Particles mixed with fibres (the MOF/BC mix: pre-made particles stirred into a nanofibre
 * suspension, vacuum-filtered and dried) as a particle network: particles are nodes, the
 * contacts they make with each other are bonds; the fibres do not conduct and act in two ways.
 *
 * 1. Volumes. The particles pack among themselves to the solid fraction phi_s of their own
 *    skeleton (an input: an unpressed cake of adhesive particles) and the fibres lie in the
 *    skeleton's pores, so the fibres' volume fraction is phi_s V_f / V_p (the composition's
 *    fibre-to-particle volume ratio) and the membrane's porosity follows:
 *      porosity = 1 - phi_s (1 + V_f / V_p),
 *    refused when the fibres would not fit (porosity < 0).
 * 2. Contacts. Nothing presses the cake but the filtration and drying (a consolidation
 *    pressure P, an input): each contact is loaded with Rumpf's mean force (contacts.ts) and
 *    its spot is the adhesive elastic contact under that load (Maugis-Dugdale, adhesion.ts),
 *    or the plastic spot F = pi a^2 H if larger. A pair touches when its gap is within the
 *    elastic approach a^2 / R* of its spot (the packer leaves touching pairs 1e-4 (r_i + r_j)
 *    apart; the coordination changes by about 0.3 between gaps of 0.05 and 2.5 nm).
 * 3. Fibres between particles. A fibre of diameter d_f lying on a particle's surface keeps a
 *    neighbour from touching it anywhere the two surfaces would be closer than d_f: within
 *    x_b = sqrt(2 R* d_f) of the contact point (two spheres of reduced radius R* are
 *    x^2 / (2 R*) apart at lateral distance x). If a share s of the fibres' length lies on
 *    particle surfaces, isotropically, its length per unit particle surface is
 *      Lambda = s lambda_f / S_v,  lambda_f = phi_f / (pi d_f^2 / 4),  S_v = sum 4 pi r^2 / V,
 *    and the number of fibres crossing a disc of radius x_b on either surface is Poisson with
 *    mean 2 x_b Lambda per surface (Cauchy-Crofton: isotropic lines of length density Lambda
 *    hit a convex set of perimeter U Lambda U / pi times on average; Santalo, Integral
 *    Geometry and Geometric Probability, 1976). A contact survives with probability
 *      exp(-4 x_b Lambda),
 *    drawn independently per pair. s is 1 for particles and fibres mixed at random and falls
 *    towards 0 when the particles aggregate before the fibres can reach their contacts.
 * Bonds then conduct like a pressed powder's (pressedPowder.ts: constriction into each
 * particle plus the boundary across the spot), so the same conductances and the same
 * contact-element error apply.
 */
import { InputError } from "../core/errors.js";
import type { RandomStream } from "../core/rng.js";
import { adhesiveContact, jkrContactRadiusM } from "./adhesion.js";
import { checkMaterial, plasticContactRadiusM, rumpfContactForceN, type ContactMaterial } from "./contacts.js";
import { checkParticleSizes, nearPairs, packParticles, type ParticleSizes } from "./pairs.js";
import { contactPowder, MAX_PACKED_FRACTION, selfConsistentCoordination, type PressedPowder } from "./pressedPowder.js";

export interface FibreMixOptions extends ParticleSizes {
  /** Solid fraction of the particles' own skeleton, (0, 0.6]. */
  readonly solidFraction: number;
  /** Fibre volume per particle volume (from the composition). */
  readonly fibreToParticleVolumeRatio: number;
  readonly fibreDiameterNm: number;
  /** Share of the fibres' length lying on particle surfaces, [0, 1]. */
  readonly fibreOnParticleShare: number;
  /** Pressure consolidating the cake (filtration, drying), Pa, >= 0. */
  readonly consolidationPressurePa: number;
  readonly material: ContactMaterial;
  readonly workOfAdhesionJPerM2: number;
  /** Equilibrium separation of the surfaces, nm (the Lennard-Jones z0). */
  readonly equilibriumSeparationNm: number;
}

export interface FibreMix extends PressedPowder {
  readonly mix: {
    readonly porosity: number;
    readonly fibreVolumeFraction: number;
    /** Contacts the fibres prevented, as a share of the pairs that would have touched. */
    readonly blockedShare: number;
    /** Survival probability of a contact of the median particle pair, exp(-4 x_b Lambda). */
    readonly medianSurvival: number;
    /** Maugis parameter of the median pair's contact. */
    readonly maugisLambda: number;
  };
}

export function checkFibreMix(o: FibreMixOptions, path: string): void {
  checkParticleSizes(o, 1000, path);
  if (!(o.solidFraction > 0 && o.solidFraction <= MAX_PACKED_FRACTION)) throw new InputError(`${path}.solidFraction: got ${o.solidFraction}; must be in (0, ${MAX_PACKED_FRACTION}]`);
  if (!(o.fibreToParticleVolumeRatio >= 0 && Number.isFinite(o.fibreToParticleVolumeRatio))) throw new InputError(`${path}.composition: fibre-to-particle volume ratio ${o.fibreToParticleVolumeRatio}; must be >= 0`);
  const porosity = 1 - o.solidFraction * (1 + o.fibreToParticleVolumeRatio);
  if (porosity < 0) throw new InputError(`${path}.solidFraction: ${o.solidFraction} leaves ${(1 - o.solidFraction).toFixed(3)} of the volume between the particles, less than the fibres' ${(o.solidFraction * o.fibreToParticleVolumeRatio).toFixed(3)}; at most ${(1 / (1 + o.fibreToParticleVolumeRatio)).toFixed(3)} for this composition`);
  if (!(o.fibreDiameterNm > 0 && Number.isFinite(o.fibreDiameterNm))) throw new InputError(`${path}.fibreDiameterNm: got ${o.fibreDiameterNm}; must be > 0`);
  if (!(o.fibreOnParticleShare >= 0 && o.fibreOnParticleShare <= 1)) throw new InputError(`${path}.fibreOnParticleShare: got ${o.fibreOnParticleShare}; must be in [0, 1]`);
  if (!(o.consolidationPressurePa >= 0 && Number.isFinite(o.consolidationPressurePa))) throw new InputError(`${path}.consolidationPressureMPa: got ${o.consolidationPressurePa / 1e6}; must be >= 0`);
  checkMaterial(o.material, `${path}.material`);
  if (!(o.workOfAdhesionJPerM2 > 0 && Number.isFinite(o.workOfAdhesionJPerM2))) throw new InputError(`${path}.workOfAdhesionJPerM2: got ${o.workOfAdhesionJPerM2}; must be > 0`);
  if (!(o.equilibriumSeparationNm > 0 && o.equilibriumSeparationNm < 5)) throw new InputError(`${path}.equilibriumSeparationNm: got ${o.equilibriumSeparationNm}; must be in (0, 5) nm`);
}

/** Spot radius (nm) of a contact between spheres of reduced radius rStarNm under force F. */
export function mixSpotNm(forceN: number, rStarNm: number, o: FibreMixOptions): { radiusNm: number; lambda: number } {
  const c = adhesiveContact(forceN, rStarNm * 1e-9, o.material, o.workOfAdhesionJPerM2, o.equilibriumSeparationNm * 1e-9);
  return { radiusNm: Math.max(c.radiusM, plasticContactRadiusM(forceN, o.material.hardnessPa)) * 1e9, lambda: c.lambda };
}

/** Build one realisation. `path` prefixes the fields named in errors. */
export function fibreMix(o: FibreMixOptions, stream: RandomStream, path = "design"): FibreMix {
  checkFibreMix(o, path);
  const phi = o.solidFraction;
  const { radii, positions: pos, boxNm: L, solidNm3: solid } = packParticles(o, 1000, phi, 0, stream, path);
  const n = radii.length;
  const volume = L * L * L;
  const phiS = solid / volume;
  const phiF = phiS * o.fibreToParticleVolumeRatio;
  let surface = 0;
  for (let i = 0; i < n; i++) surface += 4 * Math.PI * radii[i]! * radii[i]!;
  const df = o.fibreDiameterNm;
  const fibreLengthPerVolume = phiF / ((Math.PI * df * df) / 4);
  const lambdaSurface = (o.fibreOnParticleShare * fibreLengthPerVolume) / (surface / volume);

  // pairs an adhesive spot could close: a^2 / R* stays below 0.05 (r_i + r_j) for a/R <= 0.3
  const cand = nearPairs(pos, radii, L, 0.05);
  const m = cand.i.length;
  const gap = new Float64Array(m), rStar = new Float64Array(m), free = new Uint8Array(m);
  for (let p = 0; p < m; p++) {
    const ri = radii[cand.i[p]!]!, rj = radii[cand.j[p]!]!;
    gap[p] = Math.hypot(cand.dx[p]!, cand.dy[p]!, cand.dz[p]!) - ri - rj;
    rStar[p] = (ri * rj) / (ri + rj);
    const survival = Math.exp(-4 * Math.sqrt(2 * rStar[p]! * df) * lambdaSurface);
    // one draw per candidate pair, whatever else happens, so realisations stay aligned
    free[p] = stream.nextFloat() < survival ? 1 : 0;
  }
  const rMedian = o.particleDiameterNm / 4;
  const pairsMedianSurvival = Math.exp(-4 * Math.sqrt(2 * rMedian * df) * lambdaSurface);

  // self-consistent coordination as for a pressed powder (pressedPowder.ts)
  const P = o.consolidationPressurePa;
  const touches = new Uint8Array(m), inContact = new Uint8Array(m), spotNm = new Float64Array(m);
  const forceN = new Float64Array(m), plastic = new Uint8Array(m);
  const contactsAt = (Z: number): number => {
    let contacts = 0;
    for (let p = 0; p < m; p++) {
      const F = P > 0 ? rumpfContactForceN(P, 4 * rStar[p]! * 1e-9, Z, phiS) : 0;
      const aPlastic = plasticContactRadiusM(F, o.material.hardnessPa) * 1e9;
      forceN[p] = F;
      // the JKR spot bounds the Maugis-Dugdale one from above: pairs it cannot close are skipped
      const upper = Math.max(jkrContactRadiusM(F, rStar[p]! * 1e-9, o.material, o.workOfAdhesionJPerM2) * 1e9, aPlastic);
      const a = gap[p]! > (upper * upper) / rStar[p]! ? upper : mixSpotNm(F, rStar[p]!, o).radiusNm;
      spotNm[p] = a;
      plastic[p] = aPlastic >= a ? 1 : 0;
      touches[p] = gap[p]! <= (a * a) / rStar[p]! ? 1 : 0;
      inContact[p] = touches[p]! & free[p]!;
      contacts += inContact[p]!;
    }
    return contacts;
  };
  // without a load the spots do not depend on Z
  let forceCoordination = 0;
  if (P > 0) forceCoordination = selfConsistentCoordination(n, contactsAt);
  else contactsAt(0);
  let wouldTouch = 0, blocked = 0;
  for (let p = 0; p < m; p++) {
    wouldTouch += touches[p]!;
    if (touches[p] === 1 && free[p] === 0) blocked++;
  }
  const powder = contactPowder({ radii, positions: pos, boxNm: L, solidNm3: solid }, cand, { inContact, spotNm, forceN, plastic }, forceCoordination, (ratio) =>
    `${path}.consolidationPressureMPa: ${P / 1e6} MPa with adhesion ${o.workOfAdhesionJPerM2} J/m2 makes contacts of a/R = ${ratio.toFixed(2)}; the contact element covers a/R <= 0.6`);
  return {
    ...powder,
    mix: {
      porosity: 1 - phiS - phiF,
      fibreVolumeFraction: phiF,
      blockedShare: wouldTouch > 0 ? blocked / wouldTouch : 0,
      medianSurvival: pairsMedianSurvival,
      maugisLambda: mixSpotNm(0, rMedian, o).lambda,
    },
  };
}
