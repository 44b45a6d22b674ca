import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@statespace/ssm-core';
import { TEST_BACKENDS, useBackend } from '../../../ssm-core/src/testing/backends';
import { expectClose, expectNoLeak } from '../../../ssm-core/src/testing/compare';
import { gradcheck } from '../../../ssm-core/src/testing/gradcheck';
import { csrFromEdges, neighbours } from '../data/graph';
import { randomWalk } from './randomWalk';
import { nodeTokens, orderTokens, buildTokenTables } from './tokens';
import { degreeOrder, inversePermutation } from './ordering';
import { gcnNormEdges } from './gcnNorm';
import { gatedAggregate, propagate } from './messagePassing';
import { lapPE, rwse } from './encodings';
import { jacobiEigen } from './symEig';
import { autoOutputHops, trainEdgeHomophily } from './homophily';

// A small irregular graph: a triangle 0-1-2, a tail 2-3-4, a pendant 1-5, an isolated node 6.
const G = csrFromEdges(7, [0, 1, 2, 2, 3, 1], [1, 2, 0, 3, 4, 5]);

function denseAdj(): number[][] {
  const a = Array.from({ length: 7 }, () => new Array<number>(7).fill(0));
  for (let v = 0; v < 7; v++) for (const u of neighbours(G, v)) a[v][u] = 1;
  return a;
}

describe('training-label homophily', () => {
  it('counts only edges between training nodes, each direction once per end, and picks the output hops from it', () => {
    // Edges among {0,1,2,3}: 0-1, 1-2, 2-0, 2-3 (both directions stored).
    const same = [0, 0, 0, 0, 1, 1, 1];
    expect(trainEdgeHomophily(G, same, [0, 1, 2, 3], 1)).toBe(1);
    const mixed = [0, 0, 1, 1, 1, 1, 1]; // same-label edges: 0-1, 2-3 → 4 of 8 directed
    expect(trainEdgeHomophily(G, mixed, [0, 1, 2, 3], 1)).toBeCloseTo(0.5, 12);
    expect(trainEdgeHomophily(G, [0, 1, 2, 0, 1, 2, 0], [0, 1, 2, 3], 1)).toBe(0);
    expect(trainEdgeHomophily(G, same, [0, 4, 6], 1)).toBeNull(); // no edge between training nodes
    expect(trainEdgeHomophily(G, same, [0, 1, 2, 3])).toBeNull(); // 8 < the default minimum of 10
    const ring = csrFromEdges(12, Array.from({ length: 12 }, (_, i) => i), Array.from({ length: 12 }, (_, i) => (i + 1) % 12));
    const all = Array.from({ length: 12 }, (_, i) => i);
    expect(autoOutputHops(ring, new Array(12).fill(3), all)).toBe(10);
    expect(autoOutputHops(ring, all.map((i) => i % 2), all)).toBe(0);
  });
});

describe('walks, tokens, orderings', () => {
  it('random walks follow edges and are reproducible from the seed', () => {
    const a = denseAdj();
    for (let s = 0; s < 20; s++) {
      const w = randomWalk(G, s % 6, 8, mulberry32(s));
      for (let t = 1; t < w.length; t++) expect(a[w[t - 1]][w[t]]).toBe(1);
      expect(Array.from(randomWalk(G, s % 6, 8, mulberry32(s)))).toEqual(Array.from(w));
    }
    expect(Array.from(randomWalk(G, 6, 3, mulberry32(1)))).toEqual([6, 6, 6, 6]);
    expect(() => randomWalk(G, 9, 2, mulberry32(0))).toThrow(/start must be a node id in \[0, 7\), received 9/);
  });

  it('tokens: hops m..1 (ties shuffled), node token last, each token within hop distance', () => {
    const o = { maxWalkLength: 3, walksPerToken: 2, repeats: 2 };
    const toks = nodeTokens(G, 3, o, mulberry32(4));
    expect(toks.map((t) => t.hop)).toEqual([3, 3, 2, 2, 1, 1, 0]);
    expect(Array.from(toks[6].nodes)).toEqual([3]);
    // BFS distance oracle: every node of a hop-h token is within h of the root.
    const dist = [2, 2, 1, 0, 1, 3, Infinity];
    for (const t of toks) for (const v of t.nodes) expect(dist[v]).toBeLessThanOrEqual(t.hop);
    // Equal-hop ties get shuffled: over seeds both orders of two distinct tokens appear.
    const base = [{ hop: 1, nodes: Int32Array.of(1) }, { hop: 1, nodes: Int32Array.of(2) }, { hop: 2, nodes: Int32Array.of(3) }];
    const firsts = new Set<number>();
    for (let s = 0; s < 20; s++) {
      const ord = orderTokens(base.slice(), mulberry32(s));
      expect(ord[0].hop).toBe(2);
      firsts.add(ord[1].nodes[0]);
    }
    expect(firsts).toEqual(new Set([1, 2]));
    const tables = buildTokenTables(G, o, mulberry32(0));
    expect(tables.tokensPerNode).toBe(7);
    expect(Math.max(...tables.tokenIds)).toBe(7 * 7 - 1);
  });

  it('degree order sorts by degree, noise permutes ties only, segments keep graphs together', () => {
    const deg = [2, 3, 3, 2, 1, 1, 0];
    for (let s = 0; s < 10; s++) {
      const p = degreeOrder(G, mulberry32(s));
      for (let i = 1; i < 7; i++) expect(deg[p[i - 1]]).toBeLessThanOrEqual(deg[p[i]]);
      const inv = inversePermutation(p);
      for (let i = 0; i < 7; i++) expect(inv[p[i]]).toBe(i);
    }
    const seg = [0, 0, 0, 1, 1, 1, 1];
    const p = degreeOrder(G, mulberry32(1), seg);
    expect(Array.from(p.slice(0, 3)).sort()).toEqual([0, 1, 2]);
  });
});

