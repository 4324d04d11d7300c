/**
 * The identity the pressed-powder calibration rests on: every conductance of the network
 * is the MOF's constriction (proportional to sigma_MOF) or a contact boundary (proportional
 * to 1 / R_b), so sigma_eff / sigma_MOF depends on sigma_MOF R_b alone. Two solves at
 * different temperatures (R_b activated) and MOF conductivities with the same product must
 * give the same ratio, to the solver's tolerance. And the calibration, handed data made by
 * the model itself at known rate parameters, puts them inside its 90 % posterior bands and
 * passes a posterior predictive check (each measurement within 3 sd of its prediction).
 */
import { describe, expect, it } from "vitest";
import { buildNetworkDesign, pressedBoundaryOhmCm2 } from "../../src/pipeline/design.js";
import { runScenario } from "../../src/pipeline/runScenario.js";
import { parseScenarioInputs } from "../../src/scenario/load.js";
import type { PressedPowderSettings } from "../../src/scenario/schema.js";
import { calibratePressedPowder, calibratePressedPowders, type Measurement } from "../../src/sweep/calibrate.js";
import { activationEnergyWeights } from "../../src/analysis/bayes.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";

const scenario = {
  name: "small-pellet",
  seed: 4,
  temperaturesK: [260, 298.15, 330],
  lattice: { kind: "simple-cubic", cells: [6, 6, 6], latticeConstantAngstrom: 3 },
  species: [{
    name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2,
    attemptFrequencyHz: { distribution: "log-uniform", min: 1e11, max: 1e14, nominal: 1e13, basis: "fitted", source: "test data", name: "nu" },
    barrierShiftEV: { distribution: "uniform", min: -0.05, max: 0.05, nominal: 0, basis: "fitted", source: "test data", name: "shift" },
  }],
  kmc: { equilibrationHops: 2000, hops: 20000, replicas: 2, blocks: 5 },
  morphology: {
    kind: "pressed-powder", particleDiameterNm: 500, diameterLogSd: 0.2, solidFraction: 0.58, pressureMPa: 6,
    material: { youngsModulusGPa: 30, poissonRatio: 0.3, hardnessGPa: 1 },
    particleCount: 150, realizations: 1, tolerance: 1e-10, phases: [{ name: "mof" }],
    contacts: { pressed: { resistanceOhmCm2: { distribution: "log-uniform", min: 3e-5, max: 1e-3, reason: "test prior" }, activationEnergyEV: 0.16 } },
  },
};

describe("pressed powders: sigma_eff / sigma_MOF is a function of sigma_MOF R_b", () => {
  it("equal products at two temperatures give equal ratios, to the solver tolerance", async () => {
    const { scenario: s } = parseScenarioInputs(scenario);
    const m = s.morphology as PressedPowderSettings;
    const net = buildNetworkDesign(s, m, 0);
    for (const sigma of [1e-5, 1e-3, 1e-1]) {
      const a = net.solve(260, sigma).conductivitySPerCm / sigma;
      // at 330 K the boundary is smaller: the same product needs a larger sigma
      const sigma2 = (sigma * pressedBoundaryOhmCm2(m, 260)) / pressedBoundaryOhmCm2(m, 330);
      const b = net.solve(330, sigma2).conductivitySPerCm / sigma2;
      expect(Math.abs(b / a - 1)).toBeLessThan(1e-8);
    }
  });

  it("data made by the model at known rate parameters: the truth inside the 90 % bands, the data reproduced", async () => {
    const loaded = parseScenarioInputs(scenario);
    const design = { ...loaded, baseDir: "." };
    const nominal = runScenario(loaded.scenario);
    // the truth: nu 3e12 Hz, shift +0.02 eV, the nominal boundary (the prior's median) and microstructure
    const truthNu = 3e12, truthShift = 0.02;
    const truth = runScenario(parseScenarioInputs({ ...scenario, species: [{ ...scenario.species[0], attemptFrequencyHz: truthNu, barrierShiftEV: truthShift }] }).scenario);
    const T = truth.effective.map((e) => e.temperatureK);
    const lnSigma = truth.effective.map((e) => Math.log(e.conductivitySPerCm));
    const ea = activationEnergyWeights(T, BOLTZMANN_EV_PER_K, "sigma");
    const measurements: Measurement[] = [
      { scenario: "small-pellet", observable: "conductivity", temperatureK: 298.15, valueSPerCm: Math.exp(lnSigma[1]!), relativeError: 0.05, source: "the model" },
      { scenario: "small-pellet", observable: "activationEnergy", form: "sigma", valueEV: ea.weights.reduce((a, w, i) => a + w * lnSigma[i]!, 0), errorEV: 0.01, source: "the model" },
    ];
    const post = await calibratePressedPowder(design, measurements, nominal, { samples: 12, grid: 80, points: 48 });
    const band = (key: string) => post.inputs.find((i) => i.key === key)!.posterior90;
    expect(band("nu")[0]).toBeLessThan(truthNu);
    expect(band("nu")[1]).toBeGreaterThan(truthNu);
    expect(band("shift")[0]).toBeLessThan(truthShift);
    expect(band("shift")[1]).toBeGreaterThan(truthShift);
    // a posterior predictive check: each measurement inside the predictive distribution
    // (the posterior's spread of the prediction plus the measurement's error), |z| < 3
    for (const f of post.fit) expect(Math.abs(f.predicted - f.measured) / Math.hypot(f.error, f.predictedSd), f.name).toBeLessThan(3);
  });
});

