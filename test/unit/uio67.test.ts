import { describe, expect, it } from "vitest";
import { AVOGADRO_PER_MOL } from "../../src/core/constants.js";
import { InputError } from "../../src/core/errors.js";
import { siteDensityPerCm3, siteIndex, type PeriodicLattice } from "../../src/structure/lattice/lattice.js";
import {
  UIO67_COORDINATION,
  UIO67_HOP_TYPES,
  UIO67_LATTICE_CONSTANT_ANGSTROM,
  UIO67_LINKERS_PER_CELL,
  UIO67_NODES_PER_CELL,
  UIO67_SITE_TYPES,
  UIO67_SULFONATE_AXIAL_OFFSET_ANGSTROM,
  UIO67_SULFONATE_NORMAL_OFFSET_ANGSTROM,
  uio67Framework,
  uio67HopWindows,
  uio67SiteCounts,
  uio67So3Lattice,
  type Uio67HopType,
  type Uio67SiteType,
} from "../../src/structure/lattice/uio67.js";

type V3 = [number, number, number];

const lattice = uio67So3Lattice({ cells: [2, 2, 2] });
const a = UIO67_LATTICE_CONSTANT_ANGSTROM;

const typeOf = (L: PeriodicLattice, b: number): Uio67SiteType => L.siteTypeNames[L.basisSiteType[b]!] as Uio67SiteType;
const hopOf = (L: PeriodicLattice, k: number): Uio67HopType => L.hopTypeNames[L.bondHopType[k]!] as Uio67HopType;
const vec = (L: PeriodicLattice, k: number): V3 => [L.bondVectorAngstrom[3 * k]!, L.bondVectorAngstrom[3 * k + 1]!, L.bondVectorAngstrom[3 * k + 2]!];
const pos = (L: PeriodicLattice, b: number): V3 => [L.basisPositionAngstrom[3 * b]!, L.basisPositionAngstrom[3 * b + 1]!, L.basisPositionAngstrom[3 * b + 2]!];
const len = (v: readonly number[]): number => Math.hypot(v[0]!, v[1]!, v[2]!);
const bondsOf = (L: PeriodicLattice, b: number): number[] => {
  const ks: number[] = [];
  for (let k = L.bondStart[b]!; k < L.bondStart[b + 1]!; k++) ks.push(k);
  return ks;
};
const wrap = (x: number): number => {
  const w = x - a * Math.floor(x / a);
  return w > a - 1e-6 ? w - a : w;
};
const samePoint = (p: readonly number[], q: readonly number[]): boolean =>
  [0, 1, 2].every((c) => Math.abs(wrap(p[c]! - q[c]!)) < 1e-6);

describe("uio67So3Lattice: counts and density", () => {
  it("has 4 nodes, 24 linkers with 2 sulfonates each, 48 sulfonate, 8 tet and 4 oct sites per cell", () => {
    expect(uio67SiteCounts()).toEqual({ sulfonate: 48, tet: 8, oct: 4 });
    const fw = uio67Framework();
    expect(fw.nodesAngstrom).toHaveLength(UIO67_NODES_PER_CELL);
    expect(fw.linkers).toHaveLength(UIO67_LINKERS_PER_CELL);
    expect(UIO67_NODES_PER_CELL).toBe(4);
    expect(UIO67_LINKERS_PER_CELL).toBe(24);
    expect(fw.tetAngstrom).toHaveLength(8);
    expect(fw.octAngstrom).toHaveLength(4);
    expect(lattice.siteTypeNames).toEqual(UIO67_SITE_TYPES);
    expect(lattice.hopTypeNames).toEqual(UIO67_HOP_TYPES);
    expect(lattice.basisCount).toBe(60);
    expect(lattice.siteCount).toBe(60 * 8);
    expect(lattice.kind).toBe("uio67-so3");
    const counts = { sulfonate: 0, tet: 0, oct: 0 };
    for (let b = 0; b < lattice.basisCount; b++) counts[typeOf(lattice, b)]++;
    expect(counts).toEqual(uio67SiteCounts());
  });

  it("gives 2.49e21 sulfonates per cm3 (4.14 mol/L) at a = 26.8 A", () => {
    const L = uio67So3Lattice({ cells: [2, 3, 4], latticeConstantAngstrom: 26.8 });
    const n = siteDensityPerCm3(L, "sulfonate");
    expect(n).toBeCloseTo(48 / (26.8e-8) ** 3, -15);
    expect(n.toPrecision(3)).toBe("2.49e+21");
    expect(((n / AVOGADRO_PER_MOL) * 1000).toPrecision(3)).toBe("4.14");
    expect(siteDensityPerCm3(L, "tet") * 6).toBeCloseTo(n, -15);
  });
});

