import * as tf from '@tensorflow/tfjs-core';
import { fmtShape } from '../../util/validate';
import { assertEps } from './common';

/**
 * LayerNorm over the last axis: y = (x − mean) / sqrt(var + eps) · gamma + beta, gamma and beta of
 * shape [D]. Fused backward (tf.customGrad) because tfjs's autodiff of the plain ops (and, far worse,
 * tfjs-layers' LayerNormalization, whose Tile gradient slices once per position) costs many small
 * ops per call. With x̂ = (x − mean)/σ and gγ = dy·gamma:
 *   dx = (gγ − mean(gγ) − x̂·mean(gγ·x̂)) / σ,  dgamma = Σ_rows dy·x̂,  dbeta = Σ_rows dy.
 * Same values and gradients as `layerNormalizeReference`.
 */
export function layerNormalize(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  const d = checkLayerNorm(x, gamma, beta, eps);
  return tf.tidy(() => tf.reshape(fusedFor(eps)(tf.reshape(x, [-1, d]) as tf.Tensor2D, gamma as tf.Tensor1D, beta as tf.Tensor1D), x.shape));
}

/** The reference twin: plain tf ops, differentiated by tfjs. */
export function layerNormalizeReference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  checkLayerNorm(x, gamma, beta, eps);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
  });
}

function checkLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): number {
  assertEps('layerNormalize', eps);
  if (!(x instanceof tf.Tensor) || x.rank < 1 || x.dtype !== 'float32' || x.size === 0) {
    throw new Error(`layerNormalize: argument 'x' must be a non-empty float32 tensor of rank >= 1, received ${x instanceof tf.Tensor ? `${x.dtype} shape ${fmtShape(x.shape)}` : String(x)}`);
  }
  const d = x.shape[x.rank - 1];
  for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 1 || t.shape[0] !== d || t.dtype !== 'float32') {
      throw new Error(`layerNormalize: argument '${name}' must be a float32 vector of length ${d} (x's last dimension), received ${t instanceof tf.Tensor ? `${t.dtype} shape ${fmtShape(t.shape)}` : String(t)}`);
    }
  }
  return d;
}

type Fused = (x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor2D;
const fusedByEps = new Map<number, Fused>();

/** One customGrad function per eps (eps is a number, and customGrad takes tensors only). */
function fusedFor(eps: number): Fused {
  let f = fusedByEps.get(eps);
  if (!f) {
    f = tf.customGrad((...xs: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, gamma, beta, save] = xs as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const { mean, variance } = tf.moments(x, -1, true);
      const rstd = tf.rsqrt(tf.add(variance, eps));
      const xhat = tf.mul(tf.sub(x, mean), rstd);
      save([xhat, rstd, gamma]);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [sXhat, sRstd, sGamma] = saved;
        const gg = tf.mul(dy, sGamma);
        const centred = tf.sub(gg, tf.mean(gg, -1, true));
        const dx = tf.mul(tf.sub(centred, tf.mul(sXhat, tf.mean(tf.mul(gg, sXhat), -1, true))), sRstd);
        return [dx, tf.sum(tf.mul(dy, sXhat), 0), tf.sum(dy, 0)];
      };
      return { value: tf.add(tf.mul(xhat, gamma), beta) as tf.Tensor2D, gradFunc };
    }) as Fused;
    fusedByEps.set(eps, f);
  }
  return f;
}
