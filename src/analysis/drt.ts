/**
 * The distribution of relaxation times (DRT) of an impedance spectrum by Tikhonov-regularised
 * non-negative least squares.
 *
 * Model (a continuous Voigt series; Schönleber and Ivers-Tiffée, Electrochem. Commun. 58,
 * 15, 2015; Boukamp, J. Phys. Energy 2, 042001, 2020):
 *   Z(omega) = R_inf + integral gamma(ln tau) / (1 + i omega tau) d ln tau
 *              [+ i omega L] [+ 1/(i omega C)],
 * gamma in ohm per unit ln tau, gamma >= 0. gamma is collocated on M log-spaced tau_k
 * (rectangle rule, spacing Delta = ln(tau_k+1 / tau_k)):
 *   Z(omega) ~ R_inf + sum_k g_k / (1 + i omega tau_k),  g_k = gamma_k Delta,
 * the tau grid reaching one decade (option extendDecades) beyond 1/(2 pi f_max) and
 * 1/(2 pi f_min), pointsPerDecade per decade (default 10). The inductance and series
 * capacitance are optional (a blocking electrode's spike is a capacitance, not a relaxation).
 *
 * Fit: real and imaginary parts jointly, each point divided by |Z_i| ("modulus weighting",
 * as the circuit fit and Lin-KK), with the unknowns x = (R_inf, gamma_k, [L], [1/C]) all
 * >= 0 and gamma penalised:
 *   minimise  sum_i |Z_i - Zhat_i|^2 / |Z_i|^2 + lambda P(gamma / R_ref),
 *   P = integral (d^2 gamma / d(ln tau)^2)^2 d ln tau  (default, "second-derivative": a
 *       smooth DRT; Saccoccio, Wan, Chen and Ciucci, Electrochim. Acta 147, 470, 2014), or
 *   P = integral gamma^2 d ln tau  ("identity", ridge regression),
 * discretised as Delta sum_k (second difference / Delta^2)^2 over interior nodes (or
 * Delta sum_k gamma_k^2), with R_ref = max |Z_i| so lambda is dimensionless. The
 * non-negativity is enforced by Lawson-Hanson NNLS on the normal equations (linalg/nnls.ts;
 * non-negative Tikhonov DRT: Hansen, Hogue, Sander, Renaut and Popat, arXiv:1309.4498).
 *
 * lambda is chosen by generalised cross-validation (Golub, Heath and Wahba, Technometrics
 * 21, 215, 1979): minimise over lambda
 *   GCV(lambda) = n RSS(lambda) / (n - tr H(lambda))^2,   n = 2N (real and imaginary parts),
 * RSS the weighted residual sum of squares and H the influence matrix d(fit)/d(data). With
 * the active set of the non-negative solution fixed, the fit is linear in the data on the
 * free variables P, so H = A_P (A_P^T A_P + lambda R_PP)^-1 A_P^T and
 *   tr H = tr[(A_P^T A_P + lambda R_PP)^-1 A_P^T A_P]
 * (the degrees of freedom of a constrained fit count its free face: Meyer and Woodroofe,
 * Ann. Stat. 28, 1083, 2000). lambda is scanned on a log grid (3 per decade over
 * lambdaRange, default 1e-10 to 1) and refined by golden-section search on ln lambda
 * around the grid minimum. Noise-free spectra drive GCV to the lower end of the range (no
 * noise to smooth); 1e-10 is the floor below which the normal equations lose precision.
 *
 * Peaks: the local maxima of gamma, each with its basin (between the minima beside it).
 * A peak with less than 5 % of the area of a neighbouring peak whose top lies within a
 * decade of its own is a shoulder of that peak and merges into it: a single relaxation's
 * -Z'' is 1.14 decades wide at half height, so noise at the percent level splits a sharp
 * peak into a main node group and satellites a node or two away, which the data cannot tell
 * from a separate process. A peak that is no shoulder and whose imaginary part
 * sum_k g_k omega tau_k / (1 + (omega tau_k)^2) never reaches minPeakShare (default 1 %) of
 * |Z|, or 4 times the fit's residual rms if that is larger, at any measured frequency is not
 * listed: the data do not see it as a relaxation (noise, or resistance at tau far below
 * 1/omega_max, which acts as a resistor and trades with R_inf). Its resistance stays in
 * R_pol = sum_k g_k, so the listed areas add up to R_pol less those. (A share of |Z| rather
 * than of R_pol: a blocking electrode's CPE spike puts megohms at long tau, and a bulk arc of
 * kilohms must still count.) A peak's tau is the area-weighted geometric
 * mean of tau over its basin (exact for a symmetric peak, and for a delta function split
 * between two grid nodes).
 */
