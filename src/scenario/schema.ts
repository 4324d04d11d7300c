/**
 * The scenario file (DESIGN.md, "Scenario"): a zod schema, strict (unknown keys are
 * errors), with defaults. The inferred type is the Scenario the pipeline runs.
 */
import { z } from "zod";
import { DEFAULT_FIBRE_DIAMETER_NM } from "../structure/morphology/fibres.js";
import { CATHODE_POROSITY, LFP_PARTICLE_RADIUS_NM, LFP_SOLID_DIFFUSIVITY_CM2_PER_S } from "../transport/cell/electrodeOptions.js";

const positive = z.number().finite().positive();
const nonNegInt = z.number().int().nonnegative();
const posInt = z.number().int().positive();
const vector3 = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
const cells3 = z.tuple([posInt.min(2), posInt.min(2), posInt.min(2)]);

/** An energy per named type, eV; null closes that type (a site the ion never enters). */
const energyByType = z.record(z.string(), z.number().finite().nullable());
/** A hop barrier per named hop type, eV, >= 0 (a negative barrier would make hops slower when warmer); null closes it. */
const barrierByType = z.record(z.string(), z.number().finite().nonnegative().nullable());

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
  hopBarrierEV: z.union([z.number().finite().nonnegative(), barrierByType]).optional(),
  attemptFrequencyHz: positive.optional(),
  /**
   * Added to every hop barrier of this species, eV (default 0): with the attempt frequency,
   * the two parameters a calibration fits. Both rescale every rate alike, so a run that differs
   * from another only in them reuses its KMC exactly (runScenario's KMC cache).
   */
  barrierShiftEV: z.number().finite().optional(),
  /** Site energy per site type (missing types: 0 on generic lattices, presets on uio67-so3). */
  siteEnergiesEV: energyByType.optional(),
  /**
   * A physical bound on the conductivity this species gives the crystal on its own, S/cm at
   * temperatureK (default 298.15 K; one of the scenario's temperatures): a prior constraint
   * the calibration applies to the rate parameters (mofhop calibrate drops every rate pair
   * whose KMC conductivity there exceeds it), with the reason for it.
   */
  conductivityBound: z
    .strictObject({ maxSPerCm: positive, temperatureK: positive.default(298.15), source: z.string().min(1) })
    .optional(),
});

/** One distance shell of a pair energy: the pairs beyond the previous shell, up to maxDistanceAngstrom. */
export const pairShellSchema = z.strictObject({
  /** Outer bound of the shell, Angstrom (Cartesian distance between the two sites). */
  maxDistanceAngstrom: positive,
  /** Pair energy of two ions in this shell, eV (> 0 repulsive, < 0 attractive). */
  energyEV: z.number().finite(),
});

/** Most shells one pair may have. */
export const MAX_PAIR_SHELLS = 16;

/**
 * The pair energy of two species by distance shell (transport/kmc/model.ts, PairInteraction):
 * two ions whose sites lie r apart interact with the energy of the shell r falls in (shell m:
 * the previous shell's bound < r <= maxDistanceAngstrom, the first from 0), and not at all
 * beyond the last shell. Shells are listed outward; each pair of species once, in either
 * order. `source` (where the energies come from) or `reason` (why these values) is required.
 */
export const pairInteractionSchema = z
  .strictObject({
    /** The two species, by name (the same name twice for like ions). */
    species: z.tuple([z.string().min(1), z.string().min(1)]),
    shells: z.array(pairShellSchema).min(1).max(MAX_PAIR_SHELLS),
    source: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    p.shells.forEach((sh, m) => {
      const before = p.shells[m - 1]?.maxDistanceAngstrom;
      if (before !== undefined && !(sh.maxDistanceAngstrom > before)) {
        ctx.addIssue({ code: "custom", path: ["shells", m, "maxDistanceAngstrom"], message: `must exceed the previous shell's ${before} A (shells are listed outward)` });
      }
    });
    if (p.source === undefined && p.reason === undefined) {
      ctx.addIssue({ code: "custom", path: ["source"], message: "give the energies' source (a citation, a calculation) or a reason (why these values)" });
    }
  });

/** The event-selection schemes (transport/kmc/schemes/, chosen in schemes/choose.ts); auto picks one per model. */
export const KMC_SCHEMES = ["auto", "null-event", "type-null-event", "tree", "class"] as const;

