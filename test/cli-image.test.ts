/** `mofhop image` end to end on small generated TIFFs (built CLI in dist/; `npm test` builds first). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/core/errors.js";
import { imageCommand } from "../src/cli/image.js";
import { parseArgs, type ParsedCommand } from "../src/cli/options.js";
import { volumePages, writeTiff } from "./tiff-writer.js";

const cli = join(process.cwd(), "dist", "cli", "main.js");
function mofhop(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let dir = "";
let sheets = "";
beforeAll(() => {
  if (!existsSync(cli)) throw new Error("dist/cli/main.js is missing: run `npm run build` (npm test does)");
  dir = mkdtempSync(join(tmpdir(), "mofhop-cli-image-"));
  // 8 x 6 x 5 voxels: label 1 in the even rows (y), label 7 in the odd ones: sheets normal to y
  const labels: number[] = [];
  for (let z = 0; z < 5; z++) for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) labels.push(y % 2 === 0 ? 1 : 7);
  sheets = join(dir, "sheets.tif");
  writeFileSync(sheets, writeTiff(volumePages([8, 6, 5], labels), { deflate: true }));
});

interface Analysis {
  labels: { label: number; voxels: number; volumeFraction: number; conductivitySPerCm: number }[];
  directions: { axis: string; percolates: boolean; conductivitySPerCm: number; tortuosityFactor: number | null; relativeResidual: number }[];
}

describe("mofhop image", () => {
  it("conducting sheets: fractions, then along x and z sigma = f sigma_1 and tau = 1, along y no percolation (exact; --json)", () => {
    for (const extra of [[], ["--voxel", "10,20,30", "--sides", "periodic"]]) {
      const r = mofhop("image", sheets, "--phase", "1:0.2", "--json", ...extra);
      expect(r.code).toBe(0);
      const a = JSON.parse(r.stdout) as Analysis;
      expect(a.labels).toEqual([
        { label: 1, voxels: 120, volumeFraction: 0.5, conductivitySPerCm: 0.2 },
        { label: 7, voxels: 120, volumeFraction: 0.5, conductivitySPerCm: 0 },
      ]);
      const [x, y, z] = a.directions;
      for (const d of [x!, z!]) {
        expect(d.percolates).toBe(true);
        expect(Math.abs(d.conductivitySPerCm - 0.1) / 0.1).toBeLessThan(1e-7);
        expect(Math.abs(d.tortuosityFactor! - 1)).toBeLessThan(1e-7);
      }
      expect(y).toMatchObject({ axis: "y", percolates: false, conductivitySPerCm: 0, tortuosityFactor: null });
    }
  });

  it("prints a readable table; a second conducting label joins the first", () => {
    const r = mofhop("image", sheets, "--phase", "1", "--phase", "7:1e-3", "--axes", "y");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("label      voxels   volume fraction   sigma (S/cm)");
    expect(r.stdout).toContain("\n    7         120          0.500000   1.0000e-3\n");
    // along y the sheets are in series: sigma = 2 / (1/1 + 1/1e-3) = 1.9980e-3, tau = (0.5 + 0.5e-3) / sigma = 250.50
    expect(r.stdout).toContain("\ny     yes                1.9980e-3             250.50          1.0000");
  });

  it("a slice folder gives what the stack gives", () => {
    const slices = join(dir, "slices");
    mkdirSync(slices);
    const labels: number[] = [];
    for (let z = 0; z < 5; z++) for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) labels.push(y % 2 === 0 ? 1 : 7);
    volumePages([8, 6, 5], labels).forEach((p, z) => writeFileSync(join(slices, `img${z}.tif`), writeTiff([p])));
    const a = mofhop("image", slices, "--phase", "1", "--json");
    const b = mofhop("image", sheets, "--phase", "1", "--json");
    expect(a.code).toBe(0);
    expect((JSON.parse(a.stdout) as Analysis).directions).toEqual((JSON.parse(b.stdout) as Analysis).directions.map((d) => ({ ...d, solveSeconds: expect.any(Number) })));
  });

  it("bad input: exit 2 naming the option, file or field and what is allowed", () => {
    const ragged = join(dir, "ragged.tif");
    writeFileSync(ragged, writeTiff([{ width: 2, height: 2, data: [1, 1, 1, 1] }, { width: 3, height: 2, data: [1, 1, 1, 1, 1, 1] }]));
    const cases: [string[], string][] = [
      [[sheets], "image: --phase LABEL[:SIGMA] is required"],
      [[sheets, "--phase", "1", "--crop", "0:9,0:6,0:5"], "crop: x from 0 to 9 is outside the image; allowed: integers 0 <= from < to <= 8"],
      [[ragged, "--phase", "1"], `image file ${JSON.stringify(ragged)}, page 1 is 3 x 2 pixels`],
    ];
    for (const [args, message] of cases) {
      const r = mofhop("image", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
    }
    // option syntax, in process (InputError is what the CLI turns into exit 2)
    const run = (...args: string[]) => () => imageCommand(parseArgs(["image", ...args]) as ParsedCommand);
    expect(run(sheets, "--phase", "1:-2")).toThrow(InputError);
    expect(run(sheets, "--phase", "1:-2")).toThrow(`--phase 1: conductivity "-2"; must be a number > 0 (S/cm)`);
    expect(run(sheets, "--phase", "1", "--crop", "0:4,0:6")).toThrow(`--crop: got "0:4,0:6"; allowed: X0:X1,Y0:Y1,Z0:Z1`);
    expect(run(sheets, "--phase", "1", "--voxel", "1,2")).toThrow(`--voxel: got "1,2"; allowed: one edge in nm (> 0) or three, NMx,NMy,NMz`);
    expect(run(sheets, "--phase", "1", "--sides", "open")).toThrow(`--sides: got "open"; valid: no-flux, periodic`);
    expect(run(sheets, "--phase", "1", "--axes", "x,w")).toThrow(`--axes: got "w"; valid: x, y, z (comma-separated)`);
    expect(run(sheets, "--phase", "1", "--threads", "0")).toThrow(`--threads: got "0"; must be an integer 1..256`);
    expect(run(join(dir, "none.tif"), "--phase", "1")).toThrow("cannot read image");
    expect(run(sheets, "--phase", "1", "--voxel", "1", "--voxel", "2")).toThrow("image: option --voxel given twice");
  });

  it("--help shows the usage and an example", () => {
    const r = mofhop("image", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: mofhop image FILE|DIR --phase LABEL[:SIGMA] [--voxel NM|NMx,NMy,NMz]");
    expect(r.stdout).toContain("Examples:\n  mofhop image sample.tif --phase 1");
  });
});
