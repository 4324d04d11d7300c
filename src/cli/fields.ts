/**
 * The fields of a voxel design for other tools and the page: one DC solve of realisation 0
 * at the scenario temperature nearest 298.15 K (pipeline/morphology.ts, voxelFields), as a
 * .vti file (report/vti.ts; `--fields`) and as the mid-plane slice normal to y
 * (report/slice.ts; current-slice.csv and the page's figure).
 */
import { join } from "node:path";
import { writeFileAtomic } from "../core/files.js";
import { InputError } from "../core/errors.js";
import { nearestRoomTemperature, voxelFields, type VoxelFields } from "../pipeline/morphology.js";
import type { Results } from "../pipeline/results.js";
import type { Realisation0 } from "../pipeline/runScenario.js";
import { isNetworkDesign, type Scenario } from "../scenario/schema.js";
import { middleYSlice, parseSliceCsv, sliceCsv, type CurrentSliceData } from "../report/slice.js";
import { buildNetworkDesign, networkSliceTemperature } from "../pipeline/design.js";
import { midPlaneSlab, networkSliceJson, parseNetworkSliceJson, type NetworkSliceData } from "../report/networkSlice.js";
import { vtiFile } from "../report/vti.js";

/** Why a scenario has no voxel fields, or null when it has them. */
export function noFieldsReason(scenario: Scenario): string | null {
  const m = scenario.morphology;
  if (m === undefined) return `'${scenario.name}' has no morphology (a KMC-only scenario)`;
  if (isNetworkDesign(m)) return `'${scenario.name}' is a ${m.kind} particle network, not a voxel grid`;
  return null;
}

/** The fields of a voxel design, or null for particle networks and KMC-only scenarios. */
export function designFields(scenario: Scenario, results: Results, baseDir: string): VoxelFields | null {
  const m = scenario.morphology;
  if (m === undefined || isNetworkDesign(m)) return null;
  const T = nearestRoomTemperature(scenario.temperaturesK);
  const mof = results.kmc.find((k) => k.temperatureK === T)?.totalConductivitySPerCm;
  return voxelFields(m, scenario.seed, baseDir, T, mof);
}

/** The .vti file of a design's fields, with a note on what each array is. */
export function fieldsVti(name: string, f: VoxelFields): Uint8Array {
  const note = [
    `mofhop fields of '${name}': realisation 0, one DC solve at ${f.temperatureK} K with ${f.appliedVoltageV} V across the sample along x`,
    `(x = the current's direction; an image's transport axis is turned to x by a cyclic permutation of its axes), sigma_eff ${f.conductivitySPerCm.toPrecision(6)} S/cm.`,
    `Cells are voxels, spacing in nm, origin 0 at the sample's corner. Arrays:`,
    `  phase: label of each voxel (${f.phases.map((p) => `${p.label} = ${p.name}`).join(", ")})`,
    `  grain: grain id (a boundary lies between face neighbours of one phase with different ids)`,
    `  potentialV: potential, V (NaN outside the clusters that carry current)`,
    `  currentDensityACm2: |j|, A/cm2 (0 where no current flows); both scale linearly with the voltage`,
  ].join("\n");
  return vtiFile({
    shape: f.shape,
    spacingNm: f.voxelNm,
    note,
    arrays: [
      { name: "phase", data: f.phase },
      { name: "grain", data: f.grain },
      { name: "potentialV", data: f.potentialV },
      { name: "currentDensityACm2", data: f.currentDensityACm2 },
    ],
  });
}

/**
 * Write a design's slice (current-slice.csv) and, with `vti`, its fields (fields.vti) into
 * `dir`; returns the slice, or null for a design without voxels.
 */
export function writeDesignFields(scenario: Scenario, results: Results, baseDir: string, dir: string, vti: boolean, kept?: VoxelFields): { slice: CurrentSliceData; fields: VoxelFields } | null {
  // kept: the run's own (RunOptions.onRealisation0), the same values as designFields'
  const f = kept ?? designFields(scenario, results, baseDir);
  if (f === null) {
    if (vti) throw new InputError(`--fields: ${noFieldsReason(scenario)}; fields are written for voxel morphologies`);
    return null;
  }
  const file = join(dir, "current-slice.csv");
  const text = sliceCsv(middleYSlice(scenario.name, f));
  writeFileAtomic(file, text);
  if (vti) writeFileAtomic(join(dir, "fields.vti"), fieldsVti(scenario.name, f));
  // the page draws the slice as the file holds it, so `mofhop report` redraws it identically
  return { slice: parseSliceCsv(text, scenario.name, file), fields: f };
}

/** The slab of a particle network (report/networkSlice.ts) from realisation 0, or null for any other design. */
export function networkSlice(scenario: Scenario, results: Results): NetworkSliceData | null {
  const m = scenario.morphology;
  if (m === undefined || !isNetworkDesign(m)) return null;
  const T = networkSliceTemperature(scenario, results.kmc);
  const mof = results.kmc.find((k) => k.temperatureK === T)?.totalConductivitySPerCm;
  return midPlaneSlab(scenario.name, T, buildNetworkDesign(scenario, m, 0).currents(T, mof));
}

/** What the page draws of realisation 0, from a run's RunOptions.onRealisation0 (or the Realisation0 a compare worker returns). */
export function pageFieldsOf(scenario: Scenario, r: Realisation0): { fields?: VoxelFields; networkSlice?: NetworkSliceData } {
  return r.kind === "voxel" ? { fields: r.fields } : { networkSlice: midPlaneSlab(scenario.name, r.temperatureK, r.currents) };
}

/** Write a particle network's slab (network-slice.json) into `dir`; returns it as the page reads it back, or null for any other design. */
export function writeNetworkSlice(scenario: Scenario, results: Results, dir: string, kept?: NetworkSliceData): NetworkSliceData | null {
  // kept: made from the run's own realisation 0 (RunOptions.onRealisation0), the same values as networkSlice's
  const s = kept ?? networkSlice(scenario, results);
  if (s === null) return null;
  const file = join(dir, "network-slice.json");
  const text = networkSliceJson(s);
  writeFileAtomic(file, text);
  return parseNetworkSliceJson(text, scenario.name, file);
}
