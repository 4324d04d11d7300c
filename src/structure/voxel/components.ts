/**
 * Connected components of a voxel mask under face adjacency (6-connectivity), and which
 * components touch the two faces normal to an axis (percolation / spanning clusters).
 *
 * Union-find on an Int32Array parent forest with union by index (the smaller root becomes
 * the parent) and path halving (Tarjan and van Leeuwen, J. ACM 31, 245, 1984): one pass
 * joins each voxel to its -x, -y, -z neighbours; a second pass numbers the roots
 * 0..count-1 in index order, so labels depend on nothing but the mask.
 */
import { InputError } from "../../core/errors.js";
import { voxelCount, type Shape3 } from "./grid.js";

export interface Components {
  /** Component of each voxel, -1 outside the mask. Components are numbered by their first voxel. */
  readonly labels: Int32Array;
  readonly count: number;
  /** Voxels in each component. */
  readonly sizes: Int32Array;
}

/** Root of i, halving the path on the way (parent[i] <- parent[parent[i]]). */
function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]!]!;
    parent[i] = g;
    i = g;
  }
  return i;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a), rb = find(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/**
 * Label the face-connected components of the voxels with mask[i] != 0. `wrap[d]` makes axis
 * d periodic: the last layer along d is also a face neighbour of the first (a side of one
 * voxel wraps onto itself and adds nothing). `scratch` (at least as long as the mask), when
 * given, holds the labels instead of a new array (the caller lends memory it will reuse, so
 * a dead 4-byte-a-voxel array does not stay resident until the next garbage collection).
 */
export function connectedComponents(shape: Shape3, mask: Uint8Array, wrap: readonly [boolean, boolean, boolean] = [false, false, false], scratch?: Int32Array): Components {
  const n = voxelCount(shape);
  if (mask.length !== n) throw new InputError(`component mask has ${mask.length} entries; shape needs ${n}`);
  if (scratch !== undefined && scratch.length < n) throw new InputError(`component scratch has ${scratch.length} entries; shape needs ${n}`);
  const [nx, ny, nz] = shape;
  const sy = nx, sz = nx * ny;
  // the labels array doubles as the parent forest, then holds the final labels
  const parent = scratch === undefined ? new Int32Array(n) : scratch.subarray(0, n);
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        if (mask[i] === 0) {
          parent[i] = -1;
          continue;
        }
        parent[i] = i;
        if (x > 0 && mask[i - 1] !== 0) union(parent, i, i - 1);
        if (y > 0 && mask[i - sy] !== 0) union(parent, i, i - sy);
        if (z > 0 && mask[i - sz] !== 0) union(parent, i, i - sz);
        // periodic axes: the last layer meets the first (union keeps the smaller root, so
        // the labelling pass below stays valid)
        if (wrap[0] && x === nx - 1 && nx > 1 && mask[i - x] !== 0) union(parent, i, i - x);
        if (wrap[1] && y === ny - 1 && ny > 1 && mask[i - y * sy] !== 0) union(parent, i, i - y * sy);
        if (wrap[2] && z === nz - 1 && nz > 1 && mask[i - z * sz] !== 0) union(parent, i, i - z * sz);
      }
    }
  }
  // Every parent pointer points to a smaller index (union keeps the smaller root, halving
  // points to a grandparent), so one ascending pass turns pointers into labels: entries
  // below i already hold labels when i is read.
  let count = 0;
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p < 0) continue;
    parent[i] = p === i ? count++ : parent[p]!;
  }
  const sizes = new Int32Array(count);
  for (let i = 0; i < n; i++) {
    const l = parent[i]!;
    if (l >= 0) sizes[l]!++;
  }
  return { labels: parent, count, sizes };
}

export interface FaceContact {
  /** 1 if the component has a voxel on the low face (coordinate 0 along the axis). */
  readonly low: Uint8Array;
  /** 1 if the component has a voxel on the high face (coordinate n-1). */
  readonly high: Uint8Array;
}

/** Which components touch the two faces normal to `axis` (0 = x, 1 = y, 2 = z). */
export function faceContacts(shape: Shape3, components: Components, axis: 0 | 1 | 2 = 0): FaceContact {
  const [nx, ny, nz] = shape;
  const low = new Uint8Array(components.count), high = new Uint8Array(components.count);
  const labels = components.labels;
  const side = shape[axis];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const c = axis === 0 ? x : axis === 1 ? y : z;
        if (c !== 0 && c !== side - 1) continue;
        const l = labels[x + nx * (y + ny * z)]!;
        if (l < 0) continue;
        if (c === 0) low[l] = 1;
        if (c === side - 1) high[l] = 1;
      }
    }
  }
  return { low, high };
}

/** Mask of the voxels whose component touches both faces normal to `axis`. */
export function spanningMask(shape: Shape3, components: Components, axis: 0 | 1 | 2 = 0): Uint8Array {
  const { low, high } = faceContacts(shape, components, axis);
  const labels = components.labels;
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l >= 0 && low[l] === 1 && high[l] === 1) out[i] = 1;
  }
  return out;
}
