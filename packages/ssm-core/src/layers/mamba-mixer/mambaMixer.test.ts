import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { maxAbs } from '../lti/testUtil';
import { BiMamba } from '../mamba/biMamba';
import { rmsNormalize } from '../norm/common';
import { MambaMixer, mixerPrefix } from './mambaMixer';
import { jsBranch, jsMambaMixer, weightValues } from './testUtil';

const [B, L, H, N, W] = [2, 5, 4, 3, 3];
const opts = { dModel: H, dState: N, dConv: W };

/** Writes values into the weight whose name ends with /suffix. */
function setWeight(layer: tfl.layers.Layer, suffix: string, values: number[]): void {
  const v = layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
  if (!v) throw new Error(`no weight ${suffix}`);
  const t = tf.tensor(values, v.shape as number[]);
  v.write(t);
  t.dispose();
}

/** Random dense-average weights for every mixer and the output (so wrong wiring changes the output). */
function randomAlphas(layer: MambaMixer, nLayers: number, seed: number): void {
  let s = seed;
  for (let m = 0; m <= 2 * nLayers; m++) {
    const a = Array.from(rand([m + 1], s++, -0.5, 1.2).dataSync());
    setWeight(layer, m < 2 * nLayers ? `dense_avg_${m}` : 'dense_avg_out', a);
  }
}

describe.each(TEST_BACKENDS)('MambaMixer on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([1, 2])('nLayers=%i: shapes; matches the float64 JS oracle with random dense weights; no leaks', (nLayers) => {
    const layer = new MambaMixer({ ...opts, nLayers, seed: 3 });
    const x = rand([B, L, H], 11);
    layer.apply(x);
    randomAlphas(layer, nLayers, 40);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([B, L, H]);
    // float32 vs float64 through 2·nLayers residual mixers.
    expectClose(y, tf.tensor(jsMambaMixer(layer, x.dataSync(), B, L, H, nLayers, N, W), [B, L, H]), 1e-4, 1e-3, 'oracle');
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'MambaMixer forward');
    layer.dispose();
  });

  it('init: dense weights are one-hot on the previous output, i.e. the plain pre-norm residual chain', () => {
    const layer = new MambaMixer({ ...opts, seed: 4 });
    const x = rand([B, L, H], 12);
    const y = layer.apply(x) as tf.Tensor;
    expect(weightValues(layer, 'dense_avg_2')).toEqual([0, 0, 1]);
    expectClose(y, tf.tensor(jsMambaMixer(layer, x.dataSync(), B, L, H, 2, N, W, true), [B, L, H]), 1e-4, 1e-3, 'chain');
    layer.dispose();
  });

  it('dense averaging: α_out picking the embedding returns x; picking one mixer returns that mixer alone', () => {
    const layer = new MambaMixer({ ...opts, nLayers: 1, seed: 5 });
    const x = rand([B, L, H], 13);
    const y0 = layer.apply(x) as tf.Tensor;
    setWeight(layer, 'dense_avg_out', [1, 0, 0]);
    expectClose(layer.apply(x) as tf.Tensor, x, 1e-7, 0, 'embedding only');
    // Channel mixer fed the embedding only, output = its residual branch: y_2 − x with u_1 = x.
    setWeight(layer, 'dense_avg_1', [1, 0]);
    setWeight(layer, 'dense_avg_out', [-1, 0, 1]);
    const branch = layer.apply(x) as tf.Tensor;
    expectClose(branch, tf.tensor(jsBranch(layer, 1, Array.from(x.dataSync()), B, L, H, N, W), [B, L, H]), 1e-5, 1e-3, 'channel branch of x');
    // The rewiring really changed the output (the test can fail).
    expect(maxAbs(tf.sub(branch, y0))).toBeGreaterThan(1e-2);
    layer.dispose();
  });

  it('gradients reach every weight, including the dense-average weights; no leaks', () => {
    const layer = new MambaMixer({ ...opts, seed: 7 });
    const x = rand([B, L, H], 14);
    const w = rand([B, L, H], 15);
    layer.apply(x);
    expect(layer.trainableWeights.length).toBe(4 * 19 + 5);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar);
    for (const v of layer.trainableWeights) {
      const g = grads[v.name];
      if (!(maxAbs(g) > 0)) throw new Error(`no gradient reaches ${v.name}`);
    }
    for (const m of [0, 1, 2, 3]) expect(layer.trainableWeights.some((v) => v.originalName.endsWith(`/dense_avg_${m}`))).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    layer.dispose();
  });
});

