import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from '../adamw';
import { ssmParameterGroup } from '../adamwOptions';
import { warmupCosine, type LrSchedule } from '../schedule';
import { clipByGlobalNorm } from '../clip';
import { mulberry32 } from '../seed';
import { ProgressBar } from '../../cli/progress';
import {
  writeCheckpointDir, resolveCheckpointDir, readState, loadWeightsInto, encodeOptimizerState, loadOptimizerInto,
} from './checkpoint';
import type { EpochRecord, FitOptions, FitResult, FitState } from './types';
import { GradientWorkers } from './gradientWorkers';

const OP = 'fit';
const NO_WEIGHT_REACHED = `${OP}: the loss does not depend on any trainable weight of the model`;

function check(cond: boolean, name: string, want: string, got: unknown): void {
  if (!cond) throw new Error(`${OP}: option '${name}' must be ${want}, received ${typeof got === 'function' ? 'a function' : String(got)}`);
}

function validateOptions<B>(o: FitOptions<B>): void {
  check(o != null && typeof o === 'object', 'options', 'an object', o);
  check(o.model != null && Array.isArray(o.model.weights), 'model', 'a tf.LayersModel', o.model);
  check(Number.isInteger(o.epochs) && o.epochs >= 1, 'epochs', 'an integer >= 1', o.epochs);
  check(Number.isInteger(o.batchesPerEpoch) && o.batchesPerEpoch >= 1, 'batchesPerEpoch', 'an integer >= 1', o.batchesPerEpoch);
  check(typeof o.trainBatches === 'function', 'trainBatches', 'a function (epoch, rng) => batches', o.trainBatches);
  check(typeof o.loss === 'function', 'loss', 'a function (model, batch, training) => tf.Scalar', o.loss);
  if (o.lr !== undefined) check(Number.isFinite(o.lr) && o.lr > 0, 'lr', 'a finite number > 0', o.lr);
  if (o.clipNorm !== undefined) check(Number.isFinite(o.clipNorm) && o.clipNorm >= 0, 'clipNorm', 'a finite number >= 0 (0 disables)', o.clipNorm);
  if (o.patience !== undefined) check(Number.isInteger(o.patience) && o.patience >= 1, 'patience', 'an integer >= 1', o.patience);
  if (o.maxSeconds !== undefined) check(typeof o.maxSeconds === 'number' && o.maxSeconds >= 0, 'maxSeconds', 'a number >= 0', o.maxSeconds);
  if (o.warmupSteps !== undefined) check(Number.isInteger(o.warmupSteps) && o.warmupSteps >= 0, 'warmupSteps', 'an integer >= 0', o.warmupSteps);
  if (o.schedule !== undefined) check(o.schedule === 'cosine' || o.schedule === 'constant', 'schedule', "'cosine' or 'constant'", o.schedule);
  if (o.monitor !== undefined) {
    check(typeof o.monitor.metric === 'string' && (o.monitor.mode === 'min' || o.monitor.mode === 'max'), 'monitor',
      "{metric: string, mode: 'min' | 'max'}", JSON.stringify(o.monitor));
    check(o.validate !== undefined || o.monitor.metric === 'loss', 'monitor.metric', "'loss' when there is no validate()", o.monitor.metric);
  }
  check(!o.resume || o.checkpointDir !== undefined, 'checkpointDir', 'set when resume is true', o.checkpointDir);
  if (o.dataParallel !== undefined) {
    check(o.dataParallel.workers instanceof GradientWorkers, 'dataParallel.workers', 'a started GradientWorkers', o.dataParallel.workers);
    check(typeof o.dataParallel.split === 'function', 'dataParallel.split', 'a function (batch, parts) => {local, localCount, remote}', o.dataParallel.split);
  }
}

/** Seed of one epoch's data rng: a resumed run gets the same stream without saving generator state. */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(epoch, 0x85ebca6b)) >>> 0;
}

function lrValue(lr: number | LrSchedule, step: number): number {
  return typeof lr === 'function' ? lr(Math.max(step, 1)) : lr;
}

/**
 * Trains `model` with AdamW (+ global-norm clipping), validating after every epoch, with early
 * stopping, atomic best/last checkpoints and exact resume (weights, optimizer moments and step counts,
 * epoch, per-epoch data rng, history, best). Hand-written rather than model.fit(): tfjs-layers' fit
 * cannot resume optimizer state, clip gradients globally, or take batches from a generator with our rng.
 */
