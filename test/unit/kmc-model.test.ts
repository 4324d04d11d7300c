import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { buildKmcModel, buildLattice } from "../../src/pipeline/kmcModel.js";

const uio = (species: unknown[]) =>
  parseScenario({ name: "t", temperaturesK: [298.15], lattice: { kind: "uio67-so3", cells: [2, 2, 2] }, species });

describe("ion counts from charge neutrality on uio67-so3 (48 sulfonates per cell, -1 each)", () => {
  it("Li+: one per sulfonate", () => {
    const s = uio([{ name: "Li+", charge: 1 }]);
    const m = buildKmcModel(s, buildLattice(s), 298.15);
    expect(m.species[0]!.count).toBe(48 * 8);
  });
  it("Zn2+: one per two sulfonates", () => {
    const s = uio([{ name: "Zn2+", charge: 2 }]);
    expect(buildKmcModel(s, buildLattice(s), 298.15).species[0]!.count).toBe(24 * 8);
  });
  it("excess salt: anions add their charge to what the cations balance", () => {
    const s = uio([
      { name: "Li+", charge: 1 },
      { name: "TFSI-", charge: -1, count: 10, attemptFrequencyHz: 1e12, hopBarrierEV: 0.2 },
    ]);
    const m = buildKmcModel(s, buildLattice(s), 298.15);
    expect(m.species.map((sp) => sp.count)).toEqual([48 * 8 + 10, 10]);
    // anions sit in the cages only by default
    const sulfonate = m.lattice.siteTypeNames.indexOf("sulfonate");
    expect(m.species[1]!.siteEnergyEV[sulfonate]).toBe(Infinity);
  });
  it("a neutrality that cannot be met is a clear error", () => {
    const s = uio([
      { name: "Li+", charge: 1, neutralizingShare: 0.3 },
      { name: "Zn2+", charge: 2, neutralizingShare: 0.7 },
    ]);
    expect(() => buildKmcModel(s, buildLattice(s), 298.15)).toThrow(/charge neutrality gives .* ions of Li\+|not neutral/);
  });
  it("unknown hop type in a barrier table names the valid ones", () => {
    const s = uio([{ name: "Li+", charge: 1, hopBarrierEV: { "tet-tet": 0.1 } }]);
    expect(() => buildKmcModel(s, buildLattice(s), 298.15)).toThrow(
      "species.0.hopBarrierEV.tet-tet: unknown type 'tet-tet'; valid: sulfonate-tet, sulfonate-sulfonate, sulfonate-oct, tet-oct",
    );
  });
});
