/**
 * Side-by-side comparison of several scenarios' results: one table (CSV and Markdown),
 * overlaid SVG plots, and an HTML page holding them. Every number comes from a results
 * object; a section a scenario did not compute stays empty, never guessed.
 */
import type { ImpedanceRow, OutputBand, PairwiseRow, Results, UncertaintyBlock } from "../pipeline/results.js";
import { InputError } from "../core/errors.js";
import { toCsv } from "./csv.js";
import { provenanceText, type RunMeta } from "./provenance.js";
import { measuredArrheniusLine, measuredVsPredicted, measurementsFor, type DesignMeasurements, type MeasuredVsPredicted } from "./measured.js";
import type { MeasuredValue } from "../scenario/measurements.js";
import { htmlReport, type Cell } from "./html.js";
import { circuitImpedance, logFrequencies } from "../analysis/circuits.js";
import { fitCircuit } from "../analysis/impedance.js";
import { arrheniusPlot, barPlot, bodePlot, CURRENT_DECADES, currentSlicePlot, dischargeCurvesPlot, networkSlicePlot, nyquistPanelsPlot, rateCapabilityPlot, type ArrheniusPlotSeries, type BodeSeries, type MeasuredSpectrumSeries, type NyquistPanel, type Spectrum } from "./plots.js";
import type { CurrentSliceData } from "./slice.js";
import type { NetworkSliceData } from "./networkSlice.js";

export interface CompareRow {
  readonly scenario: string;
  readonly temperatureK: number | null;
  readonly conductivitySPerCm: number | null;
  readonly conductivityStdErr: number | null;
  /** Estimated relative discretisation error of the membrane's conductivity (null: not estimated, or no network). */
  readonly discretisationRelativeError: number | null;
  readonly conductivityOf: string;
  readonly activationEnergyEV: number | null;
  readonly activationEnergyStdErr: number | null;
  readonly tPlus: number | null;
  readonly tPlusOf: string;
  readonly bulkResistanceOhm: number | null;
  readonly interfacialResistanceOhm: number | null;
  /** Critical current density of Li|SE|Li, mA/cm2 (when the scenario gives a critical local current density). */
  readonly criticalCurrentDensityMAPerCm2: number | null;
  readonly capacityMAhPerG: Readonly<Record<string, number | null>>;
}

/** The temperature nearest 298.15 K that a results object has. */
function roomTemperature(temps: readonly number[]): number | null {
  if (temps.length === 0) return null;
  return temps.reduce((a, b) => (Math.abs(b - 298.15) < Math.abs(a - 298.15) ? b : a));
}

export function compareRows(all: readonly Results[]): CompareRow[] {
  const rates = [...new Set(all.flatMap((r) => (r.rateCapability ?? []).map((x) => x.cRate)))].sort((a, b) => a - b);
  return all.map((r) => {
    const effective = r.effective.length > 0;
    const temps = effective ? r.effective.map((e) => e.temperatureK) : r.kmc.map((k) => k.temperatureK);
    const T = roomTemperature(temps);
    let sigma: number | null = null, se: number | null = null, disc: number | null = null;
    if (effective) {
      const e = r.effective.find((x) => x.temperatureK === T)!;
      sigma = e.conductivitySPerCm;
      se = e.conductivityStdErr;
      disc = e.discretisationRelativeError ?? null;
    } else if (T !== null) {
      const k = r.kmc.find((x) => x.temperatureK === T)!;
      sigma = k.totalConductivitySPerCm;
      se = k.totalConductivityStdErr;
    }
    const fitOf = effective ? "effective" : r.arrhenius.find((a) => a.of === "total") ? "total" : r.arrhenius[0]?.of;
    const fit = r.arrhenius.find((a) => a.of === fitOf);
    const evans = (r.transferenceNumber.find((t) => t.temperatureK === T) ?? r.transferenceNumber[0]);
    const tPlus = evans?.evans?.tPlus ?? evans?.cation ?? null;
    const imp = r.impedance?.find((z) => z.cell === "Li|SE|Li");
    const capacity: Record<string, number | null> = {};
    // keys like "0.2C" keep the C-rate order (integer-like keys would jump ahead)
    for (const c of rates) capacity[`${c}C`] = r.rateCapability?.find((x) => x.cRate === c)?.dischargeCapacityMAhPerG ?? null;
    return {
      scenario: r.scenario,
      temperatureK: T,
      conductivitySPerCm: sigma,
      conductivityStdErr: se,
      discretisationRelativeError: disc,
      conductivityOf: effective ? "membrane (network)" : "MOF (KMC)",
      activationEnergyEV: fit?.activationEnergyEV ?? null,
      activationEnergyStdErr: fit?.activationEnergyStdErr ?? null,
      tPlus,
      tPlusOf: evans?.evans !== undefined ? "Bruce-Vincent" : evans !== undefined ? "KMC current share" : "",
      bulkResistanceOhm: imp?.bulkResistanceOhm ?? null,
      interfacialResistanceOhm: imp?.interfacialResistanceOhm ?? null,
      criticalCurrentDensityMAPerCm2: r.criticalCurrent?.criticalCurrentDensityMAPerCm2 ?? null,
      capacityMAhPerG: capacity,
    };
  });
}

function flat(row: CompareRow): Record<string, unknown> {
  const { capacityMAhPerG, ...rest } = row;
  const out: Record<string, unknown> = { ...rest };
  for (const [c, v] of Object.entries(capacityMAhPerG)) out[`capacity_${c}_mAhPerG`] = v;
  return out;
}

