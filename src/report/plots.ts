/**
 * SVG plots: vega-lite specifications compiled by vega-lite and rendered headless by vega
 * (renderer "none", View.toSVG), so a plot is a pure function of its data.
 *
 * vega numbers its gradients and clip paths from module-wide counters, so the same
 * figure rendered twice would carry different ids; every id is renamed to
 * `f<hash>-<k>`, with the hash taken over the figure itself, which makes the output
 * deterministic and keeps ids unique when several figures share an HTML page.
 */
import type { TopLevelSpec } from "vega-lite";
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import { InputError, describe } from "../core/errors.js";

export interface PlotOptions {
  readonly title?: string;
  /** Plot area width in px (default 420; the Nyquist plot's height equals its width). */
  readonly width?: number;
  readonly height?: number;
}

// ---------------------------------------------------------------------------------------
// Rendering

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
let modules: Promise<{ vega: Vega; vl: VegaLite }> | null = null;

function load(): Promise<{ vega: Vega; vl: VegaLite }> {
  modules ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({ vega, vl }));
  return modules;
}

const CONFIG = {
  background: "white",
  font: "Helvetica, Arial, sans-serif",
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", grid: true, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal", labelLimit: 320 },
  title: { fontSize: 13, fontWeight: "normal", anchor: "start" },
  view: { stroke: "#999" },
  // no per-datum ARIA labels: they would double the size of a heatmap's SVG
  mark: { aria: false },
} as const;

/** Compile a vega-lite spec and render it to an SVG string with stable ids. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const { vega, vl } = await load();
  const config: Record<string, unknown> = { ...CONFIG };
  for (const [k, v] of Object.entries(spec.config ?? {})) {
    const base = config[k];
    config[k] = typeof v === "object" && v !== null && typeof base === "object" && base !== null ? { ...base, ...v } : v;
  }
  const compiled = vl.compile({ ...spec, config } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return stableIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** FNV-1a, 32 bit: a short content hash for id prefixes. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

function stableIds(svg: string): string {
  const ids: string[] = [];
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.includes(m[1]!)) ids.push(m[1]!);
  if (ids.length === 0) return svg;
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(id="|url\\(#|href="#)(${ids.map(escape).join("|")})(?=[")])`, "g");
  const neutral = svg.replace(pattern, (_, pre: string, id: string) => `${pre}${ids.indexOf(id)}`);
  const prefix = `f${fnv1a(neutral)}`;
  return svg.replace(pattern, (_, pre: string, id: string) => `${pre}${prefix}-${ids.indexOf(id)}`);
}

// ---------------------------------------------------------------------------------------
// Checks and helpers

function finite(field: string, v: number): number {
  if (!Number.isFinite(v)) throw new InputError(`${field}: got ${describe(v)}; must be a finite number`);
  return v;
}

function nonEmpty<T>(field: string, xs: readonly T[]): readonly T[] {
  if (xs.length === 0) throw new InputError(`${field}: got an empty list; give at least one`);
  return xs;
}

function size(options: PlotOptions, width: number, height: number): { width: number; height: number } {
  const w = options.width ?? width, h = options.height ?? height;
  if (!(w > 0 && h > 0)) throw new InputError(`width/height: got ${describe(w)} x ${describe(h)}; must be > 0`);
  return { width: w, height: h };
}

function titled(options: PlotOptions): { title?: string } {
  return options.title === undefined ? {} : { title: options.title };
}

/** Shared colour scale so every layer gives a series the same colour. */
function seriesColor(names: readonly string[], title: string | null): object {
  return { field: "series", type: "nominal", title, scale: { domain: [...names] }, sort: [...names] };
}

/** Stroke dash patterns for series that may coincide (solid first). */
const DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [3, 5], [10, 2, 2, 2, 2, 2]];

/**
 * Colour, marker shape and stroke dash by series: lines take colour and dash, points colour
 * and shape (a shape on a line layer would draw a symbol at every vertex); vega-lite merges
 * the three into one legend, and curves that lie on top of each other stay apart.
 */
function seriesStyle(names: readonly string[]): { color: object; shape: object; strokeDash: object } {
  const base = { field: "series", type: "nominal", title: null, sort: [...names] };
  return {
    color: { ...base, scale: { domain: [...names] } },
    shape: { ...base, scale: { domain: [...names] } },
    strokeDash: { ...base, scale: { domain: [...names], range: names.map((_, i) => DASHES[i % DASHES.length]) } },
  };
}

// ---------------------------------------------------------------------------------------
// Arrhenius

export interface ArrheniusPlotPoint {
  readonly temperatureK: number;
  readonly conductivitySPerCm: number;
  readonly conductivityStdErr?: number;
  /** Prediction bands (an uncertainty run): 68 % and 90 %, drawn as shaded areas. */
  readonly band68?: readonly [number, number];
  readonly band90?: readonly [number, number];
}

/** Shaded 90 % (light) and 68 % (darker) bands, rows {series, x, lo, hi, level}, for an area layer. */
function bandRows(name: string, x: number, p: { readonly band68?: readonly [number, number]; readonly band90?: readonly [number, number] }, map: (v: number) => number): object[] {
  const out: object[] = [];
  for (const [level, band] of [["90 %", p.band90], ["68 %", p.band68]] as const) {
    if (band !== undefined && Number.isFinite(map(band[0])) && Number.isFinite(map(band[1]))) out.push({ series: name, x, lo: map(band[0]), hi: map(band[1]), level });
  }
  return out;
}

/** The area layer of prediction bands, as a list: none without bands. */
function bandLayer(rows: readonly object[], x: object, color: object): object[] {
  if (rows.length === 0) return [];
  return [{
    name: "bands",
    data: { values: rows },
    mark: { type: "area", opacity: 0.18 },
    encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color, detail: { field: "level" } },
  }];
}

export interface ArrheniusPlotSeries {
  readonly name: string;
  readonly points: readonly ArrheniusPlotPoint[];
  /** Measured conductivities (relativeError: the standard error of ln sigma), drawn as open squares with error bars. */
  readonly measured?: readonly { readonly temperatureK: number; readonly conductivitySPerCm: number; readonly relativeError: number }[];
  /** The measured Arrhenius line (a dotted line in the series' colour). */
  readonly measuredLine?: readonly { readonly temperatureK: number; readonly conductivitySPerCm: number }[];
  /** A fit from analysis/arrhenius.ts: ln(sigma T) (form sigmaT) or ln(sigma) = lnPrefactor - Ea/(kB T). */
  readonly fit?: { readonly activationEnergyEV: number; readonly lnPrefactor: number; readonly form: "sigmaT" | "sigma" };
}

/**
 * log10 sigma against 1000/T: points with error bars (log10(sigma +- se), the bar's ends
 * computed exactly, the lower one clipped at sigma/10 when se >= sigma) and the fitted
 * line sigma(T) = exp(lnA - Ea/(kB T)) (/ T for the sigmaT form) over each series' range.
 */
