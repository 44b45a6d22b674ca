import * as tf from '@tensorflow/tfjs-core';
import '../../src';
import { useBackend } from '../../src/testing/backends';
import { AdamW } from '../../src/train/adamw';
import { disposeBatch, generate, toTensors, vocabSizeOf } from './data';
import { parseTaskArgs } from './args';
import { runTasks, settingsFor } from './index';
import { TaskModel } from './model';
import { aggregateKernels } from './profile';
import { trainStep } from './step';
import { evaluate, type TrainSettings } from './train';

const settings = (seqLen: number): TrainSettings => ({
  task: 'selective-copying', mixer: 'mamba', dModel: 8, nLayers: 1, dState: 4, expand: 2, seqLen, batch: 4, lr: 1e-2, ssmLr: 1e-2,
  weightDecay: 0, warmupSteps: 1, startLen: seqLen, growAcc: 0.9, stopAcc: 2, maxSteps: 3, minutes: 1, evalLens: [seqLen],
  evalBatches: 3, evalBatch: 5, seed: 3, logEvery: 1000,
});

describe('bench --tasks harness', () => {
  // wasm: the backend the bench trains on (and much faster than cpu for the matmuls).
  beforeAll(async () => { await useBackend('wasm'); });
  const quiet = () => jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterEach(() => jest.restoreAllMocks());

  it('evaluate(): a model that outputs the labels scores 1; one that always says 0 scores the share of 0 labels', () => {
    const s = settings(40);
    // The eval batches as evaluate() draws them (seed formula of train.ts), counted here from the generator directly.
    const labels = Array.from({ length: s.evalBatches }, (_, i) => generate(s.task, s.evalBatch, 40, s.seed + 1_000_003 + 7919 * i + 40).targets.filter((t) => t >= 0));
    const zeros = labels.reduce((n, l) => n + l.filter((t) => t === 0).length, 0) / labels.reduce((n, l) => n + l.length, 0);
    let call = 0;
    const oracle = { logitsAt: () => tf.oneHot(tf.tensor1d(labels[call++], 'int32'), 18) } as unknown as TaskModel;
    expect(evaluate(oracle, s, 40)).toBe(1);
    const constant = { logitsAt: (_t: tf.Tensor, pos: tf.Tensor1D) => tf.oneHot(tf.zeros([pos.shape[0]], 'int32') as tf.Tensor1D, 18) } as unknown as TaskModel;
    expect(zeros).toBeGreaterThan(0);
    expect(evaluate(constant, s, 40)).toBeCloseTo(zeros, 10);
  });

  it('trainStep: loss on one fixed batch falls over a few steps; no tensors left', () => {
    const vocab = vocabSizeOf('selective-copying');
    const model = new TaskModel({ mixer: 'mamba', vocabSize: vocab, dModel: 16, nLayers: 1, dState: 4, seed: 5 });
    const b = toTensors(generate('selective-copying', 4, 32, 11));
    tf.tidy(() => { model.logitsAt(b.tokens, b.positions); });
    const vars = model.variables();
    const opt = new AdamW({ lr: 1e-2, weightDecay: 0 });
    const first = trainStep(model, opt, vars, b, vocab);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 40; i++) last = trainStep(model, opt, vars, b, vocab);
    expect(tf.memory().numTensors).toBe(before);
    expect(first.total).toBe(4 * 16);
    expect(last.loss).toBeLessThan(0.7 * first.loss);
    expect(last.correct).toBeGreaterThan(first.correct);
    disposeBatch(b);
    model.dispose();
    opt.dispose();
  });

  it('--json prints one {task, model, seq_len, accuracy, train_seconds} line per eval length', async () => {
    quiet();
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((l: string) => { lines.push(l); });
    await runTasks(['--tasks', '--json', '--task', 'induction-heads', '--model', 'mamba', '--task-steps', '2', '--task-len', '32',
      '--eval-lens', '32,64', '--d-model', '8', '--d-state', '4', '--layers', '1', '--backend', 'wasm']);
    expect(lines).toHaveLength(2);
    const rows = lines.map((l) => JSON.parse(l));
    rows.forEach((r, i) => {
      expect(Object.keys(r).sort()).toEqual(['accuracy', 'model', 'seq_len', 'task', 'train_seconds']);
      expect(r).toMatchObject({ task: 'induction-heads', model: 'mamba', seq_len: [32, 64][i] });
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
    });
  });

  it('aggregateKernels: sums per name and step, sorts, keeps wrappers out of the total', () => {
    const rows = aggregateKernels([
      { name: 'A', kernelTimeMs: 2 }, { name: 'B', kernelTimeMs: 6 }, { name: 'A', kernelTimeMs: 4 }, { name: 'unnamed scope', kernelTimeMs: 100 },
    ], 2);
    expect(rows.map((r) => [r.kernel, r.ms_per_step, r.calls_per_step, r.share])).toEqual([
      ['unnamed scope', 50, 0.5, 100 / 12], ['A', 3, 1, 0.5], ['B', 3, 0.5, 0.5],
    ]);
    expect(rows[0].nested).toBe(true);
  });

  it('--eval-lens applies to both tasks; without it selective copying is evaluated at --task-len; batch defaults per task', () => {
    const given = parseTaskArgs(['--tasks', '--task-len', '128', '--eval-lens', '128,256']);
    expect(settingsFor(given, 'selective-copying', 'mamba').evalLens).toEqual([128, 256]);
    expect(settingsFor(given, 'induction-heads', 'mamba').evalLens).toEqual([128, 256]);
    const plain = parseTaskArgs(['--tasks', '--task-len', '128']);
    expect(settingsFor(plain, 'selective-copying', 'mamba').evalLens).toEqual([128]);
    expect(settingsFor(plain, 'induction-heads', 'mamba').evalLens).toEqual([256, 512, 1024, 2048, 4096]);
    expect(settingsFor(plain, 'selective-copying', 'mamba').batch).toBe(8);
    expect(settingsFor(plain, 'induction-heads', 'mamba').batch).toBe(32);
  });

  it('rejects bad options with the flag and the value', () => {
    return expect(runTasks(['--tasks', '--expand', '0'])).rejects.toThrow(/--expand expects a positive integer, got '0'/);
  });
});
