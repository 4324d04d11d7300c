/**
 * Arrhenius fit of conductivity against temperature.
 * Form "sigmaT" (default): ln(sigma T) = ln A - Ea / (kB T), exact for hopping with one
 * barrier (d ln(sigma T)/d(1/T) = -Ea/kB); form "sigma": ln(sigma) = ln A - Ea / (kB T),
 * which returns about Ea - kB T for hopping data (d ln sigma / d(1/T) = T - Ea/kB). Weighted by the
 * standard errors of ln sigma (se_sigma / sigma) when given.
 */
import { BOLTZMANN_EV_PER_K } from "../core/constants.js";
import { weightedLeastSquares } from "../linalg/leastSquares.js";

export type ArrheniusForm = "sigmaT" | "sigma";

export interface ArrheniusPoint {
  readonly temperatureK: number;
  readonly conductivitySPerCm: number;
  readonly conductivityStdErr?: number;
}

export interface ArrheniusFit {
  readonly activationEnergyEV: number;
  readonly activationEnergyStdErr: number;
  /** ln of the prefactor A (S/cm, times K for form sigmaT). */
  readonly lnPrefactor: number;
  readonly form: ArrheniusForm;
  readonly points: number;
}

export function fitArrhenius(points: readonly ArrheniusPoint[], form: ArrheniusForm = "sigmaT"): ArrheniusFit {
  const usable = points.filter((p) => p.conductivitySPerCm > 0 && p.temperatureK > 0);
  if (usable.length < 2) throw new RangeError(`an Arrhenius fit needs 2 or more temperatures with positive conductivity, got ${usable.length}`);
  const rows = usable.map((p) => [1, -1 / (BOLTZMANN_EV_PER_K * p.temperatureK)]);
  const y = usable.map((p) => Math.log(p.conductivitySPerCm * (form === "sigmaT" ? p.temperatureK : 1)));
  const haveErrors = usable.every((p) => p.conductivityStdErr !== undefined && p.conductivityStdErr > 0);
  const weights = haveErrors ? usable.map((p) => (p.conductivitySPerCm / p.conductivityStdErr!) ** 2) : undefined;
  const fit = weightedLeastSquares(rows, y, weights);
  return {
    activationEnergyEV: fit.coefficients[1]!,
    activationEnergyStdErr: usable.length > 2 || haveErrors ? fit.stdErrors[1]! : NaN,
    lnPrefactor: fit.coefficients[0]!,
    form,
    points: usable.length,
  };
}
