/**
 * The comparison's files: designs whose resistances differ by orders of magnitude get a
 * Nyquist panel each on their own scale (in one shared plot the small one would be a dot at
 * the origin), with the fitted circuit drawn from the parameters in the results.
 */
import { describe, expect, it } from "vitest";
import { circuitImpedance } from "../../src/analysis/circuits.js";
import { compareReport, impedanceFigures } from "../../src/report/compare.js";
import { bodeSpec, nyquistPanelsSpec } from "../../src/report/plots.js";
import type { Results } from "../../src/pipeline/results.js";
import type { MeasuredValue } from "../../src/scenario/measurements.js";

function design(name: string, scale: number): Results {
  const f = [1e5, 1e4, 1e3, 100, 10, 1, 0.1];
  const circuitParameters = { R_bulk: scale, R_int: 2 * scale, Q_int: 1e-5 / scale, n_int: 0.9 };
  const z = circuitImpedance("R_bulk-p(R_int,Q_int)", circuitParameters, f);
  return {
    scenario: name, transport: [], kmc: [], arrhenius: [], transferenceNumber: [],
    effective: [{ temperatureK: 298.15, conductivitySPerCm: 1e-4 / scale, conductivityStdErr: null, discretisationRelativeError: null, tortuosityFactor: 1, percolates: true, solverIterations: 1, relativeResidual: 0, realizations: 1, phases: [] }],
    impedance: [{ temperatureK: 298.15, cell: "Li|SE|Li", frequenciesHz: f, realOhm: Array.from(z.re), imagOhm: Array.from(z.im), bulkResistanceOhm: scale, interfacialResistanceOhm: 2 * scale, circuit: "R_bulk-p(R_int,Q_int)", circuitParameters } as unknown as NonNullable<Results["impedance"]>[number]],
  };
}

describe("compareReport", () => {
  it("draws a Nyquist panel per design on its own scale, with its fitted circuit, and a Bode plot", async () => {
    const files = await compareReport([design("small", 1), design("large", 1e4)]);
    const svg = files["nyquist.svg"]!;
    expect(svg).toMatch(/^<svg/);
    const [small, large] = svg.split('class="mark-group role-scope concat_1_group"');
    // the small design's panel spans ohms, the large one's tens of kilo-ohms
    expect(large).toContain(">30k<");
    expect(small).not.toMatch(/>\d+k</);
    for (const k of [0, 1]) expect(svg).toContain(`fitted${k}_marks`);
    expect(svg).toContain("R_bulk-p(R_int,Q_int)");
    expect(svg).toContain(">1 kHz<");
    expect(files["bode.svg"]).toContain("|Z| (Ω)");
    expect(files["index.html"]).toContain("one panel per design on its own equal-ohm scale");
    expect(Object.keys(files).filter((f) => f.startsWith("nyquist"))).toEqual(["nyquist.svg"]);
  });

  it("fits the circuit again for results written before the fitted parameters were kept", async () => {
    const r = design("old", 1);
    const { circuitParameters: _, ...old } = r.impedance![0]!;
    const files = await compareReport([{ ...r, impedance: [old as NonNullable<Results["impedance"]>[number]] }]);
    expect(files["nyquist.svg"]).toContain("fitted0_marks");
  });

  it("draws discharge curves only for rates that gave capacity, and names the others", async () => {
    const r = design("cell", 1);
    const withRates = {
      ...r,
      rateCapability: [
        { cRate: 0.2, dischargeCapacityMAhPerG: 150, capacityMAhPerG: [0, 75, 150], voltageV: [3.4, 3.3, 2.5] },
        { cRate: 5, dischargeCapacityMAhPerG: 0, capacityMAhPerG: [0], voltageV: [-14.6] },
      ],
    } as Results;
    const files = await compareReport([withRates]);
    const svg = files["discharge-cell.svg"]!;
    expect(svg).toContain("no capacity above the cut-off at 5 C");
    expect(svg).not.toContain("−14"); // the axis does not reach the lone point far below the cut-off
  });
});

