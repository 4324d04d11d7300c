/**
 * WebAssembly versions of the hot stencil and vector kernels (stencil.ts, multigrid.ts,
 * cg.ts). V8 runs the JavaScript loops at about 7 ns per cell for a 7-point product,
 * mostly on typed-array bounds checks; the same loop compiled from WebAssembly runs at
 * about 3.5 ns (measured at 128^3 on the benchmark machine), which is the memory-bound
 * speed a C compiler gets. Each kernel performs exactly the floating-point operations of
 * its JavaScript twin in the same order, so the two agree bit for bit (tested).
 *
 * The kernels work on byte addresses in one WebAssembly.Memory: every array a kernel
 * touches must be a view into that memory (see arena.ts); the JavaScript kernels check
 * `owns` and fall back to their own loops otherwise.
 */
import type { ComplexStencil7 } from "../complex-stencil.js";
import { encodeLabelModule, update32Def, xpby32Def, type LabelLayout } from "./label-kernels.js";
import { storedRedBlackDefs } from "./red-black-kernels.js";
import type { Stencil7 } from "../stencil.js";
import {
  F64, I32, add, doWhile, encodeModule, fadd, fmul, fsub, fsum, get, gtU, i32, load, ltU, mul, select, seq, set, shl, shrU, store, sub,
  whileLoop, type Code, type FunctionDef,
} from "./encoder.js";

/** The part of the WebAssembly JS API used here (the project's TypeScript lib has no DOM types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** The global WebAssembly object, or undefined where there is none. */
export const wasmApi: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const at = (base: number, i: number): Code => add(get(base), get(i));
const atMinus = (base: number, i: number, off: Code): Code => add(get(base), sub(get(i), off));
const step = (i: number): Code => set(i, add(get(i), i32(8)));

/** y = A x, difference form: y_i = e_i v + sum c (v - x_j) (stencilApply). */
function applyDef(): FunctionDef {
  const [CX, CY, CZ, SELF, X, Y, SY, SZ, START, END, I, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const xd = (off: Code): Code => fsub(get(V), load(add(at(X, I), off)));
  const xm = (off: Code): Code => fsub(get(V), load(sub(at(X, I), off)));
  return {
    name: "apply",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, F64],
    body: seq(
      set(I, get(START)),
      doWhile(
        seq(
          set(V, load(at(X, I))),
          store(
            at(Y, I),
            fsum(
              fmul(load(at(SELF, I)), get(V)),
              fmul(load(at(CX, I)), fsub(get(V), load(at(X, I), 8))),
              fmul(load(atMinus(CX, I, i32(8))), xm(i32(8))),
              fmul(load(at(CY, I)), xd(get(SY))),
              fmul(load(atMinus(CY, I, get(SY))), xm(get(SY))),
              fmul(load(at(CZ, I)), xd(get(SZ))),
              fmul(load(atMinus(CZ, I, get(SZ))), xm(get(SZ))),
            ),
          ),
          step(I),
        ),
        ltU(get(I), get(END)),
      ),
    ),
  };
}

/**
 * y = Y v for a complex stencil in difference form (complexStencilApply): with bonds
 * a + i b and differences p + i q = v_i - v_j,
 *   Re y_i = er vr - ei vi + sum (a p - b q),  Im y_i = er vi + ei vr + sum (a q + b p).
 */
