/**
 * Constants of the inlined xoshiro128** draws in the hot loops: a 32-bit output r gives the
 * uniform r 2^-32, two give the 53-bit uniform (hi 2^26 + lo) 2^-53 with hi = r1 >>> 5 and
 * lo = r2 >>> 6 (as RandomStream.nextFloat).
 */
export const TWO_POW_M32 = 2 ** -32;
export const TWO_POW_M53 = 2 ** -53;
/**
 * The class and type-null-event loops reuse the residual of the uniform that picked a
 * class (group) to pick the member and the bond: exact to about 2^-53 R / w_c relative.
 * A class whose weight w_c is below this share of R gets a fresh uniform (>= 43 bits left).
 */
export const RESIDUAL_MIN_SHARE = 2 ** -10;
/**
 * The loops run in calls of at most this many hops: V8 then runs them as optimized functions
 * rather than as a loop replaced on the stack mid-call (on-stack replacement), which measured
 * about 10 % slower on the kmc-uio67 case. A call ends on a hop, so the chunks continue one
 * another exactly.
 */
export const LOOP_CHUNK_HOPS = 65536;
/**
 * The first LOOP_WARM_CALLS calls of a loop in a thread (its LoopCalls, below) run at most
 * LOOP_WARM_HOPS hops each, so that the code before and after the loop has run, and left type
 * feedback, before V8 optimizes the function. Optimized without it (a long first call), the
 * function was thrown away on its next entry and the loop ran on in its on-stack-replaced
 * version, which keeps every loop variable boxed (a heap number allocated per attempt); which
 * of the two happened depended on the timing of the concurrent compiler. 64 short calls (4096
 * hops) are enough for V8 to optimize the loop between two calls: with 4 the first long call
 * was compiled twice, on the stack and then as the function (measured with --trace-opt on
 * kmc-uio67's model, compiling on the worker's own thread: 20 + 19 ms, now 20 ms once; the
 * first 4.1e6-hop replica 598 -> 570 ms). Results do not depend on the call sizes (chunks
 * continue one another exactly).
 */
export const LOOP_WARM_CALLS = 64;
export const LOOP_WARM_HOPS = 64;

/**
 * The call sizes of one loop in a thread: LOOP_WARM_CALLS calls of LOOP_WARM_HOPS, then
 * LOOP_CHUNK_HOPS. One per loop (a module-level instance in each scheme's module): each loop
 * needs its own first short calls.
 */
export class LoopCalls {
  private warm = 0;

  /** Run `hops` hops as calls loop(n) of these sizes (each call ends on a hop, so they continue one another exactly). */
  run(hops: number, loop: (n: number) => void): void {
    for (let done = 0; done < hops; ) {
      const n = this.size(hops - done);
      loop(n);
      done += n;
    }
  }

  /** Hops of the next call, `left` still to run. */
  private size(left: number): number {
    if (this.warm < LOOP_WARM_CALLS) {
      this.warm++;
      return Math.min(LOOP_WARM_HOPS, left);
    }
    return Math.min(LOOP_CHUNK_HOPS, left);
  }
}
