import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import { mulberry32, normal, uniform, type Rng } from './seed';

// tfjs-layers does not export its Initializer base class from the bundle; every built-in
// initializer extends it directly, and layers check `instanceof Initializer`.
type InitializerCtor = abstract new () => Initializer;
const InitializerBase = Object.getPrototypeOf(tfl.initializers.zeros().constructor) as InitializerCtor;

export interface SeededInitializerArgs {
  distribution: 'uniform' | 'normal';
  seed: number;
  /** uniform: [minval, maxval), default [-0.05, 0.05). */
  minval?: number;
  maxval?: number;
  /** normal: default mean 0, stddev 0.05. */
  mean?: number;
  stddev?: number;
}

/**
 * A layers initializer drawing from the package's deterministic PRNG: the same seed (and the same
 * order of weight creation) gives bit-identical weights on every backend and run, unlike tfjs's
 * own seeded initializers whose streams depend on the backend.
 */
export class SeededInitializer extends InitializerBase {
  static className = 'SeededInitializer';
  private readonly args: Required<SeededInitializerArgs>;
  private readonly rng: Rng;

  constructor(args: SeededInitializerArgs) {
    super();
    if (args == null || (args.distribution !== 'uniform' && args.distribution !== 'normal')) {
      throw new Error(`SeededInitializer: option 'distribution' must be 'uniform' or 'normal', received ${String(args?.distribution)}`);
    }
    if (typeof args.seed !== 'number' || !Number.isInteger(args.seed)) {
      throw new Error(`SeededInitializer: option 'seed' must be an integer, received ${String(args.seed)}`);
    }
    this.args = { minval: -0.05, maxval: 0.05, mean: 0, stddev: 0.05, ...args };
    this.rng = mulberry32(args.seed);
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (dtype != null && dtype !== 'float32') {
      throw new Error(`SeededInitializer: only float32 weights are supported, received dtype ${dtype}`);
    }
    const a = this.args;
    return a.distribution === 'uniform' ? uniform(shape, a.minval, a.maxval, this.rng) : normal(shape, a.mean, a.stddev, this.rng);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.args };
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config);
  }
}
tf.serialization.registerClass(SeededInitializer, 'statespace');

export function seededInitializer(args: SeededInitializerArgs): SeededInitializer {
  return new SeededInitializer(args);
}
