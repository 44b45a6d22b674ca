import * as tf from '@tensorflow/tfjs-core';
import { SeededMaskLayer, type SeededMaskArgs } from './seededMask';

/** rate: probability of dropping a sample's branch; seed: default Math.random. */
export type DropPathArgs = SeededMaskArgs;

const NAME = 'DropPath';

/**
 * Stochastic depth (Huang et al. 2016): in training, each sample's input (a residual branch) is
 * zeroed with probability `rate` and the kept ones are scaled by 1/(1 − rate), so the expectation is
 * unchanged; at inference it is the identity. Apply it to the branch before the residual add.
 */
export class DropPath extends SeededMaskLayer {
  static className = NAME;

  constructor(args: DropPathArgs) {
    super(args, NAME, null);
  }

  protected override maskShape(x: tf.Tensor): number[] {
    if (x.rank < 1) throw new Error(`${NAME}: input must have a batch axis, received a scalar`);
    return [x.shape[0], ...x.shape.slice(1).map(() => 1)];
  }
}
tf.serialization.registerClass(DropPath, 'statespace');

export function dropPath(args: DropPathArgs): DropPath {
  return new DropPath(args);
}
