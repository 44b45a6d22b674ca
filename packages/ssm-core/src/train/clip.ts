import * as tf from '@tensorflow/tfjs-core';

const OP = 'clipByGlobalNorm';

/**
 * Scales all gradients by min(1, maxNorm / ‖g‖) where ‖g‖ is the L2 norm of all of them together
 * (one factor for all, so the update direction is kept). Returns new tensors (the caller disposes
 * them and the inputs) and the pre-clipping norm as a number.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  if (typeof maxNorm !== 'number' || !Number.isFinite(maxNorm) || !(maxNorm > 0)) {
    throw new Error(`${OP}: argument 'maxNorm' must be a finite number > 0, received ${String(maxNorm)}`);
  }
  if (grads == null || typeof grads !== 'object') {
    throw new Error(`${OP}: argument 'grads' must be a map of name → tf.Tensor, received ${String(grads)}`);
  }
  const names = Object.keys(grads);
  for (const n of names) {
    const g = grads[n];
    if (g == null || typeof g !== 'object' || !('dtype' in g) || g.dtype !== 'float32') {
      throw new Error(`${OP}: gradient '${n}' must be a float32 tf.Tensor, received ${g == null ? String(g) : (g as tf.Tensor).dtype ?? typeof g}`);
    }
  }
  if (names.length === 0) return { grads: {}, norm: 0 };
  const normT = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))));
  const norm = normT.dataSync()[0];
  normT.dispose();
  // Non-finite norm: leave the gradients as they are (scaling by 0 or NaN would hide the problem).
  const scale = Number.isFinite(norm) && norm > maxNorm ? maxNorm / norm : 1;
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = scale === 1 ? tf.clone(grads[n]) : tf.tidy(() => tf.mul(grads[n], scale));
  return { grads: out, norm };
}
