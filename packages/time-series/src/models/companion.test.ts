import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, LayerNorm } from '@statespace/ssm-core';
import { expectNoLeak } from '../../../ssm-core/src/testing/compare';
import { gradcheck } from '../../../ssm-core/src/testing/gradcheck';
import { companionKernel, companionMatrices, normalizeL1 } from './companion';
import { TsClosedLoopSSM, TsCompanionSSM, TsPreprocessKernels } from './companionLayers';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Independent float64 oracle: dense companion matrix with last column a. */
function companionDense(a: number[], d: number): number[][] {
  const A = Array.from({ length: d }, () => new Array(d).fill(0));
  for (let i = 1; i < d; i++) A[i][i - 1] = 1;
  for (let i = 0; i < d; i++) A[i][d - 1] += a[i];
  return A;
}
const matVec = (A: number[][], x: number[]) => A.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
const rows = (t: tf.Tensor) => t.arraySync() as number[][];

describe('companion SSM maths', () => {
  it('Krylov-doubling kernel equals cᵀ A^l b by direct recurrence', () => {
    const [nK, d, len] = [2, 5, 37];
    const a = tf.randomNormal([nK, d], 0, 0.4, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([nK, d], 0, 1, 'float32', 2) as tf.Tensor2D;
    const c = tf.randomNormal([nK, d], 0, 1, 'float32', 3) as tf.Tensor2D;
    const an = normalizeL1(a);
    const k = rows(companionKernel(companionMatrices(an, nK, d), b, c, len));
    for (let h = 0; h < nK; h++) {
      const A = companionDense(rows(an)[h], d);
      let x = rows(b)[h];
      for (let l = 0; l < len; l++) {
        expect(k[h][l]).toBeCloseTo(dot(rows(c)[h], x), 4);
        x = matVec(A, x);
      }
    }
    // Normalized a keeps the roots in the unit disk: the kernel does not blow up.
    expect(Math.max(...k.flat().map(Math.abs))).toBeLessThan(50);
  });

  it('the shift SSM is a learned FIR of length d', () => {
    const b = tf.tensor2d([[1, 2, 3]]);
    const c = tf.tensor2d([[0.5, -1, 2]]);
    const k = rows(companionKernel(companionMatrices(null, 1, 3), b, c, 6))[0];
    // k_l = Σ_i c_i b_{i−l}
    expect(k).toEqual([0.5 * 1 - 1 * 2 + 2 * 3, -1 * 1 + 2 * 2, 2 * 1, 0, 0, 0]);
  });

  it('kernel gradients match finite differences', () => {
    const [nK, d, len] = [1, 4, 12];
    const a = tf.randomNormal([nK, d], 0, 0.4, 'float32', 4);
    const b = tf.randomNormal([nK, d], 0, 1, 'float32', 5);
    const c = tf.randomNormal([nK, d], 0, 1, 'float32', 6);
    const w = tf.randomNormal([nK, len], 0, 1, 'float32', 7);
    const f = (a_: tf.Tensor, b_: tf.Tensor, c_: tf.Tensor) =>
      tf.sum(tf.mul(companionKernel(companionMatrices(normalizeL1(a_ as tf.Tensor2D), nK, d), b_ as tf.Tensor2D, c_ as tf.Tensor2D, len), w)) as tf.Scalar;
    const { worst, detail } = gradcheck(f, [a, b, c], { eps: 1e-2, atol: 5e-3, rtol: 3e-2 });
    expect({ worst: worst <= 1, detail }).toEqual({ worst: true, detail });
  });
});

describe('TsClosedLoopSSM', () => {
  it('the one-pass forecast equals step-by-step feedback of its own predictions', () => {
    const [B, L, D, H, nK, d] = [2, 9, 4, 7, 2, 3];
    const layer = new TsClosedLoopSSM({ horizon: H, nKernels: nK, kernelDim: d, seed: 3 });
    const x = tf.randomNormal([B, L, D], 0, 1, 'float32', 8);
    layer.apply(x); // build
    const K = tf.randomNormal([nK, d], 0, 0.3, 'float32', 9);
    const ws = layer.getWeights();
    layer.setWeights([...ws.slice(0, 3), K]); // a, b, c, K (K is 0 at init; use a non-zero one)
    const y = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
    const [aw, bw, cw, kw] = layer.getWeights().map((t) => t.arraySync() as number[][]);
    const xs = x.arraySync() as number[][][];
    for (let bt = 0; bt < B; bt++)
      for (let ch = 0; ch < D; ch++) {
        const h = Math.floor(ch / (D / nK));
        const l1 = aw[h].reduce((s, v) => s + Math.abs(v), 0) + 1e-6;
        const A = companionDense(aw[h].map((v) => v / l1), d);
        let s = new Array(d).fill(0);
        const feed = (u: number) => (s = matVec(A, s).map((v, i) => v + bw[h][i] * u));
        for (let t = 0; t < L; t++) feed(xs[bt][t][ch]); // open loop over the lookback
        for (let t = 0; t < H; t++) {
          expect(y[bt][t][ch]).toBeCloseTo(dot(cw[h], s), 3); // output
          feed(dot(kw[h], s)); // the model's own next input, fed forward
        }
      }
  });

  it('input gradient matches finite differences (the per-kernel linear path)', () => {
    const [B, L, D, H, nK, d] = [2, 6, 4, 5, 2, 3];
    const layer = new TsClosedLoopSSM({ horizon: H, nKernels: nK, kernelDim: d, seed: 5 });
    const x = tf.randomNormal([B, L, D], 0, 1, 'float32', 12);
    layer.apply(x);
    layer.setWeights([...layer.getWeights().slice(0, 3), tf.randomNormal([nK, d], 0, 0.3, 'float32', 14)]);
    const w = tf.randomNormal([B, H, D], 0, 1, 'float32', 13);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, w)) as tf.Scalar;
    const { worst, detail } = gradcheck(f, [x], { eps: 1e-2, atol: 5e-3, rtol: 3e-2 });
    expect({ worst: worst <= 1, detail }).toEqual({ worst: true, detail });
  });

  it('forward and backward leak no tensors', () => {
    const layer = new TsClosedLoopSSM({ horizon: 5, nKernels: 2, kernelDim: 4 });
    const x = tf.randomNormal([2, 8, 4]);
    layer.apply(x);
    expectNoLeak(() => {
      const g = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar);
      tf.dispose([g.value, ...Object.values(g.grads)]);
    });
  });
});