export async function arrheniusPlot(series: readonly ArrheniusPlotSeries[], options: PlotOptions = {}): Promise<string> {
  nonEmpty("series", series);
  const points: object[] = [], bars: object[] = [], lines: object[] = [], bands: object[] = [], measured: object[] = [], measuredBars: object[] = [], measuredLines: object[] = [];
  series.forEach((s, k) => {
    (s.measured ?? []).forEach((m, i) => {
      const T = finite(`series[${k}].measured[${i}].temperatureK`, m.temperatureK), sigma = finite(`series[${k}].measured[${i}].conductivitySPerCm`, m.conductivitySPerCm);
      if (!(T > 0 && sigma > 0)) throw new InputError(`series[${k}].measured[${i}]: got T ${T} K, sigma ${sigma} S/cm; both must be > 0 on a log scale`);
      const rel = Math.max(0, finite(`series[${k}].measured[${i}].relativeError`, m.relativeError));
      measured.push({ series: s.name, x: 1000 / T, y: Math.log10(sigma) });
      if (rel > 0) measuredBars.push({ series: s.name, x: 1000 / T, lo: Math.log10(sigma) - rel / Math.LN10, hi: Math.log10(sigma) + rel / Math.LN10 });
    });
    (s.measuredLine ?? []).forEach((m, i) => {
      if (m.temperatureK > 0 && m.conductivitySPerCm > 0) measuredLines.push({ series: s.name, x: 1000 / m.temperatureK, y: Math.log10(m.conductivitySPerCm), i });
    });
    nonEmpty(`series[${k}].points`, s.points);
    let tMin = Infinity, tMax = -Infinity;
    s.points.forEach((p, i) => {
      const T = finite(`series[${k}].points[${i}].temperatureK`, p.temperatureK);
      const sigma = finite(`series[${k}].points[${i}].conductivitySPerCm`, p.conductivitySPerCm);
      if (!(T > 0 && sigma > 0)) throw new InputError(`series[${k}].points[${i}]: got T ${T} K, sigma ${sigma} S/cm; both must be > 0 on a log scale`);
      tMin = Math.min(tMin, T);
      tMax = Math.max(tMax, T);
      points.push({ series: s.name, x: 1000 / T, y: Math.log10(sigma), temperatureK: T });
      const se = p.conductivityStdErr;
      if (se !== undefined && se > 0) bars.push({ series: s.name, x: 1000 / T, lo: Math.log10(Math.max(sigma - se, sigma / 10)), hi: Math.log10(sigma + se) });
      bands.push(...bandRows(s.name, 1000 / T, p, (v) => (v > 0 ? Math.log10(v) : NaN)));
    });
    if (s.fit !== undefined) {
      const { activationEnergyEV: ea, lnPrefactor: lnA, form } = s.fit;
      finite(`series[${k}].fit.activationEnergyEV`, ea);
      finite(`series[${k}].fit.lnPrefactor`, lnA);
      const steps = 24;
      for (let j = 0; j <= steps; j++) {
        const inv = 1 / tMax + ((1 / tMin - 1 / tMax) * j) / steps;
        const T = 1 / inv;
        const lnSigma = lnA - ea / (BOLTZMANN_EV_PER_K * T) - (form === "sigmaT" ? Math.log(T) : 0);
        lines.push({ series: s.name, x: 1000 / T, y: lnSigma / Math.LN10 });
      }
    }
  });
  const names = series.map((s) => s.name);
  const style = seriesStyle(names);
  const color = style.color;
  const x = { field: "x", type: "quantitative", title: "1000 / T (1/K)", scale: { zero: false } };
  const spec = {
    ...titled(options),
    ...size(options, 420, 300),
    layer: [
      ...bandLayer(bands, x, color),
      { name: "fitlines", data: { values: lines }, mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y: { field: "y", type: "quantitative" }, color, strokeDash: style.strokeDash, detail: { field: "series" } } },
      { name: "errorbars", data: { values: bars }, mark: { type: "rule" }, encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color } },
      ...(measuredLines.length > 0 ? [{ name: "measuredlines", data: { values: measuredLines }, mark: { type: "line", strokeWidth: 1.5, strokeDash: [1, 3] }, encoding: { x, y: { field: "y", type: "quantitative" }, color, detail: { field: "series" }, order: { field: "i" } } }] : []),
      ...measuredLayers(measured, measuredBars, x, { field: "y", type: "quantitative" }, color),
      {
        name: "points",
        data: { values: points },
        mark: { type: "point", filled: true, size: 45, opacity: 1 },
        encoding: { x, y: { field: "y", type: "quantitative", title: "log10 σ (S/cm)", scale: { zero: false } }, color, shape: style.shape },
      },
    ],
    resolve: { scale: { color: "shared" } },
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

// ---------------------------------------------------------------------------------------
// Nyquist

export interface NyquistSeries {
  readonly name: string;
  readonly realOhm: ArrayLike<number>;
  /** Z'' (negative for capacitive); the plot shows -Z''. */
  readonly imagOhm: ArrayLike<number>;
  /** Markers at the data (default true); a fitted curve usually sets false. */
  readonly points?: boolean;
}

