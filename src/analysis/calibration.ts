/**
 * Calibration of the intrinsic hopping parameters against measured conductivity.
 *
 * Two parameters are fitted without re-running the KMC, exactly: the attempt frequency
 * scale s = nu / nu_ref and a shift delta added to every hop barrier. Both multiply every
 * rate of the model by the same factor s exp(-delta / kB T) and leave the equilibrium
 * (site energies) unchanged, so they rescale time and nothing else:
 *     sigma_MOF(T; s, delta) = sigma_ref(T) s exp(-delta / kB T)        (exact).
 * The measured quantity is a forward map of the MOF's conductivity (the pellet's network,
 * with its grain boundaries: generally nonlinear), so the fit is
 *     min over (ln s, delta) of sum_T w_T [ln F_T(sigma_MOF(T)) - ln sigma_measured(T)]^2,
 * with w_T = 1 / (var ln sigma_ref + var ln sigma_measured): the KMC's own noise enters the
 * weights, so the fitted parameters carry it. Solved by a two-parameter Levenberg-Marquardt
 * with central-difference Jacobians (Press et al., Numerical Recipes, 3rd ed., sec. 15.5.2);
 * the covariance is (J^T W J)^-1 at the optimum, scaled by the reduced chi-square when that
 * exceeds 1 (Birge). Parameters that change the equilibrium
 * (site energies, individual barriers) need new KMC runs at every step and are not fitted
 * here.
 */
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import { InputError } from "../core/errors.js";

export interface CalibrationPoint {
  readonly temperatureK: number;
  /** KMC conductivity of the MOF at the reference parameters, S/cm, and its standard error. */
  readonly referenceSPerCm: number;
  readonly referenceStdErr: number;
  /** Measured conductivity, S/cm, and its relative uncertainty (e.g. 0.05). */
  readonly measuredSPerCm: number;
  readonly measuredRelativeError: number;
}

export interface ScalingFit {
  /** nu_fitted / nu_ref. */
  readonly attemptFrequencyScale: number;
  readonly lnAttemptFrequencyScale: number;
  readonly lnAttemptFrequencyScaleStdErr: number;
  /** Added to every hop barrier, eV. */
  readonly barrierShiftEV: number;
  readonly barrierShiftStdErr: number;
  readonly correlation: number;
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  /** Model over measured at each point after the fit. */
  readonly ratios: readonly number[];
}

/**
 * Fit (ln s, delta). `forward(sigmaMofSPerCm, temperatureK)` maps the MOF's conductivity to
 * the measured sample's (identity for a single crystal).
 */