import { InputError, describe } from "../core/errors.js";
import { backSubstitute, choleskyFactor, forwardSubstitute } from "../linalg/cholesky.js";
import { nnls } from "../linalg/nnls.js";
import { checkSpectrum } from "./impedance.js";
import type { ImpedanceSpectrum } from "./impedance.js";

export type DrtPenalty = "second-derivative" | "identity";

export interface DrtOptions {
  /** tau nodes per decade (default 10). */
  readonly pointsPerDecade?: number;
  /** Decades of tau beyond 1/(2 pi f) of the measured range at each end (default 1). */
  readonly extendDecades?: number;
  /** What the regularisation penalises (default "second-derivative"). */
  readonly penalty?: DrtPenalty;
  /** Use this lambda instead of choosing it by GCV. */
  readonly lambda?: number;
  /** The range GCV searches (default [1e-10, 1]). */
  readonly lambdaRange?: readonly [number, number];
  /** Add a series capacitance (blocking electrodes; default false). */
  readonly capacitance?: boolean;
  /** Add a series inductance (cables; default false). */
  readonly inductance?: boolean;
  /** A peak is listed when its imaginary part reaches this share of |Z| at some measured frequency, or 4 times the fit's residual rms if larger (default 0.01). */
  readonly minPeakShare?: number;
}

export interface DrtPeak {
  /** Area-weighted geometric mean of tau over the peak. */
  readonly tauS: number;
  /** 1 / (2 pi tau). */
  readonly frequencyHz: number;
  /** The peak's resistance: integral of gamma over its basin. */
  readonly areaOhm: number;
  /** Largest gamma in the peak (ohm per unit ln tau). */
  readonly gammaMaxOhm: number;
  /** The peak's tau lies inside 1/(2 pi f) of the measured frequencies. */
  readonly inWindow: boolean;
}

export interface DrtResult {
  readonly tauS: Float64Array;
  /** gamma(ln tau) at tauS, ohm per unit ln tau. */
  readonly gammaOhm: Float64Array;
  /** ln(tau_k+1 / tau_k). */
  readonly lnTauSpacing: number;
  readonly highFrequencyResistanceOhm: number;
  /** R_pol = integral gamma d ln tau. */
  readonly polarizationResistanceOhm: number;
  readonly inductanceH: number | null;
  readonly capacitanceF: number | null;
  readonly peaks: readonly DrtPeak[];
  readonly penalty: DrtPenalty;
  readonly lambda: number;
  /** "gcv", or "given" when options.lambda was set. */
  readonly criterion: "gcv" | "given";
  /** GCV(lambda) at the chosen lambda (also computed for a given lambda). */
  readonly criterionValue: number;
  /** The scan: lambda and GCV(lambda) on the grid (empty for a given lambda). */
  readonly criterionCurve: readonly { readonly lambda: number; readonly gcv: number }[];
  /** tr H: the fit's effective number of parameters. */
  readonly effectiveParameters: number;
  /** lambda sits at an end of lambdaRange (noise-free data: the lower end). */
  readonly lambdaAtBound: boolean;
  /** Relative residuals (Z - Zhat) / |Z| in the input's order, as Lin-KK reports them. */
  readonly frequenciesHz: Float64Array;
  readonly residualReal: Float64Array;
  readonly residualImag: Float64Array;
  readonly fitRealOhm: Float64Array;
  readonly fitImagOhm: Float64Array;
  readonly residualRms: number;
  readonly maxAbsResidual: number;
}

