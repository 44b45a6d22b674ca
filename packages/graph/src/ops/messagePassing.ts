import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, gatherSegmentSum } from '@statespace/ssm-core';

/**
 * Sparse message passing out[v] = Σ_{e: dst[e] = v} w[e] · h[src[e]] through ssm-core's fused gatherSegmentSum
 * (one pass over the edges on cpu / wasm; tf.gather + unsortedSegmentSum elsewhere).
 */
export function propagate(h: tf.Tensor2D, src: tf.Tensor1D, dst: tf.Tensor1D, weight: tf.Tensor1D | null, numNodes: number): tf.Tensor2D {
  return gatherSegmentSum({ h, src, dst, weight, numSegments: numNodes });
}

/**
 * GatedGCN aggregation (Bresson & Laurent 2017) without edge features:
 * ê_ij = Dh_i + Eh_j,  η_ij = σ(ê_ij) / (Σ_j' σ(ê_ij') + ε),  out_i = Ah_i + Σ_j η_ij ⊙ Bh_j
 * (i = dst receives from j = src). Ah, Bh, Dh, Eh are the four projections, computed by the caller.
 * The numerator is one fused call with per-edge, per-channel weights σ(ê); the denominator a segment sum of σ(ê)
 * (the same op with src = 0..E-1).
 */
export function gatedAggregate(ah: tf.Tensor2D, bh: tf.Tensor2D, dh: tf.Tensor2D, eh: tf.Tensor2D, src: tf.Tensor1D, dst: tf.Tensor1D, numNodes: number): tf.Tensor2D {
  return tf.tidy(() => {
    const gate = tf.sigmoid(tf.add(gatherRows(dh, dst), gatherRows(eh, src))) as tf.Tensor2D;
    const num = gatherSegmentSum({ h: bh, src, dst, weight: gate, numSegments: numNodes });
    const edgeIds = tf.range(0, src.shape[0], 1, 'int32') as tf.Tensor1D;
    const den = gatherSegmentSum({ h: gate, src: edgeIds, dst, numSegments: numNodes });
    return tf.add(ah, tf.div(num, tf.add(den, 1e-6))) as tf.Tensor2D;
  });
}

/** Mean of node rows per segment (graph pooling / token pooling): out[s] = Σ_k w[k] h[nodes[k]] over ids[k] = s. */
export function weightedPool(h: tf.Tensor2D, nodes: tf.Tensor1D, ids: tf.Tensor1D, weights: tf.Tensor1D, numSegments: number): tf.Tensor2D {
  return propagate(h, nodes, ids, weights, numSegments);
}
