import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { argmaxRows, classificationReport, loadCheckpoint, type ClassReport } from '@statespace/ssm-core';
import { fileFeatures } from '../data/features';
import { listWavFiles, loadAudioDataset } from '../data/layouts';
import { splitDataset } from '../data/split';
import { predictLogits } from './classify';
import { featurize } from './dataset';
import type { AudioRunState } from './experiment';

/** Loads a trained classifier (a train run's out dir, its checkpoints dir, or a best/last dir). */
export async function loadClassifier(p: string): Promise<{ model: tfl.LayersModel; state: AudioRunState }> {
  const dir = [path.join(p, 'checkpoints'), p].find((c) => fs.existsSync(path.join(c, 'best')) || fs.existsSync(path.join(c, 'state.json'))) ?? p;
  const { model, state } = await loadCheckpoint(dir);
  const extra = state.extraState as AudioRunState | undefined;
  if (extra?.kind !== 'statespace-audio' || (extra.model !== 'ssamba' && extra.model !== 's4d-raw')) {
    model.dispose();
    throw new Error(`checkpoint ${p}: not a statespace-audio classifier (state.json model '${String(extra?.model)}'); train one with 'statespace-audio train'`);
  }
  return { model, state: extra };
}

const inputShapeOf = (s: AudioRunState): number[] => (s.features.kind === 'fbank' ? [s.features.length, s.features.numMelBins] : [s.features.length, 1]);

/** Accuracy of a checkpoint on `test` (every file under it) or on the data's own test split. */
export async function evaluateCheckpoint(checkpoint: string, o: { data?: string; test?: string; testSpeakers?: string[] }): Promise<{ report: ClassReport; state: AudioRunState; examples: number }> {
  const { model, state } = await loadClassifier(checkpoint);
  try {
    let items;
    if (o.test) items = loadAudioDataset(o.test).items;
    else if (o.data) items = splitDataset(loadAudioDataset(o.data), { testSpeakers: o.testSpeakers }).test;
    else throw new Error('evaluate: give --data PATH (its test split) or --test PATH');
    const set = featurize(items, state.classes, state.features, true);
    const bad = set.y.findIndex((y) => y < 0);
    if (bad >= 0) throw new Error(`evaluate: ${set.files[bad]} has label '${items[bad].label}', not one of the model's classes ${state.classes.join(', ')}`);
    const logits = predictLogits(model, set, inputShapeOf(state));
    const k = state.classes.length;
    const pred = argmaxRows(logits, k);
    return { report: classificationReport(set.y, pred, k, state.classes), state, examples: set.x.length };
  } finally {
    model.dispose();
  }
}

export interface Prediction {
  file: string;
  label: string;
  probability: number;
  top: { label: string; probability: number }[];
}

/** Class probabilities for WAV files (folders are searched for .wav files). */
export async function predictFiles(checkpoint: string, inputs: string[], topK = 3): Promise<Prediction[]> {
  if (inputs.length === 0) throw new Error('predict: give one or more WAV files (or folders)');
  const files = inputs.flatMap((f) => {
    if (!fs.existsSync(f)) throw new Error(`predict: ${f} does not exist`);
    return listWavFiles(f);
  });
  const { model, state } = await loadClassifier(checkpoint);
  try {
    const shape = inputShapeOf(state);
    return files.map((file) => {
      const x = fileFeatures(file, state.features);
      const probs = tf.tidy(() => tf.softmax(model.predict(tf.tensor(x, [1, ...shape])) as tf.Tensor).dataSync() as Float32Array);
      const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
      const top = order.slice(0, Math.min(topK, order.length)).map((i) => ({ label: state.classes[i], probability: probs[i] }));
      return { file, label: top[0].label, probability: top[0].probability, top };
    });
  } finally {
    model.dispose();
  }
}
