import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectGradsReachEveryWeight, expectStepMatchesForward } from '../../testing/layerChecks';
import { AdamW, ssmParameterGroup } from '../../train/adamw';
import { H3 } from './h3';
import { LongConv } from './longConv';
import { S4 } from './s4';
import { S4D } from './s4d';
import { jsConvLayer, jsDiagKernel, maxAbs, weightsByName } from './testUtil';

const [B, L, H, N] = [2, 9, 3, 8];

/** Kernel rows (h) of a built layer from its weights, in float64 JS; dir selects C (0 fwd, 1 bwd). */
function jsKernelOf(layer: S4D, L: number, dir = 0): number[][] {
  const w = weightsByName(layer);
  const M = w.ssm_A_im.length / w.ssm_log_dt.length;
  return Array.from({ length: layer.weights[0].shape[0] as number }, (_, h) => {
    const sl = (a: number[], off = 0) => a.slice(off + h * M, off + (h + 1) * M);
    const Hn = w.ssm_log_dt.length;
    return jsDiagKernel(Math.exp(w.ssm_log_dt[h]), sl(w.ssm_log_A_re).map((v) => -Math.exp(v)), sl(w.ssm_A_im),
      sl(w.ssm_C_re, dir * Hn * M), sl(w.ssm_C_im, dir * Hn * M), layer.disc, L);
  });
}

function jsForward(layer: S4D, x: tf.Tensor): tf.Tensor {
  const [b, l, h] = x.shape;
  const w = weightsByName(layer);
  const kf = jsKernelOf(layer, l, 0);
  const kb = layer.bidirectional ? jsKernelOf(layer, l, 1) : null;
  const kern = (c: number, lag: number) => (lag >= 0 ? kf[c][lag] : kb ? kb[c][-lag - 1] : 0);
  return tf.tensor(jsConvLayer(x.dataSync(), b, l, h, kern, w.ssm_D, w.out_kernel, w.out_bias), x.shape);
}

