import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { renderShapes } from '../data/synthetic';
import { makeBatch } from '../data/dataset';
import * as tfl from '@tensorflow/tfjs-layers';
import { evaluateModel } from './evaluate';

describe('evaluateModel flip test-time augmentation', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('averages the softmax of each image and its mirror; top1Plain is the plain pass', async () => {
    const source = renderShapes(40, 5);
    // A linear classifier with random weights: its predictions depend on the image and change under a mirror.
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [32, 32, 1] }), tfl.layers.dense({ units: 8, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed: 3 }) })] });
    const o = { size: 32, channels: 1, mean: [0.2], std: [0.3], batch: 16 };
    const before = tf.memory().numTensors;
    const plain = await evaluateModel(model, source, o);
    const tta = await evaluateModel(model, source, { ...o, flipTta: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(plain.top1Plain).toBeUndefined();
    expect(tta.top1Plain).toBeCloseTo(plain.top1, 10);
    // The same predictions computed by hand.
    const b = await makeBatch(source, Array.from({ length: 40 }, (_, i) => i), o);
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(b.x, [40, 32, 32, 1]);
      const mirror = tf.reverse(x, 2);
      const y = model.predict(x) as tf.Tensor;
      return [tf.argMax(tf.add(tf.softmax(y), tf.softmax(model.predict(mirror) as tf.Tensor)), 1).dataSync(), tf.argMax(y, 1).dataSync()];
    });
    const [ttaPred, plainPred] = pred;
    const want = Array.from(ttaPred).filter((p, i) => p === b.labels[i]).length / 40;
    expect(tta.top1).toBeCloseTo(want, 10);
    expect(Array.from(plainPred).filter((p, i) => p === b.labels[i]).length / 40).toBeCloseTo(plain.top1, 10);
    // the mirror changes some predictions here, so the comparison above tells the two apart
    expect(Array.from(ttaPred)).not.toEqual(Array.from(plainPred));
    model.dispose();
  });
});