function fmt(v: number | null, digits = 3): string {
  if (v === null || !Number.isFinite(v)) return "";
  if (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4)) return v.toExponential(digits - 1);
  return v.toPrecision(digits);
}

/** The side-by-side table's numbers as the Markdown table and the page write them ("" where missing; `pm` joins a value and its standard error). */
function rowTexts(r: CompareRow, rates: readonly string[], pm: string): { T: string; sigma: string; discretisation: string; Ea: string; tPlus: string; rBulk: string; rInt: string; ccd: string; capacities: string[] } {
  return {
    T: r.temperatureK === null ? "" : r.temperatureK.toFixed(2),
    sigma: r.conductivitySPerCm === null ? "" : r.conductivityStdErr === null ? `${fmt(r.conductivitySPerCm)} (one realisation: no error)` : `${fmt(r.conductivitySPerCm)} ${pm} ${fmt(r.conductivityStdErr, 2)}`,
    discretisation: r.discretisationRelativeError === null ? "" : `${(100 * r.discretisationRelativeError).toFixed(1)} %`,
    Ea: r.activationEnergyEV === null ? "" : `${r.activationEnergyEV.toFixed(3)} ${pm} ${fmt(r.activationEnergyStdErr, 2)}`,
    tPlus: fmt(r.tPlus),
    rBulk: fmt(r.bulkResistanceOhm),
    rInt: fmt(r.interfacialResistanceOhm),
    ccd: fmt(r.criticalCurrentDensityMAPerCm2),
    capacities: rates.map((c) => fmt(r.capacityMAhPerG[c] ?? null, 4)),
  };
}

