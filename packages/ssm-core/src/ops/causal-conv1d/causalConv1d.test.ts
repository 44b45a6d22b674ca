import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's cjs bundle registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { hasFusedKernel } from '../../kernels/dispatch';
import { causalConv1d } from './causalConv1d';
import { causalConv1dReference } from './reference';
import { CAUSAL_CONV1D_GRAD_KERNEL, CAUSAL_CONV1D_KERNEL } from './kernelNames';
import { CASES, ConvCase, makeInputs, naiveConv, naiveConvGrads, toArgs } from './testCases';

// float32 tolerances: the forward sums at most 8 taps (+ bias); gradients sum over L ≤ 131
// and batch, and the backward's segment correction subtracts taps it first added.
const FWD_TOL = [1e-5, 1e-5] as const;
const GRAD_TOL = [1e-4, 1e-4] as const;

function lossOf(op: typeof causalConv1d, c: ConvCase, cot: tf.Tensor, seg?: tf.Tensor2D) {
  return (...xs: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(op(toArgs(c, xs, seg)), cot));
}

describe.each(TEST_BACKENDS)('causalConv1d on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('the fused kernels are registered on this backend', () => {
    expect(hasFusedKernel(CAUSAL_CONV1D_KERNEL)).toBe(true);
    expect(hasFusedKernel(CAUSAL_CONV1D_GRAD_KERNEL)).toBe(true);
  });

  test.each(CASES.map((c, i) => [c.name, c, i] as const))('fused = reference = loops, forward and every gradient: %s', (_n, c, i) => {
    tf.tidy(() => {
      const { floats, segmentIds } = makeInputs(c, 100 + 10 * i);
      const args = toArgs(c, floats, segmentIds);
      const fused = causalConv1d(args);
      const ref = causalConv1dReference(args);
      expectClose(fused, ref, FWD_TOL[0], FWD_TOL[1], `${c.name} forward`);
      const oracle = naiveConv(c, args.x.dataSync() as Float32Array, args.weight.dataSync() as Float32Array,
        args.bias?.dataSync() as Float32Array | undefined, args.initialConvState?.dataSync() as Float32Array | undefined,
        segmentIds?.dataSync() as Int32Array | undefined);
      expectClose(ref, tf.tensor(oracle, ref.shape), FWD_TOL[0], FWD_TOL[1], `${c.name} reference vs loops`);

      const cot = rand(fused.shape, 7 + i);
      const gF = tf.grads(lossOf(causalConv1d, c, cot, segmentIds))(floats);
      const gR = tf.grads(lossOf(causalConv1dReference, c, cot, segmentIds))(floats);
      expect(gF.length).toBe(floats.length);
      gF.forEach((g, k) => expectClose(g, gR[k] as tf.Tensor, GRAD_TOL[0], GRAD_TOL[1], `${c.name} grad ${k}`));
    });
  });

  test('segmentIds gets a zero gradient and the fused op is differentiable through tf.grads with it', () => {
    tf.tidy(() => {
      const c = CASES[4] as ConvCase;
      const { floats, segmentIds } = makeInputs(c, 5);
      const f = (x: tf.Tensor, s: tf.Tensor) => tf.sum(causalConv1d({ ...toArgs(c, floats, s as tf.Tensor2D), x: x as tf.Tensor3D }));
      const [, gs] = tf.grads(f)([floats[0] as tf.Tensor, segmentIds as tf.Tensor]);
      expect(Array.from((gs as tf.Tensor).dataSync()).every((v) => v === 0)).toBe(true);
    });
  });

  test('empty inputs (L = 0 or Bt = 0) give empty outputs and zero gradients', () => {
    tf.tidy(() => {
      for (const [b, l] of [[2, 0], [0, 5]] as const) {
        const x = tf.zeros([b, 3, l]) as tf.Tensor3D;
        const w = rand([3, 4], 1) as tf.Tensor2D;
        expect(causalConv1d({ x, weight: w, activation: 'silu' }).shape).toEqual([b, 3, l]);
        const [gx, gw] = tf.grads((a: tf.Tensor, c: tf.Tensor) => causalConv1d({ x: a as tf.Tensor3D, weight: c as tf.Tensor2D }))([x, w], tf.zeros([b, 3, l]));
        expect(gx?.shape).toEqual([b, 3, l]);
        expect(Array.from((gw as tf.Tensor).dataSync())).toEqual(new Array(12).fill(0));
      }
    });
  });

  test('reference and fused op vs central finite differences', () => {
    const c: ConvCase = { name: 'fd', batch: 2, dim: 2, len: 7, width: 3, bias: true, silu: true, segments: true, state: true };
    tf.tidy(() => {
      const { floats, segmentIds } = makeInputs(c, 42);
      const cot = rand([c.batch, c.dim, c.len], 3);
      for (const op of [causalConv1dReference, causalConv1d]) {
        const { worst, detail } = gradcheck(lossOf(op, c, cot, segmentIds), floats, { eps: 1e-2, maxPerInput: 28 });
        expect(`${worst <= 1 ? 'ok' : 'bad'} ${detail}`).toMatch(/^ok/);
      }
    });
  });

  test('no tensors leak in forward or backward (with and without the optional inputs)', () => {
    for (const c of [CASES[3] as ConvCase, CASES[1] as ConvCase]) {
      const { floats, segmentIds } = makeInputs(c, 9);
      const cot = rand([c.batch, c.dim, c.len], 1);
      expectNoLeak(() => causalConv1d(toArgs(c, floats, segmentIds)).dispose(), `${c.name} forward`);
      expectNoLeak(() => tf.grads(lossOf(causalConv1d, c, cot, segmentIds))(floats).forEach((g) => g.dispose()), `${c.name} backward`);
      tf.dispose([...floats, cot]);
      segmentIds?.dispose();
    }
  });

  test('a larger shape exercises the chunked host loop (vs independent loops; rows span several chunks)', () => {
    const c: ConvCase = { name: 'big', batch: 3, dim: 40, len: 3001, width: 4, bias: true, silu: true, segments: true, state: true };
    tf.tidy(() => {
      const { floats, segmentIds } = makeInputs(c, 77);
      const args = toArgs(c, floats, segmentIds);
      const data = [args.x, args.weight, args.bias, args.initialConvState].map((t) => t?.dataSync() as Float32Array);
      const seg = segmentIds?.dataSync() as Int32Array;
      const y = causalConv1d(args);
      expectClose(y, tf.tensor(naiveConv(c, data[0]!, data[1]!, data[2], data[3], seg), y.shape), FWD_TOL[0], FWD_TOL[1], 'big forward');
      const cot = rand([c.batch, c.dim, c.len], 2);
      const gF = tf.grads(lossOf(causalConv1d, c, cot, segmentIds))(floats);
      const want = naiveConvGrads(c, cot.dataSync() as Float32Array, data[0]!, data[1]!, data[2], data[3], seg);
      // weight/bias gradients sum 9003 terms per channel
      [want.dx, want.dw, want.db, want.dst].forEach((v, k) =>
        expectClose(gF[k] as tf.Tensor, tf.tensor(Float32Array.from(v), (gF[k] as tf.Tensor).shape), 1e-3, 1e-3, `big grad ${k}`));
    });
  });
});
