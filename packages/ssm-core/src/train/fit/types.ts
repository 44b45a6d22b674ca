import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AdamW } from '../adamw';
import type { Rng } from '../seed';
import type { GradientPart, GradientWorkers } from './gradientWorkers';

/**
 * Data-parallel steps (see GradientWorkers): each batch is split into a part this thread trains and one
 * part per worker; the parts' mean losses and gradients are combined weighted by their example counts,
 * which equals the full batch's gradient for a loss that is a mean over examples.
 */
export interface DataParallelOptions<B> {
  workers: GradientWorkers;
  /** Splits a batch into `parts` (1 + workers) near-equal shares: the local one (a new B, disposed with disposeBatch) and the workers'. */
  split: (batch: B, parts: number) => { local: B; localCount: number; remote: GradientPart[] };
}

export interface EpochRecord {
  /** 1-based: epoch 1 is the first. */
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  trainLoss: number;
  /** What validate() returned after this epoch. */
  val?: Record<string, number>;
  /** Wall time of the epoch (training + validation). */
  seconds: number;
  /** Learning rate at the epoch's last update. */
  lr: number;
  /** Batches trained when the time limit (maxSeconds) ended the epoch early; absent for a full epoch. */
  batches?: number;
}

export interface FitOptions<B> {
  model: tfl.LayersModel;
  /** Default new AdamW({lr: schedule, weightDecay, groups: [ssmParameterGroup()]}), disposed by fit. */
  optimizer?: AdamW;
  /** Peak learning rate of the default optimizer (default 1e-3). */
  lr?: number;
  /** Default 0.05. */
  weightDecay?: number;
  /** Linear warmup steps of the cosine schedule (default 0). */
  warmupSteps?: number;
  /** Default 'cosine' over epochs × batchesPerEpoch updates (to 0). */
  schedule?: 'cosine' | 'constant';
  /** Global gradient-norm clip (default 1.0; 0 disables). */
  clipNorm?: number;
  epochs: number;
  /** Batches trainBatches yields per epoch (for the schedule and the progress bar). */
  batchesPerEpoch: number;
  /** The epoch's batches (epoch is 1-based); shuffle with `rng`, which is seeded from (seed, epoch). */
  trainBatches: (epoch: number, rng: Rng) => Iterable<B> | AsyncIterable<B>;
  /** Scalar loss of one batch; runs inside tf.variableGrads (intermediate tensors are freed). */
  loss: (model: tfl.LayersModel, batch: B, training: boolean) => tf.Scalar;
  disposeBatch?: (batch: B) => void;
  /** After each epoch; the metrics go into the history and feed `monitor`. */
  validate?: (model: tfl.LayersModel) => Promise<Record<string, number>> | Record<string, number>;
  /** Default {metric: 'loss', mode: 'min'} on validate()'s result (on the train loss without validate). */
  monitor?: { metric: string; mode: 'min' | 'max' };
  /** Stop after this many epochs without improvement of the monitored metric. */
  patience?: number;
  /** <dir>/best (when monitor improves) and <dir>/last (every epoch, with optimizer + fit state), atomically. */
  checkpointDir?: string;
  /** Continue from <checkpointDir>/last when it exists (else start fresh). */
  resume?: boolean;
  /** Default 0; the saved seed wins on resume. */
  seed?: number;
  /**
   * Time limit in seconds (of this session), checked after every batch: when it passes, the current epoch
   * ends early (validated and checkpointed as usual, its record's `batches` says how many ran) and fit stops.
   */
  maxSeconds?: number;
  /** Caller data stored in state.json (scaler, class names, data config). */
  extraState?: object;
  /** Progress bar per epoch on stderr (default true). */
  progress?: boolean;
  onEpochEnd?: (e: EpochRecord) => void;
  /** Compute each step's gradient on this thread and worker threads at once (same result as one thread, up to float rounding). */
  dataParallel?: DataParallelOptions<B>;
}

export interface FitResult {
  history: EpochRecord[];
  /** Epoch (1-based) with the best monitored value; 0 when no epoch ran. */
  bestEpoch: number;
  best?: number;
  /** True when patience ran out. */
  stoppedEarly: boolean;
  stopReason: 'epochs' | 'patience' | 'time';
  /** Training time summed over all sessions of this run (resumes included). */
  trainSeconds: number;
  /** Epochs already done in the checkpoint this run resumed from. */
  resumedFrom?: number;
}

/** Contents of state.json in a checkpoint directory. */
export interface FitState {
  format: 'statespace-fit-state';
  version: 1;
  /** Epochs completed. */
  epoch: number;
  history: EpochRecord[];
  extraState?: unknown;
  seed?: number;
  bestEpoch?: number;
  best?: number;
  sinceImprove?: number;
  trainSeconds?: number;
  globalStep?: number;
  monitor?: { metric: string; mode: 'min' | 'max' };
  /** Weight specs of optimizer.bin (names are '#<model weight index>/<slot>' or 'iter'). */
  optimizerSpecs?: tf.io.WeightsManifestEntry[];
}
