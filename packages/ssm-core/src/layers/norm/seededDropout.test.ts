import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../testing/backends';
import { SeededDropout } from './seededDropout';

describe('SeededDropout', () => {
  beforeAll(async () => useBackend('cpu'));

  it('draws a fresh mask on every training call (seeded, reproducible), identity at inference, no leak', () => {
    const x = tf.ones([50, 8]);
    const masks = (seed: number): Float32Array[] => {
      const d = new SeededDropout({ rate: 0.5, seed });
      return [0, 1].map(() => tf.tidy(() => (d.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array));
    };
    const [a1, a2] = masks(3);
    const [b1] = masks(3);
    expect(Array.from(a1)).not.toEqual(Array.from(a2));
    expect(Array.from(a1)).toEqual(Array.from(b1));
    expect(new Set(a1)).toEqual(new Set([0, 2]));
    const kept = a1.filter((v) => v > 0).length / a1.length;
    expect(kept).toBeGreaterThan(0.4);
    expect(kept).toBeLessThan(0.6);
    const before = tf.memory().numTensors;
    tf.tidy(() => expect(Array.from((new SeededDropout({ rate: 0.5 }).apply(x, { training: false }) as tf.Tensor).dataSync())).toEqual(Array(400).fill(1)));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => new SeededDropout({ rate: 1 })).toThrow(/SeededDropout: option 'rate' must be a number in \[0, 1\), received 1/);
    expect(() => new SeededDropout({ rate: 0.1, seed: 0.5 })).toThrow(/option 'seed' must be an integer, received 0.5/);
    x.dispose();
  });
});