describe('encodings', () => {
  it('Jacobi eigenpairs satisfy A v = λ v', () => {
    const n = 5;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = Math.cos(i * 3 + j);
    const { values, vectors } = jacobiEigen(a, n);
    for (let c = 0; c < n; c++) for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[j * n + c];
      expect(s).toBeCloseTo(values[c] * vectors[i * n + c], 8);
    }
  });

  it('RWSE matches dense matrix powers; LapPE (dense and subspace) are Laplacian eigenvectors', () => {
    const a = denseAdj();
    const P = a.map((r) => { const d = r.reduce((x, y) => x + y, 0); return r.map((x) => (d ? x / d : 0)); });
    let M = P.map((r) => r.slice());
    const enc = rwse(G, 3);
    for (let k = 0; k < 3; k++) {
      for (let v = 0; v < 7; v++) expect(enc[v * 3 + k]).toBeCloseTo(M[v][v], 6);
      M = M.map((r) => P[0].map((_, j) => r.reduce((s, x, l) => s + x * P[l][j], 0)));
    }
    // Path graph of 30 nodes: check L v = λ v for both solvers.
    const n = 30;
    const path = csrFromEdges(n, Array.from({ length: n - 1 }, (_, i) => i), Array.from({ length: n - 1 }, (_, i) => i + 1));
    const d = Array.from({ length: n }, (_, v) => path.indptr[v + 1] - path.indptr[v]);
    const lap = (x: number[]): number[] => x.map((xv, v) => xv - Array.from(neighbours(path, v)).reduce((s, u) => s + x[u] / Math.sqrt(d[v] * d[u]), 0));
    for (const denseLimit of [100, 0]) {
      const pe = lapPE(path, 2, { denseLimit, iterations: 3000 });
      for (let c = 0; c < 2; c++) {
        const x = Array.from({ length: n }, (_, v) => pe[v * 2 + c]);
        const lx = lap(x);
        const lambda = lx.reduce((s, y, v) => s + y * x[v], 0);
        expect(lambda).toBeGreaterThan(1e-4); // not the trivial eigenvector
        for (let v = 0; v < n; v++) expect(Math.abs(lx[v] - lambda * x[v])).toBeLessThan(denseLimit ? 1e-6 : 2e-2);
      }
    }
  });
});

describe.each(TEST_BACKENDS)('message passing on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it('GCN propagation equals dense Â h; gradients match finite differences', () => {
    const { src, dst, weight } = gcnNormEdges(G);
    const a = denseAdj();
    const deg = a.map((r) => r.reduce((x, y) => x + y, 0) + 1);
    const ahat = a.map((r, i) => r.map((x, j) => ((x || i === j ? 1 : 0) / Math.sqrt(deg[i] * deg[j]))));
    const h = tf.randomNormal([7, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const [s, d, w] = [tf.tensor1d(src, 'int32'), tf.tensor1d(dst, 'int32'), tf.tensor1d(weight)];
    const out = propagate(h, s, d, w, 7);
    expectClose(out, tf.matMul(tf.tensor2d(ahat), h), 1e-5, 1e-5, 'gcn');
    expectNoLeak(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(propagate(x as tf.Tensor2D, s, d, w, 7))))(h);
      g.dispose();
    }, 'propagate grad');
    const dir = tf.randomNormal([7, 4], 0, 1, 'float32', 5);
    const r = gradcheck((x) => tf.sum(tf.mul(propagate(x as tf.Tensor2D, s, d, w, 7), dir)), [h]);
    expect(r.worst).toBeLessThan(1);
    tf.dispose([h, s, d, w, out, dir]);
  });

  it('GatedGCN aggregation equals a dense loop reference; gradients flow to all four inputs', () => {
    const { src, dst } = gcnNormEdges(G);
    const [ah, bh, dh, eh] = [1, 2, 3, 4].map((k) => tf.randomNormal([7, 3], 0, 1, 'float32', k) as tf.Tensor2D);
    const [s, d] = [tf.tensor1d(src, 'int32'), tf.tensor1d(dst, 'int32')];
    const out = gatedAggregate(ah, bh, dh, eh, s, d, 7).arraySync();
    const [A, B, D, E] = [ah, bh, dh, eh].map((t) => t.arraySync());
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    for (let i = 0; i < 7; i++) for (let c = 0; c < 3; c++) {
      let num = 0;
      let den = 0;
      for (let e = 0; e < src.length; e++) if (dst[e] === i) {
        const g = sig(D[i][c] + E[src[e]][c]);
        num += g * B[src[e]][c];
        den += g;
      }
      expect(out[i][c]).toBeCloseTo(A[i][c] + num / (den + 1e-6), 4);
    }
    const dir = tf.randomNormal([7, 3], 0, 1, 'float32', 9);
    const r = gradcheck((a, b, dd, e) => tf.sum(tf.mul(gatedAggregate(a as tf.Tensor2D, b as tf.Tensor2D, dd as tf.Tensor2D, e as tf.Tensor2D, s, d, 7), dir)), [ah, bh, dh, eh]);
    expect(r.worst).toBeLessThan(1);
    tf.dispose([ah, bh, dh, eh, s, d, dir]);
  });
});
