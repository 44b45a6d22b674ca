import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectGradsReachEveryWeight, expectJsonRoundTrip, expectRightPaddingIgnored, expectStepMatchesForward } from '../../testing/layerChecks';
import { H3 } from './h3';
import { jsDiagKernel, weightsByName } from './testUtil';

/** H3 forward in float64 JS from the layer's weights. */
function jsForward(layer: H3, x: tf.Tensor): tf.Tensor {
  const [B, L, H] = x.shape;
  const w = weightsByName(layer);
  const xs = x.dataSync();
  const N = layer.dState;
  const M = N / 2;
  const kd = Array.from({ length: H }, (_, h) => {
    const sl = (a: number[]) => a.slice(h * M, (h + 1) * M);
    return jsDiagKernel(Math.exp(w.ssm_log_dt[h]), sl(w.ssm_log_A_re).map((v) => -Math.exp(v)), sl(w.ssm_A_im), sl(w.ssm_C_re), sl(w.ssm_C_im), layer.disc, L);
  });
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    // proj[l][c], c < 3H
    const proj = Array.from({ length: L }, (_, l) => Array.from({ length: 3 * H }, (_, c) => {
      let s = w.in_bias[c];
      for (let i = 0; i < H; i++) s += xs[(b * L + l) * H + i] * w.in_kernel[i * 3 * H + c];
      return s;
    }));
    const sv = Array.from({ length: L }, (_, l) => Array.from({ length: H }, (_, h) => {
      let s = w.ssm_shift_D[h] * proj[l][H + h];
      for (let j = 0; j < Math.min(N, l + 1); j++) s += w.ssm_shift_kernel[h * N + j] * proj[l - j][H + h];
      return s * proj[l][2 * H + h];
    }));
    for (let l = 0; l < L; l++) {
      const g = Array.from({ length: H }, (_, h) => {
        let z = w.ssm_D[h] * sv[l][h];
        for (let j = 0; j <= l; j++) z += kd[h][j] * sv[l - j][h];
        return proj[l][h] * z;
      });
      for (let o = 0; o < H; o++) out.push(g.reduce((s, gv, h) => s + gv * w.out_kernel[h * H + o], w.out_bias[o]));
    }
  }
  return tf.tensor(out, x.shape);
}

describe.each(TEST_BACKENDS)('H3 on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([[4, 'zoh'], [8, 'bilinear']] as const)('forward (N=%i, %s; N > L truncates the FIR) matches float64 JS; grads reach every weight; no leaks', (N, disc) => {
    const layer = new H3({ dState: N, disc, seed: 1, dtMin: 0.05, dtMax: 0.5 });
    const x = rand([2, 6, 3], 41);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 6, 3]);
    const want = jsForward(layer, x);
    expectClose(y, want, 1e-5, 1e-4, 'H3');
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'H3 forward');
    expectGradsReachEveryWeight(layer, x, x, ['in_bias', 'in_kernel', 'out_bias', 'out_kernel',
      'ssm_A_im', 'ssm_C_im', 'ssm_C_re', 'ssm_D', 'ssm_log_A_re', 'ssm_log_dt', 'ssm_shift_D', 'ssm_shift_kernel']);
    tf.dispose([x, y, want]);
    layer.dispose();
  });

  it('step over chunks of 1, 3 and the rest equals the full forward', () => {
    const layer = new H3({ dState: 4, seed: 2 });
    const x = rand([2, 9, 3], 42);
    expectStepMatchesForward(layer, x);
    x.dispose();
    layer.dispose();
  });

  it('padding mask: pads output zero, garbage in pads does not reach real tokens', () => {
    const layer = new H3({ dState: 4, seed: 3 });
    const real = rand([1, 4, 2], 43);
    expectRightPaddingIgnored(layer, real, 2, 44);
    real.dispose();
    layer.dispose();
  });
});

describe('H3: serialization and errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('round-trips through model JSON with the same outputs', async () => {
    const model = tfl.sequential({ layers: [new H3({ inputShape: [5, 4], dState: 6, disc: 'bilinear', seed: 5 })] });
    const x = rand([2, 5, 4], 45);
    const copy = await expectJsonRoundTrip(model, x);
    const l = copy.layers[0] as H3;
    expect([l.getClassName(), l.dState, l.disc, l.seed]).toEqual(['H3', 6, 'bilinear', 5]);
    x.dispose();
    model.dispose();
    copy.dispose();
  });

  it('rejects bad configs and inputs', () => {
    expect(() => new H3({ dState: 5 })).toThrow(/H3: option 'dState' must be an even integer.*received 5/);
    expect(() => new H3({ dtMin: 1, dtMax: 0.5 })).toThrow(/H3: options 'dtMin' <= 'dtMax'/);
    expect(() => new H3({ dModel: 4 }).apply(tf.zeros([1, 3, 2]))).toThrow(/H3: input must have last dimension d_model=4/);
  });
});
