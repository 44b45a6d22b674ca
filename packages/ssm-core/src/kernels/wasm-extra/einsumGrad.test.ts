import * as tf from '@tensorflow/tfjs-core';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { gradcheck } from '../../testing/gradcheck';
import { expectNoLeak } from '../../testing/compare';
import { expectWasmMatchesCpu, tensorOf } from './testUtil';

// Einsum is multilinear, so central differences are exact up to float32 rounding:
// gradcheck with eps 1e-2, atol 2e-3, rtol 2e-2 (its defaults); wasm vs cpu atol/rtol 1e-4.
const CASES: Array<[string, number[][]]> = [
  ['ij,jk->ik', [[3, 4], [4, 5]]],
  ['bij,bjk->bik', [[2, 3, 4], [2, 4, 2]]],
  ['bhld,bhmd->bhlm', [[1, 2, 3, 4], [1, 2, 2, 4]]],
  ['ij,j->i', [[3, 4], [4]]],
  ['i,j->ij', [[3], [4]]],
  ['ij,ij->', [[2, 3], [2, 3]]],
  ['ij,jk->i', [[3, 4], [4, 2]]], // k only in the second operand: its gradient broadcasts along k
  ['ij,jk->k', [[3, 4], [4, 2]]], // (tf.einsum's own forward is wrong here on cpu: tfjs#8227)
  ['ij,k->ik', [[3, 4], [2]]],
  ['i,j->', [[3], [4]]],
  ['ij->ji', [[3, 4]]],
  ['ijk->ki', [[2, 3, 4]]],
  ['ij->', [[3, 4]]],
];

// tfjs's own cpu Einsum computes these forward passes wrongly (tfjs#8227); ours (wasm, and cpu
// after useFusedGradKernelsOnCpu) does not. They are checked on wasm only here.
const CPU_EINSUM_BROKEN = ['ij,jk->k', 'ij,k->ik', 'i,j->'];

describe.each(TEST_BACKENDS)('Einsum gradient on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  test.each(CASES)('%s vs central differences, and no leaks', (eq, shapes) => {
    if (backend === 'cpu' && CPU_EINSUM_BROKEN.includes(eq)) return;
    const xs = shapes.map((s, i) => tensorOf(s, 70 + i));
    const outShape = tf.tidy(() => tf.einsum(eq, ...xs).shape);
    const w = tensorOf(outShape, 79);
    const f = (...a: tf.Tensor[]) => tf.sum(tf.mul(tf.einsum(eq, ...a), w)) as tf.Scalar;
    const { worst, detail } = gradcheck(f, xs);
    expect(worst <= 1 ? 'ok' : detail).toBe('ok');
    expectNoLeak(() => tf.dispose(tf.grads(f)(xs)), eq);
    tf.dispose([...xs, w]);
  });
});

test('matches the gradient of the same contraction written with matMul (cpu and wasm)', async () => {
  for (const b of TEST_BACKENDS) {
    await useBackend(b);
    tf.tidy(() => {
      const [a, c] = [tensorOf([2, 3, 4], 80), tensorOf([2, 4, 5], 81)];
      const w = tensorOf([2, 3, 5], 82);
      const viaEinsum = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.einsum('bij,bjk->bik', x, y), w)))([a, c]);
      const viaMatMul = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, c]);
      viaEinsum.forEach((g, i) => expect(tf.max(tf.abs(tf.sub(g, viaMatMul[i]))).dataSync()[0]).toBeLessThan(1e-5));
    });
  }
  await expectWasmMatchesCpu(() => {
    const [a, c] = [tensorOf([3, 4], 83), tensorOf([4, 2], 84)];
    return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.einsum('ij,jk->ik', x, y))))([a, c]);
  }, 1e-4, 1e-4, 'einsum grads');
});
