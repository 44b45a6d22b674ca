import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak } from '../../testing/compare';
import { useBackend } from '../../testing/backends';
import { WASM_EXTRA_KERNELS } from './register';
import { dot, einsumOracle, expectArraysClose, expectWasmMatchesCpu, tensorOf } from './testUtil';

// Tolerances (float32 results; both backends sum in float64 or float32 in different orders):
// values ~O(1)·(number of summed terms ≤ ~200) → atol 1e-4, rtol 1e-4.
const ATOL = 1e-4;
const RTOL = 1e-4;
type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

test('every extra kernel is the one registered on wasm, and absent from tfjs-backend-wasm itself', async () => {
  await useBackend('wasm');
  for (const k of WASM_EXTRA_KERNELS) {
    expect(tf.getKernel(k.kernelName, 'wasm')?.kernelFunc).toBe(k.kernelFunc);
    expect(tf.getKernel(k.kernelName, 'cpu')).toBeDefined();
  }
});

/** Gradients of Σ conv(x, w)·cot w.r.t. x and w, on the active backend. */
function convGrads(conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, xs: number[], ws: number[], seed: number) {
  return (): tf.Tensor[] => {
    const x = tensorOf(xs, seed) as tf.Tensor4D;
    const w = tensorOf(ws, seed + 1) as tf.Tensor4D;
    const yShape = tf.tidy(() => conv(x, w).shape);
    const cot = tensorOf(yShape, seed + 2);
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), cot)))([x, w]);
  };
}

describe('Conv2DBackpropFilter (tf.conv2d gradient) on wasm vs cpu', () => {
  const cases: Array<[number[], number[], number | [number, number], Pad]> = [
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 7, 8, 3], [3, 3, 3, 4], 2, 'same'],
    [[1, 9, 6, 2], [2, 3, 2, 5], [2, 1], 'valid'],
    [[1, 5, 6, 2], [3, 2, 2, 3], [1, 2], [[0, 0], [1, 2], [0, 1], [0, 0]]],
    [[3, 1, 1, 4], [1, 1, 4, 2], 1, 'valid'],
  ];
  test.each(cases)('x %j w %j strides %j pad %j', async (xs, ws, s, pad) => {
    await expectWasmMatchesCpu(convGrads((x, w) => tf.conv2d(x, w, s, pad), xs, ws, 11), ATOL, RTOL, 'conv2d grads');
  });
  test('conv1d (via conv2d) with stride 2, and NCHW through runKernel', async () => {
    await expectWasmMatchesCpu(() => {
      const x = tensorOf([2, 11, 3], 5) as tf.Tensor3D;
      const w = tensorOf([3, 3, 4], 6) as tf.Tensor3D;
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 2, 'same'))))([x, w]);
    }, ATOL, RTOL, 'conv1d grads');
    await expectWasmMatchesCpu(() => [tf.engine().runKernel('Conv2DBackpropFilter',
      { x: tensorOf([2, 3, 6, 5], 7), dy: tensorOf([2, 4, 3, 3], 8) },
      { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] }) as tf.Tensor],
    ATOL, RTOL, 'NCHW');
  });
});

describe('DepthwiseConv2dNativeBackpropInput/Filter (tf.depthwiseConv2d gradients) on wasm', () => {
  const cases: Array<[number[], number[], number | [number, number], Pad]> = [
    [[2, 7, 7, 3], [3, 3, 3, 1], 1, 'same'],
    [[2, 8, 7, 3], [3, 3, 3, 2], 2, 'same'],
    [[1, 9, 6, 2], [2, 3, 2, 3], [2, 1], 'valid'],
    [[1, 6, 5, 4], [3, 3, 4, 1], 1, [[0, 0], [2, 0], [1, 1], [0, 0]]],
  ];
  test.each(cases)('vs cpu: x %j w %j strides %j pad %j', async (xs, ws, s, pad) => {
    await expectWasmMatchesCpu(convGrads((x, w) => tf.depthwiseConv2d(x, w, s, pad), xs, ws, 21), ATOL, RTOL, 'depthwise grads');
  });
  // tfjs's gradient refuses dilation > 1 and the cpu kernels ignore it, so check the kernels
  // directly against the adjoint identities of the forward op: ⟨y(x,w), dy⟩ = ⟨x, dX(dy,w)⟩ = ⟨w, dW(x,dy)⟩.
  test.each([
    [[1, 9, 9, 2], [3, 3, 2, 2], 1, [2, 2], 'same'],
    [[2, 10, 8, 3], [2, 3, 3, 1], 1, [3, 2], 'valid'],
    [[1, 8, 8, 2], [3, 3, 2, 1], 2, 1, 'same'],
  ] as Array<[number[], number[], number, number | [number, number], 'same' | 'valid']>)(
    'adjoint identities: x %j w %j strides %j dilations %j pad %j', async (xs, ws, s, dil, pad) => {
      await useBackend('wasm');
      tf.tidy(() => {
        const x = tensorOf(xs, 31) as tf.Tensor4D;
        const w = tensorOf(ws, 32) as tf.Tensor4D;
        const y = tf.depthwiseConv2d(x, w, s, pad, 'NHWC', dil);
        const dy = tensorOf(y.shape, 33);
        const attrs = { strides: s, pad, dilations: dil };
        const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xs }) as tf.Tensor;
        const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: ws }) as tf.Tensor;
        const lhs = dot(y.dataSync(), dy.dataSync());
        expectArraysClose([dot(x.dataSync(), dx.dataSync())], [lhs], 1e-3, 1e-5, '<x,dX>');
        expectArraysClose([dot(w.dataSync(), dw.dataSync())], [lhs], 1e-3, 1e-5, '<w,dW>');
      });
    });
});

