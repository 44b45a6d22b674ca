import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectNoLeak, rand } from '../../../ssm-core/src/testing/compare';
import { gradcheck } from '../../../ssm-core/src/testing/gradcheck';
import { TEST_BACKENDS, useBackend } from '../../../ssm-core/src/testing/backends';
import { gatherTokens, scatterTokens } from './tokenGather';
import { gatherTokensReference, scatterTokensReference } from './reference';
import { atrousScanPlan, crossScanPlan, groupedScanPlan, multiScalePlans, visitCounts } from './plans';
import {
  atrousMerge2d, atrousScan2d, crossMerge2d, crossScan2d, groupedMerge2d, groupedScan2d, multiScaleMerge2d, multiScaleScan2d,
} from './scans2d';
import {
  atrousMerge2dReference, atrousScan2dReference, crossMerge2dReference, crossScan2dReference, groupedMerge2dReference,
  groupedScan2dReference, multiScaleMerge2dReference, multiScaleScan2dReference,
} from './scans2dReference';

describe('scan plans', () => {
  it('cross-scan: every direction visits every pixel exactly once; reversed = reverse of forward', () => {
    const p = crossScanPlan(3, 5);
    for (const c of visitCounts(p, 15)) expect(c.every((n) => n === 1)).toBe(true);
    const row = Array.from(p.index.subarray(0, 15));
    expect(Array.from(p.index.subarray(30, 45))).toEqual([...row].reverse());
    // column-major: second token is one row down
    expect(p.index[15 + 1]).toBe(5);
  });
  it('atrous "all": every pixel once per direction; "one": once over the 4 directions', () => {
    const all = atrousScanPlan(4, 6, 2, 'all');
    for (const c of visitCounts(all, 24)) expect(c.every((n) => n === 1)).toBe(true);
    expect(Array.from(all.segments ?? [])).toEqual(Array.from({ length: 24 }, (_, t) => Math.floor(t / 6)));
    const one = atrousScanPlan(4, 6, 2, 'one');
    expect(one.Lp).toBe(6);
    const total = visitCounts(one, 24).reduce((acc, c) => acc.map((v, i) => v + c[i]));
    expect(total.every((n) => n === 1)).toBe(true);
    // direction 0 scans sub-grid (0, 0) row-major with stride 2
    expect(Array.from(one.index.subarray(0, 3))).toEqual([0, 2, 4]);
  });
  it('grouped and multi-scale plans cover each map once per direction', () => {
    for (const c of visitCounts(groupedScanPlan(4, 4), 16)) expect(c.every((n) => n === 1)).toBe(true);
    const m = multiScalePlans(5, 3);
    expect([m.downH, m.downW]).toEqual([3, 2]);
    for (const c of visitCounts(m.full, 15)) expect(c.every((n) => n === 1)).toBe(true);
    for (const c of visitCounts(m.down, 6)) expect(c.every((n) => n === 1)).toBe(true);
  });
  it('rejects bad sizes with the argument named', () => {
    expect(() => atrousScanPlan(5, 4, 2)).toThrow(/stride p .* dividing H=5/);
    expect(() => atrousScanPlan(6, 6, 3, 'one')).toThrow(/even stride/);
    expect(() => crossScanPlan(0, 3)).toThrow(/H, W must be integers >= 1/);
  });
});

/** <f(x), r> for a fixed random r: a scalar whose gradient is the vjp with r. */
function proj(t: tf.Tensor, seed: number): tf.Scalar {
  return tf.sum(tf.mul(t, rand(t.shape, seed))) as tf.Scalar;
}

function compareWithGrads(fused: (x: tf.Tensor) => tf.Tensor, ref: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, label: string): void {
  tf.tidy(() => {
    expectClose(fused(x), ref(x), 1e-6, 1e-6, `${label} value`);
    const gF = tf.grad((v: tf.Tensor) => proj(fused(v), 99))(x);
    const gR = tf.grad((v: tf.Tensor) => proj(ref(v), 99))(x);
    expectClose(gF, gR, 1e-5, 1e-5, `${label} gradient`);
  });
}

