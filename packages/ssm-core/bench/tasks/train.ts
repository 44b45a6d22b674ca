import * as tf from '@tensorflow/tfjs-core';
import { AdamW, ssmParameterGroup } from '../../src/train/adamw';
import { warmupCosine } from '../../src/train/schedule';
import { disposeBatch, generate, toTensors, vocabSizeOf, type TaskName } from './data';
import { TaskModel, type MixerKind } from './model';
import { trainStep } from './step';

export interface TrainSettings {
  task: TaskName;
  mixer: MixerKind;
  dModel: number;
  nLayers: number;
  dState: number;
  expand: number;
  seqLen: number;
  batch: number;
  lr: number;
  /** Learning rate of the ssm_ parameters (Mamba/S4 use a smaller one, no decay). */
  ssmLr: number;
  weightDecay: number;
  warmupSteps: number;
  /** Length curriculum (see args.ts): first training length, and the train-accuracy EMA that doubles it. */
  startLen: number;
  growAcc: number;
  /** Stop once the train accuracy EMA at seqLen reaches this (> 1: never). */
  stopAcc: number;
  maxSteps: number;
  minutes: number;
  evalLens: number[];
  evalBatches: number;
  evalBatch: number;
  seed: number;
  /** Plain progress line every N steps when stderr is not a TTY. */
  logEvery: number;
}

export interface TrainResult {
  steps: number;
  trainSeconds: number;
  firstLoss: number;
  finalLoss: number;
  /** Accuracy at each eval length, in the order of evalLens. */
  accuracy: { seqLen: number; accuracy: number }[];
  params: number;
  /** First step (and seconds) at which the train accuracy EMA at the final length reached 97 %; null if never. */
  reached97: { step: number; seconds: number } | null;
  /** Step at which training switched to each length of the curriculum. */
  lengths: { seqLen: number; step: number }[];
  /** tf.memory().numTensors after the first step and at the end of training (flat = no leak). */
  tensorsAfterFirstStep: number;
  tensorsAtEnd: number;
}

const fmtTime = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`);

/** Token accuracy over `batches` fresh seeded batches of length seqLen. */
export function evaluate(model: TaskModel, s: TrainSettings, seqLen: number): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < s.evalBatches; i++) {
    // Eval seeds are far from the training seeds (seed + step), so eval batches are unseen.
    const b = toTensors(generate(s.task, s.evalBatch, seqLen, s.seed + 1_000_003 + 7919 * i + seqLen));
    const pred = tf.tidy(() => tf.argMax(model.logitsAt(b.tokens, b.positions), -1));
    const p = pred.dataSync();
    pred.dispose();
    b.labelValues.forEach((v, k) => { if (p[k] === v) right++; });
    total += b.labelValues.length;
    disposeBatch(b);
  }
  return right / total;
}

/**
 * Trains one model on one task with AdamW + warmup-cosine + clipping(1.0) under a time and a step budget.
 * The cosine follows the fraction of the time budget spent (step times change with the curriculum's length).
 */
export function trainTask(s: TrainSettings, label: string): TrainResult {
  const vocab = vocabSizeOf(s.task);
  const model = new TaskModel({ mixer: s.mixer, vocabSize: vocab, dModel: s.dModel, nLayers: s.nLayers, dState: s.dState, expand: s.expand, seed: s.seed });
  const budgetMs = s.minutes * 60_000;
  const cosine = warmupCosine({ peakLr: 1, warmupSteps: 0, totalSteps: 10_000, minLr: 0.05 });
  const start = performance.now();
  let step = 0;
  const factor = (): number => {
    const frac = Math.max(step / s.maxSteps, (performance.now() - start) / budgetMs);
    return Math.min(1, (step + 1) / Math.max(1, s.warmupSteps)) * cosine(Math.min(10_000, Math.round(10_000 * frac)));
  };
  const opt = new AdamW({ lr: () => s.lr * factor(), weightDecay: s.weightDecay, groups: [ssmParameterGroup(() => s.ssmLr * factor())] });
  const tty = process.stderr.isTTY === true;
  let vars: tf.Variable[] = [];
  let firstLoss = NaN;
  let lossEma = NaN;
  let accEma = 0;
  let tensorsAfterFirstStep = 0;
  let seqLen = Math.min(s.startLen, s.seqLen);
  let sinceGrow = 0;
  const lengths = [{ seqLen, step: 0 }];
  let reached97: TrainResult['reached97'] = null;
  while (step < s.maxSteps && performance.now() - start < budgetMs) {
    const b = toTensors(generate(s.task, s.batch, seqLen, s.seed + step));
    if (step === 0) tf.tidy(() => { model.logitsAt(b.tokens, b.positions); });
    if (vars.length === 0) vars = model.variables();
    const r = trainStep(model, opt, vars, b, vocab);
    const loss = r.loss;
    disposeBatch(b);
    step++;
    sinceGrow++;
    if (step === 1) { firstLoss = loss; tensorsAfterFirstStep = tf.memory().numTensors; }
    const acc = r.correct / r.total;
    lossEma = Number.isNaN(lossEma) ? loss : 0.9 * lossEma + 0.1 * loss;
    accEma = step === 1 ? acc : 0.9 * accEma + 0.1 * acc;
    const elapsed = (performance.now() - start) / 1000;
    if (seqLen === s.seqLen && reached97 == null && sinceGrow >= 10 && accEma >= 0.97) reached97 = { step, seconds: elapsed };
    if (seqLen === s.seqLen && sinceGrow >= 10 && accEma >= s.stopAcc) break;
    if (seqLen < s.seqLen && sinceGrow >= 10 && accEma >= s.growAcc) {
      seqLen = Math.min(s.seqLen, 2 * seqLen);
      lengths.push({ seqLen, step });
      sinceGrow = 0;
      process.stderr.write(`${tty ? '\n' : ''}${label}: train accuracy EMA ${(100 * accEma).toFixed(1)}% at step ${step}: training length -> ${seqLen}\n`);
    }
    const rate = step / elapsed;
    const eta = Math.min((s.maxSteps - step) / rate, budgetMs / 1000 - elapsed);
    const line = `${label} L ${seqLen} step ${step} loss ${lossEma.toFixed(4)} acc ${(100 * accEma).toFixed(1)}% `
      + `lr ${(s.lr * factor()).toExponential(2)} ${rate.toFixed(2)} step/s ETA ${fmtTime(Math.max(0, eta))} tensors ${tf.memory().numTensors}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (step % s.logEvery === 0 || step === 1) process.stderr.write(`${line}\n`);
  }
  if (tty) process.stderr.write('\n');
  const trainSeconds = (performance.now() - start) / 1000;
  const tensorsAtEnd = tf.memory().numTensors;
  process.stderr.write(`${label}: ${step} steps in ${trainSeconds.toFixed(1)} s; tf.memory().numTensors after step 1: ${tensorsAfterFirstStep}, at end: ${tensorsAtEnd}\n`);
  const accuracy = s.evalLens.map((L) => ({ seqLen: L, accuracy: evaluate(model, s, L) }));
  const params = model.parameterCount();
  model.dispose();
  opt.dispose();
  return { steps: step, trainSeconds, firstLoss, finalLoss: lossEma, accuracy, params, tensorsAfterFirstStep, tensorsAtEnd, reached97, lengths };
}