export async function fit<B>(o: FitOptions<B>): Promise<FitResult> {
  validateOptions(o);
  const model = o.model;
  const monitor = o.monitor ?? { metric: 'loss', mode: 'min' as const };
  const clipNorm = o.clipNorm ?? 1.0;
  const totalSteps = o.epochs * o.batchesPerEpoch;
  const peak = o.lr ?? 1e-3;
  const lrSchedule: number | LrSchedule = (o.schedule ?? 'cosine') === 'constant' || totalSteps < 2 ? peak
    : warmupCosine({ peakLr: peak, warmupSteps: Math.min(o.warmupSteps ?? 0, totalSteps - 1), totalSteps });
  const ownOptimizer = o.optimizer === undefined;
  const optimizer = o.optimizer ?? new AdamW({ lr: lrSchedule, weightDecay: o.weightDecay ?? 0.05, groups: [ssmParameterGroup()] });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (vars.length === 0) throw new Error(`${OP}: the model has no trainable weights`);
  const lrOf = (step: number) => lrValue(optimizer.settingsFor(vars[0].name).lr, step);
  const root = o.checkpointDir !== undefined ? path.resolve(o.checkpointDir) : undefined;

  let state: FitState = {
    format: 'statespace-fit-state', version: 1, epoch: 0, history: [], seed: o.seed ?? 0,
    bestEpoch: 0, sinceImprove: 0, trainSeconds: 0, globalStep: 0, monitor,
  };
  let resumedFrom: number | undefined;
  try {
    if (o.resume && root !== undefined) {
      const lastDir = resolveCheckpointDir(path.join(root, 'last'));
      if (lastDir !== undefined) {
        const saved = readState(lastDir);
        await loadWeightsInto(model, lastDir);
        if (saved.optimizerSpecs) await loadOptimizerInto(optimizer, model, lastDir, saved.optimizerSpecs);
        state = { ...state, ...saved, monitor };
        resumedFrom = saved.epoch;
      } else if (o.progress !== false) {
        process.stderr.write(`fit: --resume: no checkpoint in ${path.join(root, 'last')}, starting from scratch\n`);
      }
    }
    const seed = state.seed ?? 0;
    const sessionStart = Date.now();
    const priorSeconds = state.trainSeconds ?? 0;
    let stopReason: FitResult['stopReason'] = 'epochs';
    if (o.patience !== undefined && (state.sinceImprove ?? 0) >= o.patience && state.epoch > 0) stopReason = 'patience';

    for (let epoch = state.epoch + 1; epoch <= o.epochs && stopReason === 'epochs'; epoch++) {
      const epochStart = Date.now();
      const bar = o.progress === false ? undefined : new ProgressBar({ total: o.batchesPerEpoch, label: `epoch ${epoch}/${o.epochs}` });
      let sum = 0;
      let count = 0;
      let cutShort = false;
      for await (const batch of o.trainBatches(epoch, mulberry32(epochSeed(seed, epoch)))) {
        let lossValue: number;
        try {
          lossValue = await trainStep(o, batch, vars, optimizer, clipNorm);
        } catch (e) {
          throw explainOutOfMemory(e, epoch, count + 1);
        } finally {
          o.disposeBatch?.(batch);
        }
        if (!Number.isFinite(lossValue)) throw new Error(`${OP}: training loss is ${lossValue} at epoch ${epoch}, batch ${count + 1}; lower the learning rate or check the data`);
        sum += lossValue;
        count++;
        state.globalStep = (state.globalStep ?? 0) + 1;
        bar?.tick(1, { loss: sum / count });
        // The time limit is checked after every batch, so a long epoch cannot overrun it: the epoch ends
        // here and is validated and checkpointed like a full one (resume continues with the next epoch).
        if (o.maxSeconds !== undefined && count < o.batchesPerEpoch && (Date.now() - sessionStart) / 1000 >= o.maxSeconds) {
          cutShort = true;
          break;
        }
      }
      if (count === 0) throw new Error(`${OP}: trainBatches(${epoch}) yielded no batches`);
      const val = o.validate ? await o.validate(model) : undefined;
      const record: EpochRecord = { epoch, trainLoss: sum / count, seconds: 0, lr: lrOf(state.globalStep ?? 0) };
      if (val !== undefined) record.val = val;
      if (cutShort) record.batches = count;
      const value = val !== undefined ? val[monitor.metric] : record.trainLoss;
      if (typeof value !== 'number' || Number.isNaN(value)) {
        throw new Error(`${OP}: monitored metric '${monitor.metric}' is ${String(value)} after epoch ${epoch}; validate() returned {${Object.keys(val ?? {}).join(', ')}}`);
      }
      const improved = state.best === undefined || (monitor.mode === 'min' ? value < state.best : value > state.best);
      if (improved) {
        state.best = value;
        state.bestEpoch = epoch;
        state.sinceImprove = 0;
      } else {
        state.sinceImprove = (state.sinceImprove ?? 0) + 1;
      }
      record.seconds = (Date.now() - epochStart) / 1000;
      state.history = [...state.history, record];
      state.epoch = epoch;
      state.trainSeconds = priorSeconds + (Date.now() - sessionStart) / 1000;
      if (o.extraState !== undefined) state.extraState = o.extraState;
      if (root !== undefined) {
        if (improved) await writeCheckpointDir(path.join(root, 'best'), model, state);
        await writeCheckpointDir(path.join(root, 'last'), model, state, await encodeOptimizerState(optimizer, model));
      }
      bar?.done({ loss: record.trainLoss, ...Object.fromEntries(Object.entries(val ?? {}).map(([k, v]) => [`val_${k}`, v])) });
      o.onEpochEnd?.(record);
      if (o.patience !== undefined && (state.sinceImprove ?? 0) >= o.patience) stopReason = 'patience';
      else if (cutShort || (o.maxSeconds !== undefined && (Date.now() - sessionStart) / 1000 >= o.maxSeconds && epoch < o.epochs)) stopReason = 'time';
    }
    return {
      history: state.history, bestEpoch: state.bestEpoch ?? 0, best: state.best, stoppedEarly: stopReason === 'patience',
      stopReason, trainSeconds: state.trainSeconds ?? 0, ...(resumedFrom !== undefined ? { resumedFrom } : {}),
    };
  } finally {
    if (ownOptimizer) optimizer.dispose();
  }
}

