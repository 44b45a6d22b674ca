import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { mulberry32, type Rng } from '../../train/seed';

export interface SeededMaskArgs extends LayerArgs {
  /** Probability of zeroing (an element, or a sample's branch), in [0, 1). */
  rate: number;
  /** Seed of the layer's own generator (deterministic masks on every backend). */
  seed?: number;
}

/**
 * Base of DropPath and SeededDropout: in training, multiplies the input by a 0 / 1/(1 − rate) mask drawn
 * from the layer's own seeded stream (a fresh mask on every call; tfjs' seeded randomUniform would re-seed
 * and repeat it), the identity at inference. Subclasses choose the mask's shape.
 */
export abstract class SeededMaskLayer extends tfl.layers.Layer {
  readonly rate: number;
  readonly seed: number | null;
  private readonly rng: Rng;

  /** `defaultSeed` null: Math.random when no seed is given. */
  constructor(args: SeededMaskArgs, name: string, defaultSeed: number | null) {
    super(args ?? {});
    const rate = args?.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new Error(`${name}: option 'rate' must be a number in [0, 1), received ${String(rate)}`);
    }
    if (args.seed != null && !Number.isInteger(args.seed)) {
      throw new Error(`${name}: option 'seed' must be an integer, received ${String(args.seed)}`);
    }
    this.rate = rate;
    this.seed = args.seed ?? defaultSeed;
    this.rng = this.seed === null ? Math.random : mulberry32(this.seed);
    this.supportsMasking = true;
  }

  /** Shape of the mask for input x (broadcast against x). */
  protected abstract maskShape(x: tf.Tensor): number[];

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs?.training !== true || this.rate === 0) return tf.clone(x);
    const shape = this.maskShape(x);
    const keep = 1 - this.rate;
    const mask = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng() < keep ? 1 / keep : 0;
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, shape)));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
