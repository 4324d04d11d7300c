/**
 * The gel-lens bond of particles in a gel binder (src/design/gelBinder.ts) against exact
 * results, and one realisation of the network against its own construction rules.
 *
 * 1. Parabolic gap (spheres much larger than the lens): with H = g + rho^2 / (2 R*) the
 *    lens integral is 2 pi R* sigma ln(1 + r_w^2 / s0), s0 = 2 R* (g + 2 sigma r_mg) (exact).
 * 2. Near contact: between two equal spheres of radius R in a medium sigma at gap h -> 0, the
 *    conductance grows as pi sigma R ln(R / h) + O(1) (Jeffrey, Proc. R. Soc. A 335, 355,
 *    1973; Batchelor and O'Brien, Proc. R. Soc. A 355, 313, 1977): the slope dG / d ln(1/h)
 *    -> pi sigma R whatever the O(1) term.
 * 3. Interface-limited: when 2 r_mg >> H / sigma the lens is a uniform film of area
 *    pi r_w^2 behind two interfaces, G -> pi r_w^2 / (2 r_mg), and half the current flows
 *    inside r_w / sqrt(2).
 * 4. Resolved continuum: simple-cubic arrays of spheres (radius 1, gap g) with the gel out to
 *    d1 + d2 = H*, solved by mofhop's voxel network at up to 520-808 voxels per cell side and
 *    extrapolated to zero voxel size (scripts/gel-lens-reference.mjs; S = sigma_eff / sigma_gel,
 *    +- the spread of the extrapolations). The network of lens bonds (a 2 x 2 x 2 periodic
 *    graph) must agree within the element's stated error, GEL_LENS_ERROR_PER_WET_RATIO x r_w/R,
 *    plus the reference's own error.
 */
import { describe, expect, it } from "vitest";
import { GEL_LENS_ERROR_PER_WET_RATIO, gelBinder, gelBinderConductances, gelLens, inflatedFraction, lensWetRadius } from "../../src/design/gelBinder.js";
import { graphConductivity } from "../../src/design/graph.js";
import { scArray } from "./sc-array.js";
import { expectWithinErrors } from "../stats-tolerance.js";
import { estimate } from "../../src/core/stats.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildNetworkDesign } from "../../src/pipeline/design.js";
import type { ParticlesInGelSettings } from "../../src/scenario/schema.js";
import { RandomStream, streamState } from "../../src/core/rng.js";

describe("gel lens", () => {
  it("parabolic limit: 2 pi R* sigma ln(1 + r_w^2 / s0)", () => {
    const R = 1e3, g = 1e-3, rw = 0.05, sigma = 2e-5, rmg = 3;
    const s0 = 2 * (R / 2) * (g + 2 * sigma * rmg);
    const exact = 2 * Math.PI * (R / 2) * sigma * Math.log(1 + (rw * rw) / s0);
    const { conductanceS } = gelLens(g, R, R, rw, sigma, rmg);
    // the spherical gap differs from the parabola by O(rho^4 / R^3): 1e-9 relative here
    expect(Math.abs(conductanceS / exact - 1)).toBeLessThan(1e-8);
  });

  it("near contact: slope pi sigma R per decade of 1/h (Jeffrey; Batchelor and O'Brien)", () => {
    const R = 1, sigma = 1;
    const G = (h: number): number => gelLens(h, R, R, 0.9 * R, sigma, 0).conductanceS;
    const slope = (G(1e-8) - G(1e-7)) / Math.log(10);
    // the next term is O(h / R), 1e-7 here; the quadrature's 2e-8 of each G (about 50) is
    // 3e-7 of their difference over pi ln 10 = 7.2
    expect(Math.abs(slope / (Math.PI * sigma * R) - 1)).toBeLessThan(1e-6);
  });

  it("interface-limited: pi r_w^2 / (2 r_mg), half the current inside r_w / sqrt(2)", () => {
    const R = 1e-5, rw = 2e-6, sigma = 1e-3, rmg = 1e6;
    const l = gelLens(1e-7, R, R, rw, sigma, rmg);
    const film = Math.PI * rw * rw / (2 * rmg);
    // the film resistance H / sigma is about 2e-4 of 2 r_mg here
    expect(Math.abs(l.conductanceS / film - 1)).toBeLessThan(1e-3);
    expect(Math.abs(l.halfCurrentRadiusCm / (rw / Math.SQRT2) - 1)).toBeLessThan(1e-3);
  });
});

