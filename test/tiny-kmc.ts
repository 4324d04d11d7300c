/** A KMC-only scenario small enough for the tests that run it whole (a few hundred ms): two temperatures, a simple-cubic box. */
export const TINY_KMC_SCENARIO = {
  name: "tiny",
  seed: 5,
  temperaturesK: [280, 320],
  lattice: { kind: "simple-cubic", cells: [8, 8, 8], latticeConstantAngstrom: 3 },
  species: [{ name: "Li+", charge: 1, occupancy: 0.2, hopBarrierEV: 0.2, attemptFrequencyHz: 1e13 }],
  kmc: { equilibrationHops: 1000, hops: 20000, replicas: 2, blocks: 5 },
};
