import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's cjs bundle registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { linear, linearReference } from './linear';

const SHAPES: [string, number[], number][] = [['2-D', [7, 5], 3], ['3-D', [2, 9, 6], 4], ['1-D', [5], 2], ['4-D', [2, 3, 4, 5], 7]];

/** Loops oracle: out[r, j] = Σ_i x[r, i] W[i, j]. */
function loops(x: Float32Array, W: Float32Array, k: number, n: number): Float32Array {
  const rows = x.length / k;
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += x[r * k + i] * W[i * n + j];
    out[r * n + j] = s;
  }
  return out;
}

describe.each(TEST_BACKENDS)('linear on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each(SHAPES)('values and both gradients equal the tf.matMul reference and loops: %s', (_n, xShape, n) => {
    tf.tidy(() => {
      const k = xShape[xShape.length - 1] as number;
      const x = rand(xShape, 1);
      const W = rand([k, n], 2);
      const y = linear(x, W);
      expect(y.shape).toEqual([...xShape.slice(0, -1), n]);
      expectClose(y, linearReference(x, W), 1e-5, 1e-5, 'forward');
      expectClose(y, tf.tensor(loops(x.dataSync() as Float32Array, W.dataSync() as Float32Array, k, n), y.shape), 1e-5, 1e-5, 'loops');
      const cot = rand(y.shape, 3);
      const loss = (op: typeof linear) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a, b), cot)) as tf.Scalar;
      const gF = tf.grads(loss(linear))([x, W]);
      const gR = tf.grads(loss(linearReference))([x, W]);
      gF.forEach((g, i) => {
        expect(g.shape).toEqual([x, W][i].shape);
        expectClose(g, gR[i] as tf.Tensor, 1e-5, 1e-5, `grad ${i}`);
      });
    });
  });

  test('gradients match finite differences', () => {
    tf.tidy(() => {
      const x = rand([3, 4, 5], 4);
      const W = rand([5, 3], 5);
      const cot = rand([3, 4, 3], 6);
      const { worst, detail } = gradcheck((a, b) => tf.sum(tf.mul(linear(a, b), cot)) as tf.Scalar, [x, W]);
      expect(worst).toBeLessThanOrEqual(1);
      expect(detail).toBeDefined();
    });
  });

  test('works on variables through tf.variableGrads and leaks nothing', () => {
    const x = rand([4, 6, 5], 7);
    const W = tf.variable(rand([5, 2], 8));
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(linear(x, W))) as tf.Scalar, [W]);
      const ref = tf.tidy(() => tf.grads((w: tf.Tensor) => tf.sum(tf.square(linearReference(x, w))) as tf.Scalar)([W])[0] as tf.Tensor);
      expectClose(grads[W.name] as tf.Tensor, ref, 1e-5, 1e-5, 'variable grad');
      tf.dispose([value, ref, ...Object.values(grads)]);
    }, 'linear variableGrads');
    tf.dispose([x, W]);
  });

  test('bad arguments give clear errors', () => {
    const x = tf.zeros([2, 3]);
    expect(() => linear(x, tf.zeros([4, 2]))).toThrow(/linear: argument 'W' must be a float32 \(k=3, n\) matrix, received float32 shape \[4, 2\]/);
    expect(() => linear(tf.zeros([2, 3], 'int32'), tf.zeros([3, 2]))).toThrow(/linear: argument 'x' must be a float32 tensor/);
    expect(() => linear(x, tf.zeros([3]))).toThrow(/argument 'W'/);
  });
});
