/**
 * Convergence and rate capability of the Li | SE | LiFePO4 discharge model.
 *
 * Convergence (as PyBaMM tests its discretisations): the 2 C capacity under refinement by 2
 * of every mesh and the time step together, observed order p = log2((Q1 - Q2) / (Q2 - Q3))
 * from three refinements. The scheme is first order in time (backward Euler) and second
 * order in space (cell-centred finite volumes, the particle surface extrapolated with its
 * flux); the joint order must be >= 0.8 (it is about 2 here: the radial error dominates).
 * Time alone must give order 1 (0.8..1.2), the particle radius alone order 2 (>= 1.8).
 *
 * Rate capability: capacity does not increase with C-rate; a poorer membrane (10x lower
 * conductivity, or t+ 0.3 instead of 0.9, which adds salt polarisation) loses more at 5 C
 * than at 0.2 C.
 */
import { describe, expect, it } from "vitest";
import { runRateCapability, summarizeRateCapability } from "../../src/analysis/rateCapability.js";
import { simulateDischarge, type DischargeMeshOptions } from "../../src/transport/cell/discharge.js";
import type { CellOptions } from "../../src/transport/cell/electrodeOptions.js";

const CELL: CellOptions = { separator: { conductivitySPerCm: 1e-3, transferenceNumber: 0.9 } };

function capacity(mesh: DischargeMeshOptions, cRate = 2, cell: CellOptions = CELL): number {
  return simulateDischarge(cell, { cRate, mesh }).dischargeCapacityMAhPerG;
}
function orders(q: readonly number[]): number[] {
  const p: number[] = [];
  for (let l = 0; l + 2 < q.length; l++) p.push(Math.log2((q[l + 1]! - q[l]!) / (q[l + 2]! - q[l + 1]!)));
  return p;
}

describe("convergence of the 2 C capacity", () => {
  it("mesh and time step refined together: observed order >= 0.8", () => {
    const q = [1, 2, 4, 8].map((f) => capacity({ separatorCells: 5 * f, cathodeCells: 5 * f, particleShells: 5 * f, stepsPerDischarge: 50 * f }));
    const p = orders(q);
    for (const o of p) expect(o).toBeGreaterThanOrEqual(0.8);
    expect(Math.abs(q[3]! - q[2]!)).toBeLessThan(0.2);
  });

  it("time step alone: first order", () => {
    const q = [50, 100, 200, 400].map((s) => capacity({ particleShells: 40, stepsPerDischarge: s }));
    for (const o of orders(q)) {
      expect(o).toBeGreaterThan(0.8);
      expect(o).toBeLessThan(1.2);
    }
  });

  it("particle radius alone: second order", () => {
    const q = [5, 10, 20, 40].map((n) => capacity({ particleShells: n, stepsPerDischarge: 400 }));
    for (const o of orders(q)) expect(o).toBeGreaterThanOrEqual(1.8);
  });
});