describe('UnsortedSegmentSum on wasm vs cpu', () => {
  test.each([
    [[6, 3], [0, 2, 1, 0, 2, 3], 4],
    [[5, 2, 2], [1, -1, 1, 7, 0], 4], // negative and out-of-range ids dropped; segment 2,3 absent
    [[4], [3, 3, 3, 3], 5],
  ] as Array<[number[], number[], number]>)('x %j ids %j numSegments %d', async (xs, ids, n) => {
    await expectWasmMatchesCpu(() => [tf.unsortedSegmentSum(tensorOf(xs, 41), tf.tensor1d(ids, 'int32'), n)], ATOL, RTOL, 'segsum');
  });
  test('2-D segment ids via runKernel (vs a direct sum: the cpu kernel mis-broadcasts them) and int32 data', async () => {
    await useBackend('wasm');
    const ids = [[0, 1, -2], [1, 1, 0]];
    const xv = tensorOf([2, 3, 4], 42);
    const expected = new Float64Array(3 * 4);
    const xd = xv.dataSync();
    ids.flat().forEach((s, i) => { if (s >= 0) for (let j = 0; j < 4; j++) expected[s * 4 + j] += xd[i * 4 + j]; });
    const out = tf.engine().runKernel('UnsortedSegmentSum', { x: xv, segmentIds: tf.tensor2d(ids, [2, 3], 'int32') }, { numSegments: 3 }) as tf.Tensor;
    expect(out.shape).toEqual([3, 4]);
    expectArraysClose(out.dataSync(), expected, 1e-5, 1e-5, '2d ids');
    tf.dispose([xv, out]);
    await expectWasmMatchesCpu(() => [tf.cast(tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 0, 1], 'int32'), 2), 'float32')], 0, 0, 'int32');
  });
  test.each([[0, [2, 3]], [1, [2, 2]], [1, [4]]] as Array<[number, number[]]>)('gradient of tf.gather (axis %d, indices %j)', async (axis, idxShape) => {
    await expectWasmMatchesCpu(() => {
      const table = tensorOf([5, 6, 3], 43);
      const idx = tf.tensor(Array.from({ length: idxShape.reduce((a, b) => a * b, 1) }, (_, i) => (i * 3) % 5), idxShape, 'int32');
      const cot = tensorOf(tf.tidy(() => tf.gather(table, idx, axis).shape), 44);
      return tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx, axis), cot)))([table]);
    }, ATOL, RTOL, 'gather grad');
  });
});

describe('Einsum on wasm vs cpu', () => {
  test.each([
    ['ij,jk->ik', [[3, 4], [4, 5]]],
    ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]],
    ['bhld,bhmd->bhlm', [[2, 2, 3, 4], [2, 2, 5, 4]]],
    ['i,j->ij', [[3], [4]]],
    ['ij->ji', [[3, 4]]],
    ['ij->ij', [[3, 4]]],
    ['ij,j->i', [[3, 4], [4]]],
  ] as Array<[string, number[][]]>)('%s', async (eq, shapes) => {
    await expectWasmMatchesCpu(() => [tf.einsum(eq, ...shapes.map((s, i) => tensorOf(s, 50 + i)))], ATOL, RTOL, eq);
  });
});

describe('Einsum on wasm vs a direct float64 sum', () => {
  // Includes equations tfjs's cpu Einsum gets wrong (a label summed from one operand only, tfjs#8227).
  test.each([
    ['ij,jk->k', { i: 3, j: 4, k: 2 }],
    ['ij,k->ik', { i: 3, j: 4, k: 2 }],
    ['i,j->', { i: 3, j: 4 }],
    ['ij,jk->i', { i: 3, j: 4, k: 2 }],
    ['bij,bjk->bik', { b: 2, i: 3, j: 4, k: 2 }],
    ['ijk->ki', { i: 2, j: 3, k: 4 }],
  ] as Array<[string, Record<string, number>]>)('%s', async (eq, sizes) => {
    await useBackend('wasm');
    const terms = eq.split('->')[0].split(',');
    const xs = terms.map((t, i) => tensorOf([...t].map((c) => sizes[c]), 90 + i));
    const y = tf.einsum(eq, ...xs);
    expect(y.shape).toEqual([...eq.split('->')[1]].map((c) => sizes[c]));
    expectArraysClose(y.dataSync(), einsumOracle(eq, xs.map((x) => x.dataSync() as Float32Array), sizes), 1e-5, 1e-5, eq);
    tf.dispose([...xs, y]);
  });
});

describe('no leaks on wasm', () => {
  test('forward and backward of every extra kernel leave no tensors', async () => {
    await useBackend('wasm');
    const x = tensorOf([2, 6, 6, 3], 60) as tf.Tensor4D;
    const w = tensorOf([3, 3, 3, 2], 61) as tf.Tensor4D;
    const run = (f: () => tf.Tensor | tf.Tensor[]) => expectNoLeak(() => tf.dispose(f()), 'wasm-extra');
    run(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]));
    run(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([x, w]));
    run(() => tf.grads((a: tf.Tensor) => tf.sum(tf.gather(a, tf.tensor1d([0, 1, 1], 'int32'))))([x]));
    run(() => tf.einsum('bhwc,bhwc->bc', x, x));
    run(() => tf.tidy(() => tf.einsum('bhwc,cd->d', x, tf.reshape(w, [3, 18]))));
    run(() => tf.tidy(() => tf.spectral.irfft(tf.spectral.rfft(tf.reshape(x, [36, 6])))));
    run(() => tf.tidy(() => tf.abs(tf.spectral.fft(tf.complex(x, x)))));
    tf.dispose([x, w]);
  });
});