export const kmcSchema = z.strictObject({
  equilibrationHops: nonNegInt.default(100_000),
  hops: posInt.default(1_000_000),
  replicas: posInt.max(1024).default(4),
  blocks: posInt.max(100_000).default(20),
  /** Field along x (a number) or as a vector, V/cm. */
  fieldVPerCm: z.union([z.number().finite(), vector3]).default(0),
  scheme: z.enum(KMC_SCHEMES).default("auto"),
  /**
   * The shorthand: one pair energy between any two ions on sites joined by a hop (the hop
   * graph; on the cubic lattices the first distance shell), eV (0: exclusion only).
   */
  interactionEV: z.number().finite().default(0),
  /** Pair energies per species pair and distance shell (instead of interactionEV). */
  interactions: z.array(pairInteractionSchema).min(1).max(136).optional(),
  targetRelativeError: z.number().gt(0).lt(1).optional(),
  maxHops: posInt.optional(),
});

/** Conductivity of a phase: given (with an optional Arrhenius temperature dependence) or, when absent, the KMC result. */
const phaseProps = {
  name: z.string().min(1),
  /** S/cm at referenceTemperatureK; absent: the MOF phase, whose conductivity the KMC gives at each temperature. */
  conductivitySPerCm: z.number().finite().nonnegative().optional(),
  /** Activation energy of a given conductivity, eV: sigma(T) = sigma_ref exp(-Ea/kB (1/T - 1/T_ref)). */
  activationEnergyEV: z.number().finite().nonnegative().optional(),
  referenceTemperatureK: positive.optional(),
  /** Relative permittivity for impedance spectra. */
  relativePermittivity: z.number().finite().nonnegative().optional(),
  /** Cation transference number of this phase: required for a phase given with a non-zero conductivity (no default makes a phase single-ion). The MOF phase takes the KMC share. */
  transferenceNumber: z.number().min(0).max(1).optional(),
};

const areaElement = z.strictObject({
  resistanceOhmCm2: z.number().finite().nonnegative(),
  capacitanceFPerCm2: z.number().finite().nonnegative().optional(),
  /** Temperature dependence of the resistance: R(T) = R_ref exp(Ea/kB (1/T - 1/T_ref)). */
  activationEnergyEV: z.number().finite().nonnegative().optional(),
  referenceTemperatureK: positive.optional(),
});

const morphologyCommon = {
  shape: cells3.or(z.tuple([posInt, posInt, posInt])),
  voxelNm: positive,
  grainBoundary: areaElement.optional(),
  electrodes: z
    .strictObject({ kind: z.enum(["planes", "voxel-layers"]).default("planes"), interface: areaElement.optional() })
    .optional(),
  /** Independent realisations of a random morphology (their spread enters the uncertainty). */
  realizations: posInt.max(64).default(1),
  tolerance: z.number().gt(0).lt(1e-2).default(1e-8),
};

/** Phases of the design generators, named (labels: pore 0, mof 1, polymer 2, fibre 3). */
const designPhases = z
  .array(z.strictObject({ ...phaseProps, name: z.enum(["pore", "mof", "polymer", "fibre"]) }))
  .min(1)
  .max(4);
const particleOptions = {
  particleDiameterNm: positive.optional(),
  diameterLogSd: z.number().finite().min(0).max(1).optional(),
  mofDensityGPerCm3: positive.optional(),
};

/** Elastic and plastic properties of the particles, for their contacts (design/contacts.ts). */
const contactMaterialSchema = z.strictObject({
  youngsModulusGPa: positive,
  poissonRatio: z.number().min(0).lt(0.5),
  hardnessGPa: positive,
});

/**
 * A pressed powder as a particle network (design/pressedPowder.ts): no voxels; contacts
 * follow from the pressing pressure and the particles' mechanics. The pores do not conduct.
 */
export const pressedPowderSchema = z.strictObject({
  kind: z.literal("pressed-powder"),
  particleDiameterNm: positive,
  diameterLogSd: z.number().min(0).max(1),
  /** Solid volume fraction of the particle skeleton (random loose to close packing). */
  solidFraction: z.number().gt(0).max(0.6),
  pressureMPa: positive,
  material: contactMaterialSchema,
  /** Particles per periodic box (realisation). */
  particleCount: posInt.min(50).max(200_000).default(1000),
  /** Area-specific boundary across every pressed contact spot. */
  contacts: z.strictObject({ pressed: areaElement }).optional(),
  electrodes: z.strictObject({ interface: areaElement.optional() }).optional(),
  realizations: posInt.max(64).default(8),
  tolerance: z.number().gt(0).lt(1e-2).default(1e-10),
  phases: z.tuple([z.strictObject({ ...phaseProps, name: z.literal("mof") })]),
});

