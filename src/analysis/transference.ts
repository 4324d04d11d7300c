/**
 * Cation transference number from a potentiostatic polarisation (Evans, Vincent and Bruce,
 * Polymer 28, 2324, 1987; the "Bruce-Vincent" correction for the interfacial resistances):
 *
 *   t+ = Iss (dV - I0 R0) / (I0 (dV - Iss Rss))
 *
 * with dV the applied step, I0 and Iss the initial and steady currents, R0 and Rss the
 * interfacial resistances before and after polarisation. dV - I0 R0 is the voltage across
 * the bulk at t = 0+ and dV - Iss Rss the voltage across the electrolyte (ohmic plus
 * concentration polarisation) at steady state. It measures a current fraction that equals
 * the true transference number only for an ideal, dilute, fully dissociated electrolyte at
 * small dV (Balsara and Newman, J. Electrochem. Soc. 162, A2720, 2015).
 */
import { badValue } from "../core/errors.js";
import type { EvansResult } from "../transport/cell/membrane.js";

export interface BruceVincentInput {
  readonly stepVoltageV: number;
  /** I0, A. */
  readonly initialCurrentA: number;
  /** Iss, A. */
  readonly steadyCurrentA: number;
  /** R0, ohm: both interfaces together, before polarisation. */
  readonly initialInterfaceResistanceOhm: number;
  /** Rss, ohm: both interfaces together, at steady state. */
  readonly steadyInterfaceResistanceOhm: number;
}

/** The Bruce-Vincent formula; currents and dV share one sign (the step's). */
export function bruceVincentTransference(input: BruceVincentInput): number {
  const { stepVoltageV: dV, initialCurrentA: i0, steadyCurrentA: iss } = input;
  const r0 = input.initialInterfaceResistanceOhm, rss = input.steadyInterfaceResistanceOhm;
  if (!Number.isFinite(dV) || dV === 0) badValue("stepVoltageV", dV, "a finite, non-zero voltage is allowed");
  if (!Number.isFinite(i0) || i0 * dV <= 0) badValue("initialCurrentA", i0, "a finite current of the step's sign is allowed");
  if (!Number.isFinite(iss) || iss * dV <= 0) badValue("steadyCurrentA", iss, "a finite current of the step's sign is allowed");
  if (!Number.isFinite(r0) || r0 < 0) badValue("initialInterfaceResistanceOhm", r0, "a finite resistance >= 0 is allowed");
  if (!Number.isFinite(rss) || rss < 0) badValue("steadyInterfaceResistanceOhm", rss, "a finite resistance >= 0 is allowed");
  const bulk0 = dV - i0 * r0;
  const bulkSs = dV - iss * rss;
  if (bulk0 / dV <= 0) badValue("initialInterfaceResistanceOhm", r0, `I0 R0 must stay below dV (I0 R0 = ${i0 * r0} V, dV = ${dV} V)`);
  if (bulkSs / dV <= 0) badValue("steadyInterfaceResistanceOhm", rss, `Iss Rss must stay below dV (Iss Rss = ${iss * rss} V, dV = ${dV} V)`);
  return (iss * bulk0) / (i0 * bulkSs);
}

/** The numbers of a (virtual) Evans experiment as an experimentalist reports them. */
export interface EvansSummary {
  readonly stepVoltageV: number;
  /** Initial current, A. */
  readonly I0: number;
  /** Steady (or end-of-run) current, A. */
  readonly Iss: number;
  /** Interfacial resistance (both sides) at t = 0+, ohm. */
  readonly R0: number;
  /** Interfacial resistance (both sides) at the end, ohm. */
  readonly Rss: number;
  /** Bruce-Vincent t+. */
  readonly tPlus: number;
  /** Ideal-dilute t+ = z+^2 D+ c+ / sum z_i^2 D_i c_i at the initial state, for comparison. */
  readonly tPlusIdeal: number;
  /** Whether the run reached steady state (false: it stopped at its end time). */
  readonly steady: boolean;
}

/** Read I0, Iss, R0, Rss off a membrane polarisation run and apply Bruce-Vincent. */
export function summarizeEvans(run: EvansResult): EvansSummary {
  const tPlus = bruceVincentTransference({
    stepVoltageV: run.stepVoltageV,
    initialCurrentA: run.initialCurrentA,
    steadyCurrentA: run.steadyCurrentA,
    initialInterfaceResistanceOhm: run.initialInterfaceResistanceOhm,
    steadyInterfaceResistanceOhm: run.steadyInterfaceResistanceOhm,
  });
  return {
    stepVoltageV: run.stepVoltageV,
    I0: run.initialCurrentA,
    Iss: run.steadyCurrentA,
    R0: run.initialInterfaceResistanceOhm,
    Rss: run.steadyInterfaceResistanceOhm,
    tPlus,
    tPlusIdeal: run.idealTransferenceNumber,
    steady: run.reachedSteadyState,
  };
}
