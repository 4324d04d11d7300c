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

describe("effective barriers never go below zero", () => {
  // Ea + dE/2 with the largest drop of pair energy: on the simple-cubic lattice (6 neighbours)
  // a repulsion J lowers a hop's barrier by at most 5 J / 2 (the other 5 neighbours of the
  // origin occupied, none of the target's).
  const cubic = (J: number, barrier: number) =>
    parseScenario({
      name: "t", temperaturesK: [298.15], lattice: { kind: "simple-cubic", cells: [4, 4, 4], latticeConstantAngstrom: 3 },
      species: [{ name: "Li+", charge: 1, occupancy: 0.5, hopBarrierEV: barrier, attemptFrequencyHz: 1e13 }],
      kmc: { interactionEV: J },
    });
  it("refuses a repulsion that can push a barrier below zero, naming the hop and the configuration", () => {
    const s = cubic(0.1, 0.2); // 0.2 - 5 x 0.1 / 2 = -0.05
    expect(() => buildKmcModel(s, buildLattice(s), 298.15)).toThrow(/species.0.hopBarrierEV: Li\+'s nn hop \(site -> site, barrier 0.2 eV\) reaches an effective barrier of -0.050 eV when the other 5 neighbours of its origin repel it/);
  });
  it("accepts it at the limit", () => {
    const s = cubic(0.08, 0.2); // 0.2 - 0.2 = 0
    expect(() => buildKmcModel(s, buildLattice(s), 298.15)).not.toThrow();
  });
});
