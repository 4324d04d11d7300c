/**
 * The Li foil's contact under stack pressure (transport/cell/lithiumContact.ts).
 * References:
 * - Constriction onto a circular contact of radius a in a flux tube of radius b: the
 *   isopotential disc on a half-space, 1 / (4 sigma a) (Maxwell; Holm, Electric Contacts,
 *   1967), times the alleviation factor psi(eps) ~ (1 - eps)^1.5 (Cooper, Mikic and
 *   Yovanovich 1969). Checked against an independent solve: the voxel network of a square
 *   tube of the same area with a disc electrode, at two voxel sizes (first-order
 *   convergence in the voxel size, extrapolated; its uncertainty is the fine-coarse
 *   difference), plus 2 % for the square tube against the circular one and the closed form's
 *   own approximation.
 * - Plastic contact: A_r / A = P / H, H = 3 sigma_y (Bowden and Tabor 1950; Tabor 1951).
 * - Through the cell stage: the Li|SE|Li spectrum's DC limit gains exactly
 *   2 (R_face (1/f - 1) + R_c) / A, and the critical current's focusing factor exactly 1/f.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createVoxelGrid } from "../../src/structure/voxel/grid.js";
import { solveNetwork } from "../../src/transport/network/solve.js";
import { fluxTubeAlleviation, lithiumContact } from "../../src/transport/cell/lithiumContact.js";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/pipeline/runScenario.js";

/** psi of a disc of radius aVox voxels on the end of a square tube of n x n voxels, 3n long, and the disc's eps. */
function voxelAlleviation(n: number, aVox: number): { eps: number; psi: number } {
  const nx = 3 * n;
  const phase = new Uint8Array(nx * n * n).fill(1);
  let disc = 0;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) {
    const dy = y + 0.5 - n / 2, dz = z + 0.5 - n / 2;
    if (dy * dy + dz * dz <= aVox * aVox) disc++;
    else phase[nx * (y + n * z)] = 0; // the first layer conducts only on the disc: the contact
  }
  const h = 1e-4, sigma = 1;
  const r = solveNetwork(createVoxelGrid([nx, n, n], phase), { phases: [{ label: 0, conductivitySPerCm: 0 }, { label: 1, conductivitySPerCm: sigma }], voxelNm: 1000, tolerance: 1e-11, currentDensity: false, phaseConnectivity: false });
  // 1D parts: the contact layer (one voxel on the disc) and the tube at full section
  const oneD = h / (sigma * disc * h * h) + ((nx - 1) * h) / (sigma * n * n * h * h);
  const a = Math.sqrt(disc / Math.PI) * h, b = (n * h) / Math.sqrt(Math.PI);
  return { eps: a / b, psi: (r.resistanceOhm - oneD) * 4 * sigma * a };
}

describe("constriction onto a contact patch", () => {
  for (const [eps, coarse, fine] of [[0.5, [36, 10], [71, 20]], [0.74, [24, 10], [48, 20]]] as const) {
    it(`eps ~ ${eps}: the voxel tube, extrapolated, against (1 - eps)^1.5`, () => {
      const c = voxelAlleviation(coarse[0], coarse[1]), f = voxelAlleviation(fine[0], fine[1]);
      expect(Math.abs(c.eps - f.eps)).toBeLessThan(0.01);
      const extrapolated = 2 * f.psi - c.psi; // first order: the error halves with the voxel
      const uncertainty = Math.abs(f.psi - c.psi);
      expect(Math.abs(extrapolated - fluxTubeAlleviation(f.eps))).toBeLessThan(uncertainty + 0.02 * fluxTubeAlleviation(f.eps));
    }, 60_000);
  }
  it("limits: psi(0) = 1 (the half-space), psi(1) = 0 (no constriction); refuses eps outside [0, 1]", () => {
    expect(fluxTubeAlleviation(0)).toBe(1);
    expect(fluxTubeAlleviation(1)).toBe(0);
    expect(() => fluxTubeAlleviation(1.2)).toThrow(/must be in \[0, 1\]/);
  });
});

