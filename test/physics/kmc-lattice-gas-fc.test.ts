/**
 * Exclusion-only lattice gas on simple-cubic, bcc and fcc lattices at c = 0.25, 0.5, 0.75.
 *
 * Charge diffusivity (exact): D_sigma = D0 (M - N) / (M - 1) on a periodic lattice of M
 * sites holding N ions, D0 = nu a^2 (Kutner, Phys. Lett. A 81, 239, 1981; Kehr, Kutner and
 * Binder, PRB 23, 4931, 1981). Checked within Z_TOL standard errors (test/stats-tolerance.ts).
 *
 * Haven ratio: for this model H = D* / D_sigma = f(c), the tracer correlation factor, since
 * D_sigma = D0 (1 - c) exactly and D* = D0 (1 - c) f(c). The published f(c) of the three
 * lattices (Kehr, Kutner and Binder 1981, Monte Carlo tables) could not be read here: the
 * searchable copies of that paper, of Tahir-Kheli and Elliott (PRB 27, 844, 1983), Nakazato
 * and Kitahara (Prog. Theor. Phys. 64, 2261, 1980) and Pigeon et al. (J. Stat. Mech. 2017,
 * 123209; arXiv:1712.03996) reachable here hold only abstracts, and lattice_mc (B. J. Morgan)
 * tabulates no cubic-lattice f(c). So H is only bracketed, within 3 standard errors, between
 * its limits f(0) = 1 and the vacancy-limit factor f0 = f(c -> 1) of the lattice:
 * f0 = 0.653109 (sc), 0.727194 (bcc), 0.781451 (fcc), as asserted to 1e-6 in the test suite
 * of the Onsager code (D. R. Trinkle, github DallasTrinkle/Onsager, test/test_OnsagerCalc.py;
 * sc: Compaan and Haven 1956, Montet PRB 7, 650, 1973). This is a sanity bracket, not the
 * comparison with published f(c) that issue 11 asks for; that needs the tabulated values.
 * The former check that D* / D_sigma equals H compared the Haven ratio with itself and is gone.
 *
 * Sizes: M = 1728 (sc 12^3), 2000 (bcc 10^3 cells), 2048 (fcc 8^3 cells). D_sigma is exact at
 * any M. The finite-box shift of f is far below the bracket's margins: with one vacancy (sc)
 * it is +0.00096 at M = 1000 (0.65407 against 0.653109, reference/physics.md), and measured
 * once offline (f = D* / D_sigma,exact, 16 replicas of 300 hops per ion) at M = 1728/4096,
 * 2000/4394 and 2048/4000 the two sizes agreed within 1 standard error (0.4-1.1 %) in eight
 * cases; bcc c = 0.25 first differed by 2.8, and over 8 further seeds gave 0.9467 and 0.9478
 * (+- 0.0025 each). Mean difference over the nine: +0.0004 +- 0.0024.
 * Blocks: the collective displacement of this model is a martingale, so short time blocks
 * are independent and many of them make D_sigma (and with it H) precise.
 */
import { describe, expect, it } from "vitest";
import type { CubicKind } from "../../src/structure/lattice/cubic.js";
import { createStream } from "../../src/core/rng.js";
import { runKmc } from "../../src/transport/kmc/run.js";
import type { KmcModel } from "../../src/transport/kmc/model.js";
import { expectWithinErrors } from "../stats-tolerance.js";
import { d0, latticeGas } from "./lattice-gas.js";

/** Vacancy-limit tracer correlation factor (Onsager test suite, to 1e-6). */
const F0: Record<CubicKind, number> = { "simple-cubic": 0.653109, bcc: 0.727194, fcc: 0.781451 };
/** Conventional cells per edge, giving M = 1728, 2000, 2048 sites. */
const CELLS: Record<CubicKind, number> = { "simple-cubic": 12, bcc: 10, fcc: 8 };

function model(kind: CubicKind, count: number): KmcModel {
  return latticeGas(kind, CELLS[kind], count);
}

describe("exclusion-only lattice gas on sc, bcc, fcc: D_sigma exact, Haven ratio bracketed by f0", () => {
  for (const kind of ["simple-cubic", "bcc", "fcc"] as const) {
    for (const c of [0.25, 0.5, 0.75]) {
      it(`${kind}, c = ${c}`, () => {
        const M = model(kind, 0).lattice.siteCount;
        const N = Math.round(c * M);
        const { summary, consistencyErrors } = runKmc(
          model(kind, N),
          { replicas: 4, equilibrationHops: 2e4, hops: 4e5, blocks: 400 },
          (r) => createStream(5, "lg-fc", kind, c, r),
        );
        expect(consistencyErrors).toEqual([]);
        const row = summary.species[0]!;
        const exact = (d0 * (M - N)) / (M - 1);
        expectWithinErrors(row.chargeDiffusivityCm2PerS, exact, row.chargeDiffusivityStdErr);
        expect(row.chargeDiffusivityStdErr / exact).toBeLessThan(0.03); // the test has power
        // f0 < H = f(c) < 1, within 3 standard errors (a bracket, see the header)
        expect(row.havenRatio).toBeGreaterThan(F0[kind] - 3 * row.havenRatioStdErr);
        expect(row.havenRatio).toBeLessThan(1 + 3 * row.havenRatioStdErr);
      });
    }
  }
});
