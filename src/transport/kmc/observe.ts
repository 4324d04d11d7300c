/**
 * Observables of a KMC run, with standard errors.
 *
 * A replica is equilibrated, then measured in time blocks of equal numbers of hops. Per
 * block and species it records the block's duration dt_b and the collective displacement
 * dR_b = sum over ions of that species of their displacement in the block. At the end it
 * records each ion's total displacement (for the tracer).
 *
 * Estimators (Allnatt and Lidiard, Atomic Transport in Solids, ch. 5; Murch, Solid State
 * Ionics 7, 177, 1982), lengths in cm, times in s:
 *  - tracer D* = <|r_i(t) - r_i(0)|^2> / (6 t) over the whole measured run;
 *    standard error over replicas (or over ions when there is one replica);
 *  - charge (collective) D_sigma = sum_b |dR_b|^2 / (6 N sum_b dt_b) at zero field; under a
 *    field the drift v is subtracted, |dR_b - N v dt_b|^2, with the sum scaled for the degree
 *    of freedom v takes (see summarize); ratio estimator over all blocks of all replicas, with its
 *    delta-method standard error (blocks are independent for a martingale like the
 *    exclusion-only lattice gas, and nearly so when they are long against the collective
 *    correlation time);
 *  - Haven ratio H = D* / D_sigma;
 *  - Nernst-Einstein conductivity of each species from its charge term,
 *    sigma_s = n_s (q_s e)^2 D_sigma,s / (kB T);
 *  - the current (Einstein-Helfand) form with cross terms, sigma = <|sum_s q_s e dR_s|^2> /
 *    (6 V kB T dt), split per species as sigma_s = sum_s' q_s q_s' <dR_s . dR_s'> ... ;
 *    the cation's share of the current is the sum of the cation rows over the total;
 *  - with a field E: drift conductivity sigma_drift = n q e <v . E> / |E|^2.
 */
import { BOLTZMANN_J_PER_K, CM_PER_ANGSTROM, ELEMENTARY_CHARGE_C } from "../../core/constants.js";
import { estimate, ratioEstimate, sampleVariance, type Estimate } from "../../core/stats.js";
import type { RandomStream } from "../../core/rng.js";
import { KmcEngine, type EngineState, type Scheme } from "./engine.js";
import type { KmcModel } from "./model.js";
import { siteCountOfType } from "../../structure/lattice/lattice.js";

export interface ReplicaOptions {
  readonly equilibrationHops: number;
  /** Accepted hops measured per replica. */
  readonly hops: number;
  /** Time blocks per replica for the collective observables. */
  readonly blocks: number;
  readonly scheme?: Scheme;
  /** Called with the hops done so far in this replica (equilibration included). */
  readonly onProgress?: (hopsDone: number) => void;
}

export interface ReplicaRecord {
  readonly scheme: Scheme;
  readonly timeS: number;
  readonly hops: number;
  readonly attempts: number;
  /** Per block: duration, s. */
  readonly blockTimeS: Float64Array;
  /** Per block, species, axis: collective displacement, Angstrom (blocks x nS x 3). */
  readonly blockDispAngstrom: Float64Array;
  /** Per species: mean over its ions of |dr|^2 over the measured run, Angstrom^2. */
  readonly tracerMsdAngstrom2: Float64Array;
  /** Per species: variance over its ions of |dr|^2 (for the one-replica standard error). */
  readonly tracerMsdVariance: Float64Array;
  /** Time-averaged ions per species and site type (nS x nTypes). */
  readonly meanTypeCounts: Float64Array;
  /** Bookkeeping errors found at the end (empty when all is well). */
  readonly consistencyErrors: readonly string[];
}

/** A replica's progress, to continue it exactly. */
export interface ReplicaState {
  readonly engine: EngineState;
  readonly equilibrated: number;
  readonly measured: boolean;
  readonly hopsDone: number;
  readonly measuredHops: number;
  readonly times: readonly number[];
  readonly disps: readonly number[];
  readonly last: readonly number[];
  /** The measuring round under way: its hops, blocks, and blocks done. */
  readonly round: { readonly hops: number; readonly blocks: number; readonly done: number; readonly measuredInRound: number } | null;
}

