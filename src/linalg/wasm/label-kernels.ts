/**
 * WebAssembly versions of the label-stencil kernels (label-stencil.ts), compiled for one
 * stencil: its strides, code count and the addresses of its codes and tables are constants
 * of the module, so a neighbour's code or value is one load with an immediate offset from
 * the cell's position and a bond is one load from the cell's table row. (Passing the
 * strides as arguments, every neighbour costs an address computation: a quarter more
 * instructions per cell.) Each kernel performs the floating-point operations of its
 * JavaScript twin in the same order, with values rounded to float32 where the JavaScript
 * stores into a Float32Array, so the two agree bit for bit (tested).
 *
 * Inside, J = i - sz counts entries (so the lowest neighbour, i - sz, sits at offset 0):
 * codes are read at J + code + sz + delta, float32 vectors at V + 4 J + 4 (sz + delta),
 * bonds at (c << (shift + 3)) + (c_j << 3) + table (tables are symmetric, rows of 2^shift).
 * The float32 vector operations (update32, xpby32) do not depend on the stencil.
 */
import { labelRedBlackDefs } from "./red-black-kernels.js";
import {
  F64, I32, add, doWhile, encodeModule, fadd, fdiv, fmul, fround, fsub, fsum, get, gtU, i32, load, loadF32, loadU8, ltU, mul, seq, set, shl, shrU, store, storeF32, sub,
  type Code, type FunctionDef,
} from "./encoder.js";

/** The constants a label module is compiled for (byte addresses in the kernels' memory). */
export interface LabelLayout {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly sy: number;
  readonly sz: number;
  readonly start: number;
  readonly end: number;
  /** log2 of the table row length. */
  readonly shift: number;
  readonly code: number;
  readonly gx: number;
  readonly gy: number;
  readonly gz: number;
  readonly weight: number;
  readonly guard: number;
}

export const inc = (i: number, by = 1): Code => set(i, add(get(i), i32(by)));

/** Reads of the cell at J and its neighbours for a layout; C and RB (the cell's code and table row) must be set by `head`. */
export function cellReads(l: LabelLayout, J: number, C: number, RB: number) {
  const codeAt = (delta: number): Code => loadU8(get(J), l.code + l.sz + delta);
  const bond = (table: number, delta: number): Code => load(add(get(RB), shl(codeAt(delta), i32(3))), table);
  return {
    head: seq(set(C, codeAt(0)), set(RB, shl(get(C), i32(l.shift + 3)))),
    weight: load(shl(get(C), i32(3)), l.weight),
    guard: load(shl(get(C), i32(3)), l.guard),
    gl: bond(l.gx, -1),
    gr: bond(l.gx, 1),
    gd: bond(l.gy, -l.sy),
    gu: bond(l.gy, l.sy),
    gb: bond(l.gz, -l.sz),
    gf: bond(l.gz, l.sz),
    /** float32 at the vector address A (= V + 4 J) for neighbour delta. */
    at: (A: number, delta: number): Code => loadF32(get(A), 4 * (l.sz + delta)),
  };
}

/** q = A p; returns p . q (labelApply). Params: P, Q (byte addresses). */
function applyDef(l: LabelLayout): FunctionDef {
  const [P, Q, J, J4, C, RB, PA, V, S, PQ] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const c = cellReads(l, J, C, RB);
  const diff = (delta: number): Code => fsub(get(V), c.at(PA, delta));
  return {
    name: "labelApply",
    params: [I32, I32],
    results: [F64],
    locals: [I32, I32, I32, I32, I32, F64, F64, F64],
    body: seq(
      set(J, i32(l.start - l.sz)),
      set(J4, i32(4 * (l.start - l.sz))),
      doWhile(
        seq(
          set(PA, add(get(P), get(J4))),
          c.head,
          set(V, c.at(PA, 0)),
          set(
            S,
            fround(
              fmul(
                c.weight,
                fsum(
                  fmul(c.gr, diff(1)),
                  fmul(c.gl, diff(-1)),
                  fmul(c.gu, diff(l.sy)),
                  fmul(c.gd, diff(-l.sy)),
                  fmul(c.gf, diff(l.sz)),
                  fmul(c.gb, diff(-l.sz)),
                ),
              ),
            ),
          ),
          storeF32(add(get(Q), get(J4)), get(S), 4 * l.sz),
          set(PQ, fadd(get(PQ), fmul(get(V), get(S)))),
          inc(J),
          inc(J4, 4),
        ),
        ltU(get(J), i32(l.end - l.sz)),
      ),
      get(PQ),
    ),
  };
}

