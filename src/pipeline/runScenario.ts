/**
 * runScenario(scenario) -> Results: the only place where the stages meet. A list of calls,
 * each handing its value to the next; no state is kept between runs.
 */
import { createStream } from "../core/rng.js";
import { fitArrhenius } from "../analysis/arrhenius.js";
import { runKmc } from "../transport/kmc/run.js";
import type { Scheme } from "../transport/kmc/engine.js";
import type { Scenario } from "../scenario/schema.js";
import { buildKmcModel, buildLattice } from "./kmcModel.js";
import type { ArrheniusRow, KmcRunRow, Results, TransferenceRow, TransportRow } from "./results.js";

export interface RunOptions {
  /** Progress of the whole run, 0..1, with a label of the current stage. */
  readonly onProgress?: (fraction: number, stage: string) => void;
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): Results {
  const transport: TransportRow[] = [];
  const transferenceNumber: TransferenceRow[] = [];
  const kmcRows: KmcRunRow[] = [];
  const arrhenius: ArrheniusRow[] = [];
  if (scenario.lattice !== undefined && scenario.species !== undefined) {
    const lattice = buildLattice(scenario);
    const settings = scenario.kmc ?? { equilibrationHops: 100_000, hops: 1_000_000, replicas: 4, blocks: 20, scheme: "auto" as const };
    const temps = scenario.temperaturesK;
    temps.forEach((temperatureK, ti) => {
      const model = buildKmcModel(scenario, lattice, temperatureK);
      const scheme: Scheme | undefined = settings.scheme === "auto" ? undefined : settings.scheme;
      const run = runKmc(
        model,
        {
          replicas: settings.replicas,
          equilibrationHops: settings.equilibrationHops,
          hops: settings.hops,
          blocks: settings.blocks,
          ...(scheme !== undefined ? { scheme } : {}),
          ...(scenario.kmc?.targetRelativeError !== undefined ? { targetRelativeError: scenario.kmc.targetRelativeError } : {}),
          ...(scenario.kmc?.maxHops !== undefined ? { maxHops: scenario.kmc.maxHops } : {}),
          onProgress: (f) => options.onProgress?.((ti + f) / temps.length, `KMC ${temperatureK} K`),
        },
        // streams named by the temperature's value, so adding a temperature changes no other
        (r) => createStream(scenario.seed, "kmc", temperatureK, r),
      );
      if (run.consistencyErrors.length > 0) throw new Error(`KMC bookkeeping error: ${run.consistencyErrors.slice(0, 3).join("; ")}`);
      const s = run.summary;
      for (const row of s.species) {
        transport.push({
          temperatureK,
          species: row.species,
          tracerDiffusivityCm2PerS: row.tracerDiffusivityCm2PerS,
          tracerDiffusivityStdErr: row.tracerDiffusivityStdErr,
          chargeDiffusivityCm2PerS: row.chargeDiffusivityCm2PerS,
          chargeDiffusivityStdErr: row.chargeDiffusivityStdErr,
          havenRatio: row.havenRatio,
          havenRatioStdErr: row.havenRatioStdErr,
          carrierDensityPerCm3: row.carrierDensityPerCm3,
          conductivitySPerCm: row.conductivitySPerCm,
          conductivityStdErr: row.conductivityStdErr,
          partialConductivitySPerCm: row.partialConductivitySPerCm,
          ...(row.driftConductivitySPerCm !== undefined
            ? { driftConductivitySPerCm: row.driftConductivitySPerCm, driftConductivityStdErr: row.driftConductivityStdErr! }
            : {}),
          siteOccupancy: row.siteOccupancy,
        });
      }
      transferenceNumber.push({ temperatureK, cation: s.cationShare, cationStdErr: s.cationShareStdErr });
      kmcRows.push({
        temperatureK,
        scheme: s.scheme,
        replicas: s.replicas,
        hopsPerReplica: s.hopsPerReplica,
        blocks: s.blocks,
        simulatedTimeS: s.simulatedTimeS,
        totalConductivitySPerCm: s.totalConductivitySPerCm,
        totalConductivityStdErr: s.totalConductivityStdErr,
        ions: Object.fromEntries(model.species.map((sp) => [sp.name, sp.count])),
        sites: lattice.siteCount,
      });
    });
    if (temps.length >= 2) {
      const form = scenario.arrhenius?.form ?? "sigmaT";
      for (const sp of scenario.species) {
        const rows = transport.filter((r) => r.species === sp.name);
        if (rows.filter((r) => r.conductivitySPerCm > 0).length < 2) continue;
        const fit = fitArrhenius(rows.map((r) => ({ temperatureK: r.temperatureK, conductivitySPerCm: r.conductivitySPerCm, conductivityStdErr: r.conductivityStdErr })), form);
        arrhenius.push({ of: sp.name, species: sp.name, activationEnergyEV: fit.activationEnergyEV, activationEnergyStdErr: fit.activationEnergyStdErr, form });
      }
      if (scenario.species.length > 1) {
        const fit = fitArrhenius(kmcRows.map((r) => ({ temperatureK: r.temperatureK, conductivitySPerCm: r.totalConductivitySPerCm, conductivityStdErr: r.totalConductivityStdErr })), form);
        arrhenius.push({ of: "total", activationEnergyEV: fit.activationEnergyEV, activationEnergyStdErr: fit.activationEnergyStdErr, form });
      }
    }
  }
  options.onProgress?.(1, "done");
  return { scenario: scenario.name, transport, transferenceNumber, arrhenius, kmc: kmcRows };
}
