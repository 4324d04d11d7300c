/**
 * A slab of a particle-network design with the current each bond carries, for the page's
 * figure (the particle designs' counterpart of report/slice.ts): realisation 0 solved once
 * under a field of 1 V/cm along x (pipeline/design.ts, NetworkRealisation.currents), and the
 * slab of the periodic box whose nodes lie within one mean particle diameter of the
 * mid-plane z = L_z / 2 (a slab two mean diameters thick, so that the bonds of a random
 * packing, about one diameter long and turned every way, mostly have both ends in it). It holds the particles whose centres lie in
 * the slab (centre and radius) and the bonds whose two ends do, each with its current. A
 * gel design's bonds run from a particle to the lens node at the middle of each gel bridge,
 * and from lens to lens through a particle's coat; those last are counted but not kept (in
 * projection they would be chords across the particle, and they outnumber the rest).
 *
 * Written beside results.json as `network-slice.json` (columns as arrays, positions rounded
 * to 0.1 nm and currents to 4 significant digits: 10-90 kB for the bundled designs'
 * thousand particles) and read back by `mofhop report`.
 */
import { InputError } from "../core/errors.js";
import type { NetworkCurrents } from "../pipeline/design.js";

export interface NetworkSliceData {
  readonly scenario: string;
  readonly temperatureK: number;
  /** The periodic box, nm. */
  readonly boxNm: readonly [number, number, number];
  /** The slab's mid-plane z and half thickness, nm. */
  readonly planeZNm: number;
  readonly halfThicknessNm: number;
  /** sigma_xx of the whole realisation, S/cm (the volume average of the bond currents). */
  readonly conductivitySPerCm: number;
  /** Bonds of the slab between two gel lenses through a particle's coat, not drawn (0 for designs without gel). */
  readonly coatBondsLeftOut: number;
  /** Particles of the slab: centres and radii, nm. */
  readonly particles: { readonly xNm: readonly number[]; readonly yNm: readonly number[]; readonly zNm: readonly number[]; readonly radiusNm: readonly number[] };
  /**
   * Bonds of the slab: from (x1, y1) to (x2, y2) in the plane, nm (the far end as the bond
   * reaches it: across the periodic boundary it lies outside the box), and the current from
   * the first end to the second at 1 V/cm along x, A (0: no current, a cluster that does not
   * wrap around the box).
   */
  readonly bonds: { readonly x1Nm: readonly number[]; readonly y1Nm: readonly number[]; readonly x2Nm: readonly number[]; readonly y2Nm: readonly number[]; readonly currentA: readonly number[] };
}

const round = (v: number, places: number): number => Math.round(v * 10 ** places) / 10 ** places;
const short = (v: number, digits: number): number => Number(v.toPrecision(digits));

/** The slab of a solved realisation (see the file comment). */
export function midPlaneSlab(scenario: string, temperatureK: number, c: NetworkCurrents): NetworkSliceData {
  const g = c.graph, n = c.particleCount;
  const toNm = 1e7;
  const [Lx, Ly, Lz] = g.boxCm;
  let meanRadius = 0;
  for (let i = 0; i < n; i++) meanRadius += c.radiusCm[i]! / n;
  const plane = Lz / 2, half = 2 * meanRadius; // one mean diameter either side
  const inSlab = (node: number): boolean => Math.abs(g.positionCm[3 * node + 2]! - plane) <= half;
  const particles = { xNm: [] as number[], yNm: [] as number[], zNm: [] as number[], radiusNm: [] as number[] };
  for (let i = 0; i < n; i++) {
    if (!inSlab(i)) continue;
    particles.xNm.push(round(g.positionCm[3 * i]! * toNm, 1));
    particles.yNm.push(round(g.positionCm[3 * i + 1]! * toNm, 1));
    particles.zNm.push(round(g.positionCm[3 * i + 2]! * toNm, 1));
    particles.radiusNm.push(round(c.radiusCm[i]! * toNm, 1));
  }
  const bonds = { x1Nm: [] as number[], y1Nm: [] as number[], x2Nm: [] as number[], y2Nm: [] as number[], currentA: [] as number[] };
  let coat = 0;
  for (let b = 0; b < g.bondI.length; b++) {
    const i = g.bondI[b]!, j = g.bondJ[b]!;
    if (!inSlab(i) || !inSlab(j)) continue;
    if (i >= n && j >= n) {
      coat++; // lens to lens through a particle's coat: a chord across the particle in the picture
      continue;
    }
    const x = g.positionCm[3 * i]!, y = g.positionCm[3 * i + 1]!;
    bonds.x1Nm.push(round(x * toNm, 1));
    bonds.y1Nm.push(round(y * toNm, 1));
    bonds.x2Nm.push(round((x + g.bondVectorCm[3 * b]!) * toNm, 1));
    bonds.y2Nm.push(round((y + g.bondVectorCm[3 * b + 1]!) * toNm, 1));
    bonds.currentA.push(short(c.bondCurrentA[b]!, 4));
  }
  return {
    scenario,
    temperatureK,
    boxNm: [round(Lx * toNm, 1), round(Ly * toNm, 1), round(Lz * toNm, 1)],
    planeZNm: round(plane * toNm, 1),
    halfThicknessNm: round(half * toNm, 1),
    conductivitySPerCm: short(c.conductivitySPerCm, 6),
    coatBondsLeftOut: coat,
    particles,
    bonds,
  };
}

