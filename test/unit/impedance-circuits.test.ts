import { describe, expect, it } from "vitest";
import {
  CIRCUITS,
  capacitorImpedance,
  circuitImpedance,
  cpeImpedance,
  inductorImpedance,
  logFrequencies,
  parallelImpedance,
  parseCircuit,
  resistorImpedance,
  seriesImpedance,
  voigtCircuit,
} from "../../src/analysis/circuits.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("R parallel C (reference/physics.md)", () => {
  const R = 1234.5, C = 6.7e-8;
  it("has its apex at omega = 1/(RC): Z = R/2 - i R/2", () => {
    const fApex = 1 / (2 * Math.PI * R * C);
    const z = circuitImpedance("p(R1,C1)", { R1: R, C1: C }, [fApex]);
    expect(rel(z.re[0]!, R / 2)).toBeLessThan(1e-14);
    expect(rel(-z.im[0]!, R / 2)).toBeLessThan(1e-14);
  });
  it("is a semicircle of diameter R: every point on the circle, -Z'' <= R/2, Z' -> R at low frequency", () => {
    const f = logFrequencies(1e-3, 1e9, 241);
    const z = circuitImpedance("p(R1,C1)", { R1: R, C1: C }, f);
    let maxNeg = 0;
    for (let i = 0; i < f.length; i++) {
      expect(Math.abs(Math.hypot(z.re[i]! - R / 2, z.im[i]!) - R / 2)).toBeLessThan(1e-12 * R);
      expect(z.im[i]!).toBeLessThanOrEqual(0);
      maxNeg = Math.max(maxNeg, -z.im[i]!);
    }
    expect(maxNeg).toBeLessThanOrEqual(R / 2 * (1 + 1e-15));
    expect(rel(z.re[f.length - 1]!, R)).toBeLessThan(1e-9); // f = 1e-3 Hz: omega R C = 5e-7
  });
  it("equals the composition of element functions", () => {
    const f = logFrequencies(1, 1e6, 13);
    const a = parallelImpedance(resistorImpedance(f, R), capacitorImpedance(f, C));
    const b = circuitImpedance("p(R1,C1)", { R1: R, C1: C }, f);
    for (let i = 0; i < f.length; i++) {
      expect(rel(a.re[i]!, b.re[i]!)).toBeLessThan(1e-14);
      expect(rel(a.im[i]!, b.im[i]!)).toBeLessThan(1e-14);
    }
  });
});

describe("CPE and R||CPE", () => {
  it("a CPE with n = 1 is a capacitor, and its phase is -n pi/2", () => {
    const f = logFrequencies(0.1, 1e5, 7);
    const a = cpeImpedance(f, 2e-6, 1), b = capacitorImpedance(f, 2e-6);
    for (let i = 0; i < f.length; i++) {
      expect(Math.abs(a.re[i]!)).toBeLessThan(1e-15 * Math.abs(b.im[i]!));
      expect(rel(a.im[i]!, b.im[i]!)).toBeLessThan(1e-14);
    }
    const q = cpeImpedance(f, 2e-6, 0.8);
    for (let i = 0; i < f.length; i++) expect(Math.atan2(q.im[i]!, q.re[i]!)).toBeCloseTo(-0.8 * Math.PI / 2, 14);
  });
  it("R||Q peaks at omega = (R Q)^(-1/n) with -Z'' = (R/2) tan(n pi/4)", () => {
    const R = 500, Q = 1e-6, n = 0.85;
    const fApex = Math.pow(R * Q, -1 / n) / (2 * Math.PI);
    const z = circuitImpedance("p(R1,Q1)", { R1: R, Q1: Q, n1: n }, [fApex, fApex * 1.001, fApex / 1.001]);
    expect(rel(-z.im[0]!, (R / 2) * Math.tan((n * Math.PI) / 4))).toBeLessThan(1e-14);
    expect(rel(z.re[0]!, R / 2)).toBeLessThan(1e-14);
    expect(-z.im[0]!).toBeGreaterThan(-z.im[1]!);
    expect(-z.im[0]!).toBeGreaterThan(-z.im[2]!);
  });
  it("series and inductor add as expected; a blocking cell's tail falls as omega^-n", () => {
    const f = [10, 100];
    const z = seriesImpedance(resistorImpedance(f, 5), inductorImpedance(f, 1e-3));
    expect(z.re[1]).toBe(5);
    expect(rel(z.im[1]!, 2 * Math.PI * 100 * 1e-3)).toBeLessThan(1e-15);
    const p = { R_bulk: 2000, Q_bulk: 1e-10, n_bulk: 0.9, Q_el: 1e-5, n_el: 0.8 };
    const t = circuitImpedance(CIRCUITS.blocking, p, [1e-3, 1e-2]);
    const slope = Math.log(t.im[1]! / t.im[0]!) / Math.log(10);
    expect(slope).toBeCloseTo(-0.8, 6);
  });
});

