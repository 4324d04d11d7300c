/**
 * The Li | SE | LiFePO4 discharge model against exact results.
 *
 * 1. Very low rate: the capacity tends to Q_theo (x_cut - x0), where U(x_cut) = V_cut is
 *    found here by bisection on the open-circuit curve. At C/50 two O(rate) effects remain,
 *    both estimated independently: the pseudo-steady lag of the particle surface over its
 *    mean, x_surf - x_avg = r^2 (dx/dt) / (15 D_s) (the parabolic profile of a sphere under
 *    constant flux, c_surf - c_avg = j r / (5 D_s); Subramanian et al., J. Electrochem. Soc.
 *    152, A2002, 2005), and the overpotentials at the cut-off (measured: 4.4e-5 of the
 *    capacity with fast solid diffusion, halving from C/50 to C/100). Discretisation error
 *    by refinement (x2 in every mesh and in time): 1e-5 relative.
 * 2. Lithium conservation: Li stripped from the foil = Li in the particles (integrated over
 *    r) + change in the electrolyte, to 1e-9 relative; the anions never leave the
 *    electrolyte, so the electrolyte's salt content itself stays constant.
 * 3. Purely ohmic limit (t+ = 1, very fast kinetics and solid diffusion): once the reaction
 *    distribution is steady, a porous electrode with a linear open-circuit curve reacts
 *    uniformly, and V = U(x_avg) - I (R_SE + R_a + R_c + L / (3 kappa_eff) + L / (3 sigma)),
 *    the "L/3" pore resistance of a uniformly reacting electrode (dissipation
 *    int_0^L i_e^2 / kappa dx = I^2 L / (3 kappa) with i_e = I (1 - x/L); Newman and Tobias,
 *    J. Electrochem. Soc. 109, 1183, 1962; the R_ion/3 of the transmission line). The finite
 *    volume scheme gives L/(3 kappa) (1 + 1 / (2 N^2)) exactly (the half cell at the separator
 *    face carries the face current); with N = 40 that is within 1e-4 of the drop. Afshar's
 *    curve is linear to < 1e-6 V for 0.2 < x < 0.45, where the comparison is made.
 */
import { describe, expect, it } from "vitest";
import { simulateDischarge } from "../../src/transport/cell/discharge.js";
import { PC_LITFSI_1M_ELECTROLYTE, resolveCell, type CellOptions } from "../../src/transport/cell/electrodeOptions.js";
import {
  LFP_RATE_CONSTANT_CM2P5_PER_MOL0P5_PER_S,
  LFP_THEORETICAL_CAPACITY_MAH_PER_G,
  lfpOpenCircuitVoltageV,
} from "../../src/transport/cell/lfpMaterial.js";

const SE = { conductivitySPerCm: 1e-3, transferenceNumber: 0.9 };

