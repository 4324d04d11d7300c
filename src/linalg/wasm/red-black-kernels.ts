/**
 * WebAssembly twins of the plane kernels of red-black.ts and of the ranged product and
 * residual of label-stencil.ts (the slab team's kernels, slab-program.ts): the same
 * floating-point operations in the same order, so the two agree bit for bit (tested).
 * Label kernels are compiled per stencil (label-kernels.ts's conventions: J = i - sz, the
 * layout's strides and addresses as constants); stored-level kernels take the stencil's
 * addresses and sides as parameters (byte addresses, as kernels.ts).
 */
import {
  F64, I32, add, and, encodeModule, fadd, fdiv, fmul, fround, fsub, fsum, get, i32, load, loadF32, ltU, mul, seq, set, shl, shrU, store, storeF32, sub, whileLoop,
  type Code, type FunctionDef,
} from "./encoder.js";
import { cellReads, inc, type LabelLayout } from "./label-kernels.js";

/**
 * Rows of plane Z of a label box, the cells of colour COL (x + y + z = COL mod 2; COL = -1:
 * every cell); per row J, J4 of its first visited cell and CROW (coarse row) when asked.
 */
function labelPlaneRows(l: LabelLayout, v: { Z: number; COL: number; Y: number; XX: number; J: number; J4: number }, cell: Code, everyCell: boolean, coarse?: { CROW: number; HY: number; HZ: number; CNX: number; CNY: number; CPAD: number }): Code {
  const step = everyCell ? 1 : 2;
  return seq(
    set(v.Y, i32(0)),
    whileLoop(
      ltU(get(v.Y), i32(l.ny)),
      seq(
        set(v.XX, everyCell ? i32(0) : and(add(get(v.COL), add(get(v.Y), get(v.Z))), i32(1))),
        set(v.J, add(i32(l.start + 1 - l.sz), add(add(mul(i32(l.sy), get(v.Y)), mul(i32(l.sz), get(v.Z))), get(v.XX)))),
        set(v.J4, shl(get(v.J), i32(2))),
        coarse === undefined
          ? []
          : set(coarse.CROW, add(get(coarse.CPAD), mul(get(coarse.CNX), add(shrU(get(v.Y), get(coarse.HY)), mul(get(coarse.CNY), shrU(get(v.Z), get(coarse.HZ))))))),
        whileLoop(ltU(get(v.XX), i32(l.nx)), seq(cell, inc(v.XX, step), inc(v.J, step), inc(v.J4, 4 * step))),
        inc(v.Y),
      ),
    ),
  );
}