describe('MambaMixer: channel mixing, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('the channel mixer is a BiMamba over the transposed sequence and is order-sensitive along channels', () => {
    const layer = new MambaMixer({ ...opts, nLayers: 1, seed: 8 });
    const x = rand([B, L, H], 16, -2, 2);
    layer.apply(x);
    setWeight(layer, 'dense_avg_1', [1, 0]);
    setWeight(layer, 'dense_avg_out', [-1, 0, 1]);
    const branch = (t: tf.Tensor) => layer.apply(t) as tf.Tensor;
    // Independent path: the existing BiMamba layer (dModel = L) with the channel mixer's weights, on RMSNorm(xᵀ)·γ.
    const bi = new BiMamba({ ...opts, dModel: L, seed: 1 });
    bi.apply(tf.zeros([1, H, L]));
    const p = mixerPrefix(1);
    for (const v of bi.weights) setWeight(bi, v.originalName.split('/').slice(-2).join('/'), weightValues(layer, p + v.originalName.split('/').slice(-2).join('/')));
    const xt = tf.transpose(x, [0, 2, 1]);
    const h = tf.mul(rmsNormalize(xt, 1e-5), tf.tensor(weightValues(layer, `${p}norm_gamma`)));
    expectClose(branch(x), tf.transpose(bi.apply(h) as tf.Tensor, [0, 2, 1]), 1e-5, 1e-4, 'BiMamba on xᵀ');
    // Permuting the channels is not just a permutation of the output: the channel order is a sequence order.
    const perm = tf.tensor1d([2, 0, 3, 1], 'int32');
    const diff = maxAbs(tf.sub(branch(tf.gather(x, perm, 2)), tf.gather(branch(x), perm, 2)));
    expect(diff).toBeGreaterThan(1e-2);
    // The channel sequence's features are the tokens: changing token 0 changes the channel branch at every token.
    const x2 = tf.concat([tf.add(tf.slice(x, [0, 0, 0], [B, 1, H]), 1), tf.slice(x, [0, 1, 0], [B, L - 1, H])], 1);
    const d = tf.abs(tf.sub(branch(x2), branch(x)));
    expect(Array.from(tf.max(d, [0, 2]).dataSync()).every((v) => v > 1e-4)).toBe(true);
    layer.dispose();
    bi.dispose();
  });

  it('toJSON → modelFromJSON gives identical outputs (seqLen saved in the config)', async () => {
    const model = tfl.sequential({ layers: [new MambaMixer({ inputShape: [L, H], ...opts, seed: 9 })] });
    randomAlphas(model.layers[0] as MambaMixer, 2, 60);
    const x = rand([B, L, H], 19);
    const a = model.predict(x) as tf.Tensor;
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    expect((copy.layers[0] as MambaMixer).config).toEqual((model.layers[0] as MambaMixer).config);
    expect((copy.layers[0] as MambaMixer).seqLen).toBe(L);
    copy.setWeights(model.getWeights());
    expectClose(copy.predict(x) as tf.Tensor, a, 1e-30, 0, 'JSON round trip');
    model.dispose();
    copy.dispose();
  });

  it('rejects bad options and inputs with clear errors', () => {
    expect(() => new MambaMixer({} as never)).toThrow(/MambaMixer: option 'dModel' is required/);
    expect(() => new MambaMixer({ dModel: 4, nLayers: 0 })).toThrow(/MambaMixer: option 'nLayers' must be an integer >= 1, received 0/);
    expect(() => new MambaMixer({ dModel: 4, seqLen: 2.5 })).toThrow(/MambaMixer: option 'seqLen' must be an integer >= 1, received 2.5/);
    expect(() => new MambaMixer({ dModel: 4, dConv: 9 })).toThrow(/MambaMixer: option 'dConv' must be an integer in \[1, 8\], received 9/);
    const unknownL = new MambaMixer({ dModel: 4, seed: 1 });
    expect(() => unknownL.apply(tfl.input({ shape: [null, 4] }))).toThrow(/MambaMixer: the channel mixer's width is the sequence length L; give option 'seqLen'.*received shape \[null, null, 4\]/);
    const layer = new MambaMixer({ ...opts, seqLen: L, seed: 2 });
    const x = rand([1, L, H], 20);
    layer.apply(x);
    expect(() => layer.apply(rand([1, L + 1, H], 21))).toThrow(/MambaMixer: input must have shape \(batch, L=5, dModel=4\).*received shape \[1, 6, 4\]/);
    expect(() => layer.apply(x, { mask: tf.ones([1, L]) })).toThrow(/MambaMixer: masks are not supported/);
    expect(() => layer.step()).toThrow(/MambaMixer: no step mode: the layer is not causal/);
    expect(() => new MambaMixer({ dModel: 4, seqLen: 3 }).apply(rand([1, 5, 4], 22))).toThrow(/MambaMixer: input length must equal option 'seqLen'=3.*received shape \[1, 5, 4\]/);
  });
});
