import type { Rng } from '@statespace/ssm-core';
import { checkXyz } from '../geometry/fps';
import { CTS_ORDERS, ctsOrder } from './cts';
import { hilbertOrder, mortonOrder } from './sfc';

/** Serialization families: PCM's CTS, z-order, Hilbert, and a random order (the ablation baseline). */
export const SERIALIZATIONS = ['cts', 'zorder', 'hilbert', 'random'] as const;
export type Serialization = (typeof SERIALIZATIONS)[number];

/** Reorders the axes of a flat cloud: out[i] = (p[a], p[b], p[c]) for the axis order 'abc'. */
function permuteAxes(xyz: ArrayLike<number>, axes: string): Float32Array {
  const n = xyz.length / 3;
  const idx = [...axes].map((c) => 'xyz'.indexOf(c));
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) out[3 * i + a] = xyz[3 * i + idx[a]];
  return out;
}

/**
 * The traversal order of variant `v` (0..5) of a family: CTS uses axis order CTS_ORDERS[v]; z-order and Hilbert
 * use the curve on the axes permuted by CTS_ORDERS[v] (slowest axis first, so their variants differ like CTS's);
 * 'random' draws a permutation from `rng` (required).
 */
export function serializationOrder(kind: Serialization, xyz: ArrayLike<number>, v: number, o: { gridSize?: number; rng?: Rng; bits?: number } = {}): Int32Array {
  const n = checkXyz('serializationOrder', xyz);
  if (!Number.isInteger(v) || v < 0) throw new Error(`serializationOrder: variant must be an integer >= 0, received ${v}`);
  const axes = CTS_ORDERS[v % 6];
  switch (kind) {
    case 'cts':
      return ctsOrder(xyz, axes, o.gridSize ?? 0.02);
    case 'zorder':
      // the curve's slowest bit is the last interleaved axis (z), so put the slowest axis last
      return mortonOrder(permuteAxes(xyz, [...axes].reverse().join('')), o.bits ?? 10);
    case 'hilbert':
      return hilbertOrder(permuteAxes(xyz, axes), o.bits ?? 10);
    case 'random': {
      if (!o.rng) throw new Error("serializationOrder: 'random' needs an rng");
      const p = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(o.rng() * (i + 1)); const t = p[i]; p[i] = p[j]; p[j] = t; }
      return p;
    }
    default:
      throw new Error(`serializationOrder: kind must be one of ${SERIALIZATIONS.join(', ')}, received ${String(kind)}`);
  }
}

/**
 * Locality of an order: the fraction of consecutive pairs (order[i], order[i+1]) where the second point is among
 * the `k` nearest neighbours of the first (brute force, for tests and the ablation report), and the mean distance
 * between consecutive points.
 */
export function orderLocality(xyz: ArrayLike<number>, order: ArrayLike<number>, k = 8): { neighborRate: number; meanStep: number } {
  const n = checkXyz('orderLocality', xyz);
  let hits = 0, total = 0;
  const d = new Float64Array(n);
  for (let s = 0; s + 1 < order.length; s++) {
    const i = order[s], j = order[s + 1];
    for (let t = 0; t < n; t++) d[t] = Math.hypot(xyz[3 * t] - xyz[3 * i], xyz[3 * t + 1] - xyz[3 * i + 1], xyz[3 * t + 2] - xyz[3 * i + 2]);
    const dij = d[j];
    let closer = 0;
    for (let t = 0; t < n; t++) if (t !== i && d[t] < dij) closer++;
    if (closer < k) hits++;
    total += dij;
  }
  const pairs = Math.max(1, order.length - 1);
  return { neighborRate: hits / pairs, meanStep: total / pairs };
}
