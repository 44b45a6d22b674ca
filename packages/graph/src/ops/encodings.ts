import type { CsrGraph } from '../data/graph';
import { jacobiEigen } from './symEig';

/**
 * RWSE (random-walk structural encoding): for k = 1..K, the probability that a k-step uniform random walk from v
 * returns to v, i.e. diag((D^-1 A)^k). Row-major (numNodes, K). Computed per node by sparse vector propagation.
 */
export function rwse(g: CsrGraph, k: number): Float32Array {
  const n = g.numNodes;
  const out = new Float32Array(n * k);
  let p = new Float64Array(n);
  let q = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    p.fill(0);
    p[v] = 1;
    let frontier = [v];
    for (let step = 0; step < k; step++) {
      q.fill(0);
      const next = new Set<number>();
      for (const u of frontier) {
        const deg = g.indptr[u + 1] - g.indptr[u];
        if (deg === 0) continue;
        const share = p[u] / deg;
        for (let j = g.indptr[u]; j < g.indptr[u + 1]; j++) {
          q[g.indices[j]] += share;
          next.add(g.indices[j]);
        }
      }
      [p, q] = [q, p];
      frontier = Array.from(next);
      out[v * k + step] = p[v];
    }
  }
  return out;
}

/**
 * LapPE: eigenvectors of the normalized Laplacian L = I − D^-1/2 A D^-1/2 for the k smallest eigenvalues after the
 * trivial one, row-major (numNodes, k), zero-padded when the graph has ≤ k nodes. Signs are arbitrary (models flip
 * them randomly in training). Dense Jacobi for graphs up to `denseLimit` nodes; larger graphs use orthogonal
 * (subspace) iteration on 2I − L with a Rayleigh-Ritz step, which is approximate for clustered eigenvalues.
 */
export function lapPE(g: CsrGraph, k: number, opts: { denseLimit?: number; iterations?: number } = {}): Float32Array {
  const n = g.numNodes;
  const out = new Float32Array(n * k);
  const dinv = Float64Array.from({ length: n }, (_, v) => {
    const d = g.indptr[v + 1] - g.indptr[v];
    return d > 0 ? 1 / Math.sqrt(d) : 0;
  });
  if (n <= (opts.denseLimit ?? 400)) {
    const a = new Float64Array(n * n);
    for (let v = 0; v < n; v++) {
      a[v * n + v] = 1;
      for (let j = g.indptr[v]; j < g.indptr[v + 1]; j++) a[v * n + g.indices[j]] -= dinv[v] * dinv[g.indices[j]];
    }
    const { values, vectors } = jacobiEigen(a, n);
    const order = Array.from(values.keys()).sort((x, y) => values[x] - values[y]);
    for (let c = 0; c < k && c + 1 < n; c++) for (let v = 0; v < n; v++) out[v * k + c] = vectors[v * n + order[c + 1]];
    return out;
  }
  return subspaceLapPE(g, dinv, k, opts.iterations ?? 200);
}

function subspaceLapPE(g: CsrGraph, dinv: Float64Array, k: number, iterations: number): Float32Array {
  const n = g.numNodes;
  const m = k + 1;
  // Deterministic start (seeded by position) so the encoding is reproducible.
  let x: Float64Array = Float64Array.from({ length: n * m }, (_, i) => Math.sin(i * 12.9898 + 78.233) * 43758.5453 % 1);
  const apply = (src: Float64Array): Float64Array => {
    // (2I − L) x = x + D^-1/2 A D^-1/2 x
    const y = Float64Array.from(src);
    for (let v = 0; v < n; v++) {
      for (let j = g.indptr[v]; j < g.indptr[v + 1]; j++) {
        const u = g.indices[j];
        const w = dinv[v] * dinv[u];
        for (let c = 0; c < m; c++) y[v * m + c] += w * src[u * m + c];
      }
    }
    return y;
  };
  const orthonormalize = (z: Float64Array): void => {
    for (let c = 0; c < m; c++) {
      for (let b = 0; b < c; b++) {
        let dot = 0;
        for (let v = 0; v < n; v++) dot += z[v * m + c] * z[v * m + b];
        for (let v = 0; v < n; v++) z[v * m + c] -= dot * z[v * m + b];
      }
      let norm = 0;
      for (let v = 0; v < n; v++) norm += z[v * m + c] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let v = 0; v < n; v++) z[v * m + c] /= norm;
    }
  };
  orthonormalize(x);
  for (let it = 0; it < iterations; it++) {
    x = apply(x);
    orthonormalize(x);
  }
  // Rayleigh-Ritz: eigen-decompose the m×m projection and rotate the basis.
  const ax = apply(x);
  const h = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) {
    let s = 0;
    for (let v = 0; v < n; v++) s += x[v * m + a] * ax[v * m + b];
    h[a * m + b] = s;
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) h[a * m + b] = h[b * m + a] = (h[a * m + b] + h[b * m + a]) / 2;
  const { values, vectors } = jacobiEigen(h, m);
  const order = Array.from(values.keys()).sort((p, q) => values[q] - values[p]); // largest of 2I − L = smallest of L
  const out = new Float32Array(n * k);
  for (let c = 0; c < k; c++) {
    const col = order[c + 1];
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let b = 0; b < m; b++) s += x[v * m + b] * vectors[b * m + col];
      out[v * k + c] = s;
    }
  }
  return out;
}
