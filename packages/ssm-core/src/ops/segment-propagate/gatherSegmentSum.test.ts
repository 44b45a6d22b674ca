import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's cjs bundle registers no gradients for its own ops; tfjs-layers' bundle does (the reference needs them).
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { hasFusedKernel } from '../../kernels/dispatch';
import { gatherRows, gatherSegmentSum } from './gatherSegmentSum';
import { gatherSegmentSumReference } from './reference';
import { GATHER_SEGMENT_SUM_KERNEL } from './kernelNames';
import { registerGatherSegmentSumKernels } from './cpu/register';

type Mode = 'none' | 'edge' | 'channel';

/** A seeded random edge list (repeats and self-loops included, some output rows receive nothing). */
function edges(e: number, rows: number, segs: number, seed: number): { src: Int32Array; dst: Int32Array } {
  let s = seed >>> 0;
  const next = (n: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  return { src: Int32Array.from({ length: e }, () => next(rows)), dst: Int32Array.from({ length: e }, () => next(Math.max(1, segs - 1))) };
}

/** Loops oracle, written from the definition: out[dst[e], c] += w · h[src[e], c]. */
function loops(h: Float32Array, d: number, src: Int32Array, dst: Int32Array, w: Float32Array | null, mode: Mode, segs: number): Float32Array {
  const out = new Float32Array(segs * d);
  for (let e = 0; e < src.length; e++) for (let c = 0; c < d; c++) {
    const we = mode === 'none' ? 1 : mode === 'edge' ? (w as Float32Array)[e] : (w as Float32Array)[e * d + c];
    out[dst[e] * d + c] += we * h[src[e] * d + c];
  }
  return out;
}

const CASES: [string, Mode, number, number, number, number][] = [
  // name, mode, rows R, channels d, edges E, segments
  ['unweighted', 'none', 7, 5, 23, 6],
  ['per-edge weight', 'edge', 9, 4, 31, 9],
  ['per-edge-and-channel weight', 'channel', 6, 3, 17, 8],
  ['one channel, more segments than rows', 'edge', 3, 1, 11, 12],
];

describe.each(TEST_BACKENDS)('gatherSegmentSum on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
    registerGatherSegmentSumKernels();
  });

  test('the fused kernel is registered (the tests below exercise it, not the reference)', () => {
    expect(hasFusedKernel(GATHER_SEGMENT_SUM_KERNEL)).toBe(true);
  });

  test.each(CASES)('values and every gradient equal the reference; values equal loops: %s', (_n, mode, rows, d, e, segs) => {
    tf.tidy(() => {
      const ix = edges(e, rows, segs, rows * 31 + e);
      const src = tf.tensor1d(ix.src, 'int32');
      const dst = tf.tensor1d(ix.dst, 'int32');
      const h = rand([rows, d], 1) as tf.Tensor2D;
      const w = mode === 'none' ? null : (rand(mode === 'edge' ? [e] : [e, d], 2) as tf.Tensor1D);
      const y = gatherSegmentSum({ h, src, dst, weight: w, numSegments: segs });
      expect(y.shape).toEqual([segs, d]);
      expectClose(y, gatherSegmentSumReference({ h, src, dst, weight: w, numSegments: segs }), 1e-6, 1e-5, 'vs reference');
      const oracle = loops(h.dataSync() as Float32Array, d, ix.src, ix.dst, w ? (w.dataSync() as Float32Array) : null, mode, segs);
      expectClose(y, tf.tensor2d(oracle, [segs, d]), 1e-6, 1e-5, 'vs loops');
      const cot = rand([segs, d], 3);
      const xs = w ? [h, w] : [h];
      const loss = (op: typeof gatherSegmentSum) => (...a: tf.Tensor[]) =>
        tf.sum(tf.mul(op({ h: a[0] as tf.Tensor2D, src, dst, weight: (a[1] ?? null) as tf.Tensor1D | null, numSegments: segs }), cot)) as tf.Scalar;
      const gF = tf.grads(loss(gatherSegmentSum))(xs);
      const gR = tf.grads(loss(gatherSegmentSumReference))(xs);
      gF.forEach((g, i) => {
        expect(g.shape).toEqual(xs[i].shape);
        expectClose(g, gR[i], 1e-5, 1e-5, `grad ${i === 0 ? 'h' : 'weight'}`);
      });
    });
  });

  test.each(['none', 'edge', 'channel'] as Mode[])('reference and fused gradients match finite differences (%s weight)', (mode) => {
    tf.tidy(() => {
      const ix = edges(14, 5, 6, 7);
      const src = tf.tensor1d(ix.src, 'int32');
      const dst = tf.tensor1d(ix.dst, 'int32');
      const h = rand([5, 3], 4);
      const xs = mode === 'none' ? [h] : [h, rand(mode === 'edge' ? [14] : [14, 3], 5)];
      const cot = rand([6, 3], 6);
      for (const op of [gatherSegmentSumReference, gatherSegmentSum]) {
        const f = (...a: tf.Tensor[]): tf.Scalar =>
          tf.sum(tf.mul(op({ h: a[0] as tf.Tensor2D, src, dst, weight: (a[1] ?? null) as tf.Tensor1D | null, numSegments: 6 }), cot)) as tf.Scalar;
        const { worst, detail } = gradcheck(f, xs);
        expect({ worst: worst <= 1, detail }).toEqual({ worst: true, detail: expect.any(String) as string });
      }
    });
  });

  test('gatherRows equals tf.gather, values and gradient', () => {
    tf.tidy(() => {
      const h = rand([6, 4], 8) as tf.Tensor2D;
      const idx = tf.tensor1d([5, 0, 0, 3, 5, 1, 2], 'int32');
      expectClose(gatherRows(h, idx), tf.gather(h, idx), 1e-7, 0, 'values');
      const cot = rand([7, 4], 9);
      const g1 = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gatherRows(x as tf.Tensor2D, idx), cot)))(h);
      const g2 = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, idx), cot)))(h);
      expectClose(g1, g2, 1e-6, 1e-5, 'gradient');
    });
  });

  test('no edges: zeros of (numSegments, d); zero gradients', () => {
    tf.tidy(() => {
      const h = rand([3, 2], 10) as tf.Tensor2D;
      const none = tf.tensor1d([], 'int32');
      const w = tf.tensor1d([]);
      const y = gatherSegmentSum({ h, src: none, dst: none, weight: w, numSegments: 4 });
      expectClose(y, tf.zeros([4, 2]), 1e-7, 0, 'values');
      const [gh, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(gatherSegmentSum({ h: a as tf.Tensor2D, src: none, dst: none, weight: b as tf.Tensor1D, numSegments: 4 })))([h, w]);
      expectClose(gh, tf.zeros([3, 2]), 1e-7, 0, 'dh');
      expect(gw.shape).toEqual([0]);
    });
  });

  test('forward and backward leak no tensors (variables, tf.variableGrads)', () => {
    const h = tf.variable(rand([5, 3], 11));
    const w = tf.variable(rand([9, 3], 12));
    const ix = edges(9, 5, 4, 13);
    const src = tf.tensor1d(ix.src, 'int32');
    const dst = tf.tensor1d(ix.dst, 'int32');
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(gatherSegmentSum({ h: h as tf.Variable<tf.Rank.R2>, src, dst, weight: w as tf.Variable<tf.Rank.R2>, numSegments: 4 })) as tf.Scalar);
      expect(Object.keys(grads).length).toBe(2);
      value.dispose();
      tf.dispose(Object.values(grads));
    }, 'variableGrads');
    tf.dispose([h, w, src, dst]);
  });

  test('indices out of range: an Error naming the argument, the edge and the value (fused and reference)', () => {
    tf.tidy(() => {
      const h = rand([4, 2], 14) as tf.Tensor2D;
      const ok = tf.tensor1d([0, 1, 2], 'int32');
      for (const op of [gatherSegmentSum, gatherSegmentSumReference]) {
        expect(() => op({ h, src: tf.tensor1d([0, 4, 1], 'int32'), dst: ok, numSegments: 3 })).toThrow(/argument 'src' must hold indices in \[0, 4\).*src\[1\] = 4 \(edge 1\)/);
        expect(() => op({ h, src: ok, dst: tf.tensor1d([0, 1, -1], 'int32'), numSegments: 3 })).toThrow(/argument 'dst' must hold indices in \[0, 3\).*dst\[2\] = -1 \(edge 2\)/);
      }
    });
  });

  test('bad arguments: clear errors naming the argument', () => {
    tf.tidy(() => {
      const h = rand([4, 2], 15) as tf.Tensor2D;
      const i3 = tf.tensor1d([0, 1, 2], 'int32');
      expect(() => gatherSegmentSum({ h, src: tf.tensor1d([0, 1, 2]), dst: i3, numSegments: 3 } as never)).toThrow(/argument 'src' must have dtype int32, received float32/);
      expect(() => gatherSegmentSum({ h, src: i3, dst: tf.tensor1d([0, 1], 'int32'), numSegments: 3 })).toThrow(/argument 'dst' must have shape \(E=3\)/);
      expect(() => gatherSegmentSum({ h, src: i3, dst: i3, weight: tf.ones([3, 5]) as tf.Tensor2D, numSegments: 3 })).toThrow(/argument 'weight' must have shape \(E=3, d=2\)/);
      expect(() => gatherSegmentSum({ h: tf.ones([4]) as never, src: i3, dst: i3, numSegments: 3 })).toThrow(/argument 'h' must have rank 2/);
      expect(() => gatherSegmentSum({ h, src: i3, dst: i3, numSegments: 2.5 })).toThrow(/option 'numSegments' must be an integer >= 0, received 2.5/);
    });
  });
});
