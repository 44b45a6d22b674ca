import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, fit, shuffledIndices, ssmParameterGroup, timeAwareCosine, type FitResult, type Rng } from '@statespace/ssm-core';
import { makeBatch, type BatchOptions } from '../data/dataset';
import type { AugmentOptions } from '../data/augment';
import type { ImageSource } from '../data/source';
import { evaluateModel } from '../eval/evaluate';

export interface VisionBatch { x: tf.Tensor4D; y: tf.Tensor2D }

/** What a checkpoint needs besides its weights to be evaluated or used for prediction later. */
export interface VisionDataConfig {
  model: string;
  size: number;
  channels: number;
  mean: number[];
  std: number[];
  classNames: string[];
  dataset: string;
}

export interface TrainVisionOptions {
  model: tfl.LayersModel;
  train: ImageSource;
  val?: ImageSource;
  data: VisionDataConfig;
  epochs: number;
  batch?: number; // 64
  lr?: number; // 2e-3
  weightDecay?: number; // 0.05
  warmupSteps?: number;
  labelSmoothing?: number; // 0.1
  augment?: AugmentOptions | null;
  seed?: number;
  checkpointDir?: string;
  resume?: boolean;
  maxSeconds?: number;
  patience?: number;
  progress?: boolean;
  /**
   * Images per epoch (default: the whole training set). Smaller "epochs" (a fresh random subset
   * each) give validation, checkpoints and time-budget checks more often on large sets.
   */
  epochImages?: number;
  /** Validate on at most this many images per epoch (default all). */
  valLimit?: number;
  onEpochEnd?: Parameters<typeof fit>[0]['onEpochEnd'];
  /**
   * With maxSeconds: decay the learning rate over whichever runs out first, the planned steps or the
   * time budget (timeAwareCosine), so a budget-cut run still ends at a low rate (default false).
   */
  timeSchedule?: boolean;
}

/**
 * The one training API of every vision model: the kit's fit (AdamW with the SSM group, cosine
 * schedule, clipping, progress bar, atomic best/last checkpoints, --resume) over shuffled,
 * augmented batches decoded on demand; validation accuracy (top-1) is the monitored metric.
 */
export async function trainVisionModel(o: TrainVisionOptions): Promise<FitResult> {
  const batch = o.batch ?? 64;
  const bo: BatchOptions = { size: o.data.size, channels: o.data.channels, mean: o.data.mean, std: o.data.std };
  const numClasses = o.model.outputs[0].shape[1] as number;
  const perEpoch = Math.min(o.train.size, o.epochImages ?? o.train.size);
  const batchesPerEpoch = Math.floor(perEpoch / batch);
  if (batchesPerEpoch < 1) throw new Error(`trainVisionModel: the training set has ${o.train.size} images, fewer than one batch of ${batch}`);
  async function* trainBatches(_epoch: number, rng: Rng): AsyncGenerator<VisionBatch> {
    const order = shuffledIndices(o.train.size, rng);
    for (let i = 0; i < batchesPerEpoch; i++) {
      const b = await makeBatch(o.train, order.subarray(i * batch, (i + 1) * batch), { ...bo, augment: o.augment === undefined ? {} : o.augment, rng });
      if (b.count === 0) continue;
      yield {
        x: tf.tensor4d(b.x, [b.count, bo.size, bo.size, bo.channels]),
        y: tf.tidy(() => tf.oneHot(tf.tensor1d(b.labels, 'int32'), numClasses)) as tf.Tensor2D,
      };
    }
  }
  const smoothing = o.labelSmoothing ?? 0.1;
  const lr = o.lr ?? 2e-3;
  const weightDecay = o.weightDecay ?? 0.05;
  const warmupSteps = o.warmupSteps ?? Math.min(200, batchesPerEpoch);
  let optimizer: AdamW | undefined;
  if (o.timeSchedule && o.maxSeconds != null && o.maxSeconds > 0) {
    const schedule = timeAwareCosine({ peakLr: lr, warmupSteps, totalSteps: o.epochs * batchesPerEpoch, maxSeconds: o.maxSeconds });
    optimizer = new AdamW({ lr: schedule, weightDecay, groups: [ssmParameterGroup()] }); // as fit's default, with this schedule
  }
  try {
    return await fit<VisionBatch>({
      model: o.model,
      optimizer,
      lr,
      weightDecay,
      warmupSteps,
      epochs: o.epochs,
      batchesPerEpoch,
      trainBatches,
      loss: (model, b, training) => tf.losses.softmaxCrossEntropy(b.y, model.apply(b.x, { training }) as tf.Tensor, undefined, smoothing) as tf.Scalar,
      disposeBatch: (b) => tf.dispose([b.x, b.y]),
      validate: o.val ? async (model) => {
        const r = await evaluateModel(model, o.val as ImageSource, { ...bo, limit: o.valLimit });
        return { top1: r.top1, top5: r.top5 };
      } : undefined,
      monitor: o.val ? { metric: 'top1', mode: 'max' } : undefined,
      patience: o.patience,
      checkpointDir: o.checkpointDir,
      resume: o.resume,
      seed: o.seed ?? 0,
      maxSeconds: o.maxSeconds,
      extraState: o.data,
      progress: o.progress,
      onEpochEnd: o.onEpochEnd,
    });
  } finally {
    optimizer?.dispose();
  }
}
