/**
 * Conduction onset of random spheres against the published continuum percolation threshold.
 *
 * Reference: overlapping (Poisson) spheres of equal radius r at number density n percolate
 * at the reduced density eta = n (4/3) pi r^3 = 0.341888 (+- 1.3e-5), volume fraction
 * 1 - exp(-eta) = 0.2895 (Lorenz and Ziff, J. Chem. Phys. 114, 3659, 2001, the
 * "Swiss-cheese" model). The code under test is what every particle design uses to decide
 * whether it conducts: the pair finder (design/pairs.ts nearPairs, minimum image in a
 * periodic box, cell lists), the periodic graph and its conduction solve with the wrapping
 * test (design/graph.ts graphConductivity). Spheres overlapping (gap < 0) are joined by a
 * unit conductance; the box conducts along x when a cluster wraps around it.
 *
 * Tolerance. In a finite box the onset is spread over a window of relative width
 * ~ (L / 2r)^(-1/nu), nu = 0.876 (3D percolation). Measured with this code in a box of 20
 * diameters (40 realisations per density): the wrapping probability is 0.05 at 0.90 eta_c,
 * 0.33 at eta_c, 1.00 at 1.10 eta_c. So at 0.85 eta_c and 1.15 eta_c a correct code
 * conducts in (almost) no and (almost) every realisation; a pair finder that missed or
 * invented 15 % of the overlaps (threshold moved by about as much) would conduct in at
 * least a third of the realisations on the wrong side, and 0 (or 30) of 30 then has a
 * probability below (2/3)^30 = 5e-6.
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { graphConductivity, type PeriodicGraph } from "../../src/design/graph.js";
import { nearPairs } from "../../src/design/pairs.js";

/** Lorenz and Ziff (2001). */
const ETA_C = 0.341888;

/** Sigma_xx (unit bond conductances) of Poisson spheres of radius 1 at reduced density eta in a box of `diameters` x 2. */
function conductivityX(eta: number, diameters: number, seed: number): { sigma: number; conducts: boolean; meanBonds: number } {
  const L = 2 * diameters;
  const n = Math.round((eta * L ** 3) / ((4 / 3) * Math.PI));
  const s = createStream(seed, "sphere-percolation");
  const pos = new Float64Array(3 * n);
  for (let k = 0; k < 3 * n; k++) pos[k] = s.nextFloat() * L;
  const p = nearPairs(pos, new Float64Array(n).fill(1), L, 0);
  const m = p.i.length, v = new Float64Array(3 * m);
  for (let b = 0; b < m; b++) {
    v[3 * b] = p.dx[b]!;
    v[3 * b + 1] = p.dy[b]!;
    v[3 * b + 2] = p.dz[b]!;
  }
  const g: PeriodicGraph = { nodeCount: n, boxCm: [L, L, L], positionCm: pos, bondI: p.i, bondJ: p.j, bondVectorCm: v };
  const [x] = graphConductivity(g, new Float64Array(m).fill(1), [0], { tolerance: 1e-8 });
  return { sigma: x!.conductivitySPerCm, conducts: x!.percolates, meanBonds: (2 * m) / n };
}

describe("random spheres: conduction onset at the continuum percolation threshold (Lorenz and Ziff 2001)", () => {
  it("the pair finder joins every overlapping pair: mean overlaps per sphere = 8 eta (Poisson)", () => {
    // each sphere overlaps the centres inside a ball of radius 2r: mean 8 eta, Poisson, so
    // the mean over n spheres has standard error about sqrt(8 eta / n) (pairs counted twice: x sqrt 2)
    const eta = ETA_C, diameters = 20;
    const r = conductivityX(eta, diameters, 7);
    const n = Math.round((eta * (2 * diameters) ** 3) / ((4 / 3) * Math.PI));
    const se = Math.sqrt((2 * 8 * eta) / n);
    expect(Math.abs(r.meanBonds - 8 * eta)).toBeLessThan(4 * se);
  });

  it("no conduction at 0.85 eta_c, conduction with sigma > 0 in every realisation at 1.15 eta_c (box of 20 diameters)", () => {
    let below = 0, above = 0;
    for (let k = 0; k < 30; k++) {
      const lo = conductivityX(0.85 * ETA_C, 20, 100 + k);
      const hi = conductivityX(1.15 * ETA_C, 20, 200 + k);
      expect(lo.conducts).toBe(lo.sigma > 0);
      expect(hi.conducts).toBe(hi.sigma > 0);
      below += lo.conducts ? 1 : 0;
      above += hi.conducts ? 1 : 0;
    }
    expect(below).toBe(0);
    expect(above).toBe(30);
  });
});