function complexApplyDef(): FunctionDef {
  const [CXR, CYR, CZR, ER, CXI, CYI, CZI, EI, XR, XI, YR, YI, SY, SZ, START, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const [I, VR, VI, SR, SI, P, Q, A, B] = [16, 17, 18, 19, 20, 21, 22, 23, 24];
  const terms: Code[] = [];
  const neighbours: [number, number, Code, Code][] = [
    [CXR, CXI, i32(0), i32(8)],
    [CXR, CXI, i32(-8), i32(-8)],
    [CYR, CYI, i32(0), get(SY)],
    [CYR, CYI, sub(i32(0), get(SY)), sub(i32(0), get(SY))],
    [CZR, CZI, i32(0), get(SZ)],
    [CZR, CZI, sub(i32(0), get(SZ)), sub(i32(0), get(SZ))],
  ];
  for (const [cr, ci, coef, nbr] of neighbours) {
    terms.push(
      seq(
        set(P, fsub(get(VR), load(add(at(XR, I), nbr)))),
        set(Q, fsub(get(VI), load(add(at(XI, I), nbr)))),
        set(A, load(add(at(cr, I), coef))),
        set(B, load(add(at(ci, I), coef))),
        set(SR, fsub(fadd(get(SR), fmul(get(A), get(P))), fmul(get(B), get(Q)))),
        set(SI, fadd(fadd(get(SI), fmul(get(A), get(Q))), fmul(get(B), get(P)))),
      ),
    );
  }
  return {
    name: "complexApply",
    params: Array<typeof I32>(16).fill(I32),
    results: [],
    locals: [I32, F64, F64, F64, F64, F64, F64, F64, F64],
    body: seq(
      set(I, get(START)),
      doWhile(
        seq(
          set(VR, load(at(XR, I))),
          set(VI, load(at(XI, I))),
          set(SR, fsub(fmul(load(at(ER, I)), get(VR)), fmul(load(at(EI, I)), get(VI)))),
          set(SI, fadd(fmul(load(at(ER, I)), get(VI)), fmul(load(at(EI, I)), get(VR)))),
          ...terms,
          store(at(YR, I), get(SR)),
          store(at(YI, I), get(SI)),
          step(I),
        ),
        ltU(get(I), get(END)),
      ),
    ),
  };
}

/** Forward Gauss-Seidel, x_i = t_i + (c_{i-1} inv_i) x_{i-1} (gaussSeidelForward). */
function gsForwardDef(): FunctionDef {
  const [CX, CY, CZ, INV, B, X, SY, SZ, START, END, I, XM, CM, C, V, IV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  return {
    name: "gsForward",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, F64, F64, F64, F64, F64],
    body: seq(
      set(I, get(START)),
      set(XM, load(atMinus(X, I, i32(8)))),
      set(CM, load(atMinus(CX, I, i32(8)))),
      doWhile(
        seq(
          set(C, load(at(CX, I))),
          set(IV, load(at(INV, I))),
          set(
            V,
            fadd(
              fmul(
                fsum(
                  load(at(B, I)),
                  fmul(get(C), load(at(X, I), 8)),
                  fmul(load(at(CY, I)), load(add(at(X, I), get(SY)))),
                  fmul(load(atMinus(CY, I, get(SY))), load(atMinus(X, I, get(SY)))),
                  fmul(load(at(CZ, I)), load(add(at(X, I), get(SZ)))),
                  fmul(load(atMinus(CZ, I, get(SZ))), load(atMinus(X, I, get(SZ)))),
                ),
                get(IV),
              ),
              fmul(fmul(get(CM), get(IV)), get(XM)),
            ),
          ),
          store(at(X, I), get(V)),
          set(XM, get(V)),
          set(CM, get(C)),
          step(I),
        ),
        ltU(get(I), get(END)),
      ),
    ),
  };
}

/** Forward Gauss-Seidel from x = 0 (gaussSeidelForwardFromZero). */
function gsForwardZeroDef(): FunctionDef {
  const [CX, CY, CZ, INV, B, X, SY, SZ, START, END, I, XM, CM, V, IV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  return {
    name: "gsForwardZero",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, F64, F64, F64, F64],
    body: seq(
      set(I, get(START)),
      doWhile(
        seq(
          set(IV, load(at(INV, I))),
          set(
            V,
            fadd(
              fmul(
                fsum(
                  load(at(B, I)),
                  fmul(load(atMinus(CY, I, get(SY))), load(atMinus(X, I, get(SY)))),
                  fmul(load(atMinus(CZ, I, get(SZ))), load(atMinus(X, I, get(SZ)))),
                ),
                get(IV),
              ),
              fmul(fmul(get(CM), get(IV)), get(XM)),
            ),
          ),
          store(at(X, I), get(V)),
          set(XM, get(V)),
          set(CM, load(at(CX, I))),
          step(I),
        ),
        ltU(get(I), get(END)),
      ),
    ),
  };
}

/** Backward Gauss-Seidel, x_i = t_i + (c_i inv_i) x_{i+1} (gaussSeidelBackward). */
function gsBackwardDef(): FunctionDef {
  const [CX, CY, CZ, INV, B, X, SY, SZ, START, END, I, XP, V, IV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  return {
    name: "gsBackward",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, F64, F64, F64],
    body: seq(
      set(I, get(END)),
      set(XP, load(at(X, I))),
      doWhile(
        seq(
          set(I, sub(get(I), i32(8))),
          set(IV, load(at(INV, I))),
          set(
            V,
            fadd(
              fmul(
                fsum(
                  load(at(B, I)),
                  fmul(load(atMinus(CX, I, i32(8))), load(atMinus(X, I, i32(8)))),
                  fmul(load(at(CY, I)), load(add(at(X, I), get(SY)))),
                  fmul(load(atMinus(CY, I, get(SY))), load(atMinus(X, I, get(SY)))),
                  fmul(load(at(CZ, I)), load(add(at(X, I), get(SZ)))),
                  fmul(load(atMinus(CZ, I, get(SZ))), load(atMinus(X, I, get(SZ)))),
                ),
                get(IV),
              ),
              fmul(fmul(load(at(CX, I)), get(IV)), get(XP)),
            ),
          ),
          store(at(X, I), get(V)),
          set(XP, get(V)),
        ),
        gtU(get(I), get(START)),
      ),
    ),
  };
}

/**
 * Loops over (z, y) rows of a fine box; `row` gets I (fine byte index of the row's first
 * cell) and CROW (byte offset of the coarse row), `cell` runs per cell with XX its x.
 */
function rowLoops(p: { PAD: number; NX: number; NY: number; NZ: number; SXs: number; SYs: number; SZs: number; CNX: number; CNY: number; CPAD: number }, l: { Z: number; Y: number; XX: number; I: number; CROW: number }, cell: Code): Code {
  return seq(
    set(l.Z, i32(0)),
    doWhile(
      seq(
        set(l.Y, i32(0)),
        doWhile(
          seq(
            set(l.I, add(get(p.PAD), shl(mul(get(p.NX), add(get(l.Y), mul(get(p.NY), get(l.Z)))), i32(3)))),
            set(l.CROW, add(get(p.CPAD), shl(mul(get(p.CNX), add(shrU(get(l.Y), get(p.SYs)), mul(get(p.CNY), shrU(get(l.Z), get(p.SZs))))), i32(3)))),
            set(l.XX, i32(0)),
            doWhile(seq(cell, step(l.I), set(l.XX, add(get(l.XX), i32(1)))), ltU(get(l.XX), get(p.NX))),
            set(l.Y, add(get(l.Y), i32(1))),
          ),
          ltU(get(l.Y), get(p.NY)),
        ),
        set(l.Z, add(get(l.Z), i32(1))),
      ),
      ltU(get(l.Z), get(p.NZ)),
    ),
  );
}

/**
 * bc[agg(i)] += t_i, t_i = cx_i x_{i+1} + cy_i x_{i+ny} + cz_i x_{i+nx ny}
 * (restrictUpperResidual). When x is coarsened the two cells of a pair are summed first,
 * bc += t_2X + t_2X+1, halving the load-store chains through bc (the JavaScript kernel
 * uses the same order).
 */
function restrictUpperDef(): FunctionDef {
  const [CX, CY, CZ, X, BC, PAD, NX, NY, NZ, SXs, SYs, SZs, CNX, CNY, CPAD, OY, OZ] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [Z, Y, XX, I, CROW, A, PAIRS] = [17, 18, 19, 20, 21, 22, 23];
  const term = (off: number): Code =>
    fsum(
      fmul(load(at(CX, I), off), load(at(X, I), off + 8)),
      fmul(load(at(CY, I), off), load(add(at(X, I), get(OY)), off)),
      fmul(load(at(CZ, I), off), load(add(at(X, I), get(OZ)), off)),
    );
  const addTo = (value: Code): Code => seq(set(A, add(get(BC), get(CROW))), store(get(A), fadd(load(get(A)), value)), set(CROW, add(get(CROW), i32(8))));
  const rows = seq(
    set(Z, i32(0)),
    whileLoop(
      ltU(get(Z), get(NZ)),
      seq(
        set(Y, i32(0)),
        whileLoop(
          ltU(get(Y), get(NY)),
          seq(
            set(I, add(get(PAD), shl(mul(get(NX), add(get(Y), mul(get(NY), get(Z)))), i32(3)))),
            set(CROW, add(get(CPAD), shl(mul(get(CNX), add(shrU(get(Y), get(SYs)), mul(get(CNY), shrU(get(Z), get(SZs))))), i32(3)))),
            set(XX, i32(0)),
            whileLoop(ltU(get(XX), get(PAIRS)), seq(addTo(fadd(term(0), term(8))), set(I, add(get(I), i32(16))), set(XX, add(get(XX), i32(1))))),
            // single cells: all of them when x is not coarsened, else the odd last one
            whileLoop(ltU(get(XX), get(CNX)), seq(addTo(term(0)), step(I), set(XX, add(get(XX), i32(1))))),
            set(Y, add(get(Y), i32(1))),
          ),
        ),
        set(Z, add(get(Z), i32(1))),
      ),
    ),
  );
  return {
    name: "restrictUpper",
    params: Array<typeof I32>(17).fill(I32),
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32],
    body: seq(set(PAIRS, select(shrU(get(NX), i32(1)), i32(0), get(SXs))), rows),
  };
}