/** The linear system of one spectrum: weighted design matrix (row-major 2N x P), data, penalty. */
interface System {
  readonly rows: number;
  readonly cols: number;
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** A^T A and A^T b. */
  readonly gram: Float64Array;
  readonly atb: Float64Array;
  /** The penalty matrix (P x P, zero outside the gamma block). */
  readonly penalty: Float64Array;
  /** Natural value of unknown j = x_j * scale_j. */
  readonly scale: Float64Array;
}

interface Solution {
  readonly lambda: number;
  readonly x: Float64Array;
  readonly rss: number;
  readonly trace: number;
  readonly gcv: number;
}

function buildSystem(w: Float64Array, re: Float64Array, im: Float64Array, tau: Float64Array, delta: number, penalty: DrtPenalty, withL: boolean, withC: boolean): System {
  const n = w.length, m = tau.length;
  const cols = 1 + m + (withL ? 1 : 0) + (withC ? 1 : 0);
  const rows = 2 * n;
  const a = new Float64Array(rows * cols), b = new Float64Array(rows);
  let rRef = 0;
  for (let i = 0; i < n; i++) rRef = Math.max(rRef, Math.hypot(re[i]!, im[i]!));
  const scale = new Float64Array(cols).fill(rRef);
  for (let k = 0; k < m; k++) scale[1 + k] = rRef; // gamma / R_ref
  for (let i = 0; i < n; i++) {
    const inv = 1 / Math.hypot(re[i]!, im[i]!);
    const ri = i * cols, ii = (n + i) * cols;
    a[ri] = rRef * inv;
    for (let k = 0; k < m; k++) {
      const x = w[i]! * tau[k]!, d = 1 / (1 + x * x);
      a[ri + 1 + k] = rRef * delta * d * inv;
      a[ii + 1 + k] = -rRef * delta * x * d * inv;
    }
    let j = 1 + m;
    if (withL) a[ii + j++] = w[i]! * inv;
    if (withC) a[ii + j] = (-1 / w[i]!) * inv;
    b[i] = re[i]! * inv;
    b[n + i] = im[i]! * inv;
  }
  // the unpenalised L and 1/C columns: scaled to unit norm (their natural sizes differ by decades)
  for (let j = 1 + m; j < cols; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += a[r * cols + j]! ** 2;
    const norm = Math.sqrt(s) || 1;
    for (let r = 0; r < rows; r++) a[r * cols + j]! /= norm;
    scale[j] = 1 / norm;
  }
  const gram = new Float64Array(cols * cols), atb = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) {
      const v = a[o + j]!;
      if (v === 0) continue;
      atb[j]! += v * b[r]!;
      for (let k = j; k < cols; k++) gram[j * cols + k]! += v * a[o + k]!;
    }
  }
  for (let j = 0; j < cols; j++) for (let k = 0; k < j; k++) gram[j * cols + k] = gram[k * cols + j]!;
  // penalty: Delta sum (D2 gamma / Delta^2)^2 (interior nodes) or Delta sum gamma^2
  const pen = new Float64Array(cols * cols);
  if (penalty === "identity") for (let k = 0; k < m; k++) pen[(1 + k) * cols + 1 + k] = delta;
  else {
    const c = delta / delta ** 4;
    for (let k = 1; k < m - 1; k++) {
      const idx = [k - 1, k, k + 1], coef = [1, -2, 1];
      for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) pen[(1 + idx[p]!) * cols + 1 + idx[q]!]! += c * coef[p]! * coef[q]!;
    }
  }
  return { rows, cols, a, b, gram, atb, penalty: pen, scale };
}

function solveAt(sys: System, lambda: number): Solution {
  const { cols, rows } = sys;
  const q = new Float64Array(cols * cols);
  for (let k = 0; k < q.length; k++) q[k] = sys.gram[k]! + lambda * sys.penalty[k]!;
  const { x, passive } = nnls(q, sys.atb, cols);
  let rss = 0;
  for (let r = 0; r < rows; r++) {
    let s = -sys.b[r]!;
    for (const j of passive) s += sys.a[r * cols + j]! * x[j]!;
    rss += s * s;
  }
  // tr H = tr(Q_PP^-1 G_PP) on the free variables
  const p = passive.length;
  let trace = 0;
  if (p > 0) {
    const qpp = new Float64Array(p * p);
    let maxDiag = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) qpp[i * p + j] = q[passive[i]! * cols + passive[j]!]!;
      maxDiag = Math.max(maxDiag, qpp[i * p + i]!);
    }
    let l = choleskyFactor(qpp, p);
    if (l === null) {
      for (let i = 0; i < p; i++) qpp[i * p + i]! += 1e-13 * maxDiag;
      l = choleskyFactor(qpp, p);
    }
    if (l !== null) {
      const col = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        for (let i = 0; i < p; i++) col[i] = sys.gram[passive[i]! * cols + passive[j]!]!;
        forwardSubstitute(l, p, col);
        backSubstitute(l, p, col);
        trace += col[j]!;
      }
    } else trace = p;
  }
  const dof = Math.max(rows - trace, 1e-12);
  return { lambda, x, rss, trace, gcv: (rows * rss) / (dof * dof) };
}

