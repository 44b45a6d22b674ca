import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { batchNormTrain, PcBatchNorm } from './batchNorm';
import { expectNoTensorLeak } from '../testing/data';

beforeAll(async () => { await initBackend({ backend: 'cpu' }); });

describe('PcBatchNorm', () => {
  it('normalizes per channel with batch statistics in training, updates running ones, and uses them at inference', () => {
    const layer = new PcBatchNorm({ momentum: 0.5 });
    const x = tf.add(tf.mul(tf.randomNormal([3, 4, 5, 2], 0, 1, 'float32', 1), [2, 0.5]), [1, -3]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    // oracle: plain loops per channel
    const xv = x.dataSync(), yv = y.dataSync();
    for (let c = 0; c < 2; c++) {
      const vals = Array.from(xv).filter((_, i) => i % 2 === c);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
      for (let i = c; i < xv.length; i += 2) expect(yv[i]).toBeCloseTo((xv[i] - mean) / Math.sqrt(variance + 1e-5), 4);
      const [, , rm, rv] = layer.getWeights().map((w) => w.dataSync());
      expect(rm[c]).toBeCloseTo(0.5 * 0 + 0.5 * mean, 5);
      expect(rv[c]).toBeCloseTo(0.5 * 1 + 0.5 * variance, 4);
    }
    expect(layer.trainableWeights.length).toBe(2);
    // inference: (x − running mean) / sqrt(running var + eps)
    const [, , rmT, rvT] = layer.getWeights();
    const inf = layer.apply(x) as tf.Tensor;
    const want = tf.div(tf.sub(x, rmT), tf.sqrt(tf.add(rvT, 1e-5)));
    const iv = inf.dataSync(), wv = want.dataSync();
    for (let i = 0; i < iv.length; i++) expect(iv[i]).toBeCloseTo(wv[i], 5);
    // a gradient flows to x, gamma and beta, and nothing leaks
    const gradStep = () => {
      const probe = tf.randomNormal(x.shape, 0, 1, 'float32', 2);
      const xv = tf.variable(x);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xv, { training: true }) as tf.Tensor, probe)) as tf.Scalar, [xv]);
      const g = [value, grads[xv.name], xv];
      const size = tf.tidy(() => tf.sum(tf.abs(g[1])));
      expect(size.dataSync()[0]).toBeGreaterThan(0);
      expect(Number.isFinite(size.dataSync()[0])).toBe(true);
      tf.dispose([probe, size, ...g]);
    };
    gradStep(); // the first gradient call may cache constants
    expectNoTensorLeak(gradStep);
    expect(() => new PcBatchNorm({ momentum: 1 })).toThrow(/PcBatchNorm: option 'momentum' must be in \[0, 1\), received 1/);
    tf.dispose([x, y, inf, want, rmT, rvT]);
  });
});

describe('batchNormTrain', () => {
  it('equals batch norm in plain tf ops (tf.moments), values and the gradients of x, gamma and beta', () => {
    const x = tf.add(tf.mul(tf.randomNormal([40, 6], 0, 1, 'float32', 3), 1.5), 0.7) as tf.Tensor2D;
    const g = tf.randomUniform([6], 0.5, 2, 'float32', 4) as tf.Tensor1D, b = tf.randomNormal([6], 0, 1, 'float32', 5) as tf.Tensor1D;
    const probe = tf.randomNormal([40, 6], 0, 1, 'float32', 6);
    const reference = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
      const { mean, variance } = tf.moments(xi, 0);
      return tf.add(tf.mul(tf.div(tf.sub(xi, mean), tf.sqrt(tf.add(variance, 1e-5))), gi), bi);
    };
    const fused = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => batchNormTrain(xi as tf.Tensor2D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5);
    const loss = (f: typeof reference) => (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(f(xi, gi, bi), probe));
    const [ya, yb] = [fused(x, g, b), reference(x, g, b)];
    const ga = tf.grads(loss(fused))([x, g, b]), gb = tf.grads(loss(reference))([x, g, b]);
    const close = (a: tf.Tensor, c: tf.Tensor) => {
      const av = a.dataSync(), cv = c.dataSync();
      for (let i = 0; i < av.length; i++) expect(Math.abs(av[i] - cv[i])).toBeLessThan(1e-4 + 1e-4 * Math.abs(cv[i]));
    };
    close(ya, yb);
    ga.forEach((t, i) => close(t, gb[i]));
    tf.dispose([x, g, b, probe, ya, yb, ...ga, ...gb]);
  });
});
