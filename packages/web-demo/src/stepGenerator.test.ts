import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../ssm-core/src/backend/initBackend';
import { mulberry32 } from '../../ssm-core/src/browser';
import { buildDemoModel, decode, encode, generateSteps, pickToken } from './stepGenerator';

async function collect(gen: AsyncGenerator<number>): Promise<number[]> {
  const out: number[] = [];
  for await (const t of gen) out.push(t);
  return out;
}

describe('generateSteps (the page\'s decoding loop)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('greedy steps equal the argmax of a full forward over the same text (teacher forcing)', async () => {
    const model = buildDemoModel();
    const prompt = encode('hello mamba ');
    const steps = 12;
    const before = tf.memory().numTensors;
    const generated = await collect(generateSteps(model, prompt, steps, { temperature: 0, seed: 1 }));
    expect(tf.memory().numTensors).toBe(before);
    expect(generated).toHaveLength(steps);
    // Oracle: the whole sequence in one parallel forward (the scan over L, no carried state).
    const seq = [...prompt, ...generated.slice(0, -1)];
    const logits = tf.tidy(() => model.predict(tf.tensor2d([seq], [1, seq.length], 'int32')) as tf.Tensor);
    const argmax = Array.from(tf.tidy(() => tf.argMax(logits, -1)).dataSync()).slice(prompt.length - 1);
    logits.dispose();
    expect(argmax).toEqual(generated);
    model.dispose();
  });

  it('stops cleanly when the consumer breaks early (states disposed)', async () => {
    const model = buildDemoModel();
    const before = tf.memory().numTensors;
    for await (const t of generateSteps(model, encode('ab'), 10, { temperature: 0.8, seed: 3 })) {
      expect(Number.isInteger(t)).toBe(true);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects an empty prompt and unknown characters by name', async () => {
    const model = buildDemoModel();
    await expect(collect(generateSteps(model, [], 1, { temperature: 0, seed: 1 }))).rejects.toThrow(/'prompt'.*received \[\]/);
    expect(() => encode('abc#')).toThrow(/"#" at index 3/);
    expect(decode(encode('the end.'))).toBe('the end.');
    model.dispose();
  });
});

describe('pickToken', () => {
  it('is the argmax at temperature 0 and follows softmax(logits / T) when sampling', () => {
    const logits = new Float32Array([0.5, 2, -1, 1]);
    expect(pickToken(logits, 0, mulberry32(0))).toBe(1);
    const rng = mulberry32(42);
    const n = 20000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[pickToken(logits, 0.7, rng)]++;
    const w = Array.from(logits, (v) => Math.exp(v / 0.7));
    const z = w.reduce((a, b) => a + b, 0);
    // Binomial standard error at n = 20000 is < 0.0036; allow 4 of them.
    w.forEach((wi, i) => expect(Math.abs(counts[i] / n - wi / z)).toBeLessThan(0.015));
  });
});
