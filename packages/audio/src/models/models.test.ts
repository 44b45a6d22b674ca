import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemIO, initBackend, mulberry32 } from '@statespace/ssm-core';
import { expectNoLeak } from '../../../ssm-core/src/testing/compare';
import { tmpDir } from '../data/testUtil';
import { gridShape, patchify } from './patchEmbed';
import { clusteredMask, makeMaskedBatch, pretrainLosses } from './pretrain';
import { buildRawClassifier, rawClassifierConfig } from './rawClassifier';
import { buildSsambaClassifier, buildSsambaPretrainModel, ssambaConfig, transferEncoderWeights } from './ssamba';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const small = ssambaConfig('nano', { frames: 32, bins: 32 });

/** Every trainable weight gets a finite, non-zero gradient. */
function expectGradientsFlow(model: tfl.LayersModel, loss: () => tf.Scalar, skip: RegExp = /^$/): void {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(loss, vars);
  for (const v of vars) {
    if (skip.test(v.name)) continue;
    const g = grads[v.name];
    expect(g).toBeDefined();
    const n = tf.tidy(() => tf.norm(g).dataSync()[0]);
    if (!(n > 0 && Number.isFinite(n))) throw new Error(`gradient of ${v.name} is ${n}`);
  }
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
}

describe('SSAMBA', () => {
  it('patch grid, patchify order matches the conv tokens, config errors', () => {
    expect(gridShape(ssambaConfig('tiny'))).toEqual({ nt: 6, nf: 8, count: 48 });
    expect(gridShape(ssambaConfig('tiny', { tstride: 10, fstride: 10 }))).toEqual({ nt: 9, nf: 12, count: 108 });
    const x = tf.tensor3d(Float32Array.from({ length: 32 * 32 }, (_, i) => i), [1, 32, 32]);
    const p = patchify(x, small).arraySync()[0];
    // patch 1 = time block 0, frequency block 1: first value is x[0][16]
    expect(p[1][0]).toBe(16);
    expect(p[2][0]).toBe(16 * 32); // time block 1, frequency block 0
    expect(p[1][17]).toBe(32 + 17);
    expect(() => ssambaConfig('huge')).toThrow(/size must be one of nano, mini, micro, tiny, small, received 'huge'/);
    expect(() => ssambaConfig('nano', { frames: 8 })).toThrow(/holds no 16×16 patch/);
    x.dispose();
  });

  it('clustered masking: exact count, clustered (neighbours masked), seeded', () => {
    const rng = mulberry32(5);
    let adjacent = 0;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const m = clusteredMask(8, 12, 30, rng);
      expect(m.length).toBe(30);
      expect(new Set(m).size).toBe(30);
      const s = new Set(m);
      for (const k of m) {
        total++;
        const t = Math.floor(k / 12);
        const f = k % 12;
        if ((f > 0 && s.has(k - 1)) || (f < 11 && s.has(k + 1)) || (t > 0 && s.has(k - 12)) || (t < 7 && s.has(k + 12))) adjacent++;
      }
    }
    expect(adjacent / total).toBeGreaterThan(0.95); // random masking of 30/96 would give ≈ 0.8
    expect(clusteredMask(8, 12, 30, mulberry32(1))).toEqual(clusteredMask(8, 12, 30, mulberry32(1)));
    expect(() => clusteredMask(2, 2, 5, rng)).toThrow(/count must be an integer in \[1, 4\], received 5/);
  });

  it('pretraining: output shapes, losses, gradient flow to every weight, no leaks', () => {
    const model = buildSsambaPretrainModel(small);
    const spec = tf.randomNormal([2, 32, 32], 0, 1, 'float32', 1) as tf.Tensor3D;
    const batch = makeMaskedBatch(spec, small, 2, mulberry32(3));
    const [d, g] = model.predict([spec, batch.mask]) as tf.Tensor[];
    expect(d.shape).toEqual([2, 5, 256]);
    expect(g.shape).toEqual([2, 5, 256]);
    tf.dispose([d, g]);
    const l = pretrainLosses(model, batch, small, false);
    expect(l.nce.dataSync()[0]).toBeGreaterThan(0);
    expect(l.total.dataSync()[0]).toBeCloseTo(l.nce.dataSync()[0] + 10 * l.mse.dataSync()[0], 3);
    tf.dispose([l.total, l.nce, l.mse, l.accuracy]);
    // cls token is unused by the losses, and the mask embedding only through masked tokens
    expectGradientsFlow(model, () => pretrainLosses(model, batch, small, true).total, /cls_token/);
    expectNoLeak(() => tf.dispose(Object.values(pretrainLosses(model, batch, small, true))));
    tf.dispose([spec, batch.mask]);
  });

  it('classifier: shapes, gradients, save/load round trip, pretrained weight transfer (with resized positions)', async () => {
    const model = buildSsambaClassifier(small, 3);
    const x = tf.randomNormal([2, 32, 32], 0, 1, 'float32', 2);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
    expectGradientsFlow(model, () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, /mask_embedding|cls_token/);
    const dir = tmpDir();
    await model.save(fileSystemIO(dir));
    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    const y2 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(y2.dataSync())).toEqual(Array.from(y.dataSync()));

    const pre = buildSsambaPretrainModel({ ...small, seed: 42 });
    const copied = transferEncoderWeights(pre, model);
    expect(copied).toEqual(['ssamba_patch_embed', 'ssamba_block_0', 'ssamba_norm']);
    const a = pre.getLayer('ssamba_block_0').getWeights()[0].dataSync();
    expect(Array.from(model.getLayer('ssamba_block_0').getWeights()[0].dataSync())).toEqual(Array.from(a));
    const overlapping = buildSsambaClassifier({ ...small, frames: 36, tstride: 10, fstride: 8 }, 3);
    transferEncoderWeights(pre, overlapping);
    expect(overlapping.getLayer('ssamba_patch_embed').getWeights()[2].shape).toEqual([1 + 3 * 3, 16]);
    tf.dispose([x, y, y2, labels]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('raw-waveform classifier', () => {
  it.each(['s4d', 'mamba'] as const)('%s: runs 8,000 and 16,000 samples; gradients reach every weight', (mixer) => {
    for (const length of [8000, 16000]) {
      const c = rawClassifierConfig('nano', { length, mixer });
      const model = buildRawClassifier(c, 4);
      const x = tf.randomNormal([1, length, 1], 0, 0.1, 'float32', 1);
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual([1, 4]);
      if (length === 8000) {
        const lab = tf.oneHot(tf.tensor1d([1], 'int32'), 4);
        expectGradientsFlow(model, () => tf.losses.softmaxCrossEntropy(lab, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
        expectNoLeak(() => tf.dispose(model.predict(x) as tf.Tensor));
        lab.dispose();
      }
      tf.dispose([x, y]);
    }
    expect(() => rawClassifierConfig('micro', { dState: 3 })).toThrow(/dState.*even.*3/);
  });
});
