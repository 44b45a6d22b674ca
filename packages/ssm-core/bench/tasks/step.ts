import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from '../../src/train/adamw';
import { clipByGlobalNorm } from '../../src/train/clip';
import type { BatchTensors } from './data';
import type { TaskModel } from './model';

export interface StepResult {
  loss: number;
  /** Targets predicted right (argmax of the logits before the update) and their number. */
  correct: number;
  total: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/**
 * One training step: cross-entropy over the batch's target positions, gradients of `vars`, global-norm
 * clipping to `clip`, one AdamW update. Disposes everything it creates.
 */
export function trainStep(model: TaskModel, opt: AdamW, vars: tf.Variable[], b: BatchTensors, vocab: number, clip = 1.0): StepResult {
  let correct = 0;
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.logitsAt(b.tokens, b.positions);
    const pred = tf.argMax(logits, -1).dataSync();
    b.labelValues.forEach((v, k) => { if (pred[k] === v) correct++; });
    return tf.losses.softmaxCrossEntropy(tf.oneHot(b.labels, vocab), logits) as tf.Scalar;
  }, vars);
  const clipped = clipByGlobalNorm(grads, clip);
  opt.applyGradients(clipped.grads);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads), ...Object.values(clipped.grads)]);
  return { loss, correct, total: b.labelValues.length, gradNorm: clipped.norm };
}