describe("circuit text", () => {
  it("parses into parameters in order, a Q element giving Q then n", () => {
    const c = parseCircuit(" R_bulk - p( R_gb , Q_gb ) - p(R_int,Q_int) ");
    expect(c.text).toBe(CIRCUITS.liSymmetricGrainBoundary);
    expect(c.parameters.map((p) => p.name)).toEqual(["R_bulk", "R_gb", "Q_gb", "n_gb", "R_int", "Q_int", "n_int"]);
    expect(parseCircuit(CIRCUITS.blocking).parameters.map((p) => `${p.name}:${p.unit}`)).toEqual(["R_bulk:ohm", "Q_bulk:S s^n", "n_bulk:", "Q_el:S s^n", "n_el:"]);
    expect(voigtCircuit(2)).toBe("R0-p(R1,Q1)-p(R2,Q2)");
    expect(voigtCircuit(1, "C")).toBe("R0-p(R1,C1)");
  });
  it("evaluates nested compositions", () => {
    const f = [1, 1000];
    const a = circuitImpedance("R0-p(R1,C1-R2)", { R0: 1, R1: 10, C1: 1e-4, R2: 3 }, f);
    const inner = seriesImpedance(capacitorImpedance(f, 1e-4), resistorImpedance(f, 3));
    const b = seriesImpedance(resistorImpedance(f, 1), parallelImpedance(resistorImpedance(f, 10), inner));
    for (let i = 0; i < 2; i++) {
      expect(rel(a.re[i]!, b.re[i]!)).toBeLessThan(1e-14);
      expect(rel(a.im[i]!, b.im[i]!)).toBeLessThan(1e-14);
    }
  });
  it("names the problem in its errors", () => {
    expect(() => parseCircuit("R0-X1")).toThrowErrorMatchingInlineSnapshot(
      `[InputError: circuit: "R0-X1" at position 3: unexpected 'X'; write elements R*, C*, L*, Q* joined by '-' (series) and p(a,b,...) (parallel)]`,
    );
    expect(() => parseCircuit("R1-p(R1,C1)")).toThrowErrorMatchingInlineSnapshot(`[InputError: circuit: "R1-p(R1,C1)": parameter 'R1' appears twice; give each element its own name]`);
    expect(() => parseCircuit("p(R1)")).toThrow(/p\(\.\.\.\) needs at least two parts/);
    expect(() => circuitImpedance("R0-p(R1,C1)", { R0: 1, R1: 2 }, [1])).toThrowErrorMatchingInlineSnapshot(
      `[InputError: parameters.C1: missing; circuit R0-p(R1,C1) needs R0, R1, C1]`,
    );
    expect(() => circuitImpedance("p(R1,Q1)", { R1: 1, Q1: 1e-6, n1: 1.2 }, [1])).toThrowErrorMatchingInlineSnapshot(
      `[InputError: parameters.n1: got 1.2; a CPE exponent must be in (0, 1]]`,
    );
    expect(() => resistorImpedance([1, -2], 5)).toThrowErrorMatchingInlineSnapshot(`[InputError: frequenciesHz[1]: got -2; frequencies must be finite and > 0]`);
    expect(() => circuitImpedance("R0", { R0: -1 }, [1])).toThrowErrorMatchingInlineSnapshot(`[InputError: parameters.R0: got -1; must be finite and > 0]`);
  });
});
