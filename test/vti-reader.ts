/**
 * A minimal reader of VTK XML ImageData files with raw appended data, written for the tests
 * from the VTK file-format description alone (it shares no code with src/report/vti.ts):
 * the XML header up to the '_' that opens <AppendedData>, attributes read with regular
 * expressions, then each DataArray at its offset after the '_': a UInt32 or UInt64 byte
 * count (header_type), then the values, little- or big-endian (byte_order).
 */
export interface VtiRead {
  readonly extent: number[];
  readonly origin: number[];
  readonly spacing: number[];
  /** Cells (voxels) along x, y, z: the extent counts points. */
  readonly cells: [number, number, number];
  readonly byteOrder: string;
  readonly headerType: string;
  readonly comment: string;
  /** CellData arrays by name, as plain numbers. */
  readonly cellData: Map<string, { type: string; values: number[] }>;
}

function attr(tag: string, name: string): string {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  if (m === null) throw new Error(`attribute ${name} missing in ${tag}`);
  return m[1]!;
}

const SIZES: Record<string, number> = { Int8: 1, UInt8: 1, Int16: 2, UInt16: 2, Int32: 4, UInt32: 4, Int64: 8, UInt64: 8, Float32: 4, Float64: 8 };

function readValue(view: DataView, p: number, type: string, little: boolean): number {
  switch (type) {
    case "Int8": return view.getInt8(p);
    case "UInt8": return view.getUint8(p);
    case "Int16": return view.getInt16(p, little);
    case "UInt16": return view.getUint16(p, little);
    case "Int32": return view.getInt32(p, little);
    case "UInt32": return view.getUint32(p, little);
    case "Float32": return view.getFloat32(p, little);
    case "Float64": return view.getFloat64(p, little);
    default: throw new Error(`type ${type} not read by this test reader`);
  }
}

export function readVti(bytes: Uint8Array): VtiRead {
  // the text part ends at the '_' after <AppendedData ...>; everything before it is ASCII
  const latin = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const open = /<AppendedData\s+encoding="raw"\s*>\s*_/.exec(latin);
  if (open === null) throw new Error("no raw <AppendedData> block");
  const start = open.index + open[0].length; // first byte after '_'
  const header = latin.slice(0, open.index);
  const file = /<VTKFile[^>]*>/.exec(header)![0];
  if (attr(file, "type") !== "ImageData") throw new Error("not ImageData");
  const byteOrder = attr(file, "byte_order");
  const headerType = /header_type="/.test(file) ? attr(file, "header_type") : "UInt32";
  const image = /<ImageData[^>]*>/.exec(header)![0];
  const nums = (s: string): number[] => s.trim().split(/\s+/).map(Number);
  const extent = nums(attr(image, "WholeExtent"));
  const cells: [number, number, number] = [extent[1]! - extent[0]!, extent[3]! - extent[2]!, extent[5]! - extent[4]!];
  const cellBlock = /<CellData[^>]*>([\s\S]*?)<\/CellData>/.exec(header)?.[1] ?? "";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = byteOrder === "LittleEndian";
  const cellData = new Map<string, { type: string; values: number[] }>();
  for (const m of cellBlock.matchAll(/<DataArray[^>]*\/>/g)) {
    const tag = m[0];
    if (attr(tag, "format") !== "appended") throw new Error("only appended arrays are read");
    const type = attr(tag, "type");
    let p = start + Number(attr(tag, "offset"));
    const byteCount = headerType === "UInt64" ? Number(view.getBigUint64(p, little)) : view.getUint32(p, little);
    p += headerType === "UInt64" ? 8 : 4;
    const n = byteCount / SIZES[type]!;
    const values: number[] = [];
    for (let i = 0; i < n; i++) values.push(readValue(view, p + i * SIZES[type]!, type, little));
    cellData.set(attr(tag, "Name"), { type, values });
  }
  return {
    extent,
    origin: nums(attr(image, "Origin")),
    spacing: nums(attr(image, "Spacing")),
    cells,
    byteOrder,
    headerType,
    comment: /<!--([\s\S]*?)-->/.exec(header)?.[1] ?? "",
    cellData,
  };
}
