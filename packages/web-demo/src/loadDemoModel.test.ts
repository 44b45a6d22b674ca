import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../ssm-core/src/backend/initBackend';
import { fileSystemIO } from '../../ssm-core/src/io';
import { buildDemoModel, encode } from './stepGenerator';

const MODEL_DIR = path.resolve(__dirname, '..', 'public', 'model');
// Text written for this test (not in the training corpus), in the demo's alphabet.
const HELD_OUT = 'the model reads the sequence one step at a time and keeps a state of fixed size, so the cost of each new token does not grow with the length of the text.\n';

/** Mean next-character cross-entropy of `text` under `model`, in bits per character. */
function bitsPerChar(model: tfl.LayersModel, text: string): number {
  const ids = encode(text);
  return tf.tidy(() => {
    const logits = model.predict(tf.tensor2d([ids.slice(0, -1)], [1, ids.length - 1], 'int32')) as tf.Tensor;
    const target = tf.oneHot(tf.tensor1d(ids.slice(1), 'int32'), logits.shape[2] as number);
    return -tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(tf.squeeze(logits, [0]))), -1)).dataSync()[0] / Math.LN2;
  });
}

describe('the shipped demo model (public/model, trained by tools/trainDemoModel.ts)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('is the page\'s architecture, under 1 MB, and predicts unseen English far better than untrained weights', async () => {
    const weights = fs.statSync(path.join(MODEL_DIR, 'weights.bin')).size;
    expect(weights).toBeLessThan(1 << 20);
    const model = await tfl.loadLayersModel(fileSystemIO(MODEL_DIR));
    const untrained = buildDemoModel();
    expect(model.countParams()).toBe(untrained.countParams());
    expect(model.layers.map((l) => l.getClassName())).toEqual(untrained.layers.map((l) => l.getClassName()));
    const trained = bitsPerChar(model, HELD_OUT);
    const random = bitsPerChar(untrained, HELD_OUT);
    console.log(`held-out sentence: ${trained.toFixed(2)} bits/char trained, ${random.toFixed(2)} untrained (uniform: 5)`);
    // A unigram model of English letters needs ~4.1 bits/char; anything trained on text does better.
    expect(trained).toBeLessThan(3.5);
    expect(trained).toBeLessThan(random - 1.5);
    model.dispose();
    untrained.dispose();
  });
});
