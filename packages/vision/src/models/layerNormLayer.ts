import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { addValueWeight, layerNorm } from './weights';

export interface VisionLayerNormArgs extends LayerArgs {
  epsilon?: number;
}

/**
 * LayerNorm over the channel (last) axis with gamma/beta, from broadcasting ops.
 * Written here instead of tfl.layers.layerNormalization because that layer tiles the mean and
 * variance to the input's shape, and tfjs's Tile gradient slices once per repetition (one slice
 * per pixel), which made a training step ~20× slower on the wasm backend.
 */
export class VisionLayerNorm extends tfl.layers.Layer {
  static className = 'VisionLayerNorm';
  readonly epsilon: number;
  private gamma!: LayerVariable;
  private beta!: LayerVariable;

  constructor(args: VisionLayerNormArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    if (!(this.epsilon > 0)) throw new Error(`VisionLayerNorm: option 'epsilon' must be > 0, received ${String(args.epsilon)}`);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const c = s[s.length - 1];
    if (c == null) throw new Error(`VisionLayerNorm: the last axis must have a known size, received shape [${s.join(', ')}]`);
    this.gamma = addValueWeight(this, 'gamma', [c], new Float32Array(c).fill(1));
    this.beta = addValueWeight(this, 'beta', [c], new Float32Array(c));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => layerNorm(x, this.gamma, this.beta, this.epsilon));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(VisionLayerNorm, 'statespace');
