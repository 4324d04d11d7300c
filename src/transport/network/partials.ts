/**
 * The cation and anion conductivities of a solved DC network as the field is switched on,
 * before any concentration builds up: every phase then carries its two ions in the ratio of
 * its own transference number t (sigma_+ = t sigma, sigma_- = (1 - t) sigma locally), under
 * the one electric potential the network solve found. The macroscopic partial current
 * densities are the volume averages of the local ones (the same homogenisation that makes
 * sigma_eff = <j> / <E>), and on the voxel network the volume integral of j_x is a sum over
 * the bonds along x of their current times their extent along x:
 *   <j_+,x> V = sum_bonds I_b (h_x / 2) (t_a + t_b)    (each half-voxel in its own phase),
 * plus, at plane electrodes, the half-voxel from each boundary voxel's centre to its plane
 * (grain boundaries and interface elements have no extent). With the same sum for 1 - t,
 *   sigma_+ = <j_+,x> L / (V_applied A),  sigma_- = <j_-,x> L / (V_applied A),
 * and sigma_+ + sigma_- = sum_b I_b dx_b / (V_applied A) = I L / (V_applied A) = sigma_eff
 * by Kirchhoff's law at every voxel (each layer of voxels passes the electrode current): it
 * holds to the solver's tolerance, which `conservationError` reports; the split is then
 * applied to sigma_eff, so that the reported pair adds up to it exactly.
 *
 * Where the phases share one t, sigma_+ = t sigma_eff. Where they differ, this is the
 * membrane's initial (high-frequency) split; once the field has been on long enough for the
 * ions that cannot cross a phase boundary to pile up there, the Li current is that of the
 * cation-only network (each phase at t sigma; the anions held everywhere), which is what a DC
 * experiment between Li electrodes measures (pipeline/electrochem.ts).
 */
import { InputError } from "../../core/errors.js";
import type { VoxelGrid } from "../../structure/voxel/grid.js";
import { bondConductance, planeConductance } from "./assemble.js";
import { resolveNetwork, type NetworkOptions } from "./options.js";
import type { NetworkResult } from "./solve.js";

export interface PartialConductivities {
  /** The cation's share of the initial current, as a conductivity, S/cm. */
  readonly cationConductivitySPerCm: number;
  /** The anion's share, S/cm. */
  readonly anionConductivitySPerCm: number;
  /** |sigma_+ + sigma_- - sigma_eff| / sigma_eff: Kirchhoff's law as the solve met it (0 without current). */
  readonly conservationError: number;
}

/**
 * Partial conductivities of `result` (solved on `grid` with `options`), the cation
 * transference number of each voxel label in `cationShareByLabel` (256 entries, each in
 * [0, 1]; labels that do not conduct are ignored).
 */
export function partialConductivities(grid: VoxelGrid, options: NetworkOptions, result: NetworkResult, cationShareByLabel: Float64Array): PartialConductivities {
  if (cationShareByLabel.length !== 256) throw new InputError(`cationShareByLabel: got ${cationShareByLabel.length} entries; must have 256 (one per voxel label)`);
  const r = resolveNetwork(grid, options);
  for (const l of r.labels) {
    const t = cationShareByLabel[l]!;
    if (r.sigma[l]! > 0 && !(t >= 0 && t <= 1)) throw new InputError(`cationShareByLabel[${l}] (${r.names[l]}): got ${t}; must be in [0, 1]`);
  }
  const sigmaEff = result.conductivitySPerCm;
  if (!(sigmaEff > 0)) return { cationConductivitySPerCm: 0, anionConductivitySPerCm: 0, conservationError: 0 };
  const [nx, ny, nz] = grid.shape;
  const { phase, grain } = grid;
  const phi = result.potentialV;
  const sigma = r.sigma, rgb = r.gbR;
  const [hx] = r.edgesCm;
  const [lx] = r.bondLengthCm, [ax] = r.faceAreaCm2;
  const V = r.voltage;
  const half = hx / 2;
  let cation = 0, anion = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const v0 = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) {
        const v = v0 + x;
        const pa = phase[v]!, sa = sigma[pa]!;
        const pv = phi[v]!;
        if (!(sa > 0) || Number.isNaN(pv)) continue;
        const ta = cationShareByLabel[pa]!;
        if (!r.layers) {
          // the half-voxels between this centre and the electrode planes it touches
          const g = planeConductance(sa, lx, ax, r.intR);
          if (x === 0) {
            cation += g * (V - pv) * half * ta;
            anion += g * (V - pv) * half * (1 - ta);
          }
          if (x === nx - 1) {
            cation += g * pv * half * ta;
            anion += g * pv * half * (1 - ta);
          }
        }
        if (x + 1 < nx) {
          const w = v + 1, pw = phi[w]!;
          const pb = phase[w]!, sb = sigma[pb]!;
          if (!(sb > 0) || Number.isNaN(pw)) continue;
          const I = bondConductance(sa, sb, lx, ax, grain[v] !== grain[w] && pa === pb, rgb) * (pv - pw);
          const tb = cationShareByLabel[pb]!;
          cation += I * half * (ta + tb);
          anion += I * half * (2 - ta - tb);
        }
      }
    }
  }
  // the two sums add up to I L (Kirchhoff) up to the solve's residual, as sigma_eff's
  // electrode current does; the split is reported on sigma_eff, so that the two add up to it
  // exactly and one t for every phase gives t sigma_eff exactly
  const sum = (cation + anion) / (V * result.areaCm2);
  return {
    cationConductivitySPerCm: sigmaEff * (cation / (cation + anion)),
    anionConductivitySPerCm: sigmaEff * (anion / (cation + anion)),
    conservationError: Math.abs(sum - sigmaEff) / sigmaEff,
  };
}
