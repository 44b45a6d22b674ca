import * as tf from '@tensorflow/tfjs-core';

/** A layer with step mode: a state and T ≥ 1 new tokens in, their outputs and the new state out. */
export interface Steppable {
  initialState(batch: number): tf.Tensor[];
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] };
}

/**
 * Feeds x (batch, T ≥ 5, H) through `layer.step` in chunks of 1, 3 and the rest, disposing each
 * consumed state, and returns the outputs concatenated along time (tests compare it with the full
 * forward). `inspect` sees the initial state first (e.g. to check its shapes). Leaves no tensor
 * behind but the result.
 */
export function stepInChunks(layer: Steppable, x: tf.Tensor, inspect?: (state: tf.Tensor[]) => void): tf.Tensor {
  const [B, T, H] = x.shape;
  let state = layer.initialState(B);
  inspect?.(state);
  const ys: tf.Tensor[] = [];
  for (const [s, n] of [[0, 1], [1, 3], [4, T - 4]]) {
    const chunk = tf.slice(x, [0, s, 0], [B, n, H]);
    const r = layer.step(state, chunk);
    tf.dispose([chunk, ...state]);
    state = r.state;
    ys.push(r.y);
  }
  const y = tf.concat(ys, 1);
  tf.dispose([...ys, ...state]);
  return y;
}