/** x = b / d on colour COL of plane Z (labelRbDiag). Params: B, X, Z, COL. */
function labelRbDiagDef(l: LabelLayout): FunctionDef {
  const [B, X, Z, COL, Y, XX, J, J4, C, RB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const c = cellReads(l, J, C, RB);
  const cell = seq(
    c.head,
    storeF32(add(get(X), get(J4)), fmul(loadF32(add(get(B), get(J4)), 4 * l.sz), fdiv(c.weight, fadd(fsum(c.gl, c.gr, c.gd, c.gu, c.gb, c.gf), c.guard))), 4 * l.sz),
  );
  return { name: "labelRbDiag", params: [I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32, I32, I32], body: labelPlaneRows(l, { Z, COL, Y, XX, J, J4 }, cell, false) };
}

/** x = (b + sum g x_j) / d on colour COL of plane Z; returns sum b x (labelRbSweep). Params: B, X, Z, COL. */
function labelRbSweepDef(l: LabelLayout): FunctionDef {
  const [B, X, Z, COL, Y, XX, J, J4, C, RB, XA] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [GL, GR, GD, GU, GB, GF, V, BV, S] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
  const c = cellReads(l, J, C, RB);
  const cell = seq(
    set(XA, add(get(X), get(J4))),
    c.head,
    set(GL, c.gl), set(GR, c.gr), set(GD, c.gd), set(GU, c.gu), set(GB, c.gb), set(GF, c.gf),
    set(BV, loadF32(add(get(B), get(J4)), 4 * l.sz)),
    set(
      V,
      fround(
        fmul(
          fsum(get(BV), fmul(get(GL), c.at(XA, -1)), fmul(get(GR), c.at(XA, 1)), fmul(get(GD), c.at(XA, -l.sy)), fmul(get(GU), c.at(XA, l.sy)), fmul(get(GB), c.at(XA, -l.sz)), fmul(get(GF), c.at(XA, l.sz))),
          fdiv(c.weight, fadd(fsum(get(GL), get(GR), get(GD), get(GU), get(GB), get(GF)), c.guard)),
        ),
      ),
    ),
    storeF32(get(XA), get(V), 4 * l.sz),
    set(S, fadd(get(S), fmul(get(BV), get(V)))),
  );
  return {
    name: "labelRbSweep",
    params: [I32, I32, I32, I32],
    results: [F64],
    locals: [I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    body: seq(labelPlaneRows(l, { Z, COL, Y, XX, J, J4 }, cell, false), get(S)),
  };
}

/** bc[agg] += sum g x_j over the red cells of plane Z (labelRestrictRed). Params: X, BC, Z, HX, HY, HZ, CNX, CNY, CPAD. */
function labelRestrictRedDef(l: LabelLayout): FunctionDef {
  const [X, BC, Z, HX, HY, HZ, CNX, CNY, CPAD] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [COL, Y, XX, J, J4, C, RB, XA, CROW, A] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const c = cellReads(l, J, C, RB);
  const cell = seq(
    set(XA, add(get(X), get(J4))),
    c.head,
    set(A, add(get(BC), shl(add(get(CROW), shrU(get(XX), get(HX))), i32(3)))),
    store(
      get(A),
      fadd(load(get(A)), fsum(fmul(c.gl, c.at(XA, -1)), fmul(c.gr, c.at(XA, 1)), fmul(c.gd, c.at(XA, -l.sy)), fmul(c.gu, c.at(XA, l.sy)), fmul(c.gb, c.at(XA, -l.sz)), fmul(c.gf, c.at(XA, l.sz)))),
    ),
  );
  return {
    name: "labelRestrictRed",
    params: Array<typeof I32>(9).fill(I32),
    results: [],
    locals: Array<typeof I32>(10).fill(I32),
    body: labelPlaneRows(l, { Z, COL, Y, XX, J, J4 }, cell, false, { CROW, HY, HZ, CNX, CNY, CPAD }),
  };
}

/** x += scale xc[agg] over plane Z (labelProlongPlane). Params: X, XC, Z, HX, HY, HZ, CNX, CNY, CPAD, SCALE. */
function labelProlongPlaneDef(l: LabelLayout): FunctionDef {
  const [X, XC, Z, HX, HY, HZ, CNX, CNY, CPAD, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [COL, Y, XX, J, J4, CROW, XA] = [10, 11, 12, 13, 14, 15, 16];
  const cell = seq(
    set(XA, add(get(X), get(J4))),
    storeF32(get(XA), fadd(loadF32(get(XA), 4 * l.sz), fmul(get(SCALE), load(add(get(XC), shl(add(get(CROW), shrU(get(XX), get(HX))), i32(3)))))), 4 * l.sz),
  );
  return {
    name: "labelProlongPlane",
    params: [...Array<typeof I32>(9).fill(I32), F64],
    results: [],
    locals: Array<typeof I32>(7).fill(I32),
    body: labelPlaneRows(l, { Z, COL, Y, XX, J, J4 }, cell, true, { CROW, HY, HZ, CNX, CNY, CPAD }),
  };
}

/** q = A p over entries [I0, I1); returns p . q (labelApplyRange). Params: P, Q, I0, I1. */
function labelApplyRangeDef(l: LabelLayout): FunctionDef {
  const [P, Q, I0, I1, J, J4, C, RB, PA, V, S, PQ] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const c = cellReads(l, J, C, RB);
  const diff = (delta: number): Code => fsub(get(V), c.at(PA, delta));
  return {
    name: "labelApplyRange",
    params: [I32, I32, I32, I32],
    results: [F64],
    locals: [I32, I32, I32, I32, I32, F64, F64, F64],
    body: seq(
      set(J, sub(get(I0), i32(l.sz))),
      set(J4, shl(get(J), i32(2))),
      whileLoop(
        ltU(get(J), sub(get(I1), i32(l.sz))),
        seq(
          set(PA, add(get(P), get(J4))),
          c.head,
          set(V, c.at(PA, 0)),
          set(S, fround(fmul(c.weight, fsum(fmul(c.gr, diff(1)), fmul(c.gl, diff(-1)), fmul(c.gu, diff(l.sy)), fmul(c.gd, diff(-l.sy)), fmul(c.gf, diff(l.sz)), fmul(c.gb, diff(-l.sz)))))),
          storeF32(add(get(Q), get(J4)), get(S), 4 * l.sz),
          set(PQ, fadd(get(PQ), fmul(get(V), get(S)))),
          inc(J),
          inc(J4, 4),
        ),
      ),
      get(PQ),
    ),
  };
}

/** The red-black plane kernels of one label stencil. */
export function labelRedBlackDefs(l: LabelLayout): FunctionDef[] {
  return [labelRbDiagDef(l), labelRbSweepDef(l), labelRestrictRedDef(l), labelProlongPlaneDef(l), labelApplyRangeDef(l)];
}

// ---- stored levels (stencil.ts layout; byte addresses) ----

/** Rows of plane Z of a stored box, cells of colour COL; I is the byte index (8 i) of the cell. */
function storedPlaneRows(v: { NX: number; NY: number; PAD: number; Z: number; COL: number; Y: number; XX: number; I: number }, cell: Code, coarse?: { CROW: number; HY: number; HZ: number; CNX: number; CNY: number; CPAD: number }): Code {
  return seq(
    set(v.Y, i32(0)),
    whileLoop(
      ltU(get(v.Y), get(v.NY)),
      seq(
        set(v.XX, and(add(get(v.COL), add(get(v.Y), get(v.Z))), i32(1))),
        set(v.I, add(get(v.PAD), shl(add(get(v.XX), mul(get(v.NX), add(get(v.Y), mul(get(v.NY), get(v.Z))))), i32(3)))),
        coarse === undefined
          ? []
          : set(coarse.CROW, add(get(coarse.CPAD), mul(get(coarse.CNX), add(shrU(get(v.Y), get(coarse.HY)), mul(get(coarse.CNY), shrU(get(v.Z), get(coarse.HZ))))))),
        whileLoop(ltU(get(v.XX), get(v.NX)), seq(cell, inc(v.XX, 2), inc(v.I, 16))),
        inc(v.Y),
      ),
    ),
  );
}

/** x = b / d on colour COL of plane Z (stencilRbDiag). Params: INV, B, X, NX, NY, PAD (bytes), Z, COL. */
function storedRbDiagDef(): FunctionDef {
  const [INV, B, X, NX, NY, PAD, Z, COL, Y, XX, I] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const cell = store(add(get(X), get(I)), fmul(load(add(get(B), get(I))), load(add(get(INV), get(I)))));
  return { name: "rbDiag", params: Array<typeof I32>(8).fill(I32), results: [], locals: [I32, I32, I32], body: storedPlaneRows({ NX, NY, PAD, Z, COL, Y, XX, I }, cell) };
}

/** The six bond-times-neighbour products of cell I in red-black.ts's order (l, r, d, u, b, f). */
function storedNeighbours(p: { CX: number; CY: number; CZ: number; X: number; I: number; SY: number; SZ: number }): Code[] {
  const { CX, CY, CZ, X, I, SY, SZ } = p;
  const at = (base: number): Code => add(get(base), get(I));
  const below = (base: number, off: Code): Code => sub(at(base), off);
  return [
    fmul(load(below(CX, i32(8))), load(below(X, i32(8)))),
    fmul(load(at(CX)), load(at(X), 8)),
    fmul(load(below(CY, get(SY))), load(below(X, get(SY)))),
    fmul(load(at(CY)), load(add(at(X), get(SY)))),
    fmul(load(below(CZ, get(SZ))), load(below(X, get(SZ)))),
    fmul(load(at(CZ)), load(add(at(X), get(SZ)))),
  ];
}

/** x = (b + sum c x_j) / d on colour COL of plane Z (stencilRbSweep). Params: CX, CY, CZ, INV, B, X, NX, NY, PAD, Z, COL. */
function storedRbSweepDef(): FunctionDef {
  const [CX, CY, CZ, INV, B, X, NX, NY, PAD, Z, COL] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [Y, XX, I, SY, SZ] = [11, 12, 13, 14, 15];
  const cell = store(add(get(X), get(I)), fmul(fsum(load(add(get(B), get(I))), ...storedNeighbours({ CX, CY, CZ, X, I, SY, SZ })), load(add(get(INV), get(I)))));
  return {
    name: "rbSweep",
    params: Array<typeof I32>(11).fill(I32),
    results: [],
    locals: [I32, I32, I32, I32, I32],
    body: seq(set(SY, shl(get(NX), i32(3))), set(SZ, shl(mul(get(NX), get(NY)), i32(3))), storedPlaneRows({ NX, NY, PAD, Z, COL, Y, XX, I }, cell)),
  };
}

/** bc[agg] += sum c x_j over the red cells of plane Z (stencilRestrictRed). Params: CX, CY, CZ, X, BC, NX, NY, PAD, Z, HX, HY, HZ, CNX, CNY, CPAD (cells). */
function storedRestrictRedDef(): FunctionDef {
  const [CX, CY, CZ, X, BC, NX, NY, PAD, Z, HX, HY, HZ, CNX, CNY, CPAD] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const [COL, Y, XX, I, SY, SZ, CROW, A] = [15, 16, 17, 18, 19, 20, 21, 22];
  const cell = seq(
    set(A, add(get(BC), shl(add(get(CROW), shrU(get(XX), get(HX))), i32(3)))),
    store(get(A), fadd(load(get(A)), fsum(...storedNeighbours({ CX, CY, CZ, X, I, SY, SZ })))),
  );
  return {
    name: "restrictRed",
    params: Array<typeof I32>(15).fill(I32),
    results: [],
    locals: Array<typeof I32>(8).fill(I32),
    body: seq(
      set(SY, shl(get(NX), i32(3))),
      set(SZ, shl(mul(get(NX), get(NY)), i32(3))),
      storedPlaneRows({ NX, NY, PAD, Z, COL, Y, XX, I }, cell, { CROW, HY, HZ, CNX, CNY, CPAD }),
    ),
  };
}

/** b = b - A x over byte range [START, END) (stencilResidualPlane). Params: CX, CY, CZ, SELF, B, X, SY, SZ (bytes), START, END. */
function storedResidualRangeDef(): FunctionDef {
  const [CX, CY, CZ, SELF, B, X, SY, SZ, START, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [I, V] = [10, 11];
  const at = (base: number): Code => add(get(base), get(I));
  const up = (base: number, off: Code): Code => add(at(base), off);
  const dn = (base: number, off: Code): Code => sub(at(base), off);
  const d = (addr: Code): Code => fsub(get(V), load(addr));
  return {
    name: "residualRange",
    params: Array<typeof I32>(10).fill(I32),
    results: [],
    locals: [I32, F64],
    body: seq(
      set(I, get(START)),
      whileLoop(
        ltU(get(I), get(END)),
        seq(
          set(V, load(at(X))),
          store(
            at(B),
            fsub(
              fsub(load(at(B)), fmul(load(at(SELF)), get(V))),
              fsum(
                fmul(load(at(CX)), d(up(X, i32(8)))),
                fmul(load(dn(CX, i32(8))), d(dn(X, i32(8)))),
                fmul(load(at(CY)), d(up(X, get(SY)))),
                fmul(load(dn(CY, get(SY))), d(dn(X, get(SY)))),
                fmul(load(at(CZ)), d(up(X, get(SZ)))),
                fmul(load(dn(CZ, get(SZ))), d(dn(X, get(SZ)))),
              ),
            ),
          ),
          inc(I, 8),
        ),
      ),
    ),
  };
}

/** The stored-level plane kernels (part of kernels.ts's module). */
export function storedRedBlackDefs(): FunctionDef[] {
  return [storedRbDiagDef(), storedRbSweepDef(), storedRestrictRedDef(), storedResidualRangeDef()];
}

/** A module of the label plane kernels alone (tests). */
export function encodeLabelRedBlackModule(l: LabelLayout, shared = false): Uint8Array {
  return encodeModule(labelRedBlackDefs(l), shared);
}