describe("compareReport with measurements", () => {
  const cell = (name: string): Results => ({
    ...design(name, 1),
    effective: [298.15, 323.15].map((T, i) => ({ temperatureK: T, conductivitySPerCm: 1e-4 * (1 + i), conductivityStdErr: 1e-6, discretisationRelativeError: null, tortuosityFactor: 1, percolates: true, solverIterations: 1, relativeResidual: 0, realizations: 2, phases: [] })),
    arrhenius: [{ of: "effective", activationEnergyEV: 0.3, activationEnergyStdErr: 0.01, form: "sigma", lnPrefactor: 2 }],
    rateCapability: [0.2, 1].map((c, i) => ({ cRate: c, dischargeCapacityMAhPerG: 150 - 10 * i, dischargeCapacityStdErr: 2 })),
  });
  const measured: MeasuredValue[] = [
    { scenario: "a", observable: "conductivity", temperatureK: 298.15, valueSPerCm: 2e-4, relativeError: 0.1, source: "paper", calibrationTarget: true },
    { scenario: "a", observable: "activationEnergy", form: "sigma", valueEV: 0.28, errorEV: 0.02, temperatureRangeK: [253.15, 333.15], source: "paper" },
    { scenario: "b", observable: "dischargeCapacity", cRate: 1, valueMAhPerG: 143, errorMAhPerG: 5, source: "paper" },
    { scenario: "b", observable: "transferenceNumber", method: "Evans", value: 0.86, error: 0.05, source: "paper" },
  ];

  it("adds measured columns, a measured-beside-predicted table, and measured points on the plots", async () => {
    const files = await compareReport([cell("a"), cell("b")], { measured });
    const csv = files["compare.csv"]!.split("\n");
    const head = csv[0]!.split(",");
    // the existing columns stay first and unchanged; measured ones follow
    expect(head.slice(0, 2)).toEqual(["scenario", "temperatureK"]);
    expect(head).toEqual(expect.arrayContaining(["measured_conductivitySPerCm", "measured_activationEnergyEV", "measured_tPlus", "measured_capacity_1C_mAhPerG", "measured_capacity_1C_errorMAhPerG"]));
    const row = (name: string) => Object.fromEntries(head.map((h, i) => [h, csv.find((l) => l.startsWith(`${name},`))!.split(",")[i]]));
    expect(row("a")["measured_conductivitySPerCm"]).toBe("0.0002");
    expect(row("b")["measured_capacity_1C_mAhPerG"]).toBe("143");
    expect(row("a")["measured_capacity_1C_mAhPerG"]).toBe("");
    // each measured value beside its prediction; deviation (pred - meas) / hypot(errors)
    const versus = files["measured.csv"]!.trim().split("\n");
    expect(versus).toHaveLength(5);
    const cap = versus.find((l) => l.startsWith("b,capacity 1 C"))!.split(",");
    expect(Number(cap[6])).toBeCloseTo((140 - 143) / Math.hypot(5, 2), 12);
    const sigma = versus.find((l) => l.startsWith("a,sigma 298.15 K"))!.split(",");
    expect(Number(sigma[6])).toBeCloseTo(Math.log(1e-4 / 2e-4) / Math.hypot(0.1, 1e-6 / 1e-4), 12);
    expect(files["compare.md"]).toContain("| measured sigma (S/cm) |");
    expect(files["compare.md"]).toContain("0.280 +- 0.020 (sigma form)");
    expect(files["compare.md"]).toContain("Measured beside predicted");
    // a value the design was fitted to is named as such, not counted as a prediction
    expect(files["compare.md"]).toMatch(/\| a \| sigma 298\.15 K \(S\/cm\) \|.*\| calibration target \|/);
    expect(files["compare.md"]).toMatch(/\| b \| capacity 1 C \(mAh\/g\) \|.*\| prediction \|/);
    expect(files["index.html"]).toContain("<caption>Measured beside predicted");
    expect(files["arrhenius.svg"]).toContain("measured_marks");
    expect(files["arrhenius.svg"]).toContain("measuredlines_marks");
    expect(files["rate-capability.svg"]).toContain("measured_marks");
    expect(files["rate-capability.svg"]).toContain("measuredbars_marks");
  });

  it("without measurements the table and plots are as before", async () => {
    const files = await compareReport([cell("a"), cell("b")]);
    expect(files["compare.csv"]).not.toContain("measured");
    expect(files["measured.csv"]).toBeUndefined();
    expect(files["arrhenius.svg"]).not.toContain("measured_marks");
  });
});

