/**
 * Recipe probe for choosing the 28-px defaults without the benchmark's held-out set: trains a model with
 * config overrides on the first 40,000 Fashion-MNIST training images for a wall-clock budget (the bench's
 * recipe otherwise: time-aware cosine, pad-crop + flip, data-parallel workers) and evaluates on images
 * 40,000–49,999. The last 10,000 (the bench's held-out set) are never read.
 *   node dist-bench/bench/recipeProbe.js MINUTES '{"ssmRatio":1}' [model] [lr]; last line is JSON
 * (images_per_second: inference on the 10,000 evaluation images; train_images_per_second counts whole steps).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, resolveDataDir } from '@statespace/ssm-core';
import { augmentFor, buildVisionModel, countParams, evaluateModel, holdOutLast, openDataset, resolveModelConfig, trainVisionModel } from '../src/index';
import { trainedSteps } from '../src/bench/runBench';
import { recipeLr } from '../src/models/configs';
import { estimateMeanStd } from '../src/train/meanStd';

(async () => {
  await initBackend({ backend: (process.env.STATESPACE_BACKEND as 'wasm') ?? 'wasm' });
  const minutes = Number(process.argv[2] ?? 10);
  if (!(minutes > 0)) throw new Error(`recipeProbe: MINUTES (argument 1) must be a number > 0, received '${process.argv[2]}'`);
  let overrides: Record<string, unknown>;
  try {
    overrides = JSON.parse(process.argv[3] ?? '{}');
  } catch (e) {
    throw new Error(`recipeProbe: OVERRIDES (argument 2) must be a JSON object of config keys, received '${process.argv[3]}': ${(e as Error).message}`);
  }
  const name = process.argv[4] ?? 'vmamba-micro';
  const lr = Number(process.argv[5] ?? recipeLr(name));
  const full = openDataset(process.env.STATESPACE_FASHION ?? resolveDataDir('fashion-mnist'), { split: 'train' });
  const first50k = holdOutLast(full, 10000).train; // the bench's held-out last 10k is cut off here
  const { train, val } = holdOutLast(first50k, 10000);
  const cfg = resolveModelConfig(name, overrides);
  const { mean, std } = await estimateMeanStd(train, cfg.inChannels, cfg.inputSize);
  const data = { model: name, size: cfg.inputSize, channels: cfg.inChannels, mean, std, classNames: full.classNames, dataset: 'fashion-mnist-tuning' };
  const model = buildVisionModel(name, overrides);
  const r = await trainVisionModel({
    model, train, val, valLimit: 1000, epochImages: 20000, data, epochs: 50, batch: 64, lr, maxSeconds: minutes * 60, timeSchedule: true,
    progress: false, augment: augmentFor('auto', cfg.inputSize),
    onEpochEnd: (e) => process.stderr.write(`epoch ${e.epoch}: loss ${e.trainLoss.toFixed(4)} val ${((e.val?.top1 ?? NaN) * 100).toFixed(2)}% (${e.seconds.toFixed(0)} s)\n`),
  });
  const ev = await evaluateModel(model, val, { size: cfg.inputSize, channels: cfg.inChannels, mean, std });
  const steps = trainedSteps(r.history, Math.floor(20000 / 64));
  console.log(JSON.stringify({
    model: name, overrides, lr, minutes, params: countParams(model), top1: ev.top1, top5: ev.top5, eval: val.description, epochs: r.history.length,
    train_images: steps * 64, train_seconds: Math.round(r.trainSeconds),
    train_images_per_second: Math.round((steps * 64) / r.trainSeconds), images_per_second: Math.round(ev.imagesPerSecond), backend: tf.getBackend(),
  }));
  model.dispose();
})().catch((e) => { console.error(e); process.exit(1); });
