/**
 * Label images as users hold them: a multi-page TIFF (one page per z slice) or a folder of
 * single-page TIFF slices, greyscale 8- or 16-bit unsigned, each pixel value a label.
 *
 * Reading is two stages so that bad input fails before the grid is allocated:
 * 1. `readImageHeader` parses only the TIFF directories (no pixel data) and checks that all
 *    pages (slices) have one size, 8 or 16 bits, one sample, unsigned integers, a compression
 *    the decoder supports, BlackIsZero or palette photometry and the default orientation;
 *    a slice folder must number its files consecutively (no gaps).
 * 2. `readImageVolume` checks the crop against the header, then decodes the cropped pages a
 *    few at a time and counts the labels; labels missing from the label -> phase table are
 *    named together with their voxel counts, before the grid exists (`otherPhase` instead
 *    gives them one phase, as `mofhop image` does for the labels it was not told about).
 *    A second decoding pass maps each pixel's label to its phase in a uint8 grid.
 * Image axes: x = column, y = row, z = page (slice), so voxel (x, y, z) is pixel (x, y) of
 * page z, and the grid index is x + nx (y + ny z) as everywhere (grid.ts).
 *
 * Decoder: the `tiff` package (image-js; TypeScript, synchronous, no native code):
 * uncompressed, LZW (5) and Deflate (8, 32946), with or without the horizontal predictor,
 * strips or tiles. PNG slices are not read (no PNG decoder is a dependency).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { decode, type TiffIfd } from "tiff";
import { InputError } from "../../core/errors.js";
import { createVoxelGrid, voxelCount, type Shape3, type VoxelGrid } from "./grid.js";

/** TIFF compression codes the decoder reads, with their names. */
export const TIFF_COMPRESSIONS: ReadonlyMap<number, string> = new Map([
  [1, "none"],
  [5, "LZW"],
  [8, "Deflate"],
  [32946, "Deflate (old code)"],
]);
const ALLOWED_COMPRESSIONS = [...TIFF_COMPRESSIONS].map(([c, n]) => `${n} (${c})`).join(", ");

export interface ImageHeader {
  /** "tiff" (one multi-page file) or "slices" (a folder of single-page TIFFs). */
  readonly kind: "tiff" | "slices";
  /** The file or folder given. */
  readonly path: string;
  /** The files holding the pages, in z order (one file for "tiff"). */
  readonly files: readonly string[];
  /** [columns, rows, pages]. */
  readonly shape: Shape3;
  readonly bitsPerSample: 8 | 16;
}

