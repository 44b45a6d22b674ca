import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The (batch, L) mask of the first input, whatever form tfl passes it in. */
export function firstMask(mask: unknown): tf.Tensor | null {
  const m = Array.isArray(mask) ? mask[0] : mask;
  return m instanceof tf.Tensor ? m : null;
}

/** Splits call inputs into x and optional segment ids ([x, segmentIds] form). */
export function splitInputs(inputs: tf.Tensor | tf.Tensor[]): [tf.Tensor, tf.Tensor2D | undefined] {
  if (!Array.isArray(inputs)) return [inputs, undefined];
  return [inputs[0], inputs[1] as tf.Tensor2D | undefined];
}

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
