/**
 * Particles of a network design in a periodic cubic box: lognormal diameters packed to a
 * volume fraction (checked and drawn the same way for every design), and their neighbour
 * pairs by a cell list (minimum image).
 */
import { InputError } from "../core/errors.js";
import type { RandomStream } from "../core/rng.js";
import { packSpheres } from "../structure/morphology/pack.js";
import { lognormalDiameters } from "../structure/morphology/sampling.js";

/** The particle-size options every network design shares. */
export interface ParticleSizes {
  /** Median particle diameter, nm. */
  readonly particleDiameterNm: number;
  /** Standard deviation of ln(diameter) (truncated at 3 sd). */
  readonly diameterLogSd: number;
  /** Particles in the periodic box (about; the box holds whole particles). */
  readonly particleCount?: number;
}

export function checkParticleSizes(o: ParticleSizes, defaultCount: number, path: string): void {
  if (!(o.particleDiameterNm > 0 && Number.isFinite(o.particleDiameterNm))) throw new InputError(`${path}.particleDiameterNm: got ${o.particleDiameterNm}; must be > 0`);
  if (!(o.diameterLogSd >= 0 && o.diameterLogSd <= 1)) throw new InputError(`${path}.diameterLogSd: got ${o.diameterLogSd}; must be in [0, 1]`);
  const n = o.particleCount ?? defaultCount;
  if (!(Number.isInteger(n) && n >= 50 && n <= 200_000)) throw new InputError(`${path}.particleCount: got ${n}; must be an integer in [50, 200000]`);
}

export interface PackedParticles {
  /** Radii, nm (without any film). */
  readonly radii: Float64Array;
  /** Centres, nm, xyz interleaved. */
  readonly positions: Float64Array;
  /** Box side, nm. */
  readonly boxNm: number;
  /** Volume of the particles, nm^3 (volume fraction = solid / box^3). */
  readonly solidNm3: number;
  readonly largestDiameterNm: number;
}

/**
 * Diameters first (their total volume fixes the box at volume fraction `phi`), then uniform
 * centres, packed without overlap (to 1e-4 of r_i + r_j) with every radius grown by
 * `filmNm / 2` (particles kept a film apart; 0 for touching particles).
 */
export function packParticles(o: ParticleSizes, defaultCount: number, phi: number, filmNm: number, stream: RandomStream, path: string): PackedParticles {
  const count = o.particleCount ?? defaultCount;
  const meanVolume = (Math.PI / 6) * o.particleDiameterNm ** 3 * Math.exp(4.5 * o.diameterLogSd ** 2);
  const diameters = lognormalDiameters(stream, o.particleDiameterNm, o.diameterLogSd, count * meanVolume);
  const n = diameters.length;
  let solid = 0, dMax = 0;
  for (let i = 0; i < n; i++) {
    solid += (Math.PI / 6) * diameters[i]! ** 3;
    dMax = Math.max(dMax, diameters[i]!);
  }
  const L = Math.cbrt(solid / phi);
  if (L < 2 * (dMax + filmNm)) {
    // pairs are found by the minimum image: the box must hold twice the largest particle
    const what = filmNm > 0 ? `the largest particle with its film (${(dMax + filmNm).toFixed(0)} nm)` : `the largest particle (${dMax.toFixed(0)} nm at sd(ln d) ${o.diameterLogSd})`;
    throw new InputError(`${path}.particleCount: ${count} particles make a box of ${L.toFixed(0)} nm, less than twice ${what}; use more particles`);
  }
  const radii = new Float64Array(n), grown = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    radii[i] = diameters[i]! / 2;
    grown[i] = radii[i]! + filmNm / 2;
  }
  const start = new Float64Array(3 * n);
  for (let k = 0; k < 3 * n; k++) start[k] = stream.nextFloat() * L;
  const positions = packSpheres(start, grown, [L, L, L], { tolerance: 1e-4 }).positions;
  return { radii, positions, boxNm: L, solidNm3: solid, largestDiameterNm: dMax };
}

/** Pairs whose surface gap is below `relGap` (r_i + r_j), minimum image; vectors from i to j. */
export function nearPairs(pos: Float64Array, radii: Float64Array, L: number, relGap: number) {
  const n = radii.length;
  let rMax = 0;
  for (let i = 0; i < n; i++) rMax = Math.max(rMax, radii[i]!);
  const reach = 2 * rMax * (1 + relGap);
  const mc = Math.max(1, Math.floor(L / reach));
  const I: number[] = [], J: number[] = [], DX: number[] = [], DY: number[] = [], DZ: number[] = [];
  const consider = (i: number, j: number): void => {
    let dx = pos[3 * j]! - pos[3 * i]!, dy = pos[3 * j + 1]! - pos[3 * i + 1]!, dz = pos[3 * j + 2]! - pos[3 * i + 2]!;
    dx -= L * Math.round(dx / L);
    dy -= L * Math.round(dy / L);
    dz -= L * Math.round(dz / L);
    const lim = (radii[i]! + radii[j]!) * (1 + relGap);
    if (dx * dx + dy * dy + dz * dz < lim * lim) { I.push(i); J.push(j); DX.push(dx); DY.push(dy); DZ.push(dz); }
  };
  if (mc < 3) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) consider(i, j);
  } else {
    const cell = (v: number): number => Math.min(mc - 1, Math.floor((v / L) * mc));
    const head = new Int32Array(mc * mc * mc).fill(-1), next = new Int32Array(n);
    const cellOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = cell(pos[3 * i]!) + mc * (cell(pos[3 * i + 1]!) + mc * cell(pos[3 * i + 2]!));
      cellOf[i] = c;
      next[i] = head[c]!;
      head[c] = i;
    }
    for (let i = 0; i < n; i++) {
      const c = cellOf[i]!;
      const cx = c % mc, cy = Math.floor(c / mc) % mc, cz = Math.floor(c / (mc * mc));
      for (let oz = -1; oz <= 1; oz++) for (let oy = -1; oy <= 1; oy++) for (let ox = -1; ox <= 1; ox++) {
        const x = (cx + ox + mc) % mc, y = (cy + oy + mc) % mc, z = (cz + oz + mc) % mc;
        for (let j = head[x + mc * (y + mc * z)]!; j >= 0; j = next[j]!) if (j > i) consider(i, j);
      }
    }
  }
  return { i: Int32Array.from(I), j: Int32Array.from(J), dx: Float64Array.from(DX), dy: Float64Array.from(DY), dz: Float64Array.from(DZ) };
}