describe("rate capability", () => {
  const base = runRateCapability(CELL);
  const q = (r: typeof base, c: number): number => r.rows.find((row) => row.cRate === c)!.dischargeCapacityMAhPerG;

  it("capacity is non-increasing with C-rate; retention is relative to the lowest rate", () => {
    expect(base.rows.map((r) => r.cRate)).toEqual([0.2, 0.5, 1, 2, 3, 5]);
    for (let i = 1; i < base.rows.length; i++) expect(base.rows[i]!.dischargeCapacityMAhPerG).toBeLessThanOrEqual(base.rows[i - 1]!.dischargeCapacityMAhPerG);
    expect(base.rows[0]!.retention).toBe(1);
    expect(base.rows[5]!.retention).toBeCloseTo(q(base, 5) / q(base, 0.2), 14);
    expect(base.curves).toHaveLength(6);
    for (const c of base.curves) {
      expect(c.capacityMAhPerG).toHaveLength(101);
      expect(c.voltageV[c.voltageV.length - 1]).toBeCloseTo(2.5, 9);
    }
  });

  it("a 10x less conductive membrane loses more capacity at 5 C than at 0.2 C", () => {
    const poor = runRateCapability({ separator: { conductivitySPerCm: 1e-4, transferenceNumber: 0.9 } }, { cRates: [0.2, 5] });
    const loss02 = q(base, 0.2) - q(poor, 0.2);
    const loss5 = q(base, 5) - q(poor, 5);
    expect(loss02).toBeGreaterThanOrEqual(0);
    expect(loss5).toBeGreaterThan(10 * loss02);
  });

  it("a low transference number (0.3) loses more capacity at 5 C than at 0.2 C", () => {
    const lowT = runRateCapability({ separator: { conductivitySPerCm: 1e-3, transferenceNumber: 0.3 } }, { cRates: [0.2, 5] });
    const loss02 = q(base, 0.2) - q(lowT, 0.2);
    const loss5 = q(base, 5) - q(lowT, 5);
    expect(loss5).toBeGreaterThan(10 * Math.abs(loss02));
  });

  it("summary of given numbers", () => {
    expect(summarizeRateCapability([{ cRate: 1, dischargeCapacityMAhPerG: 150 }, { cRate: 0.5, dischargeCapacityMAhPerG: 160 }])).toEqual([
      { cRate: 1, dischargeCapacityMAhPerG: 150, retention: 0.9375 },
      { cRate: 0.5, dischargeCapacityMAhPerG: 160, retention: 1 },
    ]);
    expect(() => runRateCapability(CELL, { cRates: [1, 1] })).toThrow("cRates: got [1,1]; allowed: distinct C-rates");
  });
});

/**
 * A slow solid (D_s 1e-16 cm2/s, the low end of LiFePO4's measured range; radius 200 nm):
 * the diffusion layer of a 1 C discharge, sqrt(D t) = 6 nm, is thinner than the default 40
 * shells (5 nm), so the default mesh takes more (SHELLS_PER_DIFFUSION_LENGTH per layer).
 * Checked against a mesh of 1200 shells, and against the semi-infinite limit: a sphere whose
 * surface layer saturates while the flux j is constant does so at t_sat = pi D (dc / 2 j)^2
 * (Crank, The Mathematics of Diffusion, eq. 3.7 at x = 0), so the charge taken, j t_sat, goes
 * as D / j: the capacity halves when the C-rate doubles, where it is a small share of the
 * particle's (here < 2 %; the cut-off comes a little before full surface lithiation, so 10 %).
 */
describe("a slow LiFePO4 solid", () => {
  const slow: CellOptions = { separator: { conductivitySPerCm: 1e-3, transferenceNumber: 1 }, cathode: { particleRadiusNm: 200, solidDiffusivityCm2PerS: 1e-16 } };
  const q = (cRate: number, mesh: DischargeMeshOptions = {}) => simulateDischarge(slow, { cRate, mesh }).dischargeCapacityMAhPerG;

  it("every rate completes; the default mesh is within 0.6 mAh/g of 1200 shells; capacity x C-rate is constant in the diffusion limit", () => {
    const rates = [0.5, 1, 2];
    const coarse = rates.map((c) => q(c));
    const fine = rates.map((c) => q(c, { particleShells: 1200 }));
    coarse.forEach((v, i) => expect(Math.abs(v - fine[i]!), `${rates[i]} C: ${v} vs ${fine[i]}`).toBeLessThan(0.6));
    expect(fine.every((v) => v < 0.02 * 170)).toBe(true);
    for (let i = 0; i + 1 < rates.length; i++) expect(Math.abs(fine[i]! / fine[i + 1]! / 2 - 1), `${rates[i]} C / ${rates[i + 1]} C`).toBeLessThan(0.1);
  });

  it("a mesh too coarse for the layer saturates the surfaces at once: the discharge ends there (surface-saturated), no solver failure", () => {
    const r = simulateDischarge(slow, { cRate: 5, mesh: { particleShells: 40 } });
    expect(r.endReason).toBe("surface-saturated");
    expect(r.dischargeCapacityMAhPerG).toBeLessThan(q(5, { particleShells: 1200 }) + 0.6);
  });
});
