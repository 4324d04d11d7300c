/**
 * The cell solver's numerics: the banded LU with partial pivoting against the exact answer
 * of a system that needs pivoting, and the analytic Newton Jacobian against central finite
 * differences of the residual at a mid-discharge state, with every term switched on
 * (t+ < 1 in both phases and different across the SE | cathode face, interfacial
 * resistances, finite electronic conductivity).
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { BandedLu } from "../../src/transport/cell/dischargeBandedLu.js";
import { DischargeSystem } from "../../src/transport/cell/dischargeSystem.js";
import { PC_LITFSI_1M_ELECTROLYTE, resolveCell } from "../../src/transport/cell/electrodeOptions.js";

describe("banded LU with partial pivoting", () => {
  it("solves a banded system with zero diagonal entries to round-off", () => {
    const n = 60;
    const kl = 3;
    const ku = 2;
    const rng = createStream(11, "banded");
    const lu = new BandedLu(n, kl, ku);
    const dense: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) {
      for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
        const v = i === j && i % 3 === 0 ? 0 : rng.nextFloat() - 0.5; // zero pivots force row swaps
        dense[i]![j] = v;
        lu.add(i, j, v);
      }
    }
    const xTrue = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] = b[i]! + dense[i]![j]! * xTrue[j]!;
    lu.factor();
    lu.solve(b);
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(b[i]! - xTrue[i]!));
    expect(err).toBeLessThan(1e-10);
  });
});

describe("Newton Jacobian", () => {
  it("equals central differences of the residual", () => {
    const cell = resolveCell({
      separator: { conductivitySPerCm: 1e-3, transferenceNumber: 0.6 },
      cathode: { poreElectrolyte: PC_LITFSI_1M_ELECTROLYTE, electronicConductivitySPerCm: 0.01 },
      interfaces: { anodeResistanceOhmCm2: 4, cathodeResistanceOhmCm2: 7 },
    });
    const mesh = { separatorCells: 4, cathodeCells: 4, particleShells: 6 };
    const sys = new DischargeSystem(cell, mesh, 3 * cell.oneCCurrentDensity);
    const dt = 30;
    for (let s = 0; s < 10; s++) {
      expect(sys.solveStep(dt)).toBe(true);
      sys.commit();
    }
    // move off the solution so that every residual term is non-zero
    const rng = createStream(5, "jacobian");
    for (let i = 0; i < sys.n; i++) sys.x[i] = sys.x[i]! * (1 + 1e-3 * (rng.nextFloat() - 0.5));
    const base = Float64Array.from(sys.x);
    const { jacobian } = sys.debugAssemble(dt);
    const jac: number[][] = [];
    for (let i = 0; i < sys.n; i++) jac.push(Array.from({ length: sys.n }, (_, j) => jacobian(i, j)));
    let worst = 0;
    for (let j = 0; j < sys.n; j++) {
      const h = 1e-6 * Math.max(Math.abs(base[j]!), 1e-3);
      sys.x.set(base);
      sys.x[j] = base[j]! + h;
      const plus = sys.debugAssemble(dt).residual;
      sys.x[j] = base[j]! - h;
      const minus = sys.debugAssemble(dt).residual;
      for (let i = 0; i < sys.n; i++) {
        const fd = (plus[i]! - minus[i]!) / (2 * h);
        const rowScale = Math.max(...jac[i]!.map(Math.abs));
        worst = Math.max(worst, Math.abs(fd - jac[i]![j]!) / rowScale);
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });
});
