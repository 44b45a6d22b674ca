import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { hasFusedKernel } from '../../kernels/dispatch';
import { ssdScan, SsdScanArgs } from './ssdScan';
import { ssdScanChunked } from './chunked';
import { SSD_SCAN_KERNEL } from './kernelNames';
import { naiveSsdScan } from './naiveOracle';
import { SSD_CASES, caseDims, makeInputs, outputs, projectedLoss, toArgs } from './ssdTestCases';

// float32 tolerances: the fused recurrence and the chunked matmuls sum in different orders and
// the fused exp has ~2e-7 relative error; values here are O(1)–O(10).
const ATOL = 2e-4;
const RTOL = 2e-3;

describe.each(TEST_BACKENDS)('ssdScan fused kernel on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('has a fused kernel registered', () => {
    expect(hasFusedKernel(SSD_SCAN_KERNEL)).toBe(true);
  });

  describe.each(SSD_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it('forward matches the chunked reference and the naive loop', () => {
      const { names, tensors } = makeInputs(c);
      const fused = ssdScan(toArgs(c, names, tensors));
      const ref = ssdScanChunked(toArgs(c, names, tensors));
      const [fy, fl] = outputs(fused);
      const [ry, rl] = outputs(ref);
      expectClose(fy, ry, ATOL, RTOL, 'y fused vs chunked');
      if (c.last) expectClose(fl, rl, ATOL, RTOL, 'lastState fused vs chunked');

      const arr = (n: string) => {
        const i = names.indexOf(n);
        return i < 0 ? undefined : (tensors[i].dataSync() as Float32Array);
      };
      const naive = naiveSsdScan(
        {
          x: arr('x')!, dt: arr('dt')!, A: arr('A')!, B: arr('B')!, C: arr('C')!,
          D: arr('D'), z: arr('z'), dtBias: arr('dtBias'), softplus: c.softplus, init: arr('initialState'),
        },
        caseDims(c),
      );
      expectClose(fy, tf.tensor(Float32Array.from(naive.y), fy.shape), ATOL, RTOL, 'y fused vs naive loop');
      if (c.last) {
        expectClose(fl, tf.tensor(Float32Array.from(naive.last), fl.shape), ATOL, RTOL, 'lastState fused vs naive');
      } else {
        expect(fused).toBeInstanceOf(tf.Tensor);
      }
      tf.dispose([...outputs(fused), ...outputs(ref), ...tensors]);
    });

    it('every gradient matches the chunked reference', () => {
      const { names, tensors } = makeInputs(c, 7);
      const gFused = tf.grads((...xs: tf.Tensor[]) => projectedLoss(c, ssdScan(toArgs(c, names, xs))))(tensors);
      const gRef = tf.grads((...xs: tf.Tensor[]) => projectedLoss(c, ssdScanChunked(toArgs(c, names, xs))))(tensors);
      names.forEach((n, i) => expectClose(gFused[i], gRef[i], ATOL, RTOL, `d${n} fused vs chunked`));
      tf.dispose([...gFused, ...gRef, ...tensors]);
    });
  });

  it('only the lastState cotangent (y unused) reaches the inputs', () => {
    const c = SSD_CASES[3];
    const { names, tensors } = makeInputs(c, 3);
    // The last state does not depend on C, so differentiate with respect to the others.
    const iC = names.indexOf('C');
    const others = tensors.filter((_, i) => i !== iC);
    const lastOnly = (f: (a: SsdScanArgs) => unknown) => (...xs: tf.Tensor[]) => {
      const all = [...xs.slice(0, iC), tensors[iC], ...xs.slice(iC)];
      return tf.sum(tf.square((f(toArgs(c, names, all)) as { lastState: tf.Tensor }).lastState)) as tf.Scalar;
    };
    const gF = tf.grads(lastOnly(ssdScan))(others);
    const gR = tf.grads(lastOnly(ssdScanChunked))(others);
    names.filter((n) => n !== 'C').forEach((n, i) => expectClose(gF[i], gR[i], ATOL, RTOL, `d${n}`));
    tf.dispose([...gF, ...gR, ...tensors]);
  });

  it('strong decay (exp(dt·A) underflows): finite and equal to the reference', () => {
    const c = { ...SSD_CASES[3], name: 'decay' };
    const { names, tensors } = makeInputs(c, 4);
    tensors[2].dispose();
    tensors[2] = tf.tensor1d([-80, -300]);
    const f = (op: (a: SsdScanArgs) => unknown) => (...xs: tf.Tensor[]) =>
      projectedLoss(c, op(toArgs(c, names, xs)) as tf.Tensor);
    const gF = tf.grads(f(ssdScan))(tensors);
    const gR = tf.grads(f(ssdScanChunked))(tensors);
    names.forEach((n, i) => {
      expect(Array.from(gF[i].dataSync()).every(Number.isFinite)).toBe(true);
      expectClose(gF[i], gR[i], ATOL, RTOL, `d${n}`);
    });
    tf.dispose([...gF, ...gR, ...tensors]);
  });

  it('leaves no tensors behind after forward and backward', () => {
    const c = SSD_CASES[2];
    const { names, tensors } = makeInputs(c);
    expectNoLeak(() => tf.dispose(outputs(ssdScan(toArgs(c, names, tensors)))), 'forward with lastState');
    const c0 = SSD_CASES[0];
    const in0 = makeInputs(c0);
    expectNoLeak(() => ssdScan(toArgs(c0, in0.names, in0.tensors)).dispose(), 'forward');
    expectNoLeak(() => {
      const g = tf.grads((...xs: tf.Tensor[]) => projectedLoss(c, ssdScan(toArgs(c, names, xs))))(tensors);
      tf.dispose(g);
    }, 'backward');
    tf.dispose([...tensors, ...in0.tensors]);
  });
});

