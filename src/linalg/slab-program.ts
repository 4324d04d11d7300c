/**
 * The plane kernels of the lean solve as one dispatch table: what each thread of a slab team
 * (slab-team.ts) runs on its own planes. A thread holds views of the same shared memory
 * (the arena's, and the buffer of the double solution), rebuilt from a plan of byte
 * offsets (`slabPlan`, `slabViewsFromPlan`), and runs an operation on planes [z0, z1) of
 * one level, writing each plane's partial sum (for the operations that return one) into a
 * shared array. The caller adds the partial sums in plane order, so a sum is the same
 * however the planes were shared out: results do not depend on the thread count.
 *
 * Levels: 0 is the fine label stencil (float32 vectors), k >= 1 the stored levels
 * (double). Vectors are named by their index in `vectors`.
 */
import { labelApplyRange, labelResidualRange, type LabelStencil } from "./label-stencil.js";
import {
  labelProlongPlane, labelRbDiag, labelRbSweep, labelRestrictRed,
  stencilAddPlane, stencilProlongPlane, stencilRbDiag, stencilRbSweep, stencilResidualPlane, stencilRestrictRed,
} from "./red-black.js";
import type { Stencil7 } from "./stencil.js";
import type { LabelKernels, WasmKernels } from "./wasm/kernels.js";

/** Operations (the `op` of a task). */
export const SlabOp = {
  /** x = b / d on colour c (level k). */
  diag: 0,
  /** x = (b + sum g x_j) / d on colour c; partial: sum b x (fine level). */
  sweep: 1,
  /** bc (level k + 1) = restricted red residual of x (level k); runs over the planes of level k + 1. */
  restrict: 2,
  /** x (level k) += scale xc (level k + 1). */
  prolong: 3,
  /** b -= A x (stored level k). */
  residualInPlace: 4,
  /** x += w (stored level k). */
  add: 5,
  /** q = A p (fine); partial: p . q. */
  apply: 6,
  /** x64 += alpha p; r -= alpha q (fine; x64 double); partial: r . r. */
  step: 7,
  /** p = z + beta p (fine). */
  xpby: 8,
  /** r = b - A x64 (fine); partial: ||r||^2 in double. */
  residual: 9,
  /** Ends a worker (slab-team.ts). */
  stop: 10,
  /** The forward sweep from zero on level k: diag on red, then sweep on black, as a wavefront over the planes (see runSlab). */
  forward: 11,
} as const;

export interface SlabViews {
  readonly fine: LabelStencil;
  /** levels[k - 1]: stored level k. */
  readonly levels: readonly Stencil7[];
  /** shifts[k]: aggregate shift from level k to k + 1. */
  readonly shifts: readonly (readonly [number, number, number])[];
  readonly vectors: readonly (Float32Array | Float64Array)[];
}

/** One task: the operation, its level, colour, up to four vectors and a scalar. */
export interface SlabTask {
  op: number;
  level: number;
  colour: number;
  v0: number;
  v1: number;
  v2: number;
  v3: number;
  scalar: number;
}

/** The WebAssembly kernels a thread runs (undefined: JavaScript). */
export interface SlabWasm {
  readonly label: LabelKernels;
  readonly stored: WasmKernels;
}

/** Planes of level k (z-planes of its box). */
export function levelPlanes(v: SlabViews, k: number): number {
  return k === 0 ? v.fine.nz : v.levels[k - 1]!.nz;
}

