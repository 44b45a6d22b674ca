import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../testing/backends';
import { mulberry32, type Rng } from '../seed';
import { batchIndices } from '../../data/indices';
import { fit } from './fit';
import { loadCheckpoint, saveModelAtomically, OPTIMIZER_BIN } from './checkpoint';
import type { FitOptions } from './types';

// y = x·w + 0.5 with a little noise; 64 samples of 4 features.
const N = 64;
const D = 4;
const data = (() => {
  const rng = mulberry32(123);
  const x = new Float32Array(N * D).map(() => rng() * 2 - 1);
  const w = [0.5, -1, 2, 0.25];
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0.5;
    for (let j = 0; j < D; j++) s += x[i * D + j] * w[j];
    y[i] = s + 0.01 * (rng() - 0.5);
  }
  return { x, y };
})();
type Batch = { x: tf.Tensor2D; y: tf.Tensor2D };

function makeModel(seed: number): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ inputShape: [D], units: 8, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
  m.add(tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }));
  return m;
}

function* batches(_epoch: number, rng: Rng): Iterable<Batch> {
  for (const idx of batchIndices(N, 16, rng)) {
    const xs = new Float32Array(idx.length * D);
    const ys = new Float32Array(idx.length);
    idx.forEach((k, i) => {
      xs.set(data.x.subarray(k * D, k * D + D), i * D);
      ys[i] = data.y[k];
    });
    yield { x: tf.tensor2d(xs, [idx.length, D]), y: tf.tensor2d(ys, [idx.length, 1]) };
  }
}

const mse = (model: tfl.LayersModel, b: Batch) => tf.losses.meanSquaredError(b.y, model.apply(b.x, { training: true }) as tf.Tensor) as tf.Scalar;
const fullLoss = (model: tfl.LayersModel) => tf.tidy(() => {
  const x = tf.tensor2d(data.x, [N, D]);
  return tf.losses.meanSquaredError(tf.tensor2d(data.y, [N, 1]), model.predict(x) as tf.Tensor).dataSync()[0];
});
const predict = (model: tfl.LayersModel) => tf.tidy(() => Array.from((model.predict(tf.tensor2d(data.x, [N, D])) as tf.Tensor).dataSync()));

function baseOptions(model: tfl.LayersModel, extra: Partial<FitOptions<Batch>> = {}): FitOptions<Batch> {
  return {
    model, epochs: 4, batchesPerEpoch: N / 16, trainBatches: batches, loss: mse, lr: 0.02, seed: 1, progress: false,
    disposeBatch: (b) => tf.dispose([b.x, b.y]), validate: (m) => ({ loss: fullLoss(m) }), ...extra,
  };
}

const tmpDirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-fit-'));
  tmpDirs.push(d);
  return d;
};
const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
function expectAllClose(a: number[][], b: number[][], tol: number): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - b[i][j])).toBeLessThan(tol)));
}
const optimizerFloats = (dir: string) => {
  const buf = fs.readFileSync(path.join(dir, 'last', OPTIMIZER_BIN));
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
};
const stripTimes = (h: { seconds: number }[]) => h.map((r) => ({ ...r, seconds: 0 }));

