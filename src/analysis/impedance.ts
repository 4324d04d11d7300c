/**
 * Equivalent-circuit fitting of an impedance spectrum, the way an experimentalist reads
 * bulk and interfacial resistances off a Nyquist plot.
 *
 * Complex non-linear least squares (Macdonald and Garber, J. Electrochem. Soc. 124, 1022,
 * 1977; Orazem and Tribollet, Electrochemical Impedance Spectroscopy, 2nd ed., ch. 19):
 *   minimise  chi2(theta) = sum_i [ (Z'_i - Zfit'_i)^2 + (Z''_i - Zfit''_i)^2 ] / |Z_i|^2
 * ("modulus weighting": every point carries the same relative weight), solved with the
 * Levenberg-Marquardt method of ml-levenberg-marquardt on the stacked real and imaginary
 * residuals. Resistances, capacitances, CPE coefficients and inductances are fitted as
 * their logarithms (so they stay positive and the problem is well scaled); CPE exponents
 * are fitted directly inside [0.2, 1].
 *
 * Standard errors come from the Jacobian J of the weighted residuals at the optimum:
 *   cov(theta) = s^2 (J^T J)^-1,  s^2 = chi2 / (2N - P)
 * (Bevington and Robinson, Data Reduction and Error Analysis, 3rd ed., ch. 8), carried to
 * a parameter v = exp(theta) by the delta method, se(v) = v se(theta).
 *
 * Initial guesses come from the spectrum's features (sign convention: Z'' < 0 for a
 * capacitive response; features are read from -Z''):
 *   - the high-frequency intercept of the real axis -> the series (bulk) resistance;
 *   - each arc's apex (a local maximum of -Z'' against log f) -> its R and C through
 *     omega_apex = 1/(R C), with R in proportion to the apex heights and summing to the
 *     real-axis span of the arcs, and for a CPE the exponent from the arc's width in log
 *     frequency (full width at half height W = (2/n) ln(2 + c + sqrt((2 + c)^2 - 1)),
 *     c = cos(n pi/2), in units of ln omega; from -Z'' of R||Q);
 *   - a low-frequency tail where -Z'' grows as omega^-n (blocking electrodes) -> that
 *     CPE's n from the log-log slope and Q = sin(n pi/2) / (omega^n (-Z'')).
 * Overlapping arcs that show fewer apexes than the circuit has arcs are started from
 * several placements of the missing arcs, and the best fit wins.
 */
import { levenbergMarquardt } from "ml-levenberg-marquardt";
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { InputError, describe } from "../core/errors.js";
import { CIRCUITS, asCircuit, evaluateCircuit, isComposite } from "./circuits.js";
import type { Circuit, CircuitNode, ComplexArray } from "./circuits.js";

export interface ImpedanceSpectrum {
  readonly frequenciesHz: ArrayLike<number>;
  readonly realOhm: ArrayLike<number>;
  /** Imaginary part Z'' (negative for a capacitive response). */
  readonly imagOhm: ArrayLike<number>;
}

