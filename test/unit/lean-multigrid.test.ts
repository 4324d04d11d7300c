/**
 * The lean multigrid cycle (linalg/lean-multigrid.ts) with red-black smoothing: PCG needs
 * the preconditioner symmetric and positive definite. Reference: exact symmetry of the
 * cycle in exact arithmetic (forward red-black sweep, then its adjoint, the backward one;
 * restriction = prolongation^T), so r2 . M r1 = r1 . M r2 up to float32 rounding of the
 * vectors (unit roundoff 6e-8; asserted to 1e-5 relative, about 20 roundings in a
 * cycle); and r . M r > 0 for random r. `redBlackMinCells: 16` makes the stored levels
 * red-black too, down to 3 x 3 x 4 (the serial hierarchy takes 2 x 2 x 2).
 */
import { describe, expect, it } from "vitest";
import { createStream } from "../../src/core/rng.js";
import { createLabelStencil, labelIndex } from "../../src/linalg/label-stencil.js";
import { LeanMultigrid } from "../../src/linalg/lean-multigrid.js";

describe("lean multigrid, red-black", () => {
  it("is symmetric and positive definite on a random two-phase box with electrode pads", () => {
    const [nx, ny, nz] = [12, 10, 16];
    const K = 4; // 0: no cell, 1 and 2: phases, 3: the electrode pads
    const g = new Float64Array(K * K);
    const both = (a: number, b: number, v: number): void => {
      g[a * K + b] = v;
      g[b * K + a] = v;
    };
    both(1, 1, 1);
    both(1, 2, 2e-3);
    both(2, 2, 1e-3);
    both(1, 3, 2);
    both(2, 3, 2e-3);
    // the pads bond along x only: their y and z table entries are 0
    const gyz = new Float64Array(g);
    for (let a = 0; a < K; a++) gyz[a * K + 3] = gyz[3 * K + a] = 0;
    const S = createLabelStencil(nx, ny, nz, { gx: g, gy: gyz, gz: gyz }, K, 2);
    const rng = createStream(11);
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        const i0 = labelIndex(S, 0, y, z);
        for (let x = 0; x < nx; x++) S.code[i0 + x] = rng.nextFloat() < 0.6 ? 1 : 2;
        S.code[i0 - 1] = 3;
        S.code[i0 + nx] = 3;
      }
    }
    const M = new LeanMultigrid(S, {}, undefined, 16);
    expect(M.redBlackLevels).toBe(3);
    const random = (): Float32Array => {
      const v = new Float32Array(S.length);
      for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) v[labelIndex(S, x, y, z)] = rng.nextFloat() - 0.5;
      return v;
    };
    const r1 = random(), r2 = random(), z1 = new Float32Array(S.length), z2 = new Float32Array(S.length);
    for (const v of [r1, r2, z1, z2]) M.register(v);
    const r1z1 = M.apply(r1, z1);
    const r2z2 = M.apply(r2, z2);
    let a = 0, b = 0;
    for (let i = 0; i < S.length; i++) {
      a += r2[i]! * z1[i]!;
      b += r1[i]! * z2[i]!;
    }
    expect(Math.abs(a - b) / Math.sqrt(r1z1 * r2z2)).toBeLessThan(1e-5);
    expect(r1z1).toBeGreaterThan(0);
    expect(r2z2).toBeGreaterThan(0);
  });
});
