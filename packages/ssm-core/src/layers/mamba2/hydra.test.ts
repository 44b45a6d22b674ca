import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectGradsReachEveryWeight } from '../../testing/layerChecks';
import { maxAbs, weightsByName } from '../lti/testUtil';
import { Hydra, quasiseparable, type HydraArgs } from './hydra';
import { jsMixer } from './testUtil';

const [B, L, DM] = [2, 9, 4];
const CFG: HydraArgs = { dModel: DM, dState: 3, headDim: 4, chunkSize: 4, dtMin: 0.05, dtMax: 0.5, ALogInitRange: [1, 4] };

function jsForward(layer: Hydra, x: tf.Tensor): tf.Tensor {
  const [b, l, dModel] = x.shape;
  const dInner = layer.expand * dModel;
  const dims = { b, L: l, dModel, dInner, H: dInner / layer.headDim, P: layer.headDim, G: layer.nGroups, N: layer.dState, W: layer.dConv };
  return tf.tensor(jsMixer('hydra', weightsByName(layer), x.dataSync(), dims), x.shape);
}

describe.each(TEST_BACKENDS)('Hydra on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([[7, 9, 1], [5, 2, 1], [7, 1, 1], [3, 8, 2]])('forward (dConv %i, L %i, nGroups %i) matches the float64 JS quasiseparable block; no leaks', (dConv, len, nGroups) => {
    const layer = new Hydra({ ...CFG, dConv, nGroups, seed: 3 });
    const x = rand([B, len, DM], 21);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([B, len, DM]);
    const want = jsForward(layer, x);
    expectClose(y, want, 1e-4, 1e-3, 'Hydra vs JS');
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'Hydra forward');
    tf.dispose([x, y, want]);
    layer.dispose();
  });

  it('gradients reach every trainable weight (non-zero) and leave no tensors', () => {
    const layer = new Hydra({ ...CFG, seed: 7 });
    const x = rand([B, L, DM], 22);
    const w = rand([B, L, DM], 23);
    expectGradsReachEveryWeight(layer, x, w, ['conv_bias', 'conv_weight', 'fc_D_kernel', 'in_proj_kernel', 'norm_weight', 'out_proj_kernel', 'ssm_A_log', 'ssm_D', 'ssm_dt_bias']);
    tf.dispose([x, w]);
    layer.dispose();
  });

  it('is non-causal: changing the last token changes the first output (Mamba2 would not)', () => {
    const layer = new Hydra({ ...CFG, dConv: 3, seed: 4 });
    const x = rand([1, L, DM], 24);
    const x2 = tf.concat([tf.slice(x, [0, 0, 0], [1, L - 1, DM]), rand([1, 1, DM], 25)], 1);
    const d = tf.tidy(() => tf.slice(tf.sub(layer.apply(x) as tf.Tensor, layer.apply(x2) as tf.Tensor), [0, 0, 0], [1, 1, DM]));
    expect(maxAbs(d)).toBeGreaterThan(1e-6); // only through the backward SS path (conv width 3 reaches 1 token)
    tf.dispose([x, x2, d]);
    layer.dispose();
  });

  it('shift: with the diagonal term zero, an impulse at t reaches t−1 and t+1 but not t itself', () => {
    const [b, len, H, P, N, t0] = [1, 7, 2, 3, 4, 3];
    const r = (shape: number[], s: number, lo = -1, hi = 1) => rand(shape, s, lo, hi);
    const impulse = tf.tidy(() => tf.mul(r([b, len, H, P], 30), tf.reshape(tf.oneHot([t0], len), [1, len, 1, 1])));
    const args = {
      x: impulse as tf.Tensor4D, dtF: r([b, len, H], 31) as tf.Tensor3D, dtB: r([b, len, H], 32) as tf.Tensor3D,
      BF: r([b, len, 1, N], 33) as tf.Tensor4D, CF: r([b, len, 1, N], 34) as tf.Tensor4D, BB: r([b, len, 1, N], 35) as tf.Tensor4D,
      CB: r([b, len, 1, N], 36) as tf.Tensor4D, A: r([H], 37, -1, -0.1) as tf.Tensor1D, dtBias: tf.zeros([H]) as tf.Tensor1D,
      WD: tf.zeros([H * P, H]) as tf.Tensor2D, D: tf.zeros([H]) as tf.Tensor1D,
    };
    const y = quasiseparable(args);
    const at = (t: number) => tf.tidy(() => maxAbs(tf.slice(y, [0, t, 0, 0], [b, 1, H, P])));
    expect(at(t0)).toBe(0);
    expect(at(t0 - 1)).toBeGreaterThan(1e-4); // backward path, shifted
    expect(at(t0 + 1)).toBeGreaterThan(1e-4); // forward path, shifted
    // With D = 1 the impulse does pass through at t, exactly once: y[t0] = x[t0].
    const y1 = quasiseparable({ ...args, D: tf.ones([H]) as tf.Tensor1D });
    expectClose(tf.slice(y1, [0, t0, 0, 0], [b, 1, H, P]), tf.slice(impulse, [0, t0, 0, 0], [b, 1, H, P]), 1e-6, 1e-5, 'diagonal once');
    tf.dispose([y, y1, ...Object.values(args)]);
  });

  it('right-padding mask: pads output zero and never affect real tokens (also through the backward scan)', () => {
    const layer = new Hydra({ ...CFG, seed: 2 });
    const real = rand([1, 5, DM], 26);
    const yr = layer.apply(real) as tf.Tensor;
    const garbage = tf.concat([real, rand([1, 3, DM], 27, 5, 9)], 1);
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 0, 0, 0]]);
    const yg = layer.apply(garbage, { mask }) as tf.Tensor;
    expectClose(tf.slice(yg, [0, 0, 0], [1, 5, DM]), yr, 1e-5, 1e-4, 'masked head');
    expect(maxAbs(tf.slice(yg, [0, 5, 0], [1, 3, DM]))).toBe(0);
    tf.dispose([real, yr, garbage, mask, yg]);
    layer.dispose();
  });
});

