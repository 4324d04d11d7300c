/**
 * A small WebAssembly binary encoder: just what the stencil kernels need (one imported
 * memory, functions of i32/f64 parameters and locals, structured loops, f64 arithmetic).
 * Code is built as plain byte arrays by the helpers below, in the stack-machine order of
 * the WebAssembly core specification (https://webassembly.github.io/spec/core/binary/),
 * so each kernel reads as a nested expression.
 */

export type Code = readonly number[];

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: readonly Code[]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: Code): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

export const I32 = 0x7f;
export const F64 = 0x7c;
export type ValueType = typeof I32 | typeof F64;

// --- instructions (each returns its bytes, operands first) ---
const cat = (...parts: Code[]): number[] => parts.flat();
export const get = (i: number): Code => [0x20, ...uleb(i)];
export const set = (i: number, value: Code): Code => cat(value, [0x21, ...uleb(i)]);
export const tee = (i: number, value: Code): Code => cat(value, [0x22, ...uleb(i)]);
export const i32 = (v: number): Code => [0x41, ...sleb(v)];
export const add = (a: Code, b: Code): Code => cat(a, b, [0x6a]);
export const sub = (a: Code, b: Code): Code => cat(a, b, [0x6b]);
export const mul = (a: Code, b: Code): Code => cat(a, b, [0x6c]);
export const shl = (a: Code, b: Code): Code => cat(a, b, [0x74]);
export const shrU = (a: Code, b: Code): Code => cat(a, b, [0x76]);
export const and = (a: Code, b: Code): Code => cat(a, b, [0x71]);
export const ltU = (a: Code, b: Code): Code => cat(a, b, [0x49]);
export const gtU = (a: Code, b: Code): Code => cat(a, b, [0x4b]);
/** f64 at byte address `addr` + `offset` (natural alignment 8). */
export const load = (addr: Code, offset = 0): Code => cat(addr, [0x2b, 3, ...uleb(offset)]);
export const store = (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x39, 3, ...uleb(offset)]);
/** f32 at byte address `addr` + `offset` (alignment 4), promoted to f64. */
export const loadF32 = (addr: Code, offset = 0): Code => cat(addr, [0x2a, 2, ...uleb(offset)], [0xbb]);
/** Store the f64 `value` rounded to f32 (round to nearest, like a Float32Array store). */
export const storeF32 = (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0xb6], [0x38, 2, ...uleb(offset)]);
/** The f64 rounded to f32 and back (Math.fround). */
export const fround = (value: Code): Code => cat(value, [0xb6, 0xbb]);
/** Unsigned byte at `addr` + `offset`, as i32. */
export const loadU8 = (addr: Code, offset = 0): Code => cat(addr, [0x2d, 0, ...uleb(offset)]);
export const fadd = (a: Code, b: Code): Code => cat(a, b, [0xa0]);
export const fsub = (a: Code, b: Code): Code => cat(a, b, [0xa1]);
export const fmul = (a: Code, b: Code): Code => cat(a, b, [0xa2]);
export const fdiv = (a: Code, b: Code): Code => cat(a, b, [0xa3]);
export const f64 = (v: number): Code => {
  const b = new Uint8Array(new Float64Array([v]).buffer);
  return [0x44, ...b];
};
/** Left-to-right sum a0 + a1 + ... (the order JavaScript evaluates a + b + c in). */
export const fsum = (...terms: Code[]): Code => terms.slice(1).reduce<Code>((acc, t) => fadd(acc, t), terms[0]!);
/** do { body } while (cond): a loop whose last instruction branches back while cond != 0. */
export const doWhile = (body: Code, cond: Code): Code => cat([0x03, 0x40], body, cond, [0x0d, 0x00, 0x0b]);
/** while (cond) { body }: a block around a loop that leaves when cond == 0. */
export const whileLoop = (cond: Code, body: Code): Code => cat([0x02, 0x40, 0x03, 0x40], cond, [0x45, 0x0d, 0x01], body, [0x0c, 0x00, 0x0b, 0x0b]);
export const select = (a: Code, b: Code, cond: Code): Code => cat(a, b, cond, [0x1b]);
/** if (cond) { body } */
export const when = (cond: Code, body: Code): Code => cat(cond, [0x04, 0x40], body, [0x0b]);
export const seq = (...parts: Code[]): Code => cat(...parts);
export const ret = (value: Code): Code => cat(value, [0x0f]);

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  /** Extra locals after the parameters, by type. */
  readonly locals: readonly ValueType[];
  readonly body: Code;
}

/**
 * A module importing one memory as env.memory and exporting the given functions; `shared`:
 * the memory is a shared one (threads; its import declares the wasm32 maximum, 4 GiB).
 */
export function encodeModule(functions: readonly FunctionDef[], shared = false): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  // memory, min 1 page, no max (or shared, max 65536 pages)
  const imports = [[...name("env"), ...name("memory"), 0x02, ...(shared ? [0x03, 0x01, ...uleb(65536)] : [0x00, 0x01])]];
  const funcs = functions.map((_, k) => uleb(k));
  const exports = functions.map((f, k) => [...name(f.name), 0x00, ...uleb(k)]);
  const bodies = functions.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const code = [...locals, ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