/** The comparison table in Markdown. */
export function compareMarkdown(rows: readonly CompareRow[], measured: { readonly heads: readonly string[]; readonly cells: readonly (readonly (string | null)[])[] } = { heads: [], cells: [] }): string {
  const rates = rows.length > 0 ? Object.keys(rows[0]!.capacityMAhPerG) : [];
  const head = ["design", "T (K)", "sigma (S/cm)", "discretisation", "Ea (eV)", "t+", "R_bulk (ohm)", "R_int (ohm)", "CCD (mA/cm2)", ...rates.map((c) => `${c} (mAh/g)`), ...measured.heads];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const r of rows) {
    const t = rowTexts(r, rates, "+-");
    const cells = [r.scenario, t.T, t.sigma, t.discretisation, t.Ea, t.tPlus, t.rBulk, t.rInt, t.ccd, ...t.capacities, ...(measured.cells[rows.indexOf(r)] ?? []).map((v) => v ?? "")];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/** Each measured value beside its prediction, in Markdown ("" when nothing was measured). */
export function measuredMarkdown(rows: readonly MeasuredVsPredicted[]): string {
  if (rows.length === 0) return "";
  const lines = ["", "Measured beside predicted (deviation: (predicted - measured) / the errors combined; conductivities on ln sigma; a calibration target agrees by construction):", "", "| design | quantity | predicted | measured | deviation (sigma) | kind |", "| --- | --- | --- | --- | --- | --- |"];
  for (const v of rows) {
    const pred = v.predicted === null ? "not computed" : v.predictedStdErr !== null && v.predictedStdErr > 0 ? `${fmt(v.predicted)} +- ${fmt(v.predictedStdErr, 2)}` : fmt(v.predicted);
    lines.push(`| ${v.scenario} | ${v.quantity} | ${pred} | ${fmt(v.measured)} +- ${fmt(v.measuredError, 2)} | ${v.deviationSigmas === null ? "" : v.deviationSigmas.toFixed(1)} | ${v.calibrationTarget ? "calibration target" : "prediction"} |`);
  }
  return lines.join("\n") + "\n";
}

/** One design at one C-rate: its capacity, and with each loss removed in turn. */
export interface LimitRow {
  readonly scenario: string;
  readonly cRate: number;
  readonly capacityMAhPerG: number;
  readonly withoutMembraneLossMAhPerG: number;
  readonly withoutInterfaceLossMAhPerG: number;
  readonly withoutCathodeElectrolyteLossMAhPerG: number;
  readonly withoutSolidDiffusionLossMAhPerG: number;
  /** The loss whose removal gains most (more than 0.5 mAh/g), or "none". */
  readonly limitedBy: string;
}

const LOSS_NAMES = { membrane: "membrane", interfaces: "interfaces", cathodeElectrolyte: "cathode electrolyte", solidDiffusion: "LiFePO4 solid diffusion" } as const;

export function limitRows(all: readonly Results[]): LimitRow[] {
  const out: LimitRow[] = [];
  for (const r of all) {
    for (const x of r.rateCapability ?? []) {
      const w = x.capacityWithoutLossMAhPerG;
      if (w === undefined) continue;
      let best = "none", gain = 0.5;
      for (const [k, name] of Object.entries(LOSS_NAMES)) {
        const g = w[k as keyof typeof w] - x.dischargeCapacityMAhPerG;
        if (g > gain) { gain = g; best = name; }
      }
      out.push({
        scenario: r.scenario,
        cRate: x.cRate,
        capacityMAhPerG: x.dischargeCapacityMAhPerG,
        withoutMembraneLossMAhPerG: w.membrane,
        withoutInterfaceLossMAhPerG: w.interfaces,
        withoutCathodeElectrolyteLossMAhPerG: w.cathodeElectrolyte,
        withoutSolidDiffusionLossMAhPerG: w.solidDiffusion,
        limitedBy: best,
      });
    }
  }
  return out;
}

/** What limits each design at one C-rate, in Markdown. */
export function limitsMarkdown(rows: readonly LimitRow[], cRate: number): string {
  const head = ["design", "C-rate", "capacity (mAh/g)", "without membrane loss", "without interfaces", "without cathode electrolyte", "without solid diffusion", "limited by"];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const r of rows.filter((x) => x.cRate === cRate)) {
    lines.push(`| ${[r.scenario, `${r.cRate}C`, fmt(r.capacityMAhPerG, 4), fmt(r.withoutMembraneLossMAhPerG, 4), fmt(r.withoutInterfaceLossMAhPerG, 4), fmt(r.withoutCathodeElectrolyteLossMAhPerG, 4), fmt(r.withoutSolidDiffusionLossMAhPerG, 4), r.limitedBy].join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

export interface CompareReportOptions {
  /** Where the comparison came from: provenance.json, the page's footer and compare.md's last paragraph. */
  readonly meta?: RunMeta;
  /** Which design beats which (--uncertainty). */
  readonly pairwise?: readonly PairwiseRow[];
  /** Measured values (--measured FILE): drawn beside the predictions and set against them in the tables. */
  readonly measured?: readonly MeasuredValue[];
  /** The page's title (default "mofhop: designs compared"). */
  readonly title?: string;
  /** The mid-plane slice (normal to y) of each voxel design with its current density (report/slice.ts): one figure each. */
  readonly slices?: readonly CurrentSliceData[];
  /** A slab of each particle-network design with its bond currents (report/networkSlice.ts): one figure each. */
  readonly networkSlices?: readonly NetworkSliceData[];
}

/**
 * The main table's measured columns (CSV names and values, and Markdown/HTML headers with
 * "value +- error" text), for the quantities any compared design has a measurement of.
 */
function measuredColumns(rows: readonly CompareRow[], measured: readonly MeasuredValue[]): { csv: Record<string, number | null>[]; heads: string[]; cells: (string | null)[][] } {
  const per = rows.map((r) => measurementsFor(r.scenario, measured));
  const rates = [...new Set(per.flatMap((m) => m.capacity.map((c) => c.cRate)))].sort((a, b) => a - b);
  const sigmaAt = (k: number) => per[k]!.conductivity.find((c) => rows[k]!.temperatureK !== null && Math.abs(c.temperatureK - rows[k]!.temperatureK!) < 1e-6);
  const any = { sigma: rows.some((_, k) => sigmaAt(k) !== undefined), ea: per.some((m) => m.activationEnergy !== undefined), tPlus: per.some((m) => m.transferenceNumber !== undefined) };
  const heads = [...(any.sigma ? ["measured sigma (S/cm)"] : []), ...(any.ea ? ["measured Ea (eV)"] : []), ...(any.tPlus ? ["measured t+"] : []), ...rates.map((c) => `measured ${c}C (mAh/g)`)];
  const pm = (v: number | undefined, e: number | undefined, digits = 3): string | null => (v === undefined || e === undefined ? null : `${fmt(v, digits)} +- ${fmt(e, 2)}`);
  const csv = rows.map((_, k) => {
    const m = per[k]!, sg = sigmaAt(k);
    const out: Record<string, number | null> = {};
    if (any.sigma) Object.assign(out, { measured_conductivitySPerCm: sg?.valueSPerCm ?? null, measured_conductivityRelativeError: sg?.relativeError ?? null });
    if (any.ea) Object.assign(out, { measured_activationEnergyEV: m.activationEnergy?.valueEV ?? null, measured_activationEnergyErrorEV: m.activationEnergy?.errorEV ?? null });
    if (any.tPlus) Object.assign(out, { measured_tPlus: m.transferenceNumber?.value ?? null, measured_tPlusError: m.transferenceNumber?.error ?? null });
    for (const c of rates) {
      const q = m.capacity.find((x) => x.cRate === c);
      out[`measured_capacity_${c}C_mAhPerG`] = q?.valueMAhPerG ?? null;
      out[`measured_capacity_${c}C_errorMAhPerG`] = q?.errorMAhPerG ?? null;
    }
    return out;
  });
  const cells = rows.map((_, k) => {
    const m = per[k]!, sg = sigmaAt(k);
    return [
      ...(any.sigma ? [sg === undefined ? null : `${fmt(sg.valueSPerCm)} +- ${Math.round(100 * sg.relativeError)} %`] : []),
      ...(any.ea ? [m.activationEnergy === undefined ? null : `${pm(m.activationEnergy.valueEV, m.activationEnergy.errorEV)} (${m.activationEnergy.form} form)`] : []),
      ...(any.tPlus ? [pm(m.transferenceNumber?.value, m.transferenceNumber?.error)] : []),
      ...rates.map((c) => {
        const q = m.capacity.find((x) => x.cRate === c);
        return pm(q?.valueMAhPerG, q?.errorMAhPerG, 4);
      }),
    ];
  });
  return { csv, heads, cells };
}

/** All files of a comparison, by name. */
export async function compareReport(all: readonly Results[], options: CompareReportOptions = {}): Promise<Record<string, string>> {
  const { meta, pairwise = [], measured = [], slices = [], networkSlices = [] } = options;
  const rows = compareRows(all);
  const files: Record<string, string> = {};
  const mcols = measuredColumns(rows, measured);
  const versus = measuredVsPredicted(all, measured);
  files["compare.csv"] = toCsv(rows.map((r, k) => ({ ...flat(r), ...mcols.csv[k] })));
  if (versus.length > 0) files["measured.csv"] = toCsv(versus.map((v) => ({ ...v })));
  const limits = limitRows(all);
  // the loss breakdown at 3 C (or the nearest rate computed)
  const limitRate = limits.length === 0 ? null : limits.map((l) => l.cRate).reduce((a, b) => (Math.abs(b - 3) < Math.abs(a - 3) ? b : a));
  files["compare.md"] = compareMarkdown(rows, mcols) + measuredMarkdown(versus) + (limitRate === null ? "" : `\nWhat limits the capacity at ${limitRate} C (capacity with each loss removed in turn, mAh/g):\n\n${limitsMarkdown(limits, limitRate)}`);
  if (limits.length > 0) files["limits.csv"] = toCsv(limits.map((l) => ({ ...l })));
  const uq = uncertaintyTables(all, pairwise);
  Object.assign(files, uq.files);
  files["compare.md"] += uq.markdown;
  const figures: { caption: string; svg: string; file: string }[] = [];

  const arrhenius: ArrheniusPlotSeries[] = [];
  for (const r of all) {
    const effective = r.effective.length > 0;
    const points = effective
      ? r.effective.map((e, i) => ({ temperatureK: e.temperatureK, conductivitySPerCm: e.conductivitySPerCm, ...(e.conductivityStdErr !== null ? { conductivityStdErr: e.conductivityStdErr } : {}), ...bandsOf(r, `effective[${i}].conductivitySPerCm`) }))
      : r.kmc.map((k) => ({ temperatureK: k.temperatureK, conductivitySPerCm: k.totalConductivitySPerCm, conductivityStdErr: k.totalConductivityStdErr }));
    const usable = points.filter((p) => p.conductivitySPerCm > 0);
    if (usable.length === 0) continue;
    const fit = r.arrhenius.find((a) => a.of === (effective ? "effective" : "total")) ?? r.arrhenius[0];
    const m = measurementsFor(r.scenario, measured);
    const line = measuredArrheniusLine(m);
    arrhenius.push({
      name: r.scenario,
      points: usable,
      ...(fit !== undefined ? { fit: { activationEnergyEV: fit.activationEnergyEV, lnPrefactor: fit.lnPrefactor, form: fit.form } } : {}),
      ...(m.conductivity.length > 0 ? { measured: m.conductivity.map((c) => ({ temperatureK: c.temperatureK, conductivitySPerCm: c.valueSPerCm, relativeError: c.relativeError })) } : {}),
      ...(line !== null ? { measuredLine: line } : {}),
    });
  }
  const banded = all.some((r) => r.uncertainty !== undefined);
  const bandNote = banded ? "; shaded: the 68 % and 90 % prediction bands of --uncertainty" : "";
  const measuredNote = (what: string): string => (measured.length > 0 ? `; open squares with error bars: measured (${what})` : "");
  if (arrhenius.length > 0) {
    const lines = arrhenius.some((a) => a.measuredLine !== undefined) ? ", dotted lines: the measured activation energy through the measured point" : "";
    figures.push({ file: "arrhenius.svg", caption: `Conductivity against inverse temperature: predicted points with +-1 standard error bars and their Arrhenius fits${bandNote}${measuredNote(`±1 standard error${lines}`)}`, svg: await arrheniusPlot(arrhenius) });
  }

  const withSigma = rows.filter((r) => r.conductivitySPerCm !== null && r.conductivitySPerCm > 0);
  if (withSigma.length > 0) {
    figures.push({
      file: "conductivity.svg",
      caption: "Room-temperature conductivity of each design",
      svg: await barPlot(withSigma.map((r) => ({ label: r.scenario, value: r.conductivitySPerCm!, ...(r.conductivityStdErr !== null ? { stdErr: r.conductivityStdErr } : {}) })), { valueTitle: "conductivity (S/cm)", logScale: true }),
    });
  }
  const impedance = impedanceFigures(all, measured);
  if (impedance !== null) {
    figures.push({ file: "nyquist.svg", caption: impedance.nyquist.caption, svg: await nyquistPanelsPlot(impedance.nyquist.panels) });
    figures.push({ file: "bode.svg", caption: impedance.bode.caption, svg: await bodePlot(impedance.bode.series) });
  }
  const rate = all.filter((r) => (r.rateCapability ?? []).length > 0).map((r) => ({ name: r.scenario, points: r.rateCapability!.map((x, i) => ({ cRate: x.cRate, dischargeCapacityMAhPerG: x.dischargeCapacityMAhPerG, ...(x.dischargeCapacityStdErr !== undefined ? { stdErr: x.dischargeCapacityStdErr } : {}), ...bandsOf(r, `rateCapability[${i}].dischargeCapacityMAhPerG`) })) }));
  if (rate.length > 0) {
    const withMeasured = rate.map((s) => {
      const m = measurementsFor(s.name, measured).capacity;
      return m.length > 0 ? { ...s, measured: m.map((c) => ({ cRate: c.cRate, dischargeCapacityMAhPerG: c.valueMAhPerG, errorMAhPerG: c.errorMAhPerG })) } : s;
    });
    figures.push({ file: "rate-capability.svg", caption: `Discharge capacity of Li | SE | LiFePO4 against C-rate, predicted (lines and filled markers, ±1 standard error bars where replicas give one)${bandNote}${measuredNote("±1 standard error")}`, svg: await rateCapabilityPlot(withMeasured) });
  }
  for (const r of all) {
    // a rate that gives no capacity has no curve (its one point, the voltage the instant the
    // current is on, can lie far below the cut-off): it is named in the frame and caption instead
    const rows = (r.rateCapability ?? []).filter((x) => x.voltageV !== undefined && x.capacityMAhPerG !== undefined);
    const curves = rows.filter((x) => x.dischargeCapacityMAhPerG > 0).map((x) => ({ cRate: x.cRate, capacityMAhPerG: x.capacityMAhPerG!, voltageV: x.voltageV! }));
    const none = rows.filter((x) => !(x.dischargeCapacityMAhPerG > 0)).map((x) => `${x.cRate} C`);
    const title = none.length > 0 ? `${r.scenario} (no capacity above the cut-off at ${none.join(", ")})` : r.scenario;
    const noCapacityRates = rows.filter((x) => !(x.dischargeCapacityMAhPerG > 0)).map((x) => x.cRate);
    if (rows.length > 0) figures.push({ file: `discharge-${r.scenario}.svg`, caption: `Discharge curves, ${title}`, svg: await dischargeCurvesPlot(curves, { title: r.scenario, noCapacityRates }) });
  }
  for (const s of slices) {
    const um = (nm: number): string => `${Number((nm / 1000).toPrecision(3))} µm`;
    figures.push({
      file: `current-slice-${s.scenario}.svg`,
      caption:
        `${s.scenario}: the microstructure (realisation 0) and its current density |j| on the mid-plane normal to y (voxel layer y = ${s.y}, ${um(s.yNm)} in; ${s.width} x ${s.height} voxels of ${s.voxelNm[0]} x ${s.voxelNm[1]} nm), ` +
        `one DC solve at ${s.temperatureK} K, |j| with 1 V across the sample (it scales with the voltage) on a log scale over at most ${CURRENT_DECADES} decades below its largest value (smaller values take the lowest colour; blank: no current); current flows along x`,
      svg: await currentSlicePlot({ width: s.width, height: s.height, voxelNm: s.voxelNm, phaseNames: s.phaseNames, phase: s.phase, currentDensityACm2: s.currentDensityACm2 }, { title: `${s.scenario}: mid-plane y = ${s.y}, ${s.temperatureK} K` }),
    });
  }
  for (const s of networkSlices) {
    const um = (nm: number): string => `${Number((nm / 1000).toPrecision(3))} µm`;
    const [Lx, Ly, Lz] = s.boxNm;
    figures.push({
      file: `current-slice-${s.scenario}.svg`,
      caption:
        `${s.scenario}: a slab of the particle network (realisation 0; periodic box ${um(Lx)} x ${um(Ly)} x ${um(Lz)}) seen along z: the ${s.particles.xNm.length} particles whose centres lie within one mean diameter (${um(s.halfThicknessNm)}) of the mid-plane z = ${um(s.planeZNm)}, a slab ${um(2 * s.halfThicknessNm)} thick, ` +
        `drawn as their projected circles, and the ${s.bonds.x1Nm.length} bonds with both ends in it${s.coatBondsLeftOut > 0 ? ` (gel design: each particle to the middle of its gel bridges; the ${s.coatBondsLeftOut} bonds from bridge to bridge through a particle's coat are left out of the drawing)` : ""} coloured by the current each carries, |I| in A, ` +
        `under a field of 1 V/cm along x (it scales with the field) from one DC solve at ${s.temperatureK} K (sigma_xx of the realisation ${s.conductivitySPerCm.toPrecision(3)} S/cm), on a log scale over at most ${CURRENT_DECADES} decades below the slab's largest (smaller values take the lowest colour; grey: no current)`,
      svg: await networkSlicePlot({ boxNm: [Lx, Ly], particles: s.particles, bonds: s.bonds }, { title: `${s.scenario}: slab z = ${um(s.planeZNm)} ± ${um(s.halfThicknessNm)}, ${s.temperatureK} K` }),
    });
  }
  for (const f of figures) files[f.file] = f.svg;

  const rates = rows.length > 0 ? Object.keys(rows[0]!.capacityMAhPerG) : [];
  if (meta !== undefined) {
    files["provenance.json"] = JSON.stringify(meta, null, 2) + "\n";
    files["compare.md"] += `\n${provenanceText(meta)}\n`;
  }
  files["index.html"] = htmlReport({
    title: options.title ?? "mofhop: designs compared",
    notes: [
      "Every number below was computed by mofhop from the scenario files listed; standard errors come from KMC replicas and morphology realisations; the discretisation column is the estimated relative error of sigma from the grid (voxel designs: a solve on voxels twice as large) or from the contact element (particle networks).",
      "sigma: the membrane's effective conductivity from the resistor network where the scenario has a morphology, else the MOF's intrinsic (KMC) conductivity.",
    ],
    tables: [
      {
        caption: "Designs side by side (value ± standard error; the full digits are in compare.csv)",
        columns: ["design", "T (K)", "sigma (S/cm)", "discretisation", "sigma of", "Ea (eV)", "t+", "t+ from", "R_bulk (ohm)", "R_int (ohm)", "CCD (mA/cm2)", ...rates.map((c) => `${c} (mAh/g)`), ...mcols.heads],
        rows: rows.map((r): Cell[] => {
          const t = rowTexts(r, rates, "±");
          const n = (number: string): Cell => ({ number });
          return [
            r.scenario, n(t.T), n(t.sigma), n(t.discretisation), r.conductivityOf, n(t.Ea), n(t.tPlus), r.tPlusOf, n(t.rBulk), n(t.rInt), n(t.ccd), ...t.capacities.map(n),
            ...(mcols.cells[rows.indexOf(r)] ?? []).map((v) => (v === null ? null : n(v.replace(" +- ", " ± ")))),
          ];
        }),
      },
      ...(versus.length > 0
        ? [{
            caption: "Measured beside predicted: deviation = (predicted - measured) / (the two standard errors combined), conductivities on ln sigma; a calibration target (the design's parameters were fitted to it) agrees by construction and is no test of the model",
            columns: ["design", "quantity", "predicted", "measured", "deviation (sigma)", "kind", "source"],
            rows: versus.map((v): Cell[] => [
              v.scenario,
              v.quantity,
              { number: v.predicted === null ? "" : v.predictedStdErr !== null && v.predictedStdErr > 0 ? `${fmt(v.predicted)} ± ${fmt(v.predictedStdErr, 2)}` : fmt(v.predicted) },
              { number: `${fmt(v.measured)} ± ${fmt(v.measuredError, 2)}` },
              { number: v.deviationSigmas === null ? "" : v.deviationSigmas.toFixed(1) },
              v.calibrationTarget ? "calibration target" : "prediction",
              v.source,
            ]),
          }]
        : []),
      ...uq.html,
      ...(limits.length > 0
        ? [{
            caption: "What limits the capacity: the capacity (mAh/g) at each C-rate with each loss removed in turn (its resistance or diffusion time 1000 times smaller)",
            columns: ["design", "C-rate", "capacity", "without membrane loss", "without interfaces", "without cathode electrolyte", "without solid diffusion", "limited by"],
            rows: limits.map((l): Cell[] => [l.scenario, l.cRate, l.capacityMAhPerG, l.withoutMembraneLossMAhPerG, l.withoutInterfaceLossMAhPerG, l.withoutCathodeElectrolyteLossMAhPerG, l.withoutSolidDiffusionLossMAhPerG, l.limitedBy]),
          }]
        : []),
    ],
    figures: figures.map((f) => ({ caption: f.caption, svg: f.svg })),
    ...(meta !== undefined ? { footer: [provenanceText(meta)] } : {}),
  });
  return files;
}

