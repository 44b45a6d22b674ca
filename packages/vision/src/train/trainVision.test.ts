import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { renderShapes } from '../data/synthetic';
import { buildVisionModel } from '../models/buildModel';
import { defaultVisionWorkers, splitVisionBatch, trainVisionModel, type VisionDataConfig } from './trainVision';
import type { VisionPart } from './gradientWorker';

const data: VisionDataConfig = { model: 'vmamba-micro', size: 32, channels: 1, mean: [0.2], std: [0.3], classNames: Array.from({ length: 8 }, (_, i) => `c${i}`), dataset: 'shapes' };

describe('data-parallel vision training', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('splitVisionBatch: the shares are the batch, in order', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 7 * 2 * 2 }, (_, i) => i), [7, 2, 2, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0], 'int32'), 3) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const s = splitVisionBatch({ x, y }, 3);
    expect(s.localCount + s.remote.reduce((a, r) => a + r.count, 0)).toBe(7);
    expect(s.remote.map((r) => r.count)).toEqual([2, 3]);
    const rows = [...Array.from(s.local.x.dataSync()), ...s.remote.flatMap((r) => Array.from((r.payload as VisionPart).x))];
    expect(rows).toEqual(Array.from(x.dataSync()));
    const tail = tf.slice(y, [4, 0], [3, 3]);
    expect((s.remote[1].payload as VisionPart).y).toEqual(tail.dataSync());
    tf.dispose([s.local.x, s.local.y, tail]);
    expect(tf.memory().numTensors).toBe(before);
    expect(splitVisionBatch({ x, y }, 1).remote).toEqual([]);
    tf.dispose([x, y]);
  });

  it('one worker thread trains to the same weights as one thread (no DropPath), without leaks', async () => {
    const train = renderShapes(64, 3);
    const run = async (workers: number) => {
      const model = buildVisionModel('vmamba-micro', { numClasses: 8, dropPath: 0, seed: 1 });
      const before = tf.memory().numTensors;
      const r = await trainVisionModel({ model, train, data, epochs: 1, batch: 16, lr: 3e-3, augment: null, progress: false, workers, seed: 2 });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      const leaked = tf.memory().numTensors - before;
      model.dispose();
      return { loss: r.history[0].trainLoss, weights, leaked };
    };
    const one = await run(0);
    const two = await run(1);
    expect(one.leaked).toBe(0);
    expect(two.leaked).toBe(0);
    expect(two.loss).toBeCloseTo(one.loss, 4);
    let maxDiff = 0;
    one.weights.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - two.weights[i][j])))));
    expect(maxDiff).toBeLessThan(1e-3);
    // and the weights did move (4 AdamW steps at 3e-3)
    const init = buildVisionModel('vmamba-micro', { numClasses: 8, dropPath: 0, seed: 1 });
    const w0 = init.getWeights().map((w) => Array.from(w.dataSync()));
    init.dispose();
    expect(Math.max(...w0[0].map((v, j) => Math.abs(v - one.weights[0][j])))).toBeGreaterThan(1e-3);
  });

  it('defaultVisionWorkers follows STATESPACE_THREADS on wasm, none for tiny batches', () => {
    const saved = process.env.STATESPACE_THREADS;
    try {
      process.env.STATESPACE_THREADS = '1';
      expect(defaultVisionWorkers(64)).toBe(0);
      process.env.STATESPACE_THREADS = '3';
      expect(defaultVisionWorkers(64)).toBe(2);
      expect(defaultVisionWorkers(4)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.STATESPACE_THREADS;
      else process.env.STATESPACE_THREADS = saved;
    }
  });

  it('refuses a bad worker count', async () => {
    const model = buildVisionModel('vmamba-micro', { numClasses: 8 });
    await expect(trainVisionModel({ model, train: renderShapes(32, 1), data, epochs: 1, batch: 16, progress: false, workers: -1 })).rejects.toThrow(/'workers' must be an integer >= 0, received -1/);
    model.dispose();
  });
});