describe("pressed powders calibrated jointly (one powder, two ions)", () => {
  // two ions in one powder: each its own rate parameters, the microstructure and the contact
  // boundary shared (the same morphology block and seed); data made by the model at known truths
  const ion = (name: string, label: string, barrier: number) => ({
    ...scenario,
    name,
    species: [{
      ...scenario.species[0],
      name: label,
      hopBarrierEV: barrier,
      attemptFrequencyHz: { ...scenario.species[0].attemptFrequencyHz, name: `nu-${name}` },
      barrierShiftEV: { ...scenario.species[0].barrierShiftEV, name: `shift-${name}` },
    }],
  });
  const truths = { a: { nu: 3e12, shift: 0.02 }, b: { nu: 5e11, shift: -0.03 } };
  const part = (name: "a" | "b", barrier: number) => {
    const raw = ion(name, name === "a" ? "Li+" : "Na+", barrier);
    const loaded = parseScenarioInputs(raw);
    const nominal = runScenario(loaded.scenario);
    const truth = runScenario(parseScenarioInputs({ ...raw, species: [{ ...raw.species[0], attemptFrequencyHz: truths[name].nu, barrierShiftEV: truths[name].shift }] }).scenario);
    const T = truth.effective.map((e) => e.temperatureK);
    const lnSigma = truth.effective.map((e) => Math.log(e.conductivitySPerCm));
    const ea = activationEnergyWeights(T, BOLTZMANN_EV_PER_K, "sigma");
    const measurements: Measurement[] = [
      { scenario: name, observable: "conductivity", temperatureK: 298.15, valueSPerCm: Math.exp(lnSigma[1]!), relativeError: 0.05, source: "the model" },
      { scenario: name, observable: "activationEnergy", form: "sigma", valueEV: ea.weights.reduce((acc, w, i) => acc + w * lnSigma[i]!, 0), errorEV: 0.01, source: "the model" },
    ];
    return { design: { ...loaded, baseDir: "." }, measurements, nominal };
  };

  it("puts each ion's truth inside its 90 % bands, reproduces both data sets, and names both designs", async () => {
    const parts = [part("a", 0.2), part("b", 0.25)];
    const post = await calibratePressedPowders(parts, { samples: 12, grid: 80, points: 48 });
    expect(post.scenarios).toEqual(["a", "b"]);
    // the shared boundary once, then each ion's two rate parameters
    expect(post.inputs.map((i) => i.key).filter((k) => k.startsWith("nu") || k.startsWith("shift"))).toEqual(["nu-a", "shift-a", "nu-b", "shift-b"]);
    expect(post.inputs.filter((i) => i.key === "morphology.contacts.pressed.resistanceOhmCm2")).toHaveLength(1);
    for (const name of ["a", "b"] as const) {
      const band = (key: string) => post.inputs.find((i) => i.key === key)!.posterior90;
      expect(band(`nu-${name}`)[0]).toBeLessThan(truths[name].nu);
      expect(band(`nu-${name}`)[1]).toBeGreaterThan(truths[name].nu);
      expect(band(`shift-${name}`)[0]).toBeLessThan(truths[name].shift);
      expect(band(`shift-${name}`)[1]).toBeGreaterThan(truths[name].shift);
    }
    expect(post.fit).toHaveLength(4);
    for (const f of post.fit) expect(Math.abs(f.predicted - f.measured) / Math.hypot(f.error, f.predictedSd), f.name).toBeLessThan(3);
  });

  it("a bound on the crystal's own conductivity removes every rate pair above it", async () => {
    const a = part("a", 0.2);
    const free = await calibratePressedPowders([a], { samples: 12, grid: 80, points: 48 });
    // the crystal conductivity of each draw, by the exact rescaling of the nominal KMC
    const sp = a.design.scenario.species![0]!;
    const i298 = a.nominal.kmc.findIndex((k) => Math.abs(k.temperatureK - 298.15) < 1e-9);
    const kT = BOLTZMANN_EV_PER_K * 298.15;
    const crystal = (post: typeof free): number[] => {
      const jNu = post.inputs.findIndex((i) => i.key === "nu-a"), jShift = post.inputs.findIndex((i) => i.key === "shift-a");
      return post.draws.map((d) => a.nominal.kmc[i298]!.totalConductivitySPerCm * (d.x[jNu]! / sp.attemptFrequencyHz!) * Math.exp(-(d.x[jShift]! - (sp.barrierShiftEV ?? 0)) / kT));
    };
    const sorted = crystal(free).sort((x, y) => x - y);
    const bound = sorted[Math.floor(0.6 * sorted.length)]!; // cuts the free posterior's top 40 %
    const boundedDesign = { ...a.design, scenario: { ...a.design.scenario, species: [{ ...sp, conductivityBound: { maxSPerCm: bound, temperatureK: 298.15, source: "test" } }] } };
    const bounded = await calibratePressedPowders([{ ...a, design: boundedDesign }], { samples: 12, grid: 80, points: 48 });
    // every draw below the bound, up to the grid cell the draw is spread over: the bound is
    // applied at the cell's centre, a draw lies anywhere in it, half a cell (1/80 of each
    // score) each way in ln nu and in shift / kT
    const spec = (key: string) => a.design.inputs.find((i) => i.key === key)!.spec as { min: number; max: number };
    const cellSlack = Math.exp(0.5 * (Math.log(spec("nu-a").max / spec("nu-a").min) + (spec("shift-a").max - spec("shift-a").min) / kT) / 80);
    for (const c of crystal(bounded)) expect(c).toBeLessThan(bound * cellSlack);
    expect(bounded.method).toContain("crystal conductivity <=");
    // a bound below every rate pair the priors allow is refused, naming the field
    const none = { ...a.design, scenario: { ...a.design.scenario, species: [{ ...sp, conductivityBound: { maxSPerCm: 1e-30, temperatureK: 298.15, source: "test" } }] } };
    await expect(calibratePressedPowders([{ ...a, design: none }], { samples: 12, grid: 20, points: 16 })).rejects.toThrow(/species\.0\.conductivityBound\.maxSPerCm/);
  });

  it("gives the same posterior with the draws' tables on two threads as on one", async () => {
    const parts = [part("a", 0.2), part("b", 0.25)];
    const one = await calibratePressedPowders(parts, { samples: 8, grid: 40, points: 16 });
    const two = await calibratePressedPowders(parts, { samples: 8, grid: 40, points: 16, workers: 2 });
    expect(two).toEqual(one);
  });

  it("refuses designs that are not one powder, naming them", async () => {
    const a = part("a", 0.2);
    const other = parseScenarioInputs({ ...ion("c", "K+", 0.3), morphology: { ...scenario.morphology, solidFraction: 0.55 } });
    const c = { design: { ...other, baseDir: "." }, measurements: a.measurements.map((m) => ({ ...m, scenario: "c" })), nominal: a.nominal };
    await expect(calibratePressedPowders([a, c], { samples: 12, grid: 20, points: 16 })).rejects.toThrow(/'c' is not the same powder as 'a'/);
  });
});
