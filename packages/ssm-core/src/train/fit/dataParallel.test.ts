import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../testing/backends';
import { mulberry32, type Rng } from '../seed';
import { fit } from './fit';
import { GradientWorkers, type GradientPart } from './gradientWorkers';
import type { DataParallelOptions } from './types';

// The workers load the built package (npm test runs after npm run build, as in CI).
const DIST = path.resolve(__dirname, '../../../dist/index.js');
const N = 48;
const D = 4;
type Batch = { x: tf.Tensor2D; y: tf.Tensor2D };

const data = (() => {
  const rng = mulberry32(7);
  const x = new Float32Array(N * D).map(() => rng() * 2 - 1);
  const y = new Float32Array(N).map((_, i) => Math.sin(3 * x[i * D]) + x[i * D + 1] * x[i * D + 2]);
  return { x, y };
})();

function makeModel(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ inputShape: [D], units: 8, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
  m.add(tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }));
  return m;
}

// Batches of 16 in a seeded order (the same in both runs).
function* batches(_e: number, rng: Rng): Iterable<Batch> {
  const order = Array.from({ length: N }, (_, i) => i).sort(() => rng() - 0.5);
  for (let s = 0; s < N; s += 16) {
    const idx = order.slice(s, s + 16);
    const xs = new Float32Array(idx.length * D);
    idx.forEach((k, i) => xs.set(data.x.subarray(k * D, k * D + D), i * D));
    yield { x: tf.tensor2d(xs, [idx.length, D]), y: tf.tensor2d(Float32Array.from(idx, (k) => data.y[k]), [idx.length, 1]) };
  }
}

const loss = (m: tfl.LayersModel, b: Batch) => tf.losses.meanSquaredError(b.y, m.apply(b.x, { training: true }) as tf.Tensor) as tf.Scalar;

/** Splits rows into `parts` shares (the first kept as tensors, the others as plain arrays for the workers). */
const split: DataParallelOptions<Batch>['split'] = (b, parts) => {
  const n = b.x.shape[0];
  const sizes = Array.from({ length: parts }, (_, k) => Math.floor((n * (k + 1)) / parts) - Math.floor((n * k) / parts));
  const xs = tf.split(b.x, sizes);
  const ys = tf.split(b.y, sizes);
  const remote: GradientPart[] = sizes.slice(1).map((c, k) => ({ count: c, payload: { n: c, x: xs[k + 1].dataSync(), y: ys[k + 1].dataSync() } }));
  tf.dispose([...xs.slice(1), ...ys.slice(1)]);
  return { local: { x: xs[0] as tf.Tensor2D, y: ys[0] as tf.Tensor2D }, localCount: sizes[0], remote };
};

function writeScript(dir: string, body: string): string {
  const file = path.join(dir, 'worker.js');
  fs.writeFileSync(file, `const core = require(${JSON.stringify(DIST)});\nconst tf = require(${JSON.stringify(require.resolve('@tensorflow/tfjs-core'))});\n${body}\n`);
  return file;
}

const GOOD = `core.serveGradients(() => ({ loss: (m, p) => tf.losses.meanSquaredError(tf.tensor2d(p.y, [p.n, 1]), m.apply(tf.tensor2d(p.x, [p.n, ${D}]), { training: true })) }));`;

describe('fit with dataParallel (GradientWorkers)', () => {
  let dir: string;
  beforeAll(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dp-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2])('trains to the same weights as one thread (%i workers), leaks nothing', async (count) => {
    const base = { epochs: 2, batchesPerEpoch: 3, trainBatches: batches, loss, lr: 0.05, seed: 5, progress: false, disposeBatch: (b: Batch) => tf.dispose([b.x, b.y]) };
    const one = makeModel();
    const two = makeModel();
    two.setWeights(one.getWeights());
    const r1 = await fit({ ...base, model: one });
    const before = tf.memory().numTensors;
    const workers = await GradientWorkers.start({ script: writeScript(dir, GOOD), count, model: two, backend: 'cpu' });
    let r2;
    try {
      r2 = await fit({ ...base, model: two, dataParallel: { workers, split } });
    } finally {
      await workers.close();
    }
    expect(tf.memory().numTensors).toBe(before);
    r2.history.forEach((h, i) => expect(h.trainLoss).toBeCloseTo(r1.history[i].trainLoss, 5));
    const w1 = one.getWeights().map((w) => Array.from(w.dataSync()));
    const w2 = two.getWeights().map((w) => Array.from(w.dataSync()));
    // The weights moved, and identically up to float rounding of the combined mean.
    expect(w1[0]).not.toEqual(Array.from(makeModel().getWeights()[0].dataSync()));
    w1.forEach((w, i) => w.forEach((v, j) => expect(w2[i][j]).toBeCloseTo(v, 4)));
  });

  it('names the script when it is missing, and a worker error reaches fit', async () => {
    const model = makeModel();
    await expect(GradientWorkers.start({ script: path.join(dir, 'nope.js'), count: 1, model })).rejects.toThrow(/nope\.js' does not exist/);
    await expect(GradientWorkers.start({ script: writeScript(dir, GOOD), count: 0, model })).rejects.toThrow(/'count' must be an integer >= 1, received 0/);
    const bad = writeScript(dir, `core.serveGradients(() => ({ loss: () => { throw new Error('loss exploded'); } }));`);
    const workers = await GradientWorkers.start({ script: bad, count: 1, model, backend: 'cpu' });
    const before = tf.memory().numTensors;
    try {
      await expect(fit({ model, epochs: 1, batchesPerEpoch: 3, trainBatches: batches, loss, progress: false, disposeBatch: (b) => tf.dispose([b.x, b.y]), dataParallel: { workers, split } }))
        .rejects.toThrow(/loss exploded/);
    } finally {
      await workers.close();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a loss that reaches no trainable weight, as on one thread', async () => {
    const model = makeModel();
    const workers = await GradientWorkers.start({ script: writeScript(dir, GOOD), count: 1, model, backend: 'cpu' });
    const before = tf.memory().numTensors;
    const constantLoss = (_m: tfl.LayersModel, b: Batch) => tf.mean(b.y) as tf.Scalar;
    try {
      await expect(fit({ model, epochs: 1, batchesPerEpoch: 3, trainBatches: batches, loss: constantLoss, progress: false, disposeBatch: (b) => tf.dispose([b.x, b.y]) }))
        .rejects.toThrow(/the loss does not depend on any trainable weight/);
      await expect(fit({ model, epochs: 1, batchesPerEpoch: 3, trainBatches: batches, loss: constantLoss, progress: false, disposeBatch: (b) => tf.dispose([b.x, b.y]), dataParallel: { workers, split } }))
        .rejects.toThrow(/the loss does not depend on any trainable weight/);
    } finally {
      await workers.close();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