/**
 * MOF particles in a cast gel binder as a particle network (design/gelBinder.ts): the
 * composition (masses, as the methods section gives them) and the porosity fix the phase
 * volumes (design/composition.ts); the gel bridges the narrowest gaps between particles.
 */
export const particlesInGelSchema = z.strictObject({
  kind: z.literal("particles-in-gel"),
  particleDiameterNm: positive,
  diameterLogSd: z.number().min(0).max(1),
  composition: z.strictObject({
    mofMg: positive,
    polymerMg: z.number().finite().nonnegative(),
    /** LiTFSI dissolved in the gel. */
    saltMg: z.number().finite().nonnegative(),
    /** Residual solvent held by the gel, wt% of the whole membrane. */
    solvent: z.strictObject({ name: z.enum(["DMF", "PC"]), wtPct: z.number().min(0).lt(100) }).optional(),
    /** MOF crystal density; default: from the lattice and the first species (structure/morphology/densities.ts). */
    mofDensityGPerCm3: positive.optional(),
  }),
  /** Volume fraction of the membrane that nothing fills. */
  porosity: z.number().gt(0).lt(1),
  /** Binder film kept between particle surfaces, nm. */
  filmThicknessNm: positive,
  particleCount: posInt.min(50).max(200_000).default(1000),
  /** Points sampled to place the gel. */
  binderSamples: posInt.min(1000).max(10_000_000).default(100_000),
  /** Area-specific Li+ transfer resistance across every MOF|gel face. */
  interfaces: z.strictObject({ mofGel: areaElement }).optional(),
  electrodes: z.strictObject({ interface: areaElement.optional() }).optional(),
  realizations: posInt.max(64).default(8),
  tolerance: z.number().gt(0).lt(1e-2).default(1e-10),
  phases: z.tuple([
    z.strictObject({ ...phaseProps, name: z.literal("mof") }),
    z.strictObject({ ...phaseProps, name: z.literal("gel"), conductivitySPerCm: positive, transferenceNumber: z.number().gt(0).max(1) }),
  ]),
});

/**
 * Particles mixed with fibres, filtered and dried, as a particle network (design/fibreMix.ts):
 * the particles' own packing and the composition fix the volumes (the fibres lie in the
 * skeleton's pores); contacts are adhesive (Maugis-Dugdale) under the consolidation pressure;
 * fibres lying where particles meet keep them apart. Fibres and pores do not conduct.
 */
export const particlesAmongFibresSchema = z.strictObject({
  kind: z.literal("particles-among-fibres"),
  particleDiameterNm: positive,
  diameterLogSd: z.number().min(0).max(1),
  composition: z.strictObject({
    mofMg: positive,
    fibreMg: z.number().finite().nonnegative(),
    /** MOF crystal density; default: from the lattice and the first species (structure/morphology/densities.ts). */
    mofDensityGPerCm3: positive.optional(),
    /** Fibre density; default: bacterial cellulose, 1.567 g/cm3 (structure/morphology/densities.ts). */
    fibreDensityGPerCm3: positive.optional(),
  }),
  /** Solid fraction of the particles' own skeleton; the fibres fill part of its pores. */
  solidFraction: z.number().gt(0).max(0.6),
  fibreDiameterNm: positive,
  /** Share of the fibres' length lying on particle surfaces (1: particles and fibres mixed at random). */
  fibreOnParticleShare: z.number().min(0).max(1),
  /** Pressure that consolidated the cake (filtration, drying), MPa. */
  consolidationPressureMPa: z.number().finite().nonnegative(),
  material: contactMaterialSchema,
  adhesion: z.strictObject({
    workOfAdhesionJPerM2: positive,
    /** Equilibrium separation of the surfaces (Lennard-Jones z0), nm. */
    equilibriumSeparationNm: z.number().gt(0).lt(5).default(0.3),
  }),
  particleCount: posInt.min(50).max(200_000).default(1000),
  /** Area-specific boundary across every particle contact spot. */
  contacts: z.strictObject({ particle: areaElement }).optional(),
  electrodes: z.strictObject({ interface: areaElement.optional() }).optional(),
  realizations: posInt.max(64).default(8),
  tolerance: z.number().gt(0).lt(1e-2).default(1e-10),
  phases: z.tuple([z.strictObject({ ...phaseProps, name: z.literal("mof") })]),
});

