import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { maxAbs } from '../lti/testUtil';
import { Mamba2, type Mamba2Args } from './mamba2';

const DM = 4;
/** 2 heads, 2 groups, dConv 4, Q = 4: segment boundaries fall inside and on chunk edges. */
const CFG: Mamba2Args = { dModel: DM, dState: 3, headDim: 4, nGroups: 2, chunkSize: 4, dtMin: 0.05, dtMax: 0.5 };
const slice = (t: tf.Tensor, t0: number, len: number) => tf.slice(t, [0, t0, 0], [t.shape[0], len, DM]);

describe.each(TEST_BACKENDS)('Mamba2 with segment ids on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('each packed segment equals running it alone; earlier segments do not reach later ones', () => {
    const layer = new Mamba2({ ...CFG, seed: 5 });
    // Row 0: segments [0, 5), [5, 6), [6, 13); row 1: [0, 8), [8, 13).
    const ids = [...[0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2], ...[4, 4, 4, 4, 4, 4, 4, 4, 9, 9, 9, 9, 9]];
    const seg = tf.tensor2d(ids, [2, 13], 'int32');
    const x = rand([2, 13, DM], 31);
    tf.tidy(() => {
      const y = layer.callWithSegments(x, seg);
      const parts: Array<[number, number, number]> = [[0, 0, 5], [0, 5, 1], [0, 6, 7], [1, 0, 8], [1, 8, 5]];
      for (const [b, t0, len] of parts) {
        const alone = layer.apply(tf.slice(x, [b, t0, 0], [1, len, DM])) as tf.Tensor;
        expectClose(tf.slice(y, [b, t0, 0], [1, len, DM]), alone, 1e-5, 1e-4, `row ${b} segment at ${t0}`);
      }
      // Changing the first segment of each row leaves the rest unchanged (and the test can fail).
      const first = tf.tensor3d([...Array(26)].map((_, i) => (i < 5 || (i >= 13 && i < 21) ? 1 : 0)), [2, 13, 1]);
      const y2 = layer.apply([tf.add(x, tf.mul(first, 3)), seg]) as tf.Tensor;
      expectClose(tf.mul(y2, tf.sub(1, first)), tf.mul(y, tf.sub(1, first)), 1e-6, 1e-5, 'later segments');
      expect(maxAbs(tf.mul(tf.sub(y2, y), first))).toBeGreaterThan(1e-3);
      // Without segment ids the packed rows do mix.
      const plain = layer.apply(x) as tf.Tensor;
      expect(maxAbs(tf.sub(slice(plain, 6, 7), slice(y, 6, 7)))).toBeGreaterThan(1e-4);
    });
    expectNoLeak(() => layer.callWithSegments(x, seg).dispose(), 'forward with segments');
    expectNoLeak(() => {
      const f = () => tf.sum(tf.square(layer.callWithSegments(x, seg))) as tf.Scalar;
      const { grads, value } = tf.variableGrads(f);
      const finite = Object.values(grads).every((g) => Array.from(g.dataSync()).every(Number.isFinite));
      expect(finite).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
    }, 'backward with segments');
    tf.dispose([x, seg]);
    layer.dispose();
  });

  it('masks are exact for left padding and holes too (pads output 0, never reach real tokens)', () => {
    const layer = new Mamba2({ ...CFG, seed: 6 });
    const real = rand([1, 6, DM], 41);
    const yr = layer.apply(real) as tf.Tensor;
    // Left padding: 3 garbage tokens, then the sequence.
    const left = tf.concat([rand([1, 3, DM], 42, 5, 9), real], 1);
    const yl = layer.apply(left, { mask: tf.tensor2d([[0, 0, 0, 1, 1, 1, 1, 1, 1]]) }) as tf.Tensor;
    expectClose(tf.slice(yl, [0, 3, 0], [1, 6, DM]), yr, 1e-5, 1e-4, 'left-padded real tokens');
    expect(maxAbs(tf.slice(yl, [0, 0, 0], [1, 3, DM]))).toBe(0);
    // A hole of padding between two sequences packed with segment ids 1 | 2.
    const both = tf.concat([real, rand([1, 2, DM], 43, 5, 9), real], 1);
    const seg = tf.tensor2d([[1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]], [1, 14], 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]]);
    const yb = layer.callWithSegments(both, seg, mask);
    expectClose(tf.slice(yb, [0, 0, 0], [1, 6, DM]), yr, 1e-5, 1e-4, 'first sequence');
    expectClose(tf.slice(yb, [0, 8, 0], [1, 6, DM]), yr, 1e-5, 1e-4, 'second sequence after the hole');
    expect(maxAbs(tf.slice(yb, [0, 6, 0], [1, 2, DM]))).toBe(0);
    tf.dispose([real, yr, left, yl, both, seg, mask, yb]);
    layer.dispose();
  });

  it('rejects bad segment ids with clear errors', () => {
    const layer = new Mamba2({ ...CFG, seed: 1 });
    const x = tf.zeros([1, 3, DM]);
    expect(() => layer.callWithSegments(x, tf.zeros([1, 3]) as tf.Tensor2D)).toThrow(/Mamba2: segmentIds must be int32, received dtype float32/);
    expect(() => layer.callWithSegments(x, tf.zeros([1, 2], 'int32') as tf.Tensor2D)).toThrow(/Mamba2: segmentIds must have shape \(batch=1, L=3\), received shape \[1, 2\]/);
    layer.dispose();
  });
});
