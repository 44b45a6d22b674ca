import * as tf from '@tensorflow/tfjs-core';
import { SeededMaskLayer, type SeededMaskArgs } from './seededMask';

/** rate: probability of zeroing an element; seed: default 0. */
export type SeededDropoutArgs = SeededMaskArgs;

const NAME = 'SeededDropout';

/**
 * Inverted dropout whose masks come from the layer's own seeded stream, a fresh mask on every training call.
 * Why not tfl.layers.dropout({seed}): tfjs' dropout passes the seed to randomUniform, which re-seeds on every
 * call, so a seeded tfjs-layers Dropout draws the SAME mask at every step (a fixed sub-network, no regularization,
 * and a train/eval mismatch: @statespace/graph's GMN on Cora reached a training loss of 3e-4 with a validation
 * accuracy of 0.43). The stream's position is not checkpointed: a resumed run draws other masks.
 */
export class SeededDropout extends SeededMaskLayer {
  static className = NAME;

  constructor(args: SeededDropoutArgs) {
    super(args, NAME, 0);
  }

  protected override maskShape(x: tf.Tensor): number[] {
    return x.shape;
  }
}
tf.serialization.registerClass(SeededDropout, 'statespace');

export function seededDropout(args: SeededDropoutArgs): SeededDropout {
  return new SeededDropout(args);
}