/** A label of a 16-bit (or 8-bit) image. */
const imageLabel = z.number().int().min(0).max(65535);

export const morphologySchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("pellet"),
    ...morphologyCommon,
    ...particleOptions,
    relativeDensity: z.number().gt(0).lt(1).optional(),
    packingFraction: z.number().gt(0).lt(1).optional(),
    phases: designPhases,
  }),
  z.strictObject({
    kind: z.literal("particles-in-polymer"),
    ...morphologyCommon,
    ...particleOptions,
    mofToPolymerMassRatio: positive.optional(),
    porosity: z.number().min(0).lt(1).optional(),
    minGapNm: positive.optional(),
    polymerDensityGPerCm3: positive.optional(),
    phases: designPhases,
  }),
  z.strictObject({
    kind: z.literal("particles-with-fibres"),
    ...morphologyCommon,
    ...particleOptions,
    mofToFibreMassRatio: positive.optional(),
    porosity: z.number().min(0).lt(1).optional(),
    particlesPerAggregate: posInt.optional(),
    fibreDiameterNm: positive.optional(),
    fibreDensityGPerCm3: positive.optional(),
    phases: designPhases,
  }),
  z
    .strictObject({
      kind: z.literal("grown-on-fibres"),
      ...morphologyCommon,
      /** Voxel edge, nm; or give voxelsAcrossFibre instead. */
      voxelNm: positive.optional(),
      /**
       * Voxels across a fibre: the voxel edge is fibreDiameterNm / voxelsAcrossFibre, so the box
       * is shape / voxelsAcrossFibre fibre diameters and the fibre as well resolved whatever
       * diameter a run draws (a box of fixed size in nm holds too few of the thickest fibres to
       * connect its faces, and resolves the thinnest poorly). Give this or voxelNm.
       */
      voxelsAcrossFibre: positive.min(2).optional(),
      mofToFibreMassRatio: positive.optional(),
      porosity: z.number().min(0).lt(1).optional(),
      fibreDiameterNm: positive.optional(),
      mofDensityGPerCm3: positive.optional(),
      fibreDensityGPerCm3: positive.optional(),
      phases: designPhases,
    })
    .superRefine((m, ctx) => {
      if ((m.voxelNm === undefined) === (m.voxelsAcrossFibre === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["voxelNm"],
          message: m.voxelNm === undefined ? "give voxelNm (the voxel edge, nm) or voxelsAcrossFibre (the voxel scaled with the fibre diameter)" : "give voxelNm or voxelsAcrossFibre, not both",
        });
      }
    })
    // the parsed morphology carries the voxel edge alone (what every solve reads)
    .transform(({ voxelsAcrossFibre, voxelNm, ...m }) => ({
      ...m,
      voxelNm: voxelNm ?? (m.fibreDiameterNm ?? DEFAULT_FIBRE_DIAMETER_NM) / voxelsAcrossFibre!,
    })),
  z.strictObject({
    kind: z.literal("random-voxels"),
    ...morphologyCommon,
    phases: z.array(z.strictObject({ ...phaseProps, fraction: z.number().min(0).max(1) })).min(1).max(255),
  }),
  z.strictObject({
    kind: z.literal("raw"),
    ...morphologyCommon,
    /** Path of a uint8 voxel file, x fastest, relative to the scenario file. */
    file: z.string().min(1),
    phases: z.array(z.strictObject({ ...phaseProps, label: z.number().int().min(0).max(255) })).min(1).max(256),
  }),
  /**
   * A user's label image (structure/voxel/image.ts): a multi-page TIFF or a folder of TIFF
   * slices, 8- or 16-bit labels, each label given a phase; the transport axis is turned to
   * the solver's x (grid.ts, `turnToAxis`). Image axes: x = column, y = row, z = page.
   */
  z.strictObject({
    kind: z.literal("image"),
    /** Multi-page TIFF file, or folder of numbered single-page TIFF slices, relative to the scenario file. */
    file: z.string().min(1),
    /** Voxel edge, nm: one number, or [x, y, z] along the image's axes (anisotropic voxels: DC only). */
    voxelNm: positive.or(z.tuple([positive, positive, positive])),
    /** Sub-box to keep, voxel indices along the image axes, half-open: from <= i < to. */
    crop: z.strictObject({ from: z.tuple([nonNegInt, nonNegInt, nonNegInt]), to: z.tuple([posInt, posInt, posInt]) }).optional(),
    /** Image axis the current flows along. */
    axis: z.enum(["x", "y", "z"]).default("x"),
    /** The four faces parallel to the current: insulating, or periodic (DC only). */
    sides: z.enum(["no-flux", "periodic"]).default("no-flux"),
    electrodes: morphologyCommon.electrodes,
    tolerance: morphologyCommon.tolerance,
    /** Every label in the (cropped) image needs a phase: one label or several per phase. */
    phases: z
      .array(z.strictObject({ ...phaseProps, label: z.union([imageLabel, z.array(imageLabel).min(1)]) }))
      .min(1)
      .max(256),
  }),
  pressedPowderSchema,
  particlesInGelSchema,
  particlesAmongFibresSchema,
]);