/** Run `task` on planes [z0, z1) of its level (for restrict: of level k + 1), each plane's partial sum into partial[z]. */
export function runSlab(v: SlabViews, w: SlabWasm | undefined, t: SlabTask, z0: number, z1: number, partial: Float64Array): void {
  const F = v.fine, k = t.level, vec = v.vectors;
  const f32 = (id: number): Float32Array => vec[id] as Float32Array;
  const f64 = (id: number): Float64Array => vec[id] as Float64Array;
  switch (t.op) {
    case SlabOp.forward: {
      // red plane z + 1, then black plane z: the black plane's red neighbours are done and still
      // in cache. The red planes next to the slab (z0 - 1 and z1) are also computed by the
      // neighbouring slabs' threads: they read nothing but b and the operator, so both write
      // the same values, and no thread reads a red plane before it has written it itself.
      const planes = levelPlanes(v, k);
      const red = (z: number): void => {
        if (z < 0 || z >= planes) return;
        if (k === 0) {
          if (w !== undefined) w.label.rbDiag(0, f32(t.v0), f32(t.v1), z);
          else labelRbDiag(F, 0, f32(t.v0), f32(t.v1), z);
        } else if (w !== undefined) w.stored.rbDiag(v.levels[k - 1]!, 0, f64(t.v0), f64(t.v1), z);
        else stencilRbDiag(v.levels[k - 1]!, 0, f64(t.v0), f64(t.v1), z);
      };
      if (z1 > z0) {
        red(z0 - 1);
        red(z0);
      }
      for (let z = z0; z < z1; z++) {
        red(z + 1);
        if (k === 0) {
          if (w !== undefined) w.label.rbSweep(1, f32(t.v0), f32(t.v1), z);
          else labelRbSweep(F, 1, f32(t.v0), f32(t.v1), z);
        } else if (w !== undefined) w.stored.rbSweep(v.levels[k - 1]!, 1, f64(t.v0), f64(t.v1), z);
        else stencilRbSweep(v.levels[k - 1]!, 1, f64(t.v0), f64(t.v1), z);
      }
      return;
    }
    case SlabOp.diag:
      for (let z = z0; z < z1; z++) {
        if (k === 0) {
          if (w !== undefined) w.label.rbDiag(t.colour, f32(t.v0), f32(t.v1), z);
          else labelRbDiag(F, t.colour, f32(t.v0), f32(t.v1), z);
        } else if (w !== undefined) w.stored.rbDiag(v.levels[k - 1]!, t.colour, f64(t.v0), f64(t.v1), z);
        else stencilRbDiag(v.levels[k - 1]!, t.colour, f64(t.v0), f64(t.v1), z);
      }
      return;
    case SlabOp.sweep:
      for (let z = z0; z < z1; z++) {
        if (k === 0) partial[z] = w !== undefined ? w.label.rbSweep(t.colour, f32(t.v0), f32(t.v1), z) : labelRbSweep(F, t.colour, f32(t.v0), f32(t.v1), z);
        else if (w !== undefined) w.stored.rbSweep(v.levels[k - 1]!, t.colour, f64(t.v0), f64(t.v1), z);
        else stencilRbSweep(v.levels[k - 1]!, t.colour, f64(t.v0), f64(t.v1), z);
      }
      return;
    case SlabOp.restrict: {
      const C = v.levels[k]!, shift = v.shifts[k]!, bc = f64(t.v1);
      const nzFine = k === 0 ? F.nz : v.levels[k - 1]!.nz;
      const plane = C.nx * C.ny;
      for (let zc = z0; zc < z1; zc++) {
        bc.fill(0, C.pad + plane * zc, C.pad + plane * (zc + 1));
        const zEnd = Math.min(nzFine, (zc + 1) << shift[2]);
        for (let z = zc << shift[2]; z < zEnd; z++) {
          if (k === 0) {
            if (w !== undefined) w.label.restrictRed(shift, f32(t.v0), C, bc, z);
            else labelRestrictRed(F, shift, f32(t.v0), C, bc, z);
          } else if (w !== undefined) w.stored.restrictRed(v.levels[k - 1]!, shift, f64(t.v0), C, bc, z);
          else stencilRestrictRed(v.levels[k - 1]!, shift, f64(t.v0), C, bc, z);
        }
      }
      return;
    }
    case SlabOp.prolong: {
      const C = v.levels[k]!, shift = v.shifts[k]!;
      for (let z = z0; z < z1; z++) {
        if (k === 0) {
          if (w !== undefined) w.label.prolongPlane(shift, f32(t.v0), C, f64(t.v1), t.scalar, z);
          else labelProlongPlane(F, shift, f32(t.v0), C, f64(t.v1), t.scalar, z);
        } else if (w !== undefined) w.stored.prolongPlane(v.levels[k - 1]!, shift, f64(t.v0), C, f64(t.v1), t.scalar, z);
        else stencilProlongPlane(v.levels[k - 1]!, shift, f64(t.v0), C, f64(t.v1), t.scalar, z);
      }
      return;
    }
    case SlabOp.residualInPlace:
      for (let z = z0; z < z1; z++) {
        if (w !== undefined) w.stored.residualPlane(v.levels[k - 1]!, f64(t.v0), f64(t.v1), z);
        else stencilResidualPlane(v.levels[k - 1]!, f64(t.v0), f64(t.v1), z);
      }
      return;
    case SlabOp.add:
      for (let z = z0; z < z1; z++) stencilAddPlane(v.levels[k - 1]!, f64(t.v0), f64(t.v1), z);
      return;
    case SlabOp.apply:
      for (let z = z0; z < z1; z++) {
        const i0 = F.start + F.sz * z;
        partial[z] = w !== undefined ? w.label.applyRange(f32(t.v0), f32(t.v1), i0, i0 + F.sz) : labelApplyRange(F, f32(t.v0), f32(t.v1), i0, i0 + F.sz);
      }
      return;
    case SlabOp.step: {
      const x = f64(t.v0), r = f32(t.v1), p = f32(t.v2), q = f32(t.v3), alpha = t.scalar;
      for (let z = z0; z < z1; z++) {
        const i0 = F.start + F.sz * z, i1 = i0 + F.sz;
        for (let i = i0; i < i1; i++) x[i]! += alpha * p[i]!;
        if (w !== undefined) partial[z] = w.stored.update32(r.subarray(i0, i1), q.subarray(i0, i1), alpha);
        else {
          let rr = 0;
          for (let i = i0; i < i1; i++) {
            const s = Math.fround(r[i]! - alpha * q[i]!);
            r[i] = s;
            rr += s * s;
          }
          partial[z] = rr;
        }
      }
      return;
    }
    case SlabOp.xpby: {
      const zv = f32(t.v0), p = f32(t.v1), beta = t.scalar;
      const i0 = F.start + F.sz * z0, i1 = F.start + F.sz * z1;
      if (w !== undefined) w.stored.xpby32(zv.subarray(i0, i1), p.subarray(i0, i1), beta);
      else for (let i = i0; i < i1; i++) p[i] = zv[i]! + beta * p[i]!;
      return;
    }
    case SlabOp.residual:
      for (let z = z0; z < z1; z++) {
        const i0 = F.start + F.sz * z;
        partial[z] = labelResidualRange(F, f64(t.v0), f32(t.v1), i0, i0 + F.sz);
      }
      return;
    default:
      throw new Error(`slab program: unknown operation ${t.op}`);
  }
}

