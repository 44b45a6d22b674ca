import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import { main } from './newDomain';

describe('examples/newDomain', () => {
  it('trains (loss falls), saves, loads, and the loaded model generates the same tokens; no leaks', async () => {
    const lines: string[] = [];
    const run = () => main({ levels: 8, seqLen: 12, batch: 8, steps: 25, dModel: 16, nLayers: 1, log: (l) => lines.push(l) });
    const warm = await run(); // warm-up: registers kernels, creates tfjs's one-off tensors
    fs.rmSync(warm.dir, { recursive: true, force: true });
    const before = tf.memory().numTensors;
    const r = await run();
    expect(tf.memory().numTensors).toBe(before);
    expect(r.losses.length).toBe(25);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(r.losses.slice(-5))).toBeLessThan(mean(r.losses.slice(0, 5)));
    expect(r.generated.length).toBe(12);
    expect(r.generatedAfterLoad).toEqual(r.generated);
    expect(fs.readdirSync(r.dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(lines.some((l) => l.includes('\ngenerated '))).toBe(true);
    fs.rmSync(r.dir, { recursive: true, force: true });
  });
});
