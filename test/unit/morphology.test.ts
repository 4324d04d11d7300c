/**
 * Morphology generators (src/structure/morphology): shared vocabulary, densities, the
 * Boolean-model reference, and the particle designs (pellet, particles-in-polymer,
 * particles-with-fibres). Fibre designs: morphology-fibres.test.ts.
 *
 * Discretisation tolerances. A voxel belongs to a body when its centre does, so the voxel
 * count of a sphere of radius R (voxels) with a random centre has expectation exactly
 * (4/3) pi R^3 and variance C R^2: asymptotically C = sum_{k != 0} |k|^-4 / (2 pi^2) = 0.84
 * on average over R (the lattice sum is 16.53; Kendall, Q. J. Math. 19, 1, 1948), and a
 * census of random-shifted balls gives 1.1-1.4 at individual R in 3..15, so C = 2 here.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { AVOGADRO_PER_MOL } from "../../src/core/constants.js";
import { ScenarioError } from "../../src/core/errors.js";
import { createStream } from "../../src/core/rng.js";
import {
  BC_DENSITY_G_PER_CM3, LABEL_FIBRE, LABEL_MOF, LABEL_POLYMER, LABEL_PORE, MOF_DENSITY_G_PER_CM3,
  mofCrystalDensityGPerCm3, mofFormulaMassGPerMol, overlappingSpheres, particlesInPolymer, particlesInPolymerMemoryBytes,
  particlesWithFibres, pellet, pelletMemoryBytes, PHASE_NAMES, PVDF_HFP_DENSITY_G_PER_CM3, uniformShellNm, volumeShare,
  type MorphologyGrid,
} from "../../src/structure/morphology/index.js";
import { connectedComponents, spanningMask } from "../../src/structure/voxel/components.js";
import { createVoxelGrid, type VoxelGrid } from "../../src/structure/voxel/grid.js";
import { Z_TOL } from "../stats-tolerance.js";

const LATTICE_VARIANCE_C = 2;

function mask(grid: MorphologyGrid, label: number): Uint8Array {
  const m = new Uint8Array(grid.phase.length);
  for (let i = 0; i < m.length; i++) m[i] = grid.phase[i] === label ? 1 : 0;
  return m;
}

/** Fraction of the box in clusters of `label` touching both x faces. */
function spanningFractionX(grid: MorphologyGrid, label: number): number {
  const span = spanningMask(grid.shape, connectedComponents(grid.shape, mask(grid, label)), 0);
  let s = 0;
  for (let i = 0; i < span.length; i++) s += span[i]!;
  return s / span.length;
}

function count(grid: MorphologyGrid, label: number): number {
  let c = 0;
  for (let i = 0; i < grid.phase.length; i++) if (grid.phase[i] === label) c++;
  return c;
}

function sameGrid(a: MorphologyGrid, b: MorphologyGrid): boolean {
  return Buffer.compare(Buffer.from(a.phase.buffer), Buffer.from(b.phase.buffer)) === 0 &&
    Buffer.compare(Buffer.from(a.grain.buffer), Buffer.from(b.grain.buffer)) === 0;
}

/** Number of pieces of each grain id among voxels of `label`, under periodic face adjacency (particles wrap). */
function periodicGrainPieces(grid: MorphologyGrid, label: number): Map<number, number> {
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; }
    return i;
  };
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    if (grid.phase[i] !== label) continue;
    const g = grid.grain[i];
    const nb = [(x + 1) % nx + nx * (y + ny * z), x + nx * ((y + 1) % ny + ny * z), x + nx * (y + ny * ((z + 1) % nz))];
    for (let k = 0; k < 3; k++) {
      const j = nb[k]!;
      if (grid.phase[j] !== label || grid.grain[j] !== g) continue;
      const ri = find(i), rj = find(j);
      if (ri !== rj) parent[ri] = rj;
    }
  }
  const pieces = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (grid.phase[i] !== label || find(i) !== i) continue;
    const g = grid.grain[i]!;
    pieces.set(g, (pieces.get(g) ?? 0) + 1);
  }
  return pieces;
}

