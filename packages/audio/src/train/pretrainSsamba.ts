import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batchIndices, fit, type FitResult, type Rng } from '@statespace/ssm-core';
import { gridShape } from '../models/patchEmbed';
import { makeMaskedBatch, pretrainLosses, type MaskedBatch } from '../models/pretrain';
import type { SsambaConfig } from '../models/ssamba';
import { stack } from './classify';
import type { FeatureSet } from './dataset';

export interface PretrainOptions {
  model: tfl.LayersModel; // buildSsambaPretrainModel(config)
  config: SsambaConfig;
  data: FeatureSet; // labels ignored
  epochs: number;
  batch: number;
  lr: number;
  /** Fraction of patches masked per clip (default 0.4). */
  maskRatio?: number;
  seed?: number;
  checkpointDir?: string;
  resume?: boolean;
  maxSeconds?: number;
  quiet?: boolean;
  extraState?: object;
}

/** Self-supervised SSAMBA pretraining (clustered masking, InfoNCE + 10 × MSE) with the kit's fit. */
export async function pretrainSsamba(o: PretrainOptions): Promise<FitResult> {
  const { count } = gridShape(o.config);
  const maskCount = Math.max(1, Math.round(count * (o.maskRatio ?? 0.4)));
  const n = o.data.x.length;
  const shape = [o.config.frames, o.config.bins];
  return fit<MaskedBatch>({
    model: o.model,
    epochs: o.epochs,
    batchesPerEpoch: Math.ceil(n / o.batch),
    lr: o.lr,
    weightDecay: 0.05,
    warmupSteps: Math.min(Math.ceil(n / o.batch), 50),
    seed: o.seed ?? 0,
    checkpointDir: o.checkpointDir,
    resume: o.resume,
    maxSeconds: o.maxSeconds,
    progress: !o.quiet,
    extraState: o.extraState,
    trainBatches: function* (_e, rng: Rng) {
      for (const idx of batchIndices(n, o.batch, rng)) yield makeMaskedBatch(stack(o.data, idx, shape) as tf.Tensor3D, o.config, maskCount, rng);
    },
    // fit runs the loss inside variableGrads' tidy, which frees the other returned scalars.
    loss: (model, b, training) => pretrainLosses(model, b, o.config, training).total,
    disposeBatch: (b) => tf.dispose([b.spec, b.mask]),
  });
}
