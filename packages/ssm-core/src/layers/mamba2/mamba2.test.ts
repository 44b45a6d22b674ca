import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectGradsReachEveryWeight, expectStepMatchesForward } from '../../testing/layerChecks';
import { maxAbs, weightsByName } from '../lti/testUtil';
import { Mamba2, type Mamba2Args } from './mamba2';
import { jsMixer } from './testUtil';

const [B, L, DM] = [2, 9, 4];
/** dInner 8, headDim 4 → 2 heads; groups 2 exercises the grouped B/C and the grouped norm. */
const CFG: Mamba2Args = { dModel: DM, dState: 3, headDim: 4, nGroups: 2, chunkSize: 4, dtMin: 0.05, dtMax: 0.5 };

function jsForward(layer: Mamba2, x: tf.Tensor): tf.Tensor {
  const [b, l, dModel] = x.shape;
  const dInner = layer.expand * dModel;
  const dims = { b, L: l, dModel, dInner, H: dInner / layer.headDim, P: layer.headDim, G: layer.nGroups, N: layer.dState, W: layer.dConv };
  return tf.tensor(jsMixer('mamba2', weightsByName(layer), x.dataSync(), dims), x.shape);
}

describe.each(TEST_BACKENDS)('Mamba2 on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([[1, 9], [2, 1]])('forward (nGroups %i, L %i) matches the float64 JS block; shape; no leaks', (nGroups, len) => {
    const layer = new Mamba2({ ...CFG, nGroups, seed: 3 });
    const x = rand([B, len, DM], 11);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([B, len, DM]);
    const want = jsForward(layer, x);
    expectClose(y, want, 1e-4, 1e-3, 'Mamba2 vs JS');
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'Mamba2 forward');
    tf.dispose([x, y, want]);
    layer.dispose();
  });

  it('gradients reach every trainable weight (non-zero) and leave no tensors', () => {
    const layer = new Mamba2({ ...CFG, seed: 7 });
    const x = rand([B, L, DM], 12);
    const w = rand([B, L, DM], 13);
    expectGradsReachEveryWeight(layer, x, w, ['conv_bias', 'conv_weight', 'in_proj_kernel', 'norm_weight', 'out_proj_kernel', 'ssm_A_log', 'ssm_D', 'ssm_dt_bias']);
    tf.dispose([x, w]);
    layer.dispose();
  });

  it('step over chunks of 1, 3 and the rest equals the full forward (1e-4); no leaks', () => {
    const layer = new Mamba2({ ...CFG, seed: 9 });
    const T = 11;
    const x = rand([B, T, DM], 14);
    expectStepMatchesForward(layer, x, 1e-4, (state) => expect(state.map((s) => s.shape)).toEqual([[B, 8 + 2 * 2 * 3, 3], [B, 2, 4, 3]]));
    x.dispose();
    layer.dispose();
  });

  it('right-padding mask: pads output zero and never affect real tokens', () => {
    const layer = new Mamba2({ ...CFG, seed: 2 });
    const real = rand([1, 5, DM], 15);
    const yr = layer.apply(real) as tf.Tensor;
    const garbage = tf.concat([real, rand([1, 3, DM], 16, 5, 9)], 1);
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 0, 0, 0]]);
    const yg = layer.apply(garbage, { mask }) as tf.Tensor;
    const head = tf.slice(yg, [0, 0, 0], [1, 5, DM]);
    expectClose(head, yr, 1e-5, 1e-4, 'masked head');
    expect(maxAbs(tf.slice(yg, [0, 5, 0], [1, 3, DM]))).toBe(0);
    // Through a model: tfl Masking supplies the mask.
    const xi = tfl.input({ shape: [8, DM] });
    const model = tfl.model({ inputs: xi, outputs: layer.apply(tfl.layers.masking({ maskValue: 0 }).apply(xi) as tfl.SymbolicTensor) as tfl.SymbolicTensor });
    const padded = tf.concat([real, tf.zeros([1, 3, DM])], 1);
    const yp = model.predict(padded) as tf.Tensor;
    expectClose(tf.slice(yp, [0, 0, 0], [1, 5, DM]), yr, 1e-5, 1e-4, 'Masking layer');
    tf.dispose([real, yr, garbage, mask, yg, head, padded, yp]);
    model.dispose();
  });
});