/** A spectrum checked and sorted by ascending frequency. */
interface Sorted {
  readonly f: Float64Array;
  readonly w: Float64Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export function checkSpectrum(spectrum: ImpedanceSpectrum, minPoints = 5): Sorted {
  const { frequenciesHz: f, realOhm: re, imagOhm: im } = spectrum;
  const n = f.length;
  if (re.length !== n || im.length !== n) throw new InputError(`spectrum: frequenciesHz has ${n} points, realOhm ${re.length}, imagOhm ${im.length}; all three must have the same length`);
  if (n < minPoints) throw new InputError(`spectrum.frequenciesHz: got ${n} points; need at least ${minPoints}`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (!(f[i]! > 0 && Number.isFinite(f[i]!))) throw new InputError(`spectrum.frequenciesHz[${i}]: got ${describe(f[i])}; frequencies must be finite and > 0`);
    if (!Number.isFinite(re[i]!)) throw new InputError(`spectrum.realOhm[${i}]: got ${describe(re[i])}; must be finite`);
    if (!Number.isFinite(im[i]!)) throw new InputError(`spectrum.imagOhm[${i}]: got ${describe(im[i])}; must be finite`);
    if (re[i]! === 0 && im[i]! === 0) throw new InputError(`spectrum at frequenciesHz[${i}] = ${f[i]}: impedance is 0; modulus weighting needs |Z| > 0`);
  }
  order.sort((a, b) => f[a]! - f[b]!);
  const out: Sorted = { f: new Float64Array(n), w: new Float64Array(n), re: new Float64Array(n), im: new Float64Array(n) };
  order.forEach((j, i) => {
    out.f[i] = f[j]!;
    out.w[i] = 2 * Math.PI * f[j]!;
    out.re[i] = re[j]!;
    out.im[i] = im[j]!;
  });
  for (let i = 1; i < n; i++) if (out.f[i] === out.f[i - 1]) throw new InputError(`spectrum.frequenciesHz: ${out.f[i]} appears twice; frequencies must be distinct`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Features

export interface SpectrumArc {
  readonly apexFrequencyHz: number;
  /** -Z'' at the apex (ohm). */
  readonly apexHeightOhm: number;
  /** Height above the higher of the two valleys beside the apex (ohm). */
  readonly prominenceOhm: number;
  /** Full width at half height in decades of frequency, or null when a side leaves the data or meets another arc. */
  readonly widthDecades: number | null;
}

export interface SpectrumFeatures {
  /** Z' where the spectrum meets the real axis at high frequency (ohm). */
  readonly highFrequencyInterceptOhm: number;
  /** Z' at the low-frequency end of the arcs: the valley before a capacitive tail, else the lowest frequency (ohm). */
  readonly lowFrequencyRealOhm: number;
  /** Arcs from high to low frequency. */
  readonly arcs: readonly SpectrumArc[];
  /** A capacitive low-frequency tail, -Z'' ~ sin(n pi/2) / (Q omega^n): n and Q. */
  readonly tail: { readonly exponent: number; readonly coefficient: number } | null;
}

/** Full width at half height of -Z'' for R||Q, in ln(omega): (2/n) acosh(2 + cos(n pi/2)). */
export function arcWidthLn(n: number): number {
  return (2 / n) * Math.acosh(2 + Math.cos((n * Math.PI) / 2));
}

/** Invert arcWidthLn by bisection on [0.2, 1]; widths below the ideal RC's give 1. */
function exponentFromWidth(widthLn: number): number {
  if (widthLn <= arcWidthLn(1)) return 1;
  let lo = 0.2, hi = 1;
  if (widthLn >= arcWidthLn(lo)) return lo;
  for (let k = 0; k < 60; k++) {
    const mid = 0.5 * (lo + hi);
    if (arcWidthLn(mid) > widthLn) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

export function spectrumFeatures(spectrum: ImpedanceSpectrum): SpectrumFeatures {
  return features(checkSpectrum(spectrum));
}

function features(s: Sorted): SpectrumFeatures {
  const n = s.f.length;
  const x = Array.from(s.w, Math.log);
  const y = Array.from(s.im, (v) => -v);
  // light smoothing (1-2-1) against noise; the ends keep their values
  const ys = y.map((v, i) => (i === 0 || i === n - 1 ? v : 0.25 * y[i - 1]! + 0.5 * v + 0.25 * y[i + 1]!));

  // high-frequency intercept: where -Z'' crosses zero from an inductive top end, else Z'(f_max)
  let intercept = s.re[n - 1]!;
  if (y[n - 1]! < 0) {
    for (let i = n - 2; i >= 0; i--) {
      if (y[i]! >= 0) {
        const t = y[i]! / (y[i]! - y[i + 1]!);
        intercept = s.re[i]! + t * (s.re[i + 1]! - s.re[i]!);
        break;
      }
    }
  }

  // capacitive tail: -Z'' rising towards low frequency over the lowest three points
  let tail: SpectrumFeatures["tail"] = null;
  if (n >= 4 && y[0]! > 0 && y[1]! > 0 && y[2]! > 0) {
    const slope = regressionSlope(x.slice(0, 3), y.slice(0, 3).map(Math.log));
    if (slope < -0.25) {
      const e = Math.min(1, Math.max(0.2, -slope));
      tail = { exponent: e, coefficient: Math.sin((e * Math.PI) / 2) / (Math.pow(s.w[0]!, e) * y[0]!) };
    }
  }

  // apexes: local maxima of the smoothed -Z'' standing out by 5 % of their height and by
  // 4 times the noise (estimated from the smoothing's residual relative to |Z|); a side that
  // runs off the data without meeting a higher point counts from 0
  let noise = 0;
  for (let i = 1; i < n - 1; i++) noise += ((y[i]! - ys[i]!) / Math.hypot(s.re[i]!, s.im[i]!)) ** 2;
  noise = Math.sqrt(noise / Math.max(1, n - 2));
  const arcs: SpectrumArc[] = [];
  for (let i = 1; i < n - 1; i++) {
    if (!(ys[i]! > ys[i - 1]! && ys[i]! >= ys[i + 1]! && ys[i]! > 0)) continue;
    const sideMin = (dir: 1 | -1): number => {
      let m = ys[i]!;
      for (let j = i + dir; ; j += dir) {
        if (j < 0 || j >= n) return Math.min(m, 0);
        if (ys[j]! > ys[i]!) return m;
        m = Math.min(m, ys[j]!);
      }
    };
    const prominence = ys[i]! - Math.max(sideMin(-1), sideMin(1));
    if (prominence < Math.max(0.05 * ys[i]!, 4 * noise * Math.hypot(s.re[i]!, s.im[i]!))) continue;
    const apex = parabolicApex(x[i - 1]!, x[i]!, x[i + 1]!, y[i - 1]!, y[i]!, y[i + 1]!);
    const half = apex.y / 2;
    const lo = crossing(x, ys, i, -1, half), hi = crossing(x, ys, i, +1, half);
    arcs.push({
      apexFrequencyHz: Math.exp(apex.x) / (2 * Math.PI),
      apexHeightOhm: apex.y,
      prominenceOhm: prominence,
      widthDecades: lo !== null && hi !== null ? (hi - lo) / Math.LN10 : null,
    });
  }
  arcs.sort((a, b) => b.apexFrequencyHz - a.apexFrequencyHz);

  // low-frequency end of the arcs: the valley before the tail, else the lowest frequency
  let lowReal = s.re[0]!;
  if (tail !== null) {
    const lowestApex = arcs.length > 0 ? Math.log(2 * Math.PI * arcs[arcs.length - 1]!.apexFrequencyHz) : x[n - 1]!;
    let best = 0;
    for (let i = 0; i < n && x[i]! <= lowestApex; i++) if (ys[i]! < ys[best]!) best = i;
    lowReal = s.re[best]!;
  }
  return { highFrequencyInterceptOhm: intercept, lowFrequencyRealOhm: lowReal, arcs, tail };
}

function regressionSlope(x: readonly number[], y: readonly number[]): number {
  const mx = x.reduce((a, b) => a + b) / x.length, my = y.reduce((a, b) => a + b) / y.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/** Vertex of the parabola through three points (falls back to the middle point). */
function parabolicApex(x0: number, x1: number, x2: number, y0: number, y1: number, y2: number): { x: number; y: number } {
  const d0 = (y1 - y0) / (x1 - x0), d1 = (y2 - y1) / (x2 - x1);
  const a = (d1 - d0) / (x2 - x0);
  if (!(a < 0)) return { x: x1, y: y1 };
  const b = d0 - a * (x0 + x1);
  const xv = -b / (2 * a);
  if (!(xv >= x0 && xv <= x2)) return { x: x1, y: y1 };
  return { x: xv, y: y1 + (xv - x1) * (d0 + a * (xv - x0)) };
}

/** ln omega where the smoothed -Z'' falls to `level` walking from the apex i; null if it rises first or leaves the data. */
function crossing(x: readonly number[], y: readonly number[], i: number, dir: 1 | -1, level: number): number | null {
  for (let j = i + dir; j >= 0 && j < x.length; j += dir) {
    const prev = j - dir;
    if (y[j]! > y[prev]! && y[prev]! > level) return null;
    if (y[j]! <= level) {
      const t = (y[prev]! - level) / (y[prev]! - y[j]!);
      return x[prev]! + t * (x[j]! - x[prev]!);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Initial guesses

interface Roles {
  readonly seriesR: number[];
  readonly arcs: { readonly r: number; readonly cap: number; readonly cpe: boolean }[];
  readonly tails: { readonly cap: number; readonly cpe: boolean }[];
  readonly inductors: number[];
  /** Parameter indices no rule covers. */
  readonly other: number[];
}

function roles(circuit: Circuit): Roles {
  const index = (name: string): number => circuit.parameters.findIndex((p) => p.name === name);
  const out: Roles = { seriesR: [], arcs: [], tails: [], inductors: [], other: [] };
  const parts = circuit.root.kind === "series" ? circuit.root.parts : [circuit.root];
  const leafIndices = (node: CircuitNode): number[] => {
    if (isComposite(node)) return node.parts.flatMap(leafIndices);
    const k = index(node.name);
    return node.kind === "Q" ? [k, k + 1] : [k];
  };
  for (const part of parts) {
    if (part.kind === "R") out.seriesR.push(index(part.name));
    else if (part.kind === "C" || part.kind === "Q") out.tails.push({ cap: index(part.name), cpe: part.kind === "Q" });
    else if (part.kind === "L") out.inductors.push(index(part.name));
    else if (part.kind === "parallel" && part.parts.length === 2) {
      const [a, b] = part.parts as [CircuitNode, CircuitNode];
      const r = a.kind === "R" ? a : b.kind === "R" ? b : null;
      const c = r === a ? b : a;
      if (r !== null && !isComposite(r) && !isComposite(c) && (c.kind === "C" || c.kind === "Q")) out.arcs.push({ r: index(r.name), cap: index(c.name), cpe: c.kind === "Q" });
      else out.other.push(...leafIndices(part));
    } else out.other.push(...leafIndices(part));
  }
  return out;
}

/**
 * Starting points for the fit from the spectrum's features: the first is the primary
 * guess; more follow when the circuit has more arcs than the spectrum shows apexes.
 * Arcs are assigned from high to low frequency in the order the circuit lists them.
 * `given` overrides any parameter by name; parameters outside the recognised shapes
 * (series R, C, Q, L; R||C and R||Q arcs) must be given.
 */
export function initialGuesses(spectrum: ImpedanceSpectrum, circuit: Circuit | string, given: Readonly<Record<string, number>> = {}): Record<string, number>[] {
  const c = asCircuit(circuit);
  return guesses(checkSpectrum(spectrum), c, given).map((v) => toRecord(c, v));
}

function guesses(s: Sorted, circuit: Circuit, given: Readonly<Record<string, number>>): Float64Array[] {
  for (const name of Object.keys(given)) {
    if (!circuit.parameters.some((p) => p.name === name)) throw new InputError(`initial.${name}: not a parameter of ${circuit.text}; valid: ${circuit.parameters.map((p) => p.name).join(", ")}`);
  }
  const role = roles(circuit);
  const missing = role.other.filter((k) => given[circuit.parameters[k]!.name] === undefined);
  if (missing.length > 0) {
    throw new InputError(`initial: no automatic guess for ${missing.map((k) => circuit.parameters[k]!.name).join(", ")} in ${circuit.text} (automatic guesses cover series R, C, Q, L and R||C, R||Q arcs); give their values in options.initial`);
  }
  const feat = features(s);
  const n = s.f.length;
  const zmax = Math.hypot(s.re[n - 1]!, s.im[n - 1]!);
  const wMin = s.w[0]!, wMax = s.w[n - 1]!;
  const base = new Float64Array(circuit.parameters.length);

  const seriesTotal = role.arcs.length > 0 || role.tails.length > 0 ? feat.highFrequencyInterceptOhm : s.re[0]!;
  const span = Math.max(feat.lowFrequencyRealOhm - feat.highFrequencyInterceptOhm, 0);
  for (const k of role.seriesR) base[k] = Math.max(seriesTotal, 1e-3 * Math.max(span, zmax)) / role.seriesR.length;
  for (const k of role.inductors) base[k] = s.im[n - 1]! > 0 ? s.im[n - 1]! / wMax : (1e-3 * zmax) / wMax;
  for (const t of role.tails) {
    const e = t.cpe ? feat.tail?.exponent ?? 0.9 : 1;
    const q = feat.tail !== null ? Math.sin((e * Math.PI) / 2) / (Math.pow(wMin, e) * -s.im[0]!) : 1 / (Math.pow(wMin, e) * 10 * Math.hypot(s.re[0]!, s.im[0]!));
    base[t.cap] = q * role.tails.length; // tails in series: their 1/Q add up
    if (t.cpe) base[t.cap + 1] = e;
  }

  const K = role.arcs.length;
  const starts: Float64Array[] = [];
  if (K === 0) starts.push(base);
  else {
    let ymax = 0;
    for (const v of s.im) ymax = Math.max(ymax, -v);
    const rTotal = span > 0 ? span : 2 * ymax;
    const peaks = [...feat.arcs].sort((a, b) => b.prominenceOhm - a.prominenceOhm).slice(0, K).sort((a, b) => b.apexFrequencyHz - a.apexFrequencyHz);
    const widthN = (p: SpectrumArc): number => (p.widthDecades !== null ? Math.max(0.5, exponentFromWidth(p.widthDecades * Math.LN10)) : 0.85);
    type Placement = { w: number; h: number; n: number }[];
    const placements: Placement[] = [];
    const fromPeaks: Placement = peaks.map((p) => ({ w: 2 * Math.PI * p.apexFrequencyHz, h: p.apexHeightOhm, n: widthN(p) }));
    // the arcs' frequency band: half-height points of the outer apexes, else the data's range
    const wHi = peaks.length > 0 ? Math.min(wMax, fromPeaks[0]!.w * 10) : wMax / 10;
    const wLo = peaks.length > 0 ? Math.max(wMin, fromPeaks[fromPeaks.length - 1]!.w / 10) : wMin * 10;
    if (peaks.length === K) placements.push(fromPeaks);
    else {
      const meanH = peaks.length > 0 ? peaks.reduce((a, p) => a + p.apexHeightOhm, 0) / peaks.length : ymax;
      const extra = K - peaks.length;
      // missing arcs beside the apexes, on the high- and on the low-frequency side
      for (const dir of [+1, -1]) {
        for (const stepDecades of [0.7, 1.4]) {
          const anchor = dir > 0 ? (fromPeaks[0]?.w ?? Math.sqrt(wHi * wLo)) : (fromPeaks[fromPeaks.length - 1]?.w ?? Math.sqrt(wHi * wLo));
          const added = Array.from({ length: extra }, (_, j) => ({ w: anchor * Math.pow(10, dir * stepDecades * (j + 1)), h: meanH, n: 0.85 }));
          placements.push([...fromPeaks.map((p) => ({ ...p, n: 0.85 })), ...added].sort((a, b) => b.w - a.w));
        }
      }
      // all arcs spread evenly over the band
      placements.push(Array.from({ length: K }, (_, j) => ({ w: wHi * Math.pow(wLo / wHi, (j + 0.5) / K), h: meanH, n: 0.85 })));
    }
    for (const placement of placements) {
      const v = Float64Array.from(base);
      const hSum = placement.reduce((a, p) => a + p.h, 0);
      role.arcs.forEach((arc, j) => {
        const p = placement[j]!;
        const e = arc.cpe ? p.n : 1;
        const r = (rTotal * p.h) / hSum;
        v[arc.r] = r;
        v[arc.cap] = 1 / (r * Math.pow(p.w, e)); // omega_apex^n = 1/(R Q)
        if (arc.cpe) v[arc.cap + 1] = e;
      });
      starts.push(v);
    }
  }
  for (const v of starts) {
    circuit.parameters.forEach((p, k) => {
      const g = given[p.name];
      if (g !== undefined) v[k] = g;
      else if (p.kind !== "cpeExponent" && !(v[k]! > 0 && Number.isFinite(v[k]!))) v[k] = 1e-3 * Math.max(zmax, 1e-300);
    });
  }
  return starts;
}

function toRecord(circuit: Circuit, v: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  circuit.parameters.forEach((p, k) => (out[p.name] = v[k]!));
  return out;
}

// ---------------------------------------------------------------------------------------
// The fit

export type Weighting = "modulus" | "unit";

export interface CircuitFitOptions {
  /** Starting values by parameter name; they replace the automatic guesses. */
  readonly initial?: Readonly<Record<string, number>>;
  /** "modulus" (default): residuals divided by |Z_i|; "unit": plain ohms. */
  readonly weighting?: Weighting;
  /** Levenberg-Marquardt iterations per start (default 100; a Gauss-Newton polish follows). */
  readonly maxIterations?: number;
}

export interface CircuitFit {
  readonly circuit: string;
  readonly parameters: Readonly<Record<string, number>>;
  /** Standard errors from the Jacobian at the optimum, scaled by the residual variance. */
  readonly stdErrors: Readonly<Record<string, number>>;
  /** The starting point that led to this fit. */
  readonly initial: Readonly<Record<string, number>>;
  readonly weighting: Weighting;
  /** Sum of squared weighted residuals over real and imaginary parts. */
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  /** sqrt(chiSquare / degreesOfFreedom): the relative misfit per component for modulus weighting. */
  readonly residualRms: number;
  /** Largest weighted residual over both parts. */
  readonly maxResidual: number;
  readonly iterations: number;
  readonly starts: number;
}

/** Bounds of the fitted logarithms (exp(+-300) stays inside doubles) and of CPE exponents. */
const LN_BOUND = 300;
const N_MIN = 0.2;
const N_MAX = 1;

interface Problem {
  readonly circuit: Circuit;
  readonly w: Float64Array;
  readonly target: Float64Array;
  readonly weight: Float64Array;
  readonly isExponent: boolean[];
}

function toNatural(p: Problem, theta: ArrayLike<number>): Float64Array {
  const v = new Float64Array(theta.length);
  for (let k = 0; k < v.length; k++) v[k] = p.isExponent[k] ? theta[k]! : Math.exp(theta[k]!);
  return v;
}

/** Model in residual space: [Re Z / wt, Im Z / wt] per frequency. */
function predict(p: Problem, theta: ArrayLike<number>): Float64Array {
  const z: ComplexArray = evaluateCircuit(p.circuit, toNatural(p, theta), p.w);
  const n = p.w.length;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[i] = z.re[i]! / p.weight[i]!;
    out[n + i] = z.im[i]! / p.weight[i]!;
  }
  return out;
}

/** Central-difference Jacobian of `predict` (rows: points, columns: parameters). */
function jacobian(p: Problem, theta: ArrayLike<number>): Float64Array[] {
  const h = 1e-6;
  const cols: Float64Array[] = [];
  for (let k = 0; k < theta.length; k++) {
    const up = Array.from(theta), dn = Array.from(theta);
    up[k]! += h;
    dn[k]! -= h;
    const a = predict(p, up), b = predict(p, dn);
    const col = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) col[i] = (a[i]! - b[i]!) / (2 * h);
    cols.push(col);
  }
  return cols;
}

function chiSquare(p: Problem, theta: ArrayLike<number>): number {
  const m = predict(p, theta);
  let s = 0;
  for (let i = 0; i < m.length; i++) s += (m[i]! - p.target[i]!) ** 2;
  return s;
}

function runLm(p: Problem, theta0: Float64Array, maxIterations: number): { theta: number[]; chi2: number; iterations: number } {
  const m = p.target.length;
  const xs = Array.from({ length: m }, (_, i) => i);
  const lower = p.isExponent.map((e) => (e ? N_MIN : -LN_BOUND));
  const upper = p.isExponent.map((e) => (e ? N_MAX : LN_BOUND));
  const result = levenbergMarquardt(
    { x: xs, y: Array.from(p.target) },
    (theta) => {
      const model = predict(p, theta);
      return (i) => model[i]!;
    },
    {
      initialValues: Array.from(theta0),
      minValues: lower,
      maxValues: upper,
      maxIterations,
      errorTolerance: 0,
      damping: 1e-2,
      jacobianFunction: (theta) => {
        const cols = jacobian(p, theta);
        return (i) => cols.map((c) => c[i]!);
      },
    },
  );
  let theta = result.parameterValues;
  let chi2 = chiSquare(p, theta);
  // Gauss-Newton polish (SVD solve, step halving) so noise-free data are recovered to
  // rounding: the library's additive damping never quite reaches a pure Gauss-Newton step
  for (let it = 0; it < 30; it++) {
    const cols = jacobian(p, theta);
    const model = predict(p, theta);
    const J = new Matrix(m, theta.length);
    for (let k = 0; k < cols.length; k++) for (let i = 0; i < m; i++) J.set(i, k, cols[k]![i]!);
    const r = Matrix.columnVector(Array.from(model, (v, i) => p.target[i]! - v));
    const step = new SingularValueDecomposition(J, { autoTranspose: true }).solve(r).to1DArray();
    let improved = false;
    for (let t = 1; t >= 1 / 64; t /= 2) {
      const trial = theta.map((v, k) => (p.isExponent[k] ? Math.min(N_MAX, Math.max(N_MIN, v + t * step[k]!)) : v + t * step[k]!));
      const c2 = chiSquare(p, trial);
      if (c2 < chi2) {
        improved = chi2 - c2 > 1e-14 * chi2;
        theta = trial;
        chi2 = c2;
        break;
      }
    }
    if (!improved) break;
  }
  return { theta, chi2, iterations: result.iterations };
}

/**
 * Fit `circuit` to a spectrum by complex non-linear least squares (see the file comment).
 * Every start from initialGuesses (or options.initial) is run; the lowest chi-square wins.
 */
export function fitCircuit(spectrum: ImpedanceSpectrum, circuit: Circuit | string, options: CircuitFitOptions = {}): CircuitFit {
  const c = asCircuit(circuit);
  const s = checkSpectrum(spectrum, Math.max(5, Math.ceil(c.parameters.length / 2) + 1));
  const weighting = options.weighting ?? "modulus";
  if (weighting !== "modulus" && weighting !== "unit") throw new InputError(`weighting: got ${describe(weighting)}; valid: modulus, unit`);
  const maxIterations = options.maxIterations ?? 100;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new InputError(`maxIterations: got ${describe(maxIterations)}; must be an integer >= 1`);
  const n = s.f.length;
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = weighting === "modulus" ? Math.hypot(s.re[i]!, s.im[i]!) : 1;
  const target = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    target[i] = s.re[i]! / weight[i]!;
    target[n + i] = s.im[i]! / weight[i]!;
  }
  const isExponent = c.parameters.map((p) => p.kind === "cpeExponent");
  const problem: Problem = { circuit: c, w: s.w, target, weight, isExponent };
  const starts = guesses(s, c, options.initial ?? {});

  let best: { theta: number[]; chi2: number; iterations: number; start: Float64Array } | null = null;
  for (const start of starts) {
    const theta0 = Float64Array.from(start, (v, k) => (isExponent[k] ? Math.min(N_MAX, Math.max(N_MIN, v)) : Math.log(v)));
    const r = runLm(problem, theta0, maxIterations);
    if (best === null || r.chi2 < best.chi2) best = { ...r, start };
  }
  const { theta, chi2 } = best!;
  const P = theta.length;
  const dof = 2 * n - P;
  const cols = jacobian(problem, theta);
  const J = new Matrix(2 * n, P);
  for (let k = 0; k < P; k++) for (let i = 0; i < 2 * n; i++) J.set(i, k, cols[k]![i]!);
  const s2 = dof > 0 ? chi2 / dof : NaN;
  const svd = new SingularValueDecomposition(J, { autoTranspose: true });
  const V = svd.rightSingularVectors, sv = svd.diagonal;
  const tol = sv[0]! * 1e-13 * Math.max(2 * n, P);
  const natural = toNatural(problem, theta);
  const stdErrors: Record<string, number> = {};
  c.parameters.forEach((p, k) => {
    let varTheta = 0;
    for (let j = 0; j < P; j++) varTheta += sv[j]! > tol ? (V.get(k, j) / sv[j]!) ** 2 : V.get(k, j) ** 2 > 1e-20 ? Infinity : 0;
    const seTheta = Math.sqrt(s2 * varTheta);
    stdErrors[p.name] = isExponent[k] ? seTheta : natural[k]! * seTheta;
  });
  const model = predict(problem, theta);
  let maxResidual = 0;
  for (let i = 0; i < model.length; i++) maxResidual = Math.max(maxResidual, Math.abs(model[i]! - target[i]!));
  return {
    circuit: c.text,
    parameters: toRecord(c, natural),
    stdErrors,
    initial: toRecord(c, best!.start),
    weighting,
    chiSquare: chi2,
    degreesOfFreedom: dof,
    residualRms: Math.sqrt(s2),
    maxResidual,
    iterations: best!.iterations,
    starts: starts.length,
  };
}

// ---------------------------------------------------------------------------------------
// Cells: the resistances an experimentalist reports

export type CellKind = "Li|SE|Li" | "SS|SE|SS";

export interface CellFitOptions {
  /**
   * Li|SE|Li: arcs after the bulk intercept. 1 = interface only, 2 = grain boundary and
   * interface, "auto" (default) = the one with the lower Bayesian information criterion
   * BIC = 2N ln(chi2 / 2N) + P ln(2N) (Schwarz, Ann. Stat. 6, 461, 1978).
   */
  readonly arcs?: 1 | 2 | "auto";
  readonly weighting?: Weighting;
}

export interface CellResistances {
  readonly cell: CellKind;
  readonly bulkResistanceOhm: number;
  readonly bulkResistanceStdErr: number;
  /** The grain-boundary arc's resistance (Li|SE|Li with two arcs), else null. */
  readonly grainBoundaryResistanceOhm: number | null;
  readonly grainBoundaryResistanceStdErr: number | null;
  /** The lowest-frequency arc of Li|SE|Li; null for blocking electrodes (no charge transfer). */
  readonly interfacialResistanceOhm: number | null;
  readonly interfacialResistanceStdErr: number | null;
  readonly fit: CircuitFit;
}

function bic(fit: CircuitFit): number {
  const m = fit.degreesOfFreedom + Object.keys(fit.parameters).length;
  return m * Math.log(Math.max(fit.chiSquare, 1e-300) / m) + Object.keys(fit.parameters).length * Math.log(m);
}

/** omega_apex^-1 = (R Q)^(1/n) of an R||Q arc. */
function arcTime(fit: CircuitFit, suffix: string): number {
  const p = fit.parameters;
  return Math.pow(p[`R${suffix}`]! * p[`Q${suffix}`]!, 1 / p[`n${suffix}`]!);
}

/**
 * Bulk and interfacial resistance of a cell, read as an experimentalist does:
 *   Li|SE|Li  R_bulk-p(R_int,Q_int), or R_bulk-p(R_gb,Q_gb)-p(R_int,Q_int) (the interface
 *             is the lower-frequency arc);
 *   SS|SE|SS  p(R_bulk,Q_bulk)-Q_el, or R_bulk-Q_el when the bulk arc lies above the
 *             measured frequencies (no apex in the data).
 */
export function fitCellSpectrum(spectrum: ImpedanceSpectrum, cell: CellKind, options: CellFitOptions = {}): CellResistances {
  const fitOptions: CircuitFitOptions = options.weighting === undefined ? {} : { weighting: options.weighting };
  if (cell === "SS|SE|SS") {
    const feat = spectrumFeatures(spectrum);
    const circuit = feat.arcs.length > 0 ? CIRCUITS.blocking : "R_bulk-Q_el";
    const fit = fitCircuit(spectrum, circuit, fitOptions);
    return {
      cell,
      bulkResistanceOhm: fit.parameters["R_bulk"]!,
      bulkResistanceStdErr: fit.stdErrors["R_bulk"]!,
      grainBoundaryResistanceOhm: null,
      grainBoundaryResistanceStdErr: null,
      interfacialResistanceOhm: null,
      interfacialResistanceStdErr: null,
      fit,
    };
  }
  if (cell !== "Li|SE|Li") throw new InputError(`cell: got ${describe(cell)}; valid: Li|SE|Li, SS|SE|SS`);
  const arcs = options.arcs ?? "auto";
  if (arcs !== 1 && arcs !== 2 && arcs !== "auto") throw new InputError(`arcs: got ${describe(arcs)}; valid: 1, 2, auto`);
  const one = arcs === 2 ? null : fitCircuit(spectrum, CIRCUITS.liSymmetric, fitOptions);
  const two = arcs === 1 ? null : fitCircuit(spectrum, CIRCUITS.liSymmetricGrainBoundary, fitOptions);
  const useTwo = two !== null && (one === null || bic(two) < bic(one));
  if (!useTwo) {
    const fit = one!;
    return {
      cell,
      bulkResistanceOhm: fit.parameters["R_bulk"]!,
      bulkResistanceStdErr: fit.stdErrors["R_bulk"]!,
      grainBoundaryResistanceOhm: null,
      grainBoundaryResistanceStdErr: null,
      interfacialResistanceOhm: fit.parameters["R_int"]!,
      interfacialResistanceStdErr: fit.stdErrors["R_int"]!,
      fit,
    };
  }
  let fit = two!;
  if (arcTime(fit, "_gb") > arcTime(fit, "_int")) fit = relabel(fit);
  return {
    cell,
    bulkResistanceOhm: fit.parameters["R_bulk"]!,
    bulkResistanceStdErr: fit.stdErrors["R_bulk"]!,
    grainBoundaryResistanceOhm: fit.parameters["R_gb"]!,
    grainBoundaryResistanceStdErr: fit.stdErrors["R_gb"]!,
    interfacialResistanceOhm: fit.parameters["R_int"]!,
    interfacialResistanceStdErr: fit.stdErrors["R_int"]!,
    fit,
  };
}

/** Swap the _gb and _int labels so the interface is the lower-frequency arc. */
function relabel(fit: CircuitFit): CircuitFit {
  const swap = (r: Readonly<Record<string, number>>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [key, v] of Object.entries(r)) out[key.endsWith("_gb") ? key.replace(/_gb$/, "_int") : key.endsWith("_int") ? key.replace(/_int$/, "_gb") : key] = v;
    return out;
  };
  return { ...fit, parameters: swap(fit.parameters), stdErrors: swap(fit.stdErrors), initial: swap(fit.initial) };
}
