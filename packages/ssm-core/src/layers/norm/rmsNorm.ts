import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { assertEps, lastDim, rmsNormalize } from './common';

export interface RMSNormArgs extends LayerArgs {
  /** Added to the mean square before the square root (default 1e-5, > 0). */
  eps?: number;
}

const NAME = 'RMSNorm';

/**
 * RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x², last axis) + eps) · gamma, gamma (shape
 * [D], initialised to ones) is named `gamma` so AdamW's default noDecay skips it.
 */
export class RMSNorm extends tfl.layers.Layer {
  static className = NAME;
  readonly eps: number;
  private gamma: LayerVariable | null = null;

  constructor(args: RMSNormArgs = {}) {
    super(args);
    this.eps = args.eps ?? 1e-5;
    assertEps(NAME, this.eps);
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const d = lastDim(NAME, 'x', shape);
    this.gamma = this.addWeight('gamma', [d], 'float32', tfl.initializers.ones());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const d = this.gamma!.shape[0];
      if (x.shape[x.rank - 1] !== d) {
        throw new Error(`${NAME}: input 'x' must have last dimension ${d}, received shape [${x.shape.join(', ')}]`);
      }
      return tf.mul(rmsNormalize(x, this.eps), this.gamma!.read());
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), eps: this.eps };
  }
}
tf.serialization.registerClass(RMSNorm, 'statespace');

export function rmsNorm(args?: RMSNormArgs): RMSNorm {
  return new RMSNorm(args);
}
