import * as tf from '@tensorflow/tfjs-core';

/** Checks shared by the norm layers; errors name the layer, the option, expected and received. */
export function assertEps(layer: string, eps: unknown, option = 'eps'): asserts eps is number {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || !(eps > 0)) {
    throw new Error(`${layer}: option '${option}' must be a finite number > 0, received ${String(eps)}`);
  }
}

export function lastDim(layer: string, name: string, shape: ReadonlyArray<number | null>): number {
  const d = shape[shape.length - 1];
  if (shape.length < 1 || d == null || !(d > 0)) {
    throw new Error(`${layer}: input '${name}' must have a known last dimension, received shape [${shape.map(String).join(', ')}]`);
  }
  return d;
}

/**
 * x / sqrt(mean(x², last axis) + eps), the mean taken over groups of `groupSize` consecutive
 * channels of the last axis (groupSize = the whole last axis for plain RMSNorm). Plain tf ops, so
 * tfjs autodiff gives the gradients.
 */
export function rmsNormalize(x: tf.Tensor, eps: number, groupSize?: number): tf.Tensor {
  return tf.tidy(() => {
    const d = x.shape[x.rank - 1];
    const g = groupSize ?? d;
    const xs = g === d ? x : tf.reshape(x, [...x.shape.slice(0, -1), d / g, g]);
    const y = tf.mul(xs, tf.rsqrt(tf.add(tf.mean(tf.square(xs), -1, true), eps)));
    return g === d ? y : tf.reshape(y, x.shape);
  });
}
