import * as fs from 'fs';
import * as path from 'path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { confusionMatrixSvg, loadCheckpoint, trainingCurvesSvg, writePng, type EpochRecord, type Rng } from '@statespace/ssm-core';
import { addBackgroundNoise } from '../data/augment';
import { featureConfig, loadAudio, type FeatureConfig } from '../data/features';
import { loadAudioDataset, type AudioDataset, type AudioItem } from '../data/layouts';
import { splitDataset } from '../data/split';
import { buildRawClassifier, rawClassifierConfig, type RawClassifierConfig } from '../models/rawClassifier';
import { buildSsambaClassifier, buildSsambaPretrainModel, ssambaConfig, transferEncoderWeights, type SsambaConfig } from '../models/ssamba';
import { evaluateSet, trainClassifier } from './classify';
import { featurize, featurizeTrain } from './dataset';
import { pretrainSsamba } from './pretrainSsamba';

export type ModelName = 'ssamba' | 's4d-raw';
export const MODEL_NAMES: readonly ModelName[] = ['ssamba', 's4d-raw'];

/** What a checkpoint's state.json carries besides the fit state, so evaluate/predict rebuild the pipeline. */
export interface AudioRunState {
  kind: 'statespace-audio';
  model: ModelName | 'ssamba-pretrain';
  modelConfig: SsambaConfig | RawClassifierConfig;
  features: FeatureConfig;
  classes: string[];
  pretrained: boolean;
  dataset: string;
}

export interface CommonRunOptions {
  data: string;
  out: string;
  epochs: number;
  batch: number;
  lr: number;
  seed?: number;
  resume?: boolean;
  maxMinutes?: number;
  quiet?: boolean;
  size?: string;
  /** Rate clips are resampled to before features (fbank default 16000; FSDD is 8 kHz, so 8000 leaves no empty mel bins). */
  sampleRate?: number;
  /** Model config overrides (e.g. frames, bins, dModel, depth, tstride). */
  overrides?: Record<string, unknown>;
  testSpeakers?: string[];
  log?: (line: string) => void;
}

export interface TrainRunOptions extends CommonRunOptions {
  model: ModelName;
  /** Evaluate on every file under this path instead of the data's own test split. */
  test?: string;
  /** A pretraining output (or its checkpoint dir) whose encoder initializes SSAMBA. */
  init?: string;
  patience?: number;
  specAugment?: boolean;
  mixup?: number;
  validationFraction?: number;
}

export interface TrainRunResult {
  dataset: string;
  model: ModelName;
  accuracy: number;
  epochs: number;
  train_seconds: number;
  pretrained: boolean;
  test_examples: number;
  mean_class_accuracy: number;
  best_epoch: number;
  confusion: number[][];
  checkpoint: string;
  history: EpochRecord[];
  /** PNGs written: training curves and the test confusion matrix. */
  plots: string[];
}

export function datasetName(p: string): string {
  return path.basename(path.resolve(p)).replace(/\.csv$/i, '');
}

function pickItems(ds: AudioDataset, o: CommonRunOptions & { validationFraction?: number }): { train: AudioItem[]; validation: AudioItem[]; test: AudioItem[] } {
  return splitDataset(ds, { testSpeakers: o.testSpeakers, seed: o.seed ?? 0, validationFraction: o.validationFraction ?? 0 });
}

const rateOf = (o: CommonRunOptions): { sampleRate?: number } => (o.sampleRate !== undefined ? { sampleRate: o.sampleRate } : {});

/** Loads the pretraining run at `p` (its out dir, checkpoints dir or best dir). */
export async function loadPretrained(p: string): Promise<{ model: tfl.LayersModel; state: AudioRunState }> {
  const candidates = [path.join(p, 'checkpoints'), p];
  const dir = candidates.find((c) => fs.existsSync(path.join(c, 'best')) || fs.existsSync(path.join(c, 'state.json'))) ?? p;
  const { model, state } = await loadCheckpoint(dir);
  const extra = state.extraState as AudioRunState | undefined;
  if (extra?.kind !== 'statespace-audio' || extra.model !== 'ssamba-pretrain') {
    throw new Error(`--init ${p}: not an SSAMBA pretraining checkpoint (run 'statespace-audio pretrain' first); state.json has model '${String(extra?.model)}'`);
  }
  return { model, state: extra };
}

