/**
 * Compressed sparse row matrices (Saad, Iterative Methods for Sparse Linear Systems,
 * 2nd ed., sec. 3.4): row i holds columns colIndex[rowStart[i] .. rowStart[i+1]-1].
 */
import { InputError } from "../core/errors.js";
import type { LinearOperator } from "./operator.js";

export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly rowStart: Int32Array;
  readonly colIndex: Int32Array;
  readonly values: Float64Array;
}

/** CSR from (row, col, value) triplets; duplicates are summed, columns sorted in each row. */
export function csrFromTriplets(
  rows: number,
  cols: number,
  rowIdx: ArrayLike<number>,
  colIdx: ArrayLike<number>,
  vals: ArrayLike<number>,
): CsrMatrix {
  const m = rowIdx.length;
  if (colIdx.length !== m || vals.length !== m) throw new InputError("csr triplets: row, column and value arrays differ in length");
  const count = new Int32Array(rows + 1);
  for (let k = 0; k < m; k++) {
    const r = rowIdx[k]!, c = colIdx[k]!;
    if (!(r >= 0 && r < rows && c >= 0 && c < cols)) throw new InputError(`csr triplet ${k}: (${r}, ${c}) outside ${rows} x ${cols}`);
    count[r + 1]!++;
  }
  for (let i = 0; i < rows; i++) count[i + 1]! += count[i]!;
  const order = new Int32Array(m);
  const fill = count.slice(0, rows);
  for (let k = 0; k < m; k++) order[fill[rowIdx[k]!]!++] = k;
  // sort each row by column (insertion sort: rows are short), then merge duplicates
  const rowStart = new Int32Array(rows + 1);
  // at most one entry per triplet; trimmed to the entries kept
  const colIndex = new Int32Array(m);
  const values = new Float64Array(m);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    const a = count[i]!, b = count[i + 1]!;
    for (let p = a + 1; p < b; p++) {
      const k = order[p]!;
      let q = p - 1;
      while (q >= a && colIdx[order[q]!]! > colIdx[k]!) {
        order[q + 1] = order[q]!;
        q--;
      }
      order[q + 1] = k;
    }
    for (let p = a; p < b; p++) {
      const k = order[p]!;
      const c = colIdx[k]!;
      if (nnz > rowStart[i]! && colIndex[nnz - 1] === c) values[nnz - 1]! += vals[k]!;
      else {
        colIndex[nnz] = c;
        values[nnz++] = vals[k]!;
      }
    }
    rowStart[i + 1] = nnz;
  }
  return { rows, cols, rowStart, colIndex: colIndex.slice(0, nnz), values: values.slice(0, nnz) };
}

/** y = A x. */
export function csrMultiply(a: CsrMatrix, x: Float64Array, y: Float64Array): void {
  const { rowStart, colIndex, values } = a;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let p = rowStart[i]!, e = rowStart[i + 1]!; p < e; p++) s += values[p]! * x[colIndex[p]!]!;
    y[i] = s;
  }
}

/** The diagonal of a square matrix (0 where a row stores none). */
export function csrDiagonal(a: CsrMatrix): Float64Array {
  const d = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) if (a.colIndex[p] === i) d[i]! += a.values[p]!;
  }
  return d;
}

/** A square CSR matrix as a LinearOperator. */
export function csrOperator(a: CsrMatrix): LinearOperator {
  if (a.rows !== a.cols) throw new InputError(`csr operator: matrix is ${a.rows} x ${a.cols}, not square`);
  return { length: a.rows, apply: (x, y) => csrMultiply(a, x, y) };
}

/** Dense row-major copy (for tests and tiny systems). */
export function csrToDense(a: CsrMatrix): Float64Array {
  const d = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) d[i * a.cols + a.colIndex[p]!]! += a.values[p]!;
  }
  return d;
}