/** network-slice.json (without the scenario's name: the directory holds it). */
export function networkSliceJson(s: NetworkSliceData): string {
  const { scenario: _, ...rest } = s;
  return JSON.stringify({ description: "mofhop: a slab of realisation 0 of a particle network; bond currents (A) at 1 V/cm along x", ...rest }) + "\n";
}

/** Read network-slice.json back (`file` names it in errors). */
export function parseNetworkSliceJson(text: string, scenario: string, file: string): NetworkSliceData {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not readable as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const o = (v !== null && typeof v === "object" && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  const num = (key: string, x: unknown): number => {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(`${file}: ${key}: got ${JSON.stringify(x)}; must be a number`);
    return x;
  };
  const columns = (key: "particles" | "bonds", names: readonly string[]): Record<string, number[]> => {
    const block = o[key];
    if (block === null || typeof block !== "object" || Array.isArray(block)) throw new InputError(`${file}: ${key}: missing; not a network-slice file`);
    const out: Record<string, number[]> = {};
    let length = -1;
    for (const name of names) {
      const col = (block as Record<string, unknown>)[name];
      if (!Array.isArray(col)) throw new InputError(`${file}: ${key}.${name}: missing; must be an array of numbers`);
      if (length >= 0 && col.length !== length) throw new InputError(`${file}: ${key}.${name}: ${col.length} entries; ${key}.${names[0]} has ${length}`);
      length = col.length;
      out[name] = col.map((x, i) => num(`${key}.${name}[${i}]`, x));
    }
    return out;
  };
  const box = o["boxNm"];
  if (!Array.isArray(box) || box.length !== 3) throw new InputError(`${file}: boxNm: got ${JSON.stringify(box)}; must be three side lengths (nm)`);
  const p = columns("particles", ["xNm", "yNm", "zNm", "radiusNm"]);
  const b = columns("bonds", ["x1Nm", "y1Nm", "x2Nm", "y2Nm", "currentA"]);
  return {
    scenario,
    temperatureK: num("temperatureK", o["temperatureK"]),
    boxNm: [num("boxNm[0]", box[0]), num("boxNm[1]", box[1]), num("boxNm[2]", box[2])],
    planeZNm: num("planeZNm", o["planeZNm"]),
    halfThicknessNm: num("halfThicknessNm", o["halfThicknessNm"]),
    conductivitySPerCm: num("conductivitySPerCm", o["conductivitySPerCm"]),
    coatBondsLeftOut: num("coatBondsLeftOut", o["coatBondsLeftOut"] ?? 0),
    particles: { xNm: p["xNm"]!, yNm: p["yNm"]!, zNm: p["zNm"]!, radiusNm: p["radiusNm"]! },
    bonds: { x1Nm: b["x1Nm"]!, y1Nm: b["y1Nm"]!, x2Nm: b["x2Nm"]!, y2Nm: b["y2Nm"]!, currentA: b["currentA"]! },
  };
}
