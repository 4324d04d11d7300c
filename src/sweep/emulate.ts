/**
 * Bands from an emulator of the whole chain (`--uncertainty N --emulate M`): M samples of
 * the inputs are run through the chain (the training runs: a sweep like any other, workers,
 * resume, shards), a polynomial chaos expansion of each output in the inputs' uniform scores
 * is fitted to them (analysis/sobol.ts: the degree chosen by the leave-one-out error, at most
 * M/3 terms), and the N draws of the inputs are put through the expansions:
 *
 *   y_s = g^-1( PCE(u_s) + e_s ),   e_s ~ N(0, sd_LOO^2),
 *
 * g = logit((y - lo) / (hi - lo)) for an output with a physical range [lo, hi] (a capacity
 * between 0 and LiFePO4's theoretical capacity, a transference number), so no emulated draw
 * leaves it; ln for other positive outputs that span more than 1.5x; else the identity. sd_LOO the
 * expansion's leave-one-out error on the training runs (each run predicted by the expansion
 * fitted to the others, exact for least squares through the hat matrix). That residual holds
 * what the inputs do not explain (each run builds its own microstructure realisation, so the
 * realisations' scatter is in it) and the expansion's own misfit, so it is drawn into every
 * emulated sample rather than left out of the band; it is taken as Gaussian in g and the
 * same over the input space (stated, not checked). An output the expansion explains poorly
 * (leave-one-out error above MAX_EMULATOR_LOO of its variance), one that is zero in some runs
 * and not in others (no conducting path, no capacity above the cut-off: a threshold no smooth
 * expansion follows) or missing from some runs keeps the training runs' own band, and says
 * why.
 *
 * Draws are the uncertainty engine's (drawScores): the same Latin hypercube per input key and
 * posterior draws, so two designs that share an input share its value in draw s, and the
 * pairwise probabilities compare draw s with draw s. The residual e_s is each design's own
 * (another microstructure, another emulator), from a stream named by the design and output.
 */
import { createStream } from "../core/rng.js";
import { pceSobol, predict } from "../analysis/sobol.js";
import type { OutputEmulator } from "../pipeline/results.js";

/** One scalar output of a run (uncertainty.ts `bandedOutputs`). */
export interface RunOutput {
  readonly path: string;
  readonly label: string;
  readonly value: number;
  /** The output's physical range [lo, hi] where it has one: emulated in logit((y - lo) / (hi - lo)). */
  readonly range?: readonly [number, number];
}

/** Above this leave-one-out error (fraction of the output's variance) an output keeps the runs' band. */
export const MAX_EMULATOR_LOO = 0.5;

/** An output whose values span more than this ratio is expanded (and its Sobol indices taken) in ln. */
const LOG_SPAN = 1.5;

/** Whether positive values from lo to hi are taken in ln (they span more than LOG_SPAN). */
export function spansInLog(lo: number, hi: number): boolean {
  return lo > 0 && hi / lo > LOG_SPAN;
}

/** Highest total degree of an output's expansion (fewer where the runs do not support it). */
const MAX_DEGREE = 4;

export interface EmulatedOutput {
  readonly path: string;
  readonly label: string;
  /** The N emulated values (draw s at s), or null: the band is the runs'. */
  readonly values: Float64Array | null;
  readonly emulator: OutputEmulator;
}

/**
 * Emulate every banded output of the training runs at the draws. `runScores[s]` is run s's
 * uniform scores (every input key, the column order of `draws`); `runs` the finished runs'
 * banded outputs by run number; `design` names the residuals' stream.
 */
export function emulateOutputs(
  design: string,
  runScores: readonly Float64Array[],
  runs: ReadonlyMap<number, readonly RunOutput[]>,
  draws: readonly Float64Array[],
  seed: number,
): Map<string, EmulatedOutput> {
  const finished = [...runs.keys()].filter((s) => s < runScores.length).sort((a, b) => a - b);
  const values = new Map<string, { label: string; range: readonly [number, number] | undefined; rows: number[]; ys: number[] }>();
  for (const s of finished) {
    for (const o of runs.get(s)!) {
      const v = values.get(o.path) ?? values.set(o.path, { label: o.label, range: o.range, rows: [], ys: [] }).get(o.path)!;
      v.rows.push(s);
      v.ys.push(o.value);
    }
  }
  const out = new Map<string, EmulatedOutput>();
  for (const [path, { label, range, rows, ys }] of values) {
    const keep = (notEmulated: string): void => void out.set(path, { path, label, values: null, emulator: { runs: ys.length, notEmulated } });
    if (ys.length < finished.length) {
      keep(`missing from ${finished.length - ys.length} of ${finished.length} runs`);
      continue;
    }
    const lo = Math.min(...ys), hi = Math.max(...ys);
    if (lo === hi) {
      keep("the same in every run");
      continue;
    }
    const zeros = ys.filter((y) => y === 0).length;
    if (zeros > 0) {
      keep(`zero in ${zeros} of ${ys.length} runs: a threshold (no conducting path, no capacity above the cut-off) that a smooth expansion cannot follow`);
      continue;
    }
    // a bounded output (a capacity, t+) in logit of its place in its range, so no draw leaves
    // it; else ln where it spans more than 1.5x, else as it is
    if (range !== undefined && !(lo > range[0] && hi < range[1])) {
      keep(`at the end of its range [${range[0]}, ${range[1].toPrecision(4)}] in some runs`);
      continue;
    }
    const scale: "logit" | "log" | "linear" = range !== undefined ? "logit" : spansInLog(lo, hi) ? "log" : "linear";
    const width = range !== undefined ? range[1] - range[0] : 1, base = range?.[0] ?? 0;
    const to = (y: number): number => (scale === "logit" ? Math.log((y - base) / (base + width - y)) : scale === "log" ? Math.log(y) : y);
    const from = (x: number): number => (scale === "logit" ? base + width / (1 + Math.exp(-x)) : scale === "log" ? Math.exp(x) : x);
    const g = ys.map(to);
    let fit: ReturnType<typeof pceSobol>;
    try {
      fit = pceSobol(rows.map((s) => runScores[s]!), g, { maxDegree: MAX_DEGREE, bootstrap: 0 });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      keep(e.message);
      continue;
    }
    if (!(fit.looRelativeError <= MAX_EMULATOR_LOO)) {
      keep(`its expansion leaves ${(100 * fit.looRelativeError).toFixed(0)} % of the variance unexplained on left-out runs (more than ${100 * MAX_EMULATOR_LOO} %)`);
      continue;
    }
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const variance = g.reduce((a, b) => a + (b - mean) ** 2, 0) / (g.length - 1);
    const residualSd = Math.sqrt(fit.looRelativeError * variance);
    const noise = createStream(seed, "emulator-residual", design, path);
    const emulated = new Float64Array(draws.length);
    for (let s = 0; s < draws.length; s++) {
      emulated[s] = from(predict(fit.expansion, draws[s]!) + residualSd * noise.nextNormal());
    }
    out.set(path, {
      path,
      label,
      values: emulated,
      emulator: { runs: ys.length, degree: fit.degree, terms: fit.terms, looRelativeError: fit.looRelativeError, residualSd, scale },
    });
  }
  return out;
}

/** Training runs for an emulator of `keys` inputs: a linear expansion needs 3 (k + 1) (at most M/3 terms). */
export function minimumRuns(keys: number): number {
  return 3 * (keys + 1);
}