export function fitAttemptAndBarrierShift(
  points: readonly CalibrationPoint[],
  forward: (sigmaMofSPerCm: number, temperatureK: number) => number = (s) => s,
): ScalingFit {
  if (points.length < 2) throw new InputError(`calibration needs 2 or more temperatures, got ${points.length}`);
  for (const p of points) {
    if (!(p.referenceSPerCm > 0)) throw new InputError(`calibration: the reference KMC conductivity at ${p.temperatureK} K is ${p.referenceSPerCm}; it must be > 0`);
    if (!(p.measuredSPerCm > 0)) throw new InputError(`calibration: measured conductivity at ${p.temperatureK} K is ${p.measuredSPerCm}; it must be > 0`);
  }
  const n = points.length;
  const weights = points.map((p) => 1 / ((p.referenceStdErr / p.referenceSPerCm) ** 2 + p.measuredRelativeError ** 2));
  const y = points.map((p) => Math.log(p.measuredSPerCm));
  const residuals = (params: readonly number[]): number[] =>
    points.map((p, i) => {
      const kT = BOLTZMANN_EV_PER_K * p.temperatureK;
      const mof = p.referenceSPerCm * Math.exp(params[0]! - params[1]! / kT);
      return Math.log(forward(mof, p.temperatureK)) - y[i]!;
    });
  const chi2Of = (r: readonly number[]): number => r.reduce((a, v, i) => a + weights[i]! * v * v, 0);
  const jacobian = (params: readonly number[]): number[][] => {
    const J = points.map(() => [0, 0]);
    const steps = [1e-5, 1e-6];
    for (let k = 0; k < 2; k++) {
      const hi = [...params], lo = [...params];
      hi[k]! += steps[k]!;
      lo[k]! -= steps[k]!;
      const rh = residuals(hi), rl = residuals(lo);
      for (let i = 0; i < n; i++) J[i]![k] = (rh[i]! - rl[i]!) / (2 * steps[k]!);
    }
    return J;
  };
  // normal matrix J^T W J and gradient J^T W r
  const normal = (J: number[][], r: readonly number[]): { a: number[]; g: number[] } => {
    const a = [0, 0, 0], g = [0, 0]; // a = [a00, a01, a11]
    for (let i = 0; i < n; i++) {
      const w = weights[i]!, j0 = J[i]![0]!, j1 = J[i]![1]!;
      a[0]! += w * j0 * j0; a[1]! += w * j0 * j1; a[2]! += w * j1 * j1;
      g[0]! += w * j0 * r[i]!; g[1]! += w * j1 * r[i]!;
    }
    return { a, g };
  };
  let params = linearStart(points, weights);
  let r = residuals(params);
  let chi2 = chi2Of(r);
  let lambda = 1e-3;
  for (let iter = 0; iter < 200; iter++) {
    const { a, g } = normal(jacobian(params), r);
    const a00 = a[0]! * (1 + lambda), a11 = a[2]! * (1 + lambda), a01 = a[1]!;
    const det = a00 * a11 - a01 * a01;
    const step = [-(a11 * g[0]! - a01 * g[1]!) / det, -(a00 * g[1]! - a01 * g[0]!) / det];
    const trial = [params[0]! + step[0]!, params[1]! + step[1]!];
    const rt = residuals(trial);
    const chiT = chi2Of(rt);
    if (Number.isFinite(chiT) && chiT <= chi2) {
      const converged = chi2 - chiT <= 1e-14 * (1 + chi2);
      params = trial; r = rt; chi2 = chiT;
      lambda = Math.max(lambda / 10, 1e-12);
      if (converged && Math.abs(step[0]!) < 1e-10 && Math.abs(step[1]!) < 1e-12) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  const { a } = normal(jacobian(params), r);
  const dof = n - 2;
  const scale = dof > 0 ? Math.max(1, chi2 / dof) : 1;
  const det = a[0]! * a[2]! - a[1]! * a[1]!;
  const c00 = (a[2]! / det) * scale, c11 = (a[0]! / det) * scale, c01 = (-a[1]! / det) * scale;
  const se0 = Math.sqrt(c00), se1 = Math.sqrt(c11);
  const f0 = r.map((v, i) => v + y[i]!);
  return {
    attemptFrequencyScale: Math.exp(params[0]!),
    lnAttemptFrequencyScale: params[0]!,
    lnAttemptFrequencyScaleStdErr: se0,
    barrierShiftEV: params[1]!,
    barrierShiftStdErr: se1,
    correlation: c01 / (se0 * se1),
    chiSquare: chi2,
    degreesOfFreedom: dof,
    ratios: f0.map((v, i) => Math.exp(v - y[i]!)),
  };
}

function linearStart(points: readonly CalibrationPoint[], w: readonly number[]): number[] {
  // weighted regression of ln(meas/ref) = a - delta / kT
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  points.forEach((p, i) => {
    const xi = -1 / (BOLTZMANN_EV_PER_K * p.temperatureK);
    const yi = Math.log(p.measuredSPerCm / p.referenceSPerCm);
    sw += w[i]!; sx += w[i]! * xi; sy += w[i]! * yi; sxx += w[i]! * xi * xi; sxy += w[i]! * xi * yi;
  });
  const delta = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
  const a = (sy - delta * sx) / sw;
  return [a, delta];
}

/**
 * A measured Arrhenius line through sigma_ref at T_ref with activation energy Ea, in the
 * form the measurement was fitted: "sigma" (sigma = A exp(-Ea/kT), the usual form of MOF
 * electrolyte papers) or "sigmaT" (sigma T = A exp(-Ea/kT)).
 */
export function arrheniusLine(
  sigmaRefSPerCm: number,
  referenceTemperatureK: number,
  activationEnergyEV: number,
  temperatureK: number,
  form: "sigma" | "sigmaT" = "sigma",
): number {
  const boltzmann = Math.exp((-activationEnergyEV / BOLTZMANN_EV_PER_K) * (1 / temperatureK - 1 / referenceTemperatureK));
  return sigmaRefSPerCm * boltzmann * (form === "sigmaT" ? referenceTemperatureK / temperatureK : 1);
}
