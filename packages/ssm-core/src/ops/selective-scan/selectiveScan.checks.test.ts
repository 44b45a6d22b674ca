import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { selectiveScan } from './selectiveScan';
import { selectiveScanReference } from './reference';
import type { SelectiveScanArgs } from './types';
import { ScanCase, disposeArgs, makeArgs, projectedLoss, segmentIds } from './testCases';

const FULL: ScanCase = { name: 'small, every option', Bt: 1, D: 2, L: 5, N: 2, G: 2, skip: true, gate: true, bias: true, softplus: true, init: true, last: true, segments: [3, 2] };

describe.each(TEST_BACKENDS)('selectiveScan checks on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  // Central differences in float32: eps 1e-2, pass when |analytic - numeric| <= 2e-3 + 2e-2·|numeric|.
  it.each([
    ['reference', selectiveScanReference],
    ['fused', selectiveScan],
  ] as const)('%s gradients match finite differences', (_name, fn) => {
    for (const c of [FULL, { ...FULL, reverse: true, segments: undefined, G: undefined }]) {
      const args = makeArgs(c, 11);
      const w = rand([c.Bt, c.D, c.L], 12);
      const w2 = rand([c.Bt, c.D, c.N], 13);
      const { f, xs } = projectedLoss(fn as never, args, w, w2);
      const { worst, detail } = gradcheck(f, xs, { eps: 1e-2 });
      expect({ worst: worst <= 1 ? 'ok' : worst, detail }).toEqual({ worst: 'ok', detail: expect.any(String) });
      disposeArgs(args);
      w.dispose();
      w2.dispose();
    }
  });

  it.each([false, true])('tokens before a segment boundary do not affect tokens after it (reverse=%s)', (reverse) => {
    const c: ScanCase = { name: 'iso', Bt: 2, D: 5, L: 20, N: 3, gate: true, skip: true, softplus: true, init: true, last: true, reverse };
    const args = makeArgs(c, 21);
    // Boundary between t = 8 and t = 9 in both rows; in scan order "before" is t <= 8 (forward) or t >= 9 (reverse).
    const seg = tf.tensor2d([...Array(40)].map((_, i) => (i % 20 < 9 ? 3 : 7)), [2, 20], 'int32');
    const before = tf.tensor3d([...Array(2 * 5 * 20)].map((_, i) => ((i % 20 < 9) !== reverse ? 1 : 0)), [2, 5, 20]);
    const changed: SelectiveScanArgs = {
      ...args,
      segmentIds: seg,
      u: tf.add(args.u, tf.mul(before, 3)) as tf.Tensor3D,
      delta: tf.add(args.delta, tf.mul(before, 0.7)) as tf.Tensor3D,
      z: tf.sub(args.z as tf.Tensor, before) as tf.Tensor3D,
      B: tf.add(args.B, tf.slice(before, [0, 0, 0], [2, 3, 20])),
      initialState: tf.mul(args.initialState as tf.Tensor, 5) as tf.Tensor3D,
    };
    tf.tidy(() => {
      const a = selectiveScan({ ...args, segmentIds: seg }) as unknown as { y: tf.Tensor; lastState: tf.Tensor };
      const b = selectiveScan(changed) as unknown as { y: tf.Tensor; lastState: tf.Tensor };
      const after = tf.sub(1, before);
      expectClose(tf.mul(b.y, after), tf.mul(a.y, after), 1e-6, 1e-6, 'y after the boundary');
      expectClose(b.lastState, a.lastState, 1e-6, 1e-6, 'lastState');
      // ...while tokens before the boundary did change (the test can fail).
      expect(tf.max(tf.abs(tf.mul(tf.sub(b.y, a.y), before))).dataSync()[0]).toBeGreaterThan(1e-2);
      const r = selectiveScanReference(changed) as unknown as { y: tf.Tensor };
      expectClose(b.y, r.y, 1e-4, 1e-3, 'fused vs reference with segments');
    });
    disposeArgs(args);
    for (const t of [seg, before, changed.u, changed.delta, changed.z, changed.B, changed.initialState]) t?.dispose();
  });

  it('repeated calls give identical results (worker pool and single thread, interleaved)', () => {
    const cases: ScanCase[] = [
      { name: 'pool', Bt: 2, D: 32, L: 256, N: 16, gate: true, softplus: true, init: true, last: true },
      { name: 'inline', Bt: 2, D: 5, L: 100, N: 16, skip: true, gate: true, init: true, last: true },
    ];
    const runs = cases.map((c) => {
      const args = makeArgs(c, 51);
      return { args, ...projectedLoss(selectiveScan, args, rand([c.Bt, c.D, c.L], 52), rand([c.Bt, c.D, c.N], 53)) };
    });
    const first: Float32Array[][] = [];
    for (let r = 0; r < 4; r++) {
      runs.forEach((run, ci) => {
        const gs = tf.tidy(() => tf.grads(run.f)(run.xs).map((g) => g.dataSync().slice() as Float32Array));
        if (r === 0) first[ci] = gs;
        else gs.forEach((g, i) => expect({ case: cases[ci]?.name, grad: run.keys[i], same: g.every((v, j) => v === first[ci]?.[i]?.[j]) }).toEqual({ case: cases[ci]?.name, grad: run.keys[i], same: true }));
      });
    }
    runs.forEach((run) => disposeArgs(run.args));
  });

  it('leaves no tensors behind (forward and backward)', () => {
    const args = makeArgs(FULL, 31);
    const w = rand([1, 2, 5], 32);
    const w2 = rand([1, 2, 2], 33);
    expectNoLeak(() => {
      const out = selectiveScan(args) as unknown as { y: tf.Tensor; lastState: tf.Tensor };
      out.y.dispose();
      out.lastState.dispose();
    }, 'forward');
    expectNoLeak(() => {
      const y = selectiveScan({ ...args, returnLastState: false, segmentIds: undefined, D: undefined });
      y.dispose();
    }, 'forward without optional inputs');
    expectNoLeak(() => {
      const { f, xs } = projectedLoss(selectiveScan, args, w, w2);
      tf.grads(f)(xs).forEach((g) => g.dispose());
    }, 'backward');
    expectNoLeak(() => {
      const plain = { u: args.u, delta: args.delta, A: args.A, B: args.B, C: args.C };
      const { f, xs } = projectedLoss(selectiveScan, plain, w, null);
      tf.grads(f)(xs).forEach((g) => g.dispose());
    }, 'backward without optional inputs');
    disposeArgs(args);
    w.dispose();
    w2.dispose();
  });

  it('rejects bad input with errors naming the argument, expected and received', () => {
    const args = makeArgs({ name: 'err', Bt: 2, D: 4, L: 8, N: 3, G: 2 }, 41);
    const bad = (patch: Record<string, unknown>) => () => selectiveScan({ ...args, ...patch } as unknown as SelectiveScanArgs);
    tf.tidy(() => {
      expect(bad({ u: tf.zeros([2, 4]) })).toThrow(/selectiveScan: argument 'u' must have rank 3 \(Bt, D, L\), received rank 2 with shape \[2, 4\]/);
      expect(bad({ delta: tf.zeros([2, 4, 7]) })).toThrow(/argument 'delta' must have shape \(Bt=2, D=4, L=8\), received shape \[2, 4, 7\]/);
      expect(bad({ u: tf.zeros([2, 4, 8], 'int32') })).toThrow(/argument 'u' must have dtype float32, received int32/);
      expect(bad({ A: tf.zeros([5, 3]) })).toThrow(/argument 'A' must have shape \(D=4, N\), received shape \[5, 3\]/);
      expect(bad({ B: tf.zeros([2, 3, 3, 8]), C: tf.zeros([2, 3, 3, 8]) })).toThrow(/argument 'B' has G=3 groups, expected a divisor of D=4/);
      expect(bad({ C: tf.zeros([2, 3, 8]) })).toThrow(/argument 'C' must have the same form as B.*received shape \[2, 3, 8\]/);
      expect(bad({ C: tf.zeros([2, 1, 3, 8]) })).toThrow(/argument 'C' must have shape \(Bt=2, G=2, N=3, L=8\), received shape \[2, 1, 3, 8\]/);
      expect(bad({ D: tf.zeros([3]) })).toThrow(/argument 'D' must have shape \(D=4\), received shape \[3\]/);
      expect(bad({ z: tf.zeros([2, 4, 9]) })).toThrow(/argument 'z' must have shape \(Bt=2, D=4, L=8\), received shape \[2, 4, 9\]/);
      expect(bad({ initialState: tf.zeros([2, 4, 2]) })).toThrow(/argument 'initialState' must have shape \(Bt=2, D=4, N=3\), received shape \[2, 4, 2\]/);
      expect(bad({ segmentIds: tf.zeros([2, 8]) })).toThrow(/argument 'segmentIds' must have dtype int32, received float32/);
      expect(bad({ segmentIds: segmentIds(2, 7, [3]) })).toThrow(/argument 'segmentIds' must have shape \(Bt=2, L=8\), received shape \[2, 7\]/);
      expect(bad({ deltaSoftplus: 'yes' })).toThrow(/option 'deltaSoftplus' must be a boolean, received yes/);
      expect(bad({ reverse: 1 })).toThrow(/option 'reverse' must be a boolean, received 1/);
      expect(bad({ B: undefined })).toThrow(/argument 'B' must be a tf.Tensor, received undefined/);
    });
    disposeArgs(args);
  });
});
