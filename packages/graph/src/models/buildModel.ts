import * as tfl from '@tensorflow/tfjs-layers';
import { BiMamba, LayerNorm, SeededDropout } from '@statespace/ssm-core';
import { GraphConv, GraphDense, GraphGatedGCN, GraphSegmentPool, GraphSequence, GraphSparseDense } from './graphLayers';
import { GraphAppnp } from './graphAppnp';
import { INT_INPUTS, inputNames, type GraphModelConfig } from './config';

type Sym = tfl.SymbolicTensor;

/**
 * Builds one of the three graph models as a tf.LayersModel whose inputs are named by `inputNames(config)`
 * and whose output is logits: (numNodes, C) for node tasks, (numGraphs, C) for graph tasks.
 * - gcn: Kipf & Welling, `layers` GCN convolutions.
 * - gmn: GMN (ALGORITHMS §6.1): node encoder → MPNN (GCN) → pooled neighbourhood tokens ordered hop m..1, node
 *   last → bidirectional Mamba over each node's tokens → last position; + optional local MPNN branch and
 *   node-level BiMamba in degree order; LapPE/RWSE arrive appended to x.
 * - graph-mamba: per layer GatedGCN (local) + BiMamba over all nodes in noisy degree order (global), summed.
 */
export function buildGraphModel(c: GraphModelConfig): tfl.LayersModel {
  const inputs: Record<string, Sym> = {};
  for (const name of inputNames(c)) {
    inputs[name] = tfl.input({ name, batchShape: name === 'x' ? [null, c.numFeatures] : [null], dtype: INT_INPUTS.has(name) ? 'int32' : 'float32' });
  }
  const edges = [inputs.src, inputs.dst];
  const ew = inputs.ew;
  let seed = c.seed * 1000;
  const next = (): number => ++seed;
  // Sparse input: dropout on the stored values, then a gather/segment-sum projection (first layer's weights).
  const sparseVals = c.sparseInput ? (new SeededDropout({ rate: c.inputDropout, seed: next() }).apply(inputs.featVals) as Sym) : null;
  const sparseProject = (units: number, relu: boolean, name: string): Sym =>
    new GraphSparseDense({ units, inputDim: c.numFeatures, relu, seed: next(), name }).apply([inputs.featRows, inputs.featCols, sparseVals as Sym, inputs.nodeSlots]) as Sym;
  let h: Sym = c.sparseInput ? (null as unknown as Sym) : (new SeededDropout({ rate: c.inputDropout, seed: next() }).apply(inputs.x) as Sym);
  const globalMamba = (x: Sym, name: string): Sym => {
    const seq = new GraphSequence({ mode: 'toSequence', name: `${name}_seq` }).apply([x, inputs.order]) as Sym;
    // Segment ids (graph index per node, in scan order) reset the scan state between the graphs of a batch.
    const seg = new GraphSequence({ mode: 'segments', name: `${name}_segments` }).apply([inputs.segment, inputs.order]) as Sym;
    const y = new BiMamba({ dModel: c.hidden, dState: c.dState, expand: c.expand, seed: next(), name }).apply([seq, seg]) as Sym;
    return new GraphSequence({ mode: 'fromSequence', name: `${name}_back` }).apply([y, inputs.inverse]) as Sym;
  };
  if (c.model === 'gcn') {
    for (let l = 0; l < c.layers; l++) {
      const last = l === c.layers - 1 && c.task === 'node';
      const units = last ? c.numClasses : c.hidden;
      if (l === 0 && c.sparseInput) h = sparseProject(units, false, 'gcn0_project');
      h = new GraphConv({ units, seed: next(), project: !(l === 0 && c.sparseInput), name: `gcn${l}` }).apply([h, ...edges, ew]) as Sym;
      if (!last) {
        h = tfl.layers.activation({ activation: 'relu' }).apply(h) as Sym;
        h = new SeededDropout({ rate: c.dropout, seed: next() }).apply(h) as Sym;
      }
    }
  } else {
    h = c.sparseInput ? sparseProject(c.hidden, true, 'encoder') : (new GraphDense({ units: c.hidden, relu: true, seed: next(), name: 'encoder' }).apply(h) as Sym);
    h = new SeededDropout({ rate: c.dropout, seed: next() }).apply(h) as Sym;
    for (let l = 0; l < c.layers; l++) {
      if (c.model === 'graph-mamba') {
        const local = new GraphGatedGCN({ seed: next(), name: `gated${l}` }).apply([h, ...edges]) as Sym;
        const global = globalMamba(h, `nodeMamba${l}`);
        h = tfl.layers.add().apply([local, global]) as Sym;
      } else {
        const mp = tfl.layers.activation({ activation: 'relu' }).apply(new GraphConv({ units: c.hidden, seed: next(), name: `mpnn${l}` }).apply([h, ...edges, ew]) as Sym) as Sym;
        const tokens = new GraphSegmentPool({ groups: c.maxWalkLength * c.repeats + 1, name: `tokens${l}` }).apply([mp, inputs.tokNodes, inputs.tokIds, inputs.tokW, inputs.tokSlots]) as Sym;
        // Only the node's own (last) position is used: BiMamba's 'last' mode computes just that (same values).
        const tokenOut = new BiMamba({ dModel: c.hidden, dState: c.dState, expand: c.expand, seed: next(), outputMode: 'last', name: `tokenMamba${l}` }).apply(tokens) as Sym;
        const parts: Sym[] = [h, tokenOut];
        if (c.localMpnn) parts.push(mp);
        if (c.nodeMamba) parts.push(globalMamba(h, `nodeMamba${l}`));
        h = tfl.layers.add().apply(parts) as Sym;
      }
      h = new LayerNorm({ epsilon: 1e-3, name: `norm${l}` }).apply(h) as Sym;
      h = new SeededDropout({ rate: c.dropout, seed: next() }).apply(h) as Sym;
    }
  }
  if (c.task === 'graph') {
    h = new GraphSegmentPool({ name: 'graphPool' }).apply([h, inputs.poolNodes, inputs.poolIds, inputs.poolW, inputs.poolSlots]) as Sym;
    h = new GraphDense({ units: c.hidden, relu: true, seed: next(), name: 'head0' }).apply(h) as Sym;
  }
  if (!(c.model === 'gcn' && c.task === 'node')) {
    h = new GraphDense({ units: c.numClasses, seed: next(), name: 'logits' }).apply(h) as Sym;
    if (c.outputHops > 0 && c.task === 'node') h = new GraphAppnp({ hops: c.outputHops, alpha: c.outputAlpha, name: 'outputPropagation' }).apply([h, ...edges, ew]) as Sym;
  }
  return tfl.model({ inputs: inputNames(c).map((n) => inputs[n]), outputs: h, name: `graph_${c.model.replace('-', '_')}` });
}