/** Golden-section search for the minimum of GCV over ln lambda in [lo, hi]. */
function refine(sys: System, lo: number, hi: number, best: Solution): Solution {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(lo), b = Math.log(hi);
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = solveAt(sys, Math.exp(c)), fd = solveAt(sys, Math.exp(d));
  let out = best;
  for (const s of [fc, fd]) if (s.gcv < out.gcv) out = s;
  for (let it = 0; it < 10; it++) {
    if (fc.gcv < fd.gcv) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = solveAt(sys, Math.exp(c));
      if (fc.gcv < out.gcv) out = fc;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = solveAt(sys, Math.exp(d));
      if (fd.gcv < out.gcv) out = fd;
    }
  }
  return out;
}

/** A peak with less than SHOULDER_SHARE of the area of a neighbour whose top lies within SHOULDER_LN_TAU (one decade) is part of it. */
const SHOULDER_SHARE = 0.05;
const SHOULDER_LN_TAU = Math.LN10;

/**
 * Peaks of gamma (see the file comment), from short to long tau. `data` gives the measured
 * frequencies and |Z| there: a peak whose imaginary part stays below minShare |Z| at every
 * measured frequency and that is no shoulder is left out.
 */
export function drtPeaks(tauS: ArrayLike<number>, gammaOhm: ArrayLike<number>, lnTauSpacing: number, data: { readonly frequenciesHz: ArrayLike<number>; readonly modulusOhm: ArrayLike<number> }, minShare = 0.01): DrtPeak[] {
  const m = gammaOhm.length;
  let fMin = Infinity, fMax = 0;
  for (let i = 0; i < data.frequenciesHz.length; i++) (fMin = Math.min(fMin, data.frequenciesHz[i]!)), (fMax = Math.max(fMax, data.frequenciesHz[i]!));
  const window = [1 / (2 * Math.PI * fMax), 1 / (2 * Math.PI * fMin)] as const;
  const total = Array.from(gammaOhm).reduce((s, v) => s + v, 0) * lnTauSpacing;
  if (!(total > 0)) return [];
  // local maxima (a plateau counts once, at its first node)
  const maxima: number[] = [];
  for (let k = 0; k < m; k++) {
    const left = k === 0 ? -Infinity : gammaOhm[k - 1]!, right = k === m - 1 ? -Infinity : gammaOhm[k + 1]!;
    if (gammaOhm[k]! > 0 && gammaOhm[k]! > left && gammaOhm[k]! >= right) maxima.push(k);
  }
  // basins: [start, end) between the lowest nodes of neighbouring maxima
  type Basin = { start: number; end: number; top: number; dropped: boolean };
  const basins: Basin[] = maxima.map((top) => ({ start: 0, end: m, top, dropped: false }));
  for (let i = 0; i + 1 < maxima.length; i++) {
    let low = maxima[i]!;
    for (let k = maxima[i]!; k <= maxima[i + 1]!; k++) if (gammaOhm[k]! < gammaOhm[low]!) low = k;
    basins[i]!.end = low;
    basins[i + 1]!.start = low;
  }
  const area = (b: Basin): number => {
    let s = 0;
    for (let k = b.start; k < b.end; k++) s += gammaOhm[k]!;
    return s * lnTauSpacing;
  };
  const lnTop = (b: Basin): number => Math.log(tauS[b.top]!);
  /** max over the data of |Im Z_peak(omega_i)| / |Z_i|. */
  const share = (b: Basin): number => {
    let best = 0;
    for (let i = 0; i < data.frequenciesHz.length; i++) {
      const w = 2 * Math.PI * data.frequenciesHz[i]!;
      let im = 0;
      for (let k = b.start; k < b.end; k++) {
        const x = w * tauS[k]!;
        im += (gammaOhm[k]! * lnTauSpacing * x) / (1 + x * x);
      }
      best = Math.max(best, im / data.modulusOhm[i]!);
    }
    return best;
  };
  // shoulders merge into their peak; crumbs leave the list (see the file comment)
  for (;;) {
    let pick = -1, into = -1;
    const live = basins.filter((b) => !b.dropped);
    for (let i = 0; i < live.length; i++) {
      const b = live[i]!;
      if (pick >= 0 && area(b) >= area(live[pick]!)) continue;
      let host = -1;
      for (const j of [i - 1, i + 1]) {
        const nb = live[j];
        if (nb === undefined || Math.abs(lnTop(nb) - lnTop(b)) > SHOULDER_LN_TAU || area(b) >= SHOULDER_SHARE * area(nb)) continue;
        if (host < 0 || Math.abs(lnTop(nb) - lnTop(b)) < Math.abs(lnTop(live[host]!) - lnTop(b))) host = j;
      }
      if (host >= 0 || share(b) < minShare) (pick = i), (into = host);
    }
    if (pick < 0) break;
    const b = live[pick]!;
    if (into < 0) b.dropped = true;
    else {
      const h = live[into]!;
      h.start = Math.min(h.start, b.start);
      h.end = Math.max(h.end, b.end);
      // the basins between (dropped crumbs) join as well
      for (const other of basins) if (other !== h && other.start >= h.start && other.end <= h.end) other.dropped = true;
      b.dropped = true;
    }
  }
  return basins.filter((b) => !b.dropped).map((b) => {
    let s = 0, sl = 0;
    for (let k = b.start; k < b.end; k++) {
      s += gammaOhm[k]!;
      sl += gammaOhm[k]! * Math.log(tauS[k]!);
    }
    const tau = Math.exp(sl / s);
    return { tauS: tau, frequencyHz: 1 / (2 * Math.PI * tau), areaOhm: s * lnTauSpacing, gammaMaxOhm: gammaOhm[b.top]!, inWindow: tau >= window[0] && tau <= window[1] };
  });
}

