import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  AdamW, GradientWorkers, fit, shuffledIndices, ssmParameterGroup, threadCount, timeAwareCosine, type DataParallelOptions, type FitResult, type Rng,
} from '@statespace/ssm-core';
import type { VisionPart } from './gradientWorker';
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
  /**
   * Data-parallel worker threads (each batch split between this thread and them; same gradients as one
   * thread up to float rounding). Default: threadCount() − 1 (STATESPACE_THREADS, else the cores, at most 4)
   * on the wasm and cpu backends, whose kernels use one core; 0 elsewhere and for batches under 8.
   */
  workers?: number;
}

/** Default data-parallel workers for `batch` on the active backend (see TrainVisionOptions.workers). */
export function defaultVisionWorkers(batch: number): number {
  const backend = tf.getBackend();
  return (backend === 'wasm' || backend === 'cpu') && batch >= 8 ? Math.max(0, Math.min(threadCount(), 4) - 1) : 0;
}

/** The compiled worker script (dist/train/gradientWorker.js; from src under ts-jest, the built one). */
function gradientWorkerScript(): string {
  const here = path.join(__dirname, 'gradientWorker.js');
  return fs.existsSync(here) ? here : path.resolve(__dirname, '../../dist/train/gradientWorker.js');
}

/** Splits a batch row-wise into `parts` near-equal shares: the first stays as tensors, the rest go to workers. */
export const splitVisionBatch: DataParallelOptions<VisionBatch>['split'] = (b, parts) => {
  const n = b.x.shape[0];
  const sizes = Array.from({ length: parts }, (_, k) => Math.floor((n * (k + 1)) / parts) - Math.floor((n * k) / parts)).filter((c) => c > 0);
  if (sizes.length === 1) return { local: b, localCount: n, remote: [] };
  const xs = tf.split(b.x, sizes);
  const ys = tf.split(b.y, sizes);
  const [, h, w, c] = b.x.shape;
  const classes = b.y.shape[1];
  const remote = sizes.slice(1).map((count, k) => {
    const part: VisionPart = { x: xs[k + 1].dataSync() as Float32Array, shape: [count, h, w, c], y: ys[k + 1].dataSync() as Float32Array, classes };
    return { count, payload: part, transfer: [part.x.buffer as ArrayBuffer, part.y.buffer as ArrayBuffer] };
  });
  tf.dispose([...xs.slice(1), ...ys.slice(1)]);
  return { local: { x: xs[0] as tf.Tensor4D, y: ys[0] as tf.Tensor2D }, localCount: sizes[0], remote };
};

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
  const workerCount = o.workers ?? defaultVisionWorkers(batch);
  if (!Number.isInteger(workerCount) || workerCount < 0) throw new Error(`trainVisionModel: 'workers' must be an integer >= 0, received ${String(o.workers)}`);
  let workers: GradientWorkers | undefined;
  try {
    if (workerCount > 0) {
      workers = await GradientWorkers.start({ script: gradientWorkerScript(), count: workerCount, model: o.model, backend: tf.getBackend(), init: { labelSmoothing: smoothing } });
    }
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
      dataParallel: workers ? { workers, split: splitVisionBatch } : undefined,
    });
  } finally {
    await workers?.close();
    optimizer?.dispose();
  }
}