/** Forward Gauss-Seidel from zero (labelGaussSeidelForwardFromZero). Params: B, X. */
function gsForwardZeroDef(l: LabelLayout): FunctionDef {
  const [B, X, J, J4, C, RB, XA, XM, GL, GD, GB, INV, VV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const c = cellReads(l, J, C, RB);
  return {
    name: "labelGsForwardZero",
    params: [I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64],
    body: seq(
      set(J, i32(l.start - l.sz)),
      set(J4, i32(4 * (l.start - l.sz))),
      doWhile(
        seq(
          set(XA, add(get(X), get(J4))),
          c.head,
          set(GL, c.gl),
          set(GD, c.gd),
          set(GB, c.gb),
          set(INV, fdiv(c.weight, fadd(fsum(get(GL), c.gr, get(GD), c.gu, get(GB), c.gf), c.guard))),
          set(
            VV,
            fadd(
              fmul(fsum(loadF32(add(get(B), get(J4)), 4 * l.sz), fmul(get(GD), c.at(XA, -l.sy)), fmul(get(GB), c.at(XA, -l.sz))), get(INV)),
              fmul(fmul(get(GL), get(INV)), get(XM)),
            ),
          ),
          storeF32(get(XA), get(VV), 4 * l.sz),
          set(XM, get(VV)),
          inc(J),
          inc(J4, 4),
        ),
        ltU(get(J), i32(l.end - l.sz)),
      ),
    ),
  };
}

/** Backward Gauss-Seidel (labelGaussSeidelBackward); returns b . x of the swept values. Params: B, X. */
function gsBackwardDef(l: LabelLayout): FunctionDef {
  const [B, X, J, J4, C, RB, XA, BA, XP, GL, GR, GD, GU, GB, GF, INV, VV, BX] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const c = cellReads(l, J, C, RB);
  return {
    name: "labelGsBackward",
    params: [I32, I32],
    results: [F64],
    locals: [I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    body: seq(
      set(J, i32(l.end - l.sz)),
      set(J4, i32(4 * (l.end - l.sz))),
      set(XP, loadF32(add(get(X), get(J4)), 4 * l.sz)),
      doWhile(
        seq(
          set(J, sub(get(J), i32(1))),
          set(J4, sub(get(J4), i32(4))),
          set(XA, add(get(X), get(J4))),
          set(BA, add(get(B), get(J4))),
          c.head,
          set(GR, c.gr),
          set(GL, c.gl),
          set(GU, c.gu),
          set(GD, c.gd),
          set(GF, c.gf),
          set(GB, c.gb),
          set(INV, fdiv(c.weight, fadd(fsum(get(GL), get(GR), get(GD), get(GU), get(GB), get(GF)), c.guard))),
          set(
            VV,
            fadd(
              fmul(
                fsum(
                  loadF32(get(BA), 4 * l.sz),
                  fmul(get(GL), c.at(XA, -1)),
                  fmul(get(GU), c.at(XA, l.sy)),
                  fmul(get(GD), c.at(XA, -l.sy)),
                  fmul(get(GF), c.at(XA, l.sz)),
                  fmul(get(GB), c.at(XA, -l.sz)),
                ),
                get(INV),
              ),
              fmul(fmul(get(GR), get(INV)), get(XP)),
            ),
          ),
          storeF32(get(XA), get(VV), 4 * l.sz),
          set(XP, get(VV)),
          set(BX, fadd(get(BX), fmul(loadF32(get(BA), 4 * l.sz), fround(get(VV))))),
        ),
        gtU(get(J), i32(l.start - l.sz)),
      ),
      get(BX),
    ),
  };
}

/**
 * Loops over the box rows: per row, J and J4 of its first cell and CROW (the coarse row's
 * first cell); `cell` runs per cell with XX its x.
 */
function boxRows(l: LabelLayout, p: { HY: number; HZ: number; CNX: number; CNY: number; CPAD: number }, v: { Z: number; Y: number; XX: number; J: number; J4: number; CROW: number }, cell: Code): Code {
  return seq(
    set(v.Z, i32(0)),
    doWhile(
      seq(
        set(v.Y, i32(0)),
        doWhile(
          seq(
            set(v.J, add(i32(l.start + 1 - l.sz), add(mul(i32(l.sy), get(v.Y)), mul(i32(l.sz), get(v.Z))))),
            set(v.J4, shl(get(v.J), i32(2))),
            set(v.CROW, add(get(p.CPAD), mul(get(p.CNX), add(shrU(get(v.Y), get(p.HY)), mul(get(p.CNY), shrU(get(v.Z), get(p.HZ))))))),
            set(v.XX, i32(0)),
            doWhile(seq(cell, inc(v.J), inc(v.J4, 4), inc(v.XX)), ltU(get(v.XX), i32(l.nx))),
            inc(v.Y),
          ),
          ltU(get(v.Y), i32(l.ny)),
        ),
        inc(v.Z),
      ),
      ltU(get(v.Z), i32(l.nz)),
    ),
  );
}

/** bc[agg(i)] += g_r x_{i+1} + g_u x_{i+sy} + g_f x_{i+sz} (labelRestrictUpper; bc cleared by the caller). Params: X, BC, HX, HY, HZ, CNX, CNY, CPAD. */
function restrictDef(l: LabelLayout): FunctionDef {
  const [X, BC, HX, HY, HZ, CNX, CNY, CPAD] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [Z, Y, XX, J, J4, CROW, C, RB, XA, A] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const c = cellReads(l, J, C, RB);
  const cell = seq(
    set(XA, add(get(X), get(J4))),
    c.head,
    set(A, add(get(BC), shl(add(get(CROW), shrU(get(XX), get(HX))), i32(3)))),
    store(get(A), fadd(load(get(A)), fsum(fmul(c.gr, c.at(XA, 1)), fmul(c.gu, c.at(XA, l.sy)), fmul(c.gf, c.at(XA, l.sz))))),
  );
  return {
    name: "labelRestrictUpper",
    params: Array<typeof I32>(8).fill(I32),
    results: [],
    locals: Array<typeof I32>(10).fill(I32),
    body: boxRows(l, { HY, HZ, CNX, CNY, CPAD }, { Z, Y, XX, J, J4, CROW }, cell),
  };
}

/** x_i += scale xc[agg(i)] (labelProlongAdd). Params: X, XC, HX, HY, HZ, CNX, CNY, CPAD, SCALE. */
function prolongDef(l: LabelLayout): FunctionDef {
  const [X, XC, HX, HY, HZ, CNX, CNY, CPAD, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [Z, Y, XX, J, J4, CROW, XA] = [9, 10, 11, 12, 13, 14, 15];
  const cell = seq(
    set(XA, add(get(X), get(J4))),
    storeF32(get(XA), fadd(loadF32(get(XA), 4 * l.sz), fmul(get(SCALE), load(add(get(XC), shl(add(get(CROW), shrU(get(XX), get(HX))), i32(3)))))), 4 * l.sz),
  );
  return {
    name: "labelProlong",
    params: [...Array<typeof I32>(8).fill(I32), F64],
    results: [],
    locals: Array<typeof I32>(7).fill(I32),
    body: boxRows(l, { HY, HZ, CNX, CNY, CPAD }, { Z, Y, XX, J, J4, CROW }, cell),
  };
}

/** The module of one label stencil's kernels (imports the memory as env.memory). */
export function encodeLabelModule(l: LabelLayout, shared = false): Uint8Array {
  return encodeModule([applyDef(l), gsForwardZeroDef(l), gsBackwardDef(l), restrictDef(l), prolongDef(l), ...labelRedBlackDefs(l)], shared);
}

const f32At = (base: number, index: Code): Code => loadF32(add(get(base), shl(index, i32(2))));
const f32Addr = (base: number, index: Code): Code => add(get(base), shl(index, i32(2)));

/** r -= alpha q (rounded); returns r . r. */
export function update32Def(): FunctionDef {
  const [R, Q, ALPHA, N, I, V, S] = [0, 1, 2, 3, 4, 5, 6];
  return {
    name: "update32",
    params: [I32, I32, F64, I32],
    results: [F64],
    locals: [I32, F64, F64],
    body: seq(
      doWhile(
        seq(
          set(V, fround(fsub(f32At(R, get(I)), fmul(get(ALPHA), f32At(Q, get(I)))))),
          storeF32(f32Addr(R, get(I)), get(V)),
          set(S, fadd(get(S), fmul(get(V), get(V)))),
          inc(I),
        ),
        ltU(get(I), get(N)),
      ),
      get(S),
    ),
  };
}

/** p = z + beta p (float32). */
export function xpby32Def(): FunctionDef {
  const [Z, P, BETA, N, I] = [0, 1, 2, 3, 4];
  return {
    name: "xpby32",
    params: [I32, I32, F64, I32],
    results: [],
    locals: [I32],
    body: doWhile(seq(storeF32(f32Addr(P, get(I)), fadd(f32At(Z, get(I)), fmul(get(BETA), f32At(P, get(I))))), inc(I)), ltU(get(I), get(N))),
  };
}
