/**
 * Compressed sparse row graph: the neighbours of node v are indices[indptr[v] .. indptr[v+1]).
 * Loaders build it from edge lists; ops (walks, tokens, message passing) read it.
 */
export interface CsrGraph {
  numNodes: number;
  indptr: Int32Array;
  indices: Int32Array;
}

export interface FromEdgesOptions {
  /** Add the reverse of every edge (default true: the datasets here are undirected). */
  symmetric?: boolean;
  /** Keep self-loops given in the input (default false: GCN adds its own). */
  keepSelfLoops?: boolean;
}

/** Builds a CSR graph from (src, dst) pairs; duplicate edges are removed, neighbour lists sorted. */
export function csrFromEdges(numNodes: number, src: ArrayLike<number>, dst: ArrayLike<number>, opts: FromEdgesOptions = {}): CsrGraph {
  if (!Number.isInteger(numNodes) || numNodes < 0) throw new Error(`csrFromEdges: numNodes must be an integer >= 0, received ${numNodes}`);
  if (src.length !== dst.length) throw new Error(`csrFromEdges: src and dst must have the same length, received ${src.length} and ${dst.length}`);
  const symmetric = opts.symmetric ?? true;
  const keepSelf = opts.keepSelfLoops ?? false;
  const lists: Set<number>[] = Array.from({ length: numNodes }, () => new Set<number>());
  for (let e = 0; e < src.length; e++) {
    const a = src[e];
    const b = dst[e];
    for (const [name, v] of [['src', a], ['dst', b]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numNodes) {
        throw new Error(`csrFromEdges: edge ${e} has ${name} ${v}, expected an integer node id in [0, ${numNodes})`);
      }
    }
    if (a === b && !keepSelf) continue;
    lists[a].add(b);
    if (symmetric) lists[b].add(a);
  }
  const indptr = new Int32Array(numNodes + 1);
  for (let v = 0; v < numNodes; v++) indptr[v + 1] = indptr[v] + lists[v].size;
  const indices = new Int32Array(indptr[numNodes]);
  for (let v = 0; v < numNodes; v++) {
    const sorted = Array.from(lists[v]).sort((x, y) => x - y);
    indices.set(sorted, indptr[v]);
  }
  return { numNodes, indptr, indices };
}

export function degrees(g: CsrGraph): Int32Array {
  const d = new Int32Array(g.numNodes);
  for (let v = 0; v < g.numNodes; v++) d[v] = g.indptr[v + 1] - g.indptr[v];
  return d;
}

export function neighbours(g: CsrGraph, v: number): Int32Array {
  return g.indices.subarray(g.indptr[v], g.indptr[v + 1]);
}

/** Directed edge arrays (every stored CSR entry once): src[e] → dst[e]. */
export function edgeArrays(g: CsrGraph): { src: Int32Array; dst: Int32Array } {
  const src = new Int32Array(g.indices.length);
  for (let v = 0; v < g.numNodes; v++) src.fill(v, g.indptr[v], g.indptr[v + 1]);
  return { src, dst: Int32Array.from(g.indices) };
}

export function numUndirectedEdges(g: CsrGraph): number {
  let selfLoops = 0;
  for (let v = 0; v < g.numNodes; v++) for (const u of neighbours(g, v)) if (u === v) selfLoops++;
  return (g.indices.length - selfLoops) / 2 + selfLoops;
}

/** Disjoint union of graphs (a batch): node ids of graph k are offset by the sizes of graphs 0..k-1. */
export function disjointUnion(graphs: CsrGraph[]): { graph: CsrGraph; offsets: Int32Array } {
  const offsets = new Int32Array(graphs.length + 1);
  graphs.forEach((g, k) => (offsets[k + 1] = offsets[k] + g.numNodes));
  const n = offsets[graphs.length];
  const nnz = graphs.reduce((s, g) => s + g.indices.length, 0);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  let p = 0;
  graphs.forEach((g, k) => {
    for (let v = 0; v < g.numNodes; v++) {
      for (let j = g.indptr[v]; j < g.indptr[v + 1]; j++) indices[p++] = g.indices[j] + offsets[k];
      indptr[offsets[k] + v + 1] = p;
    }
  });
  return { graph: { numNodes: n, indptr, indices }, offsets };
}
