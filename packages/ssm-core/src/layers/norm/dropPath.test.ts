import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectNoLeak, rand } from '../../testing/compare';
import { DropPath } from './dropPath';
import { mulberry32 } from '../../train/seed';

/** Per-sample scale factors of a DropPath output relative to its input (0 or 1/(1 − rate)). */
function sampleScales(x: tf.Tensor, y: tf.Tensor): number[] {
  const xv = x.dataSync();
  const yv = y.dataSync();
  const per = x.size / x.shape[0];
  return Array.from({ length: x.shape[0] }, (_, b) => {
    const s = yv[b * per] / xv[b * per];
    for (let i = 0; i < per; i++) expect(yv[b * per + i]).toBeCloseTo(xv[b * per + i] * s, 5); // whole sample
    return s;
  });
}

describe.each(TEST_BACKENDS)('DropPath on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('training: drops whole samples with probability rate, rescales the kept by 1/(1 − rate); seeded', () => {
    const rate = 0.3;
    const layer = new DropPath({ rate, seed: 17 });
    const x = rand([2000, 3, 2], 1, 0.5, 1.5); // no zeros, so ratios are defined
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const scales = sampleScales(x, y);
    scales.forEach((s) => expect(s === 0 || Math.abs(s - 1 / (1 - rate)) < 1e-5).toBe(true));
    const dropped = scales.filter((s) => s === 0).length / scales.length;
    expect(Math.abs(dropped - rate)).toBeLessThan(0.05); // 4.9σ for n = 2000
    // Same seed → same masks (independently from the generator: sample b kept iff rng() < 1 − rate).
    const rng = mulberry32(17);
    expect(scales.map((s) => s !== 0)).toEqual(scales.map(() => rng() < 1 - rate));
    const y2 = new DropPath({ rate, seed: 17 }).apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(y2.dataSync())).toEqual(Array.from(y.dataSync()));
    // Successive calls draw new masks.
    const y3 = layer.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(y3.dataSync())).not.toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y, y2, y3]);
  });

  it('inference (and rate 0) is the identity; leaks nothing; gradients are masked the same way', () => {
    const layer = new DropPath({ rate: 0.5, seed: 1 });
    const x = rand([8, 4], 2);
    for (const kwargs of [undefined, { training: false }]) {
      const y = layer.apply(x, kwargs) as tf.Tensor;
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
      y.dispose();
    }
    const z = new DropPath({ rate: 0 }).apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
    expectNoLeak(() => (layer.apply(x, { training: true }) as tf.Tensor).dispose(), 'DropPath train');
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'DropPath infer');
    const probe = new DropPath({ rate: 0.5, seed: 5 });
    const mask = sampleScales(x, probe.apply(x, { training: true }) as tf.Tensor);
    const again = new DropPath({ rate: 0.5, seed: 5 });
    const g = tf.grad((xx: tf.Tensor) => tf.sum(again.apply(xx, { training: true }) as tf.Tensor))(x);
    const gv = g.dataSync();
    mask.forEach((s, b) => expect(gv[b * 4]).toBeCloseTo(s, 5));
    tf.dispose([x, z, g]);
  });
});

describe('DropPath: model integration, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('is the identity in predict, round-trips through toJSON/modelFromJSON', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 }), new DropPath({ rate: 0.2, seed: 4 })] });
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    copy.setWeights(model.getWeights());
    const dp = copy.layers[1] as DropPath;
    expect([dp.getClassName(), dp.rate, dp.seed]).toEqual(['DropPath', 0.2, 4]);
    const x = rand([5, 3], 3);
    const a = model.predict(x) as tf.Tensor;
    const b = copy.predict(x) as tf.Tensor;
    const dense = model.layers[0].apply(x) as tf.Tensor;
    expect(Array.from(a.dataSync())).toEqual(Array.from(dense.dataSync()));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b, dense]);
    model.dispose();
    copy.dispose();
  });

  it('rejects bad rate and seed clearly', () => {
    expect(() => new DropPath({ rate: 1 })).toThrow(/DropPath: option 'rate' must be a number in \[0, 1\), received 1/);
    expect(() => new DropPath({ rate: -0.1 })).toThrow(/received -0.1/);
    expect(() => new DropPath({} as never)).toThrow(/option 'rate' .*received undefined/);
    expect(() => new DropPath({ rate: 0.1, seed: 1.5 })).toThrow(/option 'seed' must be an integer, received 1.5/);
  });
});