/**
 * The Nyquist panels and Bode series of the page, with their captions (null without any
 * spectrum): a panel per design and predicted Li|SE|Li spectrum; a measured spectrum joins
 * the panel of its design and cell at the nearest predicted temperature (an SS|SE|SS one
 * brings that cell's panel; a cell the design did not predict gets a panel of the
 * measurement alone).
 */
export function impedanceFigures(all: readonly Results[], measured: readonly MeasuredValue[] = []): { nyquist: { caption: string; panels: NyquistPanel[] }; bode: { caption: string; series: BodeSeries[] } } | null {
  type SpectrumPanel = { name: string; z: ImpedanceRow | null; fitted: Spectrum | null; measured: DesignMeasurements["spectra"][number][] };
  const spectra: SpectrumPanel[] = [];
  for (const r of all) {
    const ms = measurementsFor(r.scenario, measured).spectra;
    for (const cell of ["Li|SE|Li", "SS|SE|SS"] as const) {
      const mine = ms.filter((m) => m.cell === cell);
      const predicted = (r.impedance ?? []).filter((z) => z.cell === cell);
      if (cell === "SS|SE|SS" && mine.length === 0) continue;
      const name = cell === "Li|SE|Li" ? r.scenario : `${r.scenario}, ${cell}`;
      const panels: SpectrumPanel[] = predicted.map((z) => ({ name, z, fitted: fittedCurve(z), measured: [] }));
      for (const m of mine) {
        if (panels.length === 0) panels.push({ name, z: null, fitted: null, measured: [] });
        const gap = (p: SpectrumPanel): number => Math.abs((p.z?.temperatureK ?? m.temperatureK) - m.temperatureK);
        panels.reduce((a, b) => (gap(b) < gap(a) ? b : a)).measured.push(m);
      }
      spectra.push(...panels);
    }
  }
  if (spectra.length === 0) return null;
  const temps = [...new Set(spectra.filter((s) => s.z !== null).map((s) => s.z!.temperatureK))].join(", ");
  const ss = spectra.some((s) => s.z?.cell === "SS|SE|SS" || s.measured.some((m) => m.cell === "SS|SE|SS"));
  const shown = spectra.flatMap((s) => s.measured.map((m) => ({ name: s.name, m })));
  const measuredText = shown.length === 0 ? "" : `; open squares with ±1 standard error bars: measured spectra (${shown.map(({ name, m }) => `${name.includes("|") ? name : `${name}, ${m.cell}`}, ${m.temperatureK} K, ${m.frequenciesHz.length} points, error ${fmt(100 * m.relativeError, 2)} % of |Z|: ${m.source}`).join("; ")})`;
  const cells = ss ? "symmetric cells (Li|SE|Li; SS|SE|SS where a measured spectrum is given)" : "Li|SE|Li cells";
  const spectrumOf = (s: SpectrumPanel): Spectrum => (s.z === null ? { frequenciesHz: [], realOhm: [], imagOhm: [] } : { frequenciesHz: s.z.frequenciesHz, realOhm: s.z.realOhm, imagOhm: s.z.imagOhm });
  const measuredOf = (s: SpectrumPanel): { measured?: MeasuredSpectrumSeries[] } => (s.measured.length > 0 ? { measured: s.measured.map((m) => ({ frequenciesHz: m.frequenciesHz, realOhm: m.realOhm, imagOhm: m.imagOhm, relativeError: m.relativeError })) } : {});
  return {
    nyquist: {
      caption: `Impedance of ${cells}${temps !== "" ? ` at ${temps} K` : ""} (Nyquist), one panel per design on its own equal-ohm scale: the predicted spectrum (points), the equivalent circuit fitted to it (line; circuit under each name) and each decade of frequency (diamonds)${measuredText}`,
      panels: spectra.map((s) => ({ name: s.name, ...spectrumOf(s), ...(s.fitted !== null ? { fitted: { ...s.fitted, circuit: s.z!.circuit } } : {}), ...measuredOf(s) })),
    },
    bode: {
      caption: `Impedance of ${cells} (Bode): modulus and phase against frequency, the predicted spectra (points) and the fitted circuits (lines)${shown.length > 0 ? "; open squares with error bars: measured, in the colour of their design" : ""}`,
      series: spectra.map((s) => ({ name: s.name, ...spectrumOf(s), ...(s.fitted !== null ? { fitted: s.fitted } : {}), ...measuredOf(s) })),
    },
  };
}

