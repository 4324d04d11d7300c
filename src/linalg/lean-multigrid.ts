/**
 * The aggregation multigrid of multigrid.ts with a matrix-free fine level: the fine
 * operator is a label stencil (label-stencil.ts, one byte a cell) smoothed on float32
 * vectors, and the levels below are the stored hierarchy of AggregationMultigrid, built
 * from the Galerkin operator of the label stencil (1/8 of the cells each).
 *
 * One application is the cycle of multigrid.ts with one forward Gauss-Seidel sweep from
 * zero, the restricted upper residual, the coarse correction (on level 1: one cycle of
 * the stored hierarchy for a V-cycle, two for a W-cycle, x = B b then x += B (b - A x)),
 * the prolongation and one backward sweep. It is linear and symmetric, so it serves plain
 * PCG; K-cycles are not offered here (they need flexible CG and a fourth vector).
 */
import { InputError } from "../core/errors.js";
import type { Float64Arena } from "./arena.js";
import {
  labelGalerkin,
  labelGaussSeidelBackward,
  labelGaussSeidelForwardFromZero,
  labelProlongAdd,
  labelRestrictUpper,
  type LabelStencil,
} from "./label-stencil.js";
import { AggregationMultigrid, type MultigridOptions } from "./multigrid.js";
import { createStencil, stencilArenaBytes, stencilLength, stencilResidual, type Stencil7 } from "./stencil.js";

/** Box of the first coarse level and the aggregate shift of the fine level (multigrid.ts's rule). */
function firstCoarse(nx: number, ny: number, nz: number): { shift: [number, number, number]; shape: [number, number, number] } {
  const shift: [number, number, number] = [nx > 1 ? 1 : 0, ny > 1 ? 1 : 0, nz > 1 ? 1 : 0];
  return { shift, shape: [(nx + shift[0]) >> shift[0], (ny + shift[1]) >> shift[1], (nz + shift[2]) >> shift[2]] };
}

export class LeanMultigrid {
  readonly linear = true;
  readonly cycle: "V" | "W";
  readonly length: number;
  private readonly shift: [number, number, number];
  private readonly C: Stencil7;
  private readonly coarse: AggregationMultigrid;
  private readonly b1: Float64Array;
  private readonly x1: Float64Array;
  private readonly w2: Float64Array;
  private readonly scale: number;

  /** Whether the options describe a cycle this class runs (V or W, one sweep each way). */
  static supports(options: MultigridOptions): boolean {
    return (options.cycle ?? "W") !== "K" && (options.preSweeps ?? 1) === 1 && (options.postSweeps ?? 1) === 1;
  }

  /** Arena bytes of the stored levels and their vectors under a fine box. */
  static arenaBytes(nx: number, ny: number, nz: number, options: MultigridOptions = {}): number {
    const [a, b, c] = firstCoarse(nx, ny, nz).shape;
    const vectors = (options.cycle ?? "W") === "V" ? 2 : 3;
    return stencilArenaBytes(a, b, c) + 8 * vectors * stencilLength(a, b, c) + AggregationMultigrid.arenaBytes(a, b, c, options);
  }

  constructor(private readonly fine: LabelStencil, options: MultigridOptions = {}, arena?: Float64Arena) {
    if (!LeanMultigrid.supports(options)) throw new InputError(`lean multigrid: cycle ${options.cycle ?? "W"} with ${options.preSweeps ?? 1} + ${options.postSweeps ?? 1} sweeps; supports V or W with 1 + 1`);
    if (fine.n <= 1) throw new InputError("lean multigrid: a fine box of one cell has no coarse level");
    this.cycle = (options.cycle ?? "W") as "V" | "W";
    this.scale = options.correctionScale ?? 1;
    this.length = fine.length;
    const { shift, shape } = firstCoarse(fine.nx, fine.ny, fine.nz);
    this.shift = shift;
    this.C = createStencil(shape[0], shape[1], shape[2], arena);
    labelGalerkin(fine, shift, this.C);
    const vec = (k: number): Float64Array => (arena === undefined ? new Float64Array(k) : arena.alloc(k));
    const len = this.C.length;
    this.b1 = vec(len);
    this.x1 = vec(len);
    this.w2 = this.cycle === "W" ? vec(len) : new Float64Array(0);
    this.coarse = new AggregationMultigrid(this.C, options, arena);
  }

  /** Levels including the fine one. */
  get depth(): number {
    return 1 + this.coarse.depth;
  }

  /** z = M^-1 r: one cycle from a zero guess (float32 vectors of the fine layout); returns r . z. */
  apply(r: Float32Array, z: Float32Array): number {
    const F = this.fine;
    labelGaussSeidelForwardFromZero(F, r, z);
    labelRestrictUpper(F, this.shift, z, this.C, this.b1);
    const { b1, x1, w2 } = this;
    this.coarse.apply(b1, x1);
    if (this.cycle === "W" && this.coarse.depth > 1) {
      // x = B b; x += B (b - A x) (multigrid.ts, the W-cycle's coarse solve), the residual
      // written over b (each entry reads only its own b), which saves a vector
      stencilResidual(this.C, b1, x1, b1);
      this.coarse.apply(b1, w2);
      for (let i = 0; i < x1.length; i++) x1[i]! += w2[i]!;
    }
    labelProlongAdd(F, this.shift, z, this.C, x1, this.scale);
    return labelGaussSeidelBackward(F, r, z);
  }
}