/** A crop in voxel indices, half-open per axis: from[d] <= i < to[d]. */
export interface ImageCrop {
  readonly from: Shape3;
  readonly to: Shape3;
}

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read image file ${JSON.stringify(file)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Directories of a TIFF file without pixel data. */
function directories(bytes: Uint8Array, file: string): TiffIfd[] {
  try {
    return decode(bytes, { ignoreImageData: true });
  } catch (e) {
    throw new InputError(`image file ${JSON.stringify(file)} is not a readable TIFF: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Check one page's format; returns its [width, height]. */
function checkPage(ifd: TiffIfd, where: string): [number, number] {
  if (ifd.samplesPerPixel !== 1) throw new InputError(`${where}: ${ifd.samplesPerPixel} samples per pixel; allowed: 1 (a greyscale label image)`);
  const bits = ifd.bitsPerSample;
  if (bits !== 8 && bits !== 16) throw new InputError(`${where}: bit depth ${bits}; allowed: 8, 16`);
  const format = ifd.sampleFormat;
  if (format !== 1) throw new InputError(`${where}: sample format ${format} (${format === 2 ? "signed integer" : format === 3 ? "floating point" : "other"}); allowed: 1 (unsigned integer labels)`);
  const c = ifd.compression;
  if (!TIFF_COMPRESSIONS.has(c)) throw new InputError(`${where}: compression ${c}; allowed: ${ALLOWED_COMPRESSIONS}`);
  if (ifd.type !== 1 && ifd.type !== 3) {
    throw new InputError(`${where}: photometric interpretation ${ifd.type}; allowed: 1 (BlackIsZero) or 3 (palette): the pixel values are the labels`);
  }
  const orientation = ifd.orientation;
  if (orientation !== undefined && orientation !== 1) throw new InputError(`${where}: orientation ${orientation}; allowed: 1 (rows top to bottom, columns left to right)`);
  return [ifd.width, ifd.height];
}

/** Numbered TIFF slices of a folder, in order; a gap in the numbers is an error. */
function sliceFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => /\.tiff?$/i.test(n));
  if (names.length === 0) throw new InputError(`image folder ${JSON.stringify(dir)} holds no .tif or .tiff slices (PNG and other formats are not read)`);
  const numbered = names.map((name) => {
    const m = /(\d+)(?!.*\d)/.exec(basename(name, extname(name)));
    if (m === null) throw new InputError(`image folder ${JSON.stringify(dir)}: slice ${JSON.stringify(name)} has no number in its name; slices are ordered by the last number in their names`);
    return { name, k: Number(m[1]) };
  });
  numbered.sort((a, b) => a.k - b.k || (a.name < b.name ? -1 : 1));
  for (let i = 1; i < numbered.length; i++) {
    const a = numbered[i - 1]!, b = numbered[i]!;
    if (b.k === a.k) throw new InputError(`image folder ${JSON.stringify(dir)}: slices ${JSON.stringify(a.name)} and ${JSON.stringify(b.name)} have the same number ${a.k}`);
    if (b.k !== a.k + 1) {
      throw new InputError(`image folder ${JSON.stringify(dir)}: slices jump from ${a.k} (${a.name}) to ${b.k} (${b.name}); slice numbers must be consecutive (missing ${a.k + 1}${b.k > a.k + 2 ? `..${b.k - 1}` : ""})`);
    }
  }
  return numbered.map((s) => join(dir, s.name));
}

/**
 * The shape and format of a multi-page TIFF file or a folder of TIFF slices, checked
 * (every page one size, 8 or 16 bits, greyscale unsigned, a supported compression) without
 * decoding any pixel data.
 */
export function readImageHeader(path: string): ImageHeader {
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch (e) {
    throw new InputError(`cannot read image ${JSON.stringify(path)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const files = folder ? sliceFiles(path) : [path];
  let size: [number, number] | undefined, bits: number | undefined, first = "";
  let pages = 0;
  for (const file of files) {
    const ifds = directories(readBytes(file), file);
    if (folder && ifds.length !== 1) throw new InputError(`image slice ${JSON.stringify(file)} has ${ifds.length} pages; a slice in a folder must have 1`);
    ifds.forEach((ifd, p) => {
      const where = folder ? `image slice ${JSON.stringify(file)}` : `image file ${JSON.stringify(file)}, page ${p}`;
      const [w, h] = checkPage(ifd, where);
      if (size === undefined) {
        size = [w, h];
        bits = ifd.bitsPerSample;
        first = where;
      } else if (w !== size[0] || h !== size[1]) {
        throw new InputError(`${where} is ${w} x ${h} pixels; ${first} is ${size[0]} x ${size[1]}: all pages must have one size`);
      } else if (ifd.bitsPerSample !== bits) {
        throw new InputError(`${where} has bit depth ${ifd.bitsPerSample}; ${first} has ${bits}: all pages must have one bit depth`);
      }
      pages++;
    });
  }
  const shape: Shape3 = [size![0], size![1], pages];
  voxelCount(shape);
  return { kind: folder ? "slices" : "tiff", path, files, shape, bitsPerSample: bits as 8 | 16 };
}

/** The crop as half-open index ranges, checked against the image shape (whole image without a crop). */
export function checkCrop(shape: Shape3, crop: ImageCrop | undefined, field = "crop"): ImageCrop {
  if (crop === undefined) return { from: [0, 0, 0], to: shape };
  const axes = ["x", "y", "z"];
  for (let d = 0; d < 3; d++) {
    const a = crop.from[d]!, b = crop.to[d]!;
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a < b && b <= shape[d]!)) {
      throw new InputError(`${field}: ${axes[d]} from ${a} to ${b} is outside the image; allowed: integers 0 <= from < to <= ${shape[d]} (image is ${shape.join(" x ")} voxels, x = column, y = row, z = page)`);
    }
  }
  return crop;
}

export interface ImageVolumeOptions {
  /** Image label -> phase (grid label 0..255). */
  readonly phaseOfLabel: ReadonlyMap<number, number>;
  /** Phase for labels missing from the table; absent: missing labels are an error. */
  readonly otherPhase?: number;
  readonly crop?: ImageCrop;
  /** Field name used in error messages about the crop. */
  readonly cropField?: string;
}

export interface ImageVolume {
  /** The cropped grid of phases (grain 0 everywhere). */
  readonly grid: VoxelGrid;
  /** Voxels of each image label inside the crop (labels that occur). */
  readonly labelCounts: ReadonlyMap<number, number>;
}

/** Decoded pixel data of pages [first, first + count) of one file. */
function decodePages(bytes: Uint8Array, file: string, first: number, count: number): (Uint8Array | Uint16Array)[] {
  const pages = Array.from({ length: count }, (_, k) => first + k);
  try {
    return decode(bytes, { pages }).map((ifd) => ifd.data as Uint8Array | Uint16Array);
  } catch (e) {
    throw new InputError(`image file ${JSON.stringify(file)}: cannot decode pages ${first}..${first + count - 1}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Decode the (cropped) image and map its labels to phases. Every label that occurs must be in
 * `phaseOfLabel` (or `otherPhase` given); the error names the missing labels, their voxel
 * counts and the labels the table has.
 */
export function readImageVolume(header: ImageHeader, options: ImageVolumeOptions): ImageVolume {
  const { from, to } = checkCrop(header.shape, options.crop, options.cropField);
  for (const [label, phase] of options.phaseOfLabel) {
    if (!(Number.isInteger(phase) && phase >= 0 && phase <= 255)) throw new InputError(`phase of label ${label}: got ${phase}; must be an integer 0..255`);
  }
  const table = new Int16Array(header.bitsPerSample === 8 ? 256 : 65536).fill(-1);
  for (const [label, phase] of options.phaseOfLabel) if (label >= 0 && label < table.length) table[label] = phase;
  const shape: Shape3 = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
  const [nx, ny] = shape;
  const width = header.shape[0];
  const counts = new Float64Array(table.length);
  // z runs over pages: one file per page (slices) or consecutive pages of one file
  const BATCH = 16;
  const bytesOf = header.kind === "tiff" ? readBytes(header.files[0]!) : undefined;
  /** Call `row(page, src, dst)` for every cropped row: page data, its first pixel, the grid index of its first voxel. */
  const eachRow = (row: (page: Uint8Array | Uint16Array, src: number, dst: number) => void): void => {
    for (let z0 = from[2]; z0 < to[2]; z0 += BATCH) {
      const count = Math.min(BATCH, to[2] - z0);
      const data =
        bytesOf !== undefined
          ? decodePages(bytesOf, header.files[0]!, z0, count)
          : Array.from({ length: count }, (_, k) => decodePages(readBytes(header.files[z0 + k]!), header.files[z0 + k]!, 0, 1)[0]!);
      for (let k = 0; k < count; k++) {
        const z = z0 + k - from[2];
        for (let y = 0; y < ny; y++) row(data[k]!, width * (y + from[1]) + from[0], nx * (y + ny * z));
      }
    }
  };
  // pass 1 (only when missing labels are errors): count the labels, so that a missing one
  // is reported before the grid is allocated
  const other = options.otherPhase ?? -1;
  if (other < 0) {
    eachRow((page, src) => {
      for (let x = 0; x < nx; x++) counts[page[src + x]!]!++;
    });
    const absent: string[] = [];
    counts.forEach((c, l) => {
      if (c > 0 && table[l] === -1) absent.push(`${l} (${c} voxels)`);
    });
    if (absent.length > 0) {
      const given = [...options.phaseOfLabel.keys()].sort((a, b) => a - b).join(", ");
      throw new InputError(`image ${JSON.stringify(header.path)}: label${absent.length > 1 ? "s" : ""} ${absent.join(", ")} ${absent.length > 1 ? "have" : "has"} no phase; the phase table gives labels: ${given || "none"}`);
    }
  }
  const phase = new Uint8Array(voxelCount(shape));
  eachRow((page, src, dst) => {
    for (let x = 0; x < nx; x++) {
      const label = page[src + x]!;
      if (other >= 0) counts[label]!++;
      const p = table[label]!;
      phase[dst + x] = p >= 0 ? p : other;
    }
  });
  const labelCounts = new Map<number, number>();
  counts.forEach((c, label) => {
    if (c > 0) labelCounts.set(label, c);
  });
  return { grid: createVoxelGrid(shape, phase), labelCounts };
}
