/**
 * Lin-KK with a widened tau range: a network whose bulk relaxation lies above the highest
 * measured frequency is still recognised as Kramers-Kronig consistent, and inconsistent
 * spectra still fail.
 */
import { describe, expect, it } from "vitest";
import { linKK } from "../../src/analysis/kramersKronig.js";

const f = Array.from({ length: 49 }, (_, i) => 0.1 * Math.pow(1e8, i / 48));
// (R_b || C_b) + (R_i || C_i) with the bulk arc's apex at 1e8 Hz, beyond the window
function spectrum() {
  const Rb = 6, Cb = 1 / (2 * Math.PI * 1e8 * 6), Ri = 20, Ci = 1e-5;
  const re: number[] = [], im: number[] = [];
  for (const x of f) {
    const w = 2 * Math.PI * x;
    const a = 1 + (w * Rb * Cb) ** 2, b = 1 + (w * Ri * Ci) ** 2;
    re.push(Rb / a + Ri / b);
    im.push(-(w * Rb * Rb * Cb) / a - (w * Ri * Ri * Ci) / b);
  }
  return { frequenciesHz: f, realOhm: re, imagOhm: im };
}

describe("Lin-KK extendDecades", () => {
  it("a relaxation beyond the window passes with the range widened", () => {
    const z = spectrum();
    expect(linKK(z, { elements: 49, extendDecades: 1 }).maxAbsResidual).toBeLessThan(1e-3);
  });
  it("inconsistent spectra still fail", () => {
    const z = spectrum();
    const bad = { ...z, imagOhm: z.imagOhm.map((v, i) => (i % 7 === 3 ? -v : v)) };
    expect(linKK(bad, { elements: 49, extendDecades: 1 }).pass).toBe(false);
  });
  it("rejects a silly range", () => {
    expect(() => linKK(spectrum(), { extendDecades: 5 })).toThrow("extendDecades: got 5; must be in [0, 3]");
  });
});
