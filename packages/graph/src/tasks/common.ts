import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EpochRecord } from '@statespace/ssm-core';
import type { GraphModelConfig } from '../models/config';
import { inputsInOrder, type GraphBatch } from './batch';

export interface TrainOptions {
  epochs: number;
  lr?: number;
  weightDecay?: number;
  seed?: number;
  patience?: number;
  checkpointDir?: string;
  resume?: boolean;
  maxSeconds?: number;
  progress?: boolean;
  /** Node task: coupled L2 penalty l2 · ||W||² on the first layer's kernel (the feature projection), added to the loss
   *  as in GCN / APPNP (5e-4 / 5e-3 there). Unlike AdamW's decoupled decay it shrinks the many rarely-updated rows of
   *  a bag-of-words projection. Default 0. */
  l2?: number;
  /** Called after every epoch (loss, validation metrics, seconds): the tuning probe logs the curves with it. */
  onEpochEnd?: (e: EpochRecord) => void;
}

/** Logits of a batch; training=true applies dropout. */
export function logits(model: tfl.LayersModel, c: GraphModelConfig, b: GraphBatch, training: boolean): tf.Tensor2D {
  return model.apply(inputsInOrder(c, b, model), { training }) as tf.Tensor2D;
}

/** Mean softmax cross-entropy of rows `rows` (all rows when null) against integer labels. */
export function crossEntropy(out: tf.Tensor2D, labels: Int32Array, rows: tf.Tensor1D | null, numClasses: number): tf.Scalar {
  return tf.tidy(() => {
    const sel = rows ? tf.gather(out, rows) : out;
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
    return tf.losses.softmaxCrossEntropy(y, sel) as tf.Scalar;
  });
}

export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>, rows: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < rows.length; i++) if (pred[rows[i]] === labels[rows[i]]) ok++;
  return rows.length ? ok / rows.length : 0;
}

/** Average of softmax probabilities over several forward passes (Graph-Mamba's permutation averaging). */
export function averagedProbabilities(model: tfl.LayersModel, c: GraphModelConfig, batches: GraphBatch[]): Float32Array {
  return tf.tidy(() => {
    const ps = batches.map((b) => tf.softmax(logits(model, c, b, false)));
    return tf.div(tf.addN(ps), ps.length).dataSync() as Float32Array;
  });
}

export function argmaxRows(p: Float32Array, numClasses: number): Int32Array {
  const n = p.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (p[i * numClasses + k] > p[i * numClasses + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** The first layer's kernel: the (numFeatures, units) weight that projects the raw node features. */
export function featureKernel(model: tfl.LayersModel, numFeatures: number): tfl.LayerVariable {
  const w = model.trainableWeights.find((v) => v.shape.length === 2 && v.shape[0] === numFeatures);
  if (!w) throw new Error(`l2: no (${numFeatures}, units) feature-projection kernel in model ${model.name}`);
  return w;
}

/** loss + l2 · ||kernel||² (returns the loss itself when l2 is 0). Disposes `loss` when it adds. */
export function withL2(loss: tf.Scalar, kernel: tfl.LayerVariable | null, l2: number): tf.Scalar {
  if (!kernel || !(l2 > 0)) return loss;
  return tf.tidy(() => tf.add(loss, tf.mul(tf.sum(tf.square(kernel.read())), l2)) as tf.Scalar);
}