/** SSAMBA self-supervised pretraining on the training audio of `data` (labels unused). */
export async function runPretrain(o: CommonRunOptions & { maskRatio?: number }): Promise<{ dataset: string; model: 'ssamba'; epochs: number; train_seconds: number; loss: number; checkpoint: string; examples: number }> {
  const ds = loadAudioDataset(o.data);
  const { train } = pickItems(ds, o);
  const config = ssambaConfig(o.size ?? 'tiny', { seed: o.seed ?? 0, ...(o.overrides as Partial<SsambaConfig>) });
  const fc = featureConfig('fbank', { length: config.frames, numMelBins: config.bins, ...rateOf(o) });
  const { set, cfg } = featurizeTrain(train, ds.classes, fc, o.quiet);
  const model = buildSsambaPretrainModel(config);
  const ckpt = path.join(o.out, 'checkpoints');
  const state: AudioRunState = { kind: 'statespace-audio', model: 'ssamba-pretrain', modelConfig: config, features: cfg, classes: ds.classes, pretrained: false, dataset: datasetName(o.data) };
  const r = await pretrainSsamba({
    model, config, data: set, epochs: o.epochs, batch: o.batch, lr: o.lr, seed: o.seed, checkpointDir: ckpt, resume: o.resume,
    maxSeconds: o.maxMinutes !== undefined ? o.maxMinutes * 60 : undefined, quiet: o.quiet, extraState: state, maskRatio: o.maskRatio,
  });
  model.dispose();
  const last = r.history[r.history.length - 1];
  return { dataset: state.dataset, model: 'ssamba', epochs: r.history.length, train_seconds: r.trainSeconds, loss: last?.trainLoss ?? NaN, checkpoint: ckpt, examples: set.x.length };
}

