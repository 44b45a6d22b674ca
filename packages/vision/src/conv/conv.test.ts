import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectNoLeak, rand } from '../../../ssm-core/src/testing/compare';
import { gradcheck } from '../../../ssm-core/src/testing/gradcheck';
import { TEST_BACKENDS, useBackend } from '../../../ssm-core/src/testing/backends';
import { depthwiseConv } from './depthwiseConv';
import { extractPatches, foldPatches } from './patches';
import { extractPatchesReference, foldPatchesReference } from './reference';
import { VisionConv2D } from './convLayer';

/** <f(x), r> for a fixed random r: a scalar whose gradient is the vjp with r. */
function proj(t: tf.Tensor, seed: number): tf.Scalar {
  return tf.sum(tf.mul(t, rand(t.shape, seed))) as tf.Scalar;
}

/** Values and the gradients w.r.t. every input of fused(...xs) and ref(...xs) agree. */
function compare(fused: (...xs: tf.Tensor[]) => tf.Tensor, ref: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], label: string): void {
  tf.tidy(() => {
    expectClose(fused(...xs), ref(...xs), 1e-5, 1e-5, `${label} value`);
    const gF = tf.grads((...v: tf.Tensor[]) => proj(fused(...v), 7))(xs);
    const gR = tf.grads((...v: tf.Tensor[]) => proj(ref(...v), 7))(xs);
    gF.forEach((g, i) => expectClose(g, gR[i], 1e-4, 1e-4, `${label} gradient ${i}`));
  });
}

// odd and even sizes, strides 1 and 2, kernels 3 and 2 (asymmetric 'same' padding)
const CASES: [number[], number, number][] = [[[2, 5, 6, 3], 3, 1], [[2, 5, 6, 3], 3, 2], [[1, 8, 8, 4], 3, 2], [[2, 4, 5, 2], 2, 2], [[1, 6, 6, 1], 4, 4]];

describe.each(TEST_BACKENDS)('conv kernels on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('depthwiseConv equals tf.depthwiseConv2d (values and both gradients)', () => {
    CASES.forEach(([shape, k, s], n) => {
      const x = rand(shape, 10 + n);
      const w = rand([k, k, shape[3], 1], 20 + n);
      compare((a, b) => depthwiseConv(a, b, s), (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same'), [x, w], `dw k${k} s${s}`);
      tf.dispose([x, w]);
    });
  });

  it('extractPatches / foldPatches equal their one-hot-conv twins and are adjoint', () => {
    CASES.forEach(([shape, k, s], n) => {
      const x = rand(shape, 30 + n);
      const cols = extractPatchesReference(x, k, s);
      const y = rand(cols.shape, 40 + n);
      compare((a) => extractPatches(a, k, s), (a) => extractPatchesReference(a, k, s), [x], `patches k${k} s${s}`);
      compare((a) => foldPatches(a, shape, k, s), (a) => foldPatchesReference(a, shape, k, s), [y], `fold k${k} s${s}`);
      // <extract(x), y> = <x, fold(y)>
      tf.tidy(() => expectClose(tf.sum(tf.mul(extractPatches(x, k, s), y)), tf.sum(tf.mul(x, foldPatches(y, shape, k, s))), 1e-4, 1e-5, 'adjoint'));
      tf.dispose([x, cols, y]);
    });
  });

  it('VisionConv2D (im2col + matmul) equals tf.conv2d with its weights, gradients included', () => {
    const layer = new VisionConv2D({ filters: 5, kernelSize: 3, strides: 2, activation: 'relu', seed: 3 });
    const x = rand([2, 7, 6, 3], 50);
    layer.apply(x);
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const ref = (v: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.relu(tf.add(tf.conv2d(v as tf.Tensor4D, k as tf.Tensor4D, 2, 'same'), b));
    tf.tidy(() => {
      expectClose(layer.apply(x) as tf.Tensor, ref(x, kernel, bias), 1e-5, 1e-5, 'conv value');
      const { grads } = tf.variableGrads(() => proj(layer.apply(x) as tf.Tensor, 8), [kernel, bias]);
      const gR = tf.grads((v: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => proj(ref(v, k, b), 8))([x, kernel, bias]);
      expectClose(grads[kernel.name], gR[1], 1e-4, 1e-4, 'conv kernel gradient');
      expectClose(grads[bias.name], gR[2], 1e-4, 1e-4, 'conv bias gradient');
      expectClose(tf.grad((v: tf.Tensor) => proj(layer.apply(v) as tf.Tensor, 8))(x), gR[0], 1e-4, 1e-4, 'conv input gradient');
    });
    expect(layer.computeOutputShape([null, 7, 6, 3])).toEqual([null, 4, 3, 5]);
    x.dispose();
  });

  it('leaves no tensors behind (forward and backward)', () => {
    const x = rand([1, 4, 4, 2], 60);
    const w = rand([3, 3, 2, 1], 61);
    expectNoLeak(() => {
      tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => proj(depthwiseConv(a, b, 2), 1))([x, w]));
      tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => proj(depthwiseConv(a, b, 1), 1))([x, w]));
      tf.dispose(tf.grad((a: tf.Tensor) => proj(foldPatches(extractPatches(a, 3, 2), [1, 4, 4, 2], 3, 2), 1))(x));
    }, 'conv kernels');
    tf.dispose([x, w]);
  });
});

describe('conv references against finite differences; bad input (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  it('one-hot-conv twins have correct gradients', () => {
    const x = rand([1, 4, 5, 2], 70);
    for (const [name, f] of [
      ['patches', (v: tf.Tensor) => tf.square(extractPatchesReference(v, 3, 2))],
      ['fold', (v: tf.Tensor) => tf.sin(foldPatchesReference(extractPatchesReference(v, 3, 2), [1, 4, 5, 2], 3, 2))],
    ] as [string, (v: tf.Tensor) => tf.Tensor][]) {
      const r = gradcheck((v) => proj(f(v), 5), [x]);
      if (r.worst > 1) throw new Error(`${name}: ${r.detail}`);
    }
    x.dispose();
  });
  it('errors name the argument and what was received', () => {
    const x = rand([1, 4, 4, 2], 71);
    expect(() => depthwiseConv(x, rand([3, 3, 3, 1], 1))).toThrow(/depthwiseConv: argument 'w' must have shape \(k, k, C=2, 1\), received shape \[3, 3, 3, 1\]/);
    expect(() => extractPatches(tf.zeros([4, 4, 2]), 3, 1)).toThrow(/extractPatches: argument 'x' must be a float32 map \(B, H, W, C\), received shape \[4, 4, 2\]/);
    expect(() => extractPatches(x, 0, 1)).toThrow(/'kernelSize' must be an integer >= 1, received 0/);
    expect(() => foldPatches(x, [1, 4, 4, 2], 3, 1)).toThrow(/foldPatches: argument 'cols' must be float32 of shape \[1, 4, 4, 18\], received shape \[1, 4, 4, 2\]/);
    expect(() => new VisionConv2D({ filters: 0, kernelSize: 3 })).toThrow(/option 'filters' must be an integer >= 1, received 0/);
    expect(() => new VisionConv2D({ filters: 2, kernelSize: 3, activation: 'tanh' as never })).toThrow(/'activation' must be 'linear' or 'relu'/);
    x.dispose();
  });
});

