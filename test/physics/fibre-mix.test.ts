/**
 * Particles mixed with fibres as a particle network (src/design/fibreMix.ts).
 *
 * Mix: the MOF/BC mix of scenarios/paper/mof-bc-mix.json at its nominal inputs (500 nm
 * particles, sd(ln d) 0.25, 70 mg MOF with 30 mg BC: V_BC / V_MOF = 0.294 at the Li-MOF's
 * crystal density 1.0757 g/cm3), with fewer particles to keep the test short.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { createStream } from "../../src/core/rng.js";
import { fibreMix, type FibreMixOptions } from "../../src/design/fibreMix.js";
import { graphConductivity } from "../../src/design/graph.js";
import { pressedPowderConductances } from "../../src/design/pressedPowder.js";
import { estimate } from "../../src/core/stats.js";
import { buildNetworkDesign } from "../../src/pipeline/design.js";
import { runScenario } from "../../src/pipeline/runScenario.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { ParticlesAmongFibresSettings } from "../../src/scenario/schema.js";
import { BC_DENSITY_G_PER_CM3, mofCrystalDensityGPerCm3 } from "../../src/structure/morphology/densities.js";
import { expectWithinErrors } from "../stats-tolerance.js";

const BASE: FibreMixOptions = {
  particleDiameterNm: 500,
  diameterLogSd: 0.25,
  particleCount: 400,
  solidFraction: 0.52,
  fibreToParticleVolumeRatio: 30 / 1.567 / (70 / 1.0757),
  fibreDiameterNm: 50,
  fibreOnParticleShare: 0.1,
  consolidationPressurePa: 1e5,
  material: { youngsModulusPa: 30e9, poissonRatio: 0.3, hardnessPa: 1e9 },
  workOfAdhesionJPerM2: 0.055,
  equilibriumSeparationNm: 0.3,
};
const build = (o: Partial<FibreMixOptions>, label: string) => fibreMix({ ...BASE, ...o }, createStream(3, "fibre-mix", label));

describe("particles among fibres: volumes", () => {
  it("holds the composition: fibre / particle volume equals the masses' volume ratio, porosity the rest (mass balance to 1e-12)", () => {
    const mix = build({}, "volumes");
    let solid = 0;
    for (const r of mix.radiusCm) solid += (4 / 3) * Math.PI * r ** 3;
    const phiS = solid / mix.graph.boxCm[0] ** 3;
    expect(Math.abs(phiS / BASE.solidFraction - 1)).toBeLessThan(1e-12);
    expect(Math.abs(mix.mix.fibreVolumeFraction / phiS / BASE.fibreToParticleVolumeRatio - 1)).toBeLessThan(1e-12);
    expect(Math.abs(mix.mix.porosity + phiS + mix.mix.fibreVolumeFraction - 1)).toBeLessThan(1e-12);
    // and the masses come back: rho_MOF V_MOF : rho_BC V_BC = 70 : 30
    expect((1.0757 * phiS) / (1.567 * mix.mix.fibreVolumeFraction)).toBeCloseTo(70 / 30, 10);
  });

  it("refuses fibres that do not fit in the skeleton's pores, naming the field and the limit", () => {
    expect(() => build({ solidFraction: 0.6, fibreToParticleVolumeRatio: 1 }, "x")).toThrow(InputError);
    expect(() => build({ solidFraction: 0.6, fibreToParticleVolumeRatio: 1 }, "x")).toThrow(/design\.solidFraction: 0\.6 .* at most 0\.500/);
    expect(() => build({ fibreOnParticleShare: 1.5 }, "x")).toThrow(/fibreOnParticleShare: got 1\.5/);
    expect(() => build({ consolidationPressurePa: -1 }, "x")).toThrow(/consolidationPressureMPa/);
  });
});

describe("particles among fibres: contacts", () => {
  it("counts isotropic lines crossing a disc as Cauchy-Crofton says: mean 2 r Lambda (Santalo 1976)", () => {
    // isotropic uniform lines x cos(t) + y sin(t) = p, t uniform in [0, pi), p uniform in
    // [-h, h]; their length per area Lambda is measured by clipping each to a W x W square
    // (h covers the square's corners), and the lines passing within r of a point of the square
    // (off-centre, so that no symmetry does the work) are counted
    const stream = createStream(11, "crofton", 0);
    const W = 2000, h = W / Math.SQRT2, r = 37, cx = 300, cy = -450, lines = 200_000;
    let length = 0, hits = 0;
    for (let k = 0; k < lines; k++) {
      const t = Math.PI * stream.nextFloat(), p = (2 * stream.nextFloat() - 1) * h;
      const c = Math.cos(t), s = Math.sin(t);
      // points p (c, s) + u (-s, c): slab-clip u to the square
      let lo = -Infinity, hi = Infinity;
      for (const [o, d] of [[p * c, -s], [p * s, c]] as const) {
        if (Math.abs(d) < 1e-15) { if (Math.abs(o) > W / 2) { lo = 1; hi = 0; } continue; }
        const a = (-W / 2 - o) / d, b = (W / 2 - o) / d;
        lo = Math.max(lo, Math.min(a, b));
        hi = Math.min(hi, Math.max(a, b));
      }
      if (hi > lo) length += hi - lo;
      if (Math.abs(cx * c + cy * s - p) < r) hits++;
    }
    const expected = 2 * r * (length / (W * W));
    // hits are binomial with p = r / h
    const sd = Math.sqrt(lines * (r / h) * (1 - r / h));
    expect(Math.abs(hits - expected)).toBeLessThan(4 * sd);
  });

  it("keeps a touching pair apart with probability 1 - exp(-4 x_b Lambda), x_b = sqrt(2 R* d_f), within the binomial error", () => {
    const mix = build({ particleCount: 1000, fibreOnParticleShare: 0.05 }, "blocking");
    // the survival of a median pair, recomputed here: Lambda = s phi_f / (pi d_f^2 / 4) / S_v
    let surface = 0;
    for (const r of mix.radiusCm) surface += 4 * Math.PI * (r * 1e7) ** 2;
    const V = (mix.graph.boxCm[0] * 1e7) ** 3;
    const lambda = (0.05 * mix.mix.fibreVolumeFraction) / ((Math.PI * 50 ** 2) / 4) / (surface / V);
    const survival = Math.exp(-4 * Math.sqrt(2 * 125 * 50) * lambda);
    expect(Math.abs(mix.mix.medianSurvival / survival - 1)).toBeLessThan(1e-12);
    // pairs differ in R*, so the blocked share is the mean of 1 - exp(-4 sqrt(2 R* d_f) Lambda) over
    // the touching pairs: within the spread of that over the sizes (sd(ln d) 0.25 moves sqrt(R*)
    // by about 6 %), plus 4 binomial sd
    const pairs = mix.graph.bondI.length / (1 - mix.mix.blockedShare);
    const p = 1 - survival, sd = Math.sqrt((p * (1 - p)) / pairs);
    expect(Math.abs(mix.mix.blockedShare - p)).toBeLessThan(0.06 * p + 4 * sd);
  });

  it("conducts less as more fibre lies where particles meet (same packing), and not at all when every fibre does", () => {
    const sigma = (share: number) => {
      const mix = build({ fibreOnParticleShare: share }, "same-packing");
      const axes = graphConductivity(mix.graph, pressedPowderConductances(mix, 1e-3, 2e-4), [0, 1, 2], { tolerance: 1e-12 });
      return { sigma: axes.reduce((a, x) => a + x.conductivitySPerCm, 0) / 3, z: mix.stats.coordination };
    };
    const runs = [0, 0.03, 0.1, 1].map(sigma);
    for (let k = 1; k < runs.length; k++) expect(runs[k]!.sigma).toBeLessThanOrEqual(runs[k - 1]!.sigma);
    // with every fibre on particle surfaces (share 1) a median contact survives with probability
    // exp(-4 x_b Lambda) ~ 1e-3 (Lambda = 0.015 / nm): of some 800 touching pairs a handful is
    // left (coordination below 0.1: at most 20 survivors among 400 particles), too few to span the box
    expect(runs[3]!.z).toBeLessThan(0.1);
    expect(runs[3]!.sigma).toBe(0);
    expect(runs[0]!.sigma).toBeGreaterThan(0);
  });
});

describe("particles among fibres: box size and the paper scenario", () => {
  it("sigma_eff at ~300 and ~1000 particles agrees within 4 combined standard errors", () => {
    // the nominal mix (s = 0.1, near its percolation threshold, the hardest case for a small
    // box), sigma_MOF 4.4e-3 S/cm, r_b 2e-4 ohm cm2; mean of the three axes per realisation,
    // 10 seeds at 300 particles, 4 at 1000. Measured beyond it (scripts/fibre-mix-box-size.mjs): 3000
    // and 8000 particles agree with 1000 within 1 standard error.
    const stats = (count: number, seeds: number) => {
      const v: number[] = [];
      for (let s = 0; s < seeds; s++) {
        const mix = fibreMix({ ...BASE, particleCount: count }, createStream(s, "fibre-mix-size", count));
        const ax = graphConductivity(mix.graph, pressedPowderConductances(mix, 4.4e-3, 2e-4), [0, 1, 2], { tolerance: 1e-10 });
        v.push(ax.reduce((a, x) => a + x.conductivitySPerCm, 0) / 3);
      }
      const e = estimate(v);
      return { mean: e.mean, se: e.stdErr };
    };
    const small = stats(300, 10), large = stats(1000, 4);
    expectWithinErrors(small.mean, large.mean, Math.hypot(small.se, large.se));
  });

  it("the paper's mix: phase volumes from 70 mg MOF and 30 mg BC, reproducible from its seed", () => {
    const { scenario } = loadScenario("scenarios/paper/mof-bc-mix.json");
    const m = { ...(scenario.morphology as ParticlesAmongFibresSettings), particleCount: 300 };
    const net = buildNetworkDesign(scenario, m, 0);
    const ratio = 30 / BC_DENSITY_G_PER_CM3 / (70 / mofCrystalDensityGPerCm3({ counterIon: "Li+", latticeConstantAngstrom: 26.9 }));
    expect(net.volumeFraction.fibre! / net.volumeFraction.mof!).toBeCloseTo(ratio, 12);
    expect(net.volumeFraction.mof).toBeCloseTo(m.solidFraction, 12);
    const a = net.solve(298.15, 4.4e-3), b = buildNetworkDesign(scenario, m, 0).solve(298.15, 4.4e-3);
    expect(a.conductivitySPerCm).toBeGreaterThan(0);
    expect(b.conductivitySPerCm).toBe(a.conductivitySPerCm);
    expect(buildNetworkDesign(scenario, m, 1).solve(298.15, 4.4e-3).conductivitySPerCm).not.toBe(a.conductivitySPerCm);
  });
});

describe("particles among fibres: a mix whose contacts do not percolate", () => {
  it("runs through the cell stage: no spectrum, and no capacity at any rate, said to be for want of a path", () => {
    const { scenario } = loadScenario("scenarios/paper/mof-bc-mix.json");
    const { lattice: _l, species: _s, kmc: _k, ...rest } = scenario;
    const m = { ...(scenario.morphology as ParticlesAmongFibresSettings), fibreOnParticleShare: 1, particleCount: 200, realizations: 2, phases: [{ name: "mof" as const, conductivitySPerCm: 4.4e-3, transferenceNumber: 1 }] as ParticlesAmongFibresSettings["phases"] };
    const results = runScenario({ ...rest, temperaturesK: [298.15], morphology: m });
    expect(results.effective[0]!.conductivitySPerCm).toBe(0);
    expect(results.impedance).toBeUndefined();
    expect(results.rateCapability!.map((r) => r.dischargeCapacityMAhPerG)).toEqual(scenario.cell!.rateCapability!.cRates.map(() => 0));
    expect(results.rateCapability!.every((r) => r.noConductingPath === true)).toBe(true);
  });
});
