import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemIO, initBackend } from '@statespace/ssm-core';

import { buildPcm } from './pcm';
import { buildPointNet } from './pointnet';
import { buildPointInputs, pointInputSpec } from './inputs';
import { batchGather } from './gather';
import { PcOrderedMamba } from './orderedMamba';
import { expectNoTensorLeak, sphereCloud } from '../testing/data';

beforeAll(async () => { await initBackend({ backend: 'cpu' }); });

const clouds = (B: number, N: number) => {
  const out = new Float32Array(B * N * 3);
  for (let b = 0; b < B; b++) out.set(sphereCloud(N, 10 + b), b * N * 3);
  return out;
};

function gradsOf(model: tfl.LayersModel, inputs: tf.Tensor[], labels: number[], numClasses: number) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.variableGrads(() => {
    const logits = model.apply(inputs, { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), logits) as tf.Scalar;
  }, vars);
}

describe('batchGather', () => {
  it('matches an explicit loop, and its gradient counts how often each row is used', () => {
    const x = tf.tensor3d(Array.from({ length: 2 * 4 * 2 }, (_, i) => i), [2, 4, 2]);
    const idx = tf.tensor3d([3, 3, 0, 1, 2, 2, 1, 1], [2, 2, 2], 'int32');
    const y = batchGather(x, idx).arraySync() as number[][][][];
    const xv = x.arraySync() as number[][][], iv = idx.arraySync() as number[][][];
    for (let b = 0; b < 2; b++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(y[b][i][j]).toEqual(xv[b][iv[b][i][j]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(batchGather(t, idx)))(x).arraySync() as number[][][];
    expect(g[0].map((r) => r[0])).toEqual([1, 1, 0, 2]);
    expect(g[1].map((r) => r[0])).toEqual([0, 2, 2, 0]);
    tf.dispose([x, idx]);
  });
});

describe('PCM', () => {
  it('has the right output shape, gradients reach every weight, and no tensor leaks', () => {
    const model = buildPcm('micro', { seed: 1 });
    const spec = pointInputSpec(model);
    expect(spec.stages.map((s) => [s.anchors, s.k, s.layers.map((l) => l.variant)])).toEqual([[16, 4, [0]], [8, 4, [1]]]);
    const inputs = buildPointInputs(spec, clouds(3, 64), 3);
    const out = model.predict(inputs) as tf.Tensor;
    expect(out.shape).toEqual([3, 3]);
    out.dispose();
    const { value, grads } = gradsOf(model, inputs, [0, 1, 2], 3);
    for (const w of model.trainableWeights) {
      const g = grads[w.originalName] ?? grads[(w.read() as tf.Variable).name];
      expect(g).toBeDefined();
      expect(tf.any(tf.notEqual(g, 0)).dataSync()[0]).toBe(1);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expectNoTensorLeak(() => {
      const r = gradsOf(model, inputs, [0, 1, 2], 3);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    });
    tf.dispose(inputs);
    model.dispose();
  });

  it('a PcOrderedMamba layer equals: add the position encoding, reorder, add prompts, residual BiMamba, drop prompts, scatter back', () => {
    const model = buildPcm('micro', { seed: 2, numPrompts: 3 }); // 3 prompts: their order matters in the backward direction
    const layer = model.getLayer('stage0_mamba0') as PcOrderedMamba;
    const B = 2, M = 16, C = 8;
    const x = tf.randomNormal([B, M, C], 0, 1, 'float32', 3), xyz = tf.randomNormal([B, M, 3], 0, 1, 'float32', 4);
    const order = [Array.from({ length: M }, (_, i) => (i * 5) % M), Array.from({ length: M }, (_, i) => M - 1 - i)];
    const W = 1 + 4 + 2;
    const table = new Int32Array(B * M * W);
    for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) {
      table[(b * M + m) * W + 5] = order[b][m];
      table[(b * M + order[b][m]) * W + 6] = m;
    }
    const idx = tf.tensor3d(table, [B, M, W], 'int32');
    const got = layer.apply([x, xyz, idx]) as tf.Tensor;
    // oracle: plain loops over JS arrays for the reordering, the layer's own weights and mixer for the rest
    const [peK, peB, gamma, prompts] = layer.getWeights().slice(0, 4);
    const xp = tf.add(tf.add(x, tf.reshape(tf.matMul(tf.reshape(xyz, [-1, 3]), peK), [B, M, C])), peB).arraySync() as number[][][];
    const P = prompts.arraySync() as number[][];
    const seq = tf.tensor3d(order.map((o, b) => [...P, ...o.map((i) => xp[b][i]), ...P]));
    const n = tf.mul(tf.div(seq, tf.sqrt(tf.add(tf.mean(tf.square(seq), -1, true), 1e-5))), gamma);
    const h = (tf.add(seq, layer.mixer.apply(n) as tf.Tensor).arraySync() as number[][][]).map((r) => r.slice(P.length, P.length + M));
    const want = order.map((o, b) => { const out: number[][] = []; o.forEach((i, pos) => { out[i] = h[b][pos]; }); return out; });
    const g = got.arraySync() as number[][][];
    for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) expect(g[b][m][c]).toBeCloseTo(want[b][m][c], 4);
    model.dispose();
  });

  it('saves and loads with identical outputs, and rejects bad configs', async () => {
    const model = buildPcm('micro', { seed: 3, serialization: 'hilbert' });
    const inputs = buildPointInputs(pointInputSpec(model), clouds(2, 64), 2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcm-save-'));
    await model.save(fileSystemIO(dir));
    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    expect(pointInputSpec(loaded)).toEqual(pointInputSpec(model));
    const a = model.predict(inputs) as tf.Tensor, b = loaded.predict(inputs) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, ...inputs]);
    model.dispose(); loaded.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(() => buildPcm('huge')).toThrow(/unknown config 'huge', expected one of pcm, pcm-tiny, micro/);
    expect(() => buildPcm('micro', { stages: [{ anchors: 100, k: 4, dim: 8, layers: 1 }] })).toThrow(/'stages\[0\]\.anchors' \(100\) must not exceed the previous level's 64 points/);
    expect(() => buildPcm('micro', { serialization: 'spiral' as never })).toThrow(/'serialization' must be one of cts, zorder, hilbert, random/);
  });
});

describe('PointNet', () => {
  it('trains one step, round-trips through save/load, and rejects bad configs', async () => {
    const model = buildPointNet('micro');
    const inputs = buildPointInputs(pointInputSpec(model), clouds(2, 64), 2);
    expect(inputs.length).toBe(1);
    const { value, grads } = gradsOf(model, inputs, [0, 2], 3);
    expect(Object.keys(grads).length).toBe(model.trainableWeights.length);
    tf.dispose([value, ...Object.values(grads)]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pn-save-'));
    await model.save(fileSystemIO(dir));
    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    const a = model.predict(inputs) as tf.Tensor, b = loaded.predict(inputs) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, ...inputs]);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(() => buildPointNet('micro', { widths: [8, 0] })).toThrow(/'widths\[1\]' must be an integer >= 1, received 0/);
  });
});
