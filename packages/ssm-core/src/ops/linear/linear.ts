import * as tf from '@tensorflow/tfjs-core';
import { fmtShape } from '../../util/validate';

/**
 * x (..., k) · W (k, n) → (..., n), differentiable in x and W, with a backward that never asks the
 * backend for a transposed matmul. Why: tfjs-backend-wasm 4.22 runs BatchMatMul with transposeA or
 * transposeB (what tfjs's own matMul gradient uses) ~9× slower than a plain one (XNNPACK only gets
 * the untransposed case: 2048×64 · 64×256 is ~6 ms plain, ~52 ms transposed, measured here), and
 * the two weight-matmul gradients dominated a Mamba training step. On wasm the backward transposes
 * explicitly (a cheap copy) and runs plain matmuls; elsewhere it uses the transposed forms, which
 * those backends run natively. Same values and gradients as `linearReference` (tf.matMul).
 */
export function linear(x: tf.Tensor, W: tf.Tensor): tf.Tensor {
  const [k, n] = checkLinear(x, W);
  const outShape = [...x.shape.slice(0, -1), n];
  return tf.tidy(() => tf.reshape(linear2d(tf.reshape(x, [-1, k]) as tf.Tensor2D, W as tf.Tensor2D), outShape));
}

/** The reference twin: plain tf.matMul, differentiated by tfjs. */
export function linearReference(x: tf.Tensor, W: tf.Tensor): tf.Tensor {
  const [k, n] = checkLinear(x, W);
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [-1, k]), W), [...x.shape.slice(0, -1), n]));
}

function checkLinear(x: tf.Tensor, W: tf.Tensor): [number, number] {
  if (!(x instanceof tf.Tensor) || x.rank < 1 || x.dtype !== 'float32') {
    throw new Error(`linear: argument 'x' must be a float32 tensor of rank >= 1, received ${x instanceof tf.Tensor ? `${x.dtype} shape ${fmtShape(x.shape)}` : String(x)}`);
  }
  if (!(W instanceof tf.Tensor) || W.rank !== 2 || W.dtype !== 'float32' || W.shape[0] !== x.shape[x.rank - 1]) {
    throw new Error(`linear: argument 'W' must be a float32 (k=${x.shape[x.rank - 1]}, n) matrix, received ${W instanceof tf.Tensor ? `${W.dtype} shape ${fmtShape(W.shape)}` : String(W)}`);
  }
  return [W.shape[0] as number, W.shape[1] as number];
}

const plainTransposes = (): boolean => tf.getBackend() === 'wasm';

const linear2d = tf.customGrad((...xs: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, W, save] = xs as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, W]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [sx, sW] = saved as [tf.Tensor2D, tf.Tensor2D];
    const g = dy as tf.Tensor2D;
    if (!plainTransposes()) return [tf.matMul(g, sW, false, true), tf.matMul(sx, g, true, false)];
    return [tf.matMul(g, tf.transpose(sW)), tf.matMul(tf.transpose(sx), g)];
  };
  return { value: tf.matMul(x, W), gradFunc };
}) as (x: tf.Tensor2D, W: tf.Tensor2D) => tf.Tensor2D;
