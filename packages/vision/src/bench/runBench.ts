import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { printJsonResult, resolveDataDir, type ParsedCli } from '@statespace/ssm-core';
import { augmentFor } from '../data/augment';
import { openDataset } from '../data/dataset';
import { detectIdxFolder } from '../data/idx';
import { holdOutLast, type ImageSource } from '../data/source';
import { renderShapes } from '../data/synthetic';
import { evaluateModel, writeConfusionPng } from '../eval/evaluate';
import { buildVisionModel, countParams } from '../models/buildModel';
import { MODEL_NAMES, recipeLr, resolveModelConfig } from '../models/configs';
import { estimateMeanStd } from '../train/meanStd';
import { trainVisionModel } from '../train/trainVision';

const log = (s: string) => process.stderr.write(`${s}\n`);
const COMPARISON = ['vmamba-micro', 'efficientvmamba', 'groupmamba', 'msvmamba'];

/** Optimizer steps a run took: whole epochs count stepsPerEpoch, an epoch cut by the clock its own `batches`. */
export function trainedSteps(history: readonly { batches?: number }[], stepsPerEpoch: number): number {
  return history.reduce((a, h) => a + (h.batches ?? stepsPerEpoch), 0);
}

/**
 * The Fashion-MNIST benchmark: train on the first 50k training images, report top-1/top-5 on the
 * last 10k (or on --test), one JSON line per model on stdout (the last one also the CLI's result).
 * Without the data folder it runs on generated shapes (and says so in the result's "dataset").
 */
export async function runBenchCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  const quick: boolean = f.quick;
  const models: string[] = (f.models as string[]).includes('all') ? COMPARISON : f.models;
  for (const m of models) if (!MODEL_NAMES.includes(m)) throw new Error(`bench: --models has unknown model '${m}'; known: ${MODEL_NAMES.join(', ')}, all`);
  const dataDir: string = f.data ?? resolveDataDir('fashion-mnist');
  const haveData = detectIdxFolder(dataDir).includes('train');
  let full: ImageSource;
  let dataset: string;
  if (haveData) {
    full = openDataset(dataDir, { split: 'train' });
    dataset = 'fashion-mnist';
  } else {
    log(`bench: ${dataDir} has no Fashion-MNIST training files; using generated shapes instead`);
    full = renderShapes(quick ? 4000 : 20000);
    dataset = 'generated-shapes';
  }
  const holdout = haveData ? 10000 : Math.round(full.size / 5);
  const split = holdOutLast(full, holdout);
  let train = split.train;
  const trainLimit: number | undefined = f.trainLimit ?? (quick ? 6400 : undefined);
  if (trainLimit != null && trainLimit < train.size) train = holdOutLast(train, train.size - trainLimit).train;
  const evalSet = f.test ? openDataset(f.test, { split: 'test', classNames: full.classNames }) : split.val;
  const valLimit: number | undefined = f.valLimit ?? (quick ? 1000 : undefined);
  const out: string = f.out ?? path.join('runs', 'vision-bench');
  fs.mkdirSync(out, { recursive: true });
  const maxMinutes: number = quick && f.maxMinutes === 60 ? 1.5 : f.maxMinutes;
  // an epoch is --epoch-images images (quick: 640), so the time budget is checked at least that often
  const epochs: number = quick ? 10 : f.epochs;
  const batch: number = quick ? 32 : f.batch;
  let last: object = {};
  for (const name of models) {
    const cfg = resolveModelConfig(name, { numClasses: full.classNames.length, seed: f.seed });
    const { mean, std } = await estimateMeanStd(train, cfg.inChannels, cfg.inputSize);
    const data = { model: name, size: cfg.inputSize, channels: cfg.inChannels, mean, std, classNames: full.classNames, dataset };
    const model = buildVisionModel(name, { numClasses: full.classNames.length, seed: f.seed });
    const dir = path.join(out, name);
    log(`bench ${name}: ${countParams(model)} parameters, train ${train.size}, evaluate ${Math.min(evalSet.size, valLimit ?? Infinity)} (${evalSet.description}), backend ${tf.getBackend()}`);
    const r = await trainVisionModel({
      model, train, val: evalSet, valLimit: quick ? 200 : Math.min(valLimit ?? 1000, 1000), epochImages: quick ? 640 : f.epochImages, data, epochs, batch, lr: f.lr ?? recipeLr(name), seed: f.seed, checkpointDir: path.join(dir, 'checkpoints'),
      resume: f.resume, maxSeconds: maxMinutes * 60, progress: !f.quiet, warmupSteps: quick ? 20 : undefined, augment: augmentFor(f.augment, cfg.inputSize, f.randAugment), timeSchedule: !quick, workers: f.workers,
      onEpochEnd: (e) => log(`${name} epoch ${e.epoch}: loss ${e.trainLoss.toFixed(4)} val top-1 ${((e.val?.top1 ?? NaN) * 100).toFixed(2)}% (${e.seconds.toFixed(0)} s)`),
    });
    const epochImages = quick ? 640 : Math.min(train.size, f.epochImages ?? train.size);
    const steps = trainedSteps(r.history, Math.floor(epochImages / batch));
    const ev = await evaluateModel(model, evalSet, { size: cfg.inputSize, channels: cfg.inChannels, mean, std, limit: valLimit });
    // Flip test-time augmentation, reported beside the plain figures (declared before the 2026-11-23 06:5x counted run).
    const tta = f.tta === 'flip' ? await evaluateModel(model, evalSet, { size: cfg.inputSize, channels: cfg.inChannels, mean, std, limit: valLimit, flipTta: true }) : undefined;
    await writeConfusionPng(ev, full.classNames, path.join(dir, 'confusion.png'), `${name} on ${f.test ? 'test' : 'held-out'}`);
    last = {
      dataset, model: name, params: countParams(model), top1: ev.top1, top5: ev.top5, epochs: r.history.length, train_seconds: Math.round(r.trainSeconds),
      train_images: train.size, eval_images: ev.count, eval_split: f.test ? 'test' : haveData ? 'holdout-last-10k' : 'holdout-last-20%',
      train_images_per_second: r.trainSeconds > 0 ? Math.round((steps * batch) / r.trainSeconds) : 0, images_per_second: Math.round(ev.imagesPerSecond),
      ...(tta ? { top1_tta: tta.top1, top5_tta: tta.top5 } : {}),
      backend: tf.getBackend(), quick, stop_reason: r.stopReason,
    };
    model.dispose();
    // one line per model; with --json the CLI prints the last one itself (the result line)
    if (!(f.json && name === models[models.length - 1])) printJsonResult(last);
  }
  return last;
}
