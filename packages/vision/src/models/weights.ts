import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { linear as linearOp, type Rng } from '@statespace/ssm-core';
import { depthwiseConv } from '../conv/depthwiseConv';

/** Small numeric helpers shared by the vision layers (weight creation and seeded streams: ssm-core's addValueWeight / subRng). */

/** n values U(−bound, bound) (PyTorch's Linear/Conv default uses bound = 1/sqrt(fan_in)). */
export function uniformValues(n: number, bound: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng() - 1) * bound;
  return out;
}

/** x (..., rows) · W (rows, cols) [+ bias] → (..., cols), through ssm-core's `linear` (plain matmuls in the wasm backward). */
export function linear(x: tf.Tensor, W: LayerVariable | tf.Tensor, bias?: LayerVariable): tf.Tensor {
  const y = linearOp(x, W instanceof tf.Tensor ? W : (W.read() as tf.Tensor));
  return bias ? tf.add(y, bias.read()) : y;
}

/** GELU, tanh form (ops with gradients on every backend). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Depthwise 3×3 (or k×k) conv of (B, H, W, C) with weight (k, k, C, 1) and bias (C), 'same' padding. */
export function depthwise(x: tf.Tensor, w: LayerVariable, b: LayerVariable, stride = 1): tf.Tensor4D {
  const y = depthwiseConv(x, w.read(), stride); // fused (forward and both gradients) on cpu/wasm
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
