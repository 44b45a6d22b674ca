import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemIO } from '../io/fileSystemIO';
import { expectClose } from './compare';
import { stepInChunks, type Steppable } from './stepInChunks';

/** Checks shared by the layer tests (each asserts with jest's expect, so failures point at the caller's case). */

const maxAbsOf = (t: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);

/**
 * The gradients of Σ layer(x)·w reach every trainable weight (defined, non-zero), the trainable
 * weights are exactly `names` (their last path component, any order), and forward + backward leave
 * no tensor behind. `kwargs` go to apply (e.g. { training: true }).
 */
export function expectGradsReachEveryWeight(layer: tfl.layers.Layer, x: tf.Tensor, w: tf.Tensor, names: string[], kwargs: Record<string, unknown> = {}): void {
  layer.apply(x, kwargs);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, kwargs) as tf.Tensor, w)) as tf.Scalar);
  expect(layer.trainableWeights.map((v) => v.name.split('/').pop()).sort()).toEqual([...names].sort());
  for (const v of layer.trainableWeights) {
    expect(grads[v.name]).toBeDefined();
    expect(maxAbsOf(grads[v.name])).toBeGreaterThan(0);
  }
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
}

/**
 * Step mode over chunks of 1, 3 and the rest (stepInChunks) equals the full forward within `tol`
 * and leaves no tensor behind; `inspect` sees the initial state.
 */
export function expectStepMatchesForward(layer: tfl.layers.Layer & Steppable, x: tf.Tensor, tol = 1e-4, inspect?: (state: tf.Tensor[]) => void): void {
  const full = layer.apply(x) as tf.Tensor;
  const before = tf.memory().numTensors;
  const y = stepInChunks(layer, x, inspect);
  expectClose(y, full, tol, tol, `${layer.getClassName()} step vs forward`);
  tf.dispose(y);
  expect(tf.memory().numTensors).toBe(before);
  full.dispose();
}

/**
 * Saves `model` with fileSystemIO to a temp folder, loads it back and checks its prediction on `x`
 * equals `expected` bit for bit; removes the folder.
 */
export async function expectFileSystemRoundTrip(model: tfl.LayersModel, x: tf.Tensor, expected: tf.Tensor): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-roundtrip-'));
  try {
    await model.save(fileSystemIO(dir));
    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    const y = loaded.predict(x) as tf.Tensor;
    expectClose(y, expected, 1e-30, 0, 'fileSystemIO round trip');
    y.dispose();
    loaded.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Rebuilds `model` from its JSON (toJSON / modelFromJSON), copies its weights, and checks the copy
 * predicts the same on `x` (1e-7 abs, 1e-6 rel). Returns the copy (caller disposes) to check its config.
 */
export async function expectJsonRoundTrip(model: tfl.LayersModel, x: tf.Tensor | tf.Tensor[]): Promise<tfl.LayersModel> {
  const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
  copy.setWeights(model.getWeights());
  const a = model.predict(x) as tf.Tensor;
  const b = copy.predict(x) as tf.Tensor;
  expectClose(b, a, 1e-7, 1e-6, 'JSON round trip');
  tf.dispose([a, b]);
  return copy;
}

/**
 * Right padding never reaches real tokens and pads output zero: `real` (batch, L, H) followed by
 * `padLen` garbage tokens (values 5..9) under a mask gives real's own output on the first L tokens
 * (within atol/rtol) and exact zeros on the pads.
 */
export function expectRightPaddingIgnored(layer: tfl.layers.Layer, real: tf.Tensor, padLen: number, seed: number, atol = 1e-6, rtol = 1e-5): void {
  const [b, L, H] = real.shape;
  tf.tidy(() => {
    const yr = layer.apply(real) as tf.Tensor;
    const padded = tf.concat([real, tf.randomUniform([b, padLen, H], 5, 9, 'float32', seed)], 1);
    const mask = tf.concat([tf.ones([b, L]), tf.zeros([b, padLen])], 1);
    const y = layer.apply(padded, { mask }) as tf.Tensor;
    const D = y.shape[2] as number;
    expectClose(tf.slice(y, [0, 0, 0], [b, L, D]), yr, atol, rtol, `${layer.getClassName()} masked head`);
    expect(maxAbsOf(tf.slice(y, [0, L, 0], [b, padLen, D]))).toBe(0);
  });
}
