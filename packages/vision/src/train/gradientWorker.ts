/**
 * Worker-thread script of data-parallel vision training (trainVisionModel's `workers`): a replica of the
 * model computes the label-smoothed cross-entropy gradient of its share of each batch (ssm-core
 * serveGradients). Started by GradientWorkers, never imported.
 */
import * as tf from '@tensorflow/tfjs-core';
import { serveGradients } from '@statespace/ssm-core';
import '../models/buildModel'; // registers the vision layers, so the replica can be rebuilt from the topology

/** One share of a batch, as trainVisionModel's split sends it. */
export interface VisionPart { x: Float32Array; shape: [number, number, number, number]; y: Float32Array; classes: number }

serveGradients((init) => {
  const { labelSmoothing } = init as { labelSmoothing: number };
  return {
    loss: (model, payload) => {
      const p = payload as VisionPart;
      const x = tf.tensor4d(p.x, p.shape);
      const y = tf.tensor2d(p.y, [p.shape[0], p.classes]);
      return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor, undefined, labelSmoothing) as tf.Scalar;
    },
  };
});
