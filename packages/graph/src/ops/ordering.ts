import type { Rng } from '@statespace/ssm-core';
import type { CsrGraph } from '../data/graph';

/**
 * Graph-Mamba node order (ALGORITHMS §6.2): ascending degree + U[0,1) noise, so equal-degree nodes are randomly
 * permuted and higher-degree nodes come later (seeing more context). With `segments` (graph id per node of a
 * batch) nodes stay grouped by graph. Returns the permutation (order[i] = node at position i).
 */
export function degreeOrder(g: CsrGraph, rng: Rng | null, segments?: ArrayLike<number>): Int32Array {
  const key = new Float64Array(g.numNodes);
  for (let v = 0; v < g.numNodes; v++) key[v] = g.indptr[v + 1] - g.indptr[v] + (rng ? rng() : 0);
  const order = Int32Array.from({ length: g.numNodes }, (_, i) => i);
  return order.sort((a, b) => (segments ? segments[a] - segments[b] : 0) || key[a] - key[b] || a - b);
}

export function inversePermutation(p: ArrayLike<number>): Int32Array {
  const inv = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) inv[p[i]] = i;
  return inv;
}
