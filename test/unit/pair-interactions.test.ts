/**
 * Pair energies by distance shell: the shells of the cubic lattices, the scenario syntax
 * (kmc.interactions) and every refusal, each naming the field, the value and what is
 * allowed. Shell counts: the coordination shells of sc (6, 12, 8), bcc (8, 6, 12) and fcc
 * (12, 6, 24) at distances a (1, sqrt 2, sqrt 3), a (sqrt 3/2, 1, sqrt 2) and a (1/sqrt 2,
 * 1, sqrt 3/2) (Kittel, Introduction to Solid State Physics, 8th ed., ch. 1, Table 2, and
 * the geometry of the cubic cells).
 */
import { describe, expect, it } from "vitest";
import { cubicLattice } from "../../src/structure/lattice/cubic.js";
import { distanceShells, siteNeighbours } from "../../src/structure/lattice/shells.js";
import { parseScenario } from "../../src/scenario/load.js";
import { buildKmcModel, buildLattice } from "../../src/pipeline/kmcModel.js";
import { shellNeighbourCounts } from "../../src/transport/kmc/model.js";

describe("distance shells of the cubic lattices", () => {
  const cases = [
    ["simple-cubic", [1, Math.SQRT2, Math.sqrt(3)], [6, 12, 8]],
    ["bcc", [Math.sqrt(3) / 2, 1, Math.SQRT2], [8, 6, 12]],
    ["fcc", [Math.SQRT1_2, 1, Math.sqrt(1.5)], [12, 6, 24]],
  ] as const;
  for (const [kind, bounds, counts] of cases) {
    it(`${kind}: ${counts.join(", ")} neighbours in the first three shells, every list symmetric`, () => {
      const lattice = cubicLattice({ kind, cells: [4, 4, 4], latticeConstantAngstrom: 1 });
      const n = distanceShells(lattice, bounds);
      for (let b = 0; b < lattice.basisCount; b++) {
        const per = [0, 0, 0];
        for (let e = n.start[b]!; e < n.start[b + 1]!; e++) per[n.shell[e]!]!++;
        expect(per).toEqual([...counts]);
      }
      // j is on i's list in shell c exactly when i is on j's list in shell c
      const lists = siteNeighbours(lattice, n);
      const pairs = new Set<string>();
      for (let i = 0; i < lattice.siteCount; i++) for (let e = lists.start[i]!; e < lists.start[i + 1]!; e++) pairs.add(`${i},${lists.site[e]},${lists.shell[e]}`);
      for (const p of pairs) {
        const [i, j, c] = p.split(",");
        expect(pairs.has(`${j},${i},${c}`)).toBe(true);
      }
      expect(pairs.size).toBe(lists.site.length); // no site twice on one list
    });
  }
  it("a reach of half the box or more is refused (a site would meet two images of another)", () => {
    const lattice = cubicLattice({ kind: "simple-cubic", cells: [4, 4, 4], latticeConstantAngstrom: 1 });
    expect(() => distanceShells(lattice, [1, 2])).toThrow("shells: a reach of 2 A meets two images of a site in a box of 4.00 x 4.00 x 4.00 A; it must stay below half the narrowest side (2.00 A)");
  });
});

const scenario = (kmc: Record<string, unknown>, species: unknown[] = [{ name: "Li+", charge: 1, occupancy: 0.5, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }], cells = [6, 6, 6]) => ({
  name: "t",
  temperaturesK: [298.15],
  lattice: { kind: "simple-cubic", cells, latticeConstantAngstrom: 3 },
  species,
  kmc,
});
const table = (shells: { maxDistanceAngstrom: number; energyEV: number }[], pair = ["Li+", "Li+"]) => ({ species: pair, shells, reason: "test" });
const model = (input: unknown) => {
  const s = parseScenario(input);
  return buildKmcModel(s, buildLattice(s), 298.15);
};

