/**
 * The slab of a particle network drawn on the page (report/networkSlice.ts): realisation 0
 * of the bundled pressed powder and particles-in-gel designs (200 particles, to be quick)
 * solved under 1 V/cm along x; the slab holds what lies within one mean diameter of the
 * mid-plane, its currents are the solver's, network-slice.json reads back to the same
 * slab, and the figure draws one circle per particle and one segment per bond.
 */
import { describe, expect, it } from "vitest";
import { buildNetworkDesign, type NetworkCurrents } from "../../src/pipeline/design.js";
import { midPlaneSlab, networkSliceJson, parseNetworkSliceJson } from "../../src/report/networkSlice.js";
import { compareReport } from "../../src/report/compare.js";
import { loadScenario } from "../../src/scenario/load.js";
import { isNetworkDesign, type Scenario } from "../../src/scenario/schema.js";
import type { Results } from "../../src/pipeline/results.js";

function solved(file: string): { scenario: Scenario; c: NetworkCurrents } {
  const loaded = loadScenario(file).scenario;
  const m = loaded.morphology!;
  if (!isNetworkDesign(m)) throw new Error(`${file} is not a particle network`);
  const scenario = { ...loaded, morphology: { ...m, particleCount: 200 } } as Scenario;
  return { scenario, c: buildNetworkDesign(scenario, scenario.morphology as typeof m, 0).currents(298.15, 1e-4) };
}

const empty = (name: string): Results => ({ scenario: name, transport: [], kmc: [], arrhenius: [], transferenceNumber: [], effective: [] });

describe("a particle network's slab", () => {
  for (const file of ["scenarios/paper/pellet.json", "scenarios/paper/mof-pvdf.json"]) {
    it(`${file}: the slab within one mean diameter of z = L/2, the solver's currents, read back unchanged`, () => {
      const { scenario, c } = solved(file);
      const s = midPlaneSlab(scenario.name, 298.15, c);
      const g = c.graph, n = c.particleCount;
      const meanD = (2 * c.radiusCm.reduce((a, r) => a + r, 0) * 1e7) / n;
      expect(s.halfThicknessNm).toBeCloseTo(meanD, 0);
      expect(s.planeZNm).toBeCloseTo(s.boxNm[2] / 2, 0);
      // every particle whose centre lies in the slab, and no other
      let inside = 0;
      for (let i = 0; i < n; i++) if (Math.abs(g.positionCm[3 * i + 2]! * 1e7 - s.planeZNm) <= s.halfThicknessNm - 0.1) inside++;
      expect(s.particles.xNm.length).toBeGreaterThanOrEqual(inside);
      for (const z of s.particles.zNm) expect(Math.abs(z - s.planeZNm)).toBeLessThanOrEqual(s.halfThicknessNm + 0.2);
      expect(s.particles.xNm.length).toBeGreaterThan(10);
      expect(s.bonds.x1Nm.length).toBeGreaterThan(10);
      // each drawn current is one of the solver's, to its 4 digits, and as long as its bond
      const solver = Array.from(c.bondCurrentA, (v) => Number(v.toPrecision(4)));
      for (const [k, I] of s.bonds.currentA.entries()) {
        expect(solver).toContain(I);
        const len = Math.hypot(s.bonds.x2Nm[k]! - s.bonds.x1Nm[k]!, s.bonds.y2Nm[k]! - s.bonds.y1Nm[k]!);
        expect(len).toBeLessThan(3 * meanD);
      }
      expect(s.bonds.currentA.some((I) => I !== 0)).toBe(true);
      // the gel design's bonds through the coats are counted, not drawn
      if (file.includes("pvdf")) expect(s.coatBondsLeftOut).toBeGreaterThan(0);
      else expect(s.coatBondsLeftOut).toBe(0);
      const text = networkSliceJson(s);
      expect(text.length).toBeLessThan(30_000); // 200 particles; a thousand give 15-50 kB
      expect(parseNetworkSliceJson(text, s.scenario, "f.json")).toEqual(s);
    });
  }

  it("draws a circle per particle and a segment per bond, captioned with the field, realisation, temperature and slab", async () => {
    const { scenario, c } = solved("scenarios/paper/pellet.json");
    const s = midPlaneSlab(scenario.name, 298.15, c);
    const files = await compareReport([empty(scenario.name)], { networkSlices: [s] });
    const svg = files[`current-slice-${scenario.name}.svg`]!;
    const count = (mark: string, tag: string): number => [...svg.matchAll(new RegExp(`<g class="${mark}"[^>]*>(.*?)</g>`, "g"))].reduce((a, m) => a + (m[1]!.match(new RegExp(`<${tag}[\\s>]`, "g")) ?? []).length, 0);
    expect(count("mark-symbol role-mark particles_marks", "path")).toBe(s.particles.xNm.length);
    const live = s.bonds.currentA.filter((I) => I !== 0).length;
    expect(count("mark-rule role-mark bonds_marks", "line")).toBe(live);
    expect(count("mark-rule role-mark nocurrent_marks", "line")).toBe(s.bonds.currentA.length - live);
    const caption = files["index.html"]!.match(/<figcaption>([^<]*slab of the particle network[^<]*)<\/figcaption>/)![1]!;
    expect(caption).toContain("realisation 0");
    expect(caption).toContain("1 V/cm along x");
    expect(caption).toContain("298.15 K");
    expect(caption).toMatch(/within one mean diameter \([\d.]+ µm\) of the mid-plane z = [\d.]+ µm, a slab [\d.]+ µm thick/);
  });

  it("network-slice.json: a damaged file is refused, naming the field", () => {
    const { scenario, c } = solved("scenarios/paper/pellet.json");
    const s = JSON.parse(networkSliceJson(midPlaneSlab(scenario.name, 298.15, c))) as { bonds: { currentA: number[] } };
    s.bonds.currentA.pop();
    expect(() => parseNetworkSliceJson(JSON.stringify(s), "p", "p/network-slice.json")).toThrowError(/p\/network-slice.json: bonds.currentA: \d+ entries; bonds.x1Nm has \d+/);
    expect(() => parseNetworkSliceJson("{}", "p", "f.json")).toThrowError(/f.json: boxNm/);
  });
});
