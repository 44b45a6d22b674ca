// tfjs-core's cjs bundle registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../testing/backends';
import { expectNoLeak } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { fftConv } from './fftConv';
import { fftConvReference } from './reference';
import type { FftConvMode } from './plan';

// The reference twin runs on cpu here (tfjs-backend-wasm's FFT kernels come from wasm-extra).
beforeAll(() => useBackend('cpu'));

describe('fftConv reference twin vs central finite differences (cpu)', () => {
  const cases: Array<[FftConvMode, number, number, number, number]> = [
    ['causal', 2, 2, 7, 7],
    ['causal', 1, 2, 6, 3],
    ['two-sided', 2, 2, 5, 9],
    ['causal', 1, 1, 1, 1],
  ];
  test.each(cases)('%s Bt=%i H=%i L=%i Lk=%i with D', (mode, B, H, L, Lk) => {
    const u = tf.randomUniform([B, H, L], -1, 1, 'float32', 11);
    const k = tf.randomUniform([H, Lk], -1, 1, 'float32', 12);
    const D = tf.randomUniform([H], -1, 1, 'float32', 13);
    const w = tf.randomUniform([B, H, L], -1, 1, 'float32', 14);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(fftConvReference({ u: a as tf.Tensor3D, k: b as tf.Tensor2D, D: c as tf.Tensor1D, mode }), w)) as tf.Scalar;
    // float32 central differences with eps 1e-2 (the function is linear in each input, so only round-off).
    const { worst, detail } = gradcheck(f, [u, k, D], { eps: 1e-2, atol: 2e-3, rtol: 2e-2 });
    expect(worst <= 1 ? 'ok' : `worst ratio ${worst.toFixed(2)} at ${detail}`).toBe('ok');
    tf.dispose([u, k, D, w]);
  });

  test('reference leaks no tensors (forward and backward)', () => {
    const u = tf.randomUniform([2, 2, 9], -1, 1, 'float32', 1) as tf.Tensor3D;
    const k = tf.randomUniform([2, 17], -1, 1, 'float32', 2) as tf.Tensor2D;
    const D = tf.randomUniform([2], -1, 1, 'float32', 3) as tf.Tensor1D;
    expectNoLeak(() => fftConvReference({ u, k, D, mode: 'two-sided' }).dispose(), 'reference forward');
    expectNoLeak(() => {
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(fftConvReference({ u: a as tf.Tensor3D, k: b as tf.Tensor2D, D: c as tf.Tensor1D, mode: 'two-sided' })))([u, k, D])
        .forEach((t) => t.dispose());
    }, 'reference backward');
    tf.dispose([u, k, D]);
  });
});

describe('fftConv argument errors', () => {
  // Tensors are made inside each call: the backend is set up in beforeAll.
  const call = (a: Record<string, unknown>) => () =>
    tf.tidy(() => fftConv({ u: tf.zeros([2, 3, 8]), k: tf.zeros([3, 8]), ...a } as never));
  const callWith = (make: () => Record<string, unknown>) => () => tf.tidy(() => call(make())());

  test('rank', () => {
    expect(callWith(() => ({ u: tf.zeros([3, 8]) }))).toThrow(/fftConv: argument 'u' must have rank 3 \(Bt, H, L\), received rank 2 with shape \[3, 8\]/);
    expect(callWith(() => ({ k: tf.zeros([3, 8, 1]) }))).toThrow(/fftConv: argument 'k' must have rank 2 \(H, Lk\), received rank 3/);
    expect(callWith(() => ({ D: tf.zeros([3, 1]) }))).toThrow(/fftConv: argument 'D' must have shape \(H=3\), received shape \[3, 1\]/);
  });
  test('H mismatch', () => {
    expect(callWith(() => ({ k: tf.zeros([4, 8]) }))).toThrow(/fftConv: argument 'k' must have H=3 rows .*received shape \[4, 8\]/);
    expect(callWith(() => ({ D: tf.zeros([2]) }))).toThrow(/fftConv: argument 'D' must have shape \(H=3\), received shape \[2\]/);
  });
  test('kernel length for the mode', () => {
    expect(callWith(() => ({ k: tf.zeros([3, 9]) }))).toThrow(/causal mode must have length Lk in \[1, L=8\], received shape \[3, 9\]/);
    expect(callWith(() => ({ k: tf.zeros([3, 0]) }))).toThrow(/causal mode must have length Lk in \[1, L=8\], received shape \[3, 0\]/);
    expect(call({ mode: 'two-sided' })).toThrow(/two-sided mode must have length 2L-1=15, received shape \[3, 8\]/);
  });
  test('dtype', () => {
    expect(callWith(() => ({ u: tf.zeros([2, 3, 8], 'int32') }))).toThrow(/fftConv: argument 'u' must have dtype float32, received int32/);
    expect(callWith(() => ({ k: tf.zeros([3, 8], 'int32') }))).toThrow(/fftConv: argument 'k' must have dtype float32, received int32/);
    expect(callWith(() => ({ D: tf.zeros([3], 'int32') }))).toThrow(/fftConv: argument 'D' must have dtype float32, received int32/);
  });
  test('unknown mode and non-tensors', () => {
    expect(call({ mode: 'anticausal' })).toThrow(/fftConv: option 'mode' must be one of 'causal', 'two-sided', received "anticausal"/);
    expect(call({ k: [1, 2, 3] })).toThrow(/fftConv: argument 'k' must be a tf.Tensor, received object/);
    expect(call({ u: undefined })).toThrow(/fftConv: argument 'u' must be a tf.Tensor, received undefined/);
  });
});
