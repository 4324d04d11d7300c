/**
 * xoshiro128** (Blackman and Vigna, 2018): the generator of every random stream (rng.ts
 * names and seeds them). A module of its own, without seedrandom, so that a KMC worker
 * thread, which is sent its replica's 128-bit state already seeded, does not load it.
 */
const TWO_POW_M32 = 2 ** -32;
const TWO_POW_M53 = 2 ** -53;

/** xoshiro128** with the state in a Uint32Array (shareable with a hot loop). */
export class RandomStream {
  readonly state: Uint32Array;
  constructor(state: Uint32Array) {
    if (state.length !== 4) throw new RangeError("xoshiro128** needs 4 state words");
    this.state = state;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Uniform in (0, 1]: safe for -log(u). */
  nextFloatPositive(): number {
    return 1 - this.nextFloat();
  }

  /** Uniform integer in [0, n), n <= 2^32 (multiply-high; bias below n / 2^32). */
  nextBelow(n: number): number {
    return Math.floor(this.nextUint32() * TWO_POW_M32 * n);
  }

  /** Exponential variate with unit mean. */
  nextExponential(): number {
    return -Math.log(this.nextFloatPositive());
  }

  /** Standard normal variate (Marsaglia polar method). */
  nextNormal(): number {
    for (;;) {
      const u = 2 * this.nextFloat() - 1;
      const v = 2 * this.nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /**
   * Gamma(shape, 1) variate, exact for any shape > 0 (Marsaglia and Tsang, ACM TOMS 26,
   * 363, 2000; shape < 1 by the boost Gamma(a) = Gamma(a+1) U^(1/a)). The sum of n
   * independent unit exponentials is Gamma(n, 1): the KMC clock of a null-event run uses
   * this to advance time over n attempts in one draw, exactly in distribution.
   */
  nextGamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) return this.nextGamma(shape + 1) * Math.pow(this.nextFloatPositive(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.nextNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextFloatPositive();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A random permutation's first k entries of 0..n-1 (partial Fisher-Yates). */
  sampleDistinct(n: number, k: number): Int32Array {
    if (k > n) throw new RangeError(`cannot draw ${k} distinct values from ${n}`);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.nextBelow(n - i);
      const tmp = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = tmp;
    }
    return perm.slice(0, k);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
