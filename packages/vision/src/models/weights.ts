import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { mulberry32, type Rng } from '@statespace/ssm-core';

/** Small numeric helpers shared by the vision layers. */

type AddWeight = (name: string, shape: number[], dtype: 'float32', init: ReturnType<typeof tfl.initializers.zeros>) => LayerVariable;

/** Adds a weight to `layer` and writes the given initial values (exact inits, seeded in JS: same on every backend). */
export function addValueWeight(layer: tfl.layers.Layer, name: string, shape: number[], values: ArrayLike<number>): LayerVariable {
  const w = (layer as unknown as { addWeight: AddWeight }).addWeight(name, shape, 'float32', tfl.initializers.zeros());
  const t = tf.tensor(Float32Array.from(values), shape, 'float32');
  w.write(t);
  t.dispose();
  return w;
}

/** Independent reproducible streams of one layer seed. */
export function subRng(seed: number, stream: number): Rng {
  return mulberry32((seed * 2654435761 + stream * 40503) >>> 0);
}

/** n values U(−bound, bound) (PyTorch's Linear/Conv default uses bound = 1/sqrt(fan_in)). */
export function uniformValues(n: number, bound: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng() - 1) * bound;
  return out;
}

/** x (..., rows) · W (rows, cols) → (..., cols). */
export function linear(x: tf.Tensor, W: LayerVariable | tf.Tensor, bias?: LayerVariable): tf.Tensor {
  const w = W instanceof tf.Tensor ? W : (W.read() as tf.Tensor);
  const [rows, cols] = w.shape;
  const y = tf.matMul(tf.reshape(x, [-1, rows]), w);
  return tf.reshape(bias ? tf.add(y, bias.read()) : y, [...x.shape.slice(0, -1), cols]);
}

/** LayerNorm over the last axis with gamma/beta. */
export function layerNorm(x: tf.Tensor, gamma: LayerVariable, beta: LayerVariable, eps = 1e-5): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma.read()), beta.read());
}

/** GELU, tanh form (ops with gradients on every backend). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Depthwise 3×3 (or k×k) conv of (B, H, W, C) with weight (k, k, C, 1) and bias (C), 'same' padding. */
export function depthwise(x: tf.Tensor, w: LayerVariable, b: LayerVariable, stride = 1): tf.Tensor4D {
  const y = tf.depthwiseConv2d(x as tf.Tensor4D, w.read() as tf.Tensor4D, stride, 'same');
  return tf.add(y, b.read()) as tf.Tensor4D;
}

/** dt init of Mamba: dt = exp(U[ln dtMin, ln dtMax]) ≥ 1e-4, stored as its inverse softplus. */
export function dtBiasValues(n: number, rng: Rng, dtMin = 1e-3, dtMax = 1e-1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const dt = Math.max(1e-4, Math.exp(Math.log(dtMin) + rng() * (Math.log(dtMax) - Math.log(dtMin))));
    out[i] = dt + Math.log(-Math.expm1(-dt));
  }
  return out;
}
