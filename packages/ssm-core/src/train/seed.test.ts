import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../testing/backends';
import { mulberry32, normal, setSeed, uniform } from './seed';
import { seededInitializer, SeededInitializer } from './seededInitializer';

const vals = (t: tf.Tensor) => Array.from(t.dataSync());

describe('seeded randomness', () => {
  beforeAll(() => useBackend('cpu'));

  it('mulberry32 gives the same stream for the same seed and different streams otherwise', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = Array.from({ length: 100 }, a);
    expect(Array.from({ length: 100 }, b)).toEqual(sa);
    expect(Array.from({ length: 100 }, c)).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('setSeed makes uniform/normal reproducible; the statistics are right', () => {
    setSeed(7);
    const u1 = uniform([4000], -2, 2);
    const n1 = normal([4001], 1, 3);
    setSeed(7);
    const u2 = uniform([4000], -2, 2);
    const n2 = normal([4001], 1, 3);
    expect(vals(u2)).toEqual(vals(u1));
    expect(vals(n2)).toEqual(vals(n1));
    const u = vals(u1);
    const n = vals(n1);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(2);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
    expect(Math.abs(mean(u))).toBeLessThan(0.1); // 4σ of the mean: 4·(4/√12)/√4000 ≈ 0.073
    expect(Math.abs(mean(n) - 1)).toBeLessThan(0.2); // 4·3/√4001 ≈ 0.19
    expect(Math.abs(std(n) - 3)).toBeLessThan(0.15);
    tf.dispose([u1, u2, n1, n2]);
  });

  it('rejects bad arguments clearly', () => {
    expect(() => uniform([2], 1, 1)).toThrow(/'lo' < 'hi' must be finite, received lo=1, hi=1/);
    expect(() => normal([2], 0, -1)).toThrow(/'std' finite >= 0, received mean=0, std=-1/);
    expect(() => uniform([2.5], 0, 1)).toThrow(/argument 'shape' must be an array of integers >= 0, received \[2.5\]/);
    expect(() => mulberry32(NaN)).toThrow(/argument 'seed' must be a finite number, received NaN/);
    expect(() => seededInitializer({ distribution: 'gauss' as 'normal', seed: 1 })).toThrow(/option 'distribution' must be 'uniform' or 'normal', received gauss/);
  });

  it('SeededInitializer gives identical layer weights on every backend and survives serialization', async () => {
    const weightsOn = async (backend: string) => {
      await useBackend(backend);
      const layer = tfl.layers.dense({ units: 5, inputShape: [4], kernelInitializer: seededInitializer({ distribution: 'normal', seed: 3, stddev: 0.2 }) });
      const model = tfl.sequential({ layers: [layer] });
      const w = vals(layer.getWeights()[0]);
      const json = model.toJSON(null, false) as { config: { layers: Array<{ config: { kernel_initializer: { class_name: string } } }> } };
      model.dispose();
      return { w, initName: json.config.layers[0].config.kernel_initializer.class_name };
    };
    const results = [];
    for (const b of TEST_BACKENDS) results.push(await weightsOn(b));
    expect(results[1].w).toEqual(results[0].w);
    expect(results[0].initName).toBe('SeededInitializer');
    await useBackend('cpu');
    const init = new SeededInitializer({ distribution: 'uniform', seed: 9, minval: 0, maxval: 1 });
    const copy = SeededInitializer.fromConfig(SeededInitializer, init.getConfig()) as SeededInitializer;
    const a = init.apply([6]);
    const b = copy.apply([6]);
    expect(vals(b)).toEqual(vals(a));
    tf.dispose([a, b]);
  });
});
