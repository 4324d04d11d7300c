/**
 * Implicit finite-volume solver of 1D Nernst-Planck transport with electroneutrality in a
 * membrane between two metal electrodes of the cation (Newman and Thomas-Alyea,
 * Electrochemical Systems, 3rd ed., ch. 11 and 19).
 *
 * Unknowns per node k (vertex-centred boxes, nodes at both electrodes): the anion
 * concentration c_k and the dimensionless potential psi_k = F phi_k / (R T); the cation
 * follows from electroneutrality, c+ = (X + c-)/z. Interval fluxes are Scharfetter-Gummel:
 *   N_i = (D_i / h) [B(z_i dpsi) c_i,k - B(-z_i dpsi) c_i,k+1],  dpsi = psi_k+1 - psi_k,
 * exact for N = -D (dc/dx + z c dpsi/dx) with constant flux and field on the interval.
 * Equations per node: anion balance V_k dc_k/dt + N-_out - N-_in = 0 (N- = 0 at both
 * electrodes: blocking), and charge balance I_out - I_in = 0 with I = z N+ - N- (in
 * units of F), where the electrode terms are the interface currents. Time: backward Euler
 * or variable-step BDF2; each step is solved by Newton with a banded LU (unknowns
 * interleaved c_0, psi_0, c_1, ...: 3 sub- and 3 superdiagonals). Nothing is allocated
 * inside the Newton loop.
 *
 * Each electrode (the left one is the anode for a positive step or current) exchanges
 * cations at the rate i = i0 K(y), y = z eta F/(R T),
 * eta = phi_metal - phi_solution - (R T/(z F)) ln(c+/c+0)
 * (overpotential relative to the Nernst potential of the local cation concentration, so
 * y = 0 everywhere at the initial equilibrium), K = 2 sinh(y/2) (Butler-Volmer, alpha = 1/2)
 * or K = y (linear); i0 = R T/(z F R_ct) is held constant. R_ct = 0 pins eta = 0.
 *
 * Internal scaling: concentrations c^ = c / cRef (cRef = the salt, or X when there is no
 * salt), fluxes and currents in cm/s (times F cRef: A/cm2). Galvanostatic runs replace
 * the first node's charge balance by the gauge psi_0 = 0 (the others and the applied
 * current imply it) and need no kinetics inside the system.
 */
import { FARADAY_C_PER_MOL as FARADAY } from "../../core/constants.js";
import { NotConvergedError } from "../../core/errors.js";
import { bandedLuFactor, bandedLuSolve, createBandedMatrix, SingularMatrixError, type BandedMatrix } from "../../linalg/banded.js";
import { bernoulli, gradedMesh, kinetics, kineticsInverse } from "./membrane-kernels.js";
import type { MembraneParams } from "./membrane-params.js";

const KL = 3;
const KU = 3;
const KV = KL + KU;
const NEWTON_MAX_ITERATIONS = 30;
/** Newton stops when the update is below this in c^ and psi (both O(1)). */
export const NEWTON_TOLERANCE = 1e-11;
/** Largest potential update per Newton iteration, units of R T / F. */
const MAX_PSI_UPDATE = 4;

export type MembraneDrive =
  | { readonly kind: "potentiostatic"; readonly stepVoltageV: number }
  | { readonly kind: "galvanostatic"; readonly currentDensityAPerCm2: number };

export class MembraneSolver {
  readonly n: number;
  /** Node positions, cm. */
  readonly x: Float64Array;
  /** Box volumes per unit area, cm. */
  readonly vol: Float64Array;
  readonly cRef: number;
  readonly z: number;
  /** X / cRef. */
  readonly xHat: number;
  /** Initial c+ / cRef: the reference of the Nernst term. */
  readonly pRef: number;
  /** i0 / (F cRef), cm/s; Infinity for ideal electrodes. */
  readonly iota: number;
  readonly butlerVolmer: boolean;
  readonly galvanostatic: boolean;
  /** Metal potentials (units of R T/F), potentiostatic: left = F dV/(R T), right = 0. */
  readonly psiLeft: number;
  /** Applied current (galvanostatic), cm/s. */
  readonly jApplied: number;

  /** State at the new time level: u[2k] = c^_k, u[2k+1] = psi_k. */
  readonly u: Float64Array;
  private readonly uPrev: Float64Array;
  private readonly uPrev2: Float64Array;
  private hasPrev2 = false;
  private dtPrev = 0;
  /** Cumulative cation flux through each face (0: left electrode, k+1: interval k, n: right electrode), c^ cm. */
  readonly cationFaceFlux: Float64Array;
  private readonly dqPrev: Float64Array;

