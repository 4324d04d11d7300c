/**
 * Particles in a gel binder as a particle network: MOF particles are nodes; the gel that
 * fills the narrow gaps between neighbouring particles makes the bonds.
 *
 * 1. Particles: lognormal diameters packed without overlap in a periodic box to the MOF's
 *    volume fraction (from the composition and porosity: composition.ts), each kept a
 *    binder film h_f away from every other (packed with radii r + h_f / 2): a cast
 *    composite's particles are coated by the polymer solution before they meet, so no two
 *    MOF surfaces touch. h_f is an assumption with a range (an adsorbed polymer layer is a
 *    few nm thick).
 * 2. Binder: every particle keeps its coat, half the film (d1 <= h_f / 2); as the cast film
 *    dries, the rest of the solution withdraws into the narrowest gaps (capillarity), so the
 *    gel ends up where the gap between two particle surfaces is smallest: the space where
 *    d1 + d2 <= H*, with d1 <= d2 the distances to the two nearest particle surfaces, and H*
 *    such that this space and the coats hold the gel's volume fraction. The
 *    volume is found by sampling points uniformly in the box (the gel fraction's sampling
 *    error is reported in stats).
 * 3. Bonds: every pair whose surface gap g is below H* is bridged by a gel lens out to the
 *    radius r_w of the gel's edge (d1 + d2 = H*, a spheroid about the two centres) in the
 *    mid-plane. In the lubrication (flux-tube) approximation each annulus of the lens is a
 *    film of the local gap H(rho) = g + (r_i - sqrt(r_i^2 - rho^2)) + (r_j - sqrt(r_j^2 -
 *    rho^2)) with a MOF|gel interface r_mg (ohm cm^2) on each face, so
 *      G_lens = int_0^r_w 2 pi rho d rho / (H(rho) / sigma_g + 2 r_mg),
 *    which for r_mg = 0 and rho << R is the near-contact conduction between two spheres,
 *    pi sigma_g R ln(R / h) + O(1) for equal spheres (Batchelor and O'Brien, Proc. R. Soc. A
 *    355, 313, 1977; Jeffrey, Proc. R. Soc. A 335, 355, 1973). In series, the current spreads
 *    into each particle from the lens footprint: the sphere-neck element 1 / (4 sigma_M a q)
 *    (contacts.ts) with a the radius inside which half the lens current flows.
 * The gel's own path, the coats joining the lenses on each particle (which carries the gel's
 * anions), is built on this network in gelFilm.ts.
 */
import { RANDOM_CLOSE_PACKING_FRACTION } from "../core/constants.js";
import { InputError } from "../core/errors.js";
import type { RandomStream } from "../core/rng.js";
import { MAX_NECK_RATIO, sphereNeckResistanceOhm } from "./contacts.js";
import type { PeriodicGraph } from "./graph.js";
import { checkParticleSizes, nearPairs, packParticles, type ParticleSizes } from "./pairs.js";

/** Particle sizes (pairs.ts; particleCount default 1000) and the composition's phase volumes. */
export interface GelBinderOptions extends ParticleSizes {
  /** Volume fraction of MOF in the membrane. */
  readonly mofVolumeFraction: number;
  /** Volume fraction of gel in the membrane. */
  readonly gelVolumeFraction: number;
  /** Binder film kept between particle surfaces, nm (> 0). */
  readonly filmThicknessNm: number;
  /** Points sampled to place the gel. Default 100000. */
  readonly binderSamples?: number;
}

/**
 * Highest packing fraction of the film-inflated particles the packer reaches reliably: below
 * random close packing (RANDOM_CLOSE_PACKING_FRACTION), so between the two lie membranes that
 * exist but that this model cannot build.
 */
export const MAX_INFLATED_FRACTION = 0.6;

