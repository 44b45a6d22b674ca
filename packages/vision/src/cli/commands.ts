import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { trainingCurvesSvg, writePng, type ParsedCli } from '@statespace/ssm-core';
import { decodeImage } from '../data/fileSource';
import { makeBatch, openDataset } from '../data/dataset';
import { holdOutLast, type ImageSource } from '../data/source';
import { evaluateModel, writeConfusionPng } from '../eval/evaluate';
import { buildVisionModel, countParams } from '../models/buildModel';
import { recipeLr, resolveModelConfig } from '../models/configs';
import { estimateMeanStd } from '../train/meanStd';
import { trainVisionModel, type VisionDataConfig } from '../train/trainVision';
import { augmentFor } from '../data/augment';
import { loadVisionCheckpoint } from './checkpointPath';

const log = (s: string) => process.stderr.write(`${s}\n`);

/** The result line of train (and each bench model). */
export interface TrainResult { dataset: string; model: string; params: number; top1: number; top5: number; epochs: number; train_seconds: number }

export async function trainCommand(p: ParsedCli): Promise<TrainResult> {
  const f = p.flags;
  const base = resolveModelConfig(f.model);
  const size: number = f.size ?? base.inputSize;
  const channels = (f.channels ?? base.inChannels) as 1 | 3;
  let source: ImageSource = openDataset(f.train, { split: 'train', size, channels, skipBad: f.skipBad });
  if (f.limit != null && f.limit < source.size) source = holdOutLast(source, source.size - f.limit).train;
  const holdout: number = f.holdout ?? (source.size >= 60000 ? 10000 : Math.max(1, Math.round(source.size / 10)));
  const { train, val } = holdOutLast(source, holdout);
  const test = f.test ? openDataset(f.test, { split: 'test', size, channels, skipBad: f.skipBad, classNames: source.classNames }) : undefined;
  const { mean, std } = await estimateMeanStd(train, channels, size);
  const data: VisionDataConfig = { model: f.model, size, channels, mean, std, classNames: source.classNames, dataset: f.train };
  const overrides = { inputSize: size, inChannels: channels, numClasses: source.classNames.length, seed: f.seed, ...(f.dropPath != null ? { dropPath: f.dropPath } : {}) };
  const model = buildVisionModel(f.model, overrides);
  const params = countParams(model);
  const out: string = f.out ?? path.join('runs', `vision-${f.model}`);
  fs.mkdirSync(out, { recursive: true });
  log(`${f.model}: ${params} parameters; train ${train.size} (${train.description}), validation ${val.size}${test ? `, test ${test.size}` : ''}; backend ${tf.getBackend()}`);
  const result = await trainVisionModel({
    model, train, val, data, epochs: f.epochs, batch: f.batch, lr: f.lr ?? recipeLr(f.model), seed: f.seed, augment: augmentFor(f.noAugment ? 'none' : f.augment, size, f.randAugment),
    checkpointDir: path.join(out, 'checkpoints'), resume: f.resume, epochImages: f.epochImages, valLimit: f.valLimit, patience: f.patience, progress: !f.quiet,
    maxSeconds: f.maxMinutes != null ? f.maxMinutes * 60 : undefined, workers: f.workers,
    timeSchedule: f.maxMinutes != null, // the cosine ends with the time budget if that comes first
    onEpochEnd: (e) => log(`epoch ${e.epoch}: loss ${e.trainLoss.toFixed(4)} val top-1 ${((e.val?.top1 ?? NaN) * 100).toFixed(2)}% (${e.seconds.toFixed(0)} s)`),
  });
  model.dispose();
  const best = await loadVisionCheckpoint(out);
  const evalSet = test ?? val;
  const r = await evaluateModel(best.model, evalSet, { size, channels, mean, std, batch: f.batch });
  best.model.dispose();
  await writeConfusionPng(r, source.classNames, path.join(out, 'confusion.png'), `${f.model} on ${test ? 'test' : 'validation'}`);
  if (result.history.length > 0) await writePng(trainingCurvesSvg(result.history, ['top1']), path.join(out, 'training.png'));
  const line: TrainResult = { dataset: f.train, model: f.model, params, top1: r.top1, top5: r.top5, epochs: result.history.length, train_seconds: Math.round(result.trainSeconds) };
  fs.writeFileSync(path.join(out, 'result.json'), `${JSON.stringify({ ...line, perClass: r.perClass, imagesPerSecond: r.imagesPerSecond, skipped: r.skipped, stopReason: result.stopReason }, null, 1)}\n`);
  log(`${test ? 'test' : 'validation'} top-1 ${(100 * r.top1).toFixed(2)}%, top-5 ${(100 * r.top5).toFixed(2)}%, ${r.imagesPerSecond.toFixed(0)} images/s; wrote ${out}/confusion.png`);
  return line;
}

export async function evaluateCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  const { model, data } = await loadVisionCheckpoint(f.checkpoint);
  const size = f.size ?? data.size;
  const channels = (f.channels ?? data.channels) as 1 | 3;
  const test = openDataset(f.test, { split: 'test', size, channels, skipBad: f.skipBad, classNames: data.classNames });
  const r = await evaluateModel(model, test, { size, channels, mean: data.mean, std: data.std, batch: f.batch, limit: f.limit, flipTta: f.tta === 'flip' });
  model.dispose();
  const out: string = f.out ?? f.checkpoint;
  await writeConfusionPng(r, data.classNames, path.join(out, 'confusion-eval.png'), `${data.model} on ${path.basename(f.test)}`);
  for (const c of r.perClass) log(`${c.name.padEnd(14)} ${(100 * c.accuracy).toFixed(2)}% of ${c.support}`);
  log(`top-1 ${(100 * r.top1).toFixed(2)}%, top-5 ${(100 * r.top5).toFixed(2)}%, ${r.imagesPerSecond.toFixed(0)} images/s${r.skipped ? `, ${r.skipped} images skipped` : ''}; wrote ${path.join(out, 'confusion-eval.png')}`);
  return { dataset: f.test, model: data.model, count: r.count, top1: r.top1, top5: r.top5, mean_class_accuracy: r.meanClassAccuracy, images_per_second: r.imagesPerSecond, skipped: r.skipped, ...(r.top1Plain !== undefined ? { tta: 'flip', top1_plain: r.top1Plain } : {}) };
}

export async function predictCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  if (p.positionals.length === 0) throw new Error('predict: give one or more image files');
  const { model, data } = await loadVisionCheckpoint(f.checkpoint);
  const predictions = [];
  for (const file of p.positionals) {
    const raw = await decodeImage(file, data.size, data.channels as 1 | 3);
    const one = { description: file, size: 1, height: data.size, width: data.size, channels: data.channels, classNames: data.classNames, labels: new Int32Array(1),
      read: async () => ({ x: Float32Array.from(raw, (v) => v / 255), labels: new Int32Array(1), count: 1, skipped: [] }) };
    const b = await makeBatch(one, [0], { size: data.size, channels: data.channels, mean: data.mean, std: data.std });
    const probs = tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(b.x, [1, data.size, data.size, data.channels])) as tf.Tensor).dataSync());
    const top = Array.from(probs).map((pr, k) => ({ label: data.classNames[k], probability: pr })).sort((a, c) => c.probability - a.probability).slice(0, f.top);
    log(`${file}: ${top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
    predictions.push({ file, top });
  }
  model.dispose();
  return { model: data.model, predictions };
}
