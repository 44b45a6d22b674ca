import * as tf from '@tensorflow/tfjs-core';
import { CPU_REPLACEABLE_KERNELS, useFusedGradKernelsOnCpu } from './fastCpu';
import { einsumOracle, expectArraysClose, runOn, tensorOf } from './testUtil';

// The fused loops on cpu vs the cpu backend's own kernels (run first, before the swap).
// Tolerance as wasmExtra.test.ts: atol 1e-4, rtol 1e-4 (float32 sums of ≤ ~200 terms).
const cases: Array<[string, () => tf.Tensor[]]> = [
  ['conv2d grads', () => {
    const x = tensorOf([2, 7, 8, 3], 1) as tf.Tensor4D;
    const w = tensorOf([3, 3, 3, 4], 2) as tf.Tensor4D;
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [2, 1], 'same'))))([x, w]);
  }],
  ['depthwise grads', () => {
    const x = tensorOf([2, 7, 6, 3], 3) as tf.Tensor4D;
    const w = tensorOf([3, 2, 3, 2], 4) as tf.Tensor4D;
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'valid'))))([x, w]);
  }],
  ['segment sums and gather grad', () => [
    tf.unsortedSegmentSum(tensorOf([5, 2, 3], 5), tf.tensor1d([1, -1, 1, 9, 0], 'int32'), 4),
    tf.cast(tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([2, 0, 2, 5], 'int32'), 3), 'float32'),
    ...tf.grads((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d([0, 3, 3, 1], 'int32')))))([tensorOf([4, 5], 6)]),
  ]],
];

test('useFusedGradKernelsOnCpu swaps in the fused kernels and keeps the cpu results', async () => {
  const before: Array<Awaited<ReturnType<typeof runOn>>> = [];
  for (const [, f] of cases) before.push(await runOn('cpu', f));
  useFusedGradKernelsOnCpu();
  useFusedGradKernelsOnCpu();
  for (const k of CPU_REPLACEABLE_KERNELS) expect(tf.getKernel(k.kernelName, 'cpu')?.kernelFunc).toBe(k.kernelFunc);
  for (let i = 0; i < cases.length; i++) {
    const after = await runOn('cpu', cases[i][1]);
    expect(after.shapes).toEqual(before[i].shapes);
    after.data.forEach((d, j) => expectArraysClose(d, before[i].data[j], 1e-4, 1e-4, `${cases[i][0]} output ${j}`));
  }
});

test('after useFusedGradKernelsOnCpu, cpu Einsum is right where tfjs\'s was wrong (tfjs#8227)', async () => {
  useFusedGradKernelsOnCpu();
  const sizes = { i: 3, j: 4, k: 2 };
  const { data, shapes } = await runOn('cpu', () => [tf.einsum('ij,jk->k', tensorOf([3, 4], 7), tensorOf([4, 2], 8))]);
  expect(shapes[0]).toEqual([2]);
  const ops = [tensorOf([3, 4], 7), tensorOf([4, 2], 8)];
  expectArraysClose(data[0], einsumOracle('ij,jk->k', ops.map((t) => t.dataSync() as Float32Array), sizes), 1e-5, 1e-5, 'ij,jk->k');
  tf.dispose(ops);
});
