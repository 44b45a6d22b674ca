import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mulberry32 } from '@statespace/ssm-core';
import { buildPointInputs, pointInputSpec } from '../models/inputs';

export interface EpochBudget {
  /** Epochs that fit the budget (at least 1, at most maxEpochs). */
  epochs: number;
  /** Measured seconds of one training step (geometry + forward + backward) and one validation batch. */
  stepSeconds: number;
  valBatchSeconds: number;
  epochSeconds: number;
}

/**
 * How many epochs fit `budgetSeconds` of wall time on this machine now: times `probeSteps` training steps (CPU
 * geometry, forward, backward; after one untimed warm-up step) and one validation batch on the given clouds, and
 * keeps a `margin` for checkpoints and load changes. Why: the cosine schedule is fixed by the epoch count up front,
 * so a run cut by the time cap never anneals; sizing the epochs to the budget makes the 60-minute bench finish its
 * schedule on a slow or a fast machine alike.
 */
export function epochsForBudget(o: {
  model: tfl.LayersModel; points: Float32Array; numShapes: number; batch: number; batchesPerEpoch: number; valShapes: number;
  budgetSeconds: number; maxEpochs: number; probeSteps?: number; margin?: number;
}): EpochBudget {
  const spec = pointInputSpec(o.model);
  const N = spec.numPoints, B = Math.min(o.batch, o.numShapes);
  const rng = mulberry32(12345);
  const vars = o.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const numClasses = o.model.outputs[0].shape[1] as number;
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: B }, (_, i) => i % numClasses), 'int32'), numClasses));
  const step = () => {
    const first = Math.floor(rng() * (o.numShapes - B + 1));
    const inputs = buildPointInputs(spec, o.points.slice(first * N * 3, (first + B) * N * 3), B, rng);
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, o.model.apply(inputs, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads), ...inputs]);
  };
  const probe = o.probeSteps ?? 3;
  step();
  let t0 = Date.now();
  for (let i = 0; i < probe; i++) step();
  const stepSeconds = (Date.now() - t0) / 1000 / probe;
  const inputs = buildPointInputs(spec, o.points.slice(0, B * N * 3), B, rng);
  t0 = Date.now();
  const p = o.model.predict(inputs) as tf.Tensor;
  p.dataSync();
  const valBatchSeconds = (Date.now() - t0) / 1000;
  tf.dispose([p, labels, ...inputs]);
  const epochSeconds = o.batchesPerEpoch * stepSeconds + Math.ceil(o.valShapes / B) * valBatchSeconds;
  const epochs = Math.max(1, Math.min(o.maxEpochs, Math.floor((o.budgetSeconds * (o.margin ?? 0.9)) / epochSeconds)));
  return { epochs, stepSeconds, valBatchSeconds, epochSeconds };
}
