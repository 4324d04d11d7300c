/**
 * Float64 arenas: all the arrays of one solve carved out of one block of memory, so the
 * WebAssembly kernels (wasm/kernels.ts) can address them. The block is a
 * WebAssembly.Memory sized up front (it never grows: growing would detach the views) and
 * zero-filled, which the stencil padding relies on. Where WebAssembly is missing or the
 * request exceeds its 4 GiB address space, the arena hands out ordinary Float64Arrays and
 * the JavaScript kernels run instead.
 */
import { InputError } from "../core/errors.js";
import { jsVectorOps, type VectorOps } from "./operator.js";
import { WasmKernels, wasmApi } from "./wasm/kernels.js";

export interface Float64Arena {
  /** Kernels bound to the arena's memory (undefined for a plain JavaScript arena). */
  readonly kernels: WasmKernels | undefined;
  readonly capacityBytes: number;
  usedBytes(): number;
  /** A zero-filled view of `length` doubles. */
  alloc(length: number): Float64Array;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32: 4 GiB

/** Bytes of `count` arrays of `length` doubles. */
export const f64Bytes = (length: number, count = 1): number => 8 * length * count;

/**
 * An arena for `bytes` bytes of Float64 arrays. `wasm: false` forces plain arrays (the
 * JavaScript kernels), e.g. to compare the two paths.
 */
export function createArena(bytes: number, options: { wasm?: boolean } = {}): Float64Arena {
  if (!(bytes >= 0 && Number.isFinite(bytes))) throw new InputError(`arena size ${bytes}: must be finite and >= 0`);
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if ((options.wasm ?? true) && wasmApi !== undefined && pages <= MAX_PAGES) {
    const memory = new wasmApi.Memory({ initial: pages, maximum: pages });
    const kernels = new WasmKernels(memory);
    let used = 0;
    return {
      kernels,
      capacityBytes: pages * PAGE,
      usedBytes: () => used,
      alloc(length) {
        const size = 8 * length;
        if (used + size > pages * PAGE) throw new RangeError(`arena of ${pages * PAGE} bytes cannot hold ${size} more after ${used}`);
        const view = new Float64Array(memory.buffer, used, length);
        used += size;
        return view;
      },
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
