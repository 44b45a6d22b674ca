import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../testing/backends';
import { AdamW, ssmParameterGroup } from '../train/adamw';
import { buildSequenceModel, CAUSAL_MIXERS, generate, MIXER_KINDS, type MixerKind } from './sequenceModel';

const [V, D] = [7, 8];
const softmaxCE = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred);

/** Greedy decoding by re-running the whole model on the growing sequence (the slow, obvious way). */
function greedyByFullForward(model: tfl.LayersModel, prompt: number[], steps: number): number[] {
  const seq = [...prompt];
  for (let i = 0; i < steps; i++) {
    const next = tf.tidy(() => {
      const logits = model.predict(tf.tensor2d([seq], [1, seq.length], 'int32')) as tf.Tensor;
      return tf.argMax(tf.reshape(tf.slice(logits, [0, seq.length - 1, 0], [1, 1, -1]), [-1]));
    });
    seq.push(next.dataSync()[0]);
    next.dispose();
  }
  return seq.slice(prompt.length);
}

describe('buildSequenceModel', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(MIXER_KINDS)('%s: token model fits 3 steps with AdamW (finite loss, every trainable weight changes)', async (mixer) => {
    const model = buildSequenceModel({ vocabSize: V, dModel: D, nLayers: 2, mixer, outputDim: V, seed: 1, dState: 8, kernelLength: 8 });
    const names = model.layers.map((l) => l.getClassName());
    expect(names).toEqual(['InputLayer', 'Embedding', 'Block', 'Block', 'RMSNorm', 'Dense']);
    model.compile({ optimizer: new AdamW({ lr: 1e-2, groups: [ssmParameterGroup(1e-3)] }), loss: softmaxCE });
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]], [2, 6], 'int32');
    const y = tf.cast(tf.oneHot(tf.tensor2d([[2, 3, 4, 5, 6, 0], [5, 4, 3, 2, 1, 0]], [2, 6], 'int32'), V), "float32");
    const before = model.trainableWeights.map((v) => v.read().dataSync().slice());
    const h = await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
    const losses = h.history.loss as number[];
    expect(losses.length).toBe(3);
    expect(losses.every(Number.isFinite)).toBe(true);
    // Every trainable weight moves (S4 also holds non-trainable buffers, left out here).
    const unchanged = model.trainableWeights.filter((w, i) => !w.read().dataSync().some((v, j) => v !== before[i][j])).map((w) => w.name);
    expect(unchanged).toEqual([]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('feature input (inputDim) builds a regression model: (batch, L, inputDim) → (batch, L, outputDim)', async () => {
    const model = buildSequenceModel({ inputDim: 3, dModel: D, nLayers: 1, mixer: 'mamba', outputDim: 2, seed: 4, dState: 4 });
    model.compile({ optimizer: new AdamW({ lr: 1e-2 }), loss: 'meanSquaredError' });
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([2, 5, 2], 0, 1, 'float32', 2);
    const h = await model.fit(x, y, { epochs: 3, verbose: 0 });
    expect((h.history.loss as number[]).every(Number.isFinite)).toBe(true);
    const p = model.predict(x) as tf.Tensor;
    expect(p.shape).toEqual([2, 5, 2]);
    tf.dispose([x, y, p]);
    model.dispose();
  });

  it('the same seed gives the same weights', () => {
    const mk = () => buildSequenceModel({ vocabSize: V, dModel: D, nLayers: 1, mixer: 's4d', outputDim: V, seed: 9, dState: 4 });
    const [a, b] = [mk(), mk()];
    a.getWeights().forEach((t, i) => expect(Array.from(b.getWeights()[i].dataSync())).toEqual(Array.from(t.dataSync())));
    a.dispose();
    b.dispose();
  });

  it('rejects bad options with clear errors', () => {
    const base = { dModel: D, nLayers: 1, outputDim: V, seed: 1 };
    expect(() => buildSequenceModel({ ...base, mixer: 'mamba' })).toThrow(/buildSequenceModel: give exactly one of 'vocabSize'.*received vocabSize=undefined, inputDim=undefined/);
    expect(() => buildSequenceModel({ ...base, vocabSize: V, inputDim: 3, mixer: 'mamba' })).toThrow(/exactly one/);
    expect(() => buildSequenceModel({ ...base, vocabSize: V, mixer: 'rnn' as MixerKind })).toThrow(/option 'mixer' must be one of mamba.*received rnn/);
    expect(() => buildSequenceModel({ ...base, vocabSize: V, mixer: 'mamba', nLayers: 0 })).toThrow(/option 'nLayers' must be an integer >= 1, received 0/);
  });
});

describe('generate', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(CAUSAL_MIXERS)('%s: step-by-step greedy tokens equal the argmax of full forward runs; no leaks', (mixer) => {
    const model = buildSequenceModel({ vocabSize: V, dModel: D, nLayers: 2, mixer, outputDim: V, seed: 3, dState: 4, kernelLength: 16 });
    const prompt = [1, 4, 2];
    const want = greedyByFullForward(model, prompt, 8);
    const before = tf.memory().numTensors;
    const got = generate(model, prompt, 8);
    expect(tf.memory().numTensors).toBe(before);
    expect(got).toEqual(want);
    expect(got.every((t) => t >= 0 && t < V)).toBe(true);
    model.dispose();
  });

  it.each(['hydra', 'bimamba'] as const)('%s (non-causal) is refused', (mixer) => {
    const model = buildSequenceModel({ vocabSize: V, dModel: D, nLayers: 1, mixer, outputDim: V, seed: 3, dState: 4 });
    expect(() => generate(model, [1, 2], 2)).toThrow(new RegExp(`generate: needs causal mixers.*received non-causal ${mixer === 'hydra' ? 'Hydra' : 'BiMamba'}`));
    model.dispose();
  });

  it('rejects feature-input models and bad arguments', () => {
    const feat = buildSequenceModel({ inputDim: 3, dModel: D, nLayers: 1, mixer: 'mamba', outputDim: 3, seed: 1, dState: 4 });
    expect(() => generate(feat, [1], 1)).toThrow(/generate: the model must start with an Embedding.*received Dense/);
    feat.dispose();
    const model = buildSequenceModel({ vocabSize: V, dModel: D, nLayers: 1, mixer: 'mamba', outputDim: V, seed: 1, dState: 4 });
    expect(() => generate(model, [], 1)).toThrow(/argument 'prompt' must be a non-empty array.*received \[\]/);
    expect(() => generate(model, [1], -1)).toThrow(/argument 'steps' must be an integer >= 0, received -1/);
    model.dispose();
  });
});
