import * as tf from '@tensorflow/tfjs-core';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { firstMask, MaskPassingLayer, splitInputs } from '../maskPassingLayer';
import { combineSegments } from './mambaCore';

/**
 * Base of Mamba and BiMamba: both take x or [x, segmentIds] plus an optional padding mask, turn ids and
 * mask into the scan's segment ids (padding becomes its own segment, so it never reaches real tokens),
 * zero the padded inputs and outputs, and run their mixer in between.
 */
export abstract class SegmentedMixer extends MaskPassingLayer {
  /** (batch, L) of a valid input; throws a clear error otherwise. */
  protected abstract checkMixerInput(x: tf.Tensor): [number, number];

  /** The mixer on the (masked) input with the combined segment ids; runs inside a tidy. */
  protected abstract mix(x: tf.Tensor, segmentIds: tf.Tensor2D | undefined): tf.Tensor;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const [x, seg] = splitInputs(inputs);
    const mask = firstMask(kwargs?.mask);
    const [batch, L] = this.checkMixerInput(x);
    return tf.tidy(() => {
      const ids = combineSegments(this.getClassName(), batch, L, seg, mask);
      const m = mask == null ? null : tf.reshape(tf.cast(tf.notEqual(mask, 0), 'float32'), [batch, L, 1]);
      const y = this.mix(m ? tf.mul(x, m) : x, ids);
      return m ? tf.mul(y, m) : y;
    });
  }

  /** Forward over packed sequences (int32 (batch, L) ids): the state and the conv never cross a change of id. */
  callWithSegments(x: tf.Tensor, segmentIds: tf.Tensor2D, mask?: tf.Tensor): tf.Tensor {
    // apply() builds the weights under the layer's name scope on first use.
    return this.apply([x, segmentIds], mask ? { mask } : {}) as tf.Tensor;
  }
}
