/**
 * The linear Kramers-Kronig test ("Lin-KK") of Schönleber, Klotz and Ivers-Tiffée,
 * Electrochim. Acta 131, 20 (2014), after Boukamp, J. Electrochem. Soc. 142, 1885 (1995).
 *
 * A spectrum that obeys causality, linearity and stability is represented to within its
 * noise by a series of M Voigt (R||C) elements with fixed time constants
 *   Zhat(omega) = R_0 + sum_k R_k / (1 + i omega tau_k)  [+ i omega L]  [+ 1/(i omega C)],
 *   tau_1 = 1/omega_max, tau_M = 1/omega_min, log-spaced in between,
 * which is linear in the unknowns (R_0, R_k, L, 1/C). They are found by linear least squares
 * on real and imaginary parts together, each point weighted by 1/|Z_i| (ml-matrix SVD).
 * M grows from 1 until the measure of over-fitting
 *   mu = 1 - sum_{R_k < 0} |R_k| / sum_{R_k >= 0} |R_k|
 * falls to the threshold c (0.85 in the paper) or below; that M is used. We read the rule
 * as "the M where mu crosses c for good": every M up to maxElements is fitted and M is
 * the first of the final run with mu <= c (maxElements if mu ends above c). When mu falls
 * monotonically, as it does for distributed relaxations and for noisy data (the cases of
 * the paper), this is the paper's M. For ideal Debye relaxations (R||C) without noise, mu
 * oscillates with M as the tau grid straddles or meets the true tau, and the first
 * crossing comes at a handful of elements with residuals of ~10 %; the final crossing
 * comes after the fit has converged.
 * The relative residuals
 *   Delta'_i = (Z'_i - Zhat'_i) / |Z_i|,   Delta''_i = (Z''_i - Zhat''_i) / |Z_i|
 * are the test: a valid spectrum leaves residuals at its noise level and without trend.
 * Here a spectrum passes when max |Delta| over both parts is below `residualThreshold`
 * (default 1 %, the noise level of a careful measurement; noise-free model spectra
 * leave 1e-4 or less). The finite tau range cannot follow a capacitive tail
 * (blocking electrodes): set `capacitance: true` for those.
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { InputError, describe } from "../core/errors.js";
import { checkSpectrum } from "./impedance.js";
import type { ImpedanceSpectrum } from "./impedance.js";

export interface LinKKOptions {
  /** Over-fitting threshold c for mu (default 0.85, Schönleber et al. 2014). */
  readonly muThreshold?: number;
  /** Largest M tried (default: the number of frequencies). */
  readonly maxElements?: number;
  /** Use exactly this M instead of the mu criterion. */
  readonly elements?: number;
  /** Add a series capacitance (blocking electrodes, default false). */
  readonly capacitance?: boolean;
  /** Add a series inductance (cables at high frequency, default false). */
  readonly inductance?: boolean;
  /** Pass when every |residual| is below this (default 0.01). */
  readonly residualThreshold?: number;
  /**
   * Widen the tau range by this many decades beyond each end of the measured frequencies
   * (default 0). A relaxation just outside the window (a bulk arc above the highest
   * frequency, a geometric capacitance) otherwise leaves a trend at that end; extending
   * the range lets Voigt elements follow it (as impedance.py's linKK does).
   */
  readonly extendDecades?: number;
}

export interface LinKKResult {
  /** M, the number of Voigt elements used. */
  readonly elements: number;
  readonly mu: number;
  readonly timeConstantsS: Float64Array;
  readonly resistancesOhm: Float64Array;
  readonly seriesResistanceOhm: number;
  readonly inductanceH: number | null;
  readonly capacitanceF: number | null;
  /** Frequencies and residuals in the order of the input. */
  readonly frequenciesHz: Float64Array;
  readonly residualReal: Float64Array;
  readonly residualImag: Float64Array;
  readonly fitRealOhm: Float64Array;
  readonly fitImagOhm: Float64Array;
  readonly maxAbsResidual: number;
  /** Root mean square of all residuals (both parts). */
  readonly residualRms: number;
  readonly residualThreshold: number;
  readonly pass: boolean;
}

