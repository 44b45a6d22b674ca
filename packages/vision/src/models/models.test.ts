import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemIO } from '@statespace/ssm-core';
import { expectClose, expectNoLeak } from '../../../ssm-core/src/testing/compare';
import { useBackend } from '../../../ssm-core/src/testing/backends';
import { buildVisionModel, countParams } from './buildModel';
import { MODEL_CONFIGS, resolveModelConfig } from './configs';
import { VisionVSSBlock } from './vssBlock';

// 32 px: maps 8×8 and 4×4, so the atrous scan has several tokens per sequence in both stages (a 1-token scan gives A no gradient)
const SMALL = { inputSize: 32, dims: [8, 16], depths: [1, 1], mlpRatio: 2 };
const NAMES = ['vmamba-micro', 'efficientvmamba', 'groupmamba', 'msvmamba'];

function lossOf(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
}

describe('vision models (wasm)', () => {
  let x: tf.Tensor;
  let y: tf.Tensor;
  beforeAll(async () => {
    await useBackend('wasm');
    x = tf.randomUniform([2, 32, 32, 1], 0, 1, 'float32', 3);
    y = tf.oneHot(tf.tensor1d([1, 7], 'int32'), 10);
  });

  it.each(NAMES)('%s: logits shape, every weight gets a gradient, no leaks', (name) => {
    const model = buildVisionModel(name, SMALL);
    const out = model.predict(x) as tf.Tensor;
    expect(out.shape).toEqual([2, 10]);
    expect(Number.isFinite(tf.sum(out).dataSync()[0])).toBe(true);
    out.dispose();
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => lossOf(model, x, y), vars);
    const dead = Object.entries(grads).filter(([, g]) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) === 0).map(([n]) => n);
    expect(dead).toEqual([]);
    tf.dispose([value, ...Object.values(grads)]);
    expectNoLeak(() => {
      tf.dispose(model.predict(x) as tf.Tensor);
      const r = tf.variableGrads(() => lossOf(model, x, y), vars);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    }, name);
    model.dispose();
  });

  it.each(NAMES)('%s: fused scans equal the reference path (outputs and gradients)', (name) => {
    const model = buildVisionModel(name, SMALL);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const run = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => lossOf(model, x, y), vars);
      return [value, ...vars.map((v) => grads[v.name])];
    });
    const fused = run();
    process.env.STATESPACE_FORCE_REFERENCE = '1';
    let ref: tf.Tensor[];
    try {
      ref = run();
    } finally {
      delete process.env.STATESPACE_FORCE_REFERENCE;
    }
    fused.forEach((t, i) => expectClose(t, ref[i], 1e-4, 1e-3, `${name} ${i === 0 ? 'loss' : vars[i - 1].name}`));
    tf.dispose([...fused, ...ref]);
    model.dispose();
  });

  it.each(NAMES)('%s: saves and loads with fileSystemIO (identical outputs)', async (name) => {
    const model = buildVisionModel(name, { ...SMALL, seed: 4 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vision-model-'));
    await model.save(fileSystemIO(dir));
    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expectClose(b, a, 1e-7, 0, 'round trip');
    expect(countParams(loaded)).toBe(countParams(model));
    tf.dispose([a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('optional Hydra token mixer from ssm-core builds and trains', () => {
    const model = buildVisionModel('vmamba-micro', { ...SMALL, tokenMixer: 'hydra' });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => lossOf(model, x, y), vars);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });

  it('has configs from micro (28 px) to VMamba-T (224 px) and validates overrides', () => {
    const t = resolveModelConfig('vmamba-tiny');
    expect([t.inputSize, t.dims[0], t.depths.join(','), t.dState, t.ssmRatio]).toEqual([224, 96, '2,2,5,2', 1, 2]);
    expect(Object.keys(MODEL_CONFIGS)).toEqual(expect.arrayContaining(['vmamba-micro', 'vmamba-tiny', 'efficientvmamba', 'groupmamba', 'msvmamba']));
    expect(() => resolveModelConfig('resnet')).toThrow(/unknown vision model 'resnet'; known: vmamba-micro/);
    expect(() => resolveModelConfig('vmamba-micro', { depths: [1] })).toThrow(/'depths' must be a list of 2 integers/);
    expect(() => resolveModelConfig('vmamba-micro', { dropPath: 1 })).toThrow(/'dropPath' must be a number in \[0, 1\), received 1/);
    expect(() => resolveModelConfig('vmamba-micro', { colour: 1 } as never)).toThrow(/'colour' must be a known key/);
    expect(() => new VisionVSSBlock({ dim: 0 })).toThrow(/option 'dim' must be an integer >= 1, received 0/);
    expect(() => new VisionVSSBlock({ dim: 8, variant: 'x' as never })).toThrow(/option 'variant' must be one of/);
    const block = new VisionVSSBlock({ dim: 8 });
    expect(() => block.apply(tf.zeros([1, 4, 4, 6]))).toThrow(/input must have shape \(batch, H, W, dim=8\), received \[1, 4, 4, 6\]/);
  });
});
