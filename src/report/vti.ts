/**
 * Voxel fields as a VTK XML ImageData file (.vti), for ParaView (also VisIt, PyVista/VTK,
 * ITK's VTIImageIO). Chosen over legacy .vtk because its binary data are little-endian
 * (legacy binary must be big-endian, so every array would be byte-swapped) and because the
 * XML header can carry the arrays' names, ranges and a note.
 *
 * Layout (VTK File Formats, "Serial XML file formats: ImageData"):
 * - <VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64">
 * - <ImageData WholeExtent="0 nx 0 ny 0 nz" Origin="0 0 0" Spacing="hx hy hz">: extents
 *   count points, so a box of nx x ny x nz voxels is nx+1 x ny+1 x nz+1 points, and each
 *   voxel is a cell [i hx, (i+1) hx] x ... in nm; the arrays are CellData, voxel index
 *   x + nx (y + ny z) (x fastest), as the voxel grid itself.
 * - A comment at the top: the caller's note, then each array's byte offset in the file and
 *   its type as Fiji's raw import names it (Fiji has no .vti reader; File > Import > Raw
 *   with that offset, the width, height and image count reads one array as a stack).
 * - Each DataArray is format="appended" with an offset into the one AppendedData block,
 *   encoding="raw" (uncompressed bytes): after the '_' that opens the block, every array is
 *   its byte count as a little-endian UInt64, then its bytes. Raw appended data is what
 *   ParaView itself writes (compressed) and reads fastest; the file is not valid XML text
 *   past the '_', which XML-reading tools other than VTK's must skip.
 */
import { InputError, describe } from "../core/errors.js";

export type VtiArrayData = Uint8Array | Int32Array | Float32Array | Float64Array;

export interface VtiArray {
  /** Array name as ParaView shows it (letters, digits, '_'; units in the name). */
  readonly name: string;
  readonly data: VtiArrayData;
}

export interface VtiVolume {
  /** [nx, ny, nz] voxels. */
  readonly shape: readonly [number, number, number];
  /** Voxel edges along x, y, z, nm (the Spacing; the origin is 0). */
  readonly spacingNm: readonly [number, number, number];
  /** One value per voxel each, x fastest. */
  readonly arrays: readonly VtiArray[];
  /** Plain text kept as an XML comment at the top (what the arrays are, phase names). */
  readonly note?: string;
}

const TYPE_NAME = new Map<unknown, string>([
  [Uint8Array, "UInt8"],
  [Int32Array, "Int32"],
  [Float32Array, "Float32"],
  [Float64Array, "Float64"],
]);

/** Numbers in the header: shortest round-trip text. */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : "0";
}

/** Finite min and max of an array ([0, 0] when it holds no finite value). */
function range(data: VtiArrayData): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** Typed arrays hold the machine's byte order: little-endian on x64 and arm64. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The .vti file's bytes. */
export function vtiFile(volume: VtiVolume): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error("vti: this machine is big-endian; the writer copies typed arrays as they lie in memory and declares LittleEndian");
  const [nx, ny, nz] = volume.shape;
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n >= 1)) throw new InputError(`vti shape: got ${describe(volume.shape)}; must be three integers >= 1`);
  if (!(volume.spacingNm.length === 3 && volume.spacingNm.every((h) => Number.isFinite(h) && h > 0))) throw new InputError(`vti spacing: got ${describe(volume.spacingNm)}; must be three edges > 0 (nm)`);
  const n = nx * ny * nz;
  const names = new Set<string>();
  let offset = 0;
  const entries = volume.arrays.map((a, k) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.name)) throw new InputError(`vti arrays[${k}].name: got ${describe(a.name)}; use letters, digits and '_'`);
    if (names.has(a.name)) throw new InputError(`vti arrays[${k}].name: '${a.name}' given twice`);
    names.add(a.name);
    const type = TYPE_NAME.get(a.data.constructor);
    if (type === undefined) throw new InputError(`vti arrays[${k}] (${a.name}): unsupported array type; give Uint8Array, Int32Array, Float32Array or Float64Array`);
    if (a.data.length !== n) throw new InputError(`vti arrays[${k}] (${a.name}): got ${a.data.length} values; the box has ${n} voxels`);
    const [lo, hi] = range(a.data);
    const entry = { ...a, type, offset, lo, hi };
    offset += 8 + a.data.byteLength;
    return entry;
  });
  // each array's first value as a byte offset in the file, for a raw import (Fiji's File >
  // Import > Raw): the header is built with the offsets padded to a fixed width (trailing
  // spaces), so filling them in keeps its length
  const FIJI: Readonly<Record<string, string>> = { UInt8: "8-bit", Int32: "32-bit Signed", Float32: "32-bit Real", Float64: "64-bit Real" };
  const build = (start: number): string => {
    const raw = [
      `Raw import (Fiji: File > Import > Raw..., little-endian byte order, width ${nx}, height ${ny}, ${nz} images, gap 0):`,
      ...entries.map((e) => {
        const at = String(start === 0 ? 0 : start + e.offset + 8);
        return `  ${e.name}: ${FIJI[e.type]}, offset to first image ${at} bytes${" ".repeat(16 - at.length)}`;
      }),
    ];
    const lines = [...(volume.note === undefined ? [] : volume.note.split("\n")), ...(entries.length > 0 ? raw : [])];
    const note = lines.length === 0 ? [] : [`<!--`, ...lines.map((l) => `  ${l.replace(/--/g, "- -")}`), `-->`];
    return [
      `<?xml version="1.0"?>`,
      ...note,
      `<VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64">`,
      `  <ImageData WholeExtent="0 ${nx} 0 ${ny} 0 ${nz}" Origin="0 0 0" Spacing="${volume.spacingNm.map(num).join(" ")}">`,
      `    <Piece Extent="0 ${nx} 0 ${ny} 0 ${nz}">`,
      `      <PointData>`,
      `      </PointData>`,
      `      <CellData${entries.length > 0 ? ` Scalars="${entries[0]!.name}"` : ""}>`,
      ...entries.map((e) => `        <DataArray type="${e.type}" Name="${e.name}" NumberOfComponents="1" format="appended" RangeMin="${num(e.lo)}" RangeMax="${num(e.hi)}" offset="${e.offset}"/>`),
      `      </CellData>`,
      `    </Piece>`,
      `  </ImageData>`,
      `  <AppendedData encoding="raw">`,
      `   _`,
    ].join("\n");
  };
  const start = Buffer.byteLength(build(0), "utf8");
  const head = build(start);
  const tail = `\n  </AppendedData>\n</VTKFile>\n`;
  const headBytes = Buffer.from(head, "utf8");
  const tailBytes = Buffer.from(tail, "utf8");
  const out = new Uint8Array(headBytes.length + offset + tailBytes.length);
  out.set(headBytes, 0);
  const view = new DataView(out.buffer);
  let p = headBytes.length;
  for (const e of entries) {
    view.setBigUint64(p, BigInt(e.data.byteLength), true);
    p += 8;
    out.set(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength), p);
    p += e.data.byteLength;
  }
  out.set(tailBytes, p);
  return out;
}
