import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { argmaxRows, batchIndices, classificationReport, fit, type FitResult, type Rng } from '@statespace/ssm-core';
import { mixup, specAugment, type SpecAugmentOptions } from '../data/augment';
import type { FeatureSet } from './dataset';

export interface TrainClassifierOptions {
  model: tfl.LayersModel;
  train: FeatureSet;
  validation?: FeatureSet;
  numClasses: number;
  /** Model input shape of one example, e.g. [frames, bins] or [samples, 1]. */
  inputShape: number[];
  epochs: number;
  batch: number;
  lr: number;
  weightDecay?: number;
  seed?: number;
  checkpointDir?: string;
  resume?: boolean;
  maxSeconds?: number;
  patience?: number;
  quiet?: boolean;
  /** SpecAugment on (frames, bins) inputs during training; off when undefined. */
  specAugment?: SpecAugmentOptions;
  /** Per-example waveform/feature augmentation applied before SpecAugment (e.g. background noise). */
  augment?: (x: Float32Array, rng: Rng) => Float32Array;
  /** mixup α (off when undefined or 0). */
  mixupAlpha?: number;
  extraState?: object;
  warmupSteps?: number;
}

interface Batch {
  x: tf.Tensor;
  y: tf.Tensor2D;
}

/** Stacks examples `idx` of `set` into a batch tensor of shape [n, ...inputShape]. */
export function stack(set: FeatureSet, idx: ArrayLike<number>, inputShape: number[], transform?: (x: Float32Array) => Float32Array): tf.Tensor {
  const per = inputShape.reduce((a, b) => a * b, 1);
  const buf = new Float32Array(idx.length * per);
  for (let i = 0; i < idx.length; i++) {
    const x = set.x[idx[i]];
    if (x.length !== per) throw new Error(`stack: example ${set.files[idx[i]]} has ${x.length} values, the model expects ${per} (${inputShape.join('×')})`);
    buf.set(transform ? transform(x) : x, i * per);
  }
  return tf.tensor(buf, [idx.length, ...inputShape]);
}

/** Logits of every example of `set`, batch by batch. */
export function predictLogits(model: tfl.LayersModel, set: FeatureSet, inputShape: number[], batch = 64): Float32Array {
  const out: Float32Array[] = [];
  for (let s = 0; s < set.x.length; s += batch) {
    const idx = Array.from({ length: Math.min(batch, set.x.length - s) }, (_, i) => s + i);
    const logits = tf.tidy(() => {
      const x = stack(set, idx, inputShape);
      return model.predict(x) as tf.Tensor;
    });
    out.push(logits.dataSync() as Float32Array);
    logits.dispose();
  }
  const all = new Float32Array(out.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const c of out) {
    all.set(c, o);
    o += c.length;
  }
  return all;
}

/** Accuracy, per-class report and confusion matrix on a labelled set. */
export function evaluateSet(model: tfl.LayersModel, set: FeatureSet, numClasses: number, inputShape: number[], classNames?: string[]): ReturnType<typeof classificationReport> {
  const pred = argmaxRows(predictLogits(model, set, inputShape), numClasses);
  return classificationReport(set.y, pred, numClasses, classNames);
}

/**
 * Supervised training with the kit's fit (AdamW, cosine schedule, clipping, best/last checkpoints,
 * resume, early stopping on validation accuracy): softmax cross-entropy on (optionally mixup-ed)
 * one-hot labels, SpecAugment per example.
 */
export async function trainClassifier(o: TrainClassifierOptions): Promise<FitResult> {
  const n = o.train.x.length;
  const batchesPerEpoch = Math.ceil(n / o.batch);
  const [frames, bins] = o.inputShape;
  const makeBatch = (idx: Int32Array, rng: Rng): Batch => {
    const spec = o.specAugment;
    const aug = spec || o.augment ? (x: Float32Array) => {
      const y = o.augment ? o.augment(x, rng) : x;
      return spec ? specAugment(y, frames, bins, rng, spec) : y;
    } : undefined;
    const x = stack(o.train, idx, o.inputShape, aug);
    const labels = Array.from(idx, (i) => o.train.y[i]);
    if (o.mixupAlpha && o.mixupAlpha > 0 && idx.length > 1) {
      const oneHot = new Float32Array(idx.length * o.numClasses);
      labels.forEach((l, i) => (oneHot[i * o.numClasses + l] = 1));
      const m = mixup(x.dataSync() as Float32Array, oneHot, idx.length, o.mixupAlpha, rng);
      x.dispose();
      return { x: tf.tensor(m.x, [idx.length, ...o.inputShape]), y: tf.tensor2d(m.y, [idx.length, o.numClasses]) };
    }
    return { x, y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), o.numClasses) as tf.Tensor2D) };
  };
  return fit<Batch>({
    model: o.model,
    epochs: o.epochs,
    batchesPerEpoch,
    lr: o.lr,
    weightDecay: o.weightDecay ?? 0.05,
    warmupSteps: o.warmupSteps ?? Math.min(batchesPerEpoch, 50),
    seed: o.seed ?? 0,
    checkpointDir: o.checkpointDir,
    resume: o.resume,
    maxSeconds: o.maxSeconds,
    patience: o.patience,
    progress: !o.quiet,
    extraState: o.extraState,
    trainBatches: function* (_epoch, rng) {
      for (const idx of batchIndices(n, o.batch, rng)) yield makeBatch(idx, rng);
    },
    loss: (model, b, training) => tf.losses.softmaxCrossEntropy(b.y, model.apply(b.x, { training }) as tf.Tensor) as tf.Scalar,
    disposeBatch: (b) => tf.dispose([b.x, b.y]),
    ...(o.validation && o.validation.x.length > 0
      ? {
        validate: (model: tfl.LayersModel) => ({ accuracy: evaluateSet(model, o.validation!, o.numClasses, o.inputShape).accuracy }),
        monitor: { metric: 'accuracy', mode: 'max' as const },
      }
      : {}),
  });
}