/** x_i += scale xc[agg(i)] (prolongAdd). */
function prolongDef(): FunctionDef {
  const [X, XC, PAD, NX, NY, NZ, SXs, SYs, SZs, CNX, CNY, CPAD, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [Z, Y, XX, I, CROW] = [13, 14, 15, 16, 17];
  const cell = store(at(X, I), fadd(load(at(X, I)), fmul(get(SCALE), load(add(add(get(XC), get(CROW)), shl(shrU(get(XX), get(SXs)), i32(3)))))));
  return {
    name: "prolong",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64],
    results: [],
    locals: [I32, I32, I32, I32, I32],
    body: rowLoops({ PAD, NX, NY, NZ, SXs, SYs, SZs, CNX, CNY, CPAD }, { Z, Y, XX, I, CROW }, cell),
  };
}

/** sum a_i b_i over n8 / 8 entries (n8 > 0). */
function dotDef(): FunctionDef {
  const [A, B, N8, I, S] = [0, 1, 2, 3, 4];
  return {
    name: "dot",
    params: [I32, I32, I32],
    results: [F64],
    locals: [I32, F64],
    body: seq(doWhile(seq(set(S, fadd(get(S), fmul(load(at(A, I)), load(at(B, I))))), step(I)), ltU(get(I), get(N8))), get(S)),
  };
}

