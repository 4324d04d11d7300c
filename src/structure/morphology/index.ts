/**
 * Voxel microstructures of the experiment's membrane designs (phase label + grain id per
 * voxel). Labels: 0 pore, 1 MOF, 2 polymer binder, 3 bacterial-cellulose fibre.
 */
export * from "./phases.js";
export * from "./densities.js";
export { pellet, pelletMemoryBytes, PELLET_DEFAULTS } from "./pellet.js";
export type { PelletOptions, PelletStats, PelletMorphology } from "./pellet.js";
export {
  particlesInPolymer, particlesInPolymerMemoryBytes, PARTICLES_IN_POLYMER_DEFAULTS, uniformShellNm,
} from "./particlesInPolymer.js";
export type { ParticlesInPolymerOptions, ParticlesInPolymerStats, ParticlesInPolymerMorphology } from "./particlesInPolymer.js";
export { particlesWithFibres, particlesWithFibresMemoryBytes, PARTICLES_WITH_FIBRES_DEFAULTS } from "./particlesWithFibres.js";
export type { ParticlesWithFibresOptions, ParticlesWithFibresStats, ParticlesWithFibresMorphology } from "./particlesWithFibres.js";
export {
  grownOnFibres, coatedFibres, grownOnFibresMemoryBytes, GROWN_ON_FIBRES_DEFAULTS, isolatedCoatingNm,
} from "./grownOnFibres.js";
export type { GrownOnFibresOptions, CoatedFibresOptions, GrownOnFibresStats, GrownOnFibresMorphology } from "./grownOnFibres.js";
export { overlappingSpheres, overlappingSpheresMemoryBytes } from "./overlappingSpheres.js";
export type { OverlappingSpheresOptions, OverlappingSpheresStats, OverlappingSpheresMorphology } from "./overlappingSpheres.js";
export type { ParticleSet } from "./particles.js";
export type { FibreSet } from "./fibres.js";
