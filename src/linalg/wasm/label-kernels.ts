/**
 * WebAssembly versions of the label-stencil kernels (label-stencil.ts): the matrix-free
 * product, the two Gauss-Seidel sweeps, restriction and prolongation of the lean fine
 * level, and the float32 vector operations. Each performs the floating-point operations of
 * its JavaScript twin in the same order (double arithmetic, values rounded to float32 where
 * the JavaScript stores into a Float32Array), so the two agree bit for bit (tested).
 *
 * Arguments are byte addresses of the arrays in the kernels' memory and plain counts;
 * inside, I counts entries: codes are read at CODE + I, float32 vectors at V + 4 I,
 * table entries at T + 8 (a K + b).
 */
import {
  F64, I32, add, doWhile, fadd, fdiv, fmul, fround, fsub, fsum, get, gtU, i32, load, loadF32, loadU8, ltU, mul, seq, set, shl, shrU, store, storeF32, sub,
  type Code, type FunctionDef,
} from "./encoder.js";

const f32At = (base: number, index: Code): Code => loadF32(add(get(base), shl(index, i32(2))));
const f32Addr = (base: number, index: Code): Code => add(get(base), shl(index, i32(2)));
const f64At = (base: number, index: Code): Code => load(add(get(base), shl(index, i32(3))));
const inc = (i: number): Code => set(i, add(get(i), i32(1)));

/** Locals and code reading the six bonds of cell I (the JavaScript kernels' gl, gr, gd, gu, gb, gf). */
function bonds(p: { CODE: number; GX: number; GY: number; GZ: number; K: number; SY: number; SZ: number; I: number; C: number; ROW: number }) {
  const u8 = (index: Code): Code => loadU8(add(get(p.CODE), index));
  const I = get(p.I);
  const lower = (T: number, off: Code): Code => f64At(T, add(mul(u8(sub(I, off)), get(p.K)), get(p.C)));
  const upper = (T: number, off: Code): Code => f64At(T, add(get(p.ROW), u8(add(I, off))));
  return {
    head: seq(set(p.C, u8(I)), set(p.ROW, mul(get(p.C), get(p.K)))),
    gl: lower(p.GX, i32(1)),
    gr: upper(p.GX, i32(1)),
    gd: lower(p.GY, get(p.SY)),
    gu: upper(p.GY, get(p.SY)),
    gb: lower(p.GZ, get(p.SZ)),
    gf: upper(p.GZ, get(p.SZ)),
  };
}

