import * as tf from '@tensorflow/tfjs-core';

/**
 * Sparse message passing as gather + segment sum (differentiable on every backend; ssm-core registers
 * UnsortedSegmentSum for wasm): out[v] = Σ_{e: dst[e] = v} w[e] · h[src[e]].
 */
export function propagate(h: tf.Tensor2D, src: tf.Tensor1D, dst: tf.Tensor1D, weight: tf.Tensor1D | null, numNodes: number): tf.Tensor2D {
  return tf.tidy(() => {
    const msg = tf.gather(h, src);
    const weighted = weight ? tf.mul(msg, tf.expandDims(weight, 1)) : msg;
    return tf.unsortedSegmentSum(weighted, dst, numNodes) as tf.Tensor2D;
  });
}

/**
 * GatedGCN aggregation (Bresson & Laurent 2017) without edge features:
 * ê_ij = Dh_i + Eh_j,  η_ij = σ(ê_ij) / (Σ_j' σ(ê_ij') + ε),  out_i = Ah_i + Σ_j η_ij ⊙ Bh_j
 * (i = dst receives from j = src). Ah, Bh, Dh, Eh are the four projections, computed by the caller.
 */
export function gatedAggregate(ah: tf.Tensor2D, bh: tf.Tensor2D, dh: tf.Tensor2D, eh: tf.Tensor2D, src: tf.Tensor1D, dst: tf.Tensor1D, numNodes: number): tf.Tensor2D {
  return tf.tidy(() => {
    const gate = tf.sigmoid(tf.add(tf.gather(dh, dst), tf.gather(eh, src)));
    const num = tf.unsortedSegmentSum(tf.mul(gate, tf.gather(bh, src)), dst, numNodes);
    const den = tf.unsortedSegmentSum(gate, dst, numNodes);
    return tf.add(ah, tf.div(num, tf.add(den, 1e-6))) as tf.Tensor2D;
  });
}

/** Mean of node rows per segment (graph pooling / token pooling): out[s] = Σ_k w[k] h[nodes[k]] over ids[k] = s. */
export function weightedPool(h: tf.Tensor2D, nodes: tf.Tensor1D, ids: tf.Tensor1D, weights: tf.Tensor1D, numSegments: number): tf.Tensor2D {
  return propagate(h, nodes, ids, weights, numSegments);
}