/** The electrochemical cell experiments on top of the membrane (issue 4). */
export const cellSchema = z.strictObject({
  /** Membrane thickness (86.9 um for the interconnected membrane, experiment.md) and disc diameter. */
  membraneThicknessUm: positive.default(86.9),
  membraneDiameterMm: positive.default(16),
  /** Temperature of the cell experiments; default: the scenario temperature nearest 298.15 K. */
  temperatureK: positive.optional(),
  /** Intrinsic charge-transfer resistance of Li | electrolyte contact, per contact area, and the double-layer capacitance. */
  chargeTransferOhmCm2: z.number().finite().nonnegative().default(20),
  doubleLayerFPerCm2: positive.default(1e-5),
  /** Mobile salt (anion) concentration in the membrane, mol/L (0: single-ion conductor). */
  saltMolPerL: z.number().finite().nonnegative().default(0),
  /** Fixed anionic charge of the framework in the membrane, mol/L (default: the MOF's sulfonates, 4.14 mol/L x its volume fraction). */
  fixedChargeMolPerL: z.number().finite().nonnegative().optional(),
  impedance: z
    .strictObject({ minHz: positive.default(0.1), maxHz: positive.default(1e7), pointsPerDecade: posInt.max(50).default(6) })
    .default({ minHz: 0.1, maxHz: 1e7, pointsPerDecade: 6 }),
  evans: z.strictObject({ stepVoltageV: positive.max(0.2).default(0.01), durationS: positive.default(3600) }).default({ stepVoltageV: 0.01, durationS: 3600 }),
  /**
   * Critical local current density of the Li | SE contact, mA/cm2 of true contact area: above
   * it the Li interface fails (voids on stripping, filaments on plating). With it the cell
   * stage reports the critical current density the stepped Li|SE|Li test would find.
   */
  criticalLocalCurrentDensityMAPerCm2: positive.optional(),
  /**
   * The Li foil's contact under the stack pressure (transport/cell/lithiumContact.ts): it
   * touches P / (3 sigma_y) of the face in patches of the given radius, and the current
   * constricts onto them. Absent: the Li touches the whole face (what a liquid or a soft,
   * wetting membrane gives).
   */
  lithiumContact: z
    .strictObject({ stackPressureMPa: positive, yieldStrengthMPa: positive, patchRadiusUm: positive })
    .optional(),
  rateCapability: z
    .strictObject({
      cRates: z.array(positive).min(1).max(20).default([0.2, 0.5, 1, 2, 3, 5]),
      cutoffVoltageV: positive.default(2.5),
      loadingMgPerCm2: positive.default(1.75),
      /**
       * The liquid in the cathode's pores (the LiFePO4/carbon/PVDF cathode holds no MOF): bulk
       * conductivity, t+, salt diffusivity and concentration. Default 1 M LiTFSI in PC
       * (transport/cell/electrodeOptions.ts, PC_LITFSI_1M_ELECTROLYTE).
       */
      cathodeElectrolyte: z
        .strictObject({ conductivitySPerCm: positive, transferenceNumber: z.number().gt(0).max(1), saltDiffusivityCm2PerS: positive, saltMolPerL: positive })
        .default({ conductivitySPerCm: 5.62e-3, transferenceNumber: 0.38, saltDiffusivityCm2PerS: 3e-6, saltMolPerL: 1 }),
      /** Ion-transfer resistance between the membrane and the cathode's liquid, ohm cm2. */
      cathodeInterfaceOhmCm2: z.number().finite().nonnegative().default(0),
      /**
       * The LiFePO4 cathode (transport/cell/electrodeOptions.ts): particle radius (nm), Li
       * diffusivity in the particles (cm2/s; a Fickian sphere standing in for the two-phase
       * reaction) and the composite's porosity. Defaults 100 nm, 1.8e-14 cm2/s (GITT, Prosini
       * et al. 2002), 0.4.
       */
      cathode: z
        .strictObject({ particleRadiusNm: positive.default(LFP_PARTICLE_RADIUS_NM), solidDiffusivityCm2PerS: positive.default(LFP_SOLID_DIFFUSIVITY_CM2_PER_S), porosity: z.number().gt(0).lt(1).default(CATHODE_POROSITY) })
        .default({ particleRadiusNm: LFP_PARTICLE_RADIUS_NM, solidDiffusivityCm2PerS: LFP_SOLID_DIFFUSIVITY_CM2_PER_S, porosity: CATHODE_POROSITY }),
    })
    .optional(),
});

