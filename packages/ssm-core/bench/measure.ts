import * as tf from '@tensorflow/tfjs-core';
import { Arena } from '../src/runtime/arena';
import { OpFn, PreparedInputs } from './types';

/** Forward: out = op({...tensors, ...options}). The caller disposes the result. */
export function forward(fn: OpFn, inp: PreparedInputs): tf.Tensor {
  return fn({ ...inp.tensors, ...inp.options });
}

/**
 * Forward + backward: the op's output and its vector-Jacobian product with a fixed random
 * cotangent `w` (dy = w) with respect to every float input, i.e. exactly the op's forward kernel
 * plus its backward, with no loss around it. Returns the gradients (the caller disposes them).
 */
export function forwardBackward(fn: OpFn, inp: PreparedInputs, w: tf.Tensor): tf.Tensor[] {
  const names = Object.keys(inp.tensors);
  const op = (...xs: tf.Tensor[]): tf.Tensor => {
    const args: Record<string, unknown> = { ...inp.options };
    names.forEach((n, i) => (args[n] = xs[i]));
    return fn(args);
  };
  return tf.grads(op)(names.map((n) => inp.tensors[n]), w);
}

/**
 * Wall time of one call in ms. cpu and wasm kernels finish before returning; webgpu only queues
 * its work, so there we wait for the last output by reading back one element of it (the GPU runs
 * submissions in order; the 4-byte read is part of the time).
 */
export async function timeOnce(run: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const t0 = performance.now();
  const out = run();
  if (tf.getBackend() === 'webgpu') {
    const list = Array.isArray(out) ? out : [out];
    const last = list[list.length - 1];
    if (last && last.size > 0) {
      const one = tf.tidy(() => tf.slice(tf.reshape(last, [-1]), [0], [1]));
      await one.data();
      one.dispose();
    }
  }
  const ms = performance.now() - t0;
  tf.dispose(out);
  return ms;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Peak extra bytes of one call: the largest tfjs byte count seen after any kernel of the call
 * (tf.profile's peakBytes) minus the bytes live before it, plus the largest SIMD arena scratch
 * any fused kernel used during the call (Arena.peakBytes).
 */
export async function peakExtraBytes(run: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const before = tf.memory().numBytes;
  Arena.peakBytes(true);
  let out: tf.Tensor | tf.Tensor[] = [];
  const info = await tf.profile(() => {
    out = run();
    return out;
  });
  const scratch = Arena.peakBytes(true);
  tf.dispose(out);
  const peak = Number.isFinite(info.peakBytes) ? info.peakBytes : before;
  return Math.max(0, peak - before) + scratch;
}
