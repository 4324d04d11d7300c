/**
 * SVG plots: well formed, titled with units, one mark per series or point, deterministic.
 */
import { describe, expect, it } from "vitest";
import { fitArrhenius } from "../../src/analysis/arrhenius.js";
import { CIRCUITS, circuitImpedance, logFrequencies } from "../../src/analysis/circuits.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";
import { arrheniusPlot, barPlot, bodePlot, currentMapPlot, currentSlicePlot, decadePoints, dischargeCurvesPlot, drtPlot, formatHz, nyquistPanelsPlot, nyquistPlot, rateCapabilityPlot } from "../../src/report/plots.js";

/** Count of <tag> elements in each mark group of the given class (one group per line series). */
function perGroup(svg: string, markClass: string, tag: "path" | "line"): number[] {
  const re = new RegExp(`<g class="${markClass}"[^>]*>(.*?)</g>`, "g");
  return [...svg.matchAll(re)].map((m) => (m[1]!.match(new RegExp(`<${tag}[\\s>]`, "g")) ?? []).length);
}

const pathsPerGroup = (svg: string, markClass: string): number[] => perGroup(svg, markClass, "path");

/** Elements of a mark over all its groups (symbols and rects are paths, rules are lines). */
const elements = (svg: string, markClass: string, tag: "path" | "line"): number => perGroup(svg, markClass, tag).reduce((a, b) => a + b, 0);

