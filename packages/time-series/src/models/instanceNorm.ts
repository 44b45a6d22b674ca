import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { one } from './common';

const EPS = 1e-5;

/** Per-window, per-variate mean and std over time of x (batch, L, V): the statistics of instance normalization. */
function stats(x: tf.Tensor): { mean: tf.Tensor; std: tf.Tensor } {
  const { mean, variance } = tf.moments(x, 1, true);
  return { mean, std: tf.sqrt(tf.add(variance, EPS)) };
}

/** Instance normalization of the lookback window (S-Mamba / iTransformer `use_norm`): (x − mean_t) / std_t per variate. */
export class TsInstanceNorm extends tfl.layers.Layer {
  static className = 'TsInstanceNorm';
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const { mean, std } = stats(x);
      return tf.div(tf.sub(x, mean), std);
    });
  }
}

/**
 * Undoes TsInstanceNorm on a forecast: inputs [y (batch, S, V), x (batch, L, V)] → y · std(x) + mean(x) for the
 * variates `channels` (all when null; MS mode keeps only the targets), output (batch, S, |channels|).
 */
export class TsDenormalize extends tfl.layers.Layer {
  static className = 'TsDenormalize';
  readonly channels: number[] | null;
  /** false: only select the channels (a model without instance normalization). */
  readonly denormalize: boolean;
  constructor(args: { channels?: number[] | null; denormalize?: boolean; name?: string } = {}) {
    super(args);
    this.channels = args.channels ?? null;
    this.denormalize = args.denormalize ?? true;
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (inputShape as tfl.Shape[])[0];
    return [s[0], s[1], this.channels ? this.channels.length : s[2]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error('TsDenormalize: expected inputs [forecast, lookback window]');
    return tf.tidy(() => {
      const [y, x] = inputs;
      let { mean, std } = stats(x);
      let yy = y;
      if (this.channels) {
        const idx = tf.tensor1d(this.channels, 'int32');
        mean = tf.gather(mean, idx, 2);
        std = tf.gather(std, idx, 2);
        if (y.shape[2] !== this.channels.length) yy = tf.gather(y, idx, 2);
      }
      return this.denormalize ? tf.add(tf.mul(yy, std), mean) : yy;
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels, denormalize: this.denormalize };
  }
}

tf.serialization.registerClass(TsInstanceNorm, 'statespace');
tf.serialization.registerClass(TsDenormalize, 'statespace');

/** The model output: de-normalized (when the input was instance-normalized) and reduced to the target channels. */
export function outputHead(y: tfl.SymbolicTensor, x: tfl.SymbolicTensor, useNorm: boolean, channels: number[] | null): tfl.SymbolicTensor {
  if (!useNorm && !channels) return y;
  return new TsDenormalize({ channels, denormalize: useNorm, name: useNorm ? 'denormalize' : 'select_targets' }).apply([y, x]) as tfl.SymbolicTensor;
}
