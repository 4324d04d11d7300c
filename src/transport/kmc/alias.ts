/**
 * Walker's alias method (Walker, ACM TOMS 3, 253, 1977), built by Vose's method (Vose, IEEE
 * TSE 17, 972, 1991): z weights become z cells, cell j kept with probability prob[j], else
 * its alias; one uniform x in [0, z) picks cell floor(x) and, from the fraction, the cell or
 * its alias, so entry j is drawn with probability w_j / sum w in O(1).
 */
/** Walker's alias table (Vose's method) of `weights`, written at `at` into prob and alias (entry offsets). */
export function aliasTable(weights: readonly number[], prob: Float64Array, alias: Int32Array, at: number): void {
  const z = weights.length, total = weights.reduce((a, b) => a + b, 0);
  const scaled = weights.map((w) => (w * z) / total);
  const small: number[] = [], large: number[] = [];
  scaled.forEach((v, j) => (v < 1 ? small : large).push(j));
  for (let j = 0; j < z; j++) alias[at + j] = j;
  while (small.length > 0 && large.length > 0) {
    const l = small.pop()!, h = large[large.length - 1]!;
    prob[at + l] = scaled[l]!;
    alias[at + l] = h;
    scaled[h] = scaled[h]! + scaled[l]! - 1;
    if (scaled[h]! < 1) { large.pop(); small.push(h); }
  }
  for (const j of [...small, ...large]) prob[at + j] = 1;
}
