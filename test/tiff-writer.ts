/**
 * A minimal TIFF writer for tests (TIFF 6.0, little-endian, one strip per page): greyscale
 * BlackIsZero pages of 8- or 16-bit labels, uncompressed or Deflate (zlib, compression 8).
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
    return options.deflate === true ? new Uint8Array(deflateSync(raw)) : raw;
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
      [259, 3, options.deflate === true ? 8 : 1],
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
