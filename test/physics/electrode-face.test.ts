/**
 * The Li | electrolyte face of a particle network (src/design/electrodeFace.ts), against
 * exact results.
 * (A) A simple-cubic array of equal spheres (spacing s, centres at 0.3 s + k s, radius
 *     R = 0.6 s, equal contact conductances) opened at x = 0: the first layer is cut at
 *     d = 0.3 s, its body offering a disc pi rho^2 = pi (R^2 - 0.09 s^2) to the low face and
 *     its cap the same disc to the high face, joined to the last layer through the contact
 *     that crossed the plane (at 0.8 s of the last layer's side: not cut); every column
 *     carries the same current. Exactly: contact fraction pi rho^2 / s^2, focusing factor
 *     F = s^2 / (pi rho^2) (uniform contact over the discs: 1/f), interface resistance
 *     s^2 / g1 with 1/g1 = R_ct / (pi rho^2) + 1 / (4 sigma rho) (the element in series
 *     with each column), along x, y and z alike.
 * (B) On a pressed powder: F >= 1 / f (Cauchy-Schwarz) and R_int >= R_ct / f (the elements
 *     alone in parallel over the discs); the discs cover the solid fraction of a section
 *     (Delesse); and as R_ct grows the elements dominate every path, so the one cluster that
 *     joins the faces sits at the potential its two faces' elements divide: R_int ->
 *     R_ct (1/f_L + 1/f_H) / 2 and F -> the mean of 1/f per face, f counting only the discs of
 *     pieces joined to both faces (the others sit at one face's potential and carry nothing).
 */
import { describe, expect, it } from "vitest";
import { electrodeFace } from "../../src/design/electrodeFace.js";
import type { PeriodicGraph } from "../../src/design/graph.js";
import { pressedPowder } from "../../src/design/pressedPowder.js";
import { createStream } from "../../src/core/rng.js";

function scArray(N: number, s: number): PeriodicGraph {
  const n = N * N * N, pos = new Float64Array(3 * n);
  const I: number[] = [], J: number[] = [], V: number[] = [];
  const id = (x: number, y: number, z: number) => ((x + N) % N) + N * (((y + N) % N) + N * ((z + N) % N));
  for (let z = 0; z < N; z++) for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
    const i = id(x, y, z);
    pos.set([(x + 0.3) * s, (y + 0.3) * s, (z + 0.3) * s], 3 * i);
    for (const [dx, dy, dz] of [[1, 0, 0], [0, 1, 0], [0, 0, 1]]) {
      I.push(i);
      J.push(id(x + dx!, y + dy!, z + dz!));
      V.push(dx! * s, dy! * s, dz! * s);
    }
  }
  const L = N * s;
  return { nodeCount: n, boxCm: [L, L, L], positionCm: pos, bondI: Int32Array.from(I), bondJ: Int32Array.from(J), bondVectorCm: Float64Array.from(V) };
}

describe("electrode face of a particle network", () => {
  it("simple-cubic array: contact fraction, focusing 1/f and interface s^2/g1 exactly", () => {
    const N = 6, s = 5e-5, R = 0.6 * s, sigma = 1e-3, rct = 20;
    const g = scArray(N, s);
    const face = electrodeFace(g, { radiusCm: new Float64Array(N ** 3).fill(R), conductanceS: new Float64Array(g.bondI.length).fill(1e-6), particleSPerCm: sigma, chargeTransferOhmCm2: rct });
    const disc = Math.PI * (R * R - 0.09 * s * s), rho = Math.sqrt(disc / Math.PI);
    const f = disc / (s * s);
    expect(face.faces).toBe(6);
    expect(face.discsPerFace).toBe(N * N);
    expect(face.contactAreaFraction).toBeCloseTo(f, 12);
    expect(face.carryingContactFraction).toBeCloseTo(f, 12);
    expect(Math.abs(face.focusingFactor - 1 / f)).toBeLessThan(1e-8 / f);
    const exact = s * s * (rct / disc + 1 / (4 * sigma * rho));
    expect(Math.abs(face.interfaceOhmCm2 - exact) / exact).toBeLessThan(1e-8);
  });

  it("a pressed powder: F >= 1/f (Cauchy-Schwarz), R_int >= R_ct/f, and R_int -> the elements' parallel sum as R_ct grows", () => {
    const p = pressedPowder(
      { particleDiameterNm: 500, diameterLogSd: 0.2, particleCount: 400, solidFraction: 0.58, pressurePa: 6e6, material: { youngsModulusPa: 30e9, poissonRatio: 0.3, hardnessPa: 1e9 } },
      createStream(5, "face-test"),
    );
    const sigma = 4e-3;
    // contacts: constriction 1/(2 sigma a) per pair (a the spot radius)
    const G = Float64Array.from(p.spotRadiusCm, (a) => 2 * sigma * a);
    const lo = electrodeFace(p.graph, { radiusCm: p.radiusCm, conductanceS: G, particleSPerCm: sigma, chargeTransferOhmCm2: 20 });
    expect(lo.faces).toBe(6);
    expect(lo.focusingFactor).toBeGreaterThanOrEqual(1 / lo.contactAreaFraction);
    expect(lo.interfaceOhmCm2).toBeGreaterThanOrEqual(20 / lo.contactAreaFraction);
    // with R_ct 1e6 times larger, every disc's element dominates its path: R_int -> R_ct / f
    // one cluster joins the faces, at the potential its two faces' elements divide: I = (V / R_ct) A_L A_H / (A_L + A_H),
    // so R_int -> R_ct (1/f_L + 1/f_H) / 2 per interface, and each face carries its current evenly: F -> 1/f per face
    for (const axis of [0, 1, 2] as const) {
      const hi = electrodeFace(p.graph, { radiusCm: p.radiusCm, conductanceS: G, particleSPerCm: sigma, chargeTransferOhmCm2: 2e7, tolerance: 1e-6, axes: [axis] });
      const [fL, fH] = hi.carryingContactFractions as [number, number];
      expect(hi.carryingContactFraction).toBeLessThanOrEqual(hi.contactAreaFraction);
      expect(Math.abs(hi.interfaceOhmCm2 / ((2e7 * (1 / fL + 1 / fH)) / 2) - 1)).toBeLessThan(1e-3);
      expect(Math.abs(hi.focusingFactor / ((1 / fL + 1 / fH) / 2) - 1)).toBeLessThan(1e-3);
    }
    // Delesse: the discs cover the solid fraction of a section on average (two faces x three cuts of one box)
    expect(Math.abs(lo.contactAreaFraction - p.stats.solidFraction)).toBeLessThan(0.05);
  });
});
