import type * as tf from '@tensorflow/tfjs-core';
import { assertDtype, assertInt, assertRank, assertShape, assertTensor } from '../../util/validate';

export interface GatherSegmentSumArgs {
  /** (R, d) float32 rows (node states). */
  h: tf.Tensor2D;
  /** (E) int32 row of h each edge reads, in [0, R). */
  src: tf.Tensor1D;
  /** (E) int32 output row each edge adds into, in [0, numSegments). */
  dst: tf.Tensor1D;
  /** Optional float32 weight per edge (E), or per edge and channel (E, d). */
  weight?: tf.Tensor1D | tf.Tensor2D | null;
  /** Rows of the output. */
  numSegments: number;
}

const OP = 'gatherSegmentSum';

export function validateGatherSegmentSum(args: GatherSegmentSumArgs): void {
  if (args == null || typeof args !== 'object') throw new Error(`${OP}: expected an argument object {h, src, dst, weight?, numSegments}, received ${String(args)}`);
  const { h, src, dst, weight, numSegments } = args;
  assertTensor(OP, 'h', h);
  assertRank(OP, 'h', h, [2], '(R, d)');
  assertDtype(OP, 'h', h, 'float32');
  assertTensor(OP, 'src', src);
  assertRank(OP, 'src', src, [1], '(E)');
  assertDtype(OP, 'src', src, 'int32');
  assertTensor(OP, 'dst', dst);
  assertDtype(OP, 'dst', dst, 'int32');
  assertShape(OP, 'dst', dst, [src.shape[0]], ['E']);
  assertInt(OP, 'numSegments', numSegments, 0);
  if (weight != null) {
    assertTensor(OP, 'weight', weight);
    assertDtype(OP, 'weight', weight, 'float32');
    if (weight.rank === 1) assertShape(OP, 'weight', weight, [src.shape[0]], ['E']);
    else assertShape(OP, 'weight', weight, [src.shape[0], h.shape[1]], ['E', 'd']);
  }
}
