/**
 * Neighbour pairs of spheres in a periodic cubic box, by a cell list (minimum image).
 */

/** Pairs whose surface gap is below `relGap` (r_i + r_j), minimum image; vectors from i to j. */
export function nearPairs(pos: Float64Array, radii: Float64Array, L: number, relGap: number) {
  const n = radii.length;
  let rMax = 0;
  for (let i = 0; i < n; i++) rMax = Math.max(rMax, radii[i]!);
  const reach = 2 * rMax * (1 + relGap);
  const mc = Math.max(1, Math.floor(L / reach));
  const I: number[] = [], J: number[] = [], DX: number[] = [], DY: number[] = [], DZ: number[] = [];
  const consider = (i: number, j: number): void => {
    let dx = pos[3 * j]! - pos[3 * i]!, dy = pos[3 * j + 1]! - pos[3 * i + 1]!, dz = pos[3 * j + 2]! - pos[3 * i + 2]!;
    dx -= L * Math.round(dx / L);
    dy -= L * Math.round(dy / L);
    dz -= L * Math.round(dz / L);
    const lim = (radii[i]! + radii[j]!) * (1 + relGap);
    if (dx * dx + dy * dy + dz * dz < lim * lim) { I.push(i); J.push(j); DX.push(dx); DY.push(dy); DZ.push(dz); }
  };
  if (mc < 3) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) consider(i, j);
  } else {
    const cell = (v: number): number => Math.min(mc - 1, Math.floor((v / L) * mc));
    const head = new Int32Array(mc * mc * mc).fill(-1), next = new Int32Array(n);
    const cellOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = cell(pos[3 * i]!) + mc * (cell(pos[3 * i + 1]!) + mc * cell(pos[3 * i + 2]!));
      cellOf[i] = c;
      next[i] = head[c]!;
      head[c] = i;
    }
    for (let i = 0; i < n; i++) {
      const c = cellOf[i]!;
      const cx = c % mc, cy = Math.floor(c / mc) % mc, cz = Math.floor(c / (mc * mc));
      for (let oz = -1; oz <= 1; oz++) for (let oy = -1; oy <= 1; oy++) for (let ox = -1; ox <= 1; ox++) {
        const x = (cx + ox + mc) % mc, y = (cy + oy + mc) % mc, z = (cz + oz + mc) % mc;
        for (let j = head[x + mc * (y + mc * z)]!; j >= 0; j = next[j]!) if (j > i) consider(i, j);
      }
    }
  }
  return { i: Int32Array.from(I), j: Int32Array.from(J), dx: Float64Array.from(DX), dy: Float64Array.from(DY), dz: Float64Array.from(DZ) };
}
