import * as tf from '@tensorflow/tfjs-core';

/**
 * Central finite differences of a scalar function f at `inputs`, checked against tf.grads.
 * Runs in float32, so use small shapes, `eps` around 1e-2..1e-3, and a projection of the output
 * onto a fixed random direction (done by the caller) to keep the scalar well-conditioned.
 * Returns the largest |analytic - numeric| / (atol + rtol·|numeric|) ratio (≤ 1 passes).
 */
export function gradcheck(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  opts: { eps?: number; atol?: number; rtol?: number; maxPerInput?: number; which?: number[] } = {},
): { worst: number; detail: string } {
  const eps = opts.eps ?? 1e-2;
  const atol = opts.atol ?? 2e-3;
  const rtol = opts.rtol ?? 2e-2;
  const which = opts.which ?? inputs.map((_, i) => i);
  const analytic = tf.tidy(() => tf.grads(f)(inputs).map((g) => g.dataSync().slice()));
  let worst = 0;
  let detail = 'ok';
  for (const i of which) {
    const base = inputs[i].dataSync().slice();
    const n = base.length;
    const maxN = opts.maxPerInput ?? 24;
    const step = Math.max(1, Math.floor(n / maxN));
    for (let j = 0; j < n; j += step) {
      const eval1 = (delta: number) => {
        const v = base.slice();
        v[j] += delta;
        return tf.tidy(() => {
          const xs = inputs.map((x, k) => (k === i ? tf.tensor(v, x.shape, x.dtype) : x));
          return f(...xs).dataSync()[0];
        });
      };
      const numeric = (eval1(eps) - eval1(-eps)) / (2 * eps);
      const a = analytic[i][j];
      const ratio = Math.abs(a - numeric) / (atol + rtol * Math.abs(numeric));
      if (ratio > worst) {
        worst = ratio;
        detail = `input ${i} element ${j}: analytic ${a}, numeric ${numeric}`;
      }
    }
  }
  return { worst, detail };
}
