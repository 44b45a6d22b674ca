import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { ssdScan, SsdScanArgs, SsdScanResult } from './ssdScan';
import { ssdScanChunked } from './chunked';
import { naiveSsdScan } from './naiveOracle';
import { SsdCase, caseDims, makeInputs, outputs, projectedLoss, segmentIdsFor, toArgs } from './ssdTestCases';

// float32 tolerances as in ssdScan.test.ts (different summation orders; fused exp ~2e-7 rel.).
const ATOL = 2e-4;
const RTOL = 2e-3;

const CASES: SsdCase[] = [
  // Boundaries at 8, 13, 14, 16, 30 (row 0): two on chunk edges (Q = 8), one a 1-token segment.
  {
    name: 'L=37 Q=8, all options', Bt: 2, L: 37, H: 4, P: 5, G: 2, N: 6, D: 'HP', z: true, dtBias: true, softplus: true,
    init: true, last: true, chunkSize: 8, segments: [8, 5, 1, 2, 14, 7],
  },
  { name: 'every token its own segment, Q=4', Bt: 1, L: 6, H: 2, P: 3, G: 1, N: 2, last: true, chunkSize: 4, segments: [1, 1, 1, 1, 1, 1] },
  { name: 'L=1', Bt: 2, L: 1, H: 2, P: 3, G: 1, N: 4, D: 'H', init: true, last: true, segments: [1] },
  { name: 'one segment (ids constant), init', Bt: 1, L: 13, H: 2, P: 4, G: 1, N: 8, init: true, last: true, chunkSize: 4, segments: [13] },
  // 17 backward checkpoints of 18 steps; boundaries inside and across them.
  { name: 'L=300, checkpoints, init + last', Bt: 2, L: 300, H: 2, P: 4, G: 1, N: 4, init: true, last: true, chunkSize: 64, segments: [100, 1, 150, 49] },
];

function oracle(c: SsdCase, names: string[], tensors: tf.Tensor[], seg: Int32Array | undefined) {
  const arr = (n: string) => {
    const i = names.indexOf(n);
    return i < 0 ? undefined : (tensors[i].dataSync() as Float32Array);
  };
  return naiveSsdScan(
    {
      x: arr('x')!, dt: arr('dt')!, A: arr('A')!, B: arr('B')!, C: arr('C')!,
      D: arr('D'), z: arr('z'), dtBias: arr('dtBias'), softplus: c.softplus, init: arr('initialState'), seg,
    },
    caseDims(c),
  );
}