export const arrheniusSchema = z.strictObject({
  form: z.enum(["sigmaT", "sigma"]).default("sigmaT"),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).regex(/^[A-Za-z0-9._+-]+$/, "use letters, digits, '.', '_', '+' or '-'"),
    description: z.string().optional(),
    seed: nonNegInt.max(2 ** 32 - 1).default(1),
    /** Kelvin; at least 150 K, so that Celsius typed as kelvin (25 for 298.15) is caught. */
    temperaturesK: z.array(z.number().finite().min(150, "must be >= 150 K (temperatures are in kelvin: 25 C is 298.15 K)").max(5000)).min(1).max(200),
    lattice: latticeSchema.optional(),
    species: z.array(speciesSchema).min(1).max(16).optional(),
    kmc: kmcSchema.optional(),
    morphology: morphologySchema.optional(),
    cell: cellSchema.optional(),
    arrhenius: arrheniusSchema.optional(),
    source: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    const hasLattice = s.lattice !== undefined, hasSpecies = s.species !== undefined;
    if (hasLattice !== hasSpecies) {
      ctx.addIssue({ code: "custom", path: [hasLattice ? "species" : "lattice"], message: "the KMC part needs both lattice and species" });
    }
    if (!hasLattice && s.morphology === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "a scenario needs a KMC part (lattice, species, kmc), a morphology, or both" });
    }
    s.morphology?.phases.forEach((ph, i) => {
      if (ph.conductivitySPerCm === undefined && !hasLattice) {
        ctx.addIssue({ code: "custom", path: ["morphology", "phases", i, "conductivitySPerCm"], message: "needed without a KMC part (a phase without it takes the KMC conductivity)" });
      }
    });
    if (s.cell !== undefined && s.morphology === undefined) {
      ctx.addIssue({ code: "custom", path: ["cell"], message: "the cell experiments need a morphology (the membrane)" });
    }
    if (s.cell !== undefined && s.cell.impedance.minHz >= s.cell.impedance.maxHz) {
      ctx.addIssue({ code: "custom", path: ["cell", "impedance", "minHz"], message: "must be below maxHz" });
    }
    if (s.morphology !== undefined && isNetworkDesign(s.morphology) && (s.morphology.electrodes?.interface?.capacitanceFPerCm2 ?? 0) > 0 && s.cell === undefined) {
      ctx.addIssue({ code: "custom", path: ["morphology", "electrodes"], message: "an interface capacitance only enters the cell's spectra; add a cell block" });
    }
    if (s.morphology?.kind === "image") {
      const m = s.morphology;
      const seen = new Map<number, number>();
      m.phases.forEach((ph, i) => {
        for (const l of typeof ph.label === "number" ? [ph.label] : ph.label) {
          if (seen.has(l)) ctx.addIssue({ code: "custom", path: ["morphology", "phases", i, "label"], message: `label ${l} is already given to phases.${seen.get(l)}` });
          seen.set(l, i);
        }
      });
      if (m.crop !== undefined) {
        m.crop.from.forEach((a, d) => {
          if (a >= m.crop!.to[d]!) ctx.addIssue({ code: "custom", path: ["morphology", "crop", "to", d], message: `must be above from[${d}] = ${a} (the crop is half-open: from <= i < to)` });
        });
      }
      if (s.cell !== undefined && typeof m.voxelNm !== "number" && !(m.voxelNm[0] === m.voxelNm[1] && m.voxelNm[1] === m.voxelNm[2])) {
        ctx.addIssue({ code: "custom", path: ["morphology", "voxelNm"], message: "the cell's impedance solves take cubic voxels (one number); anisotropic voxels are DC only" });
      }
      if (s.cell !== undefined && m.sides === "periodic") {
        ctx.addIssue({ code: "custom", path: ["morphology", "sides"], message: "the cell's impedance solves take no-flux sides; periodic sides are DC only" });
      }
    }
    if (s.morphology?.kind === "random-voxels") {
      const total = s.morphology.phases.reduce((a, ph) => a + ph.fraction, 0);
      if (Math.abs(total - 1) > 1e-9) ctx.addIssue({ code: "custom", path: ["morphology", "phases"], message: `fractions sum to ${total}; they must sum to 1` });
    }
    s.species?.forEach((sp, i) => {
      const first = s.species!.findIndex((o) => o.name === sp.name);
      if (first < i) ctx.addIssue({ code: "custom", path: ["species", i, "name"], message: `species.${first} already has this name; names must be distinct` });
    });
    const pairs = s.kmc?.interactions;
    if (pairs !== undefined) {
      const names = (s.species ?? []).map((sp) => sp.name);
      const seen = new Map<string, number>();
      pairs.forEach((p, i) => {
        p.species.forEach((name, j) => {
          if (!names.includes(name)) {
            ctx.addIssue({ code: "custom", path: ["kmc", "interactions", i, "species", j], message: names.length > 0 ? `not a species of this scenario; valid: ${names.join(", ")}` : "the scenario has no species" });
          }
        });
        const key = JSON.stringify([...p.species].sort());
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["kmc", "interactions", i, "species"], message: `the pair ${p.species.join("-")} is already given in kmc.interactions.${seen.get(key)}; give each pair once` });
        else seen.set(key, i);
      });
      if (s.kmc!.interactionEV !== 0) {
        ctx.addIssue({ code: "custom", path: ["kmc", "interactionEV"], message: "give interactionEV (one energy for every pair on the hop graph) or interactions (per pair and shell), not both" });
      }
    }
    const scheme = s.kmc?.scheme;
    if ((scheme === "class" || scheme === "type-null-event") && (pairs !== undefined || s.kmc!.interactionEV !== 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["kmc", "scheme"],
        message: `the ${scheme} scheme lists hops by a rate fixed per species and bond, which pair energies change whenever an ion near a hop moves; with interactions use "auto" (the tree), "tree" or "null-event"`,
      });
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
export type PairInteractionSettings = z.output<typeof pairInteractionSchema>;
export type MorphologySettings = z.output<typeof morphologySchema>;
/** The particle-network designs (design/): no voxel grid. */
export type NetworkDesignSettings = Extract<MorphologySettings, { kind: "pressed-powder" | "particles-in-gel" | "particles-among-fibres" }>;
export type VoxelMorphologySettings = Exclude<MorphologySettings, NetworkDesignSettings>;
/** The voxel morphologies whose shape the scenario gives (all but a user's image, whose file gives it). */
export type ShapedVoxelSettings = Exclude<VoxelMorphologySettings, { kind: "image" }>;
export type ParticlesInGelSettings = z.output<typeof particlesInGelSchema>;
/** A particle-network design (no voxel grid)? */
export function isNetworkDesign(m: MorphologySettings): m is NetworkDesignSettings {
  return m.kind === "pressed-powder" || m.kind === "particles-in-gel" || m.kind === "particles-among-fibres";
}
export type ParticlesAmongFibresSettings = z.output<typeof particlesAmongFibresSchema>;
export type PressedPowderSettings = z.output<typeof pressedPowderSchema>;
export type CellSettings = z.output<typeof cellSchema>;