/** q = A p (labelApply). */
export function labelApplyDef(): FunctionDef {
  const [CODE, GX, GY, GZ, W, P, Q, K, SY, SZ, START, END, I, C, ROW, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const b = bonds({ CODE, GX, GY, GZ, K, SY, SZ, I, C, ROW });
  const diff = (index: Code): Code => fsub(get(V), f32At(P, index));
  return {
    name: "labelApply",
    params: Array<typeof I32>(12).fill(I32),
    results: [],
    locals: [I32, I32, I32, F64],
    body: seq(
      set(I, get(START)),
      doWhile(
        seq(
          b.head,
          set(V, f32At(P, get(I))),
          storeF32(
            f32Addr(Q, get(I)),
            fmul(
              f64At(W, get(C)),
              fsum(
                fmul(b.gr, diff(add(get(I), i32(1)))),
                fmul(b.gl, diff(sub(get(I), i32(1)))),
                fmul(b.gu, diff(add(get(I), get(SY)))),
                fmul(b.gd, diff(sub(get(I), get(SY)))),
                fmul(b.gf, diff(add(get(I), get(SZ)))),
                fmul(b.gb, diff(sub(get(I), get(SZ)))),
              ),
            ),
          ),
          inc(I),
        ),
        ltU(get(I), get(END)),
      ),
    ),
  };
}

/** Forward Gauss-Seidel from zero (labelGaussSeidelForwardFromZero). */
export function labelGsForwardZeroDef(): FunctionDef {
  const [CODE, GX, GY, GZ, W, G, B, X, K, SY, SZ, START, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [I, C, ROW, XM, GL, GD, GB, INV, VV] = [13, 14, 15, 16, 17, 18, 19, 20, 21];
  const b = bonds({ CODE, GX, GY, GZ, K, SY, SZ, I, C, ROW });
  return {
    name: "labelGsForwardZero",
    params: Array<typeof I32>(13).fill(I32),
    results: [],
    locals: [I32, I32, I32, F64, F64, F64, F64, F64, F64],
    body: seq(
      set(I, get(START)),
      doWhile(
        seq(
          b.head,
          set(GL, b.gl),
          set(GD, b.gd),
          set(GB, b.gb),
          set(INV, fdiv(f64At(W, get(C)), fadd(fsum(get(GL), b.gr, get(GD), b.gu, get(GB), b.gf), f64At(G, get(C))))),
          set(
            VV,
            fadd(
              fmul(fsum(f32At(B, get(I)), fmul(get(GD), f32At(X, sub(get(I), get(SY)))), fmul(get(GB), f32At(X, sub(get(I), get(SZ))))), get(INV)),
              fmul(fmul(get(GL), get(INV)), get(XM)),
            ),
          ),
          storeF32(f32Addr(X, get(I)), get(VV)),
          set(XM, get(VV)),
          inc(I),
        ),
        ltU(get(I), get(END)),
      ),
    ),
  };
}

/** Backward Gauss-Seidel (labelGaussSeidelBackward). */
export function labelGsBackwardDef(): FunctionDef {
  const [CODE, GX, GY, GZ, W, G, B, X, K, SY, SZ, START, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [I, C, ROW, XP, GL, GR, GD, GU, GB, GF, INV, VV] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
  const b = bonds({ CODE, GX, GY, GZ, K, SY, SZ, I, C, ROW });
  const xAt = (index: Code): Code => f32At(X, index);
  return {
    name: "labelGsBackward",
    params: Array<typeof I32>(13).fill(I32),
    results: [],
    locals: [I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    body: seq(
      set(I, get(END)),
      set(XP, xAt(get(I))),
      doWhile(
        seq(
          set(I, sub(get(I), i32(1))),
          b.head,
          set(GR, b.gr),
          set(GL, b.gl),
          set(GU, b.gu),
          set(GD, b.gd),
          set(GF, b.gf),
          set(GB, b.gb),
          set(INV, fdiv(f64At(W, get(C)), fadd(fsum(get(GL), get(GR), get(GD), get(GU), get(GB), get(GF)), f64At(G, get(C))))),
          set(
            VV,
            fadd(
              fmul(
                fsum(
                  f32At(B, get(I)),
                  fmul(get(GL), xAt(sub(get(I), i32(1)))),
                  fmul(get(GU), xAt(add(get(I), get(SY)))),
                  fmul(get(GD), xAt(sub(get(I), get(SY)))),
                  fmul(get(GF), xAt(add(get(I), get(SZ)))),
                  fmul(get(GB), xAt(sub(get(I), get(SZ)))),
                ),
                get(INV),
              ),
              fmul(fmul(get(GR), get(INV)), get(XP)),
            ),
          ),
          storeF32(f32Addr(X, get(I)), get(VV)),
          set(XP, get(VV)),
        ),
        gtU(get(I), get(START)),
      ),
    ),
  };
}

/** Loops over the box rows: `row` sets I (the row's first cell) and CROW (the coarse row's first cell), `cell` runs per cell. */
function boxRows(p: { START1: number; SY: number; SZ: number; NX: number; NY: number; NZ: number; HY: number; HZ: number; CNX: number; CNY: number; CPAD: number }, l: { Z: number; Y: number; XX: number; I: number; CROW: number }, cell: Code): Code {
  return seq(
    set(l.Z, i32(0)),
    doWhile(
      seq(
        set(l.Y, i32(0)),
        doWhile(
          seq(
            set(l.I, add(get(p.START1), add(mul(get(p.SY), get(l.Y)), mul(get(p.SZ), get(l.Z))))),
            set(l.CROW, add(get(p.CPAD), mul(get(p.CNX), add(shrU(get(l.Y), get(p.HY)), mul(get(p.CNY), shrU(get(l.Z), get(p.HZ))))))),
            set(l.XX, i32(0)),
            doWhile(seq(cell, inc(l.I), inc(l.XX)), ltU(get(l.XX), get(p.NX))),
            inc(l.Y),
          ),
          ltU(get(l.Y), get(p.NY)),
        ),
        inc(l.Z),
      ),
      ltU(get(l.Z), get(p.NZ)),
    ),
  );
}

/** bc[agg(i)] += g_r x_{i+1} + g_u x_{i+sy} + g_f x_{i+sz} (labelRestrictUpper; bc cleared by the caller). */
export function labelRestrictUpperDef(): FunctionDef {
  const [CODE, GX, GY, GZ, X, BC, K, SY, SZ, START1, NX, NY, NZ, HX, HY, HZ, CNX, CNY, CPAD] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const [Z, Y, XX, I, CROW, C, ROW, A] = [19, 20, 21, 22, 23, 24, 25, 26];
  const b = bonds({ CODE, GX, GY, GZ, K, SY, SZ, I, C, ROW });
  const cell = seq(
    b.head,
    set(A, add(get(BC), shl(add(get(CROW), shrU(get(XX), get(HX))), i32(3)))),
    store(
      get(A),
      fadd(
        load(get(A)),
        fsum(
          fmul(b.gr, f32At(X, add(get(I), i32(1)))),
          fmul(b.gu, f32At(X, add(get(I), get(SY)))),
          fmul(b.gf, f32At(X, add(get(I), get(SZ)))),
        ),
      ),
    ),
  );
  return {
    name: "labelRestrictUpper",
    params: Array<typeof I32>(19).fill(I32),
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32],
    body: boxRows({ START1, SY, SZ, NX, NY, NZ, HY, HZ, CNX, CNY, CPAD }, { Z, Y, XX, I, CROW }, cell),
  };
}

/** x_i += scale xc[agg(i)] (labelProlongAdd). */
export function labelProlongDef(): FunctionDef {
  const [X, XC, SY, SZ, START1, NX, NY, NZ, HX, HY, HZ, CNX, CNY, CPAD, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const [Z, Y, XX, I, CROW] = [15, 16, 17, 18, 19];
  const cell = storeF32(f32Addr(X, get(I)), fadd(f32At(X, get(I)), fmul(get(SCALE), f64At(XC, add(get(CROW), shrU(get(XX), get(HX)))))));
  return {
    name: "labelProlong",
    params: [...Array<typeof I32>(14).fill(I32), F64],
    results: [],
    locals: [I32, I32, I32, I32, I32],
    body: boxRows({ START1, SY, SZ, NX, NY, NZ, HY, HZ, CNX, CNY, CPAD }, { Z, Y, XX, I, CROW }, cell),
  };
}

/** sum a_i b_i over n > 0 float32 entries, in double. */
export function dot32Def(): FunctionDef {
  const [A, B, N, I, S] = [0, 1, 2, 3, 4];
  return {
    name: "dot32",
    params: [I32, I32, I32],
    results: [F64],
    locals: [I32, F64],
    body: seq(doWhile(seq(set(S, fadd(get(S), fmul(f32At(A, get(I)), f32At(B, get(I))))), inc(I)), ltU(get(I), get(N))), get(S)),
  };
}

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