describe.each(TEST_BACKENDS)('2-D scans on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('crossScan2d / crossMerge2d equal their twins (values and gradients); merge(scan(x)) = 4x', () => {
    const x = rand([2, 3, 5, 4], 1);
    const y = rand([2, 4, 4, 15], 2);
    compareWithGrads(crossScan2d, crossScan2dReference, x, 'crossScan2d');
    compareWithGrads((v) => crossMerge2d(v, 3, 5), (v) => crossMerge2dReference(v, 3, 5), y, 'crossMerge2d');
    tf.tidy(() => expectClose(crossMerge2d(crossScan2d(x), 3, 5), tf.mul(x, 4), 1e-6, 1e-6, 'merge∘scan'));
    x.dispose();
    y.dispose();
  });

  it('atrous scans equal their twins in both modes; merge(scan(x)) = 4x ("all") and x ("one")', () => {
    const x = rand([2, 4, 6, 3], 3);
    for (const mode of ['one', 'all'] as const) {
      const Lp = mode === 'one' ? 6 : 24;
      const y = rand([2, 4, 3, Lp], 4);
      compareWithGrads((v) => atrousScan2d(v, 2, mode), (v) => atrousScan2dReference(v, 2, mode), x, `atrous ${mode}`);
      compareWithGrads((v) => atrousMerge2d(v, 4, 6, 2, mode), (v) => atrousMerge2dReference(v, 4, 6, 2, mode), y, `atrous merge ${mode}`);
      tf.tidy(() => expectClose(atrousMerge2d(atrousScan2d(x, 2, mode), 4, 6, 2, mode), tf.mul(x, mode === 'all' ? 4 : 1), 1e-6, 1e-6, `atrous ${mode} round trip`));
      y.dispose();
    }
    const x4 = rand([1, 4, 4, 2], 5);
    compareWithGrads((v) => atrousScan2d(v, 4, 'one'), (v) => atrousScan2dReference(v, 4, 'one'), x4, 'atrous p=4');
    x.dispose();
    x4.dispose();
  });

  it('grouped scan equals its twin; merge(scan(x)) = x', () => {
    const x = rand([2, 3, 4, 8], 6);
    const y = rand([2, 4, 2, 12], 7);
    compareWithGrads(groupedScan2d, groupedScan2dReference, x, 'groupedScan2d');
    compareWithGrads((v) => groupedMerge2d(v, 3, 4), (v) => groupedMerge2dReference(v, 3, 4), y, 'groupedMerge2d');
    tf.tidy(() => expectClose(groupedMerge2d(groupedScan2d(x), 3, 4), x, 1e-7, 0, 'grouped round trip'));
    expect(() => groupedScan2d(rand([1, 2, 2, 6], 1))).toThrow(/multiple of 4/);
    x.dispose();
    y.dispose();
  });

  it('multi-scale scan and merge equal their twins (odd sizes too)', () => {
    const x = rand([2, 5, 3, 2], 8);
    const xd = rand([2, 3, 2, 2], 9);
    const sF = multiScaleScan2d(x, xd);
    const sR = multiScaleScan2dReference(x, xd);
    expectClose(sF.full, sR.full, 1e-7, 0, 'full');
    expectClose(sF.down, sR.down, 1e-7, 0, 'down');
    const gF = tf.grads((a: tf.Tensor, b: tf.Tensor) => { const s = multiScaleScan2d(a, b); return tf.add(proj(s.full, 1), proj(s.down, 2)); })([x, xd]);
    const gR = tf.grads((a: tf.Tensor, b: tf.Tensor) => { const s = multiScaleScan2dReference(a, b); return tf.add(proj(s.full, 1), proj(s.down, 2)); })([x, xd]);
    gF.forEach((g, i) => expectClose(g, gR[i], 1e-5, 1e-5, `multi-scale grad ${i}`));
    const yF = rand([2, 1, 2, 15], 10);
    const yD = rand([2, 3, 2, 6], 11);
    const mF = tf.grads((a: tf.Tensor, b: tf.Tensor) => proj(multiScaleMerge2d(a, b, 5, 3), 3))([yF, yD]);
    const mR = tf.grads((a: tf.Tensor, b: tf.Tensor) => proj(multiScaleMerge2dReference(a, b, 5, 3), 3))([yF, yD]);
    mF.forEach((g, i) => expectClose(g, mR[i], 1e-5, 1e-5, `multi-scale merge grad ${i}`));
    expectClose(multiScaleMerge2d(yF, yD, 5, 3), multiScaleMerge2dReference(yF, yD, 5, 3), 1e-6, 1e-6, 'multi-scale merge');
    expect(() => multiScaleScan2d(x, rand([2, 2, 2, 2], 1))).toThrow(/'xDown' must have shape \(2, 3, 2, 2\)/);
    tf.dispose([x, xd, sF.full, sF.down, sR.full, sR.down, ...gF, ...gR, yF, yD, ...mF, ...mR]);
  });

  it('leaves no tensors behind (forward and backward)', () => {
    const x = rand([1, 4, 4, 4], 12);
    expectNoLeak(() => {
      for (const scan of [crossScan2d(x), groupedScan2d(x), atrousScan2d(x, 2)]) tf.dispose(scan);
      const s = crossScan2d(x);
      tf.dispose([s, crossMerge2d(s, 4, 4)]);
      tf.dispose(tf.grad((v: tf.Tensor) => proj(crossMerge2d(crossScan2d(v), 4, 4), 1))(x));
      tf.dispose(tf.grad((v: tf.Tensor) => proj(groupedMerge2d(groupedScan2d(v), 4, 4), 1))(x));
      tf.dispose(tf.grad((v: tf.Tensor) => proj(atrousMerge2d(atrousScan2d(v, 2), 4, 4, 2), 1))(x));
    }, 'scans');
    x.dispose();
  });
});

