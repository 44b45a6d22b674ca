import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@statespace/ssm-core';
import { disjointUnion, type CsrGraph } from '../data/graph';
import { gcnNormEdges } from '../ops/gcnNorm';
import { buildTokenTables } from '../ops/tokens';
import { degreeOrder, inversePermutation } from '../ops/ordering';
import { lapPE, rwse } from '../ops/encodings';
import { INT_INPUTS, inputNames, type GraphModelConfig } from '../models/config';

/** Model inputs keyed by name (see inputNames); `inputsInOrder` turns them into the model's input list. */
export type GraphBatch = Record<string, tf.Tensor>;

/** Appends LapPE (k columns) and RWSE (k steps) to the node features, as the config asks. */
export function withEncodings(g: CsrGraph, features: Float32Array, numFeatures: number, lapK: number, rwseK: number): Float32Array {
  if (lapK === 0 && rwseK === 0) return features;
  const pe = lapK ? lapPE(g, lapK) : new Float32Array(0);
  const se = rwseK ? rwse(g, rwseK) : new Float32Array(0);
  const w = numFeatures + lapK + rwseK;
  const out = new Float32Array(g.numNodes * w);
  for (let v = 0; v < g.numNodes; v++) {
    out.set(features.subarray(v * numFeatures, (v + 1) * numFeatures), v * w);
    if (lapK) out.set(pe.subarray(v * lapK, (v + 1) * lapK), v * w + numFeatures);
    if (rwseK) out.set(se.subarray(v * rwseK, (v + 1) * rwseK), v * w + numFeatures + lapK);
  }
  return out;
}

/**
 * Builds the inputs for one graph (node task) or a disjoint union (graph task, `graphOf` = graph index per node,
 * `numGraphs`). `rng` drives the token sampling and the degree-order noise (null → noise-free order, token seed 0).
 */
export function buildBatch(c: GraphModelConfig, g: CsrGraph, features: Float32Array | tf.Tensor2D, rng: Rng, noisyOrder: boolean, graphOf?: Int32Array, numGraphs = 1): GraphBatch {
  const names = inputNames(c);
  const arrays: Record<string, Int32Array | Float32Array> = {};
  const e = gcnNormEdges(g);
  arrays.src = e.src;
  arrays.dst = e.dst;
  arrays.ew = e.weight;
  if (names.includes('tokNodes')) {
    const t = buildTokenTables(g, { maxWalkLength: c.maxWalkLength, walksPerToken: c.walksPerToken, repeats: c.repeats }, rng);
    arrays.tokNodes = t.tokenNodes;
    arrays.tokIds = t.tokenIds;
    arrays.tokW = t.tokenWeights;
    arrays.tokSlots = new Float32Array(g.numNodes * t.tokensPerNode);
  }
  const segments = graphOf ?? new Int32Array(g.numNodes);
  if (names.includes('order')) {
    const order = degreeOrder(g, noisyOrder ? rng : null, segments);
    arrays.order = order;
    arrays.inverse = inversePermutation(order);
    arrays.segment = segments;
  }
  if (names.includes('poolNodes')) {
    const size = new Int32Array(numGraphs);
    for (const s of segments) size[s]++;
    arrays.poolNodes = Int32Array.from({ length: g.numNodes }, (_, i) => i);
    arrays.poolIds = segments;
    arrays.poolW = Float32Array.from(segments, (s) => 1 / size[s]);
    arrays.poolSlots = new Float32Array(numGraphs);
  }
  const batch: GraphBatch = {};
  if (c.sparseInput) {
    if (features instanceof tf.Tensor) throw new Error('buildBatch: sparseInput needs the feature array, received a tensor');
    Object.assign(arrays, sparseTriples(features, g.numNodes, c.numFeatures));
    arrays.nodeSlots = new Float32Array(g.numNodes);
  } else {
    batch.x = features instanceof tf.Tensor ? features : tf.tensor2d(features, [g.numNodes, c.numFeatures]);
  }
  for (const n of names) if (n !== 'x') batch[n] = tf.tensor1d(arrays[n], INT_INPUTS.has(n) ? 'int32' : 'float32');
  return batch;
}

/** Non-zero entries of a row-major feature matrix as (row, col, value) triples. */
export function sparseTriples(x: Float32Array, n: number, f: number): { featRows: Int32Array; featCols: Int32Array; featVals: Float32Array } {
  let nnz = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) nnz++;
  const featRows = new Int32Array(nnz);
  const featCols = new Int32Array(nnz);
  const featVals = new Float32Array(nnz);
  let k = 0;
  for (let r = 0; r < n; r++) for (let col = 0; col < f; col++) {
    const v = x[r * f + col];
    if (v !== 0) {
      featRows[k] = r;
      featCols[k] = col;
      featVals[k++] = v;
    }
  }
  return { featRows, featCols, featVals };
}

/** A batch of small graphs as one disjoint union. */
export function buildGraphsBatch(c: GraphModelConfig, graphs: { graph: CsrGraph; features: Float32Array }[], rng: Rng, noisyOrder: boolean): GraphBatch {
  const { graph, offsets } = disjointUnion(graphs.map((x) => x.graph));
  const features = new Float32Array(graph.numNodes * c.numFeatures);
  const graphOf = new Int32Array(graph.numNodes);
  graphs.forEach((x, k) => {
    features.set(x.features, offsets[k] * c.numFeatures);
    graphOf.fill(k, offsets[k], offsets[k + 1]);
  });
  return buildBatch(c, graph, features, rng, noisyOrder, graphOf, graphs.length);
}

/** The batch as the model's input list; with `model`, in its own input order (a loaded model may reorder them). */
export function inputsInOrder(c: GraphModelConfig, b: GraphBatch, model?: { inputNames: string[] }): tf.Tensor[] {
  return (model ? model.inputNames : inputNames(c)).map((n) => {
    if (!b[n]) throw new Error(`graph batch: no input named '${n}' (batch has ${Object.keys(b).join(', ')})`);
    return b[n];
  });
}

/** Disposes a batch's tensors except `keep` (a feature tensor shared across epochs). */
export function disposeBatch(b: GraphBatch, keep?: tf.Tensor): void {
  tf.dispose(Object.values(b).filter((t) => t !== keep));
}
