import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for its own ops (the reference twin needs them).
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, rand } from '../../testing/compare';
import { hasFusedKernel } from '../../kernels/dispatch';
import { selectiveScan } from './selectiveScan';
import { selectiveScanReference } from './reference';
import { SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD } from './kernelNames';
import { ScanCase, disposeArgs, makeArgs, projectedLoss } from './testCases';

// float32 tolerances. Forward: the fused kernel uses a polynomial 2^x (rel. err ~2e-7) and sums
// over n in a different order than the reference. Gradients: sums over L·N terms in other orders.
const FWD_ATOL = 1e-4;
const FWD_RTOL = 1e-3;
const GRAD_ATOL = 5e-4;
const GRAD_RTOL = 5e-3;

const CASES: ScanCase[] = [
  { name: 'L=1 N=1', Bt: 1, D: 4, L: 1, N: 1 },
  { name: 'N=1 odd L, partial channel block', Bt: 2, D: 3, L: 37, N: 1, skip: true },
  { name: 'odd L, D/z/bias/softplus', Bt: 2, D: 6, L: 37, N: 3, skip: true, gate: true, bias: true, softplus: true },
  { name: 'grouped G=2, initial + last state', Bt: 2, D: 8, L: 16, N: 4, G: 2, init: true, last: true },
  { name: 'reverse, last state', Bt: 1, D: 8, L: 37, N: 5, reverse: true, init: true, last: true, gate: true },
  { name: 'segments', Bt: 2, D: 8, L: 37, N: 4, segments: [5, 11, 1, 20], init: true, last: true, skip: true },
  { name: 'reverse + segments + groups, odd group width', Bt: 2, D: 6, L: 23, N: 2, G: 2, reverse: true, segments: [7, 3, 13], init: true, last: true, gate: true, bias: true, softplus: true },
  { name: 'non-power-of-two L, N=16, everything', Bt: 2, D: 5, L: 100, N: 16, skip: true, gate: true, bias: true, softplus: true, init: true, last: true },
  // Large enough (2·32·256·16 updates) to run on the worker pool.
  { name: 'pool-sized', Bt: 2, D: 32, L: 256, N: 16, skip: true, gate: true, bias: true, softplus: true, last: true },
];

describe.each(TEST_BACKENDS)('selectiveScan fused kernel on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('has the fused forward and gradient kernels', () => {
    expect(hasFusedKernel(SELECTIVE_SCAN)).toBe(true);
    expect(hasFusedKernel(SELECTIVE_SCAN_GRAD)).toBe(true);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('forward and every gradient match the reference: %s', (_name, c) => {
    const args = makeArgs(c, 7);
    const { Bt, D, L, N } = c;
    const w = rand([Bt, D, L], 101);
    const w2 = c.last ? rand([Bt, D, N], 102) : null;
    tf.tidy(() => {
      const fused = selectiveScan(args);
      const ref = selectiveScanReference(args);
      if (c.last) {
        const f = fused as unknown as { y: tf.Tensor; lastState: tf.Tensor };
        const r = ref as unknown as { y: tf.Tensor; lastState: tf.Tensor };
        expectClose(f.y, r.y, FWD_ATOL, FWD_RTOL, 'y');
        expectClose(f.lastState, r.lastState, FWD_ATOL, FWD_RTOL, 'lastState');
      } else {
        expectClose(fused as tf.Tensor, ref as tf.Tensor, FWD_ATOL, FWD_RTOL, 'y');
      }
      const lf = projectedLoss(selectiveScan, args, w, w2);
      const lr = projectedLoss(selectiveScanReference, args, w, w2);
      const gf = tf.grads(lf.f)(lf.xs);
      const gr = tf.grads(lr.f)(lr.xs);
      lf.keys.forEach((k, i) => expectClose(gf[i] as tf.Tensor, gr[i] as tf.Tensor, GRAD_ATOL, GRAD_RTOL, `d${k}`));
    });
    disposeArgs(args);
    w.dispose();
    w2?.dispose();
  });

  it('gradient through lastState alone (y unused)', () => {
    const c: ScanCase = { name: 'last only', Bt: 2, D: 4, L: 9, N: 3, init: true, last: true, gate: true, segments: [4, 5] };
    const args = makeArgs(c, 3);
    const w = tf.zeros([2, 4, 9]);
    const w2 = rand([2, 4, 3], 5);
    tf.tidy(() => {
      const lf = projectedLoss(selectiveScan, args, w, w2, 0);
      const lr = projectedLoss(selectiveScanReference, args, w, w2, 0);
      const gf = tf.grads(lf.f)(lf.xs);
      const gr = tf.grads(lr.f)(lr.xs);
      lf.keys.forEach((k, i) => expectClose(gf[i] as tf.Tensor, gr[i] as tf.Tensor, GRAD_ATOL, GRAD_RTOL, `d${k}`));
    });
    disposeArgs(args);
    w.dispose();
    w2.dispose();
  });
});
