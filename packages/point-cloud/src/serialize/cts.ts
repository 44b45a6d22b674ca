import { checkXyz } from '../geometry/fps';

/** The six axis orders of CTS, slowest axis first (ALGORITHMS.md §4). */
export const CTS_ORDERS = ['xyz', 'xzy', 'yxz', 'yzx', 'zxy', 'zyx'] as const;
export type CtsOrder = (typeof CTS_ORDERS)[number];

const AXIS: Record<string, number> = { x: 0, y: 1, z: 2 };

/** Integer grid cells: floor(p / gridSize) − min over the cloud, per axis; also returns the extent of each axis. */
export function quantize(xyz: ArrayLike<number>, gridSize: number): { cells: Int32Array; extent: [number, number, number] } {
  const n = checkXyz('quantize', xyz);
  if (!(gridSize > 0) || !Number.isFinite(gridSize)) throw new Error(`quantize: 'gridSize' must be a finite number > 0, received ${gridSize}`);
  const cells = new Int32Array(n * 3);
  const mn = [Infinity, Infinity, Infinity], mx = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n * 3; i++) {
    const v = xyz[i];
    if (!Number.isFinite(v)) throw new Error(`quantize: coordinate ${i % 3} of point ${Math.floor(i / 3)} is not finite (${v})`);
    const q = Math.floor(v / gridSize);
    cells[i] = q;
    if (q < mn[i % 3]) mn[i % 3] = q;
    if (q > mx[i % 3]) mx[i % 3] = q;
  }
  for (let i = 0; i < n * 3; i++) cells[i] -= mn[i % 3];
  const extent: [number, number, number] = n === 0 ? [1, 1, 1] : [mx[0] - mn[0] + 1, mx[1] - mn[1] + 1, mx[2] - mn[2] + 1];
  return { cells, extent };
}

/** Stable argsort of float keys (ties keep index order). */
export function argsort(keys: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: keys.length }, (_, i) => i);
  idx.sort((a, b) => keys[a] - keys[b] || a - b);
  return Int32Array.from(idx);
}

/** inverse[order[i]] = i: scatters a sequence in traversal order back to the original point order. */
export function inversePermutation(order: ArrayLike<number>): Int32Array {
  const inv = new Int32Array(order.length).fill(-1);
  for (let i = 0; i < order.length; i++) {
    const o = order[i];
    if (!(o >= 0 && o < order.length) || inv[o] !== -1) throw new Error(`inversePermutation: 'order' is not a permutation (entry ${i} = ${o})`);
    inv[o] = i;
  }
  return inv;
}

/**
 * Consistent traverse serialization (PCM): a boustrophedon (snake) walk through the occupied grid cells.
 * For the order 'abc' (a slowest, c fastest) the cell (qa, qb, qc) gets the key
 *   row = qa·Eb + (qa even ? qb : Eb−1−qb)            — b runs forward on even a-slabs, backward on odd ones
 *   key = row·Ec + (row even ? qc : Ec−1−qc)           — c alternates with the parity of the (a, b) row
 * built from each point's own cell coordinates (not from the axis maxima, which degenerates to sorting by one
 * axis), so consecutive cells of the walk are face neighbours and consecutive points are spatial neighbours.
 * Points in one cell keep their index order. Returns the order (argsort of the keys); see inversePermutation.
 */
export function ctsOrder(xyz: ArrayLike<number>, order: CtsOrder = 'xyz', gridSize = 0.02): Int32Array {
  if (!(CTS_ORDERS as readonly string[]).includes(order)) {
    throw new Error(`ctsOrder: 'order' must be one of ${CTS_ORDERS.join(', ')}, received ${String(order)}`);
  }
  const { cells, extent } = quantize(xyz, gridSize);
  const [a, b, c] = [AXIS[order[0]], AXIS[order[1]], AXIS[order[2]]];
  const eb = extent[b], ec = extent[c];
  const n = cells.length / 3;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const qa = cells[3 * i + a], qb = cells[3 * i + b], qc = cells[3 * i + c];
    const row = qa * eb + (qa % 2 === 0 ? qb : eb - 1 - qb);
    keys[i] = row * ec + (row % 2 === 0 ? qc : ec - 1 - qc);
  }
  return argsort(keys);
}
