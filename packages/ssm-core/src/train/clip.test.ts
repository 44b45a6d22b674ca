import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../testing/backends';
import { expectNoLeak } from '../testing/compare';
import { clipByGlobalNorm } from './clip';

beforeAll(() => useBackend('cpu'));

describe('clipByGlobalNorm', () => {
  const raw = { a: [3, -4, 1.5], b: [[0.5, 2], [-6, 0.25]] };
  const jsNorm = Math.sqrt([...raw.a, ...raw.b.flat()].reduce((s, x) => s + x * x, 0));

  it('computes the global L2 norm and scales every gradient by maxNorm / norm when above', () => {
    const grads = { a: tf.tensor1d(raw.a), b: tf.tensor2d(raw.b) };
    const { grads: out, norm } = clipByGlobalNorm(grads, 2);
    expect(Math.abs(norm - jsNorm)).toBeLessThan(1e-5);
    const k = 2 / jsNorm;
    Array.from(out.a.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(raw.a[i] * k, 6));
    Array.from(out.b.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(raw.b.flat()[i] * k, 6));
    expect(out.b.shape).toEqual([2, 2]);
    const clippedNorm = Math.sqrt([...out.a.dataSync(), ...out.b.dataSync()].reduce((s, x) => s + x * x, 0));
    expect(clippedNorm).toBeCloseTo(2, 5);
    tf.dispose([grads.a, grads.b, out.a, out.b]);
  });

  it('leaves gradients unchanged (as new tensors) when the norm is within maxNorm', () => {
    const grads = { a: tf.tensor1d(raw.a), b: tf.tensor2d(raw.b) };
    const { grads: out, norm } = clipByGlobalNorm(grads, jsNorm + 1);
    expect(Math.abs(norm - jsNorm)).toBeLessThan(1e-5);
    expect(Array.from(out.a.dataSync())).toEqual(raw.a);
    expect(out.a).not.toBe(grads.a);
    tf.dispose([grads.a, grads.b, out.a, out.b]);
  });

  it('leaks nothing beyond its outputs, and rejects bad arguments clearly', () => {
    const grads = { a: tf.tensor1d(raw.a) };
    expectNoLeak(() => tf.dispose(Object.values(clipByGlobalNorm(grads, 1).grads)), 'clip');
    expect(clipByGlobalNorm({}, 1)).toEqual({ grads: {}, norm: 0 });
    expect(() => clipByGlobalNorm(grads, 0)).toThrow(/argument 'maxNorm' must be a finite number > 0, received 0/);
    expect(() => clipByGlobalNorm(grads, -Infinity)).toThrow(/received -Infinity/);
    const ints = { n: tf.tensor1d([1], 'int32') };
    expect(() => clipByGlobalNorm(ints, 1)).toThrow(/gradient 'n' must be a float32 tf.Tensor, received int32/);
    tf.dispose([grads.a, ints.n]);
  });
});