describe("uio67So3Lattice: geometry", () => {
  it("places each linker on an fcc edge with its tet cages at +-a/4 along a cubic axis and oct cages at +-a/(2 sqrt 2)", () => {
    const fw = uio67Framework();
    const isAt = (p: readonly number[], list: readonly (readonly number[])[]): boolean => list.some((q) => samePoint(p, q));
    for (const L of fw.linkers) {
      const c = L.centreAngstrom;
      const ends = [1, -1].map((s) => c.map((x, i) => x + ((s * a * Math.SQRT2) / 4) * L.axis[i]!));
      for (const e of ends) expect(isAt(e, fw.nodesAngstrom)).toBe(true);
      expect(L.normal.map(Math.abs).sort()).toEqual([0, 0, 1]); // a cubic axis
      for (const s of [1, -1]) {
        expect(isAt(c.map((x, i) => x + ((s * a) / 4) * L.normal[i]!), fw.tetAngstrom)).toBe(true);
        expect(isAt(c.map((x, i) => x + ((s * a * Math.SQRT2) / 4) * L.twist[i]!), fw.octAngstrom)).toBe(true);
      }
      const [p, q] = L.sulfonatesAngstrom;
      const d = p.map((x, i) => x - c[i]!);
      const along = d.reduce((s, x, i) => s + x * L.axis[i]!, 0);
      const across = d.reduce((s, x, i) => s + x * L.normal[i]!, 0);
      expect(along).toBeCloseTo(UIO67_SULFONATE_AXIAL_OFFSET_ANGSTROM, 12);
      expect(across).toBeCloseTo(UIO67_SULFONATE_NORMAL_OFFSET_ANGSTROM, 12);
      expect(q.map((x, i) => x + p[i]! - 2 * c[i]!).every((x) => Math.abs(x) < 1e-12)).toBe(true); // centrosymmetric pair
    }
  });

  it("keeps every pair of sites at least 3 A apart (closest: two sulfonates leaning to one node, 3.07 A)", () => {
    let min = Infinity;
    for (let i = 0; i < lattice.basisCount; i++)
      for (let j = 0; j < lattice.basisCount; j++) {
        // minimum image: each component wrapped into (-a/2, a/2]
        const d = pos(lattice, j).map((x, c) => wrap(x - pos(lattice, i)[c]! + a / 2) - a / 2);
        if (i !== j) min = Math.min(min, len(d));
      }
    expect(min).toBeGreaterThan(3);
    expect(min).toBeCloseTo(3.068, 3);
  });

  it("derives the documented windows and hop lengths at the defaults", () => {
    const w = Object.fromEntries(uio67HopWindows().map((x) => [x.hopType, x]));
    const fmt = (x: number): string => x.toFixed(2);
    expect(w["sulfonate-tet"]!.hopLengthsAngstrom.map(fmt)).toEqual(["4.33"]);
    expect(w["sulfonate-sulfonate"]!.hopLengthsAngstrom.map(fmt)).toEqual(["3.07", "6.50"]);
    expect(w["sulfonate-oct"]!.hopLengthsAngstrom.map(fmt)).toEqual(["10.21"]);
    expect(w["tet-oct"]!.hopLengthsAngstrom[0]).toBeCloseTo((a * Math.sqrt(3)) / 4, 9);
    expect(UIO67_HOP_TYPES.map((h) => `${fmt(w[h]!.minDistanceAngstrom)}-${fmt(w[h]!.maxDistanceAngstrom)}`)).toEqual([
      "2.16-7.15",
      "1.53-6.97",
      "5.11-11.48",
      "5.82-16.98",
    ]);
    expect(UIO67_HOP_TYPES.map((h) => fmt(w[h]!.nearestExcludedAngstrom!))).toEqual(["9.97", "7.44", "12.75", "22.30"]);
    for (const x of Object.values(w)) expect(x.maxDistanceAngstrom).toBeLessThanOrEqual(a);
  });

  it("puts every hop vector's length inside its window and at a designed hop length", () => {
    const w = Object.fromEntries(uio67HopWindows().map((x) => [x.hopType, x]));
    for (let k = 0; k < lattice.bondTarget.length; k++) {
      const win = w[hopOf(lattice, k)]!;
      const d = len(vec(lattice, k));
      expect(d).toBeGreaterThanOrEqual(win.minDistanceAngstrom);
      expect(d).toBeLessThanOrEqual(win.maxDistanceAngstrom);
      expect(win.hopLengthsAngstrom.some((h) => Math.abs(h - d) < 1e-9)).toBe(true);
    }
  });
});

