import * as tf from '@tensorflow/tfjs-core';

/** A seeded uniform float32 tensor: the same inputs on every backend and every run. */
export function uniform(shape: number[], lo: number, hi: number, seed: number): tf.Tensor {
  return tf.randomUniform(shape, lo, hi, 'float32', seed);
}

/** A short label for a shape, e.g. "B2 D64 L1024 N16". */
export function shapeLabel(shape: Record<string, number>): string {
  return Object.entries(shape).map(([k, v]) => `${k}${v}`).join(' ');
}