/** Supervised training (from scratch or from a pretrained SSAMBA encoder), then test-set evaluation. */
export async function runTrain(o: TrainRunOptions): Promise<TrainRunResult> {
  const ds = loadAudioDataset(o.data);
  const split = pickItems(ds, o);
  const testItems = o.test ? loadAudioDataset(o.test).items : split.test;
  if (testItems.length === 0) throw new Error(`train: no test files (the data at ${o.data} has no test split; pass --test PATH or --test-speakers)`);
  let pre: { model: tfl.LayersModel; state: AudioRunState } | undefined;
  let model: tfl.LayersModel;
  let modelConfig: SsambaConfig | RawClassifierConfig;
  let fc: FeatureConfig;
  if (o.model === 'ssamba') {
    if (o.init) pre = await loadPretrained(o.init);
    const base = pre ? (pre.state.modelConfig as SsambaConfig) : ssambaConfig(o.size ?? 'tiny', { seed: o.seed ?? 0 });
    const config = ssambaConfig(o.size ?? 'tiny', { ...base, ...(o.overrides as Partial<SsambaConfig>) });
    modelConfig = config;
    model = buildSsambaClassifier(config, ds.classes.length);
    if (pre) {
      transferEncoderWeights(pre.model, model);
      pre.model.dispose();
    }
    fc = featureConfig('fbank', { length: config.frames, numMelBins: config.bins, ...rateOf(o) });
  } else {
    if (o.init) throw new Error(`train: --init applies to --model ssamba only, received --model ${o.model}`);
    const config = rawClassifierConfig(o.size ?? 'micro', { seed: o.seed ?? 0, ...(o.overrides as Partial<RawClassifierConfig>) });
    modelConfig = config;
    model = buildRawClassifier(config, ds.classes.length);
    fc = featureConfig('raw', { length: config.length, ...rateOf(o) });
  }
  // Normalization stats: the pretraining's, so the encoder sees inputs on the scale it learned.
  const trainFeat = pre ? { set: featurize(split.train, ds.classes, pre.state.features, o.quiet), cfg: pre.state.features } : featurizeTrain(split.train, ds.classes, fc, o.quiet);
  const cfg = trainFeat.cfg;
  const validation = split.validation.length > 0 ? featurize(split.validation, ds.classes, cfg, true) : undefined;
  const test = featurize(testItems, ds.classes, cfg, true);
  const unknown = test.y.findIndex((y) => y < 0);
  if (unknown >= 0) throw new Error(`train: test file ${test.files[unknown]} has label '${testItems[unknown].label}', not among the training classes ${ds.classes.join(', ')}`);
  const inputShape = o.model === 'ssamba' ? [cfg.length, cfg.numMelBins] : [cfg.length, 1];
  const ckpt = path.join(o.out, 'checkpoints');
  const state: AudioRunState = { kind: 'statespace-audio', model: o.model, modelConfig, features: cfg, classes: ds.classes, pretrained: pre !== undefined, dataset: datasetName(o.data) };
  const r = await trainClassifier({
    model, train: trainFeat.set, validation, numClasses: ds.classes.length, inputShape, epochs: o.epochs, batch: o.batch, lr: o.lr, seed: o.seed,
    checkpointDir: ckpt, resume: o.resume, maxSeconds: o.maxMinutes !== undefined ? o.maxMinutes * 60 : undefined, patience: o.patience, quiet: o.quiet,
    specAugment: o.specAugment && o.model === 'ssamba' ? { freqMasks: 2, freqMaskWidth: Math.max(1, Math.round(cfg.numMelBins / 5)), timeMasks: 2, timeMaskWidth: Math.max(1, Math.round(cfg.length / 10)) } : undefined,
    mixupAlpha: o.mixup, extraState: state, augment: backgroundNoiseAugment(ds, cfg),
  });
  // Evaluate the best checkpoint (best validation accuracy, or lowest training loss without validation),
  // the one `evaluate` and `predict` load.
  model.dispose();
  const evalModel = (await loadCheckpoint(ckpt, 'best')).model;
  const rep = evaluateSet(evalModel, test, ds.classes.length, inputShape, ds.classes);
  evalModel.dispose();
  const plots = [path.join(o.out, 'training.png'), path.join(o.out, 'confusion.png')];
  await writePng(trainingCurvesSvg(r.history), plots[0]);
  await writePng(confusionMatrixSvg(rep.confusion, ds.classes, { title: `${o.model} on ${state.dataset}: ${(100 * rep.accuracy).toFixed(1)}% (${test.x.length} clips)`, normalize: false }), plots[1]);
  return {
    dataset: state.dataset, model: o.model, accuracy: rep.accuracy, epochs: r.history.length, train_seconds: r.trainSeconds, pretrained: state.pretrained,
    test_examples: test.x.length, mean_class_accuracy: rep.meanClassAccuracy, best_epoch: r.bestEpoch, confusion: rep.confusion, checkpoint: ckpt, history: r.history, plots,
  };
}

/**
 * Speech Commands `_background_noise_` mixing for raw-waveform training (noise scaled to unit RMS like
 * the clips, gain ≤ 0.1, p = 0.8). Spectrogram models are featurized once and cached, so they skip it.
 */
function backgroundNoiseAugment(ds: AudioDataset, cfg: FeatureConfig): ((x: Float32Array, rng: Rng) => Float32Array) | undefined {
  if (cfg.kind !== 'raw' || !ds.backgroundNoise || ds.backgroundNoise.length === 0) return undefined;
  const noises = ds.backgroundNoise.map((f) => {
    const n = loadAudio(f, cfg.sampleRate);
    let e = 0;
    for (let i = 0; i < n.length; i++) e += n[i] * n[i];
    const scale = 1 / Math.max(Math.sqrt(e / Math.max(n.length, 1)), 1e-4);
    return n.map((v) => v * scale);
  });
  return (x, rng) => addBackgroundNoise(x, noises, rng, { clip: false });
}
