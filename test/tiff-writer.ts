/**
 * A minimal TIFF writer for tests (TIFF 6.0, little-endian, one strip per page): greyscale
 * BlackIsZero pages of 8- or 16-bit labels, uncompressed, Deflate (zlib, compression 8) or
 * LZW (compression 5, `lzw` below).
 * `tags` overrides the value of any SHORT/LONG tag, to write the malformed files the reader
 * must refuse (another bit depth, compression code, sample format).
 */
import { deflateSync } from "node:zlib";

export interface TiffPage {
  readonly width: number;
  readonly height: number;
  /** Labels, row-major (x fastest). */
  readonly data: ArrayLike<number>;
}

export interface TiffWriteOptions {
  readonly bitsPerSample?: 8 | 16;
  readonly deflate?: boolean;
  readonly lzw?: boolean;
  /** Tag code -> value written instead (for bad-input tests). */
  readonly tags?: Readonly<Record<number, number>>;
}

export function writeTiff(pages: readonly TiffPage[], options: TiffWriteOptions = {}): Uint8Array {
  const bits = options.bitsPerSample ?? 8;
  const strips = pages.map((p) => {
    const raw = new Uint8Array(p.width * p.height * (bits / 8));
    const view = new DataView(raw.buffer);
    for (let i = 0; i < p.width * p.height; i++) {
      if (bits === 8) raw[i] = p.data[i]!;
      else view.setUint16(2 * i, p.data[i]!, true);
    }
    return options.deflate === true ? new Uint8Array(deflateSync(raw)) : options.lzw === true ? lzw(raw) : raw;
  });
  const entries = 10;
  const ifdBytes = 2 + 12 * entries + 4;
  let size = 8;
  const stripAt: number[] = [], ifdAt: number[] = [];
  strips.forEach((s, k) => {
    stripAt.push(size);
    size += s.length + (s.length % 2);
    ifdAt.push(size);
    size += ifdBytes;
    void k;
  });
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0x4949, true);
  v.setUint16(2, 42, true);
  v.setUint32(4, ifdAt[0]!, true);
  pages.forEach((p, k) => {
    out.set(strips[k]!, stripAt[k]!);
    const tags: [number, 3 | 4, number][] = [
      [256, 4, p.width],
      [257, 4, p.height],
      [258, 3, bits],
      [259, 3, options.deflate === true ? 8 : options.lzw === true ? 5 : 1],
      [262, 3, 1],
      [273, 4, stripAt[k]!],
      [277, 3, 1],
      [278, 4, p.height],
      [279, 4, strips[k]!.length],
      [339, 3, 1],
    ];
    let o = ifdAt[k]!;
    v.setUint16(o, entries, true);
    o += 2;
    for (const [code, type, value0] of tags) {
      const value = options.tags?.[code] ?? value0;
      v.setUint16(o, code, true);
      v.setUint16(o + 2, type, true);
      v.setUint32(o + 4, 1, true);
      if (type === 3) v.setUint16(o + 8, value, true);
      else v.setUint32(o + 8, value, true);
      o += 12;
    }
    v.setUint32(o, k + 1 < pages.length ? ifdAt[k + 1]! : 0, true);
  });
  return out;
}

/** Pages (z slices) of a volume stored x fastest: page z holds voxels x + nx (y + ny z). */
export function volumePages(shape: readonly [number, number, number], labels: ArrayLike<number>): TiffPage[] {
  const [nx, ny, nz] = shape;
  return Array.from({ length: nz }, (_, z) => ({ width: nx, height: ny, data: Array.from({ length: nx * ny }, (_, i) => labels[i + nx * ny * z]!) }));
}

/**
 * TIFF LZW (TIFF 6.0, section 13): codes MSB first, 256 clear, 257 end of information, codes
 * from 258; 9 bits, widening to 10, 11, 12 one code early ("early change": the decoder
 * widens when its table, one entry behind the encoder's, reaches 511, 1023, 2047); a clear
 * code before the table would pass 4093 entries.
 */
export function lzw(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0, bits = 0;
  const put = (code: number, width: number): void => {
    acc = (acc << width) | code;
    bits += width;
    while (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  let table = new Map<string, number>();
  let next = 258, width = 9;
  const widen = (): void => {
    if (next === 512) width = 10;
    else if (next === 1024) width = 11;
    else if (next === 2048) width = 12;
  };
  const codeOf = (w: string): number => (w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
  put(256, width);
  let w = "";
  for (const byte of data) {
    const c = String.fromCharCode(byte);
    if (w === "") {
      w = c;
      continue;
    }
    if (table.has(w + c)) {
      w += c;
      continue;
    }
    put(codeOf(w), width);
    table.set(w + c, next++);
    widen();
    if (next >= 4093) {
      put(256, width);
      table = new Map();
      next = 258;
      width = 9;
    }
    w = c;
  }
  if (w !== "") {
    put(codeOf(w), width);
    next++;
    widen();
  }
  put(257, width);
  if (bits > 0) out.push((acc << (8 - bits)) & 0xff);
  return Uint8Array.from(out);
}
