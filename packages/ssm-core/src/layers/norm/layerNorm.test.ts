import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { expectJsonRoundTrip } from '../../testing/layerChecks';
import { LayerNorm } from './layerNorm';
import { layerNormalize, layerNormalizeReference } from './layerNormalize';

/** Independent float64 oracle: per row of length d, (x − mean)/sqrt(var + eps)·gamma + beta. */
function jsLayerNorm(x: ArrayLike<number>, d: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / d; r++) {
    let m = 0;
    for (let j = 0; j < d; j++) m += x[r * d + j] / d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[r * d + j] - m) ** 2 / d;
    for (let j = 0; j < d; j++) out.push(((x[r * d + j] - m) / Math.sqrt(v + eps)) * gamma[j] + beta[j]);
  }
  return out;
}

type LnFn = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps?: number) => tf.Tensor;
/** y and the gradients of Σ y·w with respect to x, gamma, beta. */
const valueAndGrads = (fn: LnFn, xs: tf.Tensor[], w: tf.Tensor, eps: number): tf.Tensor[] =>
  tf.tidy(() => {
    const loss = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(x, g, b, eps), w)) as tf.Scalar;
    return [fn(xs[0], xs[1], xs[2], eps), ...tf.grads(loss)(xs)];
  });

describe.each(TEST_BACKENDS)('layerNormalize on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    [[2, 3, 7], 1e-5],
    [[5, 16], 1e-3],
  ])('fused and reference match the float64 oracle, and each other in every gradient (shape %j)', (shape, eps) => {
    const d = shape[shape.length - 1];
    const x = rand(shape, 1, -3, 3);
    const gamma = rand([d], 2, 0.5, 1.5);
    const beta = rand([d], 3);
    const w = rand(shape, 4);
    const want = tf.tensor(jsLayerNorm(x.dataSync(), d, gamma.dataSync(), beta.dataSync(), eps), shape);
    const fused = valueAndGrads(layerNormalize, [x, gamma, beta], w, eps);
    const ref = valueAndGrads(layerNormalizeReference, [x, gamma, beta], w, eps);
    expectClose(fused[0], want, 1e-5, 1e-4, 'fused y');
    expectClose(ref[0], want, 1e-5, 1e-4, 'reference y');
    ['dx', 'dgamma', 'dbeta'].forEach((label, i) => expectClose(fused[i + 1], ref[i + 1], 1e-5, 1e-4, label));
    expect(fused[1].shape).toEqual(shape);
    expect(fused[2].shape).toEqual([d]);
    expectNoLeak(() => tf.dispose(valueAndGrads(layerNormalize, [x, gamma, beta], w, eps)), 'fused forward + backward');
    tf.dispose([x, gamma, beta, w, want, ...fused, ...ref]);
  });

  it('the reference passes finite differences in x, gamma and beta', () => {
    const x = rand([3, 6], 5, -2, 2);
    const gamma = rand([6], 6, 0.5, 1.5);
    const beta = rand([6], 7);
    const w = rand([3, 6], 8);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNormalizeReference(a, g, b, 1e-3), w)) as tf.Scalar;
    const { worst, detail } = gradcheck(f, [x, gamma, beta], { eps: 1e-2, maxPerInput: 18 });
    expect(worst <= 1 ? 'ok' : detail).toBe('ok');
    tf.dispose([x, gamma, beta, w]);
  });
});

describe('LayerNorm layer', () => {
  beforeAll(() => useBackend('cpu'));

  it('equals tfjs-layers LayerNormalization in values and every gradient, and leaks nothing', () => {
    const ours = new LayerNorm({ epsilon: 1e-3 });
    const ref = tfl.layers.layerNormalization({ epsilon: 1e-3 });
    const x = rand([2, 3, 8], 12, -2, 2);
    ours.apply(x);
    ref.apply(x);
    const gamma = rand([8], 13, 0.5, 1.5);
    const beta = rand([8], 14);
    ours.setWeights([gamma, beta]);
    ref.setWeights([gamma, beta]);
    expect(ours.trainableWeights.map((v) => v.name.split('/').pop())).toEqual(['gamma', 'beta']);
    const w = rand([2, 3, 8], 15);
    const run = (l: tfl.layers.Layer) =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(l.apply(x) as tf.Tensor, w)) as tf.Scalar, l.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val));
        const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(l.apply(v) as tf.Tensor, w)))(x);
        return [l.apply(x) as tf.Tensor, gx, value, ...l.trainableWeights.map((v) => grads[(v as unknown as { val: tf.Variable }).val.name])];
      });
    const a = run(ours);
    const b = run(ref);
    ['y', 'dx', 'loss', 'dgamma', 'dbeta'].forEach((label, i) => expectClose(a[i], b[i], 1e-5, 1e-4, label));
    expectNoLeak(() => tf.dispose(run(ours)), 'LayerNorm forward + backward');
    tf.dispose([x, gamma, beta, w, ...a, ...b]);
    ours.dispose();
    ref.dispose();
  });

  it('round-trips through model.toJSON / modelFromJSON with the same outputs', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [6], units: 4 }), new LayerNorm({ epsilon: 1e-3 })] });
    model.layers[1].setWeights([tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 1, -1, 0.5])]);
    const x = rand([3, 6], 16);
    const copy = await expectJsonRoundTrip(model, x);
    expect(copy.layers[1].getClassName()).toBe('LayerNorm');
    expect((copy.layers[1] as LayerNorm).epsilon).toBe(1e-3);
    x.dispose();
    model.dispose();
    copy.dispose();
  });

  it('rejects bad options and inputs clearly', () => {
    expect(() => new LayerNorm({ epsilon: 0 })).toThrow(/LayerNorm: option 'epsilon' must be a finite number > 0, received 0/);
    expect(() => new LayerNorm({ epsilon: NaN })).toThrow(/received NaN/);
    const x = tf.zeros([2, 6]);
    const g = tf.ones([5]);
    const b = tf.zeros([6]);
    expect(() => layerNormalize(x, g, b)).toThrow(/argument 'gamma' must be a float32 vector of length 6 .*received float32 shape/);
    expect(() => layerNormalize(x, b, g)).toThrow(/argument 'beta' must be a float32 vector of length 6/);
    expect(() => layerNormalize(tf.zeros([2, 6], 'int32'), b, b)).toThrow(/argument 'x' must be a non-empty float32 tensor/);
    expect(() => layerNormalize(x, b, b, -1)).toThrow(/option 'eps' must be a finite number > 0, received -1/);
    const layer = new LayerNorm();
    layer.apply(x);
    expect(() => layer.apply(tf.zeros([2, 5]))).toThrow(/LayerNorm: input 'x' must have last dimension 6, received shape \[2, 5\]/);
    tf.dispose([x, g, b]);
  });
});