export interface GelBinder {
  readonly graph: PeriodicGraph;
  readonly radiusCm: Float64Array;
  /** Surface gap of each bond, cm. */
  readonly gapCm: Float64Array;
  /** Wetted (lens) radius of each bond, cm. */
  readonly wetRadiusCm: Float64Array;
  readonly stats: {
    readonly particleCount: number;
    readonly boxNm: number;
    readonly mofVolumeFraction: number;
    /** The gel's volume fraction as placed (sampled). */
    readonly gelVolumeFraction: number;
    /** Its sampling standard error. */
    readonly gelVolumeFractionStdErr: number;
    /** The part of it in the coat of half the film on every particle (sampled). */
    readonly coatVolumeFraction: number;
    /** Largest gap the gel fills, nm. */
    readonly fillGapNm: number;
    /** Gel bridges per particle. */
    readonly coordination: number;
    readonly meanGapNm: number;
    /** Mean lens radius over the mean particle radius. */
    readonly meanWetToParticleRadius: number;
    /** Share of bonds whose lens reaches the smaller particle's equator (where the lens picture ends). */
    readonly saturatedShare: number;
    /** The lens element's relative error at this realisation's lenses: GEL_LENS_ERROR_PER_WET_RATIO x mean r_w / min(r_i, r_j). */
    readonly lensElementRelativeError: number;
  };
}

export function checkGelBinder(o: GelBinderOptions, path: string): void {
  checkParticleSizes(o, 1000, path);
  if (!(o.filmThicknessNm > 0 && Number.isFinite(o.filmThicknessNm))) throw new InputError(`${path}.filmThicknessNm: got ${o.filmThicknessNm}; must be > 0`);
  if (!(o.mofVolumeFraction > 0 && o.gelVolumeFraction > 0 && o.mofVolumeFraction + o.gelVolumeFraction < 1)) {
    throw new InputError(`${path}.porosity: MOF ${o.mofVolumeFraction} and gel ${o.gelVolumeFraction} by volume leave no pore space; the particle network needs porosity > 0`);
  }
  const inflated = inflatedFraction(o);
  if (inflated > MAX_INFLATED_FRACTION) {
    throw new InputError(
      `${path}.porosity: MOF volume fraction ${o.mofVolumeFraction.toFixed(3)} with ${o.filmThicknessNm} nm films packs the coated particles to ${inflated.toFixed(3)}, above ${MAX_INFLATED_FRACTION}, the densest the packer reaches reliably (${inflated <= RANDOM_CLOSE_PACKING_FRACTION ? `random close packing of equal spheres is ${RANDOM_CLOSE_PACKING_FRACTION}: such a membrane can exist, but this model cannot build it` : `and above random close packing of equal spheres, ${RANDOM_CLOSE_PACKING_FRACTION}, too`}): use a larger porosity or a thinner film`,
    );
  }
  const k = o.binderSamples ?? 100_000;
  if (!(Number.isInteger(k) && k >= 1000)) throw new InputError(`${path}.binderSamples: got ${k}; must be an integer >= 1000`);
}

/** Packing fraction of the particles grown by half the film: phi E[(d + h)^3] / E[d^3] (lognormal moments). */
export function inflatedFraction(o: Pick<GelBinderOptions, "particleDiameterNm" | "diameterLogSd" | "mofVolumeFraction" | "filmThicknessNm">): number {
  const d = o.particleDiameterNm, s2 = o.diameterLogSd ** 2, h = o.filmThicknessNm;
  const m1 = d * Math.exp(s2 / 2), m2 = d * d * Math.exp(2 * s2), m3 = d ** 3 * Math.exp(4.5 * s2);
  return o.mofVolumeFraction * (m3 + 3 * m2 * h + 3 * m1 * h * h + h ** 3) / m3;
}