describe("uio67So3Lattice: bonds", () => {
  it("has the reverse of every directed bond at its target, with the opposite vector and the same hop type", () => {
    const L = lattice;
    for (let b = 0; b < L.basisCount; b++)
      for (const k of bondsOf(L, b)) {
        const t = L.bondTarget[k]!;
        const v = vec(L, k);
        const rev = bondsOf(L, t).filter(
          (r) =>
            L.bondTarget[r] === b &&
            [0, 1, 2].every((c) => L.bondCellOffset[3 * r + c] === -L.bondCellOffset[3 * k + c]! && Math.abs(vec(L, r)[c]! + v[c]!) < 1e-9) &&
            L.bondHopType[r] === L.bondHopType[k],
        );
        expect(rev).toHaveLength(1);
        // and the vector is the target's position minus the source's, through the cell offset
        for (let c = 0; c < 3; c++) expect(pos(L, t)[c]! + a * L.bondCellOffset[3 * k + c]! - pos(L, b)[c]!).toBeCloseTo(v[c]!, 9);
      }
  });

  it("gives every site of a type the designed coordination per hop type", () => {
    expect(UIO67_COORDINATION).toEqual({
      sulfonate: { "sulfonate-tet": 1, "sulfonate-sulfonate": 3, "sulfonate-oct": 2 },
      tet: { "sulfonate-tet": 6, "tet-oct": 4 },
      oct: { "sulfonate-oct": 24, "tet-oct": 8 },
    });
    const total = { sulfonate: 6, tet: 10, oct: 32 };
    for (let b = 0; b < lattice.basisCount; b++) {
      const type = typeOf(lattice, b);
      const z: Partial<Record<Uio67HopType, number>> = {};
      for (const k of bondsOf(lattice, b)) z[hopOf(lattice, k)] = (z[hopOf(lattice, k)] ?? 0) + 1;
      expect(z).toEqual(UIO67_COORDINATION[type]);
      expect(bondsOf(lattice, b)).toHaveLength(total[type]);
    }
    expect(lattice.bondTarget.length).toBe(48 * 6 + 8 * 10 + 4 * 32);
  });

  it("gives apex sulfonates in-cage hops of 3.07, 3.07, 6.50 A and face sulfonates 6.50 A x 3, 24 of each", () => {
    const kinds = new Map<string, number>();
    for (let b = 0; b < lattice.basisCount; b++) {
      if (typeOf(lattice, b) !== "sulfonate") continue;
      const key = bondsOf(lattice, b)
        .filter((k) => hopOf(lattice, k) === "sulfonate-sulfonate")
        .map((k) => len(vec(lattice, k)).toFixed(2))
        .sort()
        .join(",");
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(kinds)).toEqual({ "3.07,3.07,6.50": 24, "6.50,6.50,6.50": 24 });
  });

  it("sums to zero hop vector at oct sites (site symmetry -3) and over each tet's 4 tet-oct hops", () => {
    for (let b = 0; b < lattice.basisCount; b++) {
      const type = typeOf(lattice, b);
      if (type === "sulfonate") continue;
      const ks = bondsOf(lattice, b).filter((k) => type === "oct" || hopOf(lattice, k) === "tet-oct");
      const sum = [0, 1, 2].map((c) => ks.reduce((s, k) => s + vec(lattice, k)[c]!, 0));
      expect(len(sum)).toBeLessThan(1e-9);
    }
  });

  it("has an isotropic second moment sum v v^T per hop type (cubic point group m-3)", () => {
    for (const hop of UIO67_HOP_TYPES) {
      const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      for (let k = 0; k < lattice.bondTarget.length; k++) {
        if (hopOf(lattice, k) !== hop) continue;
        const v = vec(lattice, k);
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[3 * i + j]! += v[i]! * v[j]!;
      }
      const tr = (m[0]! + m[4]! + m[8]!) / 3;
      expect(tr).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(m[3 * i + j]! - (i === j ? tr : 0))).toBeLessThan(1e-9 * tr);
    }
  });
});

