import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { writeDemoCsv } from '../data/synthetic';
import { tempDir } from '../data/testUtil';
import { trainForecaster } from './trainForecaster';

const dir = tempDir();
const csv = path.join(dir, 'demo.csv');
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  writeDemoCsv(csv, 600);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base = { csv, model: 's-mamba' as const, preset: 'micro', lookback: 24, horizon: 8, batch: 16, maxBatches: 2, quiet: true, plots: false, log: () => undefined };

it("'halving' (the S-Mamba script's schedule) halves the learning rate after every epoch, without leaks", async () => {
  const n0 = tf.memory().numTensors;
  const r = await trainForecaster({ ...base, lr: 1e-3, epochs: 3, patience: 10, schedule: 'halving', out: path.join(dir, 'halving') });
  expect(r.history.map((h) => h.lr)).toEqual([1e-3, 5e-4, 2.5e-4]);
  expect(tf.memory().numTensors).toBe(n0);
  const c = await trainForecaster({ ...base, lr: 1e-3, epochs: 2, patience: 10, schedule: 'constant', out: path.join(dir, 'constant') });
  expect(c.history.map((h) => h.lr)).toEqual([1e-3, 1e-3]);
});

it('an unknown schedule is refused before anything is loaded or built', async () => {
  const n0 = tf.memory().numTensors;
  await expect(trainForecaster({ ...base, schedule: 'step' as never, out: path.join(dir, 'bad') })).rejects.toThrow(/option 'schedule' expects one of cosine, constant, halving, received 'step'/);
  expect(tf.memory().numTensors).toBe(n0);
  expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);
});
