/**
 * The comparison page in a real browser: Debian's chromium (/usr/bin/chromium, or the file
 * MOFHOP_CHROMIUM names) driven by playwright-core. The page is made by compareReport from
 * small designs built here (spectra from a known circuit, discharge curves, Arrhenius points,
 * a design with no capacity, measurements (measured spectra among them), provenance, a voxel slice, a particle network's
 * slab), so every kind of figure appears. It
 * must load without console errors, page errors or requests for anything outside the file,
 * and every figure must render with a non-zero width and height.
 *
 * Without chromium the test is skipped with a message, but only when CI is unset: under CI
 * (.ci/run installs chromium) a missing browser fails it, so it cannot pass silently.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { circuitImpedance, logFrequencies } from "../src/analysis/circuits.js";
import { BOLTZMANN_EV_PER_K } from "../src/core/constants.js";
import type { ImpedanceRow, RateCapabilityRow, Results } from "../src/pipeline/results.js";
import { compareReport } from "../src/report/compare.js";
import { runMeta } from "../src/report/provenance.js";
import type { MeasuredValue } from "../src/scenario/measurements.js";

const CANDIDATES = [process.env["MOFHOP_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((p): p is string => p !== undefined && p !== "");
const chromiumPath = CANDIDATES.find((p) => existsSync(p)) ?? null;
const ci = process.env["CI"] !== undefined;
const skip = chromiumPath === null && !ci;
if (skip) console.warn(`report-browser.test: SKIPPED: no chromium at ${CANDIDATES.join(" or ")} and CI is unset (apt-get install -y chromium to run it)`);

/** A design whose Li|SE|Li spectrum is R_bulk-p(R_int,Q_int) scaled by `ohms`, with an Arrhenius line and a rate capability. */
function design(name: string, ohms: number, capacityMAhPerG: number): Results {
  const f = logFrequencies(0.1, 1e6, 36);
  const circuitParameters = { R_bulk: ohms, R_int: 3 * ohms, Q_int: 1e-6 / ohms, n_int: 0.9 };
  const z = circuitImpedance("R_bulk-p(R_int,Q_int)", circuitParameters, f);
  const impedance: ImpedanceRow = {
    temperatureK: 298.15, cell: "Li|SE|Li", frequenciesHz: Array.from(f), realOhm: Array.from(z.re), imagOhm: Array.from(z.im),
    bulkResistanceOhm: ohms, grainBoundaryResistanceOhm: null, bulkResistanceStdErr: 0, interfacialResistanceOhm: 3 * ohms, interfacialResistanceStdErr: 0,
    circuit: "R_bulk-p(R_int,Q_int)", circuitParameters, kramersKronig: { pass: true, maxResidual: 0 },
  };
  const ea = 0.2, temps = [253.15, 298.15, 333.15];
  const sigma = (T: number): number => (1e-3 / ohms) * Math.exp(-(ea / BOLTZMANN_EV_PER_K) * (1 / T - 1 / 298.15));
  const rateCapability: RateCapabilityRow[] = [0.2, 1, 5].map((c, i) => {
    const q = capacityMAhPerG * (1 - 0.1 * i);
    const curve = Array.from({ length: 20 }, (_, j) => (q * j) / 19);
    return q > 0
      ? { cRate: c, dischargeCapacityMAhPerG: q, dischargeCapacityStdErr: 2, capacityMAhPerG: curve, voltageV: curve.map((x) => 3.4 - 0.02 * c - (x > 0.95 * q ? 0.8 : 0.001 * x)) }
      : { cRate: c, dischargeCapacityMAhPerG: 0, capacityMAhPerG: [0], voltageV: [-14.6] };
  });
  return {
    scenario: name, transport: [], kmc: [], transferenceNumber: [], impedance: [impedance], rateCapability,
    effective: temps.map((T) => ({ temperatureK: T, conductivitySPerCm: sigma(T), conductivityStdErr: 0.05 * sigma(T), discretisationRelativeError: 0.01, tortuosityFactor: 1.5, percolates: true, solverIterations: 10, relativeResidual: 1e-9, realizations: 2, phases: [] })),
    arrhenius: [{ of: "effective", activationEnergyEV: ea, activationEnergyStdErr: 0.01, form: "sigma", lnPrefactor: Math.log(sigma(298.15)) + ea / (BOLTZMANN_EV_PER_K * 298.15) }],
  };
}

