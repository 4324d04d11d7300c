/**
 * Memory guard: before a sweep runs, estimate the memory of each job and refuse a sweep
 * whose largest job would not fit in the machine's memory shared by the workers.
 *
 * Estimate (an upper-end figure, not a measurement):
 *   bytes = WORKER_BYTES + sites * BYTES_PER_SITE + ions * BYTES_PER_ION
 *         + the morphology's network solve (networkMemoryBytes of the path it takes,
 *           pipeline/morphology.ts morphologyMemoryOptions: lean DC, stored DC or AC)
 * sites = cells_x * cells_y * cells_z * sites per cell (simple-cubic 1, bcc 2, fcc 4,
 * uio67-so3 60 = 48 sulfonate + 8 tetrahedral + 4 octahedral cages). BYTES_PER_SITE is
 * generous: the engine's site -> ion map takes 4 B a site, the rest is room for per-site
 * tables a lattice or model may keep. BYTES_PER_ION covers the ion record (8 int32),
 * its origin (3 float64), species tag and the tree scheme's per-ion rate row (up to ~12
 * neighbours x 8 B).
 * WORKER_BYTES is one worker thread's own V8 heap with the library loaded.
 */
import { ResourceError } from "../core/errors.js";
import { morphologyMemoryOptions } from "../pipeline/morphology.js";
import { networkMemoryBytes } from "../transport/network/memory.js";
import { isNetworkDesign, type Scenario } from "../scenario/schema.js";

export const SITES_PER_CELL: Readonly<Record<string, number>> = { "simple-cubic": 1, bcc: 2, fcc: 4, "uio67-so3": 60 };
export const BYTES_PER_SITE = 40;
export const BYTES_PER_ION = 200;
export const WORKER_BYTES = 64 * 2 ** 20;

export interface JobMemory {
  readonly sites: number;
  readonly ions: number;
  readonly voxels: number;
  readonly bytes: number;
}

/** Estimated peak memory of one job (see the module comment). */
export function estimateJobMemory(scenario: Scenario): JobMemory {
  const l = scenario.lattice;
  const sites = l === undefined ? 0 : l.cells[0] * l.cells[1] * l.cells[2] * (SITES_PER_CELL[l.kind] ?? 1);
  let ions = 0;
  for (const sp of scenario.species ?? []) ions += sp.count ?? (sp.occupancy !== undefined ? Math.ceil(sp.occupancy * sites) : sites);
  const m = scenario.morphology;
  // an image's shape is in its file: the run checks it from the header (pipeline/morphology.ts)
  const voxelMorphology = m === undefined || isNetworkDesign(m) || m.kind === "image" ? undefined : m;
  const voxels = voxelMorphology === undefined ? 0 : voxelMorphology.shape[0] * voxelMorphology.shape[1] * voxelMorphology.shape[2];
  const network = voxelMorphology === undefined ? 0 : networkMemoryBytes(voxelMorphology.shape, { ...morphologyMemoryOptions(voxelMorphology, scenario.cell !== undefined), threads: 1 }); // a job's solve runs in its worker thread: one thread (lean.ts, leanThreads)
  return { sites, ions, voxels, bytes: WORKER_BYTES + sites * BYTES_PER_SITE + ions * BYTES_PER_ION + network };
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.round(b / 1024)} KiB`;
}

/**
 * Throw ResourceError (exit 2) when the largest job's estimate exceeds totalBytes / workers.
 * `jobs` are the jobs this run would start.
 */
export function checkSweepMemory(jobs: readonly { readonly job: number; readonly scenario: Scenario }[], workers: number, totalBytes: number): void {
  let worst: { job: number; m: JobMemory } | undefined;
  for (const j of jobs) {
    const m = estimateJobMemory(j.scenario);
    if (worst === undefined || m.bytes > worst.m.bytes) worst = { job: j.job, m };
  }
  if (worst === undefined) return;
  const share = totalBytes / workers;
  if (worst.m.bytes > share) {
    const s = jobs.find((j) => j.job === worst.job)!.scenario;
    const parts: string[] = [];
    if (s.lattice !== undefined) parts.push(`${s.lattice.kind} ${s.lattice.cells.join("x")} cells: ${worst.m.sites} sites, ${worst.m.ions} ions`);
    const voxels = s.morphology !== undefined && !isNetworkDesign(s.morphology) && s.morphology.kind !== "image" ? s.morphology : undefined;
    if (voxels !== undefined) parts.push(`morphology ${voxels.shape.join("x")}: ${worst.m.voxels} voxels`);
    const fields = [...(s.lattice !== undefined ? ["lattice.cells"] : []), ...(voxels !== undefined ? ["morphology.shape"] : [])].join(" or ");
    throw new ResourceError(
      `job ${worst.job} needs about ${formatBytes(worst.m.bytes)} (${parts.join("; ")}), more than this machine's ${formatBytes(totalBytes)} shared by ${workers} worker${workers > 1 ? "s" : ""} (${formatBytes(share)} each); use fewer --workers or a smaller ${fields}`,
    );
  }
}
