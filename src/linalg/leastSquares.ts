/**
 * Weighted linear least squares with ml-matrix: minimise sum_i w_i (y_i - X_i beta)^2.
 * beta = (X^T W X)^-1 X^T W y; with w_i = 1/sigma_i^2 the covariance of beta is
 * (X^T W X)^-1 (Bevington and Robinson, Data Reduction and Error Analysis, ch. 7). When
 * the scatter exceeds the stated errors (reduced chi-square > 1) the covariance is scaled
 * by it (Birge ratio), so the standard errors never claim more than the data show.
 */
import { Matrix, inverse } from "ml-matrix";

export interface LinearFit {
  readonly coefficients: readonly number[];
  readonly stdErrors: readonly number[];
  readonly covariance: readonly (readonly number[])[];
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
}

export function weightedLeastSquares(rows: readonly (readonly number[])[], y: readonly number[], weights?: readonly number[]): LinearFit {
  const n = rows.length;
  const p = rows[0]?.length ?? 0;
  if (n < p) throw new RangeError(`least squares needs at least ${p} points, got ${n}`);
  const X = new Matrix(rows.map((r) => [...r]));
  const w = weights ?? new Array<number>(n).fill(1);
  const XtW = X.transpose().clone();
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) XtW.set(j, i, XtW.get(j, i) * w[i]!);
  const normal = XtW.mmul(X);
  const cov = inverse(normal);
  const beta = cov.mmul(XtW.mmul(Matrix.columnVector([...y])));
  let chi2 = 0;
  for (let i = 0; i < n; i++) {
    let fit = 0;
    for (let j = 0; j < p; j++) fit += rows[i]![j]! * beta.get(j, 0);
    chi2 += w[i]! * (y[i]! - fit) ** 2;
  }
  const dof = n - p;
  const scale = weights === undefined ? (dof > 0 ? chi2 / dof : NaN) : dof > 0 ? Math.max(1, chi2 / dof) : 1;
  const covariance = cov.to2DArray().map((r) => r.map((v) => v * scale));
  return {
    coefficients: beta.to1DArray(),
    stdErrors: covariance.map((r, i) => Math.sqrt(r[i]!)),
    covariance,
    chiSquare: chi2,
    degreesOfFreedom: dof,
  };
}
