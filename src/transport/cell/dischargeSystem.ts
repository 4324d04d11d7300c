/**
 * The discretised Li | SE | LiFePO4 cell (pseudo-2D, the DFN structure of Doyle, Fuller and
 * Newman, J. Electrochem. Soc. 140, 1526, 1993, with a Li-metal anode) and one implicit
 * (backward Euler) time step solved by Newton's method.
 *
 * Unknowns, cell-centred finite volumes on uniform meshes (x from the Li foil, 0, to the
 * current collector): in each separator cell the salt concentration c (scaled by c0) and the
 * electrolyte potential phi_e; in each cathode cell also the solid potential phi_s and the
 * intercalation flux j (mol per cm2 of particle surface per s, scaled by its mean
 * I / (F a L)). The particles (finite volumes in r) are linear in j and are eliminated
 * exactly: c_surf = s0 + g j per cathode cell (see prepare()).
 *
 * Equations (concentrated-solution form with constant properties and a thermodynamic
 * factor of 1; Newman and Thomas-Alyea, Electrochemical Systems, ch. 22):
 *   salt (= Li+)     eps dc/dt = -dN/dx - a j,        N = -D_eff dc/dx + t+ i_e / F
 *   electrolyte      di_e/dx = -a F j,                i_e = -kappa_eff (dphi_e/dx - (2RT/F)(1 - t+) d ln c/dx)
 *   solid            di_s/dx = +a F j,                i_s = -sigma dphi_s/dx
 *   kinetics         F j = -2 i0 sinh(F eta / 2RT),   eta = phi_s - phi_e - U(c_surf / c_max)
 *                    i0 = F k c^0.5 c_surf^0.5 (c_max - c_surf)^0.5   (Butler-Volmer, alpha = 1/2)
 *   particles        dc_s/dt = D_s r^-2 d/dr (r^2 dc_s/dr),  -D_s dc_s/dr (r_p) = -j
 * Boundary conditions: at the Li foil N = I / F (Li stripping), i_e = I; at the collector
 * N = 0, i_e = 0, i_s = I; i_s = 0 at the separator face. The separator has no solid phase
 * and eps = 1 (its conductivity, diffusivity and c are per membrane volume). The SE | cathode
 * face carries the interfacial resistance in series with the two half cells and a continuous
 * concentration, found by matching the half-cell salt fluxes (t+ may jump there).
 * The potential gauge is phi_e = 0 in the first separator cell (that cell's charge balance
 * is implied by the others); the cell voltage is rebuilt from it in voltage().
 */
import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from "../../core/constants.js";
import { BandedLu } from "./dischargeBandedLu.js";
import type { ResolvedCell } from "./electrodeOptions.js";
import { lfpOpenCircuitSlopeV, lfpOpenCircuitVoltageV } from "./lfpMaterial.js";

export interface DischargeMesh {
  readonly separatorCells: number;
  readonly cathodeCells: number;
  readonly particleShells: number;
}

const F = FARADAY_C_PER_MOL;
/**
 * Newton converges when the scaled residual (salt rows in units of the applied Li flux,
 * charge and kinetic rows in thermal voltages) is below RESIDUAL_FLOOR, or when a full step
 * moved every scaled unknown by less than STEP_TOLERANCE from a residual below
 * RESIDUAL_TOLERANCE (quadratic convergence leaves the next residual at round-off).
 */
const RESIDUAL_FLOOR = 1e-11;
const STEP_TOLERANCE = 1e-10;
const RESIDUAL_TOLERANCE = 1e-6;
/** Fraction of the distance to c = 0 or to the solid's limits a Newton step may go. */
const FRACTION_TO_BOUNDARY = 0.9;
/** Largest surface lithiation of a Newton start (the previous flux is cut to stay below it). */
const SATURATION_GUESS = 0.999;

export class DischargeSystem {
  readonly cell: ResolvedCell;
  readonly ns: number;
  readonly np: number;
  readonly nr: number;
  readonly n: number;
  /** Applied current density, A/cm2 (discharge positive). */
  readonly current: number;
  /** Current state (Newton iterate) and the last committed state. */
  readonly x: Float64Array;
  readonly xPrev: Float64Array;
  /** Solid concentrations, mol/cm3, cathode cell k, shell m at k * nr + m (committed). */
  readonly cs: Float64Array;
  time = 0;
  newtonIterations = 0;
  /**
   * The last step failed because some particle's surface would have to pass full lithiation
   * (theta >= 1) to take its share of the current: where that holds at every step length, the
   * particles cannot carry the current, U(1) < the cut-off, and the discharge is over.
   */
  saturated = false;

