/**
 * Small kernels of the 1D Nernst-Planck membrane: the Bernoulli function of the
 * Scharfetter-Gummel flux, electrode kinetics and the graded mesh.
 */

/**
 * Bernoulli function B(x) = x / (e^x - 1), B(0) = 1, and its derivative
 * B'(x) = B(x) (1/x - 1 - 1/(e^x - 1)). It weights the Scharfetter-Gummel flux
 * (Scharfetter and Gummel, IEEE Trans. Electron Devices 16, 64, 1969): the exact flux of
 * N = -D (dc/dx + z c dpsi/dx) between two nodes when N and dpsi/dx are constant on the
 * interval. Near 0 the Taylor series (B = 1 - x/2 + x^2/12 - x^4/720, error < x^6/30240)
 * avoids cancellation; expm1 keeps large |x| finite (B -> 0 for x -> +inf, -x for -inf).
 * B(-x) = B(x) + x, so one evaluation serves both directions. Writes [B, B'] to out.
 */
export function bernoulli(x: number, out: Float64Array): void {
  if (Math.abs(x) < 1e-2) {
    const x2 = x * x;
    out[0] = 1 - x / 2 + x2 / 12 - (x2 * x2) / 720;
    out[1] = -0.5 + x / 6 - (x2 * x) / 180;
    return;
  }
  const em1 = Math.expm1(x);
  const b = x / em1;
  out[0] = b;
  out[1] = b * (1 / x - 1 - 1 / em1);
}

/**
 * Electrode kinetics as a function of the dimensionless driving force y = z F eta / (R T):
 * Butler-Volmer with alpha = 1/2, i / i0 = e^(y/2) - e^(-y/2) = 2 sinh(y/2) (Bard and
 * Faulkner, Electrochemical Methods, 2nd ed., eq. 3.4.11), or its linearisation i / i0 = y.
 * With i0 = R T / (z F R_ct) both give the area-specific resistance R_ct at y -> 0.
 * Writes [i/i0, d(i/i0)/dy] to out.
 */
export function kinetics(y: number, butlerVolmer: boolean, out: Float64Array): void {
  if (butlerVolmer) {
    out[0] = 2 * Math.sinh(y / 2);
    out[1] = Math.cosh(y / 2);
  } else {
    out[0] = y;
    out[1] = 1;
  }
}

/** Inverse of `kinetics`: the driving force y that carries i / i0 = k (2 asinh(k/2) for BV). */
export function kineticsInverse(k: number, butlerVolmer: boolean): number {
  return butlerVolmer ? 2 * Math.asinh(k / 2) : k;
}

/**
 * Node positions of a vertex-centred mesh on [0, L] with `cells` intervals, refined towards
 * both electrodes: x = L m(s) for uniform s in [0, 1], with m(s) = phi(2s)/2 on the left
 * half, mirrored on the right, phi(u) = (e^(a u) - 1)/(e^a - 1) and e^a = grading, the
 * ratio of the middle interval to the one at an electrode. The map is smooth (C1 at the
 * middle), so refining `cells` at a fixed grading keeps the scheme's order.
 */
export function gradedMesh(lengthCm: number, cells: number, grading: number): Float64Array {
  const x = new Float64Array(cells + 1);
  const a = Math.log(grading);
  const phi = (u: number): number => (a < 1e-12 ? u : Math.expm1(a * u) / Math.expm1(a));
  for (let k = 0; k <= cells; k++) {
    const s = k / cells;
    x[k] = lengthCm * (s <= 0.5 ? phi(2 * s) / 2 : 1 - phi(2 - 2 * s) / 2);
  }
  x[0] = 0;
  x[cells] = lengthCm;
  return x;
}