/** x += alpha p; r -= alpha q; returns r . r (the CG update). */
function cgUpdateDef(): FunctionDef {
  const [X, R, P, Q, ALPHA, N8, I, V, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  return {
    name: "cgUpdate",
    params: [I32, I32, I32, I32, F64, I32],
    results: [F64],
    locals: [I32, F64, F64],
    body: seq(
      doWhile(
        seq(
          store(at(X, I), fadd(load(at(X, I)), fmul(get(ALPHA), load(at(P, I))))),
          set(V, fsub(load(at(R, I)), fmul(get(ALPHA), load(at(Q, I))))),
          store(at(R, I), get(V)),
          set(S, fadd(get(S), fmul(get(V), get(V)))),
          step(I),
        ),
        ltU(get(I), get(N8)),
      ),
      get(S),
    ),
  };
}

/** p = z + beta p. */
function xpbyDef(): FunctionDef {
  const [Z, P, BETA, N8, I] = [0, 1, 2, 3, 4];
  return {
    name: "xpby",
    params: [I32, I32, F64, I32],
    results: [],
    locals: [I32],
    body: doWhile(seq(store(at(P, I), fadd(load(at(Z, I)), fmul(get(BETA), load(at(P, I))))), step(I)), ltU(get(I), get(N8))),
  };
}

/** [Re, Im] of sum (ar + i ai)(br + i bi) (jsComplexVectorOps.dot). */
function cdotDef(): FunctionDef {
  const [AR, AI, BR, BI, N8, I, RE, IM] = [0, 1, 2, 3, 4, 5, 6, 7];
  return {
    name: "cdot",
    params: [I32, I32, I32, I32, I32],
    results: [F64, F64],
    locals: [I32, F64, F64],
    body: seq(
      doWhile(
        seq(
          set(RE, fadd(get(RE), fsub(fmul(load(at(AR, I)), load(at(BR, I))), fmul(load(at(AI, I)), load(at(BI, I)))))),
          set(IM, fadd(get(IM), fadd(fmul(load(at(AR, I)), load(at(BI, I))), fmul(load(at(AI, I)), load(at(BR, I)))))),
          step(I),
        ),
        ltU(get(I), get(N8)),
      ),
      get(RE),
      get(IM),
    ),
  };
}

/** x += a p; r -= a q; returns |r|^2 (jsComplexVectorOps.update). */
function cupdateDef(): FunctionDef {
  const [XR, XI, RR, RI, PR, PI, QR, QI, AR, AI, N8, I, P1, P2, Q1, Q2, U, V, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  return {
    name: "cupdate",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, I32],
    results: [F64],
    locals: [I32, F64, F64, F64, F64, F64, F64, F64],
    body: seq(
      doWhile(
        seq(
          set(P1, load(at(PR, I))),
          set(P2, load(at(PI, I))),
          set(Q1, load(at(QR, I))),
          set(Q2, load(at(QI, I))),
          store(at(XR, I), fadd(load(at(XR, I)), fsub(fmul(get(AR), get(P1)), fmul(get(AI), get(P2))))),
          store(at(XI, I), fadd(load(at(XI, I)), fadd(fmul(get(AR), get(P2)), fmul(get(AI), get(P1))))),
          set(U, fsub(load(at(RR, I)), fsub(fmul(get(AR), get(Q1)), fmul(get(AI), get(Q2))))),
          set(V, fsub(load(at(RI, I)), fadd(fmul(get(AR), get(Q2)), fmul(get(AI), get(Q1))))),
          store(at(RR, I), get(U)),
          store(at(RI, I), get(V)),
          set(S, fadd(get(S), fadd(fmul(get(U), get(U)), fmul(get(V), get(V))))),
          step(I),
        ),
        ltU(get(I), get(N8)),
      ),
      get(S),
    ),
  };
}

/** p = z + b p, complex b (jsComplexVectorOps.xpby). */
function cxpbyDef(): FunctionDef {
  const [ZR, ZI, PR, PI, BR, BI, N8, I, P1, P2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  return {
    name: "cxpby",
    params: [I32, I32, I32, I32, F64, F64, I32],
    results: [],
    locals: [I32, F64, F64],
    body: doWhile(
      seq(
        set(P1, load(at(PR, I))),
        set(P2, load(at(PI, I))),
        store(at(PR, I), fsub(fadd(load(at(ZR, I)), fmul(get(BR), get(P1))), fmul(get(BI), get(P2)))),
        store(at(PI, I), fadd(fadd(load(at(ZI, I)), fmul(get(BR), get(P2))), fmul(get(BI), get(P1)))),
        step(I),
      ),
      ltU(get(I), get(N8)),
    ),
  };
}

const compiled = new Map<boolean, object>();
const labelModules = new Map<string, object>();

/** Whether a memory is shared (a SharedArrayBuffer behind it: threads may use it). */
export function isSharedMemory(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== "undefined" && (memory.buffer as ArrayBufferLike) instanceof SharedArrayBuffer;
}

/** A label stencil's kernels (label-stencil.ts has their JavaScript twins and contracts). */
export interface LabelKernels {
  /** q = A p; returns p . q. */
  apply(p: Float32Array, q: Float32Array): number;
  gsForwardZero(b: Float32Array, x: Float32Array): void;
  /** Returns b . x of the swept x. */
  gsBackward(b: Float32Array, x: Float32Array): number;
  restrictUpper(shift: readonly [number, number, number], x: Float32Array, C: Stencil7, bc: Float64Array): void;
  prolong(shift: readonly [number, number, number], x: Float32Array, C: Stencil7, xc: Float64Array, scale: number): void;
  /** The plane kernels of red-black.ts (labelRbDiag, labelRbSweep, labelRestrictRed, labelProlongPlane) and labelApplyRange. */
  rbDiag(colour: number, b: Float32Array, x: Float32Array, z: number): void;
  rbSweep(colour: number, b: Float32Array, x: Float32Array, z: number): number;
  restrictRed(shift: readonly [number, number, number], x: Float32Array, C: Stencil7, bc: Float64Array, z: number): void;
  prolongPlane(shift: readonly [number, number, number], x: Float32Array, C: Stencil7, xc: Float64Array, scale: number, z: number): void;
  applyRange(p: Float32Array, q: Float32Array, i0: number, i1: number): number;
}

/** The compiled kernel module for a shared or an unshared memory (each built once per process). */
function kernelModule(api: WasmApi, shared: boolean): object {
  let m = compiled.get(shared);
  if (m !== undefined) return m;
  m = new api.Module(
    encodeModule([applyDef(), complexApplyDef(), gsForwardDef(), gsForwardZeroDef(), gsBackwardDef(), restrictUpperDef(), prolongDef(), dotDef(), cgUpdateDef(), xpbyDef(), cdotDef(), cupdateDef(), cxpbyDef(),
      update32Def(), xpby32Def(), ...storedRedBlackDefs()], shared),
  );
  compiled.set(shared, m);
  return m;
}

type Fn = (...args: number[]) => number;
type Fn2 = (...args: number[]) => [number, number];

/** Kernels bound to one memory. All array arguments must be views into it (`owns`). */
export class WasmKernels {
  private readonly f: Record<string, Fn>;
  readonly shared: boolean;
  constructor(readonly memory: WasmMemory) {
    if (wasmApi === undefined) throw new Error("no WebAssembly in this runtime");
    this.shared = isSharedMemory(memory);
    this.f = new wasmApi.Instance(kernelModule(wasmApi, this.shared), { env: { memory } }).exports as Record<string, Fn>;
  }

  owns(a: { readonly buffer: ArrayBufferLike }): boolean {
    return a.buffer === this.memory.buffer;
  }

  private stencilArgs(s: Stencil7): [number, number, number] {
    return [s.nx * 8, s.nx * s.ny * 8, s.pad * 8];
  }

  apply(s: Stencil7, x: Float64Array, y: Float64Array): void {
    const [sy, sz, start] = this.stencilArgs(s);
    this.f.apply!(s.cx.byteOffset, s.cy.byteOffset, s.cz.byteOffset, s.self.byteOffset, x.byteOffset, y.byteOffset, sy, sz, start, start + s.n * 8);
  }

  complexApply(s: ComplexStencil7, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
    const r = s.re;
    const [sy, sz, start] = this.stencilArgs(r);
    this.f.complexApply!(
      r.cx.byteOffset, r.cy.byteOffset, r.cz.byteOffset, r.self.byteOffset, s.cxIm.byteOffset, s.cyIm.byteOffset, s.czIm.byteOffset, s.selfIm.byteOffset,
      xr.byteOffset, xi.byteOffset, yr.byteOffset, yi.byteOffset, sy, sz, start, start + r.n * 8,
    );
  }

  gsForward(s: Stencil7, b: Float64Array, x: Float64Array): void {
    const [sy, sz, start] = this.stencilArgs(s);
    this.f.gsForward!(s.cx.byteOffset, s.cy.byteOffset, s.cz.byteOffset, s.invDiag.byteOffset, b.byteOffset, x.byteOffset, sy, sz, start, start + s.n * 8);
  }

  gsForwardZero(s: Stencil7, b: Float64Array, x: Float64Array): void {
    const [sy, sz, start] = this.stencilArgs(s);
    this.f.gsForwardZero!(s.cx.byteOffset, s.cy.byteOffset, s.cz.byteOffset, s.invDiag.byteOffset, b.byteOffset, x.byteOffset, sy, sz, start, start + s.n * 8);
  }

  gsBackward(s: Stencil7, b: Float64Array, x: Float64Array): void {
    const [sy, sz, start] = this.stencilArgs(s);
    this.f.gsBackward!(s.cx.byteOffset, s.cy.byteOffset, s.cz.byteOffset, s.invDiag.byteOffset, b.byteOffset, x.byteOffset, sy, sz, start, start + s.n * 8);
  }

  restrictUpper(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, bc: Float64Array): void {
    bc.fill(0);
    this.f.restrictUpper!(
      A.cx.byteOffset, A.cy.byteOffset, A.cz.byteOffset, x.byteOffset, bc.byteOffset, A.pad * 8, A.nx, A.ny, A.nz,
      shift[0], shift[1], shift[2], C.nx, C.ny, C.pad * 8, A.nx * 8, A.nx * A.ny * 8,
    );
  }

  prolong(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, xc: Float64Array, scale: number): void {
    this.f.prolong!(x.byteOffset, xc.byteOffset, A.pad * 8, A.nx, A.ny, A.nz, shift[0], shift[1], shift[2], C.nx, C.ny, C.pad * 8, scale);
  }

  dot(a: Float64Array, b: Float64Array): number {
    return a.length === 0 ? 0 : this.f.dot!(a.byteOffset, b.byteOffset, a.length * 8);
  }

  cgUpdate(x: Float64Array, r: Float64Array, p: Float64Array, q: Float64Array, alpha: number): number {
    return x.length === 0 ? 0 : this.f.cgUpdate!(x.byteOffset, r.byteOffset, p.byteOffset, q.byteOffset, alpha, x.length * 8);
  }

  xpby(z: Float64Array, p: Float64Array, beta: number): void {
    if (z.length > 0) this.f.xpby!(z.byteOffset, p.byteOffset, beta, z.length * 8);
  }

  cdot(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): [number, number] {
    return ar.length === 0 ? [0, 0] : (this.f.cdot as unknown as Fn2)(ar.byteOffset, ai.byteOffset, br.byteOffset, bi.byteOffset, ar.length * 8);
  }

  cupdate(xr: Float64Array, xi: Float64Array, rr: Float64Array, ri: Float64Array, pr: Float64Array, pi: Float64Array, qr: Float64Array, qi: Float64Array, aR: number, aI: number): number {
    if (xr.length === 0) return 0;
    return this.f.cupdate!(xr.byteOffset, xi.byteOffset, rr.byteOffset, ri.byteOffset, pr.byteOffset, pi.byteOffset, qr.byteOffset, qi.byteOffset, aR, aI, xr.length * 8);
  }

  cxpby(zr: Float64Array, zi: Float64Array, pr: Float64Array, pi: Float64Array, bR: number, bI: number): void {
    if (zr.length > 0) this.f.cxpby!(zr.byteOffset, zi.byteOffset, pr.byteOffset, pi.byteOffset, bR, bI, zr.length * 8);
  }

  /**
   * The kernels of one label stencil (label-kernels.ts), compiled for its layout and bound
   * to this memory; a module is cached per layout, so a solve compiles it once.
   */
  labelKernels(layout: LabelLayout): LabelKernels {
    const key = JSON.stringify({ ...layout, shared: this.shared });
    let module = labelModules.get(key);
    if (module === undefined) {
      module = new wasmApi!.Module(encodeLabelModule(layout, this.shared));
      labelModules.set(key, module);
      if (labelModules.size > 8) labelModules.delete(labelModules.keys().next().value!);
    }
    const f = new wasmApi!.Instance(module, { env: { memory: this.memory } }).exports as Record<string, Fn>;
    return {
      apply: (p, q) => f.labelApply!(p.byteOffset, q.byteOffset),
      gsForwardZero: (b, x) => void f.labelGsForwardZero!(b.byteOffset, x.byteOffset),
      gsBackward: (b, x) => f.labelGsBackward!(b.byteOffset, x.byteOffset),
      restrictUpper: (shift, x, C, bc) => {
        bc.fill(0);
        f.labelRestrictUpper!(x.byteOffset, bc.byteOffset, shift[0], shift[1], shift[2], C.nx, C.ny, C.pad);
      },
      prolong: (shift, x, C, xc, scale) => void f.labelProlong!(x.byteOffset, xc.byteOffset, shift[0], shift[1], shift[2], C.nx, C.ny, C.pad, scale),
      rbDiag: (colour, b, x, z) => void f.labelRbDiag!(b.byteOffset, x.byteOffset, z, colour),
      rbSweep: (colour, b, x, z) => f.labelRbSweep!(b.byteOffset, x.byteOffset, z, colour),
      restrictRed: (shift, x, C, bc, z) => void f.labelRestrictRed!(x.byteOffset, bc.byteOffset, z, shift[0], shift[1], shift[2], C.nx, C.ny, C.pad),
      prolongPlane: (shift, x, C, xc, scale, z) => void f.labelProlongPlane!(x.byteOffset, xc.byteOffset, z, shift[0], shift[1], shift[2], C.nx, C.ny, C.pad, scale),
      applyRange: (p, q, i0, i1) => (i1 > i0 ? f.labelApplyRange!(p.byteOffset, q.byteOffset, i0, i1) : 0),
    };
  }

  /** x = b / d on colour c of plane z of a stored level (red-black.ts, stencilRbDiag). */
  rbDiag(A: Stencil7, c: number, b: Float64Array, x: Float64Array, z: number): void {
    this.f.rbDiag!(A.invDiag.byteOffset, b.byteOffset, x.byteOffset, A.nx, A.ny, A.pad * 8, z, c);
  }

  /** x = (b + sum c x_j) / d on colour c of plane z (stencilRbSweep). */
  rbSweep(A: Stencil7, c: number, b: Float64Array, x: Float64Array, z: number): void {
    this.f.rbSweep!(A.cx.byteOffset, A.cy.byteOffset, A.cz.byteOffset, A.invDiag.byteOffset, b.byteOffset, x.byteOffset, A.nx, A.ny, A.pad * 8, z, c);
  }

  /** bc[agg] += the red residual of plane z (stencilRestrictRed). */
  restrictRed(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, bc: Float64Array, z: number): void {
    this.f.restrictRed!(A.cx.byteOffset, A.cy.byteOffset, A.cz.byteOffset, x.byteOffset, bc.byteOffset, A.nx, A.ny, A.pad * 8, z, shift[0], shift[1], shift[2], C.nx, C.ny, C.pad);
  }

  /** x += scale xc[agg] over plane z (stencilProlongPlane): the box kernel on a box of that one plane. */
  prolongPlane(A: Stencil7, shift: readonly [number, number, number], x: Float64Array, C: Stencil7, xc: Float64Array, scale: number, z: number): void {
    const xAt = x.byteOffset + 8 * A.nx * A.ny * z, cAt = xc.byteOffset + 8 * C.nx * C.ny * (z >> shift[2]);
    this.f.prolong!(xAt, cAt, A.pad * 8, A.nx, A.ny, 1, shift[0], shift[1], shift[2], C.nx, C.ny, C.pad * 8, scale);
  }

  /** b = b - A x over plane z (stencilResidualPlane). */
  residualPlane(A: Stencil7, b: Float64Array, x: Float64Array, z: number): void {
    const start = 8 * (A.pad + A.nx * A.ny * z);
    this.f.residualRange!(A.cx.byteOffset, A.cy.byteOffset, A.cz.byteOffset, A.self.byteOffset, b.byteOffset, x.byteOffset, 8 * A.nx, 8 * A.nx * A.ny, start, start + 8 * A.nx * A.ny);
  }

  update32(r: Float32Array, q: Float32Array, alpha: number): number {
    return r.length === 0 ? 0 : this.f.update32!(r.byteOffset, q.byteOffset, alpha, r.length);
  }

  xpby32(z: Float32Array, p: Float32Array, beta: number): void {
    if (z.length > 0) this.f.xpby32!(z.byteOffset, p.byteOffset, beta, z.length);
  }
}
