import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { addValueWeight, one } from './common';

/**
 * LayerNorm over the last axis with broadcasting gamma / beta. Written here because tfjs-layers'
 * layerNormalization broadcasts its parameters with tf.tile, whose gradient is one Slice + Add per
 * repetition (about 1000 ops per call for a (32, 7, 256) input: most of S-Mamba's step time); plain
 * broadcasting's gradient is a single sum.
 */
export class TsLayerNorm extends tfl.layers.Layer {
  static className = 'TsLayerNorm';
  readonly epsilon: number;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  constructor(args: { epsilon?: number; name?: string } = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = inputShape as tfl.Shape;
    const D = s[s.length - 1] as number;
    this.gamma = addValueWeight(this, 'gamma', [D], new Float32Array(D).fill(1));
    this.beta = addValueWeight(this, 'beta', [D], new Float32Array(D));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const { mean, variance } = tf.moments(x, -1, true);
      const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(y, this.gamma.read()), this.beta.read());
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(TsLayerNorm, 'statespace');

export function layerNorm(name: string): TsLayerNorm {
  return new TsLayerNorm({ name });
}