export function distributionOfRelaxationTimes(spectrum: ImpedanceSpectrum, options: DrtOptions = {}): DrtResult {
  const s = checkSpectrum(spectrum, 5);
  const n = s.f.length;
  const ppd = options.pointsPerDecade ?? 10;
  if (!(Number.isInteger(ppd) && ppd >= 2 && ppd <= 40)) throw new InputError(`pointsPerDecade: got ${describe(ppd)}; must be an integer from 2 to 40`);
  const extend = options.extendDecades ?? 1;
  if (!(extend >= 0 && extend <= 3)) throw new InputError(`extendDecades: got ${describe(extend)}; must be in [0, 3]`);
  const penalty = options.penalty ?? "second-derivative";
  if (penalty !== "second-derivative" && penalty !== "identity") throw new InputError(`penalty: got ${describe(penalty)}; valid: second-derivative, identity`);
  const range = options.lambdaRange ?? [1e-10, 1];
  if (!(range[0] > 0 && range[1] > range[0] && Number.isFinite(range[1]))) throw new InputError(`lambdaRange: got ${describe(range)}; must be [lo, hi] with 0 < lo < hi`);
  if (options.lambda !== undefined && !(options.lambda >= 0 && Number.isFinite(options.lambda))) throw new InputError(`lambda: got ${describe(options.lambda)}; must be finite and >= 0`);
  const minPeak = options.minPeakShare ?? 0.01;
  if (!(minPeak >= 0 && minPeak < 1)) throw new InputError(`minPeakShare: got ${describe(minPeak)}; must be in [0, 1)`);
  const withL = options.inductance ?? false, withC = options.capacitance ?? false;

  const window: [number, number] = [1 / s.w[n - 1]!, 1 / s.w[0]!];
  const tMin = window[0] / Math.pow(10, extend), tMax = window[1] * Math.pow(10, extend);
  const m = Math.max(2, Math.round(Math.log10(tMax / tMin) * ppd) + 1);
  const delta = Math.log(tMax / tMin) / (m - 1);
  const tau = Float64Array.from({ length: m }, (_, k) => tMin * Math.exp(k * delta));
  const sys = buildSystem(s.w, s.re, s.im, tau, delta, penalty, withL, withC);

  let best: Solution;
  const curve: { lambda: number; gcv: number }[] = [];
  let atBound = false;
  if (options.lambda !== undefined) best = solveAt(sys, options.lambda);
  else {
    const decades = Math.log10(range[1] / range[0]);
    const count = Math.max(2, Math.round(3 * decades) + 1);
    const scan = Array.from({ length: count }, (_, i) => solveAt(sys, range[0] * Math.pow(range[1] / range[0], i / (count - 1))));
    for (const sol of scan) curve.push({ lambda: sol.lambda, gcv: sol.gcv });
    let k = 0;
    for (let i = 1; i < count; i++) if (scan[i]!.gcv < scan[k]!.gcv) k = i;
    best = scan[k]!;
    if (k === 0 || k === count - 1) atBound = true;
    else best = refine(sys, scan[k - 1]!.lambda, scan[k + 1]!.lambda, best);
  }

  const x = best.x;
  const nat = (j: number): number => x[j]! * sys.scale[j]!;
  const gamma = Float64Array.from({ length: m }, (_, k) => nat(1 + k));
  const rInf = nat(0);
  let j = 1 + m;
  const inductance = withL ? nat(j++) : null;
  const invC = withC ? nat(j) : null;

  // fitted spectrum and relative residuals, in the input's order
  const f = spectrum.frequenciesHz;
  const out = { f: Float64Array.from({ length: n }, (_, i) => f[i]!), dr: new Float64Array(n), di: new Float64Array(n), zr: new Float64Array(n), zi: new Float64Array(n) };
  let maxAbs = 0, ss = 0;
  for (let i = 0; i < n; i++) {
    const w = 2 * Math.PI * f[i]!;
    let zr = rInf, zi = 0;
    for (let k = 0; k < m; k++) {
      const t = w * tau[k]!, d = 1 / (1 + t * t), g = gamma[k]! * delta;
      zr += g * d;
      zi -= g * t * d;
    }
    if (inductance !== null) zi += w * inductance;
    if (invC !== null) zi -= invC / w;
    const re = spectrum.realOhm[i]!, im = spectrum.imagOhm[i]!, mod = Math.hypot(re, im);
    out.zr[i] = zr;
    out.zi[i] = zi;
    out.dr[i] = (re - zr) / mod;
    out.di[i] = (im - zi) / mod;
    maxAbs = Math.max(maxAbs, Math.abs(out.dr[i]!), Math.abs(out.di[i]!));
    ss += out.dr[i]! ** 2 + out.di[i]! ** 2;
  }
  const rPol = gamma.reduce((a, v) => a + v, 0) * delta;
  return {
    tauS: tau,
    gammaOhm: gamma,
    lnTauSpacing: delta,
    highFrequencyResistanceOhm: rInf,
    polarizationResistanceOhm: rPol,
    inductanceH: inductance,
    capacitanceF: invC === null ? null : invC > 0 ? 1 / invC : Infinity,
    peaks: drtPeaks(tau, gamma, delta, { frequenciesHz: s.f, modulusOhm: Float64Array.from(s.re, (r, i) => Math.hypot(r, s.im[i]!)) }, Math.max(minPeak, 4 * Math.sqrt(ss / (2 * n)))),
    penalty,
    lambda: best.lambda,
    criterion: options.lambda !== undefined ? "given" : "gcv",
    criterionValue: best.gcv,
    criterionCurve: curve,
    effectiveParameters: best.trace,
    lambdaAtBound: atBound,
    frequenciesHz: out.f,
    residualReal: out.dr,
    residualImag: out.di,
    fitRealOhm: out.zr,
    fitImagOhm: out.zi,
    residualRms: Math.sqrt(ss / (2 * n)),
    maxAbsResidual: maxAbs,
  };
}
