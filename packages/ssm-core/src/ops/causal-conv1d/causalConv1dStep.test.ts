import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's cjs bundle registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { causalConv1d, causalConv1dStep, initialConvState } from './causalConv1d';
import { causalConv1dReference } from './reference';

/** Runs x (Bt, D, L) through causalConv1dStep in chunks of the given sizes; returns y and the state. */
function stepInChunks(x: tf.Tensor3D, sizes: number[], weight: tf.Tensor2D, bias: tf.Tensor1D | undefined, silu: boolean, start: tf.Tensor3D) {
  const [batch, dim] = x.shape;
  let state = start;
  let at = 0;
  const ys: tf.Tensor3D[] = [];
  for (const t of sizes) {
    const r = causalConv1dStep({ x: tf.slice(x, [0, 0, at], [batch, dim, t]), convState: state, weight, bias, activation: silu ? 'silu' : 'none' });
    ys.push(r.y);
    state = r.convState;
    at += t;
  }
  return { y: tf.concat(ys, 2) as tf.Tensor3D, state };
}

describe.each(TEST_BACKENDS)('causalConv1dStep on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const cases = [
    { width: 4, len: 13, silu: true, bias: true, fromState: false },
    { width: 8, len: 11, silu: false, bias: true, fromState: true },
    { width: 1, len: 6, silu: true, bias: false, fromState: true },
    { width: 2, len: 4, silu: false, bias: false, fromState: false },
  ];
  test.each(cases)('chunks of 1, 3 and the rest equal the full forward (1e-5): %o', (c) => {
    tf.tidy(() => {
      const batch = 2;
      const dim = 5;
      const x = rand([batch, dim, c.len], 1) as tf.Tensor3D;
      const weight = rand([dim, c.width], 2) as tf.Tensor2D;
      const bias = c.bias ? (rand([dim], 3) as tf.Tensor1D) : undefined;
      const start = c.fromState ? (rand([batch, dim, c.width - 1], 4) as tf.Tensor3D) : initialConvState(batch, dim, c.width);
      const sizes = [1, 3, c.len - 4];
      const { y, state } = stepInChunks(x, sizes, weight, bias, c.silu, start);
      const full = causalConv1dReference({ x, weight, bias, activation: c.silu ? 'silu' : 'none', initialConvState: start });
      expectClose(y, full, 1e-5, 1e-5, 'chunked y');
      // the state after the sequence is its last W-1 inputs (here L >= W-1)
      expectClose(state, tf.slice(x, [0, 0, c.len - c.width + 1], [batch, dim, c.width - 1]), 1e-7, 0, 'final state');

      // gradients through the chunked steps equal those of the full forward
      const cot = rand([batch, dim, c.len], 5);
      const floats = [x, weight, ...(bias ? [bias] : []), start] as tf.Tensor[];
      const unpack = (xs: tf.Tensor[]) => ({ x: xs[0] as tf.Tensor3D, w: xs[1] as tf.Tensor2D, b: bias ? (xs[2] as tf.Tensor1D) : undefined, s: xs[xs.length - 1] as tf.Tensor3D });
      const gStep = tf.grads((...xs: tf.Tensor[]) => {
        const u = unpack(xs);
        const r = stepInChunks(u.x, sizes, u.w, u.b, c.silu, u.s);
        return tf.add(tf.sum(tf.mul(r.y, cot)), tf.sum(r.state)) as tf.Scalar;
      })(floats);
      const gFull = tf.grads((...xs: tf.Tensor[]) => {
        const u = unpack(xs);
        const yy = causalConv1d({ x: u.x, weight: u.w, bias: u.b, activation: c.silu ? 'silu' : 'none', initialConvState: u.s });
        const last = tf.slice(tf.concat([u.s, u.x], 2), [0, 0, c.len], [batch, dim, c.width - 1]);
        return tf.add(tf.sum(tf.mul(yy, cot)), tf.sum(last)) as tf.Scalar;
      })(floats);
      gStep.forEach((g, k) => expectClose(g, gFull[k] as tf.Tensor, 1e-5, 1e-4, `grad ${k}`));
    });
  });

  test('a chunk shorter than W-1 keeps the older inputs in the state', () => {
    tf.tidy(() => {
      const x = rand([1, 2, 2], 8) as tf.Tensor3D;
      const st = rand([1, 2, 3], 9) as tf.Tensor3D;
      const { convState } = causalConv1dStep({ x, convState: st, weight: rand([2, 4], 1) as tf.Tensor2D });
      expectClose(convState, tf.concat([tf.slice(st, [0, 0, 2], [1, 2, 1]), x], 2), 1e-7, 0, 'state');
    });
  });

  test('no tensors leak', () => {
    const x = rand([1, 3, 4], 1) as tf.Tensor3D;
    const w = rand([3, 4], 2) as tf.Tensor2D;
    const st = initialConvState(1, 3, 4);
    expectNoLeak(() => {
      const r = causalConv1dStep({ x, convState: st, weight: w, activation: 'silu' });
      tf.dispose([r.y, r.convState]);
    }, 'step');
    expectNoLeak(() => {
      tf.grads((a: tf.Tensor) => tf.sum(causalConv1dStep({ x: a as tf.Tensor3D, convState: st, weight: w }).y))([x]).forEach((g) => g.dispose());
    }, 'step backward');
    tf.dispose([x, w, st]);
  });
});
