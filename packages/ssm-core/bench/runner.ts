import * as tf from '@tensorflow/tfjs-core';
import { BenchOptions } from './args';
import { kernelTimes } from './kernelTime';
import { forward, forwardBackward, median, peakExtraBytes, timeOnce } from './measure';
import { BenchCase, BenchResult, Impl, OpFn, PreparedInputs } from './types';

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function cotangent(fn: OpFn, inp: PreparedInputs): tf.Tensor {
  return tf.tidy(() => {
    const shape = forward(fn, inp).shape;
    return tf.randomUniform(shape, -1, 1, 'float32', 7);
  });
}

/** Seconds a warm-up and the fewest allowed runs (fwd and fwd+bwd) take, given single-run times. */
function totalSeconds(fwdMs: number, fwdBwdMs: number, o: BenchOptions): number {
  return ((fwdMs + fwdBwdMs) * (Math.min(o.runs, o.quick ? 3 : 5) + o.warmup)) / 1000;
}

/** Estimates the full-size time from one fwd+bwd run at the case's probe shape (linear scaling). */
async function estimateSeconds(c: BenchCase, fn: OpFn, o: BenchOptions): Promise<number> {
  if (!c.probe) return 0;
  const inp = c.prepare(c.probe.shape);
  const w = cotangent(fn, inp);
  await timeOnce(() => forwardBackward(fn, inp, w)); // warm-up: first calls compile and allocate
  const fwdBwd = await timeOnce(() => forwardBackward(fn, inp, w));
  const fwd = await timeOnce(() => forward(fn, inp));
  tf.dispose([w, ...Object.values(inp.tensors)]);
  return totalSeconds(fwd, fwdBwd, o) * c.probe.factor;
}

function skipped(c: BenchCase, impl: Impl, backend: string, reason: string): BenchResult {
  return { op: c.op, impl, backend, shape: c.shape, skipped: reason, ...(c.annotate ? c.annotate(c.shape) : {}) };
}

/** Measures one (case, impl, backend): median fwd and fwd+bwd times, peak extra bytes. */
export async function runCase(c: BenchCase, impl: Impl, backend: string, o: BenchOptions): Promise<BenchResult> {
  const fn = c.load(impl);
  if (typeof fn === 'string') return skipped(c, impl, backend, fn);
  const tensorsBefore = tf.memory().numTensors;
  let result: BenchResult;
  try {
    result = await measure(c, fn, impl, backend, o);
  } catch (e) {
    result = skipped(c, impl, backend, `error: ${(e as Error).message.split('\n')[0]}`);
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) {
    log(`bench: ${c.op} ${impl} on ${backend} leaked ${leaked} tensor(s)`);
    result.leaked_tensors = leaked;
  }
  return result;
}

async function measure(c: BenchCase, fn: OpFn, impl: Impl, backend: string, o: BenchOptions): Promise<BenchResult> {
  const est = await estimateSeconds(c, fn, o);
  if (est > o.budgetS) {
    return skipped(c, impl, backend, `est. > ${o.budgetS} s (~${Math.round(est)} s from a smaller run)`);
  }
  const inp = c.prepare(c.shape);
  const w = cotangent(fn, inp);
  try {
    // Warm-up doubles as the time cap: stop before the timed runs when they would exceed the budget.
    let fwdWarm = 0;
    let fwdBwdWarm = 0;
    for (let i = 0; i < o.warmup; i++) {
      fwdWarm = await timeOnce(() => forward(fn, inp));
      fwdBwdWarm = await timeOnce(() => forwardBackward(fn, inp, w));
    }
    // Fewer runs when the requested number would not fit the budget, down to 5 (3 with --quick).
    const perRun = (fwdWarm + fwdBwdWarm) / 1000;
    const minRuns = Math.min(o.runs, o.quick ? 3 : 5);
    const runs = Math.max(minRuns, Math.min(o.runs, Math.floor(o.budgetS / perRun) - o.warmup));
    const est2 = perRun * (runs + o.warmup);
    if (est2 > o.budgetS) {
      return skipped(c, impl, backend, `est. > ${o.budgetS} s (~${Math.round(est2)} s from the warm-up)`);
    }
    const fwd: number[] = [];
    const fwdBwd: number[] = [];
    for (let i = 0; i < runs; i++) {
      fwd.push(await timeOnce(() => forward(fn, inp)));
      fwdBwd.push(await timeOnce(() => forwardBackward(fn, inp, w)));
    }
    const peak = await peakExtraBytes(() => forward(fn, inp));
    const peakFb = await peakExtraBytes(() => forwardBackward(fn, inp, w));
    return {
      op: c.op, impl, backend, shape: c.shape,
      fwd_ms: round(median(fwd)), fwd_bwd_ms: round(median(fwdBwd)),
      peak_bytes: peak, peak_bytes_fwd_bwd: peakFb, runs,
      ...(o.kernelTime ? await kernelTimes(fn, inp, w) : {}),
      ...(c.annotate ? c.annotate(c.shape) : {}),
    };
  } finally {
    tf.dispose([w, ...Object.values(inp.tensors)]);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