describe('TsCompanionSSM and TsPreprocessKernels', () => {
  it('the layer convolves each channel with its kernel causally plus the D skip', () => {
    const layer = new TsCompanionSSM({ nKernels: 2, kernelDim: 4, seed: 1 });
    const x = tf.randomNormal([1, 10, 4], 0, 1, 'float32', 11);
    const y = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
    const k = rows(layer.kernels(10));
    const Dw = (layer.getWeights()[3].arraySync() as number[]);
    const xs = (x.arraySync() as number[][][])[0];
    for (let t = 0; t < 10; t++)
      for (let ch = 0; ch < 4; ch++) {
        let s = Dw[ch] * xs[t][ch];
        for (let j = 0; j <= t; j++) s += k[ch][j] * xs[t - j][ch];
        expect(y[0][t][ch]).toBeCloseTo(s, 3);
      }
  });

  it('preprocessing: raw, differences and moving averages, frozen', () => {
    const layer = new TsPreprocessKernels({ diffOrders: [1, 2], maWindows: [3] });
    const x = tf.tensor3d([[[1], [4], [9], [16], [25]]]);
    const y = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
    const col = (j: number) => y[0].map((r) => r[j]);
    expect(col(0)).toEqual([1, 4, 9, 16, 25]);
    expect(col(1).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([1, 3, 5, 7, 9]);
    expect(col(2).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([1, 2, 2, 2, 2]);
    expect(col(3).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([1 / 3, 5 / 3, 14 / 3, 29 / 3, 50 / 3].map((v) => Math.round(v * 1e4) / 1e4));
    expect(layer.trainableWeights.length).toBe(0);
    expect(() => new TsPreprocessKernels({ diffOrders: [5] })).toThrow(/diffOrders expects integers in 1..4, received 5/);
    void tfl;
  });
});

describe('TsLayerNorm (alias of ssm-core LayerNorm kept for old checkpoints)', () => {
  it('equals tfjs-layers layerNormalization (values and input gradient)', () => {
    const { TsLayerNorm } = jest.requireActual('./layerNorm') as typeof import('./layerNorm');
    const x = tf.randomNormal([2, 3, 8], 0, 2, 'float32', 12);
    const ours = new TsLayerNorm({ epsilon: 1e-3 });
    expect(ours).toBeInstanceOf(LayerNorm);
    expect(ours.getClassName()).toBe('TsLayerNorm');
    const ref = tfl.layers.layerNormalization({ epsilon: 1e-3 });
    const w = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 13);
    const f = (l: tfl.layers.Layer) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(l.apply(v) as tf.Tensor, w)))(x);
    const a = (ours.apply(x) as tf.Tensor).arraySync() as number[][][];
    const b = (ref.apply(x) as tf.Tensor).arraySync() as number[][][];
    a.flat(2).forEach((v, i) => expect(v).toBeCloseTo(b.flat(2)[i], 4));
    const ga = f(ours).dataSync();
    const gb = f(ref).dataSync();
    ga.forEach((v, i) => expect(v).toBeCloseTo(gb[i], 4));
  });

  it('a model saved with TsLayerNorm layers still loads (same weight names and config)', async () => {
    const { TsLayerNorm } = jest.requireActual('./layerNorm') as typeof import('./layerNorm');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3 }), new TsLayerNorm({ epsilon: 1e-4 })] });
    model.layers[1].setWeights([tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 1, -1])]);
    expect(model.layers[1].weights.map((w) => w.name.split('/').pop())).toEqual(['gamma', 'beta']);
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    copy.setWeights(model.getWeights());
    expect(copy.layers[1].getClassName()).toBe('TsLayerNorm');
    expect((copy.layers[1] as LayerNorm).epsilon).toBe(1e-4);
    const x = tf.randomNormal([2, 4], 0, 1, 'float32', 5);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (copy.predict(x) as tf.Tensor).dataSync();
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i], 6));
  });
});