/**
 * The fitted equivalent circuit of a spectrum on 40 points per decade over its range: from
 * the parameters the pipeline fitted, or fitted again here to an older results file that
 * has only the circuit's name. null when the circuit cannot be evaluated.
 */
function fittedCurve(z: ImpedanceRow): Spectrum | null {
  const fs = z.frequenciesHz;
  if (fs.length < 2) return null;
  const lo = Math.min(...fs), hi = Math.max(...fs);
  const grid = logFrequencies(lo, hi, Math.max(2, Math.round(40 * Math.log10(hi / lo)) + 1));
  try {
    const params = z.circuitParameters ?? fitCircuit({ frequenciesHz: fs, realOhm: z.realOhm, imagOhm: z.imagOhm }, z.circuit).parameters;
    const c = circuitImpedance(z.circuit, params, grid);
    return { frequenciesHz: grid, realOhm: c.re, imagOhm: c.im };
  } catch (e) {
    if (e instanceof InputError) return null; // an unparsable circuit or a failed refit: the spectrum is drawn without it
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// Prediction bands (--uncertainty)

/** The bands of one output of a results object, for a plot point. */
function bandsOf(r: Results, path: string): { band68?: readonly [number, number]; band90?: readonly [number, number] } {
  const o = r.uncertainty?.outputs.find((x) => x.path === path);
  return o === undefined ? {} : { band68: o.band68, band90: o.band90 };
}

function bandText(o: OutputBand): string {
  return `${fmt(o.median)} [${fmt(o.band90[0])}, ${fmt(o.band90[1])}]${o.fitted ? " (fitted)" : ""}`;
}

/** The headline outputs of a banded design, by column name: sigma at 25 C, Ea, t+, R_bulk, R_int, CCD, capacity per C-rate. */
function headlineBands(r: Results): Record<string, OutputBand | undefined> {
  const u = r.uncertainty!;
  const find = (re: RegExp): OutputBand | undefined => u.outputs.find((o) => re.test(o.path));
  const temps = r.effective.map((e) => e.temperatureK);
  const T = roomTemperature(temps);
  const i = temps.indexOf(T ?? NaN);
  const out: Record<string, OutputBand | undefined> = {
    "sigma (S/cm)": find(new RegExp(`^effective\\[${i}\\]\\.conductivitySPerCm$`)),
    "sigma DC (S/cm)": find(new RegExp(`^effective\\[${i}\\]\\.lowFrequencyConductivitySPerCm$`)),
    "Ea (eV)": u.outputs.find((o) => /^arrhenius/.test(o.path) && o.label.startsWith("Ea effective")),
    // as the nominal table: the virtual Evans experiment's Bruce-Vincent t+ where there is one
    "t+": find(/evans\.tPlus$/) ?? find(/membraneCation$/),
    "R_bulk (ohm)": find(/bulkResistanceOhm$/),
    "R_int (ohm)": find(/interfacialResistanceOhm$/),
    "CCD (mA/cm2)": find(/^criticalCurrent/),
  };
  (r.rateCapability ?? []).forEach((c, k) => (out[`${c.cRate}C (mAh/g)`] = find(new RegExp(`^rateCapability\\[${k}\\]`))));
  return out;
}

/** uncertainty.csv, sensitivity.csv, pairwise.csv, and the Markdown and HTML sections. */
/** How many draws were left out because the model cannot build their design: "3 training runs and 7 of 256 emulated draws". */
function unbuildableCounts(u: UncertaintyBlock): string {
  const b = u.unbuildable!;
  const plural = (k: number, one: string): string => `${k} ${one}${k === 1 ? "" : "s"}`;
  const parts = [b.runs.length > 0 ? plural(b.runs.length, u.runs === undefined ? "sample" : "training run") : "", b.draws > 0 ? `${b.draws} of ${u.samples + b.draws} emulated ${b.draws === 1 ? "draw" : "draws"}` : ""];
  return parts.filter((x) => x !== "").join(" and ");
}

/** The draws left out because the model cannot build their design, as one sentence. */
export function unbuildableText(u: UncertaintyBlock): string {
  return `left out as designs this model cannot build (the bands are over those it can; the reasons say whose limit): ${unbuildableCounts(u)}; ${u.unbuildable!.reasons.join("; ")}`;
}

function uncertaintyTables(all: readonly Results[], pairwise: readonly PairwiseRow[]): { files: Record<string, string>; markdown: string; html: { caption: string; columns: string[]; rows: Cell[][] }[] } {
  const banded = all.filter((r) => r.uncertainty !== undefined);
  if (banded.length === 0) return { files: {}, markdown: "", html: [] };
  const files: Record<string, string> = {};
  files["uncertainty.csv"] = toCsv(
    banded.flatMap((r) =>
      r.uncertainty!.outputs.map((o) => ({
        scenario: r.scenario, path: o.path, label: o.label, nominal: o.nominal, median: o.median,
        band68Low: o.band68[0], band68High: o.band68[1], band90Low: o.band90[0], band90High: o.band90[1], samples: o.samples, fitted: o.fitted,
        runs: o.emulator?.runs ?? o.samples,
        emulatorLooRelativeError: o.emulator !== undefined && "looRelativeError" in o.emulator ? o.emulator.looRelativeError : null,
        notEmulated: o.emulator !== undefined && "notEmulated" in o.emulator ? o.emulator.notEmulated : null,
      })),
    ),
  );
  files["sensitivity.csv"] = toCsv(
    banded.flatMap((r) =>
      r.uncertainty!.sensitivity.map((x) => ({
        scenario: r.scenario, path: x.path, input: x.input, firstOrder: x.firstOrder, firstOrderLow: x.firstOrderBand90?.[0] ?? null, firstOrderHigh: x.firstOrderBand90?.[1] ?? null,
        total: x.total, totalLow: x.totalBand90?.[0] ?? null, totalHigh: x.totalBand90?.[1] ?? null, scale: x.scale, unexplained: x.unexplained,
      })),
    ),
  );
  if (pairwise.length > 0) files["pairwise.csv"] = toCsv(pairwise.map((p) => ({ ...p })));
  const heads = banded.map(headlineBands);
  const columns = [...new Set(heads.flatMap((h) => Object.entries(h).filter(([, v]) => v !== undefined).map(([k]) => k)))];
  const samples = [...new Set(banded.map((r) => r.uncertainty!.samples))].join("/");
  const runs = [...new Set(banded.map((r) => r.uncertainty!.runs).filter((x): x is number => x !== undefined))].join("/");
  const how = runs === "" ? `${samples} samples of every assumed input` : `${samples} draws of every assumed input through emulators trained on ${runs} runs of the whole chain, their left-out error drawn in; *: the runs' own band, not emulated`;
  const emulatedText = (o: OutputBand): string => bandText(o) + (o.emulator !== undefined && "notEmulated" in o.emulator ? "*" : "");
  let md = `\nPredicted with bands (${how}; median [90 % band]):\n\n`;
  md += `| ${["design", ...columns].join(" | ")} |\n| ${["design", ...columns].map(() => "---").join(" | ")} |\n`;
  banded.forEach((r, k) => (md += `| ${[r.scenario, ...columns.map((c) => (heads[k]![c] !== undefined ? emulatedText(heads[k]![c]!) : ""))].join(" | ")} |\n`));
  // which design beats which, on the room-temperature conductivity (DC too) and the top-rate capacity
  const keyPaths = (r: Results): Set<string> => {
    const h = headlineBands(r);
    const caps = Object.keys(h).filter((c) => /C \(mAh\/g\)$/.test(c));
    const top = caps.length > 0 ? h[caps[caps.length - 1]!] : undefined;
    return new Set([h["sigma (S/cm)"]?.path, h["sigma DC (S/cm)"]?.path, top?.path].filter((x): x is string => x !== undefined));
  };
  const pairs = pairwise.filter((p) => {
    const r = banded.find((x) => x.scenario === p.a);
    return r !== undefined && keyPaths(r).has(p.path);
  });
  if (pairs.length > 0) {
    md += `\nProbability that the first design's value is the larger (over the runs both designs ran, paired: shared inputs drawn alike):\n\n| output | a | b | P(a > b) | runs |\n| --- | --- | --- | --- | --- |\n`;
    for (const p of pairs) md += `| ${p.label} | ${p.a} | ${p.b} | ${p.probabilityAGreater.toFixed(2)} | ${p.samples} |\n`;
  }
  const unbuilt = banded.filter((r) => r.uncertainty!.unbuildable !== undefined);
  if (unbuilt.length > 0) {
    md += `\nDraws whose design this model cannot build:\n\n`;
    for (const r of unbuilt) md += `- ${r.scenario}: ${unbuildableText(r.uncertainty!)}\n`;
  }
  const next = banded.filter((r) => r.uncertainty!.measureNext.length > 0);
  if (next.length > 0) {
    md += `\nWhat to measure next (the input most of each band's variance comes from):\n\n`;
    for (const r of next) for (const m of r.uncertainty!.measureNext.slice(0, 3)) md += `- ${r.scenario}: ${m.text}\n`;
  }
  const html = [
    {
      caption: `Predicted with bands: median [90 % band] over ${how} (fitted: a calibration target, not a prediction)`,
      columns: ["design", ...columns],
      rows: banded.map((r, k): Cell[] => [r.scenario, ...columns.map((c): Cell => (heads[k]![c] !== undefined ? { number: emulatedText(heads[k]![c]!) } : null))]),
    },
    ...(unbuilt.length > 0 ? [{ caption: "Draws whose design this model cannot build, left out of the bands (the bands are over those it can build)", columns: ["design", "left out", "why"], rows: unbuilt.map((r): Cell[] => [r.scenario, unbuildableCounts(r.uncertainty!), r.uncertainty!.unbuildable!.reasons.join("; ")]) }] : []),
    ...(pairs.length > 0 ? [{ caption: "Probability that design a's value is the larger", columns: ["output", "a", "b", "P(a > b)", "runs paired"], rows: pairs.map((p): Cell[] => [p.label, p.a, p.b, p.probabilityAGreater, p.samples]) }] : []),
    ...(next.length > 0 ? [{ caption: "What to measure next", columns: ["design", "output", "90 % band (hi/lo)", "input", "share of variance", "measurement"], rows: next.flatMap((r) => r.uncertainty!.measureNext.slice(0, 3).map((m): Cell[] => [r.scenario, m.label, m.bandRatio90, m.input, m.share, m.measurement])) }] : []),
  ];
  return { files, markdown: md, html };
}