beforeAll(() => useBackend('cpu'));
afterEach(() => jest.restoreAllMocks());
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('fit', () => {
  it('lowers the loss and writes best/last checkpoints that reload to identical predictions', async () => {
    const dir = tmp();
    const model = makeModel(1);
    const before = fullLoss(model);
    const predsByEpoch: number[][] = [];
    const r = await fit(baseOptions(model, { epochs: 6, checkpointDir: dir, extraState: { scaler: [1, 2] },
      onEpochEnd: () => predsByEpoch.push(predict(model)) }));
    expect(r.history).toHaveLength(6);
    expect(r.history[5].val!.loss).toBeLessThan(before / 4);
    expect(r.stopReason).toBe('epochs');
    expect(r.best).toBe(Math.min(...r.history.map((h) => h.val!.loss)));
    for (const which of ['best', 'last'] as const) {
      expect(fs.readdirSync(path.join(dir, which)).sort()).toEqual(
        which === 'last' ? ['model.json', 'optimizer.bin', 'state.json', 'weights.bin'] : ['model.json', 'state.json', 'weights.bin']);
      const { model: loaded, state } = await loadCheckpoint(dir, which);
      const epoch = which === 'best' ? r.bestEpoch : 6;
      expect(state.epoch).toBe(epoch);
      expect(state.extraState).toEqual({ scaler: [1, 2] });
      expect(predict(loaded)).toEqual(predsByEpoch[epoch - 1]);
      loaded.dispose();
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['best', 'last']); // no temporaries left
    model.dispose();
  });

  it('stops early when the monitored metric stops improving (patience)', async () => {
    const scores = [0.5, 0.7, 0.6, 0.65, 0.69, 0.9];
    const model = makeModel(2);
    let n = 0;
    const r = await fit(baseOptions(model, { epochs: 6, patience: 2, monitor: { metric: 'acc', mode: 'max' },
      validate: () => ({ acc: scores[n++] }) }));
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(r.stoppedEarly).toBe(true);
    expect(r.stopReason).toBe('patience');
    expect(r.bestEpoch).toBe(2);
    expect(r.best).toBe(0.7);
    model.dispose();
  });

  it('the time limit ends an epoch early, which is validated and checkpointed; resume goes on with the next epoch', async () => {
    const dir = tmp();
    const model = makeModel(5);
    const r = await fit(baseOptions(model, { checkpointDir: dir, maxSeconds: 0 }));
    expect(r.stopReason).toBe('time');
    expect(r.history).toHaveLength(1);
    expect(r.history[0].batches).toBe(1);
    expect(r.history[0].val).toBeDefined();
    for (const which of ['best', 'last'] as const) {
      const { model: loaded, state } = await loadCheckpoint(dir, which);
      expect(state.epoch).toBe(1);
      loaded.dispose();
    }
    const again = await fit(baseOptions(model, { checkpointDir: dir, resume: true }));
    expect(again.resumedFrom).toBe(1);
    expect(again.history.map((h) => h.batches)).toEqual([1, undefined, undefined, undefined]);
    expect(again.stopReason).toBe('epochs');
    model.dispose();
  });

  it('an interrupted run resumes to the same weights, optimizer state and history as an uninterrupted one', async () => {
    const full = tmp();
    const a = makeModel(3);
    const ra = await fit(baseOptions(a, { checkpointDir: full, warmupSteps: 3 }));

    // The process dies right after epoch 1's checkpoint, then resumes in a "new process" (a model with other init).
    const part = tmp();
    const b1 = makeModel(3);
    const crash = () => { throw new Error('simulated crash'); };
    await expect(fit(baseOptions(b1, { checkpointDir: part, warmupSteps: 3, onEpochEnd: crash }))).rejects.toThrow('simulated crash');
    b1.dispose();
    const b2 = makeModel(77);
    const rb = await fit(baseOptions(b2, { checkpointDir: part, warmupSteps: 3, resume: true }));
    expect(rb.resumedFrom).toBe(1);
    expect(stripTimes(rb.history)).toEqual(stripTimes(ra.history));
    expectAllClose(weightsOf(b2), weightsOf(a), 1e-5);
    expectAllClose([optimizerFloats(part)], [optimizerFloats(full)], 1e-5);
    expect(rb.bestEpoch).toBe(ra.bestEpoch);

    // epochs=2 then resume with epochs=4 (constant lr: a cosine schedule depends on the total epochs).
    const c = tmp();
    const constA = makeModel(4);
    const rc = await fit(baseOptions(constA, { checkpointDir: c, schedule: 'constant' }));
    const d = tmp();
    const d1 = makeModel(4);
    await fit(baseOptions(d1, { checkpointDir: d, schedule: 'constant', epochs: 2 }));
    d1.dispose();
    const d2 = makeModel(5);
    const rd = await fit(baseOptions(d2, { checkpointDir: d, schedule: 'constant', resume: true }));
    expect(rd.resumedFrom).toBe(2);
    expect(stripTimes(rd.history)).toEqual(stripTimes(rc.history));
    expectAllClose(weightsOf(d2), weightsOf(constA), 1e-5);
    expectAllClose([optimizerFloats(d)], [optimizerFloats(c)], 1e-5);
    [a, b2, constA, d2].forEach((m) => m.dispose());
  });

  it('a crash during a checkpoint write leaves the previous checkpoint loadable', async () => {
    const dir = tmp();
    const model = makeModel(6);
    await fit(baseOptions(model, { epochs: 2, checkpointDir: dir }));
    const savedPreds = predict(model);
    const lastDir = path.join(dir, 'last');
    const realRename = fs.promises.rename;
    // Every rename onto <dir>/last fails: the new checkpoint cannot be swapped in, nor the old moved back.
    jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      if (path.resolve(String(to)) === lastDir) throw new Error('simulated crash while swapping the checkpoint');
      return realRename(from, to);
    });
    await expect(fit(baseOptions(model, { epochs: 3, checkpointDir: dir, resume: true }))).rejects.toThrow(/simulated crash/);
    jest.restoreAllMocks();
    const { model: loaded, state } = await loadCheckpoint(dir, 'last');
    expect(state.epoch).toBe(2);
    expect(predict(loaded)).toEqual(savedPreds);
    loaded.dispose();
    // And training resumes from it.
    const again = makeModel(9);
    const r = await fit(baseOptions(again, { epochs: 3, checkpointDir: dir, resume: true }));
    expect(r.resumedFrom).toBe(2);
    expect(r.history).toHaveLength(3);
    expect(fs.readdirSync(dir).sort()).toEqual(['best', 'last']);
    [model, again].forEach((m) => m.dispose());
  });

  it('saveModelAtomically + loadCheckpoint(dir) round-trip with extra state', async () => {
    const dir = path.join(tmp(), 'model');
    const model = makeModel(8);
    await saveModelAtomically(model, dir, { classes: ['a', 'b'] });
    await saveModelAtomically(model, dir, { classes: ['a', 'b', 'c'] }); // overwrite
    const { model: loaded, state } = await loadCheckpoint(dir);
    expect(state.extraState).toEqual({ classes: ['a', 'b', 'c'] });
    expect(predict(loaded)).toEqual(predict(model));
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['model']);
    await expect(loadCheckpoint(path.join(dir, 'nope'), 'best')).rejects.toThrow(/no checkpoint at .*nope.best/);
    [model, loaded].forEach((m) => m.dispose());
  });

  it('leaks no tensors, and rejects bad options and NaN losses clearly', async () => {
    const before = tf.memory().numTensors;
    const model = makeModel(10);
    await fit(baseOptions(model, { epochs: 2, checkpointDir: tmp(), patience: 5 }));
    await fit(baseOptions(model, { epochs: 3, checkpointDir: tmpDirs[tmpDirs.length - 1], resume: true }));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const m = makeModel(11);
    await expect(fit(baseOptions(m, { epochs: 0 }))).rejects.toThrow(/option 'epochs' must be an integer >= 1, received 0/);
    await expect(fit(baseOptions(m, { resume: true }))).rejects.toThrow(/option 'checkpointDir' must be set when resume is true/);
    await expect(fit(baseOptions(m, { loss: (mm, b) => tf.mul(mse(mm, b), NaN) as tf.Scalar })))
      .rejects.toThrow(/training loss is NaN at epoch 1, batch 1/);
    // What tfjs-wasm throws when its heap is exhausted (a bare WebAssembly RuntimeError).
    const RuntimeError = (WebAssembly as unknown as { RuntimeError: ErrorConstructor }).RuntimeError;
    const oom = () => { throw new RuntimeError('memory access out of bounds'); };
    await expect(fit(baseOptions(m, { loss: oom }))).rejects.toThrow(/ran out of memory at epoch 1, batch 1 \(memory access out of bounds\).*lower the batch size/);
    await expect(fit(baseOptions(m, { loss: () => { throw new Error('other'); } }))).rejects.toThrow(/^other$/);
    await expect(fit(baseOptions(m, { monitor: { metric: 'acc', mode: 'max' } }))).rejects.toThrow(/monitored metric 'acc' is undefined after epoch 1; validate\(\) returned \{loss\}/);
    m.dispose();
  });
});