describe('ssdScan argument validation', () => {
  beforeAll(() => useBackend('cpu'));
  const base = (): SsdScanArgs => ({
    x: rand([2, 5, 4, 3], 1) as tf.Tensor4D,
    dt: rand([2, 5, 4], 2, 0.1, 0.5) as tf.Tensor3D,
    A: rand([4], 3, -1, -0.1) as tf.Tensor1D,
    B: rand([2, 5, 2, 6], 4) as tf.Tensor4D,
    C: rand([2, 5, 2, 6], 5) as tf.Tensor4D,
  });
  const cases: Array<[string, (a: SsdScanArgs) => SsdScanArgs, RegExp]> = [
    ['x wrong rank', (a) => ({ ...a, x: tf.zeros([2, 5, 12]) as unknown as tf.Tensor4D }), /ssdScan: argument 'x' must have rank 4 \(Bt, L, H, P\), received rank 3 with shape \[2, 5, 12\]/],
    ['dt mismatched', (a) => ({ ...a, dt: tf.zeros([2, 6, 4]) as tf.Tensor3D }), /argument 'dt' must have shape \(Bt=2, L=5, H=4\), received shape \[2, 6, 4\]/],
    ['A wrong length', (a) => ({ ...a, A: tf.zeros([3]) as tf.Tensor1D }), /argument 'A' must have shape \(H=4\), received shape \[3\]/],
    ['x int32', (a) => ({ ...a, x: tf.zeros([2, 5, 4, 3], 'int32') as tf.Tensor4D }), /argument 'x' must have dtype float32, received int32/],
    ['G does not divide H', (a) => ({ ...a, B: tf.zeros([2, 5, 3, 6]) as tf.Tensor4D, C: tf.zeros([2, 5, 3, 6]) as tf.Tensor4D }), /argument 'B' must have G ≥ 1 groups dividing H=4.*received shape \[2, 5, 3, 6\]/],
    ['C mismatched', (a) => ({ ...a, C: tf.zeros([2, 5, 2, 7]) as tf.Tensor4D }), /argument 'C' must have shape \(Bt=2, L=5, G=2, N=6\), received shape \[2, 5, 2, 7\]/],
    ['D wrong shape', (a) => ({ ...a, D: tf.zeros([4, 2]) }), /argument 'D' must have shape \(H=4, P=3\), received shape \[4, 2\]/],
    ['D wrong rank', (a) => ({ ...a, D: tf.zeros([4, 3, 1]) }), /argument 'D' must have rank 1 or 2 \(H\) or \(H, P\), received rank 3/],
    ['z mismatched', (a) => ({ ...a, z: tf.zeros([2, 5, 4, 2]) as tf.Tensor4D }), /argument 'z' must have shape \(Bt=2, L=5, H=4, P=3\), received shape \[2, 5, 4, 2\]/],
    ['dtBias wrong', (a) => ({ ...a, dtBias: tf.zeros([2]) as tf.Tensor1D }), /argument 'dtBias' must have shape \(H=4\), received shape \[2\]/],
    ['initialState wrong', (a) => ({ ...a, initialState: tf.zeros([2, 4, 6, 3]) as tf.Tensor4D }), /argument 'initialState' must have shape \(Bt=2, H=4, P=3, N=6\), received shape \[2, 4, 6, 3\]/],
    ['chunkSize 0', (a) => ({ ...a, chunkSize: 0 }), /option 'chunkSize' must be an integer >= 1, received 0/],
    ['chunkSize fractional', (a) => ({ ...a, chunkSize: 2.5 }), /option 'chunkSize' must be an integer >= 1, received 2.5/],
    ['dtSoftplus not boolean', (a) => ({ ...a, dtSoftplus: 'yes' as unknown as boolean }), /option 'dtSoftplus' must be a boolean, received yes/],
    ['B not a tensor', (a) => ({ ...a, B: [1, 2] as unknown as tf.Tensor4D }), /argument 'B' must be a tf.Tensor, received object/],
  ];
  it.each(cases)('%s throws a descriptive error', (_n, mutate, re) => {
    expect(() => ssdScan(mutate(base()))).toThrow(re);
  });
});