interface LinearFit {
  readonly coef: Float64Array;
  readonly mu: number;
}

/** Log-spaced tau_k from 1/omega_max to 1/omega_min (one element: their geometric mean). */
export function linKKTimeConstants(fMinHz: number, fMaxHz: number, m: number): Float64Array {
  const tMin = 1 / (2 * Math.PI * fMaxHz), tMax = 1 / (2 * Math.PI * fMinHz);
  const out = new Float64Array(m);
  if (m === 1) out[0] = Math.sqrt(tMin * tMax);
  else for (let k = 0; k < m; k++) out[k] = tMin * Math.pow(tMax / tMin, k / (m - 1));
  return out;
}

export function linKK(spectrum: ImpedanceSpectrum, options: LinKKOptions = {}): LinKKResult {
  const s = checkSpectrum(spectrum, 3);
  const n = s.f.length;
  const c = options.muThreshold ?? 0.85;
  if (!(c > 0 && c <= 1)) throw new InputError(`muThreshold: got ${describe(c)}; must be in (0, 1]`);
  const threshold = options.residualThreshold ?? 0.01;
  if (!(threshold > 0)) throw new InputError(`residualThreshold: got ${describe(threshold)}; must be > 0`);
  const withL = options.inductance ?? false, withC = options.capacitance ?? false;
  const extra = 1 + (withL ? 1 : 0) + (withC ? 1 : 0);
  const mCap = Math.max(1, Math.min(n, 2 * n - extra));
  const maxM = options.maxElements ?? mCap;
  if (!(Number.isInteger(maxM) && maxM >= 1 && maxM <= mCap)) throw new InputError(`maxElements: got ${describe(maxM)}; must be an integer in [1, ${mCap}] for ${n} frequencies`);
  if (options.elements !== undefined && !(Number.isInteger(options.elements) && options.elements >= 1 && options.elements <= mCap)) {
    throw new InputError(`elements: got ${describe(options.elements)}; must be an integer in [1, ${mCap}] for ${n} frequencies`);
  }
  const wt = Float64Array.from(s.re, (r, i) => Math.hypot(r, s.im[i]!));
  const extend = options.extendDecades ?? 0;
  if (!(extend >= 0 && extend <= 3)) throw new InputError(`extendDecades: got ${describe(extend)}; must be in [0, 3]`);
  const stretch = Math.pow(10, extend);

  const fitWith = (m: number): { fit: LinearFit; tau: Float64Array } => {
    const tau = linKKTimeConstants(s.f[0]! / stretch, s.f[n - 1]! * stretch, m);
    return { fit: solve(s.w, s.re, s.im, wt, tau, withL, withC), tau };
  };
  let chosen: { fit: LinearFit; tau: Float64Array };
  if (options.elements !== undefined) chosen = fitWith(options.elements);
  else {
    // the first M of the final run with mu <= c
    chosen = fitWith(maxM);
    for (let m = maxM - 1; m >= 1 && chosen.fit.mu <= c; m--) {
      const next = fitWith(m);
      if (next.fit.mu > c) break;
      chosen = next;
    }
  }
  const { fit, tau } = chosen;
  const m = tau.length;

  // residuals in the input's order
  const f = spectrum.frequenciesHz;
  const out = {
    f: Float64Array.from({ length: n }, (_, i) => f[i]!),
    dr: new Float64Array(n),
    di: new Float64Array(n),
    zr: new Float64Array(n),
    zi: new Float64Array(n),
  };
  let maxAbs = 0, ss = 0;
  for (let i = 0; i < n; i++) {
    const w = 2 * Math.PI * f[i]!;
    const z = model(fit.coef, tau, w, withL, withC);
    const re = spectrum.realOhm[i]!, im = spectrum.imagOhm[i]!, mod = Math.hypot(re, im);
    out.zr[i] = z.re;
    out.zi[i] = z.im;
    out.dr[i] = (re - z.re) / mod;
    out.di[i] = (im - z.im) / mod;
    maxAbs = Math.max(maxAbs, Math.abs(out.dr[i]!), Math.abs(out.di[i]!));
    ss += out.dr[i]! ** 2 + out.di[i]! ** 2;
  }
  const coefL = withL ? fit.coef[m + 1]! : null;
  const coefInvC = withC ? fit.coef[m + 1 + (withL ? 1 : 0)]! : null;
  return {
    elements: m,
    mu: fit.mu,
    timeConstantsS: tau,
    resistancesOhm: fit.coef.slice(1, m + 1),
    seriesResistanceOhm: fit.coef[0]!,
    inductanceH: coefL,
    capacitanceF: coefInvC === null ? null : 1 / coefInvC,
    frequenciesHz: out.f,
    residualReal: out.dr,
    residualImag: out.di,
    fitRealOhm: out.zr,
    fitImagOhm: out.zi,
    maxAbsResidual: maxAbs,
    residualRms: Math.sqrt(ss / (2 * n)),
    residualThreshold: threshold,
    pass: maxAbs < threshold,
  };
}