describe.each(TEST_BACKENDS)('ssdScan with segmentIds on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    it('forward: fused = chunked = naive loop', () => {
      const { names, tensors } = makeInputs(c, 3);
      const ids = segmentIdsFor(c) as Int32Array;
      const seg = tf.tensor2d(ids, [c.Bt, c.L], 'int32');
      const [fy, fl] = outputs(ssdScan(toArgs(c, names, tensors, seg)));
      const [ry, rl] = outputs(ssdScanChunked(toArgs(c, names, tensors, seg)));
      const naive = oracle(c, names, tensors, ids);
      const ny = tf.tensor(Float32Array.from(naive.y), fy.shape);
      const nl = tf.tensor(Float32Array.from(naive.last), fl.shape);
      expectClose(fy, ny, ATOL, RTOL, 'y fused vs naive');
      expectClose(ry, ny, ATOL, RTOL, 'y chunked vs naive');
      expectClose(fl, nl, ATOL, RTOL, 'lastState fused vs naive');
      expectClose(rl, nl, ATOL, RTOL, 'lastState chunked vs naive');
      // The oracle without segments differs (so the comparison can fail) unless there is one segment.
      if (c.segments!.length > 1) {
        const plain = oracle(c, names, tensors, undefined);
        expect(Math.max(...plain.y.map((v, i) => Math.abs(v - naive.y[i])))).toBeGreaterThan(1e-3);
      }
      tf.dispose([fy, fl, ry, rl, ny, nl, seg, ...tensors]);
    });

    it('every gradient: fused = chunked', () => {
      const { names, tensors } = makeInputs(c, 9);
      const seg = tf.tensor2d(segmentIdsFor(c) as Int32Array, [c.Bt, c.L], 'int32');
      const loss = (op: (a: SsdScanArgs) => unknown) => (...xs: tf.Tensor[]) => projectedLoss(c, op(toArgs(c, names, xs, seg)) as SsdScanResult);
      const gF = tf.grads(loss(ssdScan))(tensors);
      const gR = tf.grads(loss(ssdScanChunked))(tensors);
      names.forEach((n, i) => {
        expect(Array.from(gF[i].dataSync()).every(Number.isFinite)).toBe(true);
        expectClose(gF[i], gR[i], ATOL, RTOL, `d${n} fused vs chunked`);
      });
      tf.dispose([...gF, ...gR, seg, ...tensors]);
    });
  });

  it.each([
    ['fused', ssdScan],
    ['chunked', ssdScanChunked],
  ] as const)('%s: tokens of an earlier segment do not affect later outputs or lastState', (_n, op) => {
    const c: SsdCase = { name: 'iso', Bt: 2, L: 20, H: 2, P: 3, G: 1, N: 4, D: 'H', z: true, dtBias: true, softplus: true, init: true, last: true, chunkSize: 8 };
    const { names, tensors } = makeInputs(c, 21);
    const seg = tf.tensor2d([...Array(40)].map((_, i) => (i % 20 < 11 ? 3 : 7)), [2, 20], 'int32');
    tf.tidy(() => {
      // Steps t ≤ 10 (the first segment) of x, dt, B, C, z and the initial state all change.
      const before = tf.reshape(tf.tensor1d([...Array(20)].map((_, t) => (t < 11 ? 1 : 0))), [1, 20, 1, 1]);
      const changed = tensors.map((t, i) => {
        const n = names[i];
        if (n === 'initialState') return tf.mul(t, 5);
        if (['x', 'B', 'C', 'z'].includes(n)) return tf.add(t, tf.mul(before, 2));
        if (n === 'dt') return tf.add(t, tf.mul(tf.reshape(before, [1, 20, 1]), 0.3));
        return t;
      });
      const a = op(toArgs(c, names, tensors, seg)) as SsdScanResult;
      const b = op(toArgs(c, names, changed, seg)) as SsdScanResult;
      const after = tf.sub(1, before);
      expectClose(tf.mul(b.y, after), tf.mul(a.y, after), 1e-6, 1e-5, 'y of the later segment');
      expectClose(b.lastState, a.lastState, 1e-6, 1e-5, 'lastState');
      expect(tf.max(tf.abs(tf.mul(tf.sub(b.y, a.y), before))).dataSync()[0]).toBeGreaterThan(1e-2);
    });
    tf.dispose([seg, ...tensors]);
  });

  it('chunked gradients with segments match central finite differences', () => {
    const c: SsdCase = {
      name: 'fd seg', Bt: 1, L: 5, H: 2, P: 2, G: 1, N: 3, D: 'HP', z: true, dtBias: true, softplus: true, init: true, last: true,
      chunkSize: 2, segments: [2, 1, 2],
    };
    const { names, tensors } = makeInputs(c, 21);
    const seg = tf.tensor2d(segmentIdsFor(c) as Int32Array, [1, 5], 'int32');
    const f = (...xs: tf.Tensor[]) => projectedLoss(c, ssdScanChunked(toArgs(c, names, xs, seg)));
    const { worst, detail } = gradcheck(f, tensors, { eps: 5e-3, atol: 3e-3, rtol: 3e-2, maxPerInput: 12 });
    if (!(worst <= 1)) throw new Error(`gradcheck ratio ${worst.toFixed(2)} (${detail})`);
    tf.dispose([seg, ...tensors]);
  });

  it('leaves no tensors behind with segments, forward and backward', () => {
    const c = CASES[0];
    const { names, tensors } = makeInputs(c);
    const seg = tf.tensor2d(segmentIdsFor(c) as Int32Array, [c.Bt, c.L], 'int32');
    expectNoLeak(() => tf.dispose(outputs(ssdScan(toArgs(c, names, tensors, seg)))), 'forward');
    expectNoLeak(() => tf.dispose(tf.grads((...xs: tf.Tensor[]) => projectedLoss(c, ssdScan(toArgs(c, names, xs, seg))))(tensors)), 'backward');
    tf.dispose([seg, ...tensors]);
  });
});

describe('ssdScan segmentIds validation', () => {
  beforeAll(() => useBackend('cpu'));
  it('rejects wrong dtype, shape and non-tensors', () => {
    const a: SsdScanArgs = {
      x: rand([2, 5, 4, 3], 1) as tf.Tensor4D,
      dt: rand([2, 5, 4], 2, 0.1, 0.5) as tf.Tensor3D,
      A: rand([4], 3, -1, -0.1) as tf.Tensor1D,
      B: rand([2, 5, 2, 6], 4) as tf.Tensor4D,
      C: rand([2, 5, 2, 6], 5) as tf.Tensor4D,
    };
    const bad = (segmentIds: unknown) => () => ssdScan({ ...a, segmentIds } as SsdScanArgs);
    expect(bad(tf.zeros([2, 5]))).toThrow(/ssdScan: argument 'segmentIds' must have dtype int32, received float32/);
    expect(bad(tf.zeros([2, 4], 'int32'))).toThrow(/argument 'segmentIds' must have shape \(Bt=2, L=5\), received shape \[2, 4\]/);
    expect(bad(tf.zeros([2, 5, 1], 'int32'))).toThrow(/argument 'segmentIds' must have shape \(Bt=2, L=5\), received shape \[2, 5, 1\]/);
    expect(bad([[1, 2]])).toThrow(/argument 'segmentIds' must be a tf.Tensor, received object/);
  });
});