/** Build one realisation. Lengths inside are nm; the graph is in cm. */
export function gelBinder(o: GelBinderOptions, stream: RandomStream, path = "design"): GelBinder {
  checkGelBinder(o, path);
  const { radii, positions: pos, boxNm: L, solidNm3: solid } = packParticles(o, 1000, o.mofVolumeFraction, o.filmThicknessNm, stream, path);
  const n = radii.length, hf = o.filmThicknessNm;

  // the gel: the sampled points with the smallest two-surface gap d1 + d2
  const samples = o.binderSamples ?? 100_000;
  const reach = o.particleDiameterNm / 2;
  const H = twoSurfaceGaps(pos, radii, L, reach, hf / 2, samples, stream);
  const want = Math.round(o.gelVolumeFraction * samples);
  const finite = H.filter((x) => Number.isFinite(x) && x >= 0);
  if (finite.length < want) {
    throw new InputError(`${path}.porosity: the gel (${o.gelVolumeFraction.toFixed(3)} by volume) overfills the gaps between particles (it would fill gaps wider than the median particle radius, ${reach} nm); the binder is then a matrix, which the particle network does not model`);
  }
  finite.sort();
  let coat = 0;
  while (coat < finite.length && finite[coat] === 0) coat++;
  const hStar = finite[want - 1]!;
  if (!(hStar > hf)) {
    throw new InputError(`${path}.filmThicknessNm: a ${hf / 2} nm coat on every particle (half the ${hf} nm film) holds ${(coat / samples).toFixed(3)} of the volume, as much as the whole gel (${o.gelVolumeFraction.toFixed(3)}); no gel is left to bridge particles: use a thinner film or more binder`);
  }
  const pGel = want / samples;

  // bonds: pairs closer than H*, bridged out to H(r_w) = H*
  let rMin = Infinity;
  for (let i = 0; i < n; i++) rMin = Math.min(rMin, radii[i]!);
  const cand = nearPairs(pos, radii, L, hStar / (2 * rMin));
  const keep: number[] = [], gaps: number[] = [], wets: number[] = [];
  let saturated = 0;
  for (let p = 0; p < cand.i.length; p++) {
    const ri = radii[cand.i[p]!]!, rj = radii[cand.j[p]!]!;
    // the packer leaves overlaps below 1e-4 of the coated radii: such pairs sit at the film
    const g = Math.max(hf, Math.hypot(cand.dx[p]!, cand.dy[p]!, cand.dz[p]!) - ri - rj);
    if (g >= hStar) continue;
    const rw = lensWetRadius(g, ri, rj, hStar);
    if (rw === Math.min(ri, rj)) saturated++;
    keep.push(p);
    gaps.push(g);
    wets.push(rw);
  }
  const nb = keep.length;
  const bondI = new Int32Array(nb), bondJ = new Int32Array(nb), vec = new Float64Array(3 * nb);
  const gapCm = new Float64Array(nb), wetCm = new Float64Array(nb);
  let sumGap = 0, sumWet = 0, sumR = 0, sumWetRatio = 0;
  keep.forEach((p, b) => {
    sumWetRatio += wets[b]! / Math.min(radii[cand.i[p]!]!, radii[cand.j[p]!]!);
    bondI[b] = cand.i[p]!;
    bondJ[b] = cand.j[p]!;
    vec[3 * b] = cand.dx[p]! * 1e-7;
    vec[3 * b + 1] = cand.dy[p]! * 1e-7;
    vec[3 * b + 2] = cand.dz[p]! * 1e-7;
    gapCm[b] = gaps[b]! * 1e-7;
    wetCm[b] = wets[b]! * 1e-7;
    sumGap += gaps[b]!;
    sumWet += wets[b]!;
  });
  for (let i = 0; i < n; i++) sumR += radii[i]!;
  const positionCm = new Float64Array(3 * n), radiusCm = new Float64Array(n);
  for (let k = 0; k < 3 * n; k++) positionCm[k] = pos[k]! * 1e-7;
  for (let i = 0; i < n; i++) radiusCm[i] = radii[i]! * 1e-7;
  const boxCm = L * 1e-7;
  return {
    graph: { nodeCount: n, boxCm: [boxCm, boxCm, boxCm], positionCm, bondI, bondJ, bondVectorCm: vec },
    radiusCm,
    gapCm,
    wetRadiusCm: wetCm,
    stats: {
      particleCount: n,
      boxNm: L,
      mofVolumeFraction: solid / (L * L * L),
      gelVolumeFraction: pGel,
      gelVolumeFractionStdErr: Math.sqrt((pGel * (1 - pGel)) / samples),
      coatVolumeFraction: coat / samples,
      fillGapNm: hStar,
      coordination: (2 * nb) / n,
      meanGapNm: nb > 0 ? sumGap / nb : 0,
      meanWetToParticleRadius: nb > 0 ? sumWet / nb / (sumR / n) : 0,
      saturatedShare: nb > 0 ? saturated / nb : 0,
      lensElementRelativeError: nb > 0 ? (GEL_LENS_ERROR_PER_WET_RATIO * sumWetRatio) / nb : 0,
    },
  };
}

