import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { lastDim } from './common';

/**
 * Base of the per-token norms over the last axis (RMSNorm, LayerNorm): a `gamma` [D] (ones) and,
 * when `withBeta`, a `beta` [D] (zeros); checks the input's last dimension; passes the mask through.
 */
export abstract class LastAxisNorm extends tfl.layers.Layer {
  protected gamma: LayerVariable | null = null;
  protected beta: LayerVariable | null = null;

  constructor(args: LayerArgs, private readonly withBeta: boolean) {
    super(args);
    this.supportsMasking = true;
  }

  /** y from x (..., D), gamma [D] and beta [D] (null without beta). */
  protected abstract normalize(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor | null): tf.Tensor;

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const d = lastDim(this.getClassName(), 'x', shape);
    this.gamma = this.addWeight('gamma', [d], 'float32', tfl.initializers.ones());
    if (this.withBeta) this.beta = this.addWeight('beta', [d], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const d = this.gamma!.shape[0];
    if (x.shape[x.rank - 1] !== d) {
      throw new Error(`${this.getClassName()}: input 'x' must have last dimension ${d}, received shape [${x.shape.join(', ')}]`);
    }
    return this.normalize(x, this.gamma!.read(), this.beta ? this.beta.read() : null);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}
