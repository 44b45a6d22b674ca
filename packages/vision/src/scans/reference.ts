import * as tf from '@tensorflow/tfjs-core';
import type { TokenChannels } from './tokenGather';

/**
 * Reference twins of the fused token kernels, in plain tf ops (gather, transpose, pad,
 * unsortedSegmentSum), differentiable through tfjs's own gradients. Used for testing and on
 * backends without the fused kernels.
 */
export function gatherTokensReference(x: tf.Tensor, index: tf.Tensor, ch: TokenChannels): tf.Tensor3D {
  return tf.tidy(() => {
    const [K, Lp] = index.shape;
    const parts: tf.Tensor[] = [];
    for (let k = 0; k < K; k++) {
      const idx = tf.reshape(tf.slice(index, [k, 0], [1, Lp]), [Lp]);
      const g = tf.gather(x, idx, 1); // (B, Lp, C)
      const sl = tf.slice(g, [0, 0, k * ch.channelStride], [-1, -1, ch.channels]);
      parts.push(tf.transpose(sl, [0, 2, 1]));
    }
    return tf.concat(parts, 1) as tf.Tensor3D;
  });
}

export function scatterTokensReference(y: tf.Tensor, index: tf.Tensor, numTokens: number, inChannels: number, ch: TokenChannels): tf.Tensor3D {
  return tf.tidy(() => {
    const [K, Lp] = index.shape;
    let out: tf.Tensor | null = null;
    for (let k = 0; k < K; k++) {
      const idx = tf.reshape(tf.slice(index, [k, 0], [1, Lp]), [Lp]);
      const yk = tf.slice(y, [0, k * ch.channels, 0], [-1, ch.channels, -1]); // (B, Co, Lp)
      const seg = tf.unsortedSegmentSum(tf.transpose(yk, [2, 0, 1]), idx as tf.Tensor1D, numTokens); // (L, B, Co)
      const start = k * ch.channelStride;
      const placed = tf.pad(tf.transpose(seg, [1, 0, 2]), [[0, 0], [0, 0], [start, inChannels - start - ch.channels]]);
      out = out == null ? placed : tf.add(out, placed);
    }
    return out as tf.Tensor3D;
  });
}