/**
 * Radius of a gel lens between spheres r_i, r_j at surface gap g filled out to d1 + d2 = H*:
 * the gel's edge is the spheroid |x - c_i| + |x - c_j| = H* + r_i + r_j about the two
 * centres, whose widest circle has radius sqrt(A^2 - C^2) (A, C: half the distance sum and
 * half the centre distance); at most the smaller sphere's radius (the lens then reaches its
 * equator). Any length unit.
 */
export function lensWetRadius(g: number, ri: number, rj: number, hStar: number): number {
  const A = (hStar + ri + rj) / 2, C = (ri + rj + g) / 2;
  return Math.min(Math.sqrt(Math.max(0, A * A - C * C)), Math.min(ri, rj));
}

/** Local gap between two sphere surfaces at squared distance s = rho^2 from their axis (r - sqrt(r^2 - s) written stably). */
export function lensGap(g: number, ri: number, rj: number, s: number): number {
  return g + s / (ri + Math.sqrt(Math.max(0, ri * ri - s))) + s / (rj + Math.sqrt(Math.max(0, rj * rj - s)));
}

// 16-point Gauss-Legendre nodes and weights on [-1, 1] (positive half; symmetric)
const GL_X = [0.0950125098376374, 0.2816035507792589, 0.4580167776572274, 0.6178762444026438, 0.755404408355003, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499];
const GL_W = [0.1894506104550685, 0.1826034150449236, 0.1691565193950025, 0.1495959888165767, 0.1246289712555339, 0.0951585116824928, 0.0622535239386479, 0.0271524594117541];

/**
 * Conductance of a gel lens, S: int_0^{r_w} 2 pi rho d rho / (H(rho) / sigma_g + 2 r_mg),
 * lengths in cm. With s = rho^2 and t = ln(s + s0), s0 = 2 R* (g + 2 sigma_g r_mg), the
 * integrand is constant for a parabolic gap (H = g + s / 2R*); the spherical gap departs from
 * it only where s approaches R^2, so two 16-point Gauss-Legendre panels integrate it to about
 * 1e-14 for gaps of 1e-3 R and more, 2e-8 at 1e-8 R, and 1e-5 when the lens reaches the
 * equator (r_w = R, where sqrt(R^2 - s) has its kink; checked against composite Simpson with
 * 4e5 panels). Also returns the radius inside which half of the current flows (exact for the
 * parabolic gap: s_half = sqrt((s_w + s0) s0) - s0), and the current-weighted gel path
 * int H dI / I (the lens's extent along the bond, weighted as the volume average of the
 * current density weights it: each annulus carries dI across the gap H(rho)); for the
 * parabolic gap and r_mg = 0 it is s_w / (2 R* ln(1 + s_w / (2 R* g))).
 */
export function gelLens(gapCm: number, riCm: number, rjCm: number, wetRadiusCm: number, gelSPerCm: number, interfaceOhmCm2: number): { conductanceS: number; halfCurrentRadiusCm: number; currentWeightedGapCm: number } {
  if (!(gelSPerCm > 0) || !(wetRadiusCm > 0)) return { conductanceS: 0, halfCurrentRadiusCm: 0, currentWeightedGapCm: 0 };
  const rStar = (riCm * rjCm) / (riCm + rjCm);
  const s0 = 2 * rStar * (gapCm + 2 * gelSPerCm * interfaceOhmCm2);
  const sw = wetRadiusCm * wetRadiusCm;
  const t0 = Math.log(s0), t1 = Math.log(sw + s0);
  const half = 0.25 * (t1 - t0); // half-width of each of the two panels
  let sum = 0, sumH = 0;
  for (let panel = 0; panel < 2; panel++) {
    const mid = t0 + (2 * panel + 1) * half;
    for (let k = 0; k < 2 * GL_X.length; k++) {
      const x = k < GL_X.length ? GL_X[k]! : -GL_X[k - GL_X.length]!;
      const e = Math.exp(mid + half * x);
      const s = Math.min(sw, Math.max(0, e - s0));
      const H = lensGap(gapCm, riCm, rjCm, s);
      const dI = (GL_W[k % GL_X.length]! * e) / (H / gelSPerCm + 2 * interfaceOhmCm2);
      sum += dI;
      sumH += dI * H;
    }
  }
  const sHalf = Math.sqrt((sw + s0) * s0) - s0;
  return { conductanceS: Math.PI * half * sum, halfCurrentRadiusCm: Math.sqrt(Math.max(0, sHalf)), currentWeightedGapCm: sumH / sum };
}

