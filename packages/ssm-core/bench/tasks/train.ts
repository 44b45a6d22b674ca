import * as tf from '@tensorflow/tfjs-core';
import { AdamW, ssmParameterGroup } from '../../src/train/adamw';
import { clipByGlobalNorm } from '../../src/train/clip';
import { warmupCosine, type LrSchedule } from '../../src/train/schedule';
import { disposeBatch, generate, toTensors, vocabSizeOf, type TaskName } from './data';
import { TaskModel, type MixerKind } from './model';

export interface TrainSettings {
  task: TaskName;
  mixer: MixerKind;
  dModel: number;
  nLayers: number;
  dState: number;
  seqLen: number;
  batch: number;
  lr: number;
  /** Learning rate of the ssm_ parameters (Mamba/S4 use a smaller one, no decay). */
  ssmLr: number;
  weightDecay: number;
  warmupSteps: number;
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

/** Trains one model on one task with AdamW + warmup-cosine + clipping(1.0) under a time and a step budget. */
export function trainTask(s: TrainSettings, label: string): TrainResult {
  const vocab = vocabSizeOf(s.task);
  const model = new TaskModel({ mixer: s.mixer, vocabSize: vocab, dModel: s.dModel, nLayers: s.nLayers, dState: s.dState, seed: s.seed });
  // The cosine's length is re-estimated from the measured step time, so the decay ends with the time budget.
  let schedule: LrSchedule = warmupCosine({ peakLr: 1, warmupSteps: s.warmupSteps, totalSteps: Math.max(s.maxSteps, s.warmupSteps + 1), minLr: 0.05 });
  const scaled = (peak: number): LrSchedule => (t) => peak * schedule(t);
  const opt = new AdamW({ lr: scaled(s.lr), weightDecay: s.weightDecay, groups: [ssmParameterGroup(scaled(s.ssmLr))] });
  const budgetMs = s.minutes * 60_000;
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  let vars: tf.Variable[] = [];
  let firstLoss = NaN;
  let lossEma = NaN;
  let accEma = 0;
  let step = 0;
  let totalSteps = s.maxSteps;
  let tensorsAfterFirstStep = 0;
  while (step < totalSteps && performance.now() - start < budgetMs) {
    const b = toTensors(generate(s.task, s.batch, s.seqLen, s.seed + step));
    if (step === 0) tf.tidy(() => { model.logitsAt(b.tokens, b.positions); });
    if (vars.length === 0) vars = model.variables();
    let correct = 0;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.logitsAt(b.tokens, b.positions);
      const pred = tf.argMax(logits, -1).dataSync();
      b.labelValues.forEach((v, k) => { if (pred[k] === v) correct++; });
      return tf.losses.softmaxCrossEntropy(tf.oneHot(b.labels, vocab), logits) as tf.Scalar;
    }, vars);
    const clipped = clipByGlobalNorm(grads, 1.0);
    opt.applyGradients(clipped.grads);
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads), ...Object.values(clipped.grads)]);
    disposeBatch(b);
    step++;
    if (step === 1) { firstLoss = loss; tensorsAfterFirstStep = tf.memory().numTensors; }
    const acc = correct / b.labelValues.length;
    lossEma = Number.isNaN(lossEma) ? loss : 0.9 * lossEma + 0.1 * loss;
    accEma = step === 1 ? acc : 0.9 * accEma + 0.1 * acc;
    const elapsed = (performance.now() - start) / 1000;
    const rate = step / elapsed;
    if (step % 25 === 0) {
      // Steps that fit in the time left, at the measured rate; the cosine is stretched to end there.
      const fit = step + Math.floor(((budgetMs / 1000) - elapsed) * rate);
      totalSteps = Math.max(step + 1, Math.min(s.maxSteps, fit));
      schedule = warmupCosine({ peakLr: 1, warmupSteps: s.warmupSteps, totalSteps: Math.max(totalSteps, s.warmupSteps + 1), minLr: 0.05 });
    }
    const eta = Math.min((totalSteps - step) / rate, budgetMs / 1000 - elapsed);
    const line = `${label} step ${step}/${totalSteps} loss ${lossEma.toFixed(4)} acc ${(100 * accEma).toFixed(1)}% `
      + `lr ${(s.lr * schedule(step)).toExponential(2)} ${rate.toFixed(2)} step/s ETA ${fmtTime(Math.max(0, eta))} tensors ${tf.memory().numTensors}`;
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
  return { steps: step, trainSeconds, firstLoss, finalLoss: lossEma, accuracy, params, tensorsAfterFirstStep, tensorsAtEnd };
}
