import type { Rng } from '@statespace/ssm-core';
import type { CsrGraph } from '../data/graph';

/** One uniform random walk of `length` steps from `start` (length + 1 nodes); an isolated node stays put. */
export function randomWalk(g: CsrGraph, start: number, length: number, rng: Rng): Int32Array {
  if (!(start >= 0 && start < g.numNodes)) throw new Error(`randomWalk: start must be a node id in [0, ${g.numNodes}), received ${start}`);
  if (!Number.isInteger(length) || length < 0) throw new Error(`randomWalk: length must be an integer >= 0, received ${length}`);
  const walk = new Int32Array(length + 1);
  let v = start;
  walk[0] = v;
  for (let t = 1; t <= length; t++) {
    const lo = g.indptr[v];
    const deg = g.indptr[v + 1] - lo;
    if (deg > 0) v = g.indices[lo + Math.floor(rng() * deg)];
    walk[t] = v;
  }
  return walk;
}
