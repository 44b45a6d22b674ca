import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { assertEps } from './common';
import { LastAxisNorm } from './lastAxisNorm';
import { layerNormalize } from './layerNormalize';

export interface LayerNormArgs extends LayerArgs {
  /** Added to the variance before the square root (default 1e-5, > 0). Named as in tfjs-layers. */
  epsilon?: number;
}

/**
 * LayerNorm over the last axis with `gamma` (ones) and `beta` (zeros), shape [D], through the fused
 * `layerNormalize`. Use it instead of tfl.layers.layerNormalization: that layer tiles its moments to
 * the input's shape, and tfjs's Tile gradient is one Slice + Add per repetition (one per position),
 * which made training steps many times slower on wasm. Weight names match tfjs-layers' LayerNormalization.
 */
export class LayerNorm extends LastAxisNorm {
  static className = 'LayerNorm';
  readonly epsilon: number;

  constructor(args: LayerNormArgs = {}) {
    super(args, true);
    this.epsilon = args.epsilon ?? 1e-5;
    assertEps(this.getClassName(), this.epsilon, 'epsilon');
  }

  protected override normalize(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    return layerNormalize(x, gamma, beta, this.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(LayerNorm, 'statespace');

export function layerNorm(args?: LayerNormArgs): LayerNorm {
  return new LayerNorm(args);
}
