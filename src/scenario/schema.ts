/**
 * The scenario file (DESIGN.md, "Scenario"): a zod schema, strict (unknown keys are
 * errors), with defaults. The inferred type is the Scenario the pipeline runs.
 */
import { z } from "zod";

const positive = z.number().finite().positive();
const nonNegInt = z.number().int().nonnegative();
const posInt = z.number().int().positive();
const vector3 = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
const cells3 = z.tuple([posInt.min(2), posInt.min(2), posInt.min(2)]);

/** An energy per named type, eV; null closes that type (a site the ion never enters). */
const energyByType = z.record(z.string(), z.number().finite().nullable());

export const LATTICE_KINDS = ["simple-cubic", "bcc", "fcc", "uio67-so3"] as const;

export const latticeSchema = z.strictObject({
  kind: z.enum(LATTICE_KINDS),
  cells: cells3,
  /** Cubic lattice constant; uio67-so3 defaults to 26.9 A. */
  latticeConstantAngstrom: positive.optional(),
  /** uio67-so3 geometry: sulfonate displacement along the linker axis and off it, A. */
  sulfonateAxialOffsetAngstrom: positive.optional(),
  sulfonateNormalOffsetAngstrom: positive.optional(),
});

export const speciesSchema = z.strictObject({
  name: z.string().min(1),
  /** Charge in units of e; nonzero integer. */
  charge: z.number().int().refine((q) => q !== 0, "charge must be a nonzero integer"),
  /** Fraction of the sites open to this species that hold an ion. */
  occupancy: z.number().gt(0).lt(1).optional(),
  /** Number of ions in the box (instead of occupancy). */
  count: posInt.optional(),
  /** Cations on uio67-so3: share of the framework's negative charge this species balances (default 1). */
  neutralizingShare: z.number().gt(0).max(1).optional(),
  /** One barrier for every hop type, or a barrier per hop type (null closes it). */
  hopBarrierEV: z.union([z.number().finite(), energyByType]).optional(),
  attemptFrequencyHz: positive.optional(),
  /** Site energy per site type (missing types: 0 on generic lattices, presets on uio67-so3). */
  siteEnergiesEV: energyByType.optional(),
});

export const kmcSchema = z.strictObject({
  equilibrationHops: nonNegInt.default(100_000),
  hops: posInt.default(1_000_000),
  replicas: posInt.max(1024).default(4),
  blocks: posInt.max(100_000).default(20),
  /** Field along x (a number) or as a vector, V/cm. */
  fieldVPerCm: z.union([z.number().finite(), vector3]).default(0),
  scheme: z.enum(["auto", "null-event", "tree"]).default("auto"),
  /** Nearest-neighbour pair energy between any two ions, eV (0: exclusion only). */
  interactionEV: z.number().finite().default(0),
  targetRelativeError: z.number().gt(0).lt(1).optional(),
  maxHops: posInt.optional(),
});

export const arrheniusSchema = z.strictObject({
  form: z.enum(["sigmaT", "sigma"]).default("sigmaT"),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).regex(/^[A-Za-z0-9._+-]+$/, "use letters, digits, '.', '_', '+' or '-'"),
    description: z.string().optional(),
    seed: nonNegInt.max(2 ** 32 - 1).default(1),
    temperaturesK: z.array(positive.max(5000)).min(1).max(200),
    lattice: latticeSchema.optional(),
    species: z.array(speciesSchema).min(1).max(16).optional(),
    kmc: kmcSchema.optional(),
    arrhenius: arrheniusSchema.optional(),
    source: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    const hasLattice = s.lattice !== undefined, hasSpecies = s.species !== undefined;
    if (hasLattice !== hasSpecies) {
      ctx.addIssue({ code: "custom", path: [hasLattice ? "species" : "lattice"], message: "the KMC part needs both lattice and species" });
    }
    if (!hasLattice) {
      ctx.addIssue({ code: "custom", path: [], message: "a scenario needs a KMC part (lattice, species, kmc)" });
    }
    s.species?.forEach((sp, i) => {
      if (sp.occupancy !== undefined && sp.count !== undefined) {
        ctx.addIssue({ code: "custom", path: ["species", i, "count"], message: "give occupancy or count, not both" });
      }
      const generic = s.lattice !== undefined && s.lattice.kind !== "uio67-so3";
      if (generic && sp.occupancy === undefined && sp.count === undefined) {
        ctx.addIssue({ code: "custom", path: ["species", i, "occupancy"], message: `needed on a ${s.lattice!.kind} lattice (or count)` });
      }
      if (generic && sp.hopBarrierEV === undefined) {
        ctx.addIssue({ code: "custom", path: ["species", i, "hopBarrierEV"], message: "needed on a generic lattice" });
      }
      if (generic && sp.attemptFrequencyHz === undefined) {
        ctx.addIssue({ code: "custom", path: ["species", i, "attemptFrequencyHz"], message: "needed on a generic lattice" });
      }
    });
    if (s.lattice !== undefined && s.lattice.kind !== "uio67-so3" && s.lattice.latticeConstantAngstrom === undefined) {
      ctx.addIssue({ code: "custom", path: ["lattice", "latticeConstantAngstrom"], message: `needed for a ${s.lattice.kind} lattice` });
    }
    const temps = s.temperaturesK;
    if (new Set(temps).size !== temps.length) {
      ctx.addIssue({ code: "custom", path: ["temperaturesK"], message: "temperatures must be distinct" });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type SpeciesInput = z.output<typeof speciesSchema>;
export type KmcSettings = z.output<typeof kmcSchema>;
