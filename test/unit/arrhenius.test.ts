import { describe, expect, it } from "vitest";
import { fitArrhenius } from "../../src/analysis/arrhenius.js";
import { BOLTZMANN_EV_PER_K } from "../../src/core/constants.js";
import { weightedLeastSquares } from "../../src/linalg/leastSquares.js";
import { createStream } from "../../src/core/rng.js";

describe("least squares", () => {
  it("fits an exact line exactly", () => {
    const fit = weightedLeastSquares([[1, 0], [1, 1], [1, 2], [1, 3]], [1, 3, 5, 7]);
    expect(fit.coefficients[0]).toBeCloseTo(1, 12);
    expect(fit.coefficients[1]).toBeCloseTo(2, 12);
  });
});

describe("Arrhenius", () => {
  const Ea = 0.16;
  const temps = [253.15, 273.15, 298.15, 313.15, 333.15];
  it("recovers Ea exactly from noise-free sigma T = A exp(-Ea/kT)", () => {
    const pts = temps.map((T) => ({ temperatureK: T, conductivitySPerCm: (1e3 / T) * Math.exp(-Ea / (BOLTZMANN_EV_PER_K * T)) }));
    expect(fitArrhenius(pts).activationEnergyEV).toBeCloseTo(Ea, 12);
    // fitting ln sigma instead: d ln(sigma)/d(1/T) = T - Ea/kB, so the apparent barrier is
    // Ea - kB T over the range (reference/physics.md states the sign the other way round:
    // that is the case of data following sigma = A exp(-Ea/kT) fitted as ln(sigma T))
    const meanT = temps.reduce((a, b) => a + b) / temps.length;
    expect(fitArrhenius(pts, "sigma").activationEnergyEV).toBeCloseTo(Ea - BOLTZMANN_EV_PER_K * meanT, 3);
  });
  it("standard error matches the scatter of repeated noisy fits", () => {
    const rng = createStream(3, "arrhenius");
    const rel = 0.02;
    const eas: number[] = [];
    let se = 0;
    for (let k = 0; k < 400; k++) {
      const pts = temps.map((T) => {
        const s = (1e3 / T) * Math.exp(-Ea / (BOLTZMANN_EV_PER_K * T)) * (1 + rel * rng.nextNormal());
        return { temperatureK: T, conductivitySPerCm: s, conductivityStdErr: rel * s };
      });
      const fit = fitArrhenius(pts);
      eas.push(fit.activationEnergyEV);
      se += fit.activationEnergyStdErr / 400;
    }
    const mean = eas.reduce((a, b) => a + b) / eas.length;
    const sd = Math.sqrt(eas.reduce((a, b) => a + (b - mean) ** 2, 0) / (eas.length - 1));
    // the sd of 400 samples is known to ~3.5 % (1/sqrt(2 n)); the reported se (Birge-scaled, so
    // never below the nominal) should be within ~25 % above it
    expect(se / sd).toBeGreaterThan(0.85);
    expect(se / sd).toBeLessThan(1.3);
    expect(Math.abs(mean - Ea)).toBeLessThan((4 * sd) / Math.sqrt(400));
  });
});
