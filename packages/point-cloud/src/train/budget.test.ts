import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { buildPcm } from '../models/pcm';
import { sphereCloud } from '../testing/data';
import { epochsForBudget } from './budget';

beforeAll(async () => { await initBackend({ backend: 'cpu' }); });

describe('epochsForBudget', () => {
  it('sizes the epochs to the budget from timed steps, within [1, maxEpochs], and leaks nothing', () => {
    const model = buildPcm('micro', { seed: 1 });
    const S = 6, N = 64;
    const points = new Float32Array(S * N * 3);
    for (let s = 0; s < S; s++) points.set(sphereCloud(N, s + 1), s * N * 3);
    const base = { model, points, numShapes: S, batch: 2, batchesPerEpoch: 3, valShapes: 4, probeSteps: 1 };
    epochsForBudget({ ...base, budgetSeconds: 1, maxEpochs: 1 }); // first calls of a model may cache constants
    const before = tf.memory().numTensors;
    const tiny = epochsForBudget({ ...base, budgetSeconds: 1e-6, maxEpochs: 50 });
    expect(tiny.epochs).toBe(1);
    expect(tiny.stepSeconds).toBeGreaterThan(0);
    // the epoch estimate is 3 training steps + 2 validation batches
    expect(tiny.epochSeconds).toBeCloseTo(3 * tiny.stepSeconds + 2 * tiny.valBatchSeconds, 6);
    expect(epochsForBudget({ ...base, budgetSeconds: 1e6, maxEpochs: 7 }).epochs).toBe(7);
    const mid = epochsForBudget({ ...base, budgetSeconds: 20 * tiny.epochSeconds, maxEpochs: 1000, margin: 1 });
    expect(mid.epochs).toBeGreaterThanOrEqual(4); // timing noise: same order as 20 epochs of the first estimate
    expect(mid.epochs).toBeLessThanOrEqual(100);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
