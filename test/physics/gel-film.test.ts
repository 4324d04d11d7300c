/**
 * The gel's own network in a particles-in-gel membrane (src/design/gelFilm.ts) against exact
 * results:
 * 1. Two caps on a spherical sheet: antipodal caps of angular radius alpha are joined by the
 *    zone between them, R = int_alpha^(pi - alpha) dtheta / (2 pi G_s sin theta) =
 *    2 ln cot(alpha / 2) / (2 pi G_s); caps that touch have no sheet between them (R = 0);
 *    small caps are point contacts in a sheet, R = ln(d^2 / (a_1 a_2)) / (2 pi G_s) with d the
 *    chord between them and a their chord radii.
 * 2. Many small caps: the sheet's terminal potentials are those of the sphere's Green's
 *    function, phi_k = -sum_j I_j ln d_kj / (2 pi G_s) (d_kk = a_k) for currents that sum to
 *    zero (a point source on a closed sphere with the uniform compensating sink; the constant
 *    cancels).
 * 3. A simple-cubic array of insulating coated spheres with small lenses: by symmetry the
 *    lenses to the side neighbours carry no current along x, so each sphere is the sheet
 *    between its two antipodal caps and sigma_x = 2 pi sigma_g t / (R_log s), s the spacing.
 * 4. The coat's volume: coats of t on spheres at least 2 t apart never overlap, so the
 *    sampled coat fraction is sum (4 pi / 3) ((r + t)^3 - r^3) / L^3 within its sampling error.
 * 5. A resolved continuum: the gel alone of one random realisation (68 particles of 100 nm,
 *    8 nm film, MOF 0.45 and gel 0.15 by volume, seed 1) on voxels of 3.6, 2.4 and 1.8 nm
 *    (scripts/gel-film-reference.mjs: the box once and twice along x, so the electrode layers
 *    cancel; first-order and quadratic extrapolations 0.0783 and 0.0723 sigma_g, so 0.0753 +-
 *    0.0030). The element's network must agree within its stated error, GEL_COAT_NETWORK_ERROR,
 *    plus the reference's own.
 */
import { describe, expect, it } from "vitest";
import { capConductances, capPairLog, GEL_COAT_NETWORK_ERROR, gelFilmConductances, gelFilmNetwork } from "../../src/design/gelFilm.js";
import { gelBinder } from "../../src/design/gelBinder.js";
import { graphConductivity } from "../../src/design/graph.js";
import { scArray } from "./sc-array.js";
import { RandomStream, streamState } from "../../src/core/rng.js";

describe("two caps on a sphere's sheet (conformal map to an annulus)", () => {
  it("antipodal caps: 2 ln cot(alpha / 2), the zone between them", () => {
    for (const a of [0.05, 0.4, 1.2]) expect(Math.abs(capPairLog(a, a, Math.PI) / (2 * Math.log(1 / Math.tan(a / 2))) - 1)).toBeLessThan(1e-12);
  });
  it("caps that touch or overlap: no sheet between them", () => {
    expect(capPairLog(0.3, 0.5, 0.8)).toBeLessThan(1e-6);
    expect(capPairLog(0.3, 0.5, 0.7)).toBe(0);
  });
  it("small caps: ln(d^2 / (a_1 a_2)), two point contacts in a sheet", () => {
    const a1 = 1e-3, a2 = 2e-3, th = 1;
    const d = 2 * Math.sin(th / 2), c1 = 2 * Math.sin(a1 / 2), c2 = 2 * Math.sin(a2 / 2);
    // the next term is O(alpha^2): about 1e-6 here
    expect(Math.abs(capPairLog(a1, a2, th) / Math.log((d * d) / (c1 * c2)) - 1)).toBeLessThan(1e-5);
  });
});