function wellFormed(svg: string): void {
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  expect(svg).toMatch(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // balanced <g> groups (an empty group is written self-closing, <g .../>, and needs no end tag)
  expect((svg.match(/<g[\s>]/g) ?? []).length - (svg.match(/<g[^>]*\/>/g) ?? []).length).toBe((svg.match(/<\/g>/g) ?? []).length);
  expect(svg).not.toMatch(/NaN|undefined/);
}

const kB = BOLTZMANN_EV_PER_K;
const TEMPS = [253.15, 273.15, 298.15, 313.15, 333.15];
const arrheniusSeries = [
  { ea: 0.16, a: 40, name: "Li+" },
  { ea: 0.19, a: 90, name: "Na+" },
  { ea: 0.27, a: 2000, name: "K+" },
].map(({ ea, a, name }) => {
  const points = TEMPS.map((T) => {
    const s = (a / T) * Math.exp(-ea / (kB * T));
    return { temperatureK: T, conductivitySPerCm: s, conductivityStdErr: 0.05 * s };
  });
  return { name, points, fit: fitArrhenius(points) };
});

describe("plots", () => {
  it("arrheniusPlot: axis titles, a fitted line per series, a symbol and an error bar per point, legend", async () => {
    const svg = await arrheniusPlot(arrheniusSeries, { title: "pellets" });
    wellFormed(svg);
    expect(svg).toContain("1000 / T (1/K)");
    expect(svg).toContain("log10 σ (S/cm)");
    expect(pathsPerGroup(svg, "mark-line role-mark fitlines_marks")).toEqual([1, 1, 1]);
    expect(elements(svg, "mark-symbol role-mark points_marks", "path")).toBe(15);
    expect(elements(svg, "mark-rule role-mark errorbars_marks", "line")).toBe(15);
    for (const s of ["Li+", "Na+", "K+"]) expect(svg).toContain(`>${s}</text>`);
    expect(await arrheniusPlot(arrheniusSeries, { title: "pellets" })).toBe(svg);
  });

  it("arrheniusPlot: prediction bands as one shaded area per series and level, none without bands", async () => {
    const points = [300, 320, 340].map((T, i) => ({ temperatureK: T, conductivitySPerCm: 1e-3 * (i + 1), band68: [0.8e-3 * (i + 1), 1.2e-3 * (i + 1)] as const, band90: [0.6e-3 * (i + 1), 1.5e-3 * (i + 1)] as const }));
    const svg = await arrheniusPlot([{ name: "a", points }, { name: "b", points: points.map((p) => ({ ...p, conductivitySPerCm: p.conductivitySPerCm * 3, band68: [p.band68[0] * 3, p.band68[1] * 3] as const, band90: [p.band90[0] * 3, p.band90[1] * 3] as const })) }]);
    wellFormed(svg);
    expect(pathsPerGroup(svg, "mark-area role-mark bands_marks")).toEqual([1, 1, 1, 1]);
    expect(await arrheniusPlot(arrheniusSeries)).not.toContain("bands_marks");
  });

  it("nyquistPlot: -Z'' against Z' on equal scales, a curve per series", async () => {
    const f = logFrequencies(0.1, 1e6, 41);
    const a = circuitImpedance(CIRCUITS.liSymmetric, { R_bulk: 100, R_int: 400, Q_int: 1e-6, n_int: 0.85 }, f);
    const b = circuitImpedance(CIRCUITS.liSymmetric, { R_bulk: 30, R_int: 150, Q_int: 1e-6, n_int: 0.85 }, f);
    const series = [{ name: "pellet", realOhm: a.re, imagOhm: a.im }, { name: "interconnected", realOhm: b.re, imagOhm: b.im }];
    const svg = await nyquistPlot(series);
    wellFormed(svg);
    expect(svg).toContain("Z′ (Ω)");
    expect(svg).toContain("−Z″ (Ω)");
    expect(pathsPerGroup(svg, "mark-line role-mark curves_marks")).toEqual([1, 1]);
    expect(elements(svg, "mark-symbol role-mark points_marks", "path")).toBe(82);
    // equal scaling: a square plot area whose x and y grids have the same pixel spacing per ohm
    expect(svg).toMatch(/<path class="background"[^>]*d="M0\.5,0\.5h360v360h-360Z"/);
    expect(await nyquistPlot(series)).toBe(svg);
  });

  it("nyquistPanelsPlot: a square panel per design, its fitted curve, a marker and (where room) a label per decade", async () => {
    const f = logFrequencies(0.1, 1e6, 36); // 5 points per decade, decades on the grid
    const params = (s: number) => ({ R_bulk: 100 * s, R_int: 400 * s, Q_int: 1e-6 / s, n_int: 0.85 });
    const fine = logFrequencies(0.1, 1e6, 281);
    const panels = [1, 1e4].map((s, k) => {
      const z = circuitImpedance(CIRCUITS.liSymmetric, params(s), f);
      const c = circuitImpedance(CIRCUITS.liSymmetric, params(s), fine);
      return { name: `design ${k}`, frequenciesHz: f, realOhm: z.re, imagOhm: z.im, fitted: { frequenciesHz: fine, realOhm: c.re, imagOhm: c.im, circuit: CIRCUITS.liSymmetric } };
    });
    const svg = await nyquistPanelsPlot(panels, { width: 200 });
    wellFormed(svg);
    // each panel square (equal ohms per pixel), on its own scale
    expect(svg.match(/<path class="background"[^>]*d="M0\.5,0\.5h200v200h-200Z"/g)).toHaveLength(2);
    expect(pathsPerGroup(svg, "mark-line role-mark fitted0_marks")).toEqual([1]);
    expect(pathsPerGroup(svg, "mark-line role-mark fitted1_marks")).toEqual([1]);
    expect(elements(svg, "mark-symbol role-mark spectrum0_marks", "path")).toBe(36);
    expect(elements(svg, "mark-symbol role-mark decades1_marks", "path")).toBe(8); // 0.1 Hz to 1 MHz
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*Hz)<\/text>/g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThan(2);
    expect(labels.length).toBeLessThanOrEqual(16);
    expect(labels).toContain("1 kHz");
    expect(await nyquistPanelsPlot(panels, { width: 200 })).toBe(svg);
  });

  it("decadePoints and formatHz: the spectrum at each decade, frequencies with SI prefixes", () => {
    // Z' linear in log f: interpolation in log f is exact
    const f = [0.5, 2, 50, 2000];
    const re = f.map((x) => Math.log10(x)), im = f.map((x) => -2 * Math.log10(x));
    const d = decadePoints(f, re, im);
    expect(d.map((p) => p.frequencyHz)).toEqual([1, 10, 100, 1000]);
    for (const p of d) {
      expect(p.realOhm).toBeCloseTo(Math.log10(p.frequencyHz), 12);
      expect(p.imagOhm).toBeCloseTo(-2 * Math.log10(p.frequencyHz), 12);
    }
    expect([1e-2, 0.1, 1, 10, 1e3, 1e6, 2.5e7].map(formatHz)).toEqual(["10 mHz", "100 mHz", "1 Hz", "10 Hz", "1 kHz", "1 MHz", "25 MHz"]);
  });

  it("bodePlot: |Z| and phase against frequency, points and fitted lines per series, one legend", async () => {
    const f = logFrequencies(0.1, 1e6, 15);
    const series = [1, 30].map((s) => {
      const z = circuitImpedance(CIRCUITS.liSymmetric, { R_bulk: 100 * s, R_int: 400 * s, Q_int: 1e-6, n_int: 0.85 }, f);
      return { name: `x${s}`, frequenciesHz: f, realOhm: z.re, imagOhm: z.im, fitted: { frequenciesHz: f, realOhm: z.re, imagOhm: z.im } };
    });
    const svg = await bodePlot(series);
    wellFormed(svg);
    expect(svg).toContain("|Z| (Ω)");
    expect(svg).toContain("−phase (°)");
    expect(svg).toContain("frequency (Hz)");
    expect(pathsPerGroup(svg, "mark-line role-mark maglines_marks")).toEqual([1, 1]);
    expect(elements(svg, "mark-symbol role-mark phasepoints_marks", "path")).toBe(30);
    expect(svg.match(/role-legend"/g)).toHaveLength(1);
    // the second series is dashed, so curves that coincide stay apart
    expect(svg).toMatch(/stroke-dasharray="6,3"/);
  });

  it("rateCapabilityPlot: log C-rate axis, a line per series", async () => {
    const rates = [0.2, 0.5, 1, 2, 3, 5];
    const series = [
      { name: "interconnected", points: rates.map((c, i) => ({ cRate: c, dischargeCapacityMAhPerG: 159 - 8 * i, stdErr: 2 })) },
      { name: "mof-pvdf", points: rates.map((c, i) => ({ cRate: c, dischargeCapacityMAhPerG: 155 - 20 * i })) },
    ];
    const svg = await rateCapabilityPlot(series);
    wellFormed(svg);
    expect(svg).toContain("discharge capacity (mAh/g)");
    expect(svg).toContain("C-rate");
    expect(pathsPerGroup(svg, "mark-line role-mark lines_marks")).toEqual([1, 1]);
    expect(elements(svg, "mark-symbol role-mark points_marks", "path")).toBe(12);
    expect(elements(svg, "mark-rule role-mark errorbars_marks", "line")).toBe(6);
    expect(await rateCapabilityPlot(series)).toBe(svg);
  });

  it("rateCapabilityPlot: a design with no capacity is named in the frame; coinciding curves differ in dash and marker", async () => {
    const rates = [0.2, 1, 5];
    const same = rates.map((c, i) => ({ cRate: c, dischargeCapacityMAhPerG: 150 - 20 * i }));
    const svg = await rateCapabilityPlot([
      { name: "a", points: same },
      { name: "b", points: same },
      { name: "dead", points: rates.map((c) => ({ cRate: c, dischargeCapacityMAhPerG: 0 })) },
    ]);
    wellFormed(svg);
    expect(svg).toContain("dead: no capacity above the cut-off at any rate");
    expect(svg).not.toContain("a: no capacity");
    expect(svg).toMatch(/stroke-dasharray="6,3"/); // b's line is dashed over a's solid one
    // nothing has capacity: the axis keeps LiFePO4's range instead of collapsing at 0
    const none = await rateCapabilityPlot([{ name: "dead", points: rates.map((c) => ({ cRate: c, dischargeCapacityMAhPerG: 0 })) }]);
    expect(none).toContain(">160<");
    expect(none).toContain("no capacity above the cut-off at any rate");
    // an error bar larger than its capacity stops at zero: the axis does not run negative
    const tiny = await rateCapabilityPlot([{ name: "edge", points: [{ cRate: 1, dischargeCapacityMAhPerG: 100 }, { cRate: 2, dischargeCapacityMAhPerG: 0.2, stdErr: 60 }] }]);
    expect(tiny).not.toMatch(/>−\d/);
  });

  it("dischargeCurvesPlot: no capacity at any rate gives a labelled frame on the usual axes, not an empty or absurd one", async () => {
    const svg = await dischargeCurvesPlot([], { title: "dead", noCapacityRates: [1, 0.2] });
    wellFormed(svg);
    expect(svg).toContain("no capacity above the cut-off at 0.2 C, 1 C");
    expect(svg).toContain(">3.8<");
    expect(svg).toContain(">160<");
    expect(svg).not.toContain("C-rate"); // no legend of nothing
    await expect(dischargeCurvesPlot([])).rejects.toThrow(/give at least one curve or rate/);
  });

  it("dischargeCurvesPlot: a line per C-rate", async () => {
    const curves = [5, 0.2, 1].map((c) => {
      const q = Array.from({ length: 50 }, (_, i) => (i * (160 - 10 * c)) / 49);
      return { cRate: c, capacityMAhPerG: q, voltageV: q.map((x) => 3.43 - 0.02 * c - 0.002 * x) };
    });
    const svg = await dischargeCurvesPlot(curves, { title: "interconnected" });
    wellFormed(svg);
    expect(svg).toContain("capacity (mAh/g LiFePO₄)");
    expect(svg).toContain("cell voltage (V vs Li/Li⁺)");
    expect(pathsPerGroup(svg, "mark-line role-mark curves_marks")).toEqual([1, 1, 1]);
    // legend in C-rate order
    const labels = [...svg.matchAll(/>([0-9.]+ C)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(["0.2 C", "1 C", "5 C"]);
    expect(await dischargeCurvesPlot(curves, { title: "interconnected" })).toBe(svg);
  });

  it("currentSlicePlot: phases as one rectangle per run along a row, |j| one per voxel carrying current, two legends; no current is said in the frame", async () => {
    // 6 x 4 voxels: phase 0 in columns 0-2, phase 1 in 3-5; |j| = 0 (blank) on phase 1 in the top row
    const width = 6, height = 4;
    const phase = Array.from({ length: width * height }, (_, i) => (i % width < 3 ? 0 : 1));
    const j = Array.from({ length: width * height }, (_, i) => (i % width >= 3 && Math.floor(i / width) === 3 ? 0 : 1 + i));
    const slice = { width, height, voxelNm: [50, 20] as const, phaseNames: ["mof", "pore"], phase, currentDensityACm2: j };
    const svg = await currentSlicePlot(slice, { title: "a slice" });
    wellFormed(svg);
    expect(elements(svg, "mark-rect role-mark phases_marks", "path")).toBe(2 * height);
    // 21 voxels carry current; voxel (2, 2) reaches under both neighbours but not into the blank (3, 3): two rectangles
    expect(elements(svg, "mark-rect role-mark current_marks", "path")).toBe(22);
    for (const t of ["x (µm), current flows along x", "z (µm)", "|j| (A/cm²)", ">mof</text>", ">pore</text>", "a slice"]) expect(svg).toContain(t);
    expect(await currentSlicePlot(slice, { title: "a slice" })).toBe(svg);
    const none = await currentSlicePlot({ ...slice, currentDensityACm2: new Float32Array(width * height) });
    wellFormed(none);
    expect(none).toContain("no current through this slice");
    await expect(currentSlicePlot({ ...slice, phase: phase.map((p) => p + 1) })).rejects.toThrowErrorMatchingInlineSnapshot(`[InputError: phase[3]: got 2; must index phaseNames (0 to 1)]`);
  });

  it("currentMapPlot: one cell per (block-averaged) voxel, a colour legend, stable gradient ids", async () => {
    const nx = 20, ny = 10;
    const v = new Float32Array(nx * ny).map((_, i) => 1 + (i % nx) + 3 * Math.floor(i / nx));
    const svg = await currentMapPlot({ values: v, nx, ny, voxelNm: 50, valueTitle: "|j| (mA/cm²)" });
    wellFormed(svg);
    expect(svg).toContain("x (µm), current flows along x");
    expect(svg).toContain("y (µm)");
    expect(svg).toContain("|j| (mA/cm²)");
    expect(elements(svg, "mark-rect role-mark cells_marks", "path")).toBe(200);
    const small = await currentMapPlot({ values: v, nx, ny, maxCellsPerSide: 5 });
    expect(elements(small, "mark-rect role-mark cells_marks", "path")).toBe(5 * 5); // blocks of 4 x 2 voxels
    expect(small).toContain("x (voxels)");
    // vega numbers gradients from a global counter: ids are renamed from a content hash
    const again = await currentMapPlot({ values: v, nx, ny, voxelNm: 50, valueTitle: "|j| (mA/cm²)" });
    expect(again).toBe(svg);
    expect(svg).toMatch(/id="f[0-9a-f]{8}-0"/);
    expect(svg).toMatch(/url\(#f[0-9a-f]{8}-0\)/);
  });

  it("barPlot: one bar per design, error bars where given, log axis", async () => {
    const bars = [
      { label: "pellet", value: 2.65e-4, stdErr: 1e-5 },
      { label: "mof-pvdf", value: 5e-5, stdErr: 3e-6 },
      { label: "bc", value: 1e-7 },
    ];
    const svg = await barPlot(bars, { valueTitle: "σ (S/cm)", logScale: true });
    wellFormed(svg);
    expect(svg).toContain("σ (S/cm)");
    expect(elements(svg, "mark-rect role-mark bars_marks", "path")).toBe(3);
    expect(elements(svg, "mark-rule role-mark errorbars_marks", "line")).toBe(2);
    expect(await barPlot(bars, { valueTitle: "σ (S/cm)", logScale: true })).toBe(svg);
  });

  it("rejects bad data with the field named", async () => {
    await expect(arrheniusPlot([{ name: "x", points: [{ temperatureK: 300, conductivitySPerCm: 0 }] }])).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InputError: series[0].points[0]: got T 300 K, sigma 0 S/cm; both must be > 0 on a log scale]`,
    );
    await expect(nyquistPlot([{ name: "x", realOhm: [1, 2], imagOhm: [1] }])).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InputError: series[0]: realOhm has 2 points, imagOhm 1; they must match]`,
    );
    await expect(currentMapPlot({ values: new Float32Array(5), nx: 2, ny: 2 })).rejects.toThrowErrorMatchingInlineSnapshot(`[InputError: values: got 5 entries; nx * ny = 4]`);
    await expect(barPlot([], { valueTitle: "x" })).rejects.toThrowErrorMatchingInlineSnapshot(`[InputError: bars: got an empty list; give at least one]`);
  });
});

describe("drtPlot", () => {
  it("a line per series on a log tau axis, a dashed rule and an area label per peak, the window shaded; refuses tau <= 0", async () => {
    const tau = Array.from({ length: 41 }, (_, i) => 1e-6 * 10 ** (i / 5));
    const gamma = tau.map((t) => 100 * Math.exp(-((Math.log10(t / 1e-3)) ** 2)));
    const svg = await drtPlot([{ name: "measured", tauS: tau, gammaOhm: gamma, peaks: [{ tauS: 1e-3, areaOhm: 408.1 }] }], { title: "DRT", windowS: [1e-5, 1e1] });
    wellFormed(svg);
    expect(svg).toContain("τ (s)");
    expect(svg).toContain("γ (Ω per unit ln τ)");
    expect(pathsPerGroup(svg, "mark-line role-mark curves_marks")).toEqual([1]);
    expect(elements(svg, "mark-rule role-mark peaks_marks", "line")).toBe(1);
    expect(svg).toContain("408 Ω");
    expect(await drtPlot([{ name: "measured", tauS: tau, gammaOhm: gamma, peaks: [{ tauS: 1e-3, areaOhm: 408.1 }] }], { title: "DRT", windowS: [1e-5, 1e1] })).toBe(svg);
    await expect(drtPlot([{ name: "x", tauS: [0, 1], gammaOhm: [1, 2] }])).rejects.toThrow("series[0].tauS[0]: got 0; must be > 0 on a log axis");
  });
});
