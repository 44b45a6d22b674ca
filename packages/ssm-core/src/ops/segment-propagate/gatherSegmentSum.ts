import * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel } from '../../kernels/dispatch';
import { validateGatherSegmentSum, type GatherSegmentSumArgs } from './args';
import { registerGatherSegmentSumKernels } from './cpu/register';
import { GATHER_SEGMENT_SUM_KERNEL, GatherSegmentSumAttrs } from './kernelNames';
import { gatherSegmentSumReference } from './reference';

/**
 * Sparse propagation out[dst[e]] += w[e] · h[src[e]] (out: (numSegments, d), zero where no edge lands): GCN /
 * GatedGCN message passing, segment pooling, and (with dst = 0..E-1) a row gather. Fused host kernel on cpu and
 * wasm — one pass over the edges, no (E, d) message tensor — with gradients for h (the same kernel with src and
 * dst swapped) and for w (a per-edge dot product); the reference twin (tf.gather + tf.unsortedSegmentSum)
 * elsewhere. Indices out of range throw an Error naming the argument and the edge. src / dst get no gradient.
 */
export function gatherSegmentSum(args: GatherSegmentSumArgs): tf.Tensor2D {
  validateGatherSegmentSum(args);
  registerGatherSegmentSumKernels();
  if (!hasFusedKernel(GATHER_SEGMENT_SUM_KERNEL)) return gatherSegmentSumReference(args);
  const { h, src, dst, weight, numSegments } = args;
  const attrs: GatherSegmentSumAttrs = { numSegments, weightMode: weight == null ? 'none' : weight.rank === 1 ? 'edge' : 'channel' };
  return tf.tidy(() => {
    // The weight is always passed (a 1-element placeholder when absent) so the gradient can save it by name.
    const inputs = { h, src, dst, weight: weight ?? tf.zeros([1]) };
    return tf.engine().runKernel(GATHER_SEGMENT_SUM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  });
}

/** h[idx] (K, d) through the fused op (its gradient is a fused scatter-add rather than tfjs' segment sum). */
export function gatherRows(h: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const k = idx.shape[0];
    return gatherSegmentSum({ h, src: idx, dst: tf.range(0, k, 1, 'int32') as tf.Tensor1D, numSegments: k });
  });
}
