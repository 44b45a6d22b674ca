import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { firstMask } from './mamba/mamba';

/**
 * Base of the sequence mixers whose output has the shape of their first input (x, in the
 * [x, segmentIds] form) and which pass the first input's (batch, L) mask through to the next layer.
 */
export abstract class MaskPassingLayer extends tfl.layers.Layer {
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as tfl.Shape) : inputShape;
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return firstMask(mask) as tf.Tensor;
  }
}
