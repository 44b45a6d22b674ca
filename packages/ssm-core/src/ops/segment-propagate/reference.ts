import * as tf from '@tensorflow/tfjs-core';
import { validateGatherSegmentSum, type GatherSegmentSumArgs } from './args';
import { checkIndexRange } from './indexCheck';

/**
 * The reference twin of plain tf ops: out = unsortedSegmentSum(w ⊙ gather(h, src), dst, numSegments),
 * differentiated by tfjs (Gather's gradient is itself an unsortedSegmentSum).
 */
export function gatherSegmentSumReference(args: GatherSegmentSumArgs): tf.Tensor2D {
  const { h, src, dst, weight, numSegments } = args;
  validateGatherSegmentSum(args);
  // tf.gather / unsortedSegmentSum do not report bad indices usefully: check on the host (slow path only).
  checkIndexRange('gatherSegmentSum', 'src', src.dataSync(), h.shape[0], 'rows of h');
  checkIndexRange('gatherSegmentSum', 'dst', dst.dataSync(), numSegments, 'numSegments');
  return tf.tidy(() => {
    const msg = tf.gather(h, src);
    const weighted = weight == null ? msg : tf.mul(msg, weight.rank === 1 ? tf.expandDims(weight, 1) : weight);
    return tf.unsortedSegmentSum(weighted, dst, numSegments) as tf.Tensor2D;
  });
}
