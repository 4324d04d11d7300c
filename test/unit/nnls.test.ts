/**
 * Lawson-Hanson NNLS (linalg/nnls.ts): an exact small case, and random problems checked
 * against the Karush-Kuhn-Tucker conditions and against enumeration of every active set.
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { nnls } from "../../src/linalg/nnls.js";
import { choleskyFactor, forwardSubstitute, backSubstitute } from "../../src/linalg/cholesky.js";

function normal(a: number[][], b: number[]): { q: Float64Array; c: Float64Array; n: number } {
  const n = a[0]!.length;
  const q = new Float64Array(n * n), c = new Float64Array(n);
  a.forEach((row, r) => {
    for (let i = 0; i < n; i++) {
      c[i]! += row[i]! * b[r]!;
      for (let j = 0; j < n; j++) q[i * n + j]! += row[i]! * row[j]!;
    }
  });
  return { q, c, n };
}

/** 1/2 x^T Q x - c^T x */
function objective(q: Float64Array, c: Float64Array, n: number, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s -= c[i]! * x[i]!;
    for (let j = 0; j < n; j++) s += 0.5 * x[i]! * q[i * n + j]! * x[j]!;
  }
  return s;
}

describe("nnls", () => {
  it("exact: min (x1 - 2)^2 + (x2 + 1)^2 + (x1 + x2 - 1)^2 over x >= 0 is x = (3/2, 0)", () => {
    // unconstrained: x = (2, -1); with x2 = 0 the best x1 is (2 + 1)/2
    const { q, c, n } = normal([[1, 0], [0, 1], [1, 1]], [2, -1, 1]);
    const r = nnls(q, c, n);
    expect(r.x[0]).toBeCloseTo(1.5, 14); // Cholesky of [[2]]: sqrt(2) rounds
    expect(r.x[1]).toBe(0);
    expect(r.passive).toEqual([0]);
  });

  it("random problems: the KKT conditions hold and no active set does better (enumeration of all 2^6)", () => {
    const rng = createStream(9, "nnls");
    for (let trial = 0; trial < 40; trial++) {
      const n = 6, rows = 9;
      const a = Array.from({ length: rows }, () => Array.from({ length: n }, () => rng.nextNormal()));
      const b = Array.from({ length: rows }, () => rng.nextNormal());
      const { q, c } = normal(a, b);
      const r = nnls(q, c, n);
      const scale = Math.max(...Array.from(c, Math.abs));
      for (let i = 0; i < n; i++) {
        let w = c[i]!;
        for (let j = 0; j < n; j++) w -= q[i * n + j]! * r.x[j]!;
        expect(r.x[i]!).toBeGreaterThanOrEqual(0);
        if (r.x[i]! > 0) expect(Math.abs(w)).toBeLessThan(1e-10 * scale); // stationary on the free set
        else expect(w).toBeLessThan(1e-10 * scale); // no descent into x_i > 0
      }
      // brute force: every subset solved unconstrained, kept if feasible
      let best = Infinity;
      for (let mask = 0; mask < 1 << n; mask++) {
        const p = Array.from({ length: n }, (_, i) => i).filter((i) => (mask >> i) & 1);
        if (p.length === 0) {
          best = Math.min(best, 0);
          continue;
        }
        const m = p.length, sub = new Float64Array(m * m);
        p.forEach((i, u) => p.forEach((j, v) => (sub[u * m + v] = q[i * n + j]!)));
        const l = choleskyFactor(sub, m)!;
        const s = Float64Array.from(p, (i) => c[i]!);
        forwardSubstitute(l, m, s);
        backSubstitute(l, m, s);
        if (s.some((v) => v < 0)) continue;
        const x = new Float64Array(n);
        p.forEach((i, u) => (x[i] = s[u]!));
        best = Math.min(best, objective(q, c, n, x));
      }
      expect(objective(q, c, n, r.x)).toBeLessThanOrEqual(best + 1e-12 * Math.max(1, Math.abs(best)));
    }
  });

  it("refuses mismatched sizes", () => {
    expect(() => nnls(new Float64Array(4), new Float64Array(3), 2)).toThrow("nnls: Q has 4 entries and c 3; need n^2 = 4 and n = 2");
  });
});