describe("contact fraction under stack pressure", () => {
  it("P / 3 sigma_y below full contact; full contact and no constriction from P = 3 sigma_y", () => {
    const c = lithiumContact({ stackPressureMPa: 0.3, yieldStrengthMPa: 0.6, patchRadiusUm: 5 }, 1e-3);
    expect(c.contactFraction).toBeCloseTo(0.3 / 1.8, 15);
    const a = 5e-4, f = 0.3 / 1.8;
    expect(c.constrictionOhmCm2).toBeCloseTo((Math.PI * a * (1 - Math.sqrt(f)) ** 1.5) / (4 * 1e-3 * f), 12);
    expect(lithiumContact({ stackPressureMPa: 2, yieldStrengthMPa: 0.6, patchRadiusUm: 5 }, 1e-3)).toEqual({ contactFraction: 1, constrictionOhmCm2: 0 });
  });
  it("names the field and the value of bad input", () => {
    expect(() => lithiumContact({ stackPressureMPa: -1, yieldStrengthMPa: 0.6, patchRadiusUm: 5 }, 1e-3)).toThrow(/cell\.lithiumContact\.stackPressureMPa: got -1; must be a finite number > 0/);
    expect(() => parseScenario({ name: "x", temperaturesK: [298.15], cell: { lithiumContact: { stackPressureMPa: 0, yieldStrengthMPa: 0.6, patchRadiusUm: 5 } } })).toThrow(/cell\.lithiumContact\.stackPressureMPa/);
  });
});

describe("the cell stage with the Li contact", () => {
  const dir = mkdtempSync(join(tmpdir(), "mofhop-licontact-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const n = 6;
  writeFileSync(join(dir, "block.raw"), new Uint8Array(n * n * n).fill(1));
  const contact = { stackPressureMPa: 0.4, yieldStrengthMPa: 0.5, patchRadiusUm: 4 };
  function run(withContact: boolean) {
    return runScenario(
      parseScenario({
        name: "li-contact",
        temperaturesK: [298.15],
        morphology: { kind: "raw", file: "block.raw", shape: [n, n, n], voxelNm: 200, phases: [{ name: "solid", label: 1, conductivitySPerCm: 2e-4, transferenceNumber: 1 }] },
        cell: {
          chargeTransferOhmCm2: 30,
          fixedChargeMolPerL: 1,
          impedance: { minHz: 0.01, maxHz: 1e6, pointsPerDecade: 2 },
          criticalLocalCurrentDensityMAPerCm2: 1,
          ...(withContact ? { lithiumContact: contact } : {}),
        },
      }),
      { baseDir: dir },
    );
  }
  const full = run(false), patchy = run(true);
  const f = 0.4 / 1.5;
  const rc = lithiumContact(contact, 2e-4).constrictionOhmCm2;
  const area = Math.PI * 0.8 ** 2;
  it("the spectrum's DC limit gains 2 (R_face (1/f - 1) + R_c) / A", () => {
    const zFull = full.impedance!.find((z) => z.cell === "Li|SE|Li")!, zPatchy = patchy.impedance!.find((z) => z.cell === "Li|SE|Li")!;
    const i = zFull.frequenciesHz.indexOf(Math.min(...zFull.frequenciesHz));
    // a uniform block with ideal contacts: one face's interface is R_ct (area-specific); omega R C at 0.01 Hz is 2e-5
    const expected = zFull.realOhm[i]! + (2 * (30 * (1 / f - 1) + rc)) / area;
    expect(Math.abs(zPatchy.realOhm[i]! / expected - 1)).toBeLessThan(1e-6);
    expect(zPatchy.lithiumContactFraction).toBeCloseTo(f, 15);
  });
  it("the focusing factor, hence the critical current, moves by exactly 1/f", () => {
    expect(patchy.criticalCurrent!.focusingFactor / full.criticalCurrent!.focusingFactor).toBeCloseTo(1 / f, 10);
    expect(patchy.criticalCurrent!.lithiumContactFraction).toBeCloseTo(f, 15);
  });
});