/**
 * Bond conductances (S) for particle conductivity sigma_M, gel conductivity sigma_g (S/cm)
 * and MOF|gel interface r_mg (ohm cm^2), and the bonds' mean share of resistance in the
 * particles' spreading terms (whose footprint radius is a proxy: see the file comment);
 * per bond, the share of its length its current spends in the gel (the lens's
 * current-weighted gap over the centre distance; the rest is MOF), which weights the gel's
 * and the MOF's transference numbers in the bond's partial currents.
 */
export function gelBinderConductances(net: GelBinder, mofSPerCm: number, gelSPerCm: number, interfaceOhmCm2: number): { conductanceS: Float64Array; spreadingShare: number; gelPathShare: Float64Array } {
  const nb = net.graph.bondI.length;
  const out = new Float64Array(nb), gelPath = new Float64Array(nb);
  if (!(gelSPerCm > 0)) return { conductanceS: out, spreadingShare: 0, gelPathShare: gelPath };
  let share = 0;
  for (let b = 0; b < nb; b++) {
    const e = lensBond(net, b, mofSPerCm, gelSPerCm, interfaceOhmCm2);
    gelPath[b] = e.gelPathShare;
    if (!(mofSPerCm > 0)) continue; // insulating particles: the bond carries nothing through them
    const total = e.spreadIOhm + e.spreadJOhm + 1 / e.lensS;
    out[b] = 1 / total;
    share += (e.spreadIOhm + e.spreadJOhm) / total;
  }
  return { conductanceS: out, spreadingShare: nb > 0 ? share / nb : 0, gelPathShare: gelPath };
}

/**
 * The elements of bond b: its lens's conductance (gelLens), each particle's spreading
 * resistance from the lens footprint (0 for insulating particles), and the share of the
 * bond's length its current spends in the gel.
 */
export function lensBond(net: GelBinder, b: number, mofSPerCm: number, gelSPerCm: number, interfaceOhmCm2: number): { lensS: number; spreadIOhm: number; spreadJOhm: number; gelPathShare: number } {
  const { graph, radiusCm, gapCm, wetRadiusCm } = net;
  const ri = radiusCm[graph.bondI[b]!]!, rj = radiusCm[graph.bondJ[b]!]!;
  const lens = gelLens(gapCm[b]!, ri, rj, wetRadiusCm[b]!, gelSPerCm, interfaceOhmCm2);
  const v = graph.bondVectorCm;
  const gelPathShare = Math.min(1, lens.currentWeightedGapCm / Math.hypot(v[3 * b]!, v[3 * b + 1]!, v[3 * b + 2]!));
  const spread = (r: number): number => (mofSPerCm > 0 ? sphereNeckResistanceOhm(mofSPerCm, Math.min(lens.halfCurrentRadiusCm, MAX_NECK_RATIO * r), r) : 0);
  return { lensS: lens.conductanceS, spreadIOhm: spread(ri), spreadJOhm: spread(rj), gelPathShare };
}

/**
 * d1 + d2 (nm) at `samples` uniform points: the distances to the two nearest particle
 * surfaces (minimum image); NaN inside a particle (d1 < 0); 0 in a particle's coat (d1 <=
 * `coatNm`: gel whatever the gap); Infinity where the second surface lies beyond `reachNm`
 * (gaps the gel does not reach: the caller checks).
 */