describe("uio67So3Lattice: symmetry (Pa-3)", () => {
  type Op = (p: V3) => V3;
  const h = a / 2;
  // generators of Pa-3 in this setting: 3-fold along [111], inversion at the origin, a 2_1 screw along z
  const generators: Record<string, { op: Op; rot: Op }> = {
    "(y,z,x)": { op: ([x, y, z]) => [y, z, x], rot: ([x, y, z]) => [y, z, x] },
    "(-x,-y,-z)": { op: ([x, y, z]) => [-x, -y, -z], rot: ([x, y, z]) => [-x, -y, -z] },
    "(-x,-y+1/2,z+1/2)": { op: ([x, y, z]) => [-x, -y + h, z + h], rot: ([x, y, z]) => [-x, -y, z] },
  };
  const findBasis = (p: V3): number => {
    for (let b = 0; b < lattice.basisCount; b++) if (samePoint(p, pos(lattice, b))) return b;
    return -1;
  };
  const bondKeys = (b: number): string[] =>
    bondsOf(lattice, b)
      .map((k) => `${hopOf(lattice, k)} ${vec(lattice, k).map((x) => x.toFixed(6)).join(",")}`)
      .sort();

  for (const [name, g] of Object.entries(generators)) {
    it(`maps sites to sites of the same type and bonds to bonds under ${name}`, () => {
      for (let b = 0; b < lattice.basisCount; b++) {
        const img = findBasis(g.op(pos(lattice, b)));
        expect(img).toBeGreaterThanOrEqual(0);
        expect(typeOf(lattice, img)).toBe(typeOf(lattice, b));
        const mapped = bondsOf(lattice, b)
          .map((k) => `${hopOf(lattice, k)} ${g.rot(vec(lattice, k)).map((x) => (Math.abs(x) < 5e-7 ? 0 : x).toFixed(6)).join(",")}`)
          .sort();
        expect(mapped).toEqual(bondKeys(img).map((s) => s.replace(/-0\.000000/g, "0.000000")));
      }
    });
  }

  it("is not fcc-centred: the ordering breaks the (1/2,1/2,0) translation of the framework", () => {
    let moved = 0;
    for (let b = 0; b < lattice.basisCount; b++) if (findBasis(pos(lattice, b).map((x, i) => x + (i < 2 ? h : 0)) as V3) < 0) moved++;
    expect(moved).toBe(32); // the sulfonates of the 16 linkers perpendicular to x or y
  });
});