describe("kmc.interactions: the syntax", () => {
  it("species by name, in either order; shells outward; validate's neighbours per shell", () => {
    const m = model(
      scenario(
        { interactions: [table([{ maxDistanceAngstrom: 3, energyEV: 0.01 }, { maxDistanceAngstrom: 4.3, energyEV: -0.005 }]), table([{ maxDistanceAngstrom: 3.1, energyEV: -0.01 }], ["X-", "Li+"])] },
        [
          { name: "Li+", charge: 1, count: 20, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 },
          { name: "X-", charge: -1, count: 20, hopBarrierEV: 0.3, attemptFrequencyHz: 1e12 },
        ],
      ),
    );
    expect(m.pairInteractions).toEqual([
      { species: [0, 0], shellMaxDistanceAngstrom: [3, 4.3], shellEnergyEV: [0.01, -0.005] },
      { species: [1, 0], shellMaxDistanceAngstrom: [3.1], shellEnergyEV: [-0.01] },
    ]);
    expect(shellNeighbourCounts(m)).toEqual([[6, 12], [6]]);
  });
});

describe("kmc.interactions: bad input names the field, the value and what is allowed", () => {
  const shells2 = [{ maxDistanceAngstrom: 3, energyEV: 0.01 }, { maxDistanceAngstrom: 4.3, energyEV: 0.005 }];
  const cases: [string, unknown, string][] = [
    ["an unknown species", scenario({ interactions: [table(shells2, ["Li+", "Na+"])] }), 'kmc.interactions.0.species.1: got "Na+"; not a species of this scenario; valid: Li+'],
    ["shells not outward", scenario({ interactions: [table([shells2[1]!, shells2[0]!])] }), "kmc.interactions.0.shells.1.maxDistanceAngstrom: got 3; must exceed the previous shell's 4.3 A (shells are listed outward)"],
    ["a shell of zero reach", scenario({ interactions: [table([{ maxDistanceAngstrom: 0, energyEV: 0.01 }])] }), "kmc.interactions.0.shells.0.maxDistanceAngstrom: got 0; Too small: expected number to be >0"],
    ["no source or reason", scenario({ interactions: [{ species: ["Li+", "Li+"], shells: shells2 }] }), "kmc.interactions.0.source: got nothing; give the energies' source (a citation, a calculation) or a reason (why these values)"],
    ["a pair twice", scenario({ interactions: [table(shells2), table(shells2)] }), 'kmc.interactions.1.species: got ["Li+","Li+"]; the pair Li+-Li+ is already given in kmc.interactions.0; give each pair once'],
    ["the table and the shorthand", scenario({ interactionEV: 0.01, interactions: [table(shells2)] }), "kmc.interactionEV: got 0.01; give interactionEV (one energy for every pair on the hop graph) or interactions (per pair and shell), not both"],
    [
      "the class scheme",
      scenario({ scheme: "class", interactions: [table(shells2)] }),
      'kmc.scheme: got "class"; the class scheme lists hops by a rate fixed per species and bond, which pair energies change whenever an ion near a hop moves; with interactions use "auto" (the tree), "tree" or "null-event"',
    ],
    [
      "the type-null-event scheme with the shorthand",
      scenario({ scheme: "type-null-event", interactionEV: 0.01 }),
      'kmc.scheme: got "type-null-event"; the type-null-event scheme lists hops by a rate fixed per species and bond, which pair energies change whenever an ion near a hop moves; with interactions use "auto" (the tree), "tree" or "null-event"',
    ],
    [
      "two species of one name",
      scenario({}, [{ name: "Li+", charge: 1, count: 5, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }, { name: "Li+", charge: 1, count: 5, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }]),
      "species.1.name: got \"Li+\"; species.0 already has this name; names must be distinct",
    ],
    [
      "a shell reaching half the box",
      scenario({ interactions: [table(shells2)] }, undefined, [2, 3, 3]),
      "kmc.interactions.0.shells.1.maxDistanceAngstrom: got 4.3; the box is 6 x 9 x 9 A (lattice.cells [2, 3, 3]), and a shell must reach less than half its narrowest side (3 A) so that each pair of sites is counted once: use more cells or a shorter shell",
    ],
    [
      "an empty shell (nm typed for Angstrom)",
      scenario({ interactions: [table([{ maxDistanceAngstrom: 0.3, energyEV: 0.01 }])] }),
      "kmc.interactions.0.shells.0.maxDistanceAngstrom: got 0.3; no pair of sites open to Li+ and Li+ lies at 0 < r <= 0.3 A (the nearest is at 3 A), so the shell would do nothing; distances are in Angstrom",
    ],
  ];
  for (const [what, input, message] of cases) {
    it(what, () => expect(() => model(input)).toThrow(message));
  }
});