function twoSurfaceGaps(pos: Float64Array, radii: Float64Array, L: number, reachNm: number, coatNm: number, samples: number, stream: RandomStream): Float64Array {
  const n = radii.length;
  let rMax = 0;
  for (let i = 0; i < n; i++) rMax = Math.max(rMax, radii[i]!);
  // cells of side >= (reach + rMax) / 2; a search over the 5^3 block around a point finds
  // every centre within 2 cell sides, so every surface within `reach` of the point
  const mc = Math.max(1, Math.floor(L / ((reachNm + rMax) / 2)));
  const cs = L / mc;
  const head = new Int32Array(mc * mc * mc).fill(-1), next = new Int32Array(n);
  const cell = (v: number): number => Math.min(mc - 1, Math.floor(v / cs));
  for (let i = 0; i < n; i++) {
    const c = cell(pos[3 * i]!) + mc * (cell(pos[3 * i + 1]!) + mc * cell(pos[3 * i + 2]!));
    next[i] = head[c]!;
    head[c] = i;
  }
  const out = new Float64Array(samples);
  for (let k = 0; k < samples; k++) {
    const x = stream.nextFloat() * L, y = stream.nextFloat() * L, z = stream.nextFloat() * L;
    let d1 = Infinity, d2 = Infinity;
    if (mc < 5) {
      for (let j = 0; j < n; j++) {
        let dx = pos[3 * j]! - x, dy = pos[3 * j + 1]! - y, dz = pos[3 * j + 2]! - z;
        dx -= L * Math.round(dx / L);
        dy -= L * Math.round(dy / L);
        dz -= L * Math.round(dz / L);
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz) - radii[j]!;
        if (d < d1) { d2 = d1; d1 = d; } else if (d < d2) d2 = d;
      }
    } else {
      const cx = cell(x), cy = cell(y), cz = cell(z);
      for (let oz = -2; oz <= 2; oz++) {
        const zc = cz + oz, wz = zc < 0 ? mc : zc >= mc ? -mc : 0, sz = wz === 0 ? 0 : -Math.sign(wz) * L;
        for (let oy = -2; oy <= 2; oy++) {
          const yc = cy + oy, wy = yc < 0 ? mc : yc >= mc ? -mc : 0, sy = wy === 0 ? 0 : -Math.sign(wy) * L;
          for (let ox = -2; ox <= 2; ox++) {
            const xc = cx + ox, wx = xc < 0 ? mc : xc >= mc ? -mc : 0, sx = wx === 0 ? 0 : -Math.sign(wx) * L;
            // a centre in the wrapped cell is seen at its image shifted by (sx, sy, sz)
            for (let j = head[xc + wx + mc * (yc + wy + mc * (zc + wz))]!; j >= 0; j = next[j]!) {
              const dx = pos[3 * j]! + sx - x, dy = pos[3 * j + 1]! + sy - y, dz = pos[3 * j + 2]! + sz - z;
              const d = Math.sqrt(dx * dx + dy * dy + dz * dz) - radii[j]!;
              if (d < d1) { d2 = d1; d1 = d; } else if (d < d2) d2 = d;
            }
          }
        }
      }
    }
    out[k] = d1 < 0 ? NaN : d1 <= coatNm ? 0 : d2 > reachNm ? Infinity : d1 + d2;
  }
  return out;
}

/**
 * The lens element's error per unit r_w / R: against the 18 resolved simple-cubic arrays of
 * scripts/gel-lens-reference.mjs (sphere/gel contrast 440 and 1e6, gaps 0.02-0.08 R, gel out
 * to d1 + d2 = 0.1-0.6 R, extrapolated to +-0.1-0.5 %), the network of these bonds
 * under-predicts by 0.02-0.078 times r_w / R, growing with the lens (the flux tubes miss the
 * gel's curved field lines near the rim); the largest, 0.08, is the element's reported error
 * (table and test in test/physics/gel-binder.test.ts).
 */
export const GEL_LENS_ERROR_PER_WET_RATIO = 0.08;