describe.each(TEST_BACKENDS)('S4D on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    ['zoh', false],
    ['bilinear', false],
    ['zoh', true],
  ] as const)('forward (disc %s, bidirectional %s) matches the float64 JS layer; no leaks', (disc, bidirectional) => {
    const layer = new S4D({ dState: N, disc, bidirectional, seed: 3, dtMin: 0.05, dtMax: 0.5 });
    const x = rand([B, L, H], 11);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([B, L, H]);
    const want = jsForward(layer, x);
    expectClose(y, want, 1e-4, 1e-3, `S4D ${disc}`);
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'S4D forward');
    tf.dispose([x, y, want]);
    layer.dispose();
  });

  it.each(['zoh', 'bilinear'] as const)('Vandermonde kernel (%s) matches direct float64 powers 2 Re Σ C B̄ dA^l', (disc) => {
    const layer = new S4D({ dState: 16, disc, init: 'inv', seed: 5 });
    layer.apply(tf.zeros([1, 4, H])); // build
    const k = layer.kernel(1000); // not a square: exercises the √L split and its tail slice
    const want = tf.tensor(jsKernelOf(layer, 1000));
    expectClose(k, want, 2e-5, 1e-3, `kernel ${disc}`);
    tf.dispose([k, want]);
    layer.dispose();
  });

  it('gradients reach every trainable weight (non-zero) and leave no tensors', () => {
    const layer = new S4D({ dState: N, seed: 7, bidirectional: true, dropout: 0.1 });
    const x = rand([B, L, H], 12);
    const w = rand([B, L, H], 13);
    expectGradsReachEveryWeight(layer, x, w, ['out_bias', 'out_kernel', 'ssm_A_im', 'ssm_C_im', 'ssm_C_re', 'ssm_D', 'ssm_log_A_re', 'ssm_log_dt'], { training: true });
    tf.dispose([x, w]);
    layer.dispose();
  });

  it.each(['zoh', 'bilinear'] as const)('step over chunks of 1, 3 and the rest equals the full forward (%s)', (disc) => {
    const layer = new S4D({ dState: N, disc, seed: 9, dtMin: 0.01, dtMax: 0.3 });
    const T = 11;
    const x = rand([B, T, H], 14);
    expectStepMatchesForward(layer, x);
    x.dispose();
    layer.dispose();
  });

  it.each([false, true])('padding mask (bidirectional %s): pads output zero and never affect real tokens', (bidirectional) => {
    const xi = tfl.input({ shape: [6, H] });
    const masked = tfl.layers.masking({ maskValue: 0 }).apply(xi) as tfl.SymbolicTensor;
    const layer = new S4D({ dState: N, seed: 2, bidirectional });
    const model = tfl.model({ inputs: xi, outputs: layer.apply(masked) as tfl.SymbolicTensor });
    const real = rand([1, 4, H], 15);
    const padded = tf.concat([real, tf.zeros([1, 2, H])], 1);
    const yp = model.predict(padded) as tf.Tensor; // mask from tfl Masking, passed by the model
    const yr = layer.apply(real) as tf.Tensor; // the same layer on the unpadded sequence
    const pads = tf.slice(yp, [0, 4, 0], [1, 2, H]);
    const head = tf.slice(yp, [0, 0, 0], [1, 4, H]);
    // An explicit mask with garbage in the padded positions: still no effect on real tokens.
    const garbage = tf.concat([real, rand([1, 2, H], 16, 5, 9)], 1);
    const mask = tf.tensor2d([[1, 1, 1, 1, 0, 0]]);
    const yg = layer.apply(garbage, { mask }) as tf.Tensor;
    const gHead = tf.slice(yg, [0, 0, 0], [1, 4, H]);
    const gPads = tf.slice(yg, [0, 4, 0], [1, 2, H]);
    expectClose(gHead, yr, 1e-6, 1e-5, 'explicit mask');
    expect(maxAbs(gPads)).toBe(0);
    tf.dispose([garbage, mask, yg, gHead, gPads]);
    expect(maxAbs(pads)).toBe(0);
    expectClose(head, yr, 1e-6, 1e-5, 'mask');
    tf.dispose([real, padded, yp, yr, pads, head]);
    model.dispose();
  });
});