  private readonly res: Float64Array;
  private readonly lu: BandedLu;
  private readonly hs: number;
  private readonly hp: number;
  private readonly dr: number;
  private readonly vT: number;
  private readonly jRef: number;
  private readonly iRef: number;
  /** Shell volumes / (4 pi) and face areas / (4 pi). */
  private readonly shellVolume: Float64Array;
  private readonly faceArea: Float64Array;
  private readonly thomasUpper: Float64Array;
  private readonly thomasInvPivot: Float64Array;
  private readonly thomasLower: Float64Array;
  private readonly w: Float64Array;
  private readonly hom: Float64Array;
  private readonly s0: Float64Array;
  private preparedDt = -1;
  private g = 0;
  private dt = 1;

  constructor(cell: ResolvedCell, mesh: DischargeMesh, currentDensity: number) {
    this.cell = cell;
    this.ns = mesh.separatorCells;
    this.np = mesh.cathodeCells;
    this.nr = mesh.particleShells;
    this.n = 2 * this.ns + 4 * this.np;
    this.current = currentDensity;
    this.hs = cell.separatorThicknessCm / this.ns;
    this.hp = cell.cathodeThicknessCm / this.np;
    this.dr = cell.particleRadiusCm / this.nr;
    this.vT = (GAS_CONSTANT_J_PER_MOL_K * cell.temperatureK) / F;
    this.iRef = currentDensity / (cell.specificAreaPerCm * cell.cathodeThicknessCm);
    this.jRef = this.iRef / F;
    this.x = new Float64Array(this.n);
    this.xPrev = new Float64Array(this.n);
    this.res = new Float64Array(this.n);
    this.lu = new BandedLu(this.n, 7, 7);
    const nr = this.nr;
    this.shellVolume = new Float64Array(nr);
    this.faceArea = new Float64Array(nr + 1);
    for (let m = 0; m <= nr; m++) this.faceArea[m] = (m * this.dr) ** 2;
    for (let m = 0; m < nr; m++) this.shellVolume[m] = (((m + 1) * this.dr) ** 3 - (m * this.dr) ** 3) / 3;
    this.thomasUpper = new Float64Array(nr);
    this.thomasInvPivot = new Float64Array(nr);
    this.thomasLower = new Float64Array(nr);
    this.w = new Float64Array(nr);
    this.cs = new Float64Array(this.np * nr);
    this.hom = new Float64Array(this.np * nr);
    this.s0 = new Float64Array(this.np);
    this.reset();
  }

  /** The charged, relaxed cell: c = c0, x = x0 in every particle. */
  reset(): void {
    const { cell, x } = this;
    this.cs.fill(cell.initialLithiation * cell.maxConcentration);
    const u0 = lfpOpenCircuitVoltageV(cell.initialLithiation);
    for (let i = 0; i < this.ns; i++) {
      x[2 * i] = 1;
      x[2 * i + 1] = 0;
    }
    for (let k = 0; k < this.np; k++) {
      const b = 2 * this.ns + 4 * k;
      x[b] = 1;
      x[b + 1] = 0;
      x[b + 2] = u0;
      x[b + 3] = 1;
    }
    this.xPrev.set(x);
    this.time = 0;
    this.preparedDt = -1;
  }