/**
 * One replica: equilibrated, then measured block by block; `measure` may be called again
 * to extend the run (target-precision mode) with the same stream, so the result depends
 * only on the seed and the sequence of calls. `state()` and the `state` argument let a
 * run stop after any chunk or block and continue to the identical result.
 */
export class ReplicaRun {
  readonly engine: KmcEngine;
  private readonly nS: number;
  private readonly times: number[];
  private readonly disps: number[];
  private readonly last: Float64Array;
  private hopsDone: number;
  /** Hops of the completed measuring rounds. */
  measuredHops: number;
  private equilibrated: number;
  private measuring: boolean;
  private round: { hops: number; blocks: number; done: number; measuredInRound: number } | null;

  constructor(
    readonly model: KmcModel,
    rng: RandomStream,
    scheme?: Scheme,
    private readonly onProgress?: (hopsDone: number) => void,
    state?: ReplicaState,
  ) {
    this.engine = new KmcEngine(model, rng, state?.engine.scheme ?? scheme, state?.engine);
    this.nS = model.species.length;
    this.times = state ? [...state.times] : [];
    this.disps = state ? [...state.disps] : [];
    this.last = state ? Float64Array.from(state.last) : new Float64Array(this.nS * 3);
    this.hopsDone = state?.hopsDone ?? 0;
    this.measuredHops = state?.measuredHops ?? 0;
    this.equilibrated = state?.equilibrated ?? 0;
    this.measuring = state?.measured ?? false;
    this.round = state?.round ? { ...state.round } : null;
  }

  /** Equilibrate to `hops` hops in all (continuing), in 20 chunks; then reset the clock and displacements. */
  equilibrate(hops: number, afterChunk?: () => void): void {
    if (this.measuring) return;
    const chunk = Math.max(1, Math.ceil(hops / 20));
    while (this.equilibrated < hops) {
      const n = Math.min(chunk, hops - this.equilibrated);
      this.engine.advance(n);
      this.equilibrated += n;
      this.hopsDone += n;
      this.onProgress?.(this.hopsDone);
      if (this.equilibrated < hops) afterChunk?.();
    }
    this.engine.reset();
    this.measuring = true;
  }

  /** Measure `hops` more accepted hops in `blocks` blocks of (nearly) equal hop counts. */
  measure(hops: number, blocks: number, afterBlock?: () => void): void {
    if (!this.measuring) this.equilibrate(0);
    const nb = Math.max(1, Math.min(blocks, hops));
    if (this.round === null || this.round.hops !== hops || this.round.blocks !== nb) this.round = { hops, blocks: nb, done: 0, measuredInRound: 0 };
    const round = this.round;
    while (round.done < nb) {
      const b = round.done;
      const n = Math.floor((hops * (b + 1)) / nb) - round.measuredInRound;
      this.times.push(this.engine.advance(n));
      round.measuredInRound += n;
      this.hopsDone += n;
      const now = this.engine.speciesDisplacement();
      for (let i = 0; i < this.nS * 3; i++) {
        this.disps.push(now[i]! - this.last[i]!);
        this.last[i] = now[i]!;
      }
      round.done++;
      this.onProgress?.(this.hopsDone);
      if (round.done < nb) afterBlock?.();
    }
    this.round = null;
    this.measuredHops += hops;
  }

  state(): ReplicaState {
    return {
      engine: this.engine.snapshot(),
      equilibrated: this.equilibrated,
      measured: this.measuring,
      hopsDone: this.hopsDone,
      measuredHops: this.measuredHops,
      times: [...this.times],
      disps: [...this.disps],
      last: [...this.last],
      round: this.round === null ? null : { ...this.round },
    };
  }

