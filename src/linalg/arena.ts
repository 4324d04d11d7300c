/**
 * Float64 arenas: all the arrays of one solve carved out of one block of memory, so the
 * WebAssembly kernels (wasm/kernels.ts) can address them. The block is a
 * WebAssembly.Memory sized up front (it never grows: growing would detach the views) and
 * zero-filled, which the stencil padding relies on. Consecutive arrays are staggered by a
 * few cache lines: the stencil's arrays have equal lengths that are multiples of 4 KiB
 * (nx ny (nz + 2) doubles), so without the stagger cx[i], cy[i], cz[i], x[i], ... fall in
 * the same L1 set and a kernel streaming a dozen of them thrashes the cache (the complex
 * product ran 3x slower). Where WebAssembly is missing or the
 * request exceeds its 4 GiB address space, the arena hands out ordinary Float64Arrays and
 * the JavaScript kernels run instead.
 */
import { InputError } from "../core/errors.js";
import { jsComplexVectorOps, jsVectorOps, type ComplexVectorOps, type VectorOps } from "./operator.js";
import { WasmKernels, wasmApi, type WasmMemory } from "./wasm/kernels.js";

export interface Float64Arena {
  /** Kernels bound to the arena's memory (undefined for a plain JavaScript arena). */
  readonly kernels: WasmKernels | undefined;
  /** The memory every array is a view of: the WebAssembly memory, or the SharedArrayBuffer of a shared arena without kernels (undefined for plain arrays). */
  readonly memory?: WasmMemory | SharedArrayBuffer;
  readonly capacityBytes: number;
  usedBytes(): number;
  /** A zero-filled view of `length` doubles. */
  alloc(length: number): Float64Array;
  /** A zero-filled view of `length` single-precision floats (the lean solver's vectors). */
  alloc32(length: number): Float32Array;
  /** A zero-filled view of `length` bytes (the lean solver's labels). */
  allocU8(length: number): Uint8Array;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32: 4 GiB
/** Gap after each array, bytes (3 cache lines), and the slack reserved for the gaps. */
const STAGGER = 192;
const STAGGER_SLACK = 1024 * STAGGER;

/** Bytes of `count` arrays of `length` doubles. */
export const f64Bytes = (length: number, count = 1): number => 8 * length * count;

/**
 * An arena for `bytes` bytes of Float64 arrays. `wasm: false` forces plain arrays (the
 * JavaScript kernels), e.g. to compare the two paths. `shared: true` puts every array in
 * one SharedArrayBuffer (a shared WebAssembly memory, or a plain SharedArrayBuffer without
 * WebAssembly), so worker threads can address them (`buffer`).
 */
export function createArena(bytes: number, options: { wasm?: boolean; shared?: boolean } = {}): Float64Arena {
  if (!(bytes >= 0 && Number.isFinite(bytes))) throw new InputError(`arena size ${bytes}: must be finite and >= 0`);
  const pages = Math.max(1, Math.ceil((bytes + STAGGER_SLACK) / PAGE));
  const shared = options.shared ?? false;
  if ((options.wasm ?? true) && wasmApi !== undefined && pages <= MAX_PAGES) {
    const memory = new wasmApi.Memory({ initial: pages, maximum: pages, ...(shared ? { shared: true } : {}) });
    const kernels = new WasmKernels(memory);
    let used = 0;
    const take = (size: number): number => {
      if (used + size > pages * PAGE) throw new RangeError(`arena of ${pages * PAGE} bytes cannot hold ${size} more after ${used}`);
      const at = used;
      used += 8 * Math.ceil(size / 8) + STAGGER;
      return at;
    };
    return {
      kernels,
      memory,
      capacityBytes: pages * PAGE,
      usedBytes: () => used,
      alloc: (length) => new Float64Array(memory.buffer, take(8 * length), length),
      alloc32: (length) => new Float32Array(memory.buffer, take(4 * length), length),
      allocU8: (length) => new Uint8Array(memory.buffer, take(length), length),
    };
  }
  if (shared) {
    // one SharedArrayBuffer, carved like the WebAssembly memory
    const sab = new SharedArrayBuffer(pages * PAGE);
    let used = 0;
    const take = (size: number): number => {
      if (used + size > sab.byteLength) throw new RangeError(`arena of ${sab.byteLength} bytes cannot hold ${size} more after ${used}`);
      const at = used;
      used += 8 * Math.ceil(size / 8) + STAGGER;
      return at;
    };
    return {
      kernels: undefined,
      memory: sab,
      capacityBytes: sab.byteLength,
      usedBytes: () => used,
      alloc: (length) => new Float64Array(sab, take(8 * length), length),
      alloc32: (length) => new Float32Array(sab, take(4 * length), length),
      allocU8: (length) => new Uint8Array(sab, take(length), length),
    };
  }
  let used = 0;
  return {
    kernels: undefined,
    capacityBytes: bytes,
    usedBytes: () => used,
    alloc(length) {
      used += 8 * length;
      return new Float64Array(length);
    },
    alloc32(length) {
      used += 4 * length;
      return new Float32Array(length);
    },
    allocU8(length) {
      used += length;
      return new Uint8Array(length);
    },
  };
}

/** Vector operations whose work vectors come from `arena` (WebAssembly kernels when it has them). */
export function arenaVectorOps(arena: Float64Arena): VectorOps {
  const k = arena.kernels;
  if (k === undefined) return { ...jsVectorOps, alloc: (length) => arena.alloc(length) };
  return {
    alloc: (length) => arena.alloc(length),
    dot: (a, b) => (k.owns(a) && k.owns(b) ? k.dot(a, b) : jsVectorOps.dot(a, b)),
    cgUpdate: (x, r, p, q, alpha) =>
      k.owns(x) && k.owns(r) && k.owns(p) && k.owns(q) ? k.cgUpdate(x, r, p, q, alpha) : jsVectorOps.cgUpdate(x, r, p, q, alpha),
    xpby: (z, p, beta) => (k.owns(z) && k.owns(p) ? k.xpby(z, p, beta) : jsVectorOps.xpby(z, p, beta)),
  };
}

/** Complex vector operations (COCG) whose work vectors come from `arena`. */
export function arenaComplexVectorOps(arena: Float64Arena): ComplexVectorOps {
  const k = arena.kernels;
  const js = jsComplexVectorOps;
  if (k === undefined) return { ...js, alloc: (length) => arena.alloc(length) };
  const all = (...v: Float64Array[]): boolean => v.every((a) => k.owns(a));
  return {
    alloc: (length) => arena.alloc(length),
    dot: (ar, ai, br, bi) => (all(ar, ai, br, bi) ? k.cdot(ar, ai, br, bi) : js.dot(ar, ai, br, bi)),
    update: (xr, xi, rr, ri, pr, pi, qr, qi, aR, aI) =>
      all(xr, xi, rr, ri, pr, pi, qr, qi) ? k.cupdate(xr, xi, rr, ri, pr, pi, qr, qi, aR, aI) : js.update(xr, xi, rr, ri, pr, pi, qr, qi, aR, aI),
    xpby: (zr, zi, pr, pi, bR, bI) => (all(zr, zi, pr, pi) ? k.cxpby(zr, zi, pr, pi, bR, bI) : js.xpby(zr, zi, pr, pi, bR, bI)),
  };
}