describe.skipIf(skip)("the comparison page in headless chromium", () => {
  it("loads without console or page errors and every figure has a non-zero size", { timeout: 60_000 }, async () => {
    if (chromiumPath === null) throw new Error(`chromium not found at ${CANDIDATES.join(" or ")}; CI is set, so the browser test must run: install it (apt-get install -y chromium, as .ci/run does)`);
    const dir = mkdtempSync(join(tmpdir(), "mofhop-browser-"));
    const scenarioFile = join(dir, "a.json");
    writeFileSync(scenarioFile, JSON.stringify({ name: "low-ohm" }));
    const measured: MeasuredValue[] = [
      { scenario: "low-ohm", observable: "conductivity", temperatureK: 298.15, valueSPerCm: 8e-4, relativeError: 0.1, source: "test" },
      { scenario: "low-ohm", observable: "activationEnergy", form: "sigma", valueEV: 0.22, errorEV: 0.02, temperatureRangeK: [253.15, 333.15], source: "test" },
      { scenario: "high-ohm", observable: "dischargeCapacity", cRate: 1, valueMAhPerG: 140, errorMAhPerG: 5, source: "test" },
      // measured spectra: on low-ohm's Li|SE|Li panel (a circuit 10 % off the predicted), and an SS|SE|SS panel of their own
      ...(() => {
        const f = logFrequencies(1, 1e5, 16);
        const z = circuitImpedance("R_bulk-p(R_int,Q_int)", { R_bulk: 1.1, R_int: 3.3, Q_int: 1e-6, n_int: 0.9 }, f);
        return [
          { scenario: "low-ohm", observable: "impedanceSpectrum" as const, cell: "Li|SE|Li" as const, temperatureK: 298.15, frequenciesHz: Array.from(f), realOhm: Array.from(z.re), imagOhm: Array.from(z.im), relativeError: 0.03, source: "test" },
          { scenario: "high-ohm", observable: "impedanceSpectrum" as const, cell: "SS|SE|SS" as const, temperatureK: 298.15, frequenciesHz: [1e4, 1e2, 1], realOhm: [1e4, 1e4, 1e4], imagOhm: [-10, -1e3, -1e5], relativeError: 0.03, source: "test" },
        ];
      })(),
    ];
    const meta = runMeta({ mofhopVersion: "test", argv: ["compare", scenarioFile], scenarios: [{ file: scenarioFile, name: "low-ohm", seed: 1 }] });
    // a voxel design's mid-plane slice: a conducting channel through an insulating block
    const [w, h] = [24, 16];
    const phase = Uint8Array.from({ length: w * h }, (_, i) => (Math.abs(Math.floor(i / w) - 8) < 4 ? 0 : 1));
    const slice = { scenario: "low-ohm", temperatureK: 298.15, y: 8, yNm: 85, width: w, height: h, voxelNm: [10, 10] as const, phaseNames: ["mof", "binder"], phaseLabels: [0, 1], phase, currentDensityACm2: Float32Array.from(phase, (p, i) => (p === 0 ? 1 + (i % w) : 0)) };
    // a particle network's slab: a square lattice of particles, bonds along x carrying current, those along y none
    const grid = Array.from({ length: 25 }, (_, k) => ({ x: 100 + 200 * (k % 5), y: 100 + 200 * Math.floor(k / 5) }));
    const along = grid.flatMap((p, k) => [{ ...p, x2: p.x + 200, y2: p.y, I: 1e-12 * (1 + (k % 5)) }, { ...p, x2: p.x, y2: p.y + 200, I: 0 }]);
    const networkSlice = {
      scenario: "high-ohm", temperatureK: 298.15, boxNm: [1000, 1000, 1000] as const, planeZNm: 500, halfThicknessNm: 200, conductivitySPerCm: 1e-5, coatBondsLeftOut: 0,
      particles: { xNm: grid.map((p) => p.x), yNm: grid.map((p) => p.y), zNm: grid.map(() => 500), radiusNm: grid.map(() => 90) },
      bonds: { x1Nm: along.map((b) => b.x), y1Nm: along.map((b) => b.y), x2Nm: along.map((b) => b.x2), y2Nm: along.map((b) => b.y2), currentA: along.map((b) => b.I) },
    };
    const files = await compareReport([design("low-ohm", 1, 160), design("high-ohm", 1e4, 150), design("no-capacity", 1e5, 0)], { meta, measured, slices: [slice], networkSlices: [networkSlice] });
    expect(files["nyquist.svg"]).toContain("measured0_marks");
    expect(files["bode.svg"]).toContain("magmeasured_marks");
    const page = join(dir, "index.html");
    writeFileSync(page, files["index.html"]!);
    const figures = (files["index.html"]!.match(/<figure>/g) ?? []).length;
    expect(figures).toBeGreaterThanOrEqual(10); // Arrhenius, conductivity, Nyquist, Bode, rate capability, discharge x3, the voxel slice, the network slab

    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      tab.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      tab.on("request", (r) => {
        if (!r.url().startsWith("file:")) problems.push(`request outside the file: ${r.url()}`);
      });
      tab.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      const response = await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });
      expect(response?.ok() ?? true).toBe(true);
      const sizes = await tab.$$eval("figure", (els) =>
        els.map((fig) => {
          const view = fig.querySelector("svg, canvas, .vega-embed");
          const box = view?.getBoundingClientRect();
          return { caption: fig.querySelector("figcaption")?.textContent ?? "", found: view !== null, width: box?.width ?? 0, height: box?.height ?? 0 };
        }),
      );
      expect(sizes).toHaveLength(figures);
      for (const s of sizes) {
        expect(s.found, s.caption).toBe(true);
        expect(s.width, s.caption).toBeGreaterThan(0);
        expect(s.height, s.caption).toBeGreaterThan(0);
      }
      // the provenance footer and the measured table are on the page
      expect(await tab.locator("footer").textContent()).toContain("Produced by mofhop test");
      expect(await tab.locator("caption", { hasText: "Measured beside predicted" }).count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
