import * as fs from 'fs';
import * as path from 'path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadCheckpoint, type ParsedCli } from '@statespace/ssm-core';
import { loadDataset, prepareDataset, type PointDataset } from '../data/dataset';
import { selectShapes, stratifiedHoldout } from '../data/split';
import { loadPointCloudFile } from '../data/loadFile';
import { normalizeToUnitSphere, resample } from '../geometry/normalize';
import { buildPcm } from '../models/pcm';
import { buildPointNet } from '../models/pointnet';
import type { Serialization } from '../serialize/orders';
import { trainClassifier, type LabelledClouds } from '../train/trainClassifier';
import { evaluateClassifier, predictProbabilities } from '../eval/evaluate';
import { epochsForBudget } from '../train/budget';
import { perClassTable, writeEvaluationPlots } from '../eval/report';
import '../models/register';

const log = (s: string) => process.stderr.write(`${s}\n`);

/** Builds the named model for a dataset. */
export function buildPointModel(name: string, numClasses: number, numPoints: number, serialization: Serialization, seed: number): tfl.LayersModel {
  if (name.startsWith('pointnet')) return buildPointNet(name, { numClasses, numPoints, seed });
  return buildPcm(name === 'pcm-micro' ? 'micro' : name, { numClasses, numPoints, serialization, seed });
}

export const toClouds = (ds: PointDataset): LabelledClouds => ({ points: ds.points, labels: ds.labels, numPoints: ds.numPoints });

export function subset(c: LabelledClouds, idx: Int32Array): LabelledClouds {
  return { points: selectShapes(c.points, c.numPoints, idx), labels: Int32Array.from(idx, (i) => c.labels[i]), numPoints: c.numPoints };
}

export interface TrainRunOptions {
  train: string; test?: string; model: string; serialization: Serialization; points: number; epochs: number; batch: number; lr: number;
  seed: number; out?: string; resume?: boolean; maxMinutes?: number; patience?: number; quiet?: boolean; valFraction: number;
  maxTrain?: number; maxBatches?: number; votes: number;
  /** Size the epochs (at most `epochs`) to `maxMinutes` by timing a few steps first (see epochsForBudget). */
  autoEpochs?: boolean;
  /** Validate on at most this many held-out shapes (a stratified subset; quick runs). */
  maxVal?: number;
}

