/**
 * Measured values beside predicted ones: the measurements of a `--measured FILE`
 * (scenario/measurements.ts) matched to the designs of a comparison by scenario name, and
 * each one set against the prediction it measures, with the deviation in units of the
 * measurement's error. A value the design was calibrated on (`calibrationTarget` in the
 * file) is marked as such: its agreement is by construction, not a prediction.
 */
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import type { Results } from "../pipeline/results.js";
import type { MeasuredValue } from "../scenario/measurements.js";

/** The measured values of one design, by quantity. */
export interface DesignMeasurements {
  readonly conductivity: readonly { readonly temperatureK: number; readonly valueSPerCm: number; readonly relativeError: number; readonly source: string; readonly calibrationTarget: boolean }[];
  readonly activationEnergy?: { readonly valueEV: number; readonly errorEV: number; readonly form: "sigma" | "sigmaT"; readonly temperatureRangeK?: readonly [number, number]; readonly source: string; readonly calibrationTarget: boolean };
  readonly capacity: readonly { readonly cRate: number; readonly valueMAhPerG: number; readonly errorMAhPerG: number; readonly source: string; readonly calibrationTarget: boolean }[];
  readonly transferenceNumber?: { readonly value: number; readonly error: number; readonly method: string; readonly source: string; readonly calibrationTarget: boolean };
  /** Measured impedance spectra (drawn on the Nyquist and Bode plots). */
  readonly spectra: readonly { readonly cell: "Li|SE|Li" | "SS|SE|SS"; readonly temperatureK: number; readonly frequenciesHz: readonly number[]; readonly realOhm: readonly number[]; readonly imagOhm: readonly number[]; readonly relativeError: number; readonly source: string; readonly calibrationTarget: boolean }[];
}

/** The measurements that name `scenario` (the first of each kind wins where only one fits). */
export function measurementsFor(scenario: string, all: readonly MeasuredValue[]): DesignMeasurements {
  const mine = all.filter((m) => m.scenario === scenario);
  const conductivity = [], capacity = [], spectra = [];
  let activationEnergy: DesignMeasurements["activationEnergy"], transferenceNumber: DesignMeasurements["transferenceNumber"];
  for (const m of mine) {
    const calibrationTarget = m.calibrationTarget === true;
    switch (m.observable) {
      case "conductivity":
        conductivity.push({ temperatureK: m.temperatureK, valueSPerCm: m.valueSPerCm, relativeError: m.relativeError, source: m.source, calibrationTarget });
        break;
      case "activationEnergy":
        activationEnergy ??= { valueEV: m.valueEV, errorEV: m.errorEV, form: m.form, ...(m.temperatureRangeK !== undefined ? { temperatureRangeK: m.temperatureRangeK } : {}), source: m.source, calibrationTarget };
        break;
      case "dischargeCapacity":
        capacity.push({ cRate: m.cRate, valueMAhPerG: m.valueMAhPerG, errorMAhPerG: m.errorMAhPerG, source: m.source, calibrationTarget });
        break;
      case "transferenceNumber":
        transferenceNumber ??= { value: m.value, error: m.error, method: m.method, source: m.source, calibrationTarget };
        break;
      case "impedanceSpectrum":
        spectra.push({ cell: m.cell, temperatureK: m.temperatureK, frequenciesHz: m.frequenciesHz, realOhm: m.realOhm, imagOhm: m.imagOhm, relativeError: m.relativeError, source: m.source, calibrationTarget });
        break;
    }
  }
  return { conductivity, capacity, spectra, ...(activationEnergy !== undefined ? { activationEnergy } : {}), ...(transferenceNumber !== undefined ? { transferenceNumber } : {}) };
}

/**
 * The measured Arrhenius line through a measured conductivity sigma0 at T0 with the measured
 * activation energy, over the measured temperature range (or the conductivity points'):
 *   form sigma:   ln sigma(T)     = ln sigma0        - Ea/kB (1/T - 1/T0)
 *   form sigmaT:  ln (sigma(T) T) = ln (sigma0 T0)   - Ea/kB (1/T - 1/T0)
 * null without both, or without a range to draw over.
 */
export function measuredArrheniusLine(m: DesignMeasurements, steps = 24): { temperatureK: number; conductivitySPerCm: number }[] | null {
  const ea = m.activationEnergy;
  const ref = m.conductivity.find((c) => Math.abs(c.temperatureK - 298.15) < 1e-6) ?? m.conductivity[0];
  if (ea === undefined || ref === undefined) return null;
  const [tLow, tHigh] = ea.temperatureRangeK ?? [Math.min(...m.conductivity.map((c) => c.temperatureK)), Math.max(...m.conductivity.map((c) => c.temperatureK))];
  if (!(tHigh > tLow)) return null;
  const out: { temperatureK: number; conductivitySPerCm: number }[] = [];
  for (let j = 0; j <= steps; j++) {
    const inv = 1 / tHigh + ((1 / tLow - 1 / tHigh) * j) / steps;
    const T = 1 / inv;
    const lnRatio = -(ea.valueEV / BOLTZMANN_EV_PER_K) * (inv - 1 / ref.temperatureK) + (ea.form === "sigmaT" ? Math.log(ref.temperatureK / T) : 0);
    out.push({ temperatureK: T, conductivitySPerCm: ref.valueSPerCm * Math.exp(lnRatio) });
  }
  return out;
}