describe("kmc.interactions: effective barriers never go below zero", () => {
  // simple cubic, a = 3 A: a hop's first-shell neighbours are 5 around its origin and 5
  // around its target; its second shell (4.24 A) holds the 4 sites beside both ends
  it("refuses a repulsion that can push a barrier below zero, naming the pair, the shell and the configuration", () => {
    const input = scenario({ interactions: [table([{ maxDistanceAngstrom: 3, energyEV: 0.1 }])] }); // 0.2 - 5 x 0.1 / 2 = -0.05
    expect(() => model(input)).toThrow(
      "species.0.hopBarrierEV: Li+'s nn hop (site -> site, barrier 0.2 eV) reaches an effective barrier of -0.050 eV when the ions around it sit where they lower it most: 5 Li+ in its origin's kmc.interactions.0.shells.0 (Li+-Li+, 0 < r <= 3 A, +0.1 eV), repelling it; effective barriers must stay >= 0: raise the barrier or lower the site-energy difference, field or pair energies",
    );
  });
  it("with a second shell: an ion in the first shell of the target and the second of the origin counts once", () => {
    // the mover's energy changes by V(r to target) - V(r to origin) per ion: 8 second-shell
    // sites of the origin out of the target's shells, -0.05 each; the 4 sites in the origin's
    // second shell and the target's first, 0.02 - 0.05 = -0.03 each; the origin's first-shell
    // site behind it, -0.02: 0.2 - (0.4 + 0.12 + 0.02) / 2 = -0.07
    const input = scenario({ interactions: [table([{ maxDistanceAngstrom: 3, energyEV: 0.02 }, { maxDistanceAngstrom: 4.3, energyEV: 0.05 }])] });
    expect(() => model(input)).toThrow(
      "reaches an effective barrier of -0.070 eV when the ions around it sit where they lower it most: 8 Li+ in its origin's kmc.interactions.0.shells.1 (Li+-Li+, 3 < r <= 4.3 A, +0.05 eV), repelling it; 4 Li+ in its origin's kmc.interactions.0.shells.1 (Li+-Li+, 3 < r <= 4.3 A, +0.05 eV) and its target's kmc.interactions.0.shells.0 (Li+-Li+, 0 < r <= 3 A, +0.02 eV); 1 Li+ in its origin's kmc.interactions.0.shells.0 (Li+-Li+, 0 < r <= 3 A, +0.02 eV), repelling it",
    );
  });
  it("accepts it at the limit, and counts the ions there are", () => {
    expect(() => model(scenario({ interactions: [table([{ maxDistanceAngstrom: 3, energyEV: 0.08 }])] }))).not.toThrow(); // 0.2 - 0.2 = 0
    // two ions: at most one other repels the mover, 0.2 - 0.1 / 2 > 0
    const two = [{ name: "Li+", charge: 1, count: 2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }];
    expect(() => model(scenario({ interactions: [table([{ maxDistanceAngstrom: 3, energyEV: 0.1 }])] }, two))).not.toThrow();
  });
});
