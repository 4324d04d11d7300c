/**
 * `mofhop image FILE|DIR --phase LABEL[:SIGMA]...`: the options parsed into
 * pipeline/image.ts's analysis, printed as a table or as one JSON object.
 */
import { InputError } from "../core/errors.js";
import { analyseImage, type ImageAnalysis } from "../pipeline/image.js";
import type { Axis, Shape3 } from "../structure/voxel/grid.js";
import type { ParsedCommand } from "./options.js";

/** "1", "1:0.5", "1,2:0.5" -> labels with conductivities (S/cm, default 1). */
export function parsePhases(text: string): { label: number; conductivitySPerCm: number }[] {
  return text.split(",").map((item) => {
    const [l, s, extra] = item.split(":");
    const label = Number(l), sigma = s === undefined ? 1 : Number(s);
    if (extra !== undefined || l === undefined || l.trim() === "" || !Number.isInteger(label) || label < 0 || label > 65535) {
      throw new InputError(`--phase: got ${JSON.stringify(item)}; allowed: LABEL or LABEL:SIGMA, LABEL an integer 0..65535, SIGMA in S/cm > 0`);
    }
    if (s !== undefined && (s.trim() === "" || !(sigma > 0 && Number.isFinite(sigma)))) throw new InputError(`--phase ${label}: conductivity ${JSON.stringify(s)}; must be a number > 0 (S/cm)`);
    return { label, conductivitySPerCm: sigma };
  });
}

/** "20" or "20,20,50" -> nm. */
export function parseVoxel(text: string): number | [number, number, number] {
  const parts = text.split(",").map(Number);
  if ((parts.length !== 1 && parts.length !== 3) || !parts.every((v) => v > 0 && Number.isFinite(v))) {
    throw new InputError(`--voxel: got ${JSON.stringify(text)}; allowed: one edge in nm (> 0) or three, NMx,NMy,NMz`);
  }
  return parts.length === 1 ? parts[0]! : [parts[0]!, parts[1]!, parts[2]!];
}

/** "X0:X1,Y0:Y1,Z0:Z1" -> half-open ranges (checked against the image later). */
export function parseCrop(text: string): { from: Shape3; to: Shape3 } {
  const ranges = text.split(",").map((r) => r.split(":").map((v) => (v.trim() === "" ? NaN : Number(v))));
  if (ranges.length !== 3 || !ranges.every((r) => r.length === 2 && r.every((v) => Number.isInteger(v) && v >= 0))) {
    throw new InputError(`--crop: got ${JSON.stringify(text)}; allowed: X0:X1,Y0:Y1,Z0:Z1, non-negative integers, each range from <= i < to`);
  }
  return { from: [ranges[0]![0]!, ranges[1]![0]!, ranges[2]![0]!], to: [ranges[0]![1]!, ranges[1]![1]!, ranges[2]![1]!] };
}

function parseAxes(text: string): Axis[] {
  const axes = text.split(",");
  for (const a of axes) if (a !== "x" && a !== "y" && a !== "z") throw new InputError(`--axes: got ${JSON.stringify(a)}; valid: x, y, z (comma-separated)`);
  if (new Set(axes).size !== axes.length) throw new InputError(`--axes: got ${JSON.stringify(text)}; each axis once`);
  return axes as Axis[];
}

const fmt = (v: number): string => (v === Infinity ? "inf" : v === 0 ? "0" : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? v.toPrecision(5) : v.toExponential(4));

/** The analysis as a readable table. */
export function formatImageAnalysis(a: ImageAnalysis): string {
  const lines: string[] = [];
  const crop = a.crop !== undefined ? ` (cropped from ${a.imageShape.join(" x ")})` : "";
  lines.push(`image ${a.path}: ${a.shape.join(" x ")} voxels${crop}, ${a.bitsPerSample}-bit labels; voxel ${a.voxelNm.join(" x ")} nm (x = column, y = row, z = page); ${a.sides} sides`);
  lines.push("");
  lines.push("label      voxels   volume fraction   sigma (S/cm)");
  for (const l of a.labels) {
    lines.push(`${String(l.label).padStart(5)} ${String(l.voxels).padStart(11)}   ${l.volumeFraction.toFixed(6).padStart(15)}   ${l.conductivitySPerCm > 0 ? fmt(l.conductivitySPerCm) : "insulating"}`);
  }
  lines.push(`conducting  ${a.conductingFraction.toFixed(6).padStart(26)}`);
  lines.push("");
  lines.push("axis  percolates  sigma_eff (S/cm)  tortuosity factor  carrying share  iterations  residual");
  for (const d of a.directions) {
    lines.push(
      `${d.axis.padEnd(4)}  ${(d.percolates ? "yes" : "no").padEnd(10)}  ${fmt(d.conductivitySPerCm).padStart(16)}  ${fmt(d.tortuosityFactor).padStart(17)}  ${d.carryingFractionOfConducting.toFixed(4).padStart(14)}  ${String(d.solverIterations).padStart(10)}  ${d.relativeResidual.toExponential(1)}`,
    );
  }
  lines.push("");
  lines.push("tortuosity factor = (sum of volume fraction x sigma over the conducting labels) / sigma_eff; carrying share: conducting voxels connected to both faces");
  return lines.join("\n");
}

/** Run `mofhop image`; prints the table (or JSON) on stdout. */
export function imageCommand(cmd: ParsedCommand): number {
  const o = cmd.options;
  if (typeof o.phase !== "string") throw new InputError("image: --phase LABEL[:SIGMA] is required (the conducting labels; all others insulate)");
  const sides = o.sides ?? "no-flux";
  if (sides !== "no-flux" && sides !== "periodic") throw new InputError(`--sides: got ${JSON.stringify(sides)}; valid: no-flux, periodic`);
  const tolerance = typeof o.tolerance === "string" ? Number(o.tolerance) : 1e-8;
  if (!(tolerance > 0 && tolerance < 1e-2)) throw new InputError(`--tolerance: got ${JSON.stringify(o.tolerance)}; must be a number in (0, 0.01)`);
  const threads = typeof o.threads === "string" ? Number(o.threads) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) throw new InputError(`--threads: got ${JSON.stringify(o.threads)}; must be an integer 1..256`);
  const analysis = analyseImage({
    path: cmd.args[0]!,
    conducting: parsePhases(o.phase),
    voxelNm: typeof o.voxel === "string" ? parseVoxel(o.voxel) : 1,
    ...(typeof o.crop === "string" ? { crop: parseCrop(o.crop) } : {}),
    sides,
    ...(typeof o.axes === "string" ? { axes: parseAxes(o.axes) } : {}),
    tolerance,
    ...(threads !== undefined ? { threads } : {}),
  });
  if (o.json === true) {
    // Infinity (no percolation) is not JSON: written as null
    process.stdout.write(JSON.stringify(analysis, (_k, v: unknown) => (v === Infinity ? null : v), 2) + "\n");
  } else process.stdout.write(formatImageAnalysis(analysis) + "\n");
  return 0;
}