describe("many small caps: the sphere's Green's function", () => {
  it("terminal potentials of 7 caps under zero-sum currents", () => {
    const s = new RandomStream(streamState(11, "caps"));
    const N = 7, dir: number[][] = [], alpha: number[] = [];
    for (let k = 0; k < N; k++) {
      const z = 2 * s.nextFloat() - 1, p = 2 * Math.PI * s.nextFloat(), r = Math.sqrt(1 - z * z);
      dir.push([r * Math.cos(p), r * Math.sin(p), z]);
      alpha.push(1e-4 * (1 + 2 * s.nextFloat()));
    }
    const chord = (k: number, j: number): number => Math.hypot(dir[k]![0]! - dir[j]![0]!, dir[k]![1]! - dir[j]![1]!, dir[k]![2]! - dir[j]![2]!);
    const logR = new Float64Array(N * N);
    for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) if (j !== k) logR[k * N + j] = capPairLog(alpha[k]!, alpha[j]!, 2 * Math.asin(chord(k, j) / 2));
    const el = capConductances(logR, N);
    expect(el.star).toBe(false);
    expect(el.error).toBe(0);
    // currents summing to zero; the network's potentials with the last terminal grounded
    const I = [0.7, -0.2, 0.4, -1.1, 0.3, 0.5, -0.6];
    const m = N - 1, K = new Float64Array(m * m);
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < N; j++) {
        if (j === k) continue;
        const c = el.conductance[k * N + j]!;
        K[k * m + k] = K[k * m + k]! + c;
        if (j < m) K[k * m + j] = K[k * m + j]! - c;
      }
    }
    const phi = solveDense(K, I.slice(0, m), m);
    const green = (k: number): number => -I.reduce((acc, Ij, j) => acc + Ij * Math.log(j === k ? 2 * Math.sin(alpha[k]! / 2) : chord(k, j)), 0);
    const ref = Array.from({ length: m }, (_, k) => green(k) - green(N - 1));
    const scale = Math.max(...ref.map(Math.abs));
    // the pairs' exact values differ from the point-source ones by O(alpha^2), 1e-7 here
    for (let k = 0; k < m; k++) expect(Math.abs(phi[k]! - ref[k]!)).toBeLessThan(1e-6 * scale);
  });
});

describe("a simple-cubic array of coated insulating spheres", () => {
  it("sigma_x = 2 pi sigma_g t / (R_log s): each sphere the sheet between two antipodal caps", () => {
    const R = 1e-5, g = 0.04 * R, rw = 0.05 * R, A = 2 * R + g, sigmaG = 3e-5, filmNm = 2;
    const net = scArray(R, g, rw, 0.1 * R * 1e7);
    const film = gelFilmNetwork(net, filmNm);
    const G = gelFilmConductances(net, film, 0, sigmaG, 0).conductanceS;
    const sx = graphConductivity(film.graph, G, [0], { tolerance: 1e-13 })[0]!.conductivitySPerCm;
    const alpha = Math.asin(rw / R), t = filmNm * 0.5e-7;
    const exact = (2 * Math.PI * sigmaG * t) / (capPairLog(alpha, alpha, Math.PI) * A);
    expect(film.stats.starShare).toBe(0);
    expect(Math.abs(sx / exact - 1)).toBeLessThan(1e-9);
  });
});

describe("the coat's volume", () => {
  it("sampled coat fraction against sum (4 pi / 3) ((r + t)^3 - r^3) / L^3 within 4 standard errors", () => {
    const o = { particleDiameterNm: 500, diameterLogSd: 0.25, mofVolumeFraction: 0.5, gelVolumeFraction: 0.15, filmThicknessNm: 10, particleCount: 200, binderSamples: 100_000 };
    const net = gelBinder(o, new RandomStream(streamState(3, "coat")));
    const t = o.filmThicknessNm / 2, L = net.stats.boxNm;
    let v = 0;
    for (const rCm of net.radiusCm) { const r = rCm * 1e7; v += (4 * Math.PI / 3) * ((r + t) ** 3 - r ** 3); }
    const p = v / L ** 3, se = Math.sqrt((p * (1 - p)) / o.binderSamples);
    expect(Math.abs(net.stats.coatVolumeFraction - p)).toBeLessThan(4 * se);
  });
});

describe("the gel's own network against a resolved realisation", () => {
  it("sigma_gel-only / sigma_gel = 0.0753 +- 0.0030 (voxels, extrapolated) within the element's error", () => {
    const o = { particleDiameterNm: 100, diameterLogSd: 0.25, mofVolumeFraction: 0.45, gelVolumeFraction: 0.15, filmThicknessNm: 8, particleCount: 64, binderSamples: 400_000 };
    const net = gelBinder(o, new RandomStream(streamState(1, "gel-film-reference")));
    // the realisation the reference solved (its particle count and fill gap as printed by the script)
    expect(net.graph.nodeCount).toBe(68);
    expect(Math.abs(net.stats.fillGapNm - 22.45025626702691)).toBeLessThan(1e-9);
    const film = gelFilmNetwork(net, o.filmThicknessNm);
    const G = gelFilmConductances(net, film, 0, 1, 0).conductanceS;
    const s = graphConductivity(film.graph, G, [0], { tolerance: 1e-12 })[0]!.conductivitySPerCm;
    const S = 0.0753, err = 0.003;
    expect(Math.abs(s / S - 1)).toBeLessThanOrEqual(GEL_COAT_NETWORK_ERROR + err / S);
  });
});

/** Gaussian elimination on a small dense system (row-major a, m x m). */
function solveDense(a: Float64Array, b: number[], m: number): number[] {
  const M = Array.from({ length: m }, (_, i) => [...Array.from(a.subarray(i * m, i * m + m)), b[i]!]);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= m; k++) M[r]![k] = M[r]![k]! - f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[m]! / row[i]!);
}
