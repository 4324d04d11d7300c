/**
 * Seeded random streams.
 *
 * A scenario has one seed. Every consumer asks for its own stream by a path of labels
 * (`createStream(seed, "kmc", temperatureIndex, replica)`), so results do not depend on
 * the order in which streams are used or on how many workers run them. The path is hashed
 * into a 128-bit state with seedrandom's ARC4 generator (the seeding the brief asks for);
 * the numbers themselves come from xoshiro128** (Blackman and Vigna, 2018), a 32-bit
 * generator that runs in a handful of integer operations in JavaScript. The KMC hot loop
 * inlines the same recurrence on local variables (see transport/kmc); `benchmarks/`
 * compares the two generators' speed (case rng).
 */
import seedrandom from "seedrandom";
import { RandomStream } from "./xoshiro.js";

export { RandomStream } from "./xoshiro.js";

export type StreamLabel = string | number;

/** 128-bit xoshiro state for the stream named by `path` under `seed`. Never all zero. */
export function streamState(seed: number | string, ...path: readonly StreamLabel[]): Uint32Array {
  const key = [String(seed), ...path.map(String)].join("\u001f");
  const arc4 = seedrandom(key);
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) state[i] = arc4.int32() >>> 0;
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 0x9e3779b9;
  return state;
}

/** The stream named by `path` under `seed`. */
export function createStream(seed: number | string, ...path: readonly StreamLabel[]): RandomStream {
  return new RandomStream(streamState(seed, ...path));
}
