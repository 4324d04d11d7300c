/**
 * The scenario schema and the generators' option types stay in step: the morphology keys a
 * scenario may give for a design are exactly its generator's options (a compile-time check;
 * `npm test` type-checks the tests).
 */
import { expectTypeOf, it } from "vitest";
import type { MorphologySettings } from "../../src/scenario/schema.js";
import type { GrownOnFibresOptions, ParticlesInPolymerOptions, ParticlesWithFibresOptions, PelletOptions } from "../../src/structure/morphology/index.js";

type Common = "kind" | "phases" | "grainBoundary" | "electrodes" | "realizations" | "tolerance";
type GeneratorKeys<K extends MorphologySettings["kind"]> = Exclude<keyof Extract<MorphologySettings, { kind: K }>, Common>;

it("design morphologies: schema keys = generator option keys", () => {
  expectTypeOf<GeneratorKeys<"pellet">>().toEqualTypeOf<keyof PelletOptions>();
  expectTypeOf<GeneratorKeys<"particles-in-polymer">>().toEqualTypeOf<keyof ParticlesInPolymerOptions>();
  expectTypeOf<GeneratorKeys<"particles-with-fibres">>().toEqualTypeOf<keyof ParticlesWithFibresOptions>();
  expectTypeOf<GeneratorKeys<"grown-on-fibres">>().toEqualTypeOf<keyof GrownOnFibresOptions>();
});