describe('Mamba2: init, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('init: softplus(dt_bias) in [dtMin, dtMax], exp(A_log) in [1, 16], D = 1, norm = 1; projections U(±1/sqrt(fan_in))', () => {
    const layer = new Mamba2({ dModel: 64, headDim: 4, dState: 8, seed: 1 }); // 32 heads
    layer.apply(tf.zeros([1, 2, 64]));
    const w = weightsByName(layer);
    const dt = w.ssm_dt_bias.map((v) => Math.log1p(Math.exp(v)));
    expect(dt.length).toBe(32);
    expect(Math.min(...dt)).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-4));
    expect(Math.max(...dt)).toBeLessThanOrEqual(1e-1 * (1 + 1e-4));
    // log-uniform: the mean of ln dt near the middle of [ln 1e-3, ln 1e-1]
    const meanLog = dt.reduce((s, v) => s + Math.log(v), 0) / dt.length;
    expect(Math.abs(meanLog - Math.log(1e-2))).toBeLessThan(0.6);
    const a = w.ssm_A_log.map(Math.exp);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(1 - 1e-5);
    expect(Math.max(...a)).toBeLessThanOrEqual(16 + 1e-4);
    expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(7); // spread over the range, not constant
    expect(w.ssm_D.every((v) => v === 1)).toBe(true);
    expect(w.norm_weight.every((v) => v === 1)).toBe(true);
    expect(Math.max(...w.in_proj_kernel.map(Math.abs))).toBeLessThanOrEqual(1 / 8);
    expect(Math.max(...w.out_proj_kernel.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(128));
    expect(w.in_proj_kernel.length).toBe(64 * (128 + 128 + 2 * 8 + 32));
    layer.dispose();
  });

  it('the same seed gives the same weights; model JSON round trip gives the same outputs', async () => {
    const mk = () => tfl.sequential({ layers: [new Mamba2({ inputShape: [5, DM], ...CFG, dConv: 3, seed: 42 })] });
    const model = mk();
    const again = mk();
    const x = rand([2, 5, DM], 16);
    const a = model.predict(x) as tf.Tensor;
    const a2 = again.predict(x) as tf.Tensor;
    expectClose(a2, a, 1e-30, 0, 'seeded');
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    const l = copy.layers[0] as Mamba2;
    expect([l.getClassName(), l.dState, l.dConv, l.headDim, l.nGroups, l.chunkSize, l.dtMax, l.seed]).toEqual(['Mamba2', 3, 3, 4, 2, 4, 0.5, 42]);
    copy.setWeights(model.getWeights());
    const b = copy.predict(x) as tf.Tensor;
    expectClose(b, a, 1e-7, 1e-6, 'round trip');
    tf.dispose([x, a, a2, b]);
    [model, again, copy].forEach((m) => m.dispose());
  });

  it('rejects bad configs, inputs and states with clear errors', () => {
    expect(() => new Mamba2({ dModel: 4, headDim: 3 })).toThrow(/Mamba2: dInner = expand·dModel = 2·4 = 8 must be divisible by option 'headDim', received headDim=3/);
    expect(() => new Mamba2({ dModel: 8, headDim: 4, nGroups: 3 })).toThrow(/option 'nGroups' must divide nHeads = dInner\/headDim = 4, received nGroups=3/);
    expect(() => new Mamba2({ dConv: 9 })).toThrow(/option 'dConv' must be an integer in \[1, 8\], received 9/);
    expect(() => new Mamba2({ dState: 0 })).toThrow(/option 'dState' must be an integer >= 1, received 0/);
    expect(() => new Mamba2({ dtMin: 0.2, dtMax: 0.1 })).toThrow(/'dtMin' <= 'dtMax'.*dtMin=0.2, dtMax=0.1/);
    expect(() => new Mamba2({ ALogInitRange: [0, 16] })).toThrow(/option 'ALogInitRange' must be \[lo, hi\] with 0 < lo <= hi, received \[0,16\]/);
    expect(() => new Mamba2({ dtInitFloor: -1 })).toThrow(/option 'dtInitFloor' must be a finite number > 0, received -1/);
    expect(() => new Mamba2({ headDim: 4 }).initialState(1)).toThrow(/Mamba2: build the layer/);
    const layer = new Mamba2({ ...CFG });
    expect(() => layer.apply(tf.zeros([2, 3]))).toThrow(/Mamba2: input must have shape \(batch, L, H\), received shape \[2, 3\]/);
    expect(() => layer.apply(tf.zeros([1, 3, 5]))).toThrow(/d_model=4, received shape \[1, 3, 5\]/);
    const lazy = new Mamba2({ headDim: 3 }); // dModel from the input: checked at build
    expect(() => lazy.apply(tf.zeros([1, 3, 4]))).toThrow(/must be divisible by option 'headDim', received headDim=3/);
    tf.tidy(() => {
      layer.apply(tf.zeros([1, 3, DM]));
    });
    expect(() => layer.apply(tf.zeros([1, 3, 4]), { mask: tf.ones([1, 2]) })).toThrow(/mask must have shape \(batch=1, L=3\), received shape \[1, 2\]/);
    const st = layer.initialState(2);
    expect(() => layer.step(st, tf.zeros([1, 2, DM]))).toThrow(/step 'state' must be \[convState \[1,20,3\], ssmState \[1,2,4,3\]\], received \[2,20,3\], \[2,2,4,3\]/);
    tf.dispose(st);
    layer.dispose();
  });
});
