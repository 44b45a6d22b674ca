import * as tf from '@tensorflow/tfjs-core';
import type { CausalConv1dArgs } from './causalConv1d';

/**
 * The reference twin of causalConv1d, from plain tf ops (differentiable by autodiff; the test
 * oracle and the fallback on backends without the fused kernel). Shifted slices rather than
 * tf.depthwiseConv2d because tfjs-backend-wasm has no depthwise-conv gradients.
 * Arguments are assumed valid (causalConv1d validates them).
 *
 * y[b,d,l] = act(bias[d] + Σ_j weight[d,j]·xpad[b,d,l+j]), xpad = [initialConvState | x].
 * With segmentIds a tap reaching position p from l counts only if the ids do not change between
 * p and l; the initial state counts as part of the first segment.
 */
export function causalConv1dReference(args: CausalConv1dArgs): tf.Tensor3D {
  return tf.tidy(() => {
    const { x, weight, bias, segmentIds, initialConvState } = args;
    const [batch, dim, len] = x.shape;
    const width = weight.shape[1];
    const state = initialConvState ?? tf.zeros([batch, dim, width - 1]);
    const xpad = width > 1 ? tf.concat([state, x], 2) : x;
    // run[b, l] = number of id changes up to l; a tap from l to p is valid iff run[p] == run[l]
    // (positions before x[0] have run 0, like x[0]).
    let runPad: tf.Tensor2D | undefined;
    let run: tf.Tensor2D | undefined;
    if (segmentIds != null && len > 1) {
      const changed = tf.notEqual(tf.slice(segmentIds, [0, 1], [batch, len - 1]), tf.slice(segmentIds, [0, 0], [batch, len - 1]));
      const steps = tf.concat([tf.zeros([batch, 1]), tf.cast(changed, 'float32')], 1);
      run = tf.cumsum(steps, 1) as tf.Tensor2D;
      runPad = tf.pad(run, [[0, 0], [width - 1, 0]]);
    }
    let z: tf.Tensor = tf.zeros([batch, dim, len]);
    for (let j = 0; j < width; j++) {
      let term = tf.mul(tf.slice(xpad, [0, 0, j], [batch, dim, len]), tf.reshape(tf.slice(weight, [0, j], [dim, 1]), [1, dim, 1]));
      if (run && runPad && j < width - 1) {
        const valid = tf.reshape(tf.cast(tf.equal(run, tf.slice(runPad, [0, j], [batch, len])), 'float32'), [batch, 1, len]);
        term = tf.mul(term, valid);
      }
      z = tf.add(z, term);
    }
    if (bias != null) z = tf.add(z, tf.reshape(bias, [1, dim, 1]));
    // W = 1: the state is empty and unused; tie it in so autodiff still returns its (empty) gradient.
    if (width === 1 && initialConvState != null) z = tf.add(z, tf.sum(initialConvState));
    const y = args.activation === 'silu' ? tf.mul(z, tf.sigmoid(z)) : z;
    return y as tf.Tensor3D;
  });
}