describe('reference twins against finite differences (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  it('cross, atrous, grouped and multi-scale references have correct gradients', () => {
    const x = rand([1, 2, 4, 4], 13);
    const cases: [string, (v: tf.Tensor) => tf.Tensor][] = [
      ['cross', (v) => crossMerge2dReference(tf.mul(crossScan2dReference(v), crossScan2dReference(v)), 2, 4)],
      ['atrous', (v) => atrousMerge2dReference(tf.square(atrousScan2dReference(v, 2, 'all')), 2, 4, 2, 'all')],
      ['grouped', (v) => groupedMerge2dReference(tf.sin(groupedScan2dReference(v)), 2, 4)],
    ];
    for (const [name, f] of cases) {
      const r = gradcheck((v) => proj(f(v), 5), [x]);
      if (r.worst > 1) throw new Error(`${name}: ${r.detail}`);
    }
    x.dispose();
  });
});

describe('gatherTokens / scatterTokens (fused permutation) errors and twins', () => {
  beforeAll(() => useBackend('wasm'));
  it('equals its twin for a strided channel layout, values and gradients', () => {
    const x = rand([2, 5, 6], 21);
    const idx = tf.tensor2d([[4, 0, 2], [1, 1, 3]], [2, 3], 'int32'); // repeated token: the scatter must add
    const ch = { channels: 2, channelStride: 3 };
    compareWithGrads((v) => gatherTokens(v, idx, ch), (v) => gatherTokensReference(v, idx, ch), x, 'gather strided');
    const y = rand([2, 4, 3], 22);
    compareWithGrads((v) => scatterTokens(v, idx, 5, 6, ch), (v) => scatterTokensReference(v, idx, 5, 6, ch), y, 'scatter strided');
    expect(() => gatherTokens(x, tf.tensor2d([[0, 5]], [1, 2], 'int32'), ch)).toThrow(/'index' holds 5 at flat position 1; expected token indices in \[0, 5\)/);
    expect(() => gatherTokens(tf.zeros([5, 6]), idx, ch)).toThrow(/'x' must be a float32 tensor \(B, L, C\), received shape \[5, 6\]/);
    expect(() => gatherTokens(x, idx, { channels: 4, channelStride: 3 })).toThrow(/need 7 input channels, received C=6/);
    expect(() => scatterTokens(y, idx, 5, 6, { channels: 3, channelStride: 3 })).toThrow(/'y' must be a float32 tensor \(B, K·channels=6, Lp=3\)/);
    tf.dispose([x, idx, y]);
  });
});
