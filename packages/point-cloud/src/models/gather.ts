import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from '@statespace/ssm-core';

/** Flat row indices into the (B·N, C) view of x: idx[b, ...] + b·N, as int32 (B·∏idx.shape[1:]). */
export function flatRowIndex(B: number, N: number, idx: tf.Tensor): tf.Tensor1D {
  const offsets = tf.reshape(tf.mul(tf.range(0, B, 1, 'int32'), tf.scalar(N, 'int32')), [B, ...idx.shape.slice(1).map(() => 1)]);
  return tf.reshape(tf.add(tf.cast(idx, 'int32'), offsets), [-1]);
}

/**
 * out[b, i, ...] = x[b, idx[b, i, ...]] for x (B, N, C) and int32 idx (B, ...): a row gather on the flattened
 * (B·N, C) array with per-sample offsets, through ssm-core's fused `gatherRows` (one pass on cpu/wasm, and its
 * gradient a fused scatter-add). Why not tf.gather: tfjs-backend-wasm's GatherV2 took ~200 ms for 24k rows of 48
 * floats here (~0.2 ms with the fused op), and tf.gather with batchDims > 0 has no gradient in tfjs 4.22.
 */
export function batchGather(x: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [B, N] = x.shape;
    const C = x.shape.slice(2);
    const width = C.reduce((a, b) => a * b, 1);
    const out = gatherRows(tf.reshape(x, [B * N, width]) as tf.Tensor2D, flatRowIndex(B, N, idx));
    return tf.reshape(out, [...idx.shape, ...C]);
  });
}

/** The reference twin of batchGather: plain tf.gather, differentiated by tfjs (GatherV2 → UnsortedSegmentSum). */
export function batchGatherReference(x: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [B, N] = x.shape;
    const C = x.shape.slice(2);
    return tf.reshape(tf.gather(tf.reshape(x, [B * N, ...C]), flatRowIndex(B, N, idx), 0), [...idx.shape, ...C]);
  });
}

/** Columns [start, start + count) of an int32 (B, M, W) index table, as (B, M, count) (or (B, M) when squeeze). */
export function indexColumns(idx: tf.Tensor, start: number, count: number, squeeze = false): tf.Tensor {
  return tf.tidy(() => {
    const s = tf.slice(idx, [0, 0, start], [-1, -1, count]);
    return squeeze ? tf.reshape(s, [s.shape[0], s.shape[1] as number]) : s;
  });
}

/** x repeated along a new axis `axis` `times` times, by a broadcasting multiply (tfjs-backend-wasm's Tile is ~30× slower). */
export function repeatAxis(x: tf.Tensor, axis: number, times: number): tf.Tensor {
  return tf.tidy(() => {
    const e = tf.expandDims(x, axis);
    return tf.mul(e, tf.ones(e.shape.map((_, i) => (i === axis ? times : 1))));
  });
}