/** One measured value set against the prediction it measures. */
export interface MeasuredVsPredicted {
  readonly scenario: string;
  readonly quantity: string;
  readonly predicted: number | null;
  readonly predictedStdErr: number | null;
  readonly measured: number;
  /** One standard error of the measurement, in the quantity's units (a conductivity's: sigma x relativeError). */
  readonly measuredError: number;
  /**
   * (predicted - measured) / error, the error combining the measurement's and the
   * prediction's standard errors in quadrature; for a conductivity on ln sigma (errors
   * relative). null without a prediction.
   */
  readonly deviationSigmas: number | null;
  /** The design was calibrated on this value: agreement by construction, not a prediction. */
  readonly calibrationTarget: boolean;
  readonly source: string;
}

/** Every measurement of a compared design beside its prediction, in the designs' order. */
export function measuredVsPredicted(all: readonly Results[], measured: readonly MeasuredValue[]): MeasuredVsPredicted[] {
  const out: MeasuredVsPredicted[] = [];
  const dev = (p: number | null, pe: number | null, m: number, e: number): number | null => (p === null ? null : (p - m) / Math.hypot(e, pe ?? 0));
  for (const r of all) {
    const m = measurementsFor(r.scenario, measured);
    for (const c of m.conductivity) {
      const e = r.effective.find((x) => Math.abs(x.temperatureK - c.temperatureK) < 1e-6);
      const k = r.kmc.find((x) => Math.abs(x.temperatureK - c.temperatureK) < 1e-6);
      const p = e?.conductivitySPerCm ?? k?.totalConductivitySPerCm ?? null;
      const pe = e !== undefined ? e.conductivityStdErr : k?.totalConductivityStdErr ?? null;
      const lnDev = p !== null && p > 0 ? Math.log(p / c.valueSPerCm) / Math.hypot(c.relativeError, pe !== null ? pe / p : 0) : null;
      out.push({ scenario: r.scenario, quantity: `sigma ${c.temperatureK} K (S/cm)`, predicted: p, predictedStdErr: pe, measured: c.valueSPerCm, measuredError: c.valueSPerCm * c.relativeError, deviationSigmas: lnDev, calibrationTarget: c.calibrationTarget, source: c.source });
    }
    if (m.activationEnergy !== undefined) {
      const a = m.activationEnergy;
      const fit = r.arrhenius.find((x) => x.of === (r.effective.length > 0 ? "effective" : "total")) ?? r.arrhenius[0];
      // the two forms differ by kB T (Ea of sigma T = Ea of sigma + kB T, about 0.026 eV at
      // 298 K): a fit in the other form is converted at 298.15 K so like is compared with like
      const p = fit !== undefined ? fit.activationEnergyEV + (fit.form === a.form ? 0 : (a.form === "sigma" ? -1 : 1) * BOLTZMANN_EV_PER_K * 298.15) : null;
      out.push({ scenario: r.scenario, quantity: `Ea, ${a.form} form (eV)`, predicted: p, predictedStdErr: fit?.activationEnergyStdErr ?? null, measured: a.valueEV, measuredError: a.errorEV, deviationSigmas: dev(p, fit?.activationEnergyStdErr ?? null, a.valueEV, a.errorEV), calibrationTarget: a.calibrationTarget, source: a.source });
    }
    if (m.transferenceNumber !== undefined) {
      const t = m.transferenceNumber;
      const row = r.transferenceNumber.find((x) => Math.abs(x.temperatureK - 298.15) < 1e-6) ?? r.transferenceNumber[0];
      const p = row?.evans?.tPlus ?? row?.cation ?? null;
      const pe = row?.evans !== undefined ? (row.evans.tPlusStdErr ?? null) : row?.cationStdErr ?? null;
      out.push({ scenario: r.scenario, quantity: `t+ (${t.method})`, predicted: p, predictedStdErr: pe, measured: t.value, measuredError: t.error, deviationSigmas: dev(p, pe, t.value, t.error), calibrationTarget: t.calibrationTarget, source: t.source });
    }
    for (const c of m.capacity) {
      const row = r.rateCapability?.find((x) => Math.abs(x.cRate - c.cRate) < 1e-9);
      const p = row?.dischargeCapacityMAhPerG ?? null;
      const pe = row?.dischargeCapacityStdErr ?? null;
      out.push({ scenario: r.scenario, quantity: `capacity ${c.cRate} C (mAh/g)`, predicted: p, predictedStdErr: pe, measured: c.valueMAhPerG, measuredError: c.errorMAhPerG, deviationSigmas: dev(p, pe, c.valueMAhPerG, c.errorMAhPerG), calibrationTarget: c.calibrationTarget, source: c.source });
    }
  }
  return out;
}