  /**
   * Backward Euler in the particle: (V_m / dt)(c_m - c_m^old) = D_s (A_{m+1}(c_{m+1} - c_m)
   * - A_m (c_m - c_{m-1})) / dr + [m = last] r_p^2 j, with V_m the shell volume and A_m the
   * face area (both divided by 4 pi). The matrix M is the same in every cathode cell, so
   * c = M^-1 (V c^old / dt) + j M^-1 (r_p^2 e_last) = hom + j w, and the surface value,
   * extrapolated from the last shell with the flux condition, is
   * c_surf = hom_last + j (w_last + dr / (2 D_s)) = s0 + g j. Thomas algorithm, O(nr).
   */
  private prepare(dt: number): void {
    const { nr, dr, shellVolume: vol, faceArea: area, thomasUpper: up, thomasInvPivot: inv, thomasLower: lo, w } = this;
    const ds = this.cell.solidDiffusivity;
    if (dt !== this.preparedDt) {
      for (let m = 0; m < nr; m++) {
        const left = m > 0 ? (ds * area[m]!) / dr : 0;
        const right = m < nr - 1 ? (ds * area[m + 1]!) / dr : 0;
        const diag = vol[m]! / dt + left + right;
        lo[m] = -left;
        const pivot = m > 0 ? diag - lo[m]! * up[m - 1]! : diag;
        inv[m] = 1 / pivot;
        up[m] = -right * inv[m]!;
      }
      for (let m = 0; m < nr; m++) w[m] = 0;
      w[nr - 1] = this.cell.particleRadiusCm ** 2;
      this.thomasSolve(w, 0);
      this.g = w[nr - 1]! + dr / (2 * ds);
      this.preparedDt = dt;
    }
    const { cs, hom, s0 } = this;
    for (let k = 0; k < this.np; k++) {
      const o = k * nr;
      for (let m = 0; m < nr; m++) hom[o + m] = (vol[m]! * cs[o + m]!) / dt;
      this.thomasSolve(hom, o);
      s0[k] = hom[o + nr - 1]!;
    }
  }

  /**
   * The state the instant the current is switched on (t = 0+): the particle surfaces keep
   * their concentration (c_surf = c_last, g = 0; the extrapolation with the flux gradient
   * would assume a diffusion layer already dr / 2 thick), the electrolyte concentration is
   * unchanged (a step of 1e-12 s), potentials and reaction distribution adjust. Not committed.
   */
  solveInstant(): boolean {
    const dt = 1e-12;
    this.prepare(dt);
    this.preparedDt = -1; // g and s0 below are not those of a real step of this length
    this.g = 0;
    for (let k = 0; k < this.np; k++) this.s0[k] = this.cs[k * this.nr + this.nr - 1]!;
    return this.newton(dt, 40);
  }

  private thomasSolve(d: Float64Array, o: number): void {
    const { nr, thomasUpper: up, thomasInvPivot: inv, thomasLower: lo } = this;
    d[o] = d[o]! * inv[0]!;
    for (let m = 1; m < nr; m++) d[o + m] = (d[o + m]! - lo[m]! * d[o + m - 1]!) * inv[m]!;
    for (let m = nr - 2; m >= 0; m--) d[o + m] = d[o + m]! - up[m]! * d[o + m + 1]!;
  }

