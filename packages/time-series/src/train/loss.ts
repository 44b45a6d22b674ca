import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { WindowBatch } from '../data/windows';

/** MSE of the model's forecast on a batch of scaled windows (the training objective of both papers). */
export function forecastLoss(model: tfl.LayersModel, batch: WindowBatch, training: boolean): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(model.apply(batch.x, { training }) as tf.Tensor, batch.y)) as tf.Scalar);
}

export function disposeBatch(b: WindowBatch): void {
  b.x.dispose();
  b.y.dispose();
}