// [sigma_M / sigma_gel, g / R, H* / R, S, error of S]: scripts/gel-lens-reference.mjs at N with N / (2 + g)
// an integer (the contact point on a voxel face, so the gap is exact at every N): 104-520
// for g = 0.08, 102-612 for 0.04, 202-808 for 0.02; S extrapolated, +- half the spread of five
// extrapolations
const RESOLVED = [
  [440, 0.02, 0.1, 2.4800, 0.0101],
  [440, 0.02, 0.3, 4.2178, 0.0100],
  [440, 0.02, 0.6, 5.3914, 0.0100],
  [440, 0.04, 0.1, 1.4235, 0.0077],
  [440, 0.04, 0.3, 3.1684, 0.0035],
  [440, 0.04, 0.6, 4.3362, 0.0064],
  [440, 0.08, 0.1, 0.3491, 0.0035],
  [440, 0.08, 0.3, 2.0855, 0.0050],
  [440, 0.08, 0.6, 3.2263, 0.0161],
  [1e6, 0.02, 0.1, 2.5530, 0.0110],
  [1e6, 0.02, 0.3, 4.3503, 0.0111],
  [1e6, 0.02, 0.6, 5.5551, 0.0111],
  [1e6, 0.04, 0.1, 1.4491, 0.0078],
  [1e6, 0.04, 0.3, 3.2386, 0.0036],
  [1e6, 0.04, 0.6, 4.4324, 0.0067],
  [1e6, 0.08, 0.1, 0.3515, 0.0036],
  [1e6, 0.08, 0.3, 2.1162, 0.0051],
  [1e6, 0.08, 0.6, 3.2782, 0.0153],
] as const;

describe("lens bonds against the resolved simple-cubic arrays", () => {
  for (const [sigmaM, g, hStar, S, err] of RESOLVED) {
    it(`sigma_M/sigma_gel ${sigmaM}, g ${g} R, gel out to d1 + d2 = ${hStar} R: S = ${S} +- ${err}`, () => {
      const net = scArray(1, g, lensWetRadius(g, 1, 1, hStar));
      const G = gelBinderConductances(net, sigmaM, 1, 0).conductanceS;
      const s = graphConductivity(net.graph, G, [0], { tolerance: 1e-12 })[0]!.conductivitySPerCm;
      const rw = lensWetRadius(g, 1, 1, hStar);
      expect(Math.abs(s / S - 1)).toBeLessThanOrEqual(GEL_LENS_ERROR_PER_WET_RATIO * rw + err / S);
    });
  }
});

describe("a particles-in-gel realisation", () => {
  const o = { particleDiameterNm: 500, diameterLogSd: 0.25, mofVolumeFraction: 0.5, gelVolumeFraction: 0.15, filmThicknessNm: 5, particleCount: 300, binderSamples: 50_000 };
  const net = gelBinder(o, new RandomStream(streamState(7, "gel")));

  it("places the gel's volume (within 4 standard errors of its sampling) and keeps every gap at least the film", () => {
    expect(Math.abs(net.stats.gelVolumeFraction - o.gelVolumeFraction)).toBeLessThan(4 * net.stats.gelVolumeFractionStdErr + 1 / o.binderSamples);
    expect(Math.abs(net.stats.mofVolumeFraction - o.mofVolumeFraction)).toBeLessThan(1e-12);
    for (const g of net.gapCm) expect(g * 1e7).toBeGreaterThanOrEqual(o.filmThicknessNm * (1 - 1e-12));
    for (const g of net.gapCm) expect(g * 1e7).toBeLessThan(net.stats.fillGapNm);
  });

  it("reproduces from its seed", () => {
    const again = gelBinder(o, new RandomStream(streamState(7, "gel")));
    expect(again.stats).toEqual(net.stats);
    expect(Array.from(again.wetRadiusCm)).toEqual(Array.from(net.wetRadiusCm));
  });

  it("refuses coated particles packed beyond 0.6, naming the field", () => {
    const dense = { ...o, mofVolumeFraction: 0.6 };
    expect(inflatedFraction(dense)).toBeGreaterThan(0.6);
    expect(() => gelBinder(dense, new RandomStream(streamState(7, "gel")), "morphology")).toThrow(/morphology.porosity: MOF volume fraction 0.600 with 5 nm films packs the coated particles to 0.6\d\d, above 0.6/);
  });
});