  // workspace
  private readonly gPlus: Float64Array;
  private readonly gMinus: Float64Array;
  private readonly hist: Float64Array;
  private readonly res: Float64Array;
  private readonly du: Float64Array;
  private readonly band: BandedMatrix;
  private readonly nm: Float64Array;
  private readonly np: Float64Array;
  private readonly nmC0: Float64Array;
  private readonly nmC1: Float64Array;
  private readonly nmD: Float64Array;
  private readonly jq: Float64Array;
  private readonly jC0: Float64Array;
  private readonly jC1: Float64Array;
  private readonly jD: Float64Array;
  private readonly bw = new Float64Array(2);
  private readonly kw = new Float64Array(2);

  /** Current through the cell at the last solve (entering at the left electrode), cm/s (times F cRef: A/cm2). */
  current = 0;
  /** Current leaving at the right electrode (equal to `current` once Newton has converged). */
  currentRight = 0;
  /** Driving forces y = z F eta/(R T) of the two interfaces at the last solve (right is negative for a positive current). */
  yLeft = 0;
  yRight = 0;
  newtonIterations = 0;
  lastUpdateNorm = 0;

  constructor(
    readonly params: MembraneParams,
    drive: MembraneDrive,
  ) {
    const p = params;
    const n = p.cells + 1;
    this.n = n;
    this.x = gradedMesh(p.lengthCm, p.cells, p.grading);
    this.vol = new Float64Array(n);
    this.gPlus = new Float64Array(n - 1);
    this.gMinus = new Float64Array(n - 1);
    for (let k = 0; k < n - 1; k++) {
      const h = this.x[k + 1]! - this.x[k]!;
      this.vol[k]! += h / 2;
      this.vol[k + 1]! += h / 2;
      this.gPlus[k] = p.dPlus / h;
      this.gMinus[k] = p.dMinus / h;
    }
    this.cRef = p.saltMolPerCm3 > 0 ? p.saltMolPerCm3 : p.fixedMolPerCm3;
    this.z = p.z;
    this.xHat = p.fixedMolPerCm3 / this.cRef;
    const c0 = p.saltMolPerCm3 / this.cRef;
    this.pRef = (this.xHat + c0) / p.z;
    this.iota = p.exchangeCurrentAPerCm2 / (FARADAY * this.cRef);
    this.butlerVolmer = p.butlerVolmer;
    this.galvanostatic = drive.kind === "galvanostatic";
    this.psiLeft = drive.kind === "potentiostatic" ? drive.stepVoltageV / p.thermalVoltageV : 0;
    this.jApplied = drive.kind === "galvanostatic" ? drive.currentDensityAPerCm2 / (FARADAY * this.cRef) : 0;

    this.u = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) this.u[2 * k] = c0;
    this.uPrev = this.u.slice();
    this.uPrev2 = this.u.slice();
    this.cationFaceFlux = new Float64Array(n + 1);
    this.dqPrev = new Float64Array(n + 1);
    this.hist = new Float64Array(n);
    this.res = new Float64Array(2 * n);
    this.du = new Float64Array(2 * n);
    this.band = createBandedMatrix(2 * n, KL, KU);
    this.nm = new Float64Array(n - 1);
    this.np = new Float64Array(n - 1);
    this.nmC0 = new Float64Array(n - 1);
    this.nmC1 = new Float64Array(n - 1);
    this.nmD = new Float64Array(n - 1);
    this.jq = new Float64Array(n - 1);
    this.jC0 = new Float64Array(n - 1);
    this.jC1 = new Float64Array(n - 1);
    this.jD = new Float64Array(n - 1);
  }

  /**
   * The instant t = 0+: concentrations still uniform (held at their previous values),
   * potentials jump to carry the current that Ohm's law and the kinetics allow.
   */
  solveInstant(): void {
    this.u.set(this.uPrev);
    if (!this.newton(0, 0, true)) {
      throw new NotConvergedError("membrane Newton (t = 0+)", this.newtonIterations, this.lastUpdateNorm, NEWTON_TOLERANCE);
    }
    this.uPrev.set(this.u);
  }

  /**
   * One implicit step of length dt (BDF2 once a previous step exists and `bdf2`, else
   * backward Euler). Returns false, with the state unchanged, when Newton fails.
   */
  advance(dt: number, bdf2: boolean): boolean {
    const n = this.n;
    const useBdf2 = bdf2 && this.hasPrev2;
    // y' ~ (a0 y^(n+1) + a1 y^n + a2 y^(n-1)) / dt; variable-step BDF2 with w = dt/dtPrev
    // (Hairer, Norsett and Wanner, Solving ODEs I, sec. III.5).
    let a0 = 1, a1 = -1, a2 = 0;
    if (useBdf2) {
      const w = dt / this.dtPrev;
      a0 = (1 + 2 * w) / (1 + w);
      a1 = -(1 + w);
      a2 = (w * w) / (1 + w);
    }
    for (let k = 0; k < n; k++) this.hist[k] = a1 * this.uPrev[2 * k]! + a2 * this.uPrev2[2 * k]!;
    // predictor: the previous state (potentials included)
    this.u.set(this.uPrev);
    if (!this.newton(dt, a0, false)) {
      this.u.set(this.uPrev);
      return false;
    }
    // cumulative cation face fluxes consistent with the scheme: dQ = (dt G + a2 dQ_prev)/a0
    const q = this.cationFaceFlux, dq = this.dqPrev;
    const jl = this.current / this.z, jr = this.currentRight / this.z;
    for (let f = 0; f <= n; f++) {
      const g = f === 0 ? jl : f === n ? jr : this.np[f - 1]!;
      const d = (dt * g + (useBdf2 ? a2 * dq[f]! : 0)) / a0;
      dq[f] = d;
      q[f]! += d;
    }
    this.uPrev2.set(this.uPrev);
    this.uPrev.set(this.u);
    this.hasPrev2 = true;
    this.dtPrev = dt;
    return true;
  }

  /** Newton iterations on the step's equations; leaves the fluxes evaluated at the solution. */
  private newton(dt: number, a0: number, instant: boolean): boolean {
    const u = this.u, du = this.du, res = this.res, n = this.n;
    let iterations = 0;
    for (; iterations < NEWTON_MAX_ITERATIONS; iterations++) {
      this.assemble(dt, a0, instant);
      try {
        bandedLuFactor(this.band);
      } catch (e) {
        if (e instanceof SingularMatrixError) break;
        throw e;
      }
      for (let i = 0; i < 2 * n; i++) du[i] = -res[i]!;
      bandedLuSolve(this.band, du);
      // damping: keep concentrations positive (at most a 95 % drop) and limit potential jumps
      let theta = 1, dcMax = 0, dpsiMax = 0;
      for (let k = 0; k < n; k++) {
        const c = u[2 * k]!, dc = du[2 * k]!;
        if (c > 0 && dc < -0.95 * c) theta = Math.min(theta, (-0.95 * c) / dc);
        dcMax = Math.max(dcMax, Math.abs(dc));
        dpsiMax = Math.max(dpsiMax, Math.abs(du[2 * k + 1]!));
      }
      if (dpsiMax * theta > MAX_PSI_UPDATE) theta = MAX_PSI_UPDATE / dpsiMax;
      for (let i = 0; i < 2 * n; i++) u[i]! += theta * du[i]!;
      const norm = Math.max(dcMax, dpsiMax);
      this.lastUpdateNorm = norm;
      if (!Number.isFinite(norm)) break;
      // converged when the full Newton step is below the tolerance, whatever the damping did
      // to it (a concentration at the rounding level, e.g. the anion of a single-ion membrane,
      // would otherwise keep theta < 1 for ever)
      if (norm <= NEWTON_TOLERANCE) {
        this.newtonIterations += iterations + 1;
        // fluxes and interface currents at the converged state
        this.assemble(dt, a0, instant);
        return true;
      }
    }
    this.newtonIterations += iterations;
    return false;
  }

  /**
   * Interval fluxes (Scharfetter-Gummel) and their derivatives, then residual and banded
   * Jacobian of the anion and charge balances of every node.
   */
  private assemble(dt: number, a0: number, instant: boolean): void {
    const n = this.n, u = this.u, z = this.z, invZ = 1 / z, xh = this.xHat;
    const bw = this.bw;
    const { nm, np, nmC0, nmC1, nmD, jq, jC0, jC1, jD, gPlus, gMinus } = this;
    for (let k = 0; k < n - 1; k++) {
      const c0 = u[2 * k]!, c1 = u[2 * k + 2]!, d = u[2 * k + 3]! - u[2 * k + 1]!;
      const p0 = (xh + c0) * invZ, p1 = (xh + c1) * invZ;
      // cation: N+ = g [B(z d) p0 - B(-z d) p1], B(-x) = B(x) + x, B'(-x) = -B'(x) - 1
      const zd = z * d;
      bernoulli(zd, bw);
      const bz = bw[0]!, dbz = bw[1]!;
      const gp = gPlus[k]!;
      np[k] = gp * (bz * p0 - (bz + zd) * p1);
      const npC0 = gp * bz * invZ, npC1 = -gp * (bz + zd) * invZ;
      const npD = gp * z * (dbz * p0 - (dbz + 1) * p1);
      // anion (charge -1): N- = g [B(-d) c0 - B(d) c1]
      const gm = gMinus[k]!;
      let vm = 0, vmC0 = 0, vmC1 = 0, vmD = 0;
      if (gm > 0) {
        bernoulli(d, bw);
        const b = bw[0]!, db = bw[1]!;
        vm = gm * ((b + d) * c0 - b * c1);
        vmC0 = gm * (b + d);
        vmC1 = -gm * b;
        vmD = gm * ((db + 1) * c0 - db * c1);
      }
      nm[k] = vm;
      nmC0[k] = vmC0;
      nmC1[k] = vmC1;
      nmD[k] = vmD;
      // current in units of F: I = z N+ - N-
      jq[k] = z * np[k]! - vm;
      jC0[k] = z * npC0 - vmC0;
      jC1[k] = z * npC1 - vmC1;
      jD[k] = z * npD - vmD;
    }

    const res = this.res, a = this.band.data, ld = this.band.ldab;
    a.fill(0);
    // A(i, j) at j ld + KV + i - j
    for (let k = 0; k < n; k++) {
      const ra = 2 * k, rq = ra + 1, cc = ra, cp = ra + 1;
      // anion balance (at the instant t = 0+: concentrations held at their previous values)
      if (instant) {
        res[ra] = u[cc]! - this.uPrev[cc]!;
        a[cc * ld + KV + ra - cc]! += 1;
      } else {
        const v = this.vol[k]! / dt;
        res[ra] = v * (a0 * u[cc]! + this.hist[k]!);
        a[cc * ld + KV + ra - cc]! += v * a0;
      }
      if (k < n - 1 && !instant) {
        res[ra]! += nm[k]!;
        a[cc * ld + KV + ra - cc]! += nmC0[k]!;
        a[(cc + 2) * ld + KV + ra - cc - 2]! += nmC1[k]!;
        a[(cp + 2) * ld + KV + ra - cp - 2]! += nmD[k]!;
        a[cp * ld + KV + ra - cp]! -= nmD[k]!;
      }
      if (k > 0 && !instant) {
        res[ra]! -= nm[k - 1]!;
        a[(cc - 2) * ld + KV + ra - cc + 2]! -= nmC0[k - 1]!;
        a[cc * ld + KV + ra - cc]! -= nmC1[k - 1]!;
        a[cp * ld + KV + ra - cp]! -= nmD[k - 1]!;
        a[(cp - 2) * ld + KV + ra - cp + 2]! += nmD[k - 1]!;
      }
      // charge balance; the electrode rows are special
      if (k === 0 && this.galvanostatic) {
        // gauge: psi_0 = 0 (the node's balance follows from the others and the applied current)
        res[rq] = u[cp]!;
        a[cp * ld + KV + rq - cp]! += 1;
        continue;
      }
      if ((k === 0 || k === n - 1) && !this.galvanostatic && this.iota === Infinity) {
        // ideal electrode: y = z (psi_metal - psi) - ln(c+/c+0) = 0
        const pk = (xh + u[cc]!) * invZ;
        res[rq] = z * ((k === 0 ? this.psiLeft : 0) - u[cp]!) - Math.log(pk / this.pRef);
        a[cp * ld + KV + rq - cp]! += -z;
        a[cc * ld + KV + rq - cc]! += -invZ / pk;
        continue;
      }
      res[rq] = 0;
      if (k < n - 1) {
        res[rq]! += jq[k]!;
        a[cc * ld + KV + rq - cc]! += jC0[k]!;
        a[(cc + 2) * ld + KV + rq - cc - 2]! += jC1[k]!;
        a[(cp + 2) * ld + KV + rq - cp - 2]! += jD[k]!;
        a[cp * ld + KV + rq - cp]! -= jD[k]!;
      }
      if (k > 0) {
        res[rq]! -= jq[k - 1]!;
        a[(cc - 2) * ld + KV + rq - cc + 2]! -= jC0[k - 1]!;
        a[cc * ld + KV + rq - cc]! -= jC1[k - 1]!;
        a[cp * ld + KV + rq - cp]! -= jD[k - 1]!;
        a[(cp - 2) * ld + KV + rq - cp + 2]! += jD[k - 1]!;
      }
      if (k === 0) {
        // current entering from the left electrode: i = i0 K(y), y = z (psiL - psi_0) - ln(c+_0/c+ref)
        const pk = (xh + u[cc]!) * invZ;
        const y = z * (this.psiLeft - u[cp]!) - Math.log(pk / this.pRef);
        kinetics(y, this.butlerVolmer, this.kw);
        const j = this.iota * this.kw[0]!, dj = this.iota * this.kw[1]!;
        res[rq]! -= j;
        a[cp * ld + KV + rq - cp]! -= dj * -z;
        a[cc * ld + KV + rq - cc]! -= dj * (-invZ / pk);
      }
      if (k === n - 1) {
        if (this.galvanostatic) {
          res[rq]! += this.jApplied;
        } else {
          // current leaving into the right electrode: -i0 K(y), y = z (0 - psi) - ln(c+/c+ref)
          const pk = (xh + u[cc]!) * invZ;
          const y = -z * u[cp]! - Math.log(pk / this.pRef);
          kinetics(y, this.butlerVolmer, this.kw);
          const j = -this.iota * this.kw[0]!, dj = -this.iota * this.kw[1]!;
          res[rq]! += j;
          a[cp * ld + KV + rq - cp]! += dj * -z;
          a[cc * ld + KV + rq - cc]! += dj * (-invZ / pk);
        }
      }
    }
    this.updateInterfaces();
  }

  /** Cell current and interface driving forces from the current state and fluxes. */
  private updateInterfaces(): void {
    const n = this.n, u = this.u, z = this.z, invZ = 1 / z;
    const pL = (this.xHat + u[0]!) * invZ, pR = (this.xHat + u[2 * n - 2]!) * invZ;
    const nernstL = Math.log(pL / this.pRef), nernstR = Math.log(pR / this.pRef);
    if (this.galvanostatic) {
      this.current = this.jApplied;
      this.currentRight = this.jApplied;
      const y = this.iota === Infinity ? 0 : kineticsInverse(this.jApplied / this.iota, this.butlerVolmer);
      this.yLeft = y;
      this.yRight = -y;
    } else {
      this.yLeft = z * (this.psiLeft - u[1]!) - nernstL;
      this.yRight = -z * u[2 * n - 1]! - nernstR;
      if (this.iota === Infinity) {
        this.current = this.jq[0]!;
        this.currentRight = this.jq[n - 2]!;
      } else {
        kinetics(this.yLeft, this.butlerVolmer, this.kw);
        this.current = this.iota * this.kw[0]!;
        kinetics(this.yRight, this.butlerVolmer, this.kw);
        this.currentRight = -this.iota * this.kw[0]!;
      }
    }
  }

  /** Metal potential of the left electrode relative to the right, units of R T / F. */
  cellPsi(): number {
    if (!this.galvanostatic) return this.psiLeft;
    const n = this.n, u = this.u, invZ = 1 / this.z;
    const pL = (this.xHat + u[0]!) * invZ, pR = (this.xHat + u[2 * n - 2]!) * invZ;
    // psi_metal = psi + (ln(c+/c+ref) + y)/z on each side
    const left = u[1]! + (Math.log(pL / this.pRef) + this.yLeft) * invZ;
    const right = u[2 * n - 1]! + (Math.log(pR / this.pRef) + this.yRight) * invZ;
    return left - right;
  }

  /** Sum over boxes of V_k c_k for the anion and the cation, c^ cm. */
  inventories(out: Float64Array): void {
    let an = 0, cat = 0;
    for (let k = 0; k < this.n; k++) {
      const c = this.u[2 * k]!;
      an += this.vol[k]! * c;
      cat += (this.vol[k]! * (this.xHat + c)) / this.z;
    }
    out[0] = an;
    out[1] = cat;
  }
}