/** Loads data, holds out a stratified validation split, trains, evaluates the best checkpoint (test or validation). */
export async function trainRun(o: TrainRunOptions) {
  const raw = await loadDataset(o.train, 'train', { numPoints: o.points });
  const ds = prepareDataset(raw, o.points);
  const all = toClouds(ds);
  const split = stratifiedHoldout(ds.labels, o.valFraction, o.seed);
  let trainIdx = split.train;
  if (o.maxTrain && o.maxTrain < trainIdx.length) trainIdx = stratifiedHoldout(Int32Array.from(trainIdx, (i) => ds.labels[i]), 1 - o.maxTrain / trainIdx.length, o.seed).train.map((j) => trainIdx[j]);
  let valIdx = split.holdout;
  if (o.maxVal && o.maxVal < valIdx.length) valIdx = stratifiedHoldout(Int32Array.from(valIdx, (i) => ds.labels[i]), o.maxVal / valIdx.length, o.seed).holdout.map((j) => valIdx[j]);
  const train = subset(all, trainIdx), val = subset(all, valIdx);
  log(`data: ${raw.source}: ${train.labels.length} train / ${val.labels.length} validation shapes (stratified ${o.valFraction} hold-out, seed ${o.seed}), ${ds.classes.length} classes, ${o.points} points`);
  const test = o.test ? toClouds(prepareDataset(await loadDataset(o.test, 'test', { numPoints: o.points }), o.points)) : undefined;
  const model = buildPointModel(o.model, ds.classes.length, o.points, o.serialization, o.seed);
  log(`model: ${o.model} (${o.model === 'pointnet' ? '' : `serialization ${o.serialization}, `}${model.countParams()} parameters)`);
  const ckpt = o.out ? path.join(o.out, 'checkpoints') : undefined;
  if (ckpt) fs.mkdirSync(ckpt, { recursive: true });
  const epochs = o.autoEpochs ? budgetedEpochs(o, model, train, val.labels.length) : o.epochs;
  const { fit } = await trainClassifier({
    model, train, val, classes: ds.classes, epochs, batch: o.batch, lr: o.lr, seed: o.seed, checkpointDir: ckpt, resume: o.resume,
    maxSeconds: o.maxMinutes !== undefined ? o.maxMinutes * 60 : undefined, patience: o.patience, progress: !o.quiet,
    maxBatchesPerEpoch: o.maxBatches, extraState: { model: o.model, serialization: o.serialization, dataset: raw.source },
    onEpochEnd: (e) => log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, val OA ${((e.val?.oa ?? NaN) * 100).toFixed(2)}%, ${e.seconds.toFixed(0)} s`),
  });
  let best = model;
  if (ckpt && fs.existsSync(path.join(ckpt, 'best'))) best = (await loadCheckpoint(ckpt, 'best')).model;
  const evalSet = test ?? val;
  const ev = evaluateClassifier(best, evalSet, ds.classes, { batch: o.batch, votes: o.votes, seed: o.seed });
  log(`${test ? 'test' : 'validation'}: OA ${(100 * ev.accuracy).toFixed(2)}%, mAcc ${(100 * ev.meanClassAccuracy).toFixed(2)}%\n${perClassTable(ev)}`);
  if (o.out) {
    const files = await writeEvaluationPlots(o.out, ev, ds.classes, `${o.model} on ${test ? 'test' : 'validation'}`, fit.history);
    fs.writeFileSync(path.join(o.out, 'result.json'), JSON.stringify({ fit, evaluation: { accuracy: ev.accuracy, meanClassAccuracy: ev.meanClassAccuracy, perClass: ev.perClass, confusion: ev.confusion } }, null, 1));
    log(`wrote ${files.join(', ')}`);
  }
  if (best !== model) best.dispose();
  model.dispose();
  return {
    result: { dataset: path.basename(path.resolve(o.train)), model: o.model, oa: ev.accuracy, macc: ev.meanClassAccuracy, epochs: fit.history.length, train_seconds: fit.trainSeconds },
    evaluation: ev, fit, evaluatedOn: test ? 'test' : 'validation',
  };
}

/**
 * --auto-epochs: the epochs (at most --epochs) that fit --max-minutes here, measured (epochsForBudget) and kept in
 * <out>/budget.json so a --resume continues the same cosine schedule.
 */
function budgetedEpochs(o: TrainRunOptions, model: tfl.LayersModel, train: LabelledClouds, valShapes: number): number {
  if (o.maxMinutes === undefined) throw new Error('train: --auto-epochs needs --max-minutes (the budget the epochs are sized to)');
  const file = o.out ? path.join(o.out, 'budget.json') : undefined;
  if (o.resume && file && fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { epochs: number };
    log(`epochs: ${saved.epochs} (from ${file})`);
    return saved.epochs;
  }
  const batchesPerEpoch = Math.min(Math.floor(train.labels.length / o.batch), o.maxBatches ?? Infinity);
  const b = epochsForBudget({ model, points: train.points, numShapes: train.labels.length, batch: o.batch, batchesPerEpoch, valShapes,
    budgetSeconds: o.maxMinutes * 60, maxEpochs: o.epochs });
  log(`epochs: ${b.epochs} fit ${o.maxMinutes} min (measured ${b.stepSeconds.toFixed(2)} s per training batch of ${o.batch} = ` +
    `${(o.batch / b.stepSeconds).toFixed(1)} shapes/s, ~${b.epochSeconds.toFixed(0)} s per epoch with validation; cap --epochs ${o.epochs})`);
  if (file) fs.writeFileSync(file, JSON.stringify({ ...b, budgetMinutes: o.maxMinutes }, null, 1));
  return b.epochs;
}

export async function trainCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  const r = await trainRun({ ...f, train: f.train, test: f.test } as TrainRunOptions);
  return r.result;
}

/** Loads a checkpoint dir (fit's <out>/checkpoints, its best/ or last/, or a saveModelAtomically dir). */
async function loadAny(dir: string) {
  if (fs.existsSync(path.join(dir, 'checkpoints'))) return loadCheckpoint(path.join(dir, 'checkpoints'), 'best');
  return loadCheckpoint(dir);
}

export async function evaluateCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  const { model, state } = await loadAny(f.checkpoint);
  const numPoints = model.inputs[0].shape[1] as number;
  const ds = prepareDataset(await loadDataset(f.data, f.split, { numPoints }), numPoints);
  const classes: string[] = state.extraState?.classes ?? ds.classes;
  const ev = evaluateClassifier(model, toClouds(ds), classes, { batch: f.batch, votes: f.votes, seed: f.seed });
  log(`${f.data} (${f.split}): OA ${(100 * ev.accuracy).toFixed(2)}%, mAcc ${(100 * ev.meanClassAccuracy).toFixed(2)}%\n${perClassTable(ev)}`);
  if (f.out) log(`wrote ${(await writeEvaluationPlots(f.out, ev, classes, `${state.extraState?.model ?? model.name} on ${f.split}`)).join(', ')}`);
  model.dispose();
  return { dataset: path.basename(path.resolve(f.data)), model: state.extraState?.model ?? model.name, oa: ev.accuracy, macc: ev.meanClassAccuracy,
    per_class: Object.fromEntries(ev.perClass.map((c) => [c.name, c.accuracy])), votes: f.votes };
}

export async function predictCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  if (p.positionals.length === 0) throw new Error('predict: give one or more point-cloud files');
  const { model, state } = await loadAny(f.checkpoint);
  const N = model.inputs[0].shape[1] as number;
  const clouds = new Float32Array(p.positionals.length * N * 3);
  p.positionals.forEach((file, i) => clouds.set(resample(normalizeToUnitSphere(loadPointCloudFile(file).positions), N, { method: 'fps' }), i * N * 3));
  const probs = predictProbabilities(model, clouds, p.positionals.length, { votes: f.votes, seed: f.seed });
  const classes: string[] = state.extraState?.classes ?? [];
  const C = probs.length / p.positionals.length;
  const predictions = p.positionals.map((file, i) => {
    const row = Array.from(probs.subarray(i * C, (i + 1) * C)).map((pr, c) => ({ class: classes[c] ?? String(c), probability: pr }));
    row.sort((a, b) => b.probability - a.probability);
    const top = row.slice(0, f.top);
    log(`${file}: ${top.map((t) => `${t.class} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
    return { file, top };
  });
  model.dispose();
  return { predictions };
}
