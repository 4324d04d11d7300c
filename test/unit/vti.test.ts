/**
 * The .vti writer read back by the tests' own reader (test/vti-reader.ts, written from the
 * VTK format description, sharing no code with the writer): extents, origin, spacing, the
 * arrays' types and every value, NaN included; and the writer's refusals.
 */
import { describe, expect, it } from "vitest";
import { vtiFile } from "../../src/report/vti.js";
import { readVti } from "../vti-reader.js";

describe("vtiFile", () => {
  const shape = [3, 2, 4] as const;
  const n = 24;
  const phase = Uint8Array.from({ length: n }, (_, i) => i % 3);
  const grain = Int32Array.from({ length: n }, (_, i) => 1000 * i - 7);
  const potential = Float64Array.from({ length: n }, (_, i) => (i === 5 ? NaN : 1 - i / 24));
  const j = Float32Array.from({ length: n }, (_, i) => 0.25 * i);
  const bytes = vtiFile({ shape, spacingNm: [20, 30, 50], note: "a note -- with dashes", arrays: [
    { name: "phase", data: phase }, { name: "grain", data: grain }, { name: "potentialV", data: potential }, { name: "currentDensityACm2", data: j },
  ] });

  it("reads back: cells = voxels, origin 0, spacing in nm, little-endian UInt64 headers", () => {
    const v = readVti(bytes);
    expect(v.extent).toEqual([0, 3, 0, 2, 0, 4]);
    expect(v.cells).toEqual([3, 2, 4]);
    expect(v.origin).toEqual([0, 0, 0]);
    expect(v.spacing).toEqual([20, 30, 50]);
    expect(v.byteOrder).toBe("LittleEndian");
    expect(v.headerType).toBe("UInt64");
    expect(v.comment).toContain("a note - - with dashes"); // '--' may not stand in an XML comment
    expect([...v.cellData.keys()]).toEqual(["phase", "grain", "potentialV", "currentDensityACm2"]);
    expect(v.cellData.get("phase")).toEqual({ type: "UInt8", values: [...phase] });
    expect(v.cellData.get("grain")).toEqual({ type: "Int32", values: [...grain] });
    expect(v.cellData.get("currentDensityACm2")).toEqual({ type: "Float32", values: [...j] });
    const phi = v.cellData.get("potentialV")!;
    expect(phi.type).toBe("Float64");
    expect(Number.isNaN(phi.values[5])).toBe(true);
    expect(phi.values.filter((_, i) => i !== 5)).toEqual([...potential].filter((_, i) => i !== 5));
    // voxel (x, y, z) = (2, 1, 3) is index x + nx (y + ny z) = 2 + 3 (1 + 2 * 3) = 23
    expect(v.cellData.get("grain")!.values[23]).toBe(1000 * 23 - 7);
  });

  it("the comment gives each array's byte offset in the file for a raw import (Fiji), and the values are there", () => {
    const v = readVti(bytes);
    expect(v.comment).toContain("Raw import (Fiji: File > Import > Raw..., little-endian byte order, width 3, height 2, 4 images, gap 0):");
    const offsets = Object.fromEntries([...v.comment.matchAll(/(\w+): ([\w -]+), offset to first image +(\d+) bytes/g)].map((m) => [m[1], { type: m[2], offset: Number(m[3]) }]));
    expect(Object.keys(offsets)).toEqual(["phase", "grain", "potentialV", "currentDensityACm2"]);
    expect(offsets["grain"]!.type).toBe("32-bit Signed");
    expect(offsets["potentialV"]!.type).toBe("64-bit Real");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) {
      expect(view.getUint8(offsets["phase"]!.offset + i)).toBe(phase[i]);
      expect(view.getInt32(offsets["grain"]!.offset + 4 * i, true)).toBe(grain[i]);
      expect(view.getFloat32(offsets["currentDensityACm2"]!.offset + 4 * i, true)).toBe(j[i]);
      if (i !== 5) expect(view.getFloat64(offsets["potentialV"]!.offset + 8 * i, true)).toBe(potential[i]);
    }
  });

  it("names each array's range in the header, the finite values only", () => {
    const text = Buffer.from(bytes).toString("latin1");
    expect(text).toContain(`Name="potentialV" NumberOfComponents="1" format="appended" RangeMin="${1 - 23 / 24}" RangeMax="1"`);
    expect(text).toContain(`Name="phase" NumberOfComponents="1" format="appended" RangeMin="0" RangeMax="2" offset="0"`);
  });

  it("refuses arrays of the wrong length, bad or repeated names, and bad shapes or spacings", () => {
    const a = { name: "phase", data: new Uint8Array(n) };
    expect(() => vtiFile({ shape, spacingNm: [1, 1, 1], arrays: [{ name: "phase", data: new Uint8Array(5) }] })).toThrowErrorMatchingInlineSnapshot(`[InputError: vti arrays[0] (phase): got 5 values; the box has 24 voxels]`);
    expect(() => vtiFile({ shape, spacingNm: [1, 1, 1], arrays: [{ name: "the phase", data: new Uint8Array(n) }] })).toThrowErrorMatchingInlineSnapshot(`[InputError: vti arrays[0].name: got "the phase"; use letters, digits and '_']`);
    expect(() => vtiFile({ shape, spacingNm: [1, 1, 1], arrays: [a, a] })).toThrowErrorMatchingInlineSnapshot(`[InputError: vti arrays[1].name: 'phase' given twice]`);
    expect(() => vtiFile({ shape: [3, 0, 4], spacingNm: [1, 1, 1], arrays: [] })).toThrowErrorMatchingInlineSnapshot(`[InputError: vti shape: got [3,0,4]; must be three integers >= 1]`);
    expect(() => vtiFile({ shape, spacingNm: [1, -1, 1], arrays: [] })).toThrowErrorMatchingInlineSnapshot(`[InputError: vti spacing: got [1,-1,1]; must be three edges > 0 (nm)]`);
  });
});