/** tf.variableGrads, with tfjs's "Cannot find a connection between any variable and the result" said in fit's words. */
function lossGrads(f: () => tf.Scalar, vars: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  try {
    // in a tidy: when tfjs refuses the loss, the forward pass it already ran is freed too
    return tf.tidy(() => tf.variableGrads(f, vars));
  } catch (e) {
    if (e instanceof Error && /Cannot find a connection between any variable/.test(e.message)) throw new Error(NO_WEIGHT_REACHED, { cause: e });
    throw e;
  }
}

/** The batch's loss and gradients: on this thread, or split between it and the data-parallel workers. */
async function batchGradients<B>(o: FitOptions<B>, batch: B, vars: tf.Variable[]): Promise<{ loss: number; grads: tf.NamedTensorMap }> {
  const dp = o.dataParallel;
  if (dp === undefined) {
    const { value, grads } = lossGrads(() => o.loss(o.model, batch, true), vars);
    try {
      return { loss: (await value.data())[0], grads };
    } finally {
      value.dispose();
    }
  }
  const parts = dp.split(batch, dp.workers.count + 1);
  try {
    // The workers start first and run while this thread computes its own share.
    const pending = parts.remote.length > 0 ? dp.workers.compute(vars, parts.remote) : Promise.resolve([]);
    let local;
    try {
      local = lossGrads(() => o.loss(o.model, parts.local, true), vars);
    } catch (e) {
      await pending.catch(() => undefined); // let the workers finish their share before failing
      throw e;
    }
    const { value, grads } = local;
    const localLoss = (await value.data())[0];
    value.dispose();
    let remote;
    try {
      remote = await pending;
    } catch (e) {
      tf.dispose(Object.values(grads));
      throw e;
    }
    const total = parts.localCount + remote.reduce((a, r) => a + r.count, 0);
    let loss = (localLoss * parts.localCount) / total;
    for (const r of remote) loss += (r.loss * r.count) / total;
    const combined: tf.NamedTensorMap = {};
    let off = 0;
    for (const v of vars) {
      const local = grads[v.name];
      combined[v.name] = tf.tidy(() => {
        let g = local ? tf.mul(local, parts.localCount / total) : tf.zeros(v.shape);
        for (const r of remote) g = tf.add(g, tf.mul(tf.tensor(r.grads.subarray(off, off + v.size), v.shape, 'float32'), r.count / total));
        return g;
      });
      off += v.size;
    }
    tf.dispose(Object.values(grads));
    return { loss, grads: combined };
  } finally {
    if (parts.local !== batch) o.disposeBatch?.(parts.local);
  }
}

/** One update; returns the batch loss. */
async function trainStep<B>(o: FitOptions<B>, batch: B, vars: tf.Variable[], optimizer: AdamW, clipNorm: number): Promise<number> {
  const { loss: lossValue, grads } = await batchGradients(o, batch, vars);
  try {
    if (!Number.isFinite(lossValue)) return lossValue; // the caller throws; the weights stay as they were
    if (clipNorm > 0) {
      const clipped = clipByGlobalNorm(grads, clipNorm);
      try {
        optimizer.applyGradients(clipped.grads);
      } finally {
        tf.dispose(Object.values(clipped.grads));
      }
    } else {
      optimizer.applyGradients(grads);
    }
    return lossValue;
  } finally {
    tf.dispose(Object.values(grads));
  }
}

/**
 * tfjs-wasm reports an exhausted WebAssembly heap (wasm32: at most 4 GiB for all tensors) as a bare
 * RuntimeError 'memory access out of bounds' from deep inside a kernel; say what it means and what to do.
 */
function explainOutOfMemory(e: unknown, epoch: number, batch: number): unknown {
  if (!(e instanceof Error) || !/memory access out of bounds|out of memory|Cannot enlarge memory/i.test(e.message)) return e;
  return new Error(`${OP}: the '${tf.getBackend()}' backend ran out of memory at epoch ${epoch}, batch ${batch} (${e.message}): `
    + 'the batch\'s activations and gradients do not fit its heap (tfjs-wasm: 4 GiB at most); lower the batch size or the sequence length', { cause: e });
}
