import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fit, shuffledIndices, type EpochRecord, type FitResult, type Rng } from '@statespace/ssm-core';
import { augment, DEFAULT_AUGMENT, type AugmentOptions } from '../data/augment';
import { buildPointInputs, pointInputSpec, type NeighborCache } from '../models/inputs';
import { evaluateClassifier, type ClassifierEvaluation } from '../eval/evaluate';

/** Normalized clouds (flat (S, N, 3)) with labels: what training and evaluation take. */
export interface LabelledClouds { points: Float32Array; labels: Int32Array; numPoints: number }

export interface TrainClassifierOptions {
  model: tfl.LayersModel;
  train: LabelledClouds;
  /** Validation set: evaluated after every epoch (OA monitored for best checkpoint and early stopping). */
  val?: LabelledClouds;
  classes: string[];
  epochs: number;
  batch?: number;
  lr?: number;
  weightDecay?: number;
  labelSmoothing?: number;
  seed?: number;
  augment?: AugmentOptions | false;
  checkpointDir?: string;
  resume?: boolean;
  maxSeconds?: number;
  patience?: number;
  progress?: boolean;
  /** Limit the batches per epoch (quick runs). */
  maxBatchesPerEpoch?: number;
  extraState?: object;
  /** Reuse each cloud's FPS/kNN indices across epochs (default true; see buildPointInputs). */
  cacheNeighbors?: boolean;
  onEpochEnd?: (e: EpochRecord) => void;
}

interface Batch { inputs: tf.Tensor[]; labels: tf.Tensor }

/**
 * Trains a point classifier (PCM or PointNet) with the shared kit's `fit` (AdamW, cosine schedule, clipping,
 * atomic best/last checkpoints, resume). Each batch: seeded shuffle, per-cloud augmentation, then the CPU geometry
 * (FPS, kNN, serialization orders) on the augmented clouds, so orders follow the augmented geometry.
 */
export async function trainClassifier(o: TrainClassifierOptions): Promise<{ fit: FitResult; final?: ClassifierEvaluation }> {
  const spec = pointInputSpec(o.model);
  const N = spec.numPoints;
  if (o.train.numPoints !== N) throw new Error(`trainClassifier: the model takes ${N} points per cloud, the training set has ${o.train.numPoints}`);
  const S = o.train.labels.length;
  const batch = Math.min(o.batch ?? 32, S);
  const numClasses = o.classes.length;
  const full = Math.floor(S / batch);
  const batchesPerEpoch = Math.max(1, Math.min(full, o.maxBatchesPerEpoch ?? Infinity));
  const aug = o.augment === false ? null : o.augment ?? DEFAULT_AUGMENT;
  const smoothing = o.labelSmoothing ?? 0.1;
  const cache: NeighborCache | undefined = o.cacheNeighbors === false ? undefined : new Map();

  function* trainBatches(_epoch: number, rng: Rng): Iterable<Batch> {
    const order = shuffledIndices(S, rng);
    for (let b = 0; b < batchesPerEpoch; b++) {
      const pts = new Float32Array(batch * N * 3);
      const labels = new Int32Array(batch);
      const keys = new Int32Array(batch);
      for (let j = 0; j < batch; j++) {
        const s = order[b * batch + j];
        const cloud = o.train.points.slice(s * N * 3, (s + 1) * N * 3);
        pts.set(aug ? augment(cloud, rng, aug) : cloud, j * N * 3);
        labels[j] = o.train.labels[s];
        keys[j] = s;
      }
      yield { inputs: buildPointInputs(spec, pts, batch, rng, cache && { store: cache, keys }), labels: tf.tensor1d(labels, 'int32') };
    }
  }

  const valCache: NeighborCache = new Map();
  const validate = o.val
    ? (m: tfl.LayersModel) => {
        const r = evaluateClassifier(m, o.val!, o.classes, { batch, cache: valCache });
        return { oa: r.accuracy, macc: r.meanClassAccuracy, loss: r.loss };
      }
    : undefined;

  const result = await fit<Batch>({
    model: o.model,
    lr: o.lr ?? 2e-3,
    weightDecay: o.weightDecay ?? 0.05,
    warmupSteps: Math.min(100, batchesPerEpoch),
    epochs: o.epochs,
    batchesPerEpoch,
    trainBatches,
    loss: (model, b, training) => {
      const logits = model.apply(b.inputs, { training }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(b.labels, numClasses), logits, undefined, smoothing) as tf.Scalar;
    },
    disposeBatch: (b) => tf.dispose([...b.inputs, b.labels]),
    validate,
    monitor: validate ? { metric: 'oa', mode: 'max' } : undefined,
    patience: o.patience,
    checkpointDir: o.checkpointDir,
    resume: o.resume,
    seed: o.seed ?? 0,
    maxSeconds: o.maxSeconds,
    extraState: { classes: o.classes, numPoints: N, ...(o.extraState ?? {}) },
    progress: o.progress,
    onEpochEnd: o.onEpochEnd,
  });
  return { fit: result };
}