/** Where one typed array lives: buffer 0 (the arena's memory) or 1 (the double solution), byte offset, length, element type. */
export interface ViewPlan {
  readonly buffer: 0 | 1;
  readonly offset: number;
  readonly length: number;
  readonly type: "u8" | "f32" | "f64";
}

/** The views of a SlabViews as offsets into two shared buffers (what a worker thread is sent). */
export interface SlabPlan {
  readonly fine: Omit<LabelStencil, "code" | "gx" | "gy" | "gz" | "weight" | "guard" | "wasm" | "arenaKernels"> & { readonly arrays: Record<"code" | "gx" | "gy" | "gz" | "weight" | "guard", ViewPlan> };
  readonly levels: readonly (Pick<Stencil7, "nx" | "ny" | "nz" | "n" | "pad" | "length"> & { readonly arrays: Record<"cx" | "cy" | "cz" | "shuntLow" | "shuntHigh" | "self" | "invDiag", ViewPlan> })[];
  readonly shifts: readonly (readonly [number, number, number])[];
  readonly vectors: readonly ViewPlan[];
}

type Typed = Uint8Array | Float32Array | Float64Array;

/** The plan of `v`, whose arrays must all be views of `arena` or `x` (throws otherwise). */
export function slabPlan(v: SlabViews, arena: ArrayBufferLike, x: ArrayBufferLike): SlabPlan {
  const at = (a: Typed): ViewPlan => {
    const buffer = a.buffer === arena ? 0 : a.buffer === x ? 1 : -1;
    if (buffer < 0) throw new Error("slab plan: an array outside the shared buffers");
    return { buffer: buffer as 0 | 1, offset: a.byteOffset, length: a.length, type: a instanceof Uint8Array ? "u8" : a instanceof Float32Array ? "f32" : "f64" };
  };
  const F = v.fine;
  return {
    fine: {
      nx: F.nx, ny: F.ny, nz: F.nz, n: F.n, sy: F.sy, sz: F.sz, start: F.start, end: F.end, length: F.length, codes: F.codes,
      arrays: { code: at(F.code), gx: at(F.gx), gy: at(F.gy), gz: at(F.gz), weight: at(F.weight), guard: at(F.guard) },
    },
    levels: v.levels.map((A) => ({
      nx: A.nx, ny: A.ny, nz: A.nz, n: A.n, pad: A.pad, length: A.length,
      arrays: { cx: at(A.cx), cy: at(A.cy), cz: at(A.cz), shuntLow: at(A.shuntLow), shuntHigh: at(A.shuntHigh), self: at(A.self), invDiag: at(A.invDiag) },
    })),
    shifts: v.shifts,
    vectors: v.vectors.map(at),
  };
}

/** Views of a plan over the two buffers (a worker's copy of the caller's SlabViews). */
export function slabViewsFromPlan(p: SlabPlan, arena: ArrayBufferLike, x: ArrayBufferLike): SlabViews {
  const view = (q: ViewPlan): Typed => {
    const b = q.buffer === 0 ? arena : x;
    return q.type === "u8" ? new Uint8Array(b, q.offset, q.length) : q.type === "f32" ? new Float32Array(b, q.offset, q.length) : new Float64Array(b, q.offset, q.length);
  };
  const d = (q: ViewPlan): Float64Array => view(q) as Float64Array;
  const { arrays: fa, ...fine } = p.fine;
  return {
    fine: { ...fine, code: view(fa.code) as Uint8Array, gx: d(fa.gx), gy: d(fa.gy), gz: d(fa.gz), weight: d(fa.weight), guard: d(fa.guard) },
    levels: p.levels.map(({ arrays: a, ...dims }) => ({ ...dims, cx: d(a.cx), cy: d(a.cy), cz: d(a.cz), shuntLow: d(a.shuntLow), shuntHigh: d(a.shuntHigh), self: d(a.self), invDiag: d(a.invDiag) })),
    shifts: p.shifts,
    vectors: p.vectors.map((q) => view(q) as Float32Array | Float64Array),
  };
}