  record(): ReplicaRecord {
    const { engine, model, nS } = this;
    const tracerMsd = new Float64Array(nS);
    const tracerVar = new Float64Array(nS);
    const d = engine.displacements();
    let first = 0;
    for (let s = 0; s < nS; s++) {
      const count = model.species[s]!.count;
      const r2 = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const p = first + i; // ions are numbered species by species
        r2[i] = d[3 * p]! ** 2 + d[3 * p + 1]! ** 2 + d[3 * p + 2]! ** 2;
      }
      let sum = 0;
      for (let i = 0; i < count; i++) sum += r2[i]!;
      tracerMsd[s] = count > 0 ? sum / count : 0;
      tracerVar[s] = count > 1 ? sampleVariance(r2) : 0;
      first += count;
    }
    return {
      scheme: engine.scheme,
      timeS: engine.time,
      hops: engine.hops,
      attempts: engine.attempts,
      blockTimeS: Float64Array.from(this.times),
      blockDispAngstrom: Float64Array.from(this.disps),
      tracerMsdAngstrom2: tracerMsd,
      tracerMsdVariance: tracerVar,
      meanTypeCounts: engine.meanTypeCounts(),
      consistencyErrors: engine.checkConsistency(),
    };
  }
}

/** Equilibrate and measure one replica. */
export function runReplica(model: KmcModel, rng: RandomStream, options: ReplicaOptions): ReplicaRecord {
  const run = new ReplicaRun(model, rng, options.scheme, options.onProgress);
  run.equilibrate(options.equilibrationHops);
  run.measure(options.hops, options.blocks);
  return run.record();
}

export interface SpeciesTransport {
  readonly species: string;
  readonly charge: number;
  readonly tracerDiffusivityCm2PerS: number;
  readonly tracerDiffusivityStdErr: number;
  readonly chargeDiffusivityCm2PerS: number;
  readonly chargeDiffusivityStdErr: number;
  readonly havenRatio: number;
  readonly havenRatioStdErr: number;
  readonly carrierDensityPerCm3: number;
  /** Nernst-Einstein conductivity from the species' own charge term, S/cm. */
  readonly conductivitySPerCm: number;
  readonly conductivityStdErr: number;
  /** The species' share of the current including cross terms with other species, S/cm. */
  readonly partialConductivitySPerCm: number;
  /** Drift velocity along the field per field strength times n q e, S/cm (absent without field). */
  readonly driftConductivitySPerCm?: number;
  readonly driftConductivityStdErr?: number;
  /** Mean drift velocity along x, y, z, cm/s. */
  readonly driftVelocityCmPerS: readonly [number, number, number];
  /** Time-averaged fraction of each site type's sites holding this species. */
  readonly siteOccupancy: Readonly<Record<string, number>>;
}

export interface TransportSummary {
  readonly temperatureK: number;
  readonly species: readonly SpeciesTransport[];
  /** Total ionic conductivity with all cross terms, S/cm. */
  readonly totalConductivitySPerCm: number;
  readonly totalConductivityStdErr: number;
  /** Sum of the cations' partial conductivities over the total. */
  readonly cationShare: number;
  readonly cationShareStdErr: number;
  readonly replicas: number;
  readonly blocks: number;
  readonly hopsPerReplica: number;
  readonly simulatedTimeS: number;
  readonly scheme: Scheme;
}