/** -Z'' against Z' with the same ohms per pixel on both axes (a semicircle looks round). */
export async function nyquistPlot(series: readonly NyquistSeries[], options: PlotOptions = {}): Promise<string> {
  nonEmpty("series", series);
  const rows: object[] = [], marked: object[] = [];
  let xMin = Infinity, xMax = -Infinity, yMin = 0, yMax = -Infinity;
  series.forEach((s, k) => {
    if (s.realOhm.length !== s.imagOhm.length) throw new InputError(`series[${k}]: realOhm has ${s.realOhm.length} points, imagOhm ${s.imagOhm.length}; they must match`);
    if (s.realOhm.length === 0) throw new InputError(`series[${k}].realOhm: empty; give at least one point`);
    for (let i = 0; i < s.realOhm.length; i++) {
      const x = finite(`series[${k}].realOhm[${i}]`, s.realOhm[i]!), y = -finite(`series[${k}].imagOhm[${i}]`, s.imagOhm[i]!);
      const row = { series: s.name, x, y, i };
      rows.push(row);
      if (s.points ?? true) marked.push(row);
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  });
  const { width } = size(options, 360, 360);
  const d = equalDomains(xMin, xMax, yMin, yMax);
  const names = series.map((s) => s.name);
  const color = seriesColor(names, null);
  const x = { field: "x", type: "quantitative", title: "Z′ (Ω)", scale: { domain: d.x, nice: false, zero: false } };
  const y = { field: "y", type: "quantitative", title: "−Z″ (Ω)", scale: { domain: d.y, nice: false, zero: false } };
  const spec = {
    ...titled(options),
    width,
    height: width,
    layer: [
      { name: "curves", data: { values: rows }, mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y, color, order: { field: "i" }, detail: { field: "series" } } },
      { name: "points", data: { values: marked }, mark: { type: "point", size: 22, filled: true }, encoding: { x, y, color } },
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

/** Equal-ohm square domains for -Z'' against Z': the span of the data, Z' from 0 when the data come close to it. */
function equalDomains(xMin: number, xMax: number, yMin: number, yMax: number): { x: [number, number]; y: [number, number] } {
  const span = Math.max(xMax - xMin, yMax - yMin, 1e-300) * 1.08;
  const x0 = xMin >= 0 && xMin < 0.15 * span ? 0 : xMin - 0.04 * span;
  const y0 = yMin < 0 ? yMin - 0.04 * span : 0;
  const side = Math.max(span, xMax - x0 + 0.04 * span);
  return { x: [x0, x0 + side], y: [y0, y0 + side] };
}

/** A frequency as text with an SI prefix: 1e-2 -> "10 mHz", 1e3 -> "1 kHz". */
export function formatHz(f: number): string {
  const prefixes: readonly [number, string][] = [[1e9, "G"], [1e6, "M"], [1e3, "k"], [1, ""], [1e-3, "m"], [1e-6, "µ"]];
  for (const [scale, p] of prefixes) {
    if (Math.abs(f) >= scale * (1 - 1e-9)) return `${Number((f / scale).toPrecision(3))} ${p}Hz`;
  }
  return `${f.toExponential(1)} Hz`;
}

/**
 * The spectrum at each decade 10^k Hz inside its frequency range, by linear interpolation in
 * log f between the two neighbouring frequencies (exact when the grid holds the decade).
 */
export function decadePoints(frequenciesHz: ArrayLike<number>, realOhm: ArrayLike<number>, imagOhm: ArrayLike<number>): { frequencyHz: number; realOhm: number; imagOhm: number }[] {
  const idx = Array.from({ length: frequenciesHz.length }, (_, i) => i).sort((a, b) => frequenciesHz[a]! - frequenciesHz[b]!);
  const lf = idx.map((i) => Math.log10(frequenciesHz[i]!));
  const out: { frequencyHz: number; realOhm: number; imagOhm: number }[] = [];
  if (idx.length === 0) return out;
  for (let k = Math.ceil(lf[0]! - 1e-9); k <= lf[lf.length - 1]! + 1e-9; k++) {
    let j = 0;
    while (j < lf.length - 2 && lf[j + 1]! < k) j++;
    const a = idx[j]!, b = idx[Math.min(j + 1, idx.length - 1)]!;
    const span = lf[Math.min(j + 1, lf.length - 1)]! - lf[j]!;
    const t = span > 0 ? Math.min(1, Math.max(0, (k - lf[j]!) / span)) : 0;
    out.push({ frequencyHz: 10 ** k, realOhm: realOhm[a]! + t * (realOhm[b]! - realOhm[a]!), imagOhm: imagOhm[a]! + t * (imagOhm[b]! - imagOhm[a]!) });
  }
  return out;
}

/**
 * Which decade markers of a square Nyquist panel get a text label: from the highest
 * frequency down, a label is kept when its box (about 40 x 11 px) clears every label kept
 * so far, so markers bunched near the origin do not print over each other; a label near the
 * right edge is written to the left of its marker.
 */
function labelDecades(marks: readonly { frequencyHz: number; realOhm: number; imagOhm: number }[], d: { x: [number, number]; y: [number, number] }, side: number): { x: number; y: number; label: string; align: "left" | "right" }[] {
  const placed: { px: number; py: number }[] = [];
  const out: { x: number; y: number; label: string; align: "left" | "right" }[] = [];
  for (const m of [...marks].sort((a, b) => b.frequencyHz - a.frequencyHz)) {
    const x = m.realOhm, y = -m.imagOhm;
    const px = ((x - d.x[0]) / (d.x[1] - d.x[0])) * side, py = ((y - d.y[0]) / (d.y[1] - d.y[0])) * side;
    const free = placed.every((q) => Math.abs(q.px - px) > 44 || Math.abs(q.py - py) > 11);
    if (free) placed.push({ px, py });
    out.push({ x, y, label: free ? formatHz(m.frequencyHz) : "", align: px > side - 48 ? "right" : "left" });
  }
  return out;
}

/** A spectrum: frequencies with Z = Z' + i Z'' (Z'' negative for capacitive). */
export interface Spectrum {
  readonly frequenciesHz: ArrayLike<number>;
  readonly realOhm: ArrayLike<number>;
  readonly imagOhm: ArrayLike<number>;
}

function checkSpectrum(field: string, s: Spectrum): void {
  if (s.realOhm.length !== s.frequenciesHz.length || s.imagOhm.length !== s.frequenciesHz.length) {
    throw new InputError(`${field}: frequenciesHz has ${s.frequenciesHz.length} points, realOhm ${s.realOhm.length}, imagOhm ${s.imagOhm.length}; they must match`);
  }
  if (s.frequenciesHz.length === 0) throw new InputError(`${field}.frequenciesHz: empty; give at least one point`);
  for (let i = 0; i < s.frequenciesHz.length; i++) {
    const f = finite(`${field}.frequenciesHz[${i}]`, s.frequenciesHz[i]!);
    if (!(f > 0)) throw new InputError(`${field}.frequenciesHz[${i}]: got ${f}; must be > 0 on a log axis`);
    finite(`${field}.realOhm[${i}]`, s.realOhm[i]!);
    finite(`${field}.imagOhm[${i}]`, s.imagOhm[i]!);
  }
}

/** A measured spectrum drawn beside a prediction: its points with error bars of relativeError x |Z|. */
export interface MeasuredSpectrumSeries extends Spectrum {
  /** Standard error of each point's Z relative to |Z|. */
  readonly relativeError: number;
}

/**
 * One design's panel: its spectrum (points), the equivalent circuit fitted to it (a curve)
 * and measured spectra (open squares with error bars). The predicted spectrum may be empty
 * when a measured one is given (a cell the design did not predict).
 */
export interface NyquistPanel extends Spectrum {
  readonly name: string;
  /** The fitted circuit evaluated on a fine frequency grid, and its name (e.g. "R_bulk-p(R_int,Q_int)"). */
  readonly fitted?: Spectrum & { readonly circuit: string };
  readonly measured?: readonly MeasuredSpectrumSeries[];
}

function checkMeasuredSpectrum(field: string, m: MeasuredSpectrumSeries): void {
  checkSpectrum(field, m);
  if (!(m.relativeError >= 0 && Number.isFinite(m.relativeError))) throw new InputError(`${field}.relativeError: got ${describe(m.relativeError)}; must be a finite number >= 0`);
}

export interface PanelOptions extends PlotOptions {
  /** Panels per row (default 3). */
  readonly columns?: number;
}

const PANEL_COLORS = { spectrum: "#4c78a8", fitted: "#e45756", decade: "#222", measured: "#2ca02c" } as const;

/**
 * Small multiples: one Nyquist panel per design, each square on its own equal-ohm scale (a
 * semicircle looks round, and designs whose resistances differ by orders of magnitude each
 * fill their panel), the spectrum as points, the fitted circuit as a curve, and the spectrum
 * at each decade of frequency marked and labelled.
 */
export async function nyquistPanelsPlot(panels: readonly NyquistPanel[], options: PanelOptions = {}): Promise<string> {
  return renderVegaLite(nyquistPanelsSpec(panels, options));
}

/** The vega-lite specification nyquistPanelsPlot renders (its data as drawn). */
export function nyquistPanelsSpec(panels: readonly NyquistPanel[], options: PanelOptions = {}): TopLevelSpec {
  nonEmpty("panels", panels);
  const side = options.width ?? 230;
  if (!(side > 0)) throw new InputError(`width: got ${describe(side)}; must be > 0`);
  const columns = options.columns ?? 3;
  if (!(Number.isInteger(columns) && columns >= 1)) throw new InputError(`columns: got ${describe(columns)}; must be an integer >= 1`);
  const anyMeasured = panels.some((p) => (p.measured ?? []).length > 0);
  const legend = { spectrum: "predicted spectrum", fitted: "fitted circuit", decade: "decades of frequency", ...(anyMeasured ? { measured: "measured (±1 standard error)" } : {}) };
  const range = anyMeasured ? Object.values(PANEL_COLORS) : [PANEL_COLORS.spectrum, PANEL_COLORS.fitted, PANEL_COLORS.decade];
  const color = { field: "kind", type: "nominal", title: null, scale: { domain: Object.values(legend), range }, legend: { orient: "top", direction: "horizontal", labelLimit: 0 } };
  const specs = panels.map((p, k) => {
    const measured = p.measured ?? [];
    measured.forEach((m, j) => checkMeasuredSpectrum(`panels[${k}].measured[${j}]`, m));
    if (p.frequenciesHz.length > 0 || measured.length === 0) checkSpectrum(`panels[${k}]`, p);
    if (p.fitted !== undefined) checkSpectrum(`panels[${k}].fitted`, p.fitted);
    const pts = Array.from(p.realOhm, (x, i) => ({ kind: legend.spectrum, x, y: -p.imagOhm[i]!, i }));
    const fit = p.fitted === undefined ? [] : Array.from(p.fitted.realOhm, (x, i) => ({ kind: legend.fitted, x, y: -p.fitted!.imagOhm[i]!, i }));
    const meas = measured.flatMap((m, j) => Array.from(m.realOhm, (x, i) => ({ kind: (legend as { measured: string }).measured, x, y: -m.imagOhm[i]!, frequencyHz: m.frequenciesHz[i]!, error: m.relativeError * Math.hypot(x, m.imagOhm[i]!), series: j, i })));
    const bars = meas.flatMap((m) => (m.error > 0 ? [{ kind: m.kind, x: m.x - m.error, x2: m.x + m.error, y: m.y, y2: m.y }, { kind: m.kind, x: m.x, x2: m.x, y: m.y - m.error, y2: m.y + m.error }] : []));
    const all = [...pts, ...fit, ...meas];
    const d = equalDomains(Math.min(...all.map((r) => r.x)), Math.max(...all.map((r) => r.x)), Math.min(0, ...all.map((r) => r.y)), Math.max(...all.map((r) => r.y)));
    const dec = p.frequenciesHz.length === 0 ? [] : labelDecades(decadePoints(p.frequenciesHz, p.realOhm, p.imagOhm), d, side).map((m) => ({ kind: legend.decade, ...m }));
    const x = { field: "x", type: "quantitative", title: "Z′ (Ω)", scale: { domain: d.x, nice: false, zero: false }, axis: { tickCount: 4, format: "~s" } };
    const y = { field: "y", type: "quantitative", title: "−Z″ (Ω)", scale: { domain: d.y, nice: false, zero: false }, axis: { tickCount: 4, format: "~s" } };
    const labels = (align: "left" | "right"): object => ({
      name: `decadelabels${align}${k}`,
      data: { values: dec.filter((m) => m.align === align) },
      mark: { type: "text", align, baseline: "bottom", dx: align === "left" ? 5 : -5, dy: -3, fontSize: 9, color: PANEL_COLORS.decade },
      encoding: { x, y, text: { field: "label" } },
    });
    return {
      title: { text: p.name, ...(p.fitted !== undefined ? { subtitle: p.fitted.circuit, subtitleFontSize: 10, subtitleColor: "#555" } : {}) },
      width: side,
      height: side,
      layer: [
        ...(meas.length > 0
          ? [
              { name: `measuredbars${k}`, data: { values: bars }, mark: { type: "rule", strokeWidth: 1, opacity: 0.7, clip: true }, encoding: { x, x2: { field: "x2" }, y, y2: { field: "y2" }, color } },
              { name: `measured${k}`, data: { values: meas }, mark: { type: "point", shape: "square", size: 30, filled: false, strokeWidth: 1.3, clip: true }, encoding: { x, y, color } },
            ]
          : []),
        { name: `spectrum${k}`, data: { values: pts }, mark: { type: "point", size: 14, filled: true, clip: true }, encoding: { x, y, color } },
        ...(fit.length > 0 ? [{ name: `fitted${k}`, data: { values: fit }, mark: { type: "line", strokeWidth: 1.3, clip: true }, encoding: { x, y, color, order: { field: "i" } } }] : []),
        ...(dec.length > 0 ? [{ name: `decades${k}`, data: { values: dec }, mark: { type: "point", shape: "diamond", size: 40, filled: false, strokeWidth: 1.2, clip: true }, encoding: { x, y, color } }, labels("left"), labels("right")] : []),
      ],
    };
  });
  const spec = {
    ...titled(options),
    columns,
    concat: specs,
    spacing: { row: 24, column: 28 },
    resolve: { scale: { color: "shared" } },
  } as unknown as TopLevelSpec;
  return spec;
}

/** One design in a Bode plot: its spectrum, optionally the fitted circuit's curve and measured spectra. */
export interface BodeSeries extends Spectrum {
  readonly name: string;
  readonly fitted?: Spectrum;
  readonly measured?: readonly MeasuredSpectrumSeries[];
}

/**
 * Bode plot: |Z| (log) and the phase -theta = -atan2(Z'', Z') in degrees against frequency
 * (log), one panel above the other on a shared frequency axis; spectra as points, fitted
 * circuits as lines, each design with its own colour, marker and dash so curves that
 * coincide stay apart.
 */
export async function bodePlot(series: readonly BodeSeries[], options: PlotOptions = {}): Promise<string> {
  return renderVegaLite(bodeSpec(series, options));
}

/** The vega-lite specification bodePlot renders (its data as drawn). */
export function bodeSpec(series: readonly BodeSeries[], options: PlotOptions = {}): TopLevelSpec {
  nonEmpty("series", series);
  const pts: object[] = [], lines: object[] = [], meas: object[] = [], bars: object[] = [];
  const rows = (name: string, s: Spectrum, into: object[]): void => {
    for (let i = 0; i < s.frequenciesHz.length; i++) {
      const re = s.realOhm[i]!, im = s.imagOhm[i]!;
      const mag = Math.hypot(re, im);
      if (!(mag > 0)) continue;
      into.push({ series: name, f: s.frequenciesHz[i]!, mag, phase: (-Math.atan2(im, re) * 180) / Math.PI, i });
    }
  };
  series.forEach((s, k) => {
    const measured = s.measured ?? [];
    if (s.frequenciesHz.length > 0 || measured.length === 0) checkSpectrum(`series[${k}]`, s);
    rows(s.name, s, pts);
    if (s.fitted !== undefined) {
      checkSpectrum(`series[${k}].fitted`, s.fitted);
      rows(s.name, s.fitted, lines);
    }
    measured.forEach((m, j) => {
      checkMeasuredSpectrum(`series[${k}].measured[${j}]`, m);
      const before = meas.length;
      rows(s.name, m, meas);
      // |Z| +- e|Z|; the phase +- e radians (the angle a relative error e of Z can turn it by, to first order)
      for (const r of meas.slice(before) as { series: string; f: number; mag: number; phase: number }[]) {
        if (!(m.relativeError > 0)) continue;
        bars.push({ series: r.series, f: r.f, magLo: r.mag * Math.max(1e-3, 1 - m.relativeError), magHi: r.mag * (1 + m.relativeError), phaseLo: r.phase - (m.relativeError * 180) / Math.PI, phaseHi: r.phase + (m.relativeError * 180) / Math.PI });
      }
    });
  });
  const style = seriesStyle(series.map((s) => s.name));
  const { width, height } = size(options, 460, 200);
  const x = { field: "f", type: "quantitative", title: "frequency (Hz)", scale: { type: "log" }, axis: { format: "~s" } };
  const panel = (field: "mag" | "phase", title: string, scale: object): object => ({
    width,
    height,
    layer: [
      { name: `${field}lines`, data: { values: lines }, mark: { type: "line", strokeWidth: 1.3 }, encoding: { x, y: { field, type: "quantitative", title, scale }, color: style.color, strokeDash: style.strokeDash, detail: { field: "series" }, order: { field: "i" } } },
      { name: `${field}points`, data: { values: pts }, mark: { type: "point", size: 18, filled: true }, encoding: { x, y: { field, type: "quantitative", title, scale }, color: style.color, shape: style.shape } },
      ...(meas.length > 0
        ? [
            { name: `${field}measuredbars`, data: { values: bars }, mark: { type: "rule", strokeWidth: 1, opacity: 0.7 }, encoding: { x, y: { field: `${field}Lo`, type: "quantitative", title, scale }, y2: { field: `${field}Hi` }, color: style.color } },
            { name: `${field}measured`, data: { values: meas }, mark: { type: "point", shape: "square", size: 34, filled: false, strokeWidth: 1.3 }, encoding: { x, y: { field, type: "quantitative", title, scale }, color: style.color } },
          ]
        : []),
    ],
  });
  return {
    ...titled(options),
    vconcat: [panel("mag", "|Z| (Ω)", { type: "log" }), panel("phase", "−phase (°)", { zero: true })],
    spacing: 14,
    resolve: { scale: { color: "shared", shape: "shared", strokeDash: "shared" } },
  } as unknown as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------
// Rate capability and discharge curves

/** A measured value with its error, drawn as an open symbol with an error bar beside the prediction. */
export interface MeasuredRatePoint {
  readonly cRate: number;
  readonly dischargeCapacityMAhPerG: number;
  /** One standard error, mAh/g. */
  readonly errorMAhPerG: number;
}

export interface RateCapabilitySeries {
  readonly name: string;
  readonly points: readonly { readonly cRate: number; readonly dischargeCapacityMAhPerG: number; readonly stdErr?: number; readonly band68?: readonly [number, number]; readonly band90?: readonly [number, number] }[];
  /** Measured capacities of this design (an experiment), drawn beside the prediction. */
  readonly measured?: readonly MeasuredRatePoint[];
}

/** Theoretical capacity of LiFePO4, mAh/g (the C-rate axis's 1 C): the top of an empty capacity axis. */
const LFP_THEORETICAL_MAH_PER_G = 169.9;

/**
 * Discharge capacity against C-rate (log axis): one line per series with its own colour,
 * dash and marker, error bars of +-1 standard error and prediction bands where given,
 * measured capacities as open symbols with their error bars. A series with no capacity at
 * any rate is named in a note inside the frame ("no capacity above the cut-off") rather
 * than left as a line hidden along the axis; the axis keeps 0 to 170 mAh/g when nothing
 * has capacity.
 */
export async function rateCapabilityPlot(series: readonly RateCapabilitySeries[], options: PlotOptions = {}): Promise<string> {
  nonEmpty("series", series);
  const rows: object[] = [], bars: object[] = [], bands: object[] = [], measured: object[] = [], measuredBars: object[] = [];
  const empty: string[] = [];
  let top = 0;
  series.forEach((s, k) => {
    nonEmpty(`series[${k}].points`, s.points);
    let any = false;
    s.points.forEach((p, i) => {
      const c = finite(`series[${k}].points[${i}].cRate`, p.cRate);
      if (!(c > 0)) throw new InputError(`series[${k}].points[${i}].cRate: got ${c}; must be > 0 on a log axis`);
      const q = finite(`series[${k}].points[${i}].dischargeCapacityMAhPerG`, p.dischargeCapacityMAhPerG);
      if (q > 0) any = true;
      top = Math.max(top, q + (p.stdErr ?? 0), p.band90?.[1] ?? 0);
      rows.push({ series: s.name, x: c, y: q });
      // a capacity is never negative: a bar (or band) reaching below zero stops at the axis
      if (p.stdErr !== undefined && p.stdErr > 0) bars.push({ series: s.name, x: c, lo: Math.max(0, q - p.stdErr), hi: q + p.stdErr });
      bands.push(...bandRows(s.name, c, p, (v) => Math.max(0, v)));
    });
    (s.measured ?? []).forEach((m, i) => {
      const c = finite(`series[${k}].measured[${i}].cRate`, m.cRate);
      if (!(c > 0)) throw new InputError(`series[${k}].measured[${i}].cRate: got ${c}; must be > 0 on a log axis`);
      const q = finite(`series[${k}].measured[${i}].dischargeCapacityMAhPerG`, m.dischargeCapacityMAhPerG);
      const e = Math.max(0, finite(`series[${k}].measured[${i}].errorMAhPerG`, m.errorMAhPerG));
      if (q > 0) any = true;
      top = Math.max(top, q + e);
      measured.push({ series: s.name, x: c, y: q, kind: "measured" });
      if (e > 0) measuredBars.push({ series: s.name, x: c, lo: Math.max(0, q - e), hi: q + e });
    });
    if (!any) empty.push(s.name);
  });
  const names = series.map((s) => s.name);
  const style = seriesStyle(names);
  const x = { field: "x", type: "quantitative", title: "C-rate (1 C = 169.9 mA/g LiFePO₄)", scale: { type: "log" }, axis: { values: [0.1, 0.2, 0.5, 1, 2, 5, 10], format: "~g" } };
  const y = { field: "y", type: "quantitative", title: "discharge capacity (mAh/g)", scale: top > 0 ? { zero: true } : { domain: [0, LFP_THEORETICAL_MAH_PER_G] } };
  const { width, height } = size(options, 420, 300);
  const notes = empty.map((name, i) => ({ text: `${name}: no capacity above the cut-off at any rate`, i }));
  const spec = {
    ...titled(options),
    width,
    height,
    layer: [
      ...bandLayer(bands, x, style.color),
      { name: "lines", data: { values: rows }, mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y, color: style.color, strokeDash: style.strokeDash, detail: { field: "series" } } },
      { name: "errorbars", data: { values: bars }, mark: { type: "rule" }, encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color: style.color } },
      { name: "points", data: { values: rows }, mark: { type: "point", filled: true, size: 45, opacity: 1 }, encoding: { x, y, color: style.color, shape: style.shape } },
      ...measuredLayers(measured, measuredBars, x, y, style.color),
      // one note per design without capacity, top left in the frame (mark x/y in pixels)
      ...notes.map((n) => ({ name: `nocapacity${n.i}`, data: { values: [n] }, mark: { type: "text", align: "left", baseline: "top", fontSize: 11, color: "#b00", x: 8, y: 8 + 16 * n.i }, encoding: { text: { field: "text" } } })),
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

/**
 * Measured values beside predictions: open black-edged symbols in the series' colour with
 * error bars (rows {series, x, y}; bars {series, x, lo, hi}), drawn over the prediction.
 */
function measuredLayers(points: readonly object[], bars: readonly object[], x: object, y: object, color: object): object[] {
  if (points.length === 0) return [];
  return [
    { name: "measuredbars", data: { values: bars }, mark: { type: "rule", strokeWidth: 1.5 }, encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color } },
    {
      name: "measured",
      data: { values: points },
      mark: { type: "point", shape: "square", size: 70, filled: false, strokeWidth: 2, opacity: 1 },
      encoding: { x, y, color },
    },
  ];
}

export interface DischargeCurve {
  readonly cRate: number;
  readonly capacityMAhPerG: ArrayLike<number>;
  readonly voltageV: ArrayLike<number>;
}

export interface DischargePlotOptions extends PlotOptions {
  /** C-rates that gave no capacity above the cut-off: named in the frame instead of drawn. */
  readonly noCapacityRates?: readonly number[];
}

/**
 * Cell voltage against discharged capacity, one line per C-rate (one design per plot). Rates
 * that gave no capacity above the cut-off voltage are named in the frame; when no rate gave
 * any, the frame keeps LiFePO4's capacity range and the cell's usual voltage window (2 to
 * 3.8 V) with the note in its middle, instead of an empty frame or an axis fitted to the
 * one point the cell reached the instant the current was on.
 */
export async function dischargeCurvesPlot(curves: readonly DischargeCurve[], options: DischargePlotOptions = {}): Promise<string> {
  const none = [...(options.noCapacityRates ?? [])].sort((a, b) => a - b);
  if (curves.length === 0 && none.length === 0) throw new InputError("curves: got an empty list and no noCapacityRates; give at least one curve or rate");
  const rows: object[] = [];
  const sorted = [...curves].sort((a, b) => a.cRate - b.cRate);
  for (const [k, c] of sorted.entries()) {
    if (c.capacityMAhPerG.length !== c.voltageV.length) throw new InputError(`curves (${c.cRate} C): capacityMAhPerG has ${c.capacityMAhPerG.length} points, voltageV ${c.voltageV.length}; they must match`);
    for (let i = 0; i < c.voltageV.length; i++) {
      rows.push({ series: `${c.cRate} C`, x: finite(`curves[${k}].capacityMAhPerG[${i}]`, c.capacityMAhPerG[i]!), y: finite(`curves[${k}].voltageV[${i}]`, c.voltageV[i]!), i });
    }
  }
  const names = [...new Set(sorted.map((c) => `${c.cRate} C`))];
  const { width, height } = size(options, 420, 300);
  const blank = rows.length === 0;
  const x = { field: "x", type: "quantitative", title: "capacity (mAh/g LiFePO₄)", ...(blank ? { scale: { domain: [0, LFP_THEORETICAL_MAH_PER_G] } } : {}) };
  const y = { field: "y", type: "quantitative", title: "cell voltage (V vs Li/Li⁺)", scale: blank ? { domain: [2, 3.8] } : { zero: false } };
  const note = none.length === 0 ? [] : [{ text: `no capacity above the cut-off at ${none.map((c) => `${c} C`).join(", ")}` }];
  const spec = {
    ...titled(options),
    width,
    height,
    layer: [
      {
        name: "curves",
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x,
          y,
          color: { field: "series", type: "ordinal", title: "C-rate", scale: { domain: names, scheme: "viridis" }, sort: names, ...(blank ? { legend: null } : {}) },
          order: { field: "i" },
        },
      },
      ...note.map((n) => ({
        name: "nocapacity",
        data: { values: [n] },
        mark: blank ? { type: "text", align: "center", baseline: "middle", fontSize: 13, color: "#b00", x: width / 2, y: height / 2 } : { type: "text", align: "left", baseline: "bottom", fontSize: 11, color: "#b00", x: 8, y: height - 8 },
        encoding: { text: { field: "text" } },
      })),
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

// ---------------------------------------------------------------------------------------
// Current map

export interface CurrentMap {
  /** nx * ny values, x fastest (index = x + nx y), e.g. one z-slice of a voxel field. */
  readonly values: Float32Array | Float64Array;
  readonly nx: number;
  readonly ny: number;
  /** Voxel edge; axes in um when given, else in voxels. */
  readonly voxelNm?: number;
  /** Colour legend title with units (default "|j| (A/cm²)"). */
  readonly valueTitle?: string;
  /** Logarithmic colour scale over the positive values (default false). */
  readonly logColor?: boolean;
  /** Largest cells per side; bigger maps are block-averaged (default 64). */
  readonly maxCellsPerSide?: number;
}

/** A heatmap of a 2D slice with a continuous (viridis) colour scale. */
export async function currentMapPlot(map: CurrentMap, options: PlotOptions = {}): Promise<string> {
  const { values, nx, ny } = map;
  if (!(Number.isInteger(nx) && nx >= 1 && Number.isInteger(ny) && ny >= 1)) throw new InputError(`nx, ny: got ${describe(nx)} x ${describe(ny)}; must be integers >= 1`);
  if (values.length !== nx * ny) throw new InputError(`values: got ${values.length} entries; nx * ny = ${nx * ny}`);
  const cap = map.maxCellsPerSide ?? 64;
  if (!(Number.isInteger(cap) && cap >= 1)) throw new InputError(`maxCellsPerSide: got ${describe(cap)}; must be an integer >= 1`);
  const bx = Math.ceil(nx / cap), by = Math.ceil(ny / cap);
  const mx = Math.ceil(nx / bx), my = Math.ceil(ny / by);
  const unit = map.voxelNm === undefined ? 1 : map.voxelNm / 1000;
  if (!(unit > 0)) throw new InputError(`voxelNm: got ${describe(map.voxelNm)}; must be > 0`);
  const log = map.logColor ?? false;
  const rows: object[] = [];
  for (let j = 0; j < my; j++) {
    for (let i = 0; i < mx; i++) {
      let s = 0, c = 0;
      for (let y = j * by; y < Math.min(ny, (j + 1) * by); y++) {
        for (let x = i * bx; x < Math.min(nx, (i + 1) * bx); x++) {
          const v = values[x + nx * y]!;
          if (Number.isFinite(v)) {
            s += v;
            c++;
          }
        }
      }
      const v = c > 0 ? s / c : NaN;
      if (!Number.isFinite(v) || (log && !(v > 0))) continue;
      // each cell reaches half a cell under its right and upper neighbours, which are drawn
      // after it and cover the overlap: no anti-aliasing seams, no change to what shows
      const xe = Math.min(nx, (i + 1.5) * bx), ye = Math.min(ny, (j + 1.5) * by);
      rows.push({ x: i * bx * unit, x2: xe * unit, y: j * by * unit, y2: ye * unit, v });
    }
  }
  const axisUnit = map.voxelNm === undefined ? "voxels" : "µm";
  const side = options.width ?? 360;
  const spec = {
    ...titled(options),
    width: side,
    height: options.height ?? Math.max(40, Math.round((side * ny) / nx)),
    name: "cells",
    data: { values: rows },
    mark: { type: "rect" },
    config: { axis: { grid: false } },
    encoding: {
      x: { field: "x", type: "quantitative", title: `x (${axisUnit}), current flows along x`, scale: { domain: [0, nx * unit], nice: false, zero: false } },
      x2: { field: "x2" },
      y: { field: "y", type: "quantitative", title: `y (${axisUnit})`, scale: { domain: [0, ny * unit], nice: false, zero: false } },
      y2: { field: "y2" },
      color: { field: "v", type: "quantitative", title: map.valueTitle ?? "|j| (A/cm²)", scale: { scheme: "viridis", type: log ? "log" : "linear" } },
    },
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

export interface PhaseCurrentSlice {
  /** Voxels along the slice's horizontal (x, the current's direction) and vertical axis. */
  readonly width: number;
  readonly height: number;
  /** Voxel edges along the two axes, nm. */
  readonly voxelNm: readonly [number, number];
  /** Name of the vertical axis (default "z"). */
  readonly verticalAxis?: string;
  readonly phaseNames: readonly string[];
  /** Index into phaseNames per voxel, col + width row. */
  readonly phase: ArrayLike<number>;
  /** |j| per voxel, A/cm2; 0 (no current) is left blank. */
  readonly currentDensityACm2: ArrayLike<number>;
  /** Largest cells per side; bigger slices are block-averaged (|j|) and take each block's most common phase (default 100). */
  readonly maxCellsPerSide?: number;
}

/** Decades of |j| the slice's colour scale spans at most. */
export const CURRENT_DECADES = 3;

/** Colours of the design generators' phases (structure/morphology/phases.ts), so every page draws a MOF alike. */
const NAMED_PHASE_COLORS: Readonly<Record<string, string>> = { mof: "#3182bd", pore: "#e8e8e8", fibre: "#a6761d", polymer: "#74c476" };

/** Colours for other phase names, in turn: distinct hues. */
const PHASE_COLORS = ["#e6550d", "#9e9ac8", "#636363", "#fdae6b", "#e7ba52", "#843c39", "#31a354", "#bdbdbd"];

/** One colour per phase name: the generators' own, then PHASE_COLORS not already taken. */
function phaseColors(names: readonly string[]): string[] {
  const free = PHASE_COLORS.filter((c) => !names.some((n) => NAMED_PHASE_COLORS[n] === c));
  let k = 0;
  return names.map((n) => NAMED_PHASE_COLORS[n] ?? free[k++ % free.length]!);
}

/**
 * A voxel slice in two panels side by side on the same axes (um): the microstructure (one
 * colour per phase; runs of one phase along a row drawn as one rectangle) and |j| on a
 * logarithmic viridis scale (voxels without current left blank). Slices with more than
 * maxCellsPerSide voxels along a side are drawn in blocks.
 */
export async function currentSlicePlot(slice: PhaseCurrentSlice, options: PlotOptions = {}): Promise<string> {
  const { width: nx, height: ny, phase, currentDensityACm2: j } = slice;
  if (!(Number.isInteger(nx) && nx >= 1 && Number.isInteger(ny) && ny >= 1)) throw new InputError(`width, height: got ${describe(nx)} x ${describe(ny)}; must be integers >= 1`);
  if (phase.length !== nx * ny || j.length !== nx * ny) throw new InputError(`phase, currentDensityACm2: got ${phase.length} and ${j.length} entries; width * height = ${nx * ny}`);
  const [hx, hy] = slice.voxelNm;
  if (!(hx! > 0 && hy! > 0)) throw new InputError(`voxelNm: got ${describe(slice.voxelNm)}; must be two edges > 0`);
  const names = slice.phaseNames;
  const cap = slice.maxCellsPerSide ?? 100;
  const bx = Math.ceil(nx / cap), by = Math.ceil(ny / cap);
  const mx = Math.ceil(nx / bx), my = Math.ceil(ny / by);
  const ux = hx! / 1000, uy = hy! / 1000;
  // block values first: each block's most common phase and mean |j|
  const blockPhase = new Int32Array(mx * my), blockJ = new Float64Array(mx * my);
  const votes = new Float64Array(names.length);
  for (let q = 0; q < my; q++) {
    for (let p = 0; p < mx; p++) {
      votes.fill(0);
      let s = 0, c = 0;
      for (let y = q * by; y < Math.min(ny, (q + 1) * by); y++) {
        for (let x = p * bx; x < Math.min(nx, (p + 1) * bx); x++) {
          const k = phase[x + nx * y]!;
          if (!(Number.isInteger(k) && k >= 0 && k < names.length)) throw new InputError(`phase[${x + nx * y}]: got ${describe(k)}; must index phaseNames (0 to ${names.length - 1})`);
          votes[k]!++;
          const v = j[x + nx * y]!;
          if (Number.isFinite(v)) {
            s += v;
            c++;
          }
        }
      }
      let best = 0;
      for (let k = 1; k < votes.length; k++) if (votes[k]! > votes[best]!) best = k;
      blockPhase[p + mx * q] = best;
      blockJ[p + mx * q] = c > 0 ? s / c : 0;
    }
  }
  // a rectangle reaches half a block under its right and upper neighbours where they are
  // drawn (after it, covering the overlap): no anti-aliasing seams between them, and no
  // colour spilt onto a blank neighbour
  const xEnd = (p: number, over: boolean): number => Math.min(nx, (p + (over ? 1.5 : 1)) * bx) * ux;
  const yEnd = (q: number, over: boolean): number => Math.min(ny, (q + (over ? 1.5 : 1)) * by) * uy;
  const phases: object[] = [];
  const currents: object[] = [];
  let top = 0;
  for (let q = 0; q < my; q++) {
    // runs of one phase along the row, one rectangle each
    for (let p = 0; p < mx; ) {
      const k = blockPhase[p + mx * q]!;
      let e = p + 1;
      while (e < mx && blockPhase[e + mx * q] === k) e++;
      phases.push({ x: p * bx * ux, x2: xEnd(e - 1, e < mx), y: q * by * uy, y2: yEnd(q, q + 1 < my), phase: names[k] });
      p = e;
    }
    for (let p = 0; p < mx; p++) {
      const v = blockJ[p + mx * q]!;
      if (!(v > 0)) continue;
      top = Math.max(top, v);
      const drawn = (pp: number, qq: number): boolean => pp < mx && qq < my && blockJ[pp + mx * qq]! > 0;
      const right = drawn(p + 1, q), up = drawn(p, q + 1);
      const x = p * bx * ux, y = q * by * uy;
      if (right && up && !drawn(p + 1, q + 1)) {
        // not into the blank block diagonally above: one rectangle each way
        currents.push({ x, x2: xEnd(p, true), y, y2: yEnd(q, false), v }, { x, x2: xEnd(p, false), y, y2: yEnd(q, true), v });
      } else currents.push({ x, x2: xEnd(p, right), y, y2: yEnd(q, up), v });
    }
  }
  // the colour scale spans at most DECADES below the largest |j| (dead ends carrying next to
  // nothing would otherwise stretch it over many decades); smaller values take its lowest colour
  const bottom = Math.max(Math.min(...currents.map((c) => (c as { v: number }).v)), top / 10 ** CURRENT_DECADES);
  const side = options.width ?? 300;
  const w = nx * hx!, h = ny * hy!;
  const height = options.height ?? Math.max(40, Math.round((side * h) / w));
  const vertical = slice.verticalAxis ?? "z";
  const axes = {
    x: { field: "x", type: "quantitative", title: "x (µm), current flows along x", scale: { domain: [0, nx * ux], nice: false, zero: false } },
    x2: { field: "x2" },
    y: { field: "y", type: "quantitative", title: `${vertical} (µm)`, scale: { domain: [0, ny * uy], nice: false, zero: false } },
    y2: { field: "y2" },
  };
  const spec = {
    ...titled(options),
    config: { axis: { grid: false } },
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    hconcat: [
      {
        name: "phases",
        title: "phase",
        width: side,
        height,
        data: { values: phases },
        mark: { type: "rect" },
        encoding: { ...axes, color: { field: "phase", type: "nominal", title: "phase", scale: { domain: [...names], range: phaseColors(names) }, sort: [...names] } },
      },
      currents.length > 0
        ? {
            name: "current",
            title: "|j|",
            width: side,
            height,
            data: { values: currents },
            mark: { type: "rect" },
            encoding: { ...axes, color: { field: "v", type: "quantitative", title: "|j| (A/cm²)", scale: { scheme: "viridis", type: "log", domain: [bottom, top], clamp: true } } },
          }
        : {
            // a sample without a conducting path: an empty frame that says so
            name: "current",
            title: "|j|",
            width: side,
            height,
            data: { values: [{ x: 0, x2: nx * ux, y: 0, y2: ny * uy, text: "no current through this slice" }] },
            layer: [
              { mark: { type: "rect", opacity: 0 }, encoding: axes },
              { mark: { type: "text", align: "center", baseline: "middle", fontSize: 12, color: "#b00", x: side / 2, y: height / 2 }, encoding: { text: { field: "text" } } },
            ],
          },
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

/** A slab of a particle network (report/networkSlice.ts): particles as circles, bonds as segments with their currents. */
export interface NetworkSlab {
  /** The box's extent in the plane, nm (x: the field's direction, and y). */
  readonly boxNm: readonly [number, number];
  readonly particles: { readonly xNm: ArrayLike<number>; readonly yNm: ArrayLike<number>; readonly radiusNm: ArrayLike<number> };
  readonly bonds: { readonly x1Nm: ArrayLike<number>; readonly y1Nm: ArrayLike<number>; readonly x2Nm: ArrayLike<number>; readonly y2Nm: ArrayLike<number>; readonly currentA: ArrayLike<number> };
}

/**
 * A slab of a particle network seen along z: each particle its projected circle (true
 * radius on the plot's scale, translucent, so the ones behind show through), each bond a
 * segment coloured by |I| on a logarithmic viridis scale over at most CURRENT_DECADES below
 * the largest (smaller values take its lowest colour); bonds without current thin and grey.
 * Segments leaving the box (bonds across the periodic boundary) are clipped at its edge.
 */
export async function networkSlicePlot(slab: NetworkSlab, options: PlotOptions = {}): Promise<string> {
  const [Lx, Ly] = slab.boxNm;
  if (!(Lx! > 0 && Ly! > 0)) throw new InputError(`boxNm: got ${describe(slab.boxNm)}; must be two sides > 0`);
  const p = slab.particles, b = slab.bonds;
  if (p.yNm.length !== p.xNm.length || p.radiusNm.length !== p.xNm.length) throw new InputError(`particles: xNm has ${p.xNm.length} entries, yNm ${p.yNm.length}, radiusNm ${p.radiusNm.length}; they must match`);
  const m = b.x1Nm.length;
  if (b.y1Nm.length !== m || b.x2Nm.length !== m || b.y2Nm.length !== m || b.currentA.length !== m) throw new InputError(`bonds: x1Nm has ${m} entries, y1Nm ${b.y1Nm.length}, x2Nm ${b.x2Nm.length}, y2Nm ${b.y2Nm.length}, currentA ${b.currentA.length}; they must match`);
  const side = options.width ?? 360;
  const height = options.height ?? Math.max(40, Math.round((side * Ly!) / Lx!));
  const px = side / (Lx! / 1000); // pixels per um
  const circles = Array.from(p.xNm, (x, i) => ({ x: finite(`particles.xNm[${i}]`, x) / 1000, y: finite(`particles.yNm[${i}]`, p.yNm[i]!) / 1000, area: Math.PI * ((finite(`particles.radiusNm[${i}]`, p.radiusNm[i]!) / 1000) * px) ** 2 }));
  const live: object[] = [], dead: object[] = [];
  let top = 0, low = Infinity;
  for (let k = 0; k < m; k++) {
    const v = Math.abs(finite(`bonds.currentA[${k}]`, b.currentA[k]!));
    const row = { x: finite(`bonds.x1Nm[${k}]`, b.x1Nm[k]!) / 1000, y: finite(`bonds.y1Nm[${k}]`, b.y1Nm[k]!) / 1000, x2: finite(`bonds.x2Nm[${k}]`, b.x2Nm[k]!) / 1000, y2: finite(`bonds.y2Nm[${k}]`, b.y2Nm[k]!) / 1000, v };
    if (v > 0) {
      live.push(row);
      top = Math.max(top, v);
      low = Math.min(low, v);
    } else dead.push(row);
  }
  // weakest drawn first, so the strongest paths lie on top
  live.sort((a, c) => (a as { v: number }).v - (c as { v: number }).v);
  const bottom = Math.max(low, top / 10 ** CURRENT_DECADES);
  const x = { field: "x", type: "quantitative", title: "x (µm), field along x", scale: { domain: [0, Lx! / 1000], nice: false, zero: false } };
  const y = { field: "y", type: "quantitative", title: "y (µm)", scale: { domain: [0, Ly! / 1000], nice: false, zero: false } };
  const spec = {
    ...titled(options),
    width: side,
    height,
    config: { axis: { grid: false } },
    layer: [
      { name: "particles", data: { values: circles }, mark: { type: "circle", clip: true, fill: "#9ecae1", fillOpacity: 0.35, stroke: "#6b8fb0", strokeWidth: 0.6, strokeOpacity: 0.8 }, encoding: { x, y, size: { field: "area", type: "quantitative", scale: null } } },
      ...(dead.length > 0 ? [{ name: "nocurrent", data: { values: dead }, mark: { type: "rule", clip: true, color: "#aaa", strokeWidth: 0.8 }, encoding: { x, y, x2: { field: "x2" }, y2: { field: "y2" } } }] : []),
      ...(live.length > 0
        ? [{ name: "bonds", data: { values: live }, mark: { type: "rule", clip: true, strokeWidth: 2, strokeCap: "round" }, encoding: { x, y, x2: { field: "x2" }, y2: { field: "y2" }, color: { field: "v", type: "quantitative", title: "|I| (A) at 1 V/cm", scale: { scheme: "viridis", type: "log", domain: [bottom, top], clamp: true } } } }]
        : [{ name: "nocurrentnote", data: { values: [{ text: "no current through this slab" }] }, mark: { type: "text", align: "center", baseline: "middle", fontSize: 12, color: "#b00", x: side / 2, y: height / 2 }, encoding: { text: { field: "text" } } }]),
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

// ---------------------------------------------------------------------------------------
// Bars

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly stdErr?: number;
}

export interface BarPlotOptions extends PlotOptions {
  /** Value axis title with units, e.g. "σ (S/cm)". */
  readonly valueTitle: string;
  /** Logarithmic value axis (default false; needs positive values). */
  readonly logScale?: boolean;
}

/** One bar per design, in the given order, with +-1 standard error bars. */
export async function barPlot(bars: readonly Bar[], options: BarPlotOptions): Promise<string> {
  nonEmpty("bars", bars);
  const log = options.logScale ?? false;
  const rows = bars.map((b, i) => {
    const v = finite(`bars[${i}].value`, b.value);
    if (log && !(v > 0)) throw new InputError(`bars[${i}].value: got ${v}; must be > 0 on a log scale`);
    const se = b.stdErr !== undefined && b.stdErr > 0 ? b.stdErr : 0;
    return { label: b.label, v, lo: log ? Math.max(v - se, v / 10) : v - se, hi: v + se, hasErr: se > 0 };
  });
  // a log axis has no zero: bars rise from the decade below the lowest bar end
  const base = log ? Math.pow(10, Math.floor(Math.log10(Math.min(...rows.map((r) => r.lo))) - 1e-9)) : 0;
  const labels = bars.map((b) => b.label);
  const x = { field: "label", type: "nominal", title: null, sort: labels, axis: { labelAngle: labels.some((l) => l.length > 8) ? -30 : 0 } };
  const spec = {
    ...titled(options),
    ...size(options, Math.max(200, 60 * bars.length), 280),
    layer: [
      {
        name: "bars",
        data: { values: rows },
        mark: { type: "bar", color: "#4c78a8" },
        encoding: { x, y: { field: "v", type: "quantitative", title: options.valueTitle, scale: log ? { type: "log", domainMin: base } : { zero: true }, axis: log ? { format: "~e" } : {} }, y2: { datum: base } },
      },
      {
        name: "errorbars",
        data: { values: rows.filter((r) => r.hasErr) },
        mark: { type: "rule", color: "black" },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

// ---------------------------------------------------------------------------------------
// Distribution of relaxation times

export interface DrtPlotSeries {
  readonly name: string;
  readonly tauS: ArrayLike<number>;
  /** gamma(ln tau), ohm per unit ln tau. */
  readonly gammaOhm: ArrayLike<number>;
  /** Peaks to mark: a rule at each tau, labelled with its area. */
  readonly peaks?: readonly { readonly tauS: number; readonly areaOhm: number }[];
}

/** gamma against tau (log axis), one line per series, peaks as labelled rules; the measured window shaded when given. */
export async function drtPlot(series: readonly DrtPlotSeries[], options: PlotOptions & { readonly windowS?: readonly [number, number] } = {}): Promise<string> {
  nonEmpty("series", series);
  const rows: object[] = [], peaks: object[] = [];
  series.forEach((s, k) => {
    if (s.tauS.length !== s.gammaOhm.length) throw new InputError(`series[${k}]: tauS has ${s.tauS.length} points, gammaOhm ${s.gammaOhm.length}; they must match`);
    nonEmpty(`series[${k}].tauS`, Array.from(s.tauS));
    for (let i = 0; i < s.tauS.length; i++) {
      const t = finite(`series[${k}].tauS[${i}]`, s.tauS[i]!);
      if (!(t > 0)) throw new InputError(`series[${k}].tauS[${i}]: got ${t}; must be > 0 on a log axis`);
      rows.push({ series: s.name, x: t, y: finite(`series[${k}].gammaOhm[${i}]`, s.gammaOhm[i]!), i });
    }
    for (const p of s.peaks ?? []) peaks.push({ series: s.name, x: p.tauS, label: `${p.areaOhm.toPrecision(3)} Ω` });
  });
  const names = series.map((s) => s.name);
  // one series needs no legend
  const color = names.length > 1 ? seriesColor(names, null) : { ...seriesColor(names, null), legend: null };
  const x = { field: "x", type: "quantitative", title: "τ (s)", scale: { type: "log" }, axis: { format: "~e" } };
  const win = options.windowS;
  const spec = {
    ...titled(options),
    ...size(options, 420, 280),
    layer: [
      ...(win === undefined ? [] : [{ name: "window", data: { values: [{ x: win[0], x2: win[1] }] }, mark: { type: "rect", color: "#f2f2f2" }, encoding: { x, x2: { field: "x2" } } }]),
      { name: "curves", data: { values: rows }, mark: { type: "line", strokeWidth: 1.5, interpolate: "linear" }, encoding: { x, y: { field: "y", type: "quantitative", title: "γ (Ω per unit ln τ)" }, color, order: { field: "i" }, detail: { field: "series" } } },
      { name: "peaks", data: { values: peaks }, mark: { type: "rule", strokeDash: [3, 3] }, encoding: { x, color } },
      { name: "peaklabels", data: { values: peaks }, mark: { type: "text", align: "left", dx: 3, baseline: "top", y: 4, fontSize: 10 }, encoding: { x, text: { field: "label" }, color } },
    ],
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}
