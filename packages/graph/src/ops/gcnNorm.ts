import type { CsrGraph } from '../data/graph';

/** Directed edge list with weights, self-loops included: the operands of the gather/segment-sum message passing. */
export interface WeightedEdges {
  src: Int32Array;
  dst: Int32Array;
  weight: Float32Array;
}

/** GCN's Â = D̂^-1/2 (A + I) D̂^-1/2 as weighted edges (Kipf & Welling 2017). */
export function gcnNormEdges(g: CsrGraph): WeightedEdges {
  const n = g.numNodes;
  const e = g.indices.length + n;
  const src = new Int32Array(e);
  const dst = new Int32Array(e);
  const weight = new Float32Array(e);
  const dinv = new Float64Array(n);
  for (let v = 0; v < n; v++) dinv[v] = 1 / Math.sqrt(g.indptr[v + 1] - g.indptr[v] + 1);
  let k = 0;
  for (let v = 0; v < n; v++) {
    src[k] = v;
    dst[k] = v;
    weight[k++] = dinv[v] * dinv[v];
    for (let j = g.indptr[v]; j < g.indptr[v + 1]; j++) {
      const u = g.indices[j];
      src[k] = u;
      dst[k] = v;
      weight[k++] = dinv[u] * dinv[v];
    }
  }
  return { src, dst, weight };
}