  /**
   * Residual and Jacobian at the iterate x for the step dt. Rows are scaled to be O(1):
   * salt rows by F / I (mol -> fraction of the applied flux) and then by
   * 1 / (1 + storage coefficient), charge rows by h / (kappa V_T)
   * (current -> thermal voltages), the kinetic row by 1 / V_T. Returns the largest |residual|,
   * or NaN when the iterate left the physical domain (c <= 0, solid fraction outside (0, 1)).
   */
  private assemble(): number {
    const { x, xPrev, res, lu, cell, ns, np, hs, hp, vT, dt } = this;
    const I = this.current;
    const c0 = cell.saltConcentration;
    const beta = cell.diffusionPotentialFactorV;
    const sS = F / I;
    lu.clear();
    res.fill(0);

    // Separator: storage, the Li-foil flux and the gauge.
    const kS = cell.separatorConductivity;
    const dS = cell.separatorDiffusivity;
    const tS = cell.separatorTransference;
    const rsS = hs / (kS * vT);
    for (let i = 0; i < ns; i++) {
      const c = x[2 * i]!;
      if (!(c > 0)) return NaN;
      res[2 * i] = res[2 * i]! + (sS * hs * c0 * (c - xPrev[2 * i]!)) / dt;
      lu.add(2 * i, 2 * i, (sS * hs * c0) / dt);
    }
    res[0] = res[0]! - 1; // -N_left * F / I with N_left = I / F
    res[1] = x[1]! / vT;
    lu.add(1, 1, 1 / vT);
    const gS = kS / hs;
    const bS = beta * (1 - tS);
    for (let i = 0; i + 1 < ns; i++) {
      const l = 2 * i;
      const r = l + 2;
      const cl = x[l]!;
      const cr = x[r]!;
      const flux = sS * (-((dS * c0) / hs) * (cr - cl) + (tS * I) / F);
      const dFlux = (sS * dS * c0) / hs;
      res[l] = res[l]! + flux;
      res[r] = res[r]! - flux;
      lu.add(l, l, dFlux);
      lu.add(l, r, -dFlux);
      lu.add(r, l, -dFlux);
      lu.add(r, r, dFlux);
      const ie = rsS * -gS * (x[r + 1]! - x[l + 1]! - bS * (Math.log(cr) - Math.log(cl)));
      const dP = rsS * gS;
      const dCl = (-rsS * gS * bS) / cl;
      const dCr = (rsS * gS * bS) / cr;
      if (i > 0) {
        res[l + 1] = res[l + 1]! + ie;
        lu.add(l + 1, l + 1, dP);
        lu.add(l + 1, r + 1, -dP);
        lu.add(l + 1, l, dCl);
        lu.add(l + 1, r, dCr);
      }
      res[r + 1] = res[r + 1]! - ie;
      lu.add(r + 1, l + 1, -dP);
      lu.add(r + 1, r + 1, dP);
      lu.add(r + 1, l, -dCl);
      lu.add(r + 1, r, -dCr);
    }

    // SE | cathode face: continuous concentration c_f from matching the half-cell fluxes
    // -G_L (c_f - c_L) + t_S I/F = -G_R (c_R - c_f) + t_P I/F; the current I crosses it.
    const kP = cell.poreConductivity;
    const dP = cell.poreDiffusivity;
    const tP = cell.poreTransference;
    const rsP = hp / (kP * vT);
    const sigma = cell.electronicConductivity;
    const rsE = hp / (sigma * vT);
    {
      const l = 2 * (ns - 1);
      const r = 2 * ns;
      const cl = x[l]!;
      const cr = x[r]!;
      if (!(cr > 0)) return NaN;
      const gl = dS / (0.5 * hs);
      const gr = dP / (0.5 * hp);
      let cf: number;
      let cfL: number;
      let cfR: number;
      let flux: number;
      let dFl: number;
      let dFr: number;
      if (gl + gr > 0) {
        cf = (gl * c0 * cl + gr * c0 * cr + ((tS - tP) * I) / F) / (gl + gr);
        cfL = (gl * c0) / (gl + gr);
        cfR = (gr * c0) / (gl + gr);
        flux = -gl * (cf - c0 * cl) + (tS * I) / F;
        dFl = -gl * (cfL - c0);
        dFr = -gl * cfR;
      } else {
        cf = 0.5 * c0 * (cl + cr);
        cfL = 0.5 * c0;
        cfR = 0.5 * c0;
        flux = (tS * I) / F;
        dFl = 0;
        dFr = 0;
      }
      if (!(cf > 0)) return NaN;
      res[l] = res[l]! + sS * flux;
      res[r] = res[r]! - sS * flux;
      lu.add(l, l, sS * dFl);
      lu.add(l, r, sS * dFr);
      lu.add(r, l, -sS * dFl);
      lu.add(r, r, -sS * dFr);
      const rFace = (0.5 * hs) / kS + cell.cathodeResistance + (0.5 * hp) / kP;
      const lnCf = Math.log(cf);
      const ie = (-(x[r + 1]! - x[l + 1]!) + beta * ((1 - tS) * (lnCf - Math.log(c0 * cl)) + (1 - tP) * (Math.log(c0 * cr) - lnCf))) / rFace;
      const dPl = 1 / rFace;
      const dCl = (beta / rFace) * ((tP - tS) * (cfL / cf) - (1 - tS) / cl);
      const dCr = (beta / rFace) * ((tP - tS) * (cfR / cf) + (1 - tP) / cr);
      if (ns > 1) {
        res[l + 1] = res[l + 1]! + rsS * ie;
        lu.add(l + 1, l + 1, rsS * dPl);
        lu.add(l + 1, r + 1, -rsS * dPl);
        lu.add(l + 1, l, rsS * dCl);
        lu.add(l + 1, r, rsS * dCr);
      }
      res[r + 1] = res[r + 1]! - rsP * ie;
      lu.add(r + 1, l + 1, -rsP * dPl);
      lu.add(r + 1, r + 1, rsP * dPl);
      lu.add(r + 1, l, -rsP * dCl);
      lu.add(r + 1, r, -rsP * dCr);
    }

    // Cathode cells: storage, reaction, kinetics.
    const eps = cell.porosity;
    const lp = cell.cathodeThicknessCm;
    const cmax = cell.maxConcentration;
    const gTheta = (this.g * this.jRef) / cmax;
    const i0Factor = F * cell.rateConstant * cmax * Math.sqrt(c0);
    for (let k = 0; k < np; k++) {
      const b = 2 * ns + 4 * k;
      const c = x[b]!;
      if (!(c > 0)) return NaN;
      const jt = x[b + 3]!;
      res[b] = res[b]! + (sS * eps * hp * c0 * (c - xPrev[b]!)) / dt + (hp / lp) * jt;
      lu.add(b, b, (sS * eps * hp * c0) / dt);
      lu.add(b, b + 3, hp / lp);
      res[b + 1] = res[b + 1]! + rsP * (hp / lp) * I * jt;
      lu.add(b + 1, b + 3, rsP * (hp / lp) * I);
      res[b + 2] = res[b + 2]! - rsE * (hp / lp) * I * jt;
      lu.add(b + 2, b + 3, -rsE * (hp / lp) * I);
      // Kinetics, written for eta: phi_s - phi_e - U(theta) + 2 V_T asinh(i_n / (2 i0)) = 0.
      const theta = (this.s0[k]! + this.g * this.jRef * jt) / cmax;
      if (!(theta > 0 && theta < 1)) {
        if (theta >= 1) this.saturated = true;
        return NaN;
      }
      const i0 = i0Factor * Math.sqrt(c * theta * (1 - theta));
      const z = (this.iRef * jt) / (2 * i0);
      const dAsinh = 1 / Math.sqrt(1 + z * z);
      const dLnI0dTheta = (1 - 2 * theta) / (2 * theta * (1 - theta));
      res[b + 3] = (x[b + 2]! - x[b + 1]! - lfpOpenCircuitVoltageV(theta)) / vT + 2 * Math.asinh(z);
      lu.add(b + 3, b + 2, 1 / vT);
      lu.add(b + 3, b + 1, -1 / vT);
      const dzdj = this.iRef / (2 * i0) - z * dLnI0dTheta * gTheta;
      lu.add(b + 3, b + 3, (-lfpOpenCircuitSlopeV(theta) * gTheta) / vT + 2 * dAsinh * dzdj);
      lu.add(b + 3, b, 2 * dAsinh * (-z / (2 * c)));
    }
    const gP = kP / hp;
    const bP = beta * (1 - tP);
    const gE = sigma / hp;
    for (let k = 0; k + 1 < np; k++) {
      const l = 2 * ns + 4 * k;
      const r = l + 4;
      const cl = x[l]!;
      const cr = x[r]!;
      // Electrolyte current and Li+ flux through the face.
      const ie = -gP * (x[r + 1]! - x[l + 1]! - bP * (Math.log(cr) - Math.log(cl)));
      const iePl = gP;
      const ieCl = (-gP * bP) / cl;
      const ieCr = (gP * bP) / cr;
      const flux = -((dP * c0) / hp) * (cr - cl) + (tP * ie) / F;
      const dDiff = (dP * c0) / hp;
      const m = (tP / F) * sS; // salt-row weight of a current derivative
      res[l] = res[l]! + sS * flux;
      res[r] = res[r]! - sS * flux;
      lu.add(l, l, sS * dDiff + m * ieCl);
      lu.add(l, r, -sS * dDiff + m * ieCr);
      lu.add(l, l + 1, m * iePl);
      lu.add(l, r + 1, -m * iePl);
      lu.add(r, l, -(sS * dDiff + m * ieCl));
      lu.add(r, r, -(-sS * dDiff + m * ieCr));
      lu.add(r, l + 1, -m * iePl);
      lu.add(r, r + 1, m * iePl);
      res[l + 1] = res[l + 1]! + rsP * ie;
      res[r + 1] = res[r + 1]! - rsP * ie;
      lu.add(l + 1, l, rsP * ieCl);
      lu.add(l + 1, r, rsP * ieCr);
      lu.add(l + 1, l + 1, rsP * iePl);
      lu.add(l + 1, r + 1, -rsP * iePl);
      lu.add(r + 1, l, -rsP * ieCl);
      lu.add(r + 1, r, -rsP * ieCr);
      lu.add(r + 1, l + 1, -rsP * iePl);
      lu.add(r + 1, r + 1, rsP * iePl);
      // Electronic current.
      const is = -gE * (x[r + 2]! - x[l + 2]!);
      res[l + 2] = res[l + 2]! + rsE * is;
      res[r + 2] = res[r + 2]! - rsE * is;
      lu.add(l + 2, l + 2, rsE * gE);
      lu.add(l + 2, r + 2, -rsE * gE);
      lu.add(r + 2, l + 2, -rsE * gE);
      lu.add(r + 2, r + 2, rsE * gE);
    }
    const lastSolid = 2 * ns + 4 * (np - 1) + 2;
    res[lastSolid] = res[lastSolid]! + rsE * I; // i_s = I leaves through the collector

    // Salt rows: divide by 1 + (storage coefficient), so that short steps (large h c0 / dt)
    // do not lift the round-off floor of these rows above the Newton tolerances.
    const fS = 1 / (1 + (sS * hs * c0) / dt);
    for (let i = 0; i < ns; i++) {
      res[2 * i] = res[2 * i]! * fS;
      lu.scaleRow(2 * i, fS);
    }
    const fP = 1 / (1 + (sS * eps * hp * c0) / dt);
    for (let k = 0; k < np; k++) {
      const b = 2 * ns + 4 * k;
      res[b] = res[b]! * fP;
      lu.scaleRow(b, fP);
    }

    let big = 0;
    for (let i = 0; i < this.n; i++) {
      const a = Math.abs(res[i]!);
      if (!(a <= big)) big = a; // NaN propagates
    }
    return big;
  }

