/**
 * Random geometry drawn from a RandomStream: lognormal particle diameters, isotropic
 * directions, uniform points in balls, and isotropic uniform random lines (the Poisson
 * line process restricted to a ball).
 */
import type { RandomStream } from "../../core/rng.js";

/** Lognormal diameters are truncated at this many standard deviations of ln d (resampled). */
export const LOG_SD_TRUNCATION = 3;

/** Mean of d^3 for d = median exp(sigma z), z ~ N(0,1): median^3 exp(9 sigma^2 / 2) (truncation ignored). */
export function meanCubeLognormal(median: number, logSd: number): number {
  return median * median * median * Math.exp(4.5 * logSd * logSd);
}

/**
 * Diameters d = median exp(logSd z), z standard normal truncated to |z| <= 3, drawn until the
 * summed sphere volume pi d^3 / 6 is as close as possible to `targetVolume` (the last draw
 * is kept only if it brings the sum closer). Units: whatever `median` is in.
 */
export function lognormalDiameters(stream: RandomStream, median: number, logSd: number, targetVolume: number): Float64Array {
  const out: number[] = [];
  let volume = 0;
  for (;;) {
    let z: number;
    do z = stream.nextNormal(); while (Math.abs(z) > LOG_SD_TRUNCATION);
    const d = median * Math.exp(logSd * z);
    const v = (Math.PI / 6) * d * d * d;
    if (volume + v > targetVolume) {
      if (volume + v - targetVolume < targetVolume - volume || out.length === 0) out.push(d);
      break;
    }
    out.push(d);
    volume += v;
  }
  return Float64Array.from(out);
}

/** Uniform direction on the unit sphere (Archimedes: z uniform in [-1, 1]), written to out[0..2]. */
export function isotropicDirection(stream: RandomStream, out: Float64Array, offset = 0): void {
  const z = 2 * stream.nextFloat() - 1;
  const phi = 2 * Math.PI * stream.nextFloat();
  const s = Math.sqrt(Math.max(0, 1 - z * z));
  out[offset] = s * Math.cos(phi);
  out[offset + 1] = s * Math.sin(phi);
  out[offset + 2] = z;
}

/** Uniform point in the ball of `radius` around (cx, cy, cz), by rejection from the cube. */
export function pointInBall(stream: RandomStream, cx: number, cy: number, cz: number, radius: number, out: Float64Array, offset: number): void {
  for (;;) {
    const x = 2 * stream.nextFloat() - 1, y = 2 * stream.nextFloat() - 1, z = 2 * stream.nextFloat() - 1;
    if (x * x + y * y + z * z <= 1) {
      out[offset] = cx + radius * x;
      out[offset + 1] = cy + radius * y;
      out[offset + 2] = cz + radius * z;
      return;
    }
  }
}

/**
 * An isotropic uniform random line hitting the ball of `radius` around (cx, cy, cz): the
 * direction u is isotropic and the line's foot point is uniform on the disc of that radius
 * in the plane through the centre normal to u. This is the isotropic Poisson line process
 * (Stoyan, Kendall and Mecke, Stochastic Geometry, ch. 8) conditioned on hitting the ball.
 * Writes point (3) and unit direction (3) to out[offset..offset+5].
 */
export function lineThroughBall(stream: RandomStream, cx: number, cy: number, cz: number, radius: number, out: Float64Array, offset: number): void {
  isotropicDirection(stream, out, offset + 3);
  const ux = out[offset + 3]!, uy = out[offset + 4]!, uz = out[offset + 5]!;
  // orthonormal e1, e2 normal to u
  let ax = 1, ay = 0, az = 0;
  if (Math.abs(ux) > 0.9) { ax = 0; ay = 1; }
  let e1x = uy * az - uz * ay, e1y = uz * ax - ux * az, e1z = ux * ay - uy * ax;
  const n1 = Math.hypot(e1x, e1y, e1z);
  e1x /= n1; e1y /= n1; e1z /= n1;
  const e2x = uy * e1z - uz * e1y, e2y = uz * e1x - ux * e1z, e2z = ux * e1y - uy * e1x;
  const r = radius * Math.sqrt(stream.nextFloat());
  const t = 2 * Math.PI * stream.nextFloat();
  const a = r * Math.cos(t), b = r * Math.sin(t);
  out[offset] = cx + a * e1x + b * e2x;
  out[offset + 1] = cy + a * e1y + b * e2y;
  out[offset + 2] = cz + a * e1z + b * e2z;
}
