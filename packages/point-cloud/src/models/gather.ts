import * as tf from '@tensorflow/tfjs-core';

/**
 * out[b, i, ...] = x[b, idx[b, i, ...]] for x (B, N, C) and int32 idx (B, ...): a gather on the flattened
 * (B·N, C) array with per-sample offsets, so the gradient is tf's plain GatherV2 gradient (a segment sum),
 * which every backend has (tf.gather with batchDims has no gradient for batchDims > 0 in tfjs 4.22).
 */
export function batchGather(x: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [B, N] = x.shape;
    const C = x.shape.slice(2);
    const offsets = tf.reshape(tf.mul(tf.range(0, B, 1, 'int32'), tf.scalar(N, 'int32')), [B, ...idx.shape.slice(1).map(() => 1)]);
    const flatIdx = tf.reshape(tf.add(tf.cast(idx, 'int32'), offsets), [-1]);
    const out = tf.gather(tf.reshape(x, [B * N, ...C]), flatIdx, 0);
    return tf.reshape(out, [...idx.shape, ...C]);
  });
}

/** Columns [start, start + count) of an int32 (B, M, W) index table, as (B, M, count) (or (B, M) when squeeze). */
export function indexColumns(idx: tf.Tensor, start: number, count: number, squeeze = false): tf.Tensor {
  return tf.tidy(() => {
    const s = tf.slice(idx, [0, 0, start], [-1, -1, count]);
    return squeeze ? tf.reshape(s, [s.shape[0], s.shape[1] as number]) : s;
  });
}