  /**
   * One backward-Euler step of length dt from the committed state, by Newton's method with
   * a fraction-to-boundary damping that keeps c > 0 and 0 < c_surf / c_max < 1. Leaves the
   * result in x (not committed). Returns false if Newton fails (the caller shortens dt).
   */
  solveStep(dt: number, maxIterations = 40): boolean {
    this.prepare(dt);
    return this.newton(dt, maxIterations);
  }

  private newton(dt: number, maxIterations: number): boolean {
    this.dt = dt;
    const { x, res, lu, ns, np, vT } = this;
    x.set(this.xPrev);
    this.saturated = false;
    const cmax = this.cell.maxConcentration;
    const gTheta = (this.g * this.jRef) / cmax;
    // the previous fluxes as the first guess, each cut to what its surface can still take
    // (a slow particle's surface would otherwise start past saturation and the step fail)
    if (gTheta > 0) {
      for (let k = 0; k < np; k++) {
        const b = 2 * ns + 4 * k + 3;
        const room = (SATURATION_GUESS - this.s0[k]! / cmax) / gTheta;
        if (x[b]! > room) x[b] = Math.max(0, room);
      }
    }
    for (let it = 0; it < maxIterations; it++) {
      const r = this.assemble();
      if (!Number.isFinite(r)) return false;
      if (it > 0 && r < RESIDUAL_FLOOR) return true;
      try {
        lu.factor();
      } catch {
        return false;
      }
      for (let i = 0; i < this.n; i++) res[i] = -res[i]!;
      lu.solve(res); // res now holds the Newton step
      let alpha = 1;
      for (let i = 0; i < ns; i++) {
        const d = res[2 * i]!;
        if (d < 0) alpha = Math.min(alpha, (-FRACTION_TO_BOUNDARY * x[2 * i]!) / d);
      }
      for (let k = 0; k < np; k++) {
        const b = 2 * ns + 4 * k;
        const d = res[b]!;
        if (d < 0) alpha = Math.min(alpha, (-FRACTION_TO_BOUNDARY * x[b]!) / d);
        const theta = (this.s0[k]! + this.g * this.jRef * x[b + 3]!) / cmax;
        const dTheta = gTheta * res[b + 3]!;
        if (dTheta > 0) alpha = Math.min(alpha, (FRACTION_TO_BOUNDARY * (1 - theta)) / dTheta);
        else if (dTheta < 0) alpha = Math.min(alpha, (-FRACTION_TO_BOUNDARY * theta) / dTheta);
      }
      let step = 0;
      for (let i = 0; i < this.n; i++) {
        const d = alpha * res[i]!;
        x[i] = x[i]! + d;
        // potentials in thermal voltages, c and j already scaled
        const kind = i < 2 * ns ? i & 1 : (i - 2 * ns) & 3;
        const s = Math.abs(kind === 1 || kind === 2 ? d / vT : d);
        if (!(s <= step)) step = s;
      }
      this.newtonIterations++;
      if (!Number.isFinite(step)) return false;
      if (alpha === 1 && step < STEP_TOLERANCE && r < RESIDUAL_TOLERANCE) return true;
    }
    return false;
  }