/** Zhat at one angular frequency for coefficients [R_0, R_1..R_M, (L), (1/C)]. */
function model(coef: Float64Array, tau: Float64Array, w: number, withL: boolean, withC: boolean): { re: number; im: number } {
  const m = tau.length;
  let re = coef[0]!, im = 0;
  for (let k = 0; k < m; k++) {
    const wt = w * tau[k]!, d = 1 / (1 + wt * wt);
    re += coef[k + 1]! * d;
    im -= coef[k + 1]! * wt * d;
  }
  let j = m + 1;
  if (withL) im += coef[j++]! * w;
  if (withC) im -= coef[j]! / w;
  return { re, im };
}

/**
 * Weighted linear least squares for [R_0, R_k, (L), (1/C)] by SVD; columns are scaled to
 * unit norm first (L and 1/C differ from the R's by many orders of magnitude).
 */
function solve(w: Float64Array, re: Float64Array, im: Float64Array, wt: Float64Array, tau: Float64Array, withL: boolean, withC: boolean): LinearFit {
  const n = w.length, m = tau.length;
  const p = m + 1 + (withL ? 1 : 0) + (withC ? 1 : 0);
  const A = new Matrix(2 * n, p);
  const b = new Matrix(2 * n, 1);
  for (let i = 0; i < n; i++) {
    const s = 1 / wt[i]!;
    A.set(i, 0, s);
    for (let k = 0; k < m; k++) {
      const x = w[i]! * tau[k]!, d = 1 / (1 + x * x);
      A.set(i, k + 1, d * s);
      A.set(n + i, k + 1, -x * d * s);
    }
    let j = m + 1;
    if (withL) A.set(n + i, j++, w[i]! * s);
    if (withC) A.set(n + i, j, (-1 / w[i]!) * s);
    b.set(i, 0, re[i]! * s);
    b.set(n + i, 0, im[i]! * s);
  }
  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let q = 0;
    for (let i = 0; i < 2 * n; i++) q += A.get(i, j) ** 2;
    norms[j] = Math.sqrt(q) || 1;
    for (let i = 0; i < 2 * n; i++) A.set(i, j, A.get(i, j) / norms[j]!);
  }
  const x = new SingularValueDecomposition(A, { autoTranspose: true }).solve(b).to1DArray();
  const coef = Float64Array.from(x, (v, j) => v / norms[j]!);
  let neg = 0, pos = 0;
  for (let k = 1; k <= m; k++) {
    const r = coef[k]!;
    if (r < 0) neg += -r;
    else pos += r;
  }
  return { coef, mu: pos > 0 ? 1 - neg / pos : -Infinity };
}