function errorOf(f: () => unknown): ScenarioError {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

describe("vocabulary and densities", () => {
  it("MorphologyGrid is exactly structure/voxel's VoxelGrid, and grids pass createVoxelGrid", () => {
    expectTypeOf<MorphologyGrid>().toEqualTypeOf<VoxelGrid>();
    const m = overlappingSpheres({ shape: [16, 12, 10], voxelNm: 10, diameterNm: 40, volumeFraction: 0.3 }, createStream(1, "t"));
    const g = createVoxelGrid(m.grid.shape, m.grid.phase, m.grid.grain);
    expect(g.shape).toEqual([16, 12, 10]);
  });

  it("labels are fixed: 0 pore, 1 MOF, 2 polymer, 3 fibre", () => {
    expect([LABEL_PORE, LABEL_MOF, LABEL_POLYMER, LABEL_FIBRE]).toEqual([0, 1, 2, 3]);
    expect(PHASE_NAMES).toEqual(["pore", "mof", "polymer", "fibre"]);
  });

  it("MOF crystal density from the cell: Zr6O4(OH)4(C14H6O4(SO3Li)2)6, Z = 4, a = 26.9 A", () => {
    // by element: Zr 6, O 8 + 6 x 10 = 68, C 84, H 4 + 6 x 6 = 40, S 12, Li 12
    const mass = 6 * 91.224 + 68 * 15.999 + 84 * 12.011 + 40 * 1.008 + 12 * 32.06 + 12 * 6.94;
    expect(mass).toBeCloseTo(3152.52, 9);
    expect(mofFormulaMassGPerMol()).toBeCloseTo(mass, 9);
    const rho = (4 * mass) / (AVOGADRO_PER_MOL * (26.9e-8) ** 3);
    expect(MOF_DENSITY_G_PER_CM3).toBeCloseTo(rho, 12);
    expect(rho).toBeCloseTo(1.0757, 4);
    // plain UiO-67, Zr6O4(OH)4(C14H8O4)6: 0.724 g/cm3
    expect(mofCrystalDensityGPerCm3({ sulfonatesPerLinker: 0 })).toBeCloseTo(0.7236, 4);
    // Zn2+: one Zn per linker (two sulfonates)
    expect(mofFormulaMassGPerMol({ counterIon: "Zn2+" }) - mofFormulaMassGPerMol({ counterIon: "H+" })).toBeCloseTo(6 * (65.38 - 2 * 1.008), 9);
  });

  it("mass ratios to volume shares", () => {
    expect(PVDF_HFP_DENSITY_G_PER_CM3).toBe(1.78);
    expect(BC_DENSITY_G_PER_CM3).toBeGreaterThan(1.5);
    expect(BC_DENSITY_G_PER_CM3).toBeLessThan(1.6);
    // 80:20 -> (0.8/1.0757) / (0.8/1.0757 + 0.2/1.78)
    expect(volumeShare(4, MOF_DENSITY_G_PER_CM3, 1.78)).toBeCloseTo((4 / MOF_DENSITY_G_PER_CM3) / (4 / MOF_DENSITY_G_PER_CM3 + 1 / 1.78), 14);
    expect(volumeShare(4, MOF_DENSITY_G_PER_CM3, 1.78)).toBeCloseTo(0.8687, 4);
    expect(volumeShare(7 / 3, MOF_DENSITY_G_PER_CM3, BC_DENSITY_G_PER_CM3)).toBeCloseTo(0.7726, 4);
    // the binder holding all the polymer as a uniform shell on a 500 nm particle: 12.0 nm
    expect(uniformShellNm(500, volumeShare(4, MOF_DENSITY_G_PER_CM3, 1.78))).toBeCloseTo(12.0, 1);
  });

  it("memory estimates scale with the voxel count", () => {
    expect(pelletMemoryBytes([128, 128, 128])).toBe(9 * 128 ** 3);
    expect(particlesInPolymerMemoryBytes([256, 256, 256])).toBe(13 * 256 ** 3);
  });
});

describe("overlapping spheres (Boolean model)", () => {
  /**
   * Exact mean and variance of the voxel-centre covered fraction for N spheres of volume v
   * with centres uniform in a periodic box of V voxels: E = 1 - (1 - v/V)^N, and with the
   * lens volume gamma(r) = v (1 - 3r/(4R) + r^3/(16R^3)) of two spheres at distance r < 2R,
   * Cov(r) = (1 - (2v - gamma)/V)^N - (1 - v/V)^(2N), Var = (1/V) sum over lattice offsets
   * of Cov (translation invariance). Discretisation adds no bias, only this noise.
   */
  function booleanMoments(nVox: number, R: number, N: number): { mean: number; sd: number } {
    const v = (4 / 3) * Math.PI * R ** 3;
    const q = Math.pow(1 - v / nVox, N);
    let sumCov = 0;
    const m = Math.ceil(2 * R);
    for (let x = -m; x <= m; x++) for (let y = -m; y <= m; y++) for (let z = -m; z <= m; z++) {
      const r = Math.hypot(x, y, z);
      if (r >= 2 * R) continue;
      const gamma = v * (1 - (3 * r) / (4 * R) + r ** 3 / (16 * R ** 3));
      sumCov += Math.pow(1 - (2 * v - gamma) / nVox, N) - q * q;
    }
    return { mean: 1 - q, sd: Math.sqrt(sumCov / nVox) };
  }

  for (const phi of [0.1, 0.3, 0.6]) {
    it(`covered fraction at phi = ${phi} matches 1 - exp(-n v) within ${Z_TOL} sd`, () => {
      const shape = [96, 96, 96] as const;
      const m = overlappingSpheres({ shape, voxelNm: 10, diameterNm: 60, volumeFraction: phi }, createStream(11, "boolean", phi));
      const n = 96 ** 3, R = 3;
      const { mean, sd } = booleanMoments(n, R, m.stats.sphereCount);
      expect(m.stats.expectedVolumeFraction).toBeCloseTo(mean, 12);
      // finite N and rounding of N: 1 - (1 - v/V)^N vs 1 - exp(-N v / V) and phi
      expect(Math.abs(mean - phi)).toBeLessThan(sd);
      const got = count(m.grid, LABEL_MOF) / n;
      expect(Math.abs(got - mean), `phi ${got} vs ${mean} (sd ${sd})`).toBeLessThan(Z_TOL * sd);
    });
  }

  it("percolates along x above the continuum threshold 0.2896 and not far below it", () => {
    const s = { shape: [96, 96, 96] as const, voxelNm: 10, diameterNm: 80 };
    expect(spanningFractionX(overlappingSpheres({ ...s, volumeFraction: 0.45 }, createStream(2, "b")).grid, LABEL_MOF)).toBeGreaterThan(0.3);
    expect(spanningFractionX(overlappingSpheres({ ...s, volumeFraction: 0.12 }, createStream(2, "b")).grid, LABEL_MOF)).toBe(0);
  });
});

describe("pellet", () => {
  const options = { shape: [96, 96, 96] as const, voxelNm: 25 };
  const a = pellet(options, createStream(5, "pellet"));

  it("same seed gives the same grid, another seed another grid", () => {
    expect(sameGrid(a.grid, pellet(options, createStream(5, "pellet")).grid)).toBe(true);
    expect(sameGrid(a.grid, pellet(options, createStream(6, "pellet")).grid)).toBe(false);
  });

  it("solid fraction equals relativeDensity (the pressing scale is a quantile of the voxel map)", () => {
    const n = 96 ** 3;
    // exact up to ties and Float32 rounding of the scale map: a handful of voxels
    expect(Math.abs(count(a.grid, LABEL_MOF) - Math.round(0.6 * n))).toBeLessThanOrEqual(10);
    expect(a.phases).toEqual([{ label: 0, name: "pore" }, { label: 1, name: "mof" }]);
    expect(a.stats.massFraction).toEqual({ mof: 1 });
    expect(a.stats.compactionScale).toBeGreaterThan(1);
    expect(a.stats.compactionScale).toBeLessThan(Math.cbrt(0.6 / 0.55) * 1.05);
    expect(a.stats.packingResidualOverlap).toBeLessThan(1e-3);
  });

  it("each particle is its own grain, in one piece, owning its centre voxel", () => {
    const N = a.stats.particleCount;
    expect(N).toBeGreaterThan(50);
    expect(a.stats.grainCount).toBe(N);
    const pieces = periodicGrainPieces(a.grid, LABEL_MOF);
    expect(pieces.size).toBe(N);
    for (const [g, k] of pieces) {
      expect(g).toBeGreaterThanOrEqual(1);
      expect(g).toBeLessThanOrEqual(N);
      expect(k, `grain ${g}`).toBe(1);
    }
    const [nx, ny] = a.grid.shape;
    const c = a.particles.centresNm;
    for (let i = 0; i < N; i++) {
      const v = Math.floor(c[3 * i]! / 25) + nx * (Math.floor(c[3 * i + 1]! / 25) + ny * Math.floor(c[3 * i + 2]! / 25));
      expect(a.grid.grain[v]).toBe(i + 1);
    }
    // pores are grain 0
    let poreGrains = 0;
    for (let i = 0; i < a.grid.phase.length; i++) if (a.grid.phase[i] === LABEL_PORE && a.grid.grain[i] !== 0) poreGrains++;
    expect(poreGrains).toBe(0);
  });

  it("pressed contacts are grain boundaries and the MOF percolates along x", () => {
    expect(a.stats.grainBoundaryFaces).toBeGreaterThan(0);
    expect(spanningFractionX(a.grid, LABEL_MOF)).toBeGreaterThan(0.95 * 0.6);
  });

  it("refuses bad options, naming the field", () => {
    const s = createStream(1, "x");
    expect(errorOf(() => pellet({ ...options, voxelNm: -1 }, s)).path).toBe("voxelNm");
    expect(errorOf(() => pellet({ ...options, relativeDensity: 0.97 }, s)).message).toMatchInlineSnapshot(`"relativeDensity: got 0.97; must be in (0, 0.95]"`);
    expect(errorOf(() => pellet({ ...options, relativeDensity: 0.5 }, s)).message).toMatchInlineSnapshot(`"packingFraction: got 0.550; must not exceed relativeDensity (0.500): pressing only densifies"`);
    expect(errorOf(() => pellet({ ...options, voxelNm: 200 }, s)).message).toMatchInlineSnapshot(`"particleDiameterNm: the smallest particle (median 500 nm x exp(-3 x 0.250)) is 236 nm = 1.18 voxels at voxelNm 200; need at least 2 voxels (use voxelNm <= 118)"`);
    expect(errorOf(() => pellet({ ...options, shape: [64, 96, 96] }, s)).message).toMatchInlineSnapshot(`"shape: got [64, 96, 96] voxels of 25 nm: the shortest side (1600 nm) must hold twice the largest particle (1.06e+3 nm at +3 sd), i.e. at least 85 voxels"`);
    expect(errorOf(() => pellet({ ...options, shape: [96, 96, 0] }, s)).path).toBe("shape");
    expect(errorOf(() => pellet({ ...options, diameterLogSd: -0.1 }, s)).path).toBe("diameterLogSd");
  });
});

describe("particles in polymer (80:20 by mass)", () => {
  const options = { shape: [112, 112, 112] as const, voxelNm: 20 };
  const a = particlesInPolymer(options, createStream(5, "pip"));
  const n = 112 ** 3;
  const vMof = volumeShare(4, MOF_DENSITY_G_PER_CM3, PVDF_HFP_DENSITY_G_PER_CM3);

  it("same seed gives the same grid, another seed another grid", () => {
    expect(sameGrid(a.grid, particlesInPolymer(options, createStream(5, "pip")).grid)).toBe(true);
    expect(sameGrid(a.grid, particlesInPolymer(options, createStream(6, "pip")).grid)).toBe(false);
  });

  it("MOF:polymer = 80:20 by mass on the grid; MOF volume from the sampled particles", () => {
    expect(a.stats.massFraction.mof!).toBeCloseTo(0.8, 4);
    expect(a.stats.massFraction.polymer!).toBeCloseTo(0.2, 4);
    // voxel count vs continuum volume of the (non-overlapping) particles: lattice noise only
    const d = a.particles.diametersNm;
    let volume = 0, variance = 0, vMax = 0;
    for (let i = 0; i < d.length; i++) {
      const R = d[i]! / 2 / 20;
      volume += (4 / 3) * Math.PI * R ** 3;
      variance += LATTICE_VARIANCE_C * R * R;
    }
    const mof = count(a.grid, LABEL_MOF);
    expect(Math.abs(mof - volume)).toBeLessThan(Z_TOL * Math.sqrt(variance));
    // finite number of particles: the sampler stops within half the largest particle of the target
    vMax = (Math.PI / 6) * ((500 * Math.exp(0.75)) / 20) ** 3;
    expect(Math.abs(volume - (1 - 0.45) * vMof * n)).toBeLessThan(vMax / 2);
  });

  it("particles keep the minimum gap: no MOF-MOF contact between grains, so the MOF does not percolate", () => {
    expect(a.stats.minGapNm).toBeCloseTo(2 * uniformShellNm(500, vMof), 9);
    const c = a.particles.centresNm, d = a.particles.diametersNm, L = 112 * 20;
    let minGap = Infinity;
    for (let i = 0; i < d.length; i++) for (let j = i + 1; j < d.length; j++) {
      let s2 = 0;
      for (let k = 0; k < 3; k++) {
        let dx = c[3 * j + k]! - c[3 * i + k]!;
        dx -= L * Math.round(dx / L);
        s2 += dx * dx;
      }
      minGap = Math.min(minGap, Math.sqrt(s2) - (d[i]! + d[j]!) / 2);
    }
    expect(minGap).toBeGreaterThan(a.stats.minGapNm);
    expect(a.stats.grainBoundaryFaces).toBe(0);
    expect(a.stats.grainCount).toBe(a.stats.particleCount);
    expect(spanningFractionX(a.grid, LABEL_MOF)).toBe(0);
  });

  it("the binder sits next to the particles: polymer voxels lie within the binder reach of a surface", () => {
    expect(a.stats.binderReachNm).toBeGreaterThan(0);
    // every polymer voxel has a MOF voxel within ceil(reach / voxel) + 1 voxels along some axis
    const reach = Math.ceil(a.stats.binderReachNm / 20) + 1;
    const [nx, ny, nz] = a.grid.shape;
    let far = 0;
    for (let z = 0; z < nz; z += 3) for (let y = 0; y < ny; y += 3) for (let x = 0; x < nx; x++) {
      const i = x + nx * (y + ny * z);
      if (a.grid.phase[i] !== LABEL_POLYMER) continue;
      let near = false;
      for (let dz = -reach; dz <= reach && !near; dz++) for (let dy = -reach; dy <= reach && !near; dy++) for (let dx = -reach; dx <= reach && !near; dx++) {
        const j = ((x + dx + nx) % nx) + nx * (((y + dy + ny) % ny) + ny * ((z + dz + nz) % nz));
        if (a.grid.phase[j] === LABEL_MOF) near = true;
      }
      if (!near) far++;
    }
    expect(far).toBe(0);
  });

  it("refuses what cannot be built, naming the field and the way out", () => {
    const s = createStream(1, "x");
    expect(errorOf(() => particlesInPolymer({ ...options, porosity: 0 }, s)).message).toMatchInlineSnapshot(`"porosity: got 0: MOF volume fraction 0.869 with 24.0 nm gaps packs particles to 0.986, above 0.6 (dispersed particles need porosity >= 0.392, or a smaller minGapNm)"`);
    expect(errorOf(() => particlesInPolymer({ ...options, voxelNm: 30, shape: [80, 80, 80] }, s)).message).toMatchInlineSnapshot(`"minGapNm: got 24.0 nm (default: twice the 12.0 nm binder shell that 4:1 by mass gives); the gap between particles must span at least one voxel (voxelNm 30) or particles touch on the grid: use voxelNm <= 24.0 or a larger minGapNm"`);
    expect(errorOf(() => particlesInPolymer({ ...options, mofToPolymerMassRatio: 0 }, s)).path).toBe("mofToPolymerMassRatio");
    expect(errorOf(() => particlesInPolymer({ ...options, porosity: 1 }, s)).path).toBe("porosity");
  });
});

describe("particles with fibres (MOF:BC 7:3 by mass)", () => {
  const options = { shape: [112, 112, 112] as const, voxelNm: 20 };
  const a = particlesWithFibres(options, createStream(5, "pwf"));
  const n = 112 ** 3;

  it("same seed gives the same grid, another seed another grid", () => {
    expect(sameGrid(a.grid, particlesWithFibres(options, createStream(5, "pwf")).grid)).toBe(true);
    expect(sameGrid(a.grid, particlesWithFibres(options, createStream(6, "pwf")).grid)).toBe(false);
  });

  it("MOF fraction exact, MOF:BC = 7:3 by mass within one fibre", () => {
    const vMof = volumeShare(7 / 3, MOF_DENSITY_G_PER_CM3, BC_DENSITY_G_PER_CM3);
    const mof = count(a.grid, LABEL_MOF), bc = count(a.grid, LABEL_FIBRE);
    expect(Math.abs(mof - Math.round(0.6 * vMof * n))).toBeLessThanOrEqual(10);
    // fibres are added whole until the BC target is met: the overshoot is at most one fibre,
    // a clipped cylinder of radius a: < pi (a + 1)^2 x box diagonal voxels
    const oneFibre = Math.PI * (1.25 + 1) ** 2 * Math.sqrt(3) * 112;
    const bcTarget = (mof * (1 - vMof)) / vMof;
    expect(bc).toBeGreaterThanOrEqual(bcTarget - 1);
    expect(bc - bcTarget).toBeLessThan(oneFibre);
    const massMof = (mof * MOF_DENSITY_G_PER_CM3) / (mof * MOF_DENSITY_G_PER_CM3 + bc * BC_DENSITY_G_PER_CM3);
    expect(a.stats.massFraction.mof!).toBeCloseTo(massMof, 12);
    expect(Math.abs(massMof - 0.7)).toBeLessThan(0.3 * oneFibre / bc);
  });

  it("particles are grains 1..N, fibres N+1..; aggregates hold about 10 particles", () => {
    const N = a.stats.particleCount;
    expect(a.stats.grainCount).toBe(N);
    expect(a.stats.aggregateCount).toBe(Math.max(1, Math.round(N / 10)));
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const p = a.grid.phase[i], g = a.grid.grain[i]!;
      if (p === LABEL_MOF ? g < 1 || g > N : p === LABEL_FIBRE ? g <= N || g > N + a.stats.fibreCount : g !== 0) wrong++;
    }
    expect(wrong).toBe(0);
    expect(a.fibres.firstGrain).toBe(N + 1);
  });

  it("refuses fibres thinner than 2 voxels", () => {
    expect(errorOf(() => particlesWithFibres({ ...options, fibreDiameterNm: 30 }, createStream(1, "x"))).message).toMatchInlineSnapshot(`"fibreDiameterNm: the fibre diameter is 30 nm = 1.50 voxels at voxelNm 20; need at least 2 voxels (use voxelNm <= 15)"`);
  });
});