  /** Accept the step solved by solveStep(dt): particles c = hom + j w, time advances. */
  commit(): void {
    const { nr, np, ns, cs, hom, w, x } = this;
    for (let k = 0; k < np; k++) {
      const j = this.jRef * x[2 * ns + 4 * k + 3]!;
      const o = k * nr;
      for (let m = 0; m < nr; m++) cs[o + m] = hom[o + m]! + j * w[m]!;
    }
    this.xPrev.set(x);
    this.time += this.dt;
  }

  /**
   * Cell voltage of the iterate x: V = phi_s(collector) - phi_Li, with
   * phi_s(collector) = phi_s,last - (h/2) I / sigma, and phi_Li = phi_e(0) + I R_anode + eta_a,
   * eta_a = 2 V_T asinh(I / (2 i0_Li)) (symmetric Butler-Volmer for Li stripping);
   * phi_e(0) from the first separator cell through its half cell, with the boundary
   * concentration c_b = c_1 + (h/2)(1 - t+) I / (F D) from the zero anion flux at the foil.
   */
  voltage(): number {
    const { x, cell, ns, np, hs, hp, vT } = this;
    const I = this.current;
    const tS = cell.separatorTransference;
    let phiB = x[1]! + (0.5 * hs * I) / cell.separatorConductivity;
    if (tS < 1) {
      const c1 = x[0]!;
      const cb = c1 + (0.5 * hs * (1 - tS) * I) / (F * cell.separatorDiffusivity * cell.saltConcentration);
      phiB -= cell.diffusionPotentialFactorV * (1 - tS) * (Math.log(c1) - Math.log(cb));
    }
    const etaA = 2 * vT * Math.asinh(I / (2 * cell.lithiumExchangeCurrentDensity));
    const phiLi = phiB + I * cell.anodeResistance + etaA;
    const phiS = x[2 * ns + 4 * (np - 1) + 2]! - (0.5 * hp * I) / cell.electronicConductivity;
    return phiS - phiLi;
  }