/** x with U(x) = v, by bisection on the formula (independent of the model's inverse). */
function lithiationAt(v: number): number {
  let lo = 0.5;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (lfpOpenCircuitVoltageV(mid) > v) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

describe("capacity at very low rate", () => {
  const xCut = lithiationAt(2.5);
  const ideal = LFP_THEORETICAL_CAPACITY_MAH_PER_G * (xCut - 0.01);

  it("fast solid diffusion: C/50 gives Q_theo (x_cut - x0) to 1e-4, and C/100 comes closer", () => {
    const cell: CellOptions = { separator: SE, cathode: { solidDiffusivityCm2PerS: 1e-10 } };
    const q50 = simulateDischarge(cell, { cRate: 0.02 }).dischargeCapacityMAhPerG;
    const q100 = simulateDischarge(cell, { cRate: 0.01 }).dischargeCapacityMAhPerG;
    expect(ideal).toBeCloseTo(168.1146, 3);
    expect(Math.abs(q50 - ideal) / ideal).toBeLessThan(1e-4);
    expect(Math.abs(q100 - ideal)).toBeLessThan(0.6 * Math.abs(q50 - ideal));
  });

  it("default solid diffusion: C/50 gives Q_theo (x_cut - x0 - r^2 (dx/dt) / (15 D_s)) to 1e-4", () => {
    const q = simulateDischarge({ separator: SE }, { cRate: 0.02 }).dischargeCapacityMAhPerG;
    const lag = (1e-5) ** 2 * (0.02 / 3600) / (15 * 1.8e-14);
    const expected = LFP_THEORETICAL_CAPACITY_MAH_PER_G * (xCut - 0.01 - lag);
    expect(lag).toBeCloseTo(2.058e-3, 6);
    expect(Math.abs(q - expected) / expected).toBeLessThan(1e-4);
  });
});

describe("lithium conservation", () => {
  const cases: [string, CellOptions, number][] = [
    ["t+ 0.9 everywhere, 1 C", { separator: SE }, 1],
    [
      "t+ 0.5 membrane, PC liquid in the pores, interfacial resistances, 3 C",
      { separator: { conductivitySPerCm: 5e-4, transferenceNumber: 0.5 }, cathode: { poreElectrolyte: PC_LITFSI_1M_ELECTROLYTE }, interfaces: { anodeResistanceOhmCm2: 20, cathodeResistanceOhmCm2: 10 } },
      3,
    ],
  ];
  for (const [name, cell, cRate] of cases) {
    it(name, () => {
      const r = simulateDischarge(cell, { cRate });
      const { fromAnodeMolPerCm2: a, intoParticlesMolPerCm2: p, electrolyteChangeMolPerCm2: e } = r.lithium;
      expect(a).toBeGreaterThan(0);
      expect(Math.abs(p + e - a) / a).toBeLessThan(1e-9);
      expect(Math.abs(e) / a).toBeLessThan(1e-9);
      // the particles' Li is the capacity: Q = F (x_end - x0) m_AM / M
      expect(r.finalLithiation - 0.01).toBeCloseTo(r.dischargeCapacityMAhPerG / LFP_THEORETICAL_CAPACITY_MAH_PER_G, 9);
    });
  }
});

describe("purely ohmic limit", () => {
  const cellOptions: CellOptions = {
    separator: { conductivitySPerCm: 1e-3, transferenceNumber: 1 },
    cathode: { solidDiffusivityCm2PerS: 1e-8, electronicConductivitySPerCm: 1e4, rateConstantCm2p5PerMol0p5PerS: LFP_RATE_CONSTANT_CM2P5_PER_MOL0P5_PER_S * 1e6 },
    interfaces: { anodeResistanceOhmCm2: 5, cathodeResistanceOhmCm2: 3, lithiumExchangeCurrentDensityMAPerCm2: 1e9 },
  };
  const cell = resolveCell(cellOptions);
  const I = cell.oneCCurrentDensity;
  const rPore = cell.cathodeThicknessCm / (3 * cell.poreConductivity);
  const rTotal = cell.separatorThicknessCm / cell.separatorConductivity + 5 + 3 + rPore + cell.cathodeThicknessCm / (3 * cell.electronicConductivity);

  /** max over 0.2 < x_avg < 0.45 of |V - (U(x_avg) - I R)| / (I rTotal). */
  function worst(cathodeCells: number, r: number): number {
    const res = simulateDischarge(cellOptions, { cRate: 1, curvePoints: "all", mesh: { cathodeCells, particleShells: 5 } });
    const { voltageV, averageLithiation } = res.curve;
    let w = 0;
    let n = 0;
    for (let i = 0; i < voltageV.length; i++) {
      const x = averageLithiation[i]!;
      if (x < 0.2 || x > 0.45) continue;
      n++;
      w = Math.max(w, Math.abs(voltageV[i]! - (lfpOpenCircuitVoltageV(x) - I * r)) / (I * rTotal));
    }
    expect(n).toBeGreaterThan(20);
    return w;
  }

  it("V = U(x_avg) - I (R_SE + R_a + R_c + L/(3 kappa_eff) + L/(3 sigma)) to 1e-4 of the drop (N = 40)", () => {
    expect(rPore / rTotal).toBeGreaterThan(0.08); // the pore term matters at this tolerance
    expect(worst(40, rTotal)).toBeLessThan(1e-4);
  });

  it("the discrete pore resistance is L/(3 kappa) (1 + 1/(2 N^2)) (N = 10)", () => {
    const rDiscrete = rTotal + rPore / (2 * 10 * 10);
    expect(worst(10, rDiscrete)).toBeLessThan(5e-6);
    expect(worst(10, rTotal)).toBeGreaterThan(3e-4); // the 1/(2 N^2) term is resolved
  });
});

describe("a cell that reaches the cut-off in the first instant", () => {
  // A single-ion membrane (3e-4 S/cm) with 300 ohm cm2 at each interface at 5 C: the voltage
  // the instant the current is on is 20 mV above the 2.5 V cut-off, and the solid-diffusion
  // polarisation of the first instant takes it below. The discharge ends at the cut-off with
  // (almost) no capacity instead of throwing; the capacity is continuous in the interface
  // resistance (a slightly better interface gives a little more, never less).
  const cell = (r: number): CellOptions => ({ separator: { conductivitySPerCm: 3e-4, transferenceNumber: 1 }, interfaces: { anodeResistanceOhmCm2: r, cathodeResistanceOhmCm2: r } });
  it("ends at the cut-off with a capacity continuous in the interface resistance", () => {
    const d = simulateDischarge(cell(300), { cRate: 5 });
    expect(d.initialVoltageV).toBeGreaterThan(2.5);
    expect(d.endReason).toBe("cutoff");
    expect(d.lithium.fromAnodeMolPerCm2).toBeCloseTo(d.lithium.intoParticlesMolPerCm2, 15);
    const better = simulateDischarge(cell(290), { cRate: 5 }).dischargeCapacityMAhPerG;
    expect(d.dischargeCapacityMAhPerG).toBeGreaterThanOrEqual(0);
    expect(d.dischargeCapacityMAhPerG).toBeLessThanOrEqual(better);
  });
});

describe("the discharge never throws", () => {
  // Over interface resistances 0-1000 ohm cm2 and 0.1-10 C, single-ion and salt membranes:
  // every discharge returns a capacity in [0, theoretical] with its end reason, and Li is
  // conserved (stripped from the foil = into the particles + change in the electrolyte).
  for (const tPlus of [1, 0.4]) {
    for (const r of [0, 30, 300, 1000]) {
      it(`t+ ${tPlus}, ${r} ohm cm2 per interface: 0.1, 1 and 10 C`, () => {
        for (const cRate of [0.1, 1, 10]) {
          const d = simulateDischarge({ separator: { conductivitySPerCm: 3e-4, transferenceNumber: tPlus }, interfaces: { anodeResistanceOhmCm2: r, cathodeResistanceOhmCm2: r } }, { cRate });
          expect(d.dischargeCapacityMAhPerG).toBeGreaterThanOrEqual(0);
          expect(d.dischargeCapacityMAhPerG).toBeLessThanOrEqual(LFP_THEORETICAL_CAPACITY_MAH_PER_G);
          expect(["cutoff", "below-cutoff-at-start"]).toContain(d.endReason);
          const { fromAnodeMolPerCm2: a, intoParticlesMolPerCm2: p, electrolyteChangeMolPerCm2: e } = d.lithium;
          expect(Math.abs(a - p - e)).toBeLessThanOrEqual(1e-9 * Math.max(a, 1e-12));
        }
      });
    }
  }
});
