/**
 * A 2 x 2 x 2 simple-cubic periodic array of equal spheres (radius R, cm) at surface gap g,
 * each pair of neighbours bridged by a gel lens of radius rw: a particles-in-gel realisation
 * whose exact answers are known by symmetry (test/physics/gel-binder.test.ts, gel-film.test.ts).
 */
import type { GelBinder } from "../../src/design/gelBinder.js";

export function scArray(R: number, g: number, rw: number, fillGapNm = 0): GelBinder {
  const A = 2 * R + g, n = 8;
  const pos = new Float64Array(3 * n), I: number[] = [], J: number[] = [], V: number[] = [];
  const id = (x: number, y: number, z: number): number => (x % 2) + 2 * ((y % 2) + 2 * (z % 2));
  for (let z = 0; z < 2; z++) for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) {
    const i = id(x, y, z);
    pos.set([x * A, y * A, z * A], 3 * i);
    for (const [dx, dy, dz] of [[1, 0, 0], [0, 1, 0], [0, 0, 1]] as const) {
      I.push(i);
      J.push(id(x + dx, y + dy, z + dz));
      V.push(dx * A, dy * A, dz * A);
    }
  }
  const nb = I.length;
  return {
    graph: { nodeCount: n, boxCm: [2 * A, 2 * A, 2 * A], positionCm: pos, bondI: Int32Array.from(I), bondJ: Int32Array.from(J), bondVectorCm: Float64Array.from(V) },
    radiusCm: new Float64Array(n).fill(R),
    gapCm: new Float64Array(nb).fill(g),
    wetRadiusCm: new Float64Array(nb).fill(rw),
    stats: { fillGapNm } as GelBinder["stats"],
  };
}
