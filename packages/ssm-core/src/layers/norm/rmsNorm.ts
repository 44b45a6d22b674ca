import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { assertEps, rmsNormalize } from './common';
import { LastAxisNorm } from './lastAxisNorm';

export interface RMSNormArgs extends LayerArgs {
  /** Added to the mean square before the square root (default 1e-5, > 0). */
  eps?: number;
}

const NAME = 'RMSNorm';

/**
 * RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x², last axis) + eps) · gamma, gamma (shape
 * [D], initialised to ones) is named `gamma` so AdamW's default noDecay skips it.
 */
export class RMSNorm extends LastAxisNorm {
  static className = NAME;
  readonly eps: number;

  constructor(args: RMSNormArgs = {}) {
    super(args, false);
    this.eps = args.eps ?? 1e-5;
    assertEps(NAME, this.eps);
  }

  protected override normalize(x: tf.Tensor, gamma: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(rmsNormalize(x, this.eps), gamma));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), eps: this.eps };
  }
}
tf.serialization.registerClass(RMSNorm, 'statespace');

export function rmsNorm(args?: RMSNormArgs): RMSNorm {
  return new RMSNorm(args);
}
