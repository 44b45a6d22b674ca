import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@statespace/ssm-core';
import { TEST_BACKENDS, useBackend } from '../../../ssm-core/src/testing/backends';
import { expectClose } from '../../../ssm-core/src/testing/compare';
import { csrFromEdges, type CsrGraph } from '../data/graph';
import { buildTokenTables } from '../ops/tokens';
import { buildGraphModel } from './buildModel';
import { resolveGraphConfig, type GraphModelConfig, type GraphModelKind, type GraphTask } from './config';
import { buildBatch, buildGraphsBatch, disposeBatch, inputsInOrder, type GraphBatch } from '../tasks/batch';

/*
 * The node-level BiMamba scans a disjoint union of graphs in (graph, degree) order; segment ids must reset its
 * state between graphs, so graph B gets exactly the outputs it gets when run alone. Without the reset, B's
 * scan starts from A's final state (forward) and A's nodes see B's (backward), and the outputs differ.
 */
const F = 4;
const A = csrFromEdges(5, [0, 1, 2, 3], [1, 2, 3, 4]);
const B = csrFromEdges(4, [0, 1, 2, 0], [1, 2, 3, 2]);
const XA = Float32Array.from({ length: 5 * F }, (_, i) => Math.sin(1 + i));
const XB = Float32Array.from({ length: 4 * F }, (_, i) => 2 * Math.cos(2 * i));

/** Replaces a batch's GMN token tables by per-graph tables from fixed seeds (the batch builder draws all graphs
 *  from one stream, so B's tokens would otherwise differ between the pair and the single run). */
function setTokens(c: GraphModelConfig, b: GraphBatch, graphs: CsrGraph[]): void {
  const o = { maxWalkLength: c.maxWalkLength, walksPerToken: c.walksPerToken, repeats: c.repeats };
  const nodes: number[] = [];
  const ids: number[] = [];
  const w: number[] = [];
  let offset = 0;
  for (const g of graphs) {
    const t = buildTokenTables(g, o, mulberry32(7 + g.numNodes));
    t.tokenNodes.forEach((u, k) => {
      nodes.push(u + offset);
      ids.push(t.tokenIds[k] + offset * t.tokensPerNode);
      w.push(t.tokenWeights[k]);
    });
    offset += g.numNodes;
  }
  tf.dispose([b.tokNodes, b.tokIds, b.tokW]);
  b.tokNodes = tf.tensor1d(nodes, 'int32');
  b.tokIds = tf.tensor1d(ids, 'int32');
  b.tokW = tf.tensor1d(w);
}

describe.each(TEST_BACKENDS)('node-level BiMamba segment reset on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  const cases: [GraphModelKind, GraphTask][] = [['graph-mamba', 'graph'], ['gmn', 'graph'], ['gmn', 'node']];
  it.each(cases)('%s / %s: graph B batched after graph A gives the outputs of B alone', (model, task) => {
    const c = resolveGraphConfig('micro', { model, task, numFeatures: F, numClasses: 3 }, { nodeMamba: true, seed: 2 });
    const net = buildGraphModel(c);
    // task 'node' on a disjoint union: buildBatch with graphOf gives the node model per-graph segments.
    const graphOf = Int32Array.from({ length: 9 }, (_, i) => (i < 5 ? 0 : 1));
    const pair = task === 'graph'
      ? buildGraphsBatch(c, [{ graph: A, features: XA }, { graph: B, features: XB }], mulberry32(0), false)
      : buildBatch(c, unionAB(), Float32Array.from([...XA, ...XB]), mulberry32(0), false, graphOf, 2);
    const alone = task === 'graph' ? buildGraphsBatch(c, [{ graph: B, features: XB }], mulberry32(0), false) : buildBatch(c, B, XB, mulberry32(0), false);
    if (model === 'gmn') {
      setTokens(c, pair, [A, B]);
      setTokens(c, alone, [B]);
    }
    const rows = task === 'graph' ? [1, 1] : [5, 4];
    const yPair = tf.tidy(() => {
      const y = net.apply(inputsInOrder(c, pair), { training: false }) as tf.Tensor2D;
      return tf.slice(y, [rows[0], 0], [rows[1], 3]);
    });
    const yAlone = net.apply(inputsInOrder(c, alone), { training: false }) as tf.Tensor2D;
    expectClose(yPair, yAlone, 1e-5, 1e-5, `${model} / ${task}: graph B`);
    tf.dispose([yPair, yAlone]);
    disposeBatch(pair);
    disposeBatch(alone);
    net.dispose();
  });
});

function unionAB(): CsrGraph {
  const src = [0, 1, 2, 3, 5, 6, 7, 5];
  const dst = [1, 2, 3, 4, 6, 7, 8, 7];
  return csrFromEdges(9, src, dst);
}
