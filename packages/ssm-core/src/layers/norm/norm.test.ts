import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectJsonRoundTrip } from '../../testing/layerChecks';
import { RMSNorm } from './rmsNorm';
import { RMSNormGated } from './rmsNormGated';

/** Independent plain-JS RMSNorm over groups of `g` consecutive values of each row of length d. */
function jsRmsNorm(x: Float32Array | number[], d: number, gamma: number[], eps: number, g = d): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / d; r++) {
    for (let s = 0; s < d; s += g) {
      let ms = 0;
      for (let j = s; j < s + g; j++) ms += x[r * d + j] ** 2;
      const inv = 1 / Math.sqrt(ms / g + eps);
      for (let j = s; j < s + g; j++) out.push(x[r * d + j] * inv * gamma[j]);
    }
  }
  return out;
}
const silu = (v: number) => v / (1 + Math.exp(-v));
const TOL = { atol: 1e-5, rtol: 1e-5 }; // float32 vs float64 reference

describe.each(TEST_BACKENDS)('norm layers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('RMSNorm matches plain JS (random gamma, odd D) and leaks nothing', () => {
    const layer = new RMSNorm({ eps: 1e-3 });
    const x = rand([2, 3, 7], 1, -2, 2);
    layer.apply(x); // builds
    const gamma = Array.from({ length: 7 }, (_, j) => 0.5 + j * 0.25);
    layer.setWeights([tf.tensor1d(gamma)]);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, 7]);
    const want = tf.tensor(jsRmsNorm(x.dataSync() as Float32Array, 7, gamma, 1e-3), [2, 3, 7]);
    expectClose(y, want, TOL.atol, TOL.rtol, 'RMSNorm');
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'RMSNorm forward');
    tf.dispose([x, y, want]);
    layer.dispose();
  });

  it('RMSNorm: the gradient reaches gamma (vs plain JS Σ x̂·w) and x', () => {
    const layer = new RMSNorm();
    const x = rand([4, 5], 2);
    const w = rand([4, 5], 3);
    layer.apply(x);
    const gammaVar = layer.trainableWeights[0];
    expect(gammaVar.name).toMatch(/\/gamma$/);
    const before = tf.memory().numTensors;
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar);
    const xhat = jsRmsNorm(x.dataSync() as Float32Array, 5, [1, 1, 1, 1, 1], 1e-5);
    const wv = w.dataSync();
    const want = [0, 1, 2, 3, 4].map((j) => [0, 1, 2, 3].reduce((s, r) => s + xhat[r * 5 + j] * wv[r * 5 + j], 0));
    const wantT = tf.tensor1d(want);
    expectClose(grads[gammaVar.name], wantT, TOL.atol, TOL.rtol, 'dgamma');
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, w)))(x);
    expect(gx.shape).toEqual([4, 5]);
    expect(Math.max(...Array.from(gx.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([value, wantT, gx, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
    layer.dispose();
  });

  it.each([
    [undefined, false],
    [4, false],
    [2, true],
  ])('RMSNormGated (groupSize %s, normBeforeGate %s) matches plain JS', (groupSize, normBeforeGate) => {
    const layer = new RMSNormGated({ eps: 1e-4, groupSize, normBeforeGate });
    const x = rand([2, 3, 8], 4, -2, 2);
    const z = rand([2, 3, 8], 5, -3, 3);
    layer.apply([x, z]);
    const gamma = Array.from({ length: 8 }, (_, j) => 1 - j * 0.1);
    layer.setWeights([tf.tensor1d(gamma)]);
    const y = layer.apply([x, z]) as tf.Tensor;
    const xv = x.dataSync() as Float32Array;
    const zv = z.dataSync() as Float32Array;
    const ones = gamma.map(() => 1);
    const g = groupSize ?? 8;
    const want = normBeforeGate
      ? jsRmsNorm(xv, 8, gamma, 1e-4, g).map((v, i) => v * silu(zv[i]))
      : jsRmsNorm(Array.from(xv, (v, i) => v * silu(zv[i])), 8, ones, 1e-4, g).map((v, i) => v * gamma[i % 8]);
    const wantT = tf.tensor(want, [2, 3, 8]);
    expectClose(y, wantT, TOL.atol, TOL.rtol, 'RMSNormGated');
    expectNoLeak(() => (layer.apply([x, z]) as tf.Tensor).dispose(), 'RMSNormGated forward');
    const { grads, value } = tf.variableGrads(() => tf.sum(layer.apply([x, z]) as tf.Tensor) as tf.Scalar);
    expect(Math.max(...Array.from(grads[layer.trainableWeights[0].name].dataSync()).map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([x, z, y, wantT, value, ...Object.values(grads)]);
    layer.dispose();
  });
});

describe('norm layers: serialization and errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('RMSNorm round-trips through model.toJSON / modelFromJSON with the same outputs', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [6], units: 4 }), new RMSNorm({ eps: 1e-3 })] });
    model.layers[1].setWeights([tf.tensor1d([1, 2, 3, 4])]);
    const x = rand([3, 6], 8);
    const copy = await expectJsonRoundTrip(model, x);
    expect((copy.layers[1] as RMSNorm).eps).toBe(1e-3);
    expect(copy.layers[1].getClassName()).toBe('RMSNorm');
    x.dispose();
    model.dispose();
    copy.dispose();
  });

  it('RMSNormGated round-trips in a functional model', async () => {
    const xi = tfl.input({ shape: [5, 6] });
    const zi = tfl.input({ shape: [5, 6] });
    const out = new RMSNormGated({ groupSize: 3, normBeforeGate: true }).apply([xi, zi]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [xi, zi], outputs: out });
    model.layers[2].setWeights([tf.tensor1d([1, -1, 2, -2, 0.5, 3])]);
    const x = rand([2, 5, 6], 9);
    const z = rand([2, 5, 6], 10);
    const copy = await expectJsonRoundTrip(model, [x, z]);
    const gated = copy.layers.find((l) => l instanceof RMSNormGated) as RMSNormGated;
    expect([gated.groupSize, gated.normBeforeGate]).toEqual([3, true]);
    tf.dispose([x, z]);
    model.dispose();
    copy.dispose();
  });

  it('rejects bad options and inputs clearly', () => {
    expect(() => new RMSNorm({ eps: 0 })).toThrow(/RMSNorm: option 'eps' must be a finite number > 0, received 0/);
    expect(() => new RMSNorm({ eps: NaN })).toThrow(/received NaN/);
    expect(() => new RMSNormGated({ eps: -1 })).toThrow(/RMSNormGated: option 'eps' .*received -1/);
    expect(() => new RMSNormGated({ groupSize: 2.5 })).toThrow(/option 'groupSize' must be an integer > 0, received 2.5/);
    const x = tf.zeros([2, 6]);
    const z = tf.zeros([2, 6]);
    expect(() => new RMSNormGated({ groupSize: 4 }).apply([x, z])).toThrow(/option 'groupSize' must divide the last dimension 6, received 4/);
    expect(() => new RMSNormGated().apply(x)).toThrow(/expects two inputs \[x, z\], received 1/);
    const z5 = tf.zeros([2, 5]);
    expect(() => new RMSNormGated().apply([x, z5])).toThrow(/inputs 'x' and 'z' must have the same last dimension, received \[2, 6\] and \[2, 5\]/);
    const norm = new RMSNorm();
    norm.apply(x);
    expect(() => norm.apply(z5)).toThrow(/RMSNorm: input 'x' must have last dimension 6, received shape \[2, 5\]/);
    tf.dispose([x, z, z5]);
  });
});