describe('S4D: init, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(['lin', 'inv', 'real'] as const)('S4D-%s init: A, dt = exp(log_dt) in [dtMin, dtMax], C ~ CN(0, 1)', (init) => {
    const layer = new S4D({ dState: 64, init, seed: 1 });
    layer.apply(tf.zeros([1, 2, 32]));
    const w = weightsByName(layer);
    const Nn = 64;
    for (let h = 0; h < 32; h++) {
      for (let n = 0; n < 32; n++) {
        const re = -Math.exp(w.ssm_log_A_re[h * 32 + n]);
        const im = w.ssm_A_im[h * 32 + n];
        const wantIm = init === 'lin' ? Math.PI * n : init === 'inv' ? (Nn / Math.PI) * (Nn / (2 * n + 1) - 1) : 0;
        expect(re).toBeCloseTo(init === 'real' ? -(n + 1) : -0.5, 5);
        expect(Math.abs(im - wantIm)).toBeLessThan(1e-4 * Math.max(1, Math.abs(wantIm)));
      }
    }
    const dt = w.ssm_log_dt.map(Math.exp);
    expect(Math.min(...dt)).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-6));
    expect(Math.max(...dt)).toBeLessThanOrEqual(1e-1 * (1 + 1e-6));
    const c = [...w.ssm_C_re, ...w.ssm_C_im];
    const varC = c.reduce((s, v) => s + v * v, 0) / c.length; // each part N(0, 1/2)
    expect(Math.abs(varC - 0.5)).toBeLessThan(0.05);
    layer.dispose();
  });

  it('the same seed gives the same weights; model JSON round trip gives the same outputs', async () => {
    const mk = () => tfl.sequential({ layers: [new S4D({ inputShape: [5, 4], dState: 6, init: 'inv', disc: 'bilinear', seed: 42, dtMax: 0.2 })] });
    const model = mk();
    const again = mk();
    const x = rand([2, 5, 4], 16);
    const a = model.predict(x) as tf.Tensor;
    const a2 = again.predict(x) as tf.Tensor;
    expectClose(a2, a, 1e-30, 0, 'seeded');
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    const l = copy.layers[0] as S4D;
    expect([l.getClassName(), l.dState, l.init, l.disc, l.dtMax, l.seed]).toEqual(['S4D', 6, 'inv', 'bilinear', 0.2, 42]);
    copy.setWeights(model.getWeights());
    const b = copy.predict(x) as tf.Tensor;
    expectClose(b, a, 1e-7, 1e-6, 'round trip');
    tf.dispose([x, a, a2, b]);
    [model, again, copy].forEach((m) => m.dispose());
  });

  it('trains in a tf.sequential stack with AdamW: ssm_ weights get the SSM group (own lr, no decay)', async () => {
    const model = tfl.sequential({ layers: [
      new S4D({ inputShape: [8, 4], dState: 4, seed: 1 }), new S4({ dState: 8, seed: 2 }), new LongConv({ seed: 3 }), new H3({ dState: 4, seed: 4 }),
    ] });
    const opt = new AdamW({ lr: 0.01, weightDecay: 0.1, groups: [ssmParameterGroup(0.001)] });
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const ssmNames = model.trainableWeights.map((v) => v.name).filter((n) => /\/ssm_/.test(n));
    expect(ssmNames.length).toBe(6 + 8 + 2 + 8); // S4D, S4 (+ B), LongConv, H3
    for (const n of ssmNames) expect(opt.settingsFor(n)).toMatchObject({ lr: 0.001, weightDecay: 0 });
    const x = rand([4, 8, 4], 17);
    const y = rand([4, 8, 4], 18);
    const before = model.getWeights().map((t) => t.dataSync().slice());
    const h = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(Number.isFinite(h.history.loss[1] as number)).toBe(true);
    const after = model.getWeights().map((t) => t.dataSync());
    const unchanged = model.weights.filter((_, i) => !after[i].some((v, j) => v !== before[i][j])).map((v) => v.name);
    expect(unchanged).toEqual([]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad configs and inputs with clear errors', () => {
    expect(() => new S4D({ dState: 7 })).toThrow(/S4D: option 'dState' must be an even integer.*received 7/);
    expect(() => new S4D({ init: 'legs' as never })).toThrow(/S4D: option 'init' must be one of 'lin', 'inv', 'real', received "legs"/);
    expect(() => new S4D({ disc: 'euler' as never })).toThrow(/option 'disc' must be one of 'zoh', 'bilinear'/);
    expect(() => new S4D({ dtMin: 0.2, dtMax: 0.1 })).toThrow(/'dtMin' <= 'dtMax'.*dtMin=0.2, dtMax=0.1/);
    expect(() => new S4D({ dropout: 1 })).toThrow(/option 'dropout' must be a number in \[0, 1\), received 1/);
    const layer = new S4D({ dModel: 4, dState: 4 });
    expect(() => layer.apply(tf.zeros([2, 3]))).toThrow(/S4D: input must have shape \(batch, L, H\), received shape \[2, 3\]/);
    expect(() => layer.apply(tf.zeros([1, 3, 5]))).toThrow(/d_model=4, received shape \[1, 3, 5\]/);
    layer.apply(tf.zeros([1, 3, 4]));
    expect(() => layer.apply(tf.zeros([1, 3, 6]))).toThrow(/input must have shape \(batch, L, H=4\), received shape \[1, 3, 6\]/);
    expect(() => new S4D({ bidirectional: true, dState: 4 }).initialState(1)).toThrow(/build the layer/);
    const bi = new S4D({ bidirectional: true, dState: 4 });
    bi.apply(tf.zeros([1, 3, 2]));
    expect(() => bi.initialState(1)).toThrow(/step\(\) needs a causal layer, received bidirectional=true/);
    layer.dispose();
    bi.dispose();
  });
});
