/**
 * Saving and restoring the lists of the class and type-null-event schemes: K lists packed
 * in one array (list c at members[start[c] .. start[c] + count[c])). The order inside a list
 * decides which member a uniform picks, so it is part of the state: saved as the K counts,
 * then each list's members in order.
 */

/** The lists as saved: counts, then members in order. */
export function saveLists(count: Int32Array, start: Int32Array, members: Int32Array): Int32Array {
  const K = count.length;
  let n = 0;
  for (let c = 0; c < K; c++) n += count[c]!;
  const out = new Int32Array(K + n);
  out.set(count);
  let at = K;
  for (let c = 0; c < K; c++) {
    out.set(members.subarray(start[c]!, start[c]! + count[c]!), at);
    at += count[c]!;
  }
  return out;
}

/**
 * Restore lists saved by saveLists into count and members, and each entry's place into
 * `pos` (filled with -1 first): entry e of list c at pos[e], or at pos[offset + e] for the
 * lists from `offsetFrom` on (two kinds of entry sharing one index). Throws when the saved
 * lists do not fit the capacities or name an entry twice or out of range.
 */
export function restoreLists(saved: Int32Array, count: Int32Array, start: Int32Array, members: Int32Array, pos: Int32Array, offsetFrom: number, offset: number): void {
  const K = count.length;
  pos.fill(-1);
  if (saved.length < K) throw new RangeError("checkpoint's event lists do not match this model (classes)");
  let at = K;
  for (let c = 0; c < K; c++) {
    const n = saved[c]!;
    if (n < 0 || n > start[c + 1]! - start[c]! || at + n > saved.length) throw new RangeError(`checkpoint's event lists do not match this model (class ${c})`);
    count[c] = n;
    for (let i = 0; i < n; i++) {
      const e = saved[at + i]!;
      const key = c < offsetFrom ? e : offset + e;
      if (e < 0 || key >= pos.length || pos[key] !== -1) throw new RangeError(`checkpoint's event lists do not match this model (entry ${e})`);
      members[start[c]! + i] = e;
      pos[key] = start[c]! + i;
    }
    at += n;
  }
  if (at !== saved.length) throw new RangeError("checkpoint's event lists do not match this model (length)");
}