/** Combine replica records into estimates with standard errors. */
export function summarize(model: KmcModel, records: readonly ReplicaRecord[]): TransportSummary {
  const { lattice, species, temperatureK } = model;
  const nS = species.length;
  const nT = lattice.siteTypeNames.length;
  const R = records.length;
  const A2 = CM_PER_ANGSTROM * CM_PER_ANGSTROM;
  const kT = BOLTZMANN_J_PER_K * temperatureK;
  const V = lattice.volumeCm3;
  const e = ELEMENTARY_CHARGE_C;

  // all blocks of all replicas
  const nBlocks = records.reduce((s, r) => s + r.blockTimeS.length, 0);
  const dt = new Float64Array(nBlocks);
  const disp = new Float64Array(nBlocks * nS * 3); // cm
  let k = 0;
  for (const r of records) {
    for (let b = 0; b < r.blockTimeS.length; b++, k++) {
      dt[k] = r.blockTimeS[b]!;
      for (let i = 0; i < nS * 3; i++) disp[k * nS * 3 + i] = r.blockDispAngstrom[b * nS * 3 + i]! * CM_PER_ANGSTROM;
    }
  }
  let totalTime = 0;
  for (let b = 0; b < nBlocks; b++) totalTime += dt[b]!;
  // drift velocity of the centre of each species (cm/s per ion)
  const drift = new Float64Array(nS * 3);
  for (let s = 0; s < nS; s++) {
    const N = species[s]!.count;
    for (let a = 0; a < 3; a++) {
      let sum = 0;
      for (let b = 0; b < nBlocks; b++) sum += disp[(b * nS + s) * 3 + a]!;
      drift[s * 3 + a] = N > 0 ? sum / (N * totalTime) : 0;
    }
  }
  // drift-free collective displacement per block. At zero field the mean drift is zero by
  // symmetry and the displacement itself is used (subtracting a drift estimated from the same
  // blocks would bias D_sigma low by about 1 / blocks). Under a field the drift is subtracted
  // and its degree of freedom accounted for: with dR_b of variance proportional to dt_b and
  // v = sum dR_b / T (T = sum dt_b), E[sum_b |dR_b - v dt_b|^2] is the variance rate times
  // T - sum dt_b^2 / T, so the sums are scaled by T / (T - sum dt_b^2 / T) (n_b / (n_b - 1)
  // for equal blocks).
  const fieldE = model.fieldVPerCm;
  const fieldMag2 = fieldE[0] ** 2 + fieldE[1] ** 2 + fieldE[2] ** 2;
  const biased = fieldMag2 > 0;
  let sumDt2 = 0;
  for (let b = 0; b < nBlocks; b++) sumDt2 += dt[b]! * dt[b]!;
  const dofScale = biased && nBlocks > 1 ? totalTime / (totalTime - sumDt2 / totalTime) : 1;
  const fluct = new Float64Array(disp.length);
  for (let b = 0; b < nBlocks; b++)
    for (let s = 0; s < nS; s++)
      for (let a = 0; a < 3; a++) {
        const i = (b * nS + s) * 3 + a;
        fluct[i] = biased ? disp[i]! - species[s]!.count * drift[s * 3 + a]! * dt[b]! : disp[i]!;
      }
  const dot = (b: number, s: number, t: number): number => {
    const i = (b * nS + s) * 3, j = (b * nS + t) * 3;
    return dofScale * (fluct[i]! * fluct[j]! + fluct[i + 1]! * fluct[j + 1]! + fluct[i + 2]! * fluct[j + 2]!);
  };
  // total current term: |sum_s q_s dR_s|^2 e^2 / (6 V kT dt)
  const xTot = new Float64Array(nBlocks);
  const yTot = new Float64Array(nBlocks);
  for (let b = 0; b < nBlocks; b++) {
    xTot[b] = 6 * V * kT * dt[b]!;
    let y = 0;
    for (let s = 0; s < nS; s++) for (let t = 0; t < nS; t++) y += species[s]!.charge * species[t]!.charge * dot(b, s, t);
    yTot[b] = y * e * e;
  }
  const total = ratioEstimate(xTot, yTot);
  // cation share: sum over cation rows / total, per block pairs (ratio of sums)
  const yCat = new Float64Array(nBlocks);
  for (let b = 0; b < nBlocks; b++) {
    let y = 0;
    for (let s = 0; s < nS; s++) {
      if (species[s]!.charge <= 0) continue;
      for (let t = 0; t < nS; t++) y += species[s]!.charge * species[t]!.charge * dot(b, s, t);
    }
    yCat[b] = y * e * e;
  }
  const share = nS === 1 ? { mean: species[0]!.charge > 0 ? 1 : 0, stdErr: 0 } : ratioEstimate(yTot, yCat);

  const rows: SpeciesTransport[] = species.map((sp, s) => {
    const N = sp.count;
    const n = N / V;
    // tracer
    const perReplica = records.map((r) => (r.tracerMsdAngstrom2[s]! * A2) / (6 * r.timeS));
    let tracer: Estimate = estimate(perReplica);
    if (R === 1) {
      const r = records[0]!;
      tracer = { mean: perReplica[0]!, stdErr: (Math.sqrt(r.tracerMsdVariance[s]! / Math.max(1, N)) * A2) / (6 * r.timeS), samples: N };
    }
    // charge diffusivity
    const x = new Float64Array(nBlocks);
    const y = new Float64Array(nBlocks);
    const yPartial = new Float64Array(nBlocks);
    for (let b = 0; b < nBlocks; b++) {
      x[b] = 6 * N * dt[b]!;
      y[b] = dot(b, s, s);
      let yp = 0;
      for (let t = 0; t < nS; t++) yp += sp.charge * species[t]!.charge * dot(b, s, t);
      yPartial[b] = yp * e * e;
    }
    const dSigma = N > 0 ? ratioEstimate(x, y) : { mean: 0, stdErr: 0, samples: 0 };
    const partial = ratioEstimate(xTot, yPartial);
    const neFactor = (n * (sp.charge * e) ** 2) / kT;
    const haven = tracer.mean / dSigma.mean;
    const havenErr = Math.abs(haven) * Math.hypot(tracer.stdErr / tracer.mean, dSigma.stdErr / dSigma.mean);
    // drift along the field
    let driftFields: { driftConductivitySPerCm?: number; driftConductivityStdErr?: number } = {};
    if (fieldMag2 > 0 && N > 0) {
      const xd = new Float64Array(nBlocks);
      const yd = new Float64Array(nBlocks);
      for (let b = 0; b < nBlocks; b++) {
        const i = (b * nS + s) * 3;
        xd[b] = N * dt[b]!;
        yd[b] = disp[i]! * fieldE[0] + disp[i + 1]! * fieldE[1] + disp[i + 2]! * fieldE[2];
      }
      const v = ratioEstimate(xd, yd); // <v . E> in cm/s * V/cm
      const f = (n * sp.charge * e) / fieldMag2;
      driftFields = { driftConductivitySPerCm: f * v.mean, driftConductivityStdErr: Math.abs(f) * v.stdErr };
    }
    const siteOccupancy: Record<string, number> = {};
    lattice.siteTypeNames.forEach((name, t) => {
      const sites = siteCountOfType(lattice, name);
      let m = 0;
      for (const r of records) m += r.meanTypeCounts[s * nT + t]!;
      siteOccupancy[name] = m / R / sites;
    });
    return {
      species: sp.name,
      charge: sp.charge,
      tracerDiffusivityCm2PerS: tracer.mean,
      tracerDiffusivityStdErr: tracer.stdErr,
      chargeDiffusivityCm2PerS: dSigma.mean,
      chargeDiffusivityStdErr: dSigma.stdErr,
      havenRatio: haven,
      havenRatioStdErr: havenErr,
      carrierDensityPerCm3: n,
      conductivitySPerCm: neFactor * dSigma.mean,
      conductivityStdErr: neFactor * dSigma.stdErr,
      partialConductivitySPerCm: partial.mean,
      ...driftFields,
      driftVelocityCmPerS: [drift[s * 3]!, drift[s * 3 + 1]!, drift[s * 3 + 2]!],
      siteOccupancy,
    };
  });
  return {
    temperatureK,
    species: rows,
    totalConductivitySPerCm: total.mean,
    totalConductivityStdErr: total.stdErr,
    cationShare: share.mean,
    cationShareStdErr: share.stdErr,
    replicas: R,
    blocks: nBlocks,
    hopsPerReplica: records[0]?.hops ?? 0,
    simulatedTimeS: totalTime,
    scheme: records[0]?.scheme ?? "tree",
  };
}