  /** Li in the particles per cathode area, mol/cm2 (committed state): sum hp (3 eps_AM / r_p^3) sum V_m c_m. */
  lithiumInParticles(): number {
    const { cell, np, nr, cs, shellVolume } = this;
    const perParticleVolume = (3 * cell.activeVolumeFraction) / cell.particleRadiusCm ** 3;
    let total = 0;
    for (let k = 0; k < np; k++) {
      let s = 0;
      for (let m = 0; m < nr; m++) s += shellVolume[m]! * cs[k * nr + m]!;
      total += this.hp * perParticleVolume * s;
    }
    return total;
  }

  /** Li+ (= salt) in the electrolyte per cathode area, mol/cm2 (committed state). */
  lithiumInElectrolyte(): number {
    const { cell, ns, np, xPrev } = this;
    const c0 = cell.saltConcentration;
    let total = 0;
    for (let i = 0; i < ns; i++) total += this.hs * c0 * xPrev[2 * i]!;
    for (let k = 0; k < np; k++) total += cell.porosity * this.hp * c0 * xPrev[2 * ns + 4 * k]!;
    return total;
  }

  /** Mean Li fraction of the particles (committed state). */
  averageLithiation(): number {
    const { cell } = this;
    return this.lithiumInParticles() / (cell.activeVolumeFraction * cell.cathodeThicknessCm * cell.maxConcentration);
  }

  /** For tests: residual and Jacobian at the current x for step dt (prepared). */
  debugAssemble(dt: number): { residual: Float64Array; jacobian: (i: number, j: number) => number } {
    this.dt = dt;
    this.prepare(dt);
    this.assemble();
    const lu = this.lu;
    return { residual: Float64Array.from(this.res), jacobian: (i, j) => lu.get(i, j) };
  }
}
