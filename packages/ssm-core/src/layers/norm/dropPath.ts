import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { mulberry32, type Rng } from '../../train/seed';

export interface DropPathArgs extends LayerArgs {
  /** Probability of dropping a sample's branch, in [0, 1). */
  rate: number;
  /** Seed of the layer's own generator (deterministic masks on every backend); default Math.random. */
  seed?: number;
}

const NAME = 'DropPath';

/**
 * Stochastic depth (Huang et al. 2016): in training, each sample's input (a residual branch) is
 * zeroed with probability `rate` and the kept ones are scaled by 1/(1 − rate), so the expectation is
 * unchanged; at inference it is the identity. Apply it to the branch before the residual add.
 */
export class DropPath extends tfl.layers.Layer {
  static className = NAME;
  readonly rate: number;
  readonly seed: number | null;
  private readonly rng: Rng;

  constructor(args: DropPathArgs) {
    super(args ?? {});
    const rate = args?.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new Error(`${NAME}: option 'rate' must be a number in [0, 1), received ${String(rate)}`);
    }
    if (args.seed != null && !Number.isInteger(args.seed)) {
      throw new Error(`${NAME}: option 'seed' must be an integer, received ${String(args.seed)}`);
    }
    this.rate = rate;
    this.seed = args.seed ?? null;
    this.rng = this.seed === null ? Math.random : mulberry32(this.seed);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs?.training !== true || this.rate === 0) return tf.clone(x);
    if (x.rank < 1) throw new Error(`${NAME}: input must have a batch axis, received a scalar`);
    const keep = 1 - this.rate;
    const batch = x.shape[0];
    const mask = new Float32Array(batch);
    for (let i = 0; i < batch; i++) mask[i] = this.rng() < keep ? 1 / keep : 0;
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, [batch, ...x.shape.slice(1).map(() => 1)])));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(DropPath, 'statespace');

export function dropPath(args: DropPathArgs): DropPath {
  return new DropPath(args);
}