describe("compareReport with a measured impedance spectrum", () => {
  const f = [1e5, 1e4, 1e3, 100, 10];
  const z = circuitImpedance("R_bulk-p(R_int,Q_int)", { R_bulk: 1.2, R_int: 2.5, Q_int: 1e-5, n_int: 0.85 }, f);
  const measured: MeasuredValue[] = [
    { scenario: "small", observable: "impedanceSpectrum", cell: "Li|SE|Li", temperatureK: 298.15, frequenciesHz: f, realOhm: Array.from(z.re), imagOhm: Array.from(z.im), relativeError: 0.02, source: "cell A" },
    { scenario: "large", observable: "impedanceSpectrum", cell: "SS|SE|SS", temperatureK: 298.15, frequenciesHz: [1e3, 10], realOhm: [1e4, 1.01e4], imagOhm: [-50, -5e3], relativeError: 0.05, source: "cell B" },
  ];
  /** The data values of the named layers of a vega-lite spec, wherever they sit. */
  const layerData = (spec: unknown, name: string): Record<string, number | string>[] => {
    const out: Record<string, number | string>[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === "object") {
        const o = v as { name?: string; data?: { values?: Record<string, number | string>[] } };
        if (o.name === name && o.data?.values !== undefined) out.push(...o.data.values);
        Object.values(v).forEach(walk);
      }
    };
    walk(spec);
    return out;
  };

  it("puts the measured points in the design's Nyquist panel and its Bode series, with their errors; an SS|SE|SS one brings its own panel", async () => {
    const all = [design("small", 1), design("large", 1e4)];
    const figs = impedanceFigures(all, measured)!;
    expect(figs.nyquist.panels.map((p) => p.name)).toEqual(["small", "large", "large, SS|SE|SS"]);
    const nyquist = nyquistPanelsSpec(figs.nyquist.panels);
    // the panel of 'small' holds the measured points as drawn: x = Z', y = -Z'', error 2 % of |Z|
    const points = layerData(nyquist, "measured0");
    expect(points.map((p) => [p["frequencyHz"], p["x"], p["y"]])).toEqual(f.map((fr, i) => [fr, z.re[i], -z.im[i]!]));
    for (const p of points) expect(p["error"]).toBeCloseTo(0.02 * Math.hypot(p["x"] as number, p["y"] as number), 12);
    expect(layerData(nyquist, "measuredbars0")).toHaveLength(2 * f.length);
    expect(layerData(nyquist, "measured1")).toEqual([]); // 'large' Li|SE|Li: nothing measured
    // the SS|SE|SS panel: the measurement alone (this design predicted no SS spectrum)
    expect(layerData(nyquist, "spectrum2")).toEqual([]);
    expect(layerData(nyquist, "measured2").map((p) => [p["x"], p["y"]])).toEqual([[1e4, 50], [1.01e4, 5e3]]);
    const bode = bodeSpec(figs.bode.series);
    const mag = layerData(bode, "magmeasured");
    expect(mag.filter((p) => p["series"] === "small").map((p) => p["mag"])).toEqual(f.map((_, i) => Math.hypot(z.re[i]!, z.im[i]!)));
    expect(mag.filter((p) => p["series"] === "large, SS|SE|SS")).toHaveLength(2);
    // the page: the measured marks drawn, and the caption says what they are
    const files = await compareReport(all, { measured });
    expect(files["nyquist.svg"]).toContain("measured0_marks");
    expect(files["nyquist.svg"]).toContain("measured (±1 standard error)");
    expect(files["bode.svg"]).toContain("magmeasured_marks");
    expect(files["index.html"]).toContain("Impedance of symmetric cells (Li|SE|Li; SS|SE|SS where a measured spectrum is given) at 298.15 K (Nyquist)");
    expect(files["index.html"]).toContain("measured spectra (small, Li|SE|Li, 298.15 K, 5 points, error 2.0 % of |Z|: cell A; large, SS|SE|SS, 298.15 K, 2 points, error 5.0 % of |Z|: cell B)");
  });

  it("without a measured spectrum the Nyquist and Bode specs carry no measured layer", () => {
    const figs = impedanceFigures([design("small", 1)])!;
    expect(layerData(nyquistPanelsSpec(figs.nyquist.panels), "measured0")).toEqual([]);
    expect(JSON.stringify(nyquistPanelsSpec(figs.nyquist.panels))).not.toContain("measured");
    expect(JSON.stringify(bodeSpec(figs.bode.series))).not.toContain("measured");
  });
});