describe('Hydra: init, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('init: softplus(dt_bias) in [dtMin, dtMax], A_log = 0 (A = −1, as hydra.py), D = 1; default dConv 7; ALogInitRange honoured', () => {
    const layer = new Hydra({ dModel: 32, headDim: 4, dState: 4, seed: 5 }); // 16 heads
    expect(layer.dConv).toBe(7);
    layer.apply(tf.zeros([1, 2, 32]));
    const w = weightsByName(layer);
    const dt = w.ssm_dt_bias.map((v) => Math.log1p(Math.exp(v)));
    expect(Math.min(...dt)).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-4));
    expect(Math.max(...dt)).toBeLessThanOrEqual(1e-1 * (1 + 1e-4));
    expect(w.ssm_A_log.every((v) => v === 0)).toBe(true);
    expect(w.ssm_D.every((v) => v === 1)).toBe(true);
    const wide = new Hydra({ dModel: 32, headDim: 4, dState: 4, seed: 5, ALogInitRange: [1, 16] });
    wide.apply(tf.zeros([1, 2, 32]));
    const a = weightsByName(wide).ssm_A_log.map(Math.exp);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(1 - 1e-5);
    expect(Math.max(...a)).toBeLessThanOrEqual(16 + 1e-4);
    expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(5);
    wide.dispose();
    expect(w.in_proj_kernel.length).toBe(32 * (64 + 64 + 4 * 4 + 2 * 16));
    expect(w.conv_weight.length).toBe((64 + 4 * 4) * 7);
    layer.dispose();
  });

  it('model JSON round trip gives the same outputs', async () => {
    const model = tfl.sequential({ layers: [new Hydra({ inputShape: [6, DM], ...CFG, dConv: 5, seed: 42 })] });
    const x = rand([2, 6, DM], 28);
    const a = model.predict(x) as tf.Tensor;
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    const l = copy.layers[0] as Hydra;
    expect([l.getClassName(), l.dState, l.dConv, l.headDim, l.seed]).toEqual(['Hydra', 3, 5, 4, 42]);
    copy.setWeights(model.getWeights());
    const b = copy.predict(x) as tf.Tensor;
    expectClose(b, a, 1e-7, 1e-6, 'round trip');
    tf.dispose([x, a, b]);
    [model, copy].forEach((m) => m.dispose());
  });

  it('rejects bad configs, and has no step mode', () => {
    expect(() => new Hydra({ dConv: 4 })).toThrow(/Hydra: option 'dConv' must be odd \(a centred, 'same' convolution\), received 4/);
    expect(() => new Hydra({ dModel: 4, headDim: 3 })).toThrow(/Hydra: dInner = expand·dModel = 2·4 = 8 must be divisible by option 'headDim', received headDim=3/);
    expect(() => new Hydra({ dConv: 9 })).toThrow(/Hydra: option 'dConv' must be an integer in \[1, 8\], received 9/);
    const layer = new Hydra({ ...CFG });
    tf.tidy(() => {
      layer.apply(tf.zeros([1, 3, DM]));
    });
    expect(() => layer.initialState(1)).toThrow(/Hydra: is non-causal.*no step mode/);
    expect(() => layer.step([], tf.zeros([1, 1, DM]))).toThrow(/Hydra: is non-causal.*no step mode/);
    expect(() => layer.apply(tf.zeros([1, 3, 5]))).toThrow(/Hydra: input must have shape \(batch, L, H=4\), received shape \[1, 3, 5\]/);
    layer.dispose();
  });
});