describe("uio67So3Lattice: connectivity", () => {
  function components(L: PeriodicLattice, keep: (hop: Uio67HopType) => boolean, sites: (b: number) => boolean): number[] {
    const [nx, ny, nz] = L.cells;
    const label = new Int32Array(L.siteCount).fill(-1);
    const sizes: number[] = [];
    for (let cz = 0; cz < nz; cz++)
      for (let cy = 0; cy < ny; cy++)
        for (let cx = 0; cx < nx; cx++)
          for (let b = 0; b < L.basisCount; b++) {
            if (!sites(b) || label[siteIndex(L, b, cx, cy, cz)]! >= 0) continue;
            const id = sizes.length;
            let size = 0;
            const queue: [number, number, number, number][] = [[b, cx, cy, cz]];
            label[siteIndex(L, b, cx, cy, cz)] = id;
            while (queue.length > 0) {
              const [s, x, y, z] = queue.pop()!;
              size++;
              for (const k of bondsOf(L, s)) {
                const t = L.bondTarget[k]!;
                if (!keep(hopOf(L, k)) || !sites(t)) continue;
                const tx = (x + L.bondCellOffset[3 * k]! + nx) % nx;
                const ty = (y + L.bondCellOffset[3 * k + 1]! + ny) % ny;
                const tz = (z + L.bondCellOffset[3 * k + 2]! + nz) % nz;
                const ti = siteIndex(L, t, tx, ty, tz);
                if (label[ti]! < 0) {
                  label[ti] = id;
                  queue.push([t, tx, ty, tz]);
                }
              }
            }
            sizes.push(size);
          }
    return sizes;
  }
  const all = (): boolean => true;

  it("connects all sites of a 2x2x2 lattice", () => {
    expect(components(lattice, all, all)).toEqual([lattice.siteCount]);
  });

  it("stays connected without sulfonate-oct hops", () => {
    expect(components(lattice, (h) => h !== "sulfonate-oct", all)).toEqual([lattice.siteCount]);
  });

  it("splits the sulfonate-sulfonate graph into one 6-site prism per tet cage", () => {
    const sizes = components(lattice, (h) => h === "sulfonate-sulfonate", (b) => typeOf(lattice, b) === "sulfonate");
    expect(sizes).toHaveLength(8 * 8);
    expect(sizes.every((s) => s === 6)).toBe(true);
  });
});

describe("uio67So3Lattice: options", () => {
  it("scales with the lattice constant and accepts other offsets with a clean window", () => {
    const L = uio67So3Lattice({ cells: [2, 2, 2], latticeConstantAngstrom: 26.8, sulfonateAxialOffsetAngstrom: 1.5 });
    expect(L.cellAngstrom).toEqual([26.8, 26.8, 26.8]);
    expect(L.bondTarget.length).toBe(496);
    const w = uio67HopWindows({ sulfonateAxialOffsetAngstrom: 1.5 }).find((x) => x.hopType === "sulfonate-sulfonate")!;
    expect(w.hopLengthsAngstrom.map((x) => x.toFixed(2))).toEqual(["3.77", "5.87"]);
  });

  it("rejects offsets for which distance windows cannot separate the designed hops", () => {
    expect(() => uio67So3Lattice({ cells: [2, 2, 2], sulfonateAxialOffsetAngstrom: 0.56, sulfonateNormalOffsetAngstrom: 2.75 })).toThrow(
      "sulfonate offsets (axial 0.56 A, normal 2.75 A): no distance window separates the sulfonate-sulfonate hops (5.06-5.70 A) from other sulfonate-sulfonate pairs at 5.61 A",
    );
  });

  it("rejects bad values with the field name", () => {
    expect(() => uio67So3Lattice({ cells: [2, 2, 2], latticeConstantAngstrom: -1 })).toThrow(InputError);
    expect(() => uio67So3Lattice({ cells: [2, 2, 2], latticeConstantAngstrom: -1 })).toThrow("latticeConstantAngstrom: got -1; must be a finite number > 0");
    expect(() => uio67So3Lattice({ cells: [2, 2, 2], sulfonateAxialOffsetAngstrom: -0.1 })).toThrow(
      "sulfonateAxialOffsetAngstrom: got -0.1; must be >= 0 and below half the linker length 9.511 A",
    );
    expect(() => uio67So3Lattice({ cells: [2, 2, 2], sulfonateNormalOffsetAngstrom: 7 })).toThrow(
      "sulfonateNormalOffsetAngstrom: got 7; must be > 0 and below the linker-to-tet-cage distance a/4 = 6.725 A",
    );
    expect(() => uio67So3Lattice({ cells: [1, 2, 2] })).toThrow("lattice.cells[0]: got 1; must be an integer >= 2");
  });
});