describe("particles in a gel: box-size convergence", () => {
  it("sigma_eff at ~300 and ~1200 particles agrees within 4 combined standard errors", () => {
    // The paper design's phase volumes (MOF 0.497, gel 0.154), sigma_M 4.4e-3, gel 1e-5 S/cm,
    // r_mg 1 ohm cm2; mean of the three axes per realisation, mean and standard error over
    // seeds (10 at 300 particles, 4 at 1200). A finite-size bias of the small box larger than
    // the tolerance (about 4 % here) would fail it.
    const o = { particleDiameterNm: 500, diameterLogSd: 0.25, mofVolumeFraction: 0.497, gelVolumeFraction: 0.154, filmThicknessNm: 5, binderSamples: 40_000 };
    const stats = (count: number, seeds: number): { mean: number; se: number } => {
      const v: number[] = [];
      for (let s = 0; s < seeds; s++) {
        const net = gelBinder({ ...o, particleCount: count }, new RandomStream(streamState(s, `gel-size-${count}`)));
        const G = gelBinderConductances(net, 4.4e-3, 1e-5, 1).conductanceS;
        const ax = graphConductivity(net.graph, G, [0, 1, 2], { tolerance: 1e-10 });
        v.push(ax.reduce((a, x) => a + x.conductivitySPerCm, 0) / 3);
      }
      const e = estimate(v);
      return { mean: e.mean, se: e.stdErr };
    };
    const small = stats(300, 10), large = stats(1200, 4);
    expectWithinErrors(small.mean, large.mean, Math.hypot(small.se, large.se));
  });
});

describe("particles in a gel: the polarised lenses and the gel's own path", () => {
  // A lens between cation-reversible walls passes t_gel of its current once polarised (Bruce
  // and Vincent 1987), and the gel's anions move only through the gel itself (its coats and
  // lenses, design/gelFilm.ts). A single-ion gel (t = 1) does not polarise: both
  // conductivities agree. With particles that conduct far better than the gel (spreading
  // negligible) and no MOF|gel interface resistance, every conductance of the network scales
  // with the gel's: the DC cation network is then exactly t_gel times the high-frequency one.
  // With an interface no Li+ can cross, the particles drop out and the membrane is the gel's
  // own network: its DC cation share is t_gel. The DC conductivity (cation plus anion
  // networks) never exceeds the high-frequency one, whose network allows every exchange
  // between them (Thomson: the effective conductance is concave and homogeneous in the bond
  // conductances, so superadditive).
  const scenario = loadScenario("scenarios/paper/mof-pvdf.json").scenario;
  const base = scenario.morphology as ParticlesInGelSettings;
  const design = (tGel: number, sigmaMof: number, interfaceOhmCm2?: number) => {
    const { interfaces: _i, ...noInterfaces } = base;
    const m: ParticlesInGelSettings = {
      ...noInterfaces,
      particleCount: 200,
      binderSamples: 20_000,
      phases: [{ name: "mof", conductivitySPerCm: sigmaMof }, { ...base.phases[1], transferenceNumber: tGel }],
      ...(interfaceOhmCm2 !== undefined ? { interfaces: { mofGel: { resistanceOhmCm2: interfaceOhmCm2, activationEnergyEV: 0.5, referenceTemperatureK: 298.15 } } } : {}),
    };
    return buildNetworkDesign(scenario, m, 0).solve(298.15, undefined);
  };
  it("a single-ion gel: low- and high-frequency conductivities agree", () => {
    const r = design(1, 4.4e-3);
    expect(Math.abs(r.lowFrequencyConductivitySPerCm! / r.conductivitySPerCm - 1)).toBeLessThan(1e-9);
    expect(Math.abs(r.lowFrequencyCationConductivitySPerCm! / r.conductivitySPerCm - 1)).toBeLessThan(1e-9);
  });
  it("well-conducting particles: the DC cation network is t_gel of the high-frequency one", () => {
    const r = design(0.3, 1e3);
    expect(Math.abs(r.lowFrequencyCationConductivitySPerCm! / r.conductivitySPerCm / 0.3 - 1)).toBeLessThan(1e-3);
    // the gel's anions have their own path: DC above the cation part, below the total
    expect(r.lowFrequencyConductivitySPerCm!).toBeGreaterThan(r.lowFrequencyCationConductivitySPerCm! * (1 + 1e-6));
    expect(r.lowFrequencyConductivitySPerCm!).toBeLessThanOrEqual(r.conductivitySPerCm * (1 + 1e-9));
  });
  it("an interface no Li+ crosses: the membrane is the gel's own network, t+ = t_gel", () => {
    const r = design(0.3, 4.4e-3, 1e12);
    expect(r.lowFrequencyConductivitySPerCm!).toBeGreaterThan(0);
    expect(Math.abs(r.lowFrequencyCationConductivitySPerCm! / r.lowFrequencyConductivitySPerCm! / 0.3 - 1)).toBeLessThan(1e-4);
    expect(r.phases.find((p) => p.name === "gel")!.percolates).toBe(true);
  });
});
