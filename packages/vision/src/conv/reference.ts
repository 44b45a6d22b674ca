import * as tf from '@tensorflow/tfjs-core';

/**
 * Reference twins of the im2col kernels in plain tf ops: a conv (transpose) with a one-hot filter
 * that copies input channel c at tap (ky, kx) to output channel (ky·k + kx)·C + c.
 */
function oneHotFilter(k: number, C: number): tf.Tensor4D {
  const kkc = k * k * C;
  const v = new Float32Array(kkc * kkc);
  for (let j = 0; j < kkc; j++) v[j * kkc + j] = 1; // filter (ky, kx, c, out) flattened: row (ky·k+kx)·C+c
  return tf.tensor4d(v, [k, k, C, kkc]);
}

export function extractPatchesReference(x: tf.Tensor, k: number, s: number): tf.Tensor4D {
  return tf.tidy(() => tf.conv2d(x as tf.Tensor4D, oneHotFilter(k, x.shape[3] as number), s, 'same'));
}

export function foldPatchesReference(cols: tf.Tensor, inShape: number[], k: number, s: number): tf.Tensor4D {
  return tf.tidy(() => tf.conv2dTranspose(cols as tf.Tensor4D, oneHotFilter(k, inShape[3]), inShape as [number, number, number, number], s, 'same'));
}
