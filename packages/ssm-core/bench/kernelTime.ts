import * as tf from '@tensorflow/tfjs-core';
import { forward, forwardBackward, median } from './measure';
import { OpFn, PreparedInputs } from './types';

/** tf.time's result on webgpu: getExtraProfileInfo lists "name: ms" per timed dispatch. */
type TimingInfo = tf.TimingInfo & { getExtraProfileInfo?: () => string };

async function timeKernels(run: () => tf.Tensor | tf.Tensor[]): Promise<TimingInfo> {
  let out: tf.Tensor | tf.Tensor[] = [];
  const t = (await tf.time(() => {
    out = run();
  })) as TimingInfo;
  tf.dispose(out);
  return t;
}

/**
 * Program name → summed ms from "name: ms, name: ms, …" (tfjs-backend-webgpu names a timer by its
 * program's constructor name; runWgsl names ours after the spec), the `top` largest, rounded to µs.
 */
export function kernelBreakdown(info: string, top = 8): Record<string, number> {
  const sums = new Map<string, number>();
  for (const item of info.split(', ')) {
    const i = item.lastIndexOf(': ');
    if (i < 0) continue;
    const name = item.slice(0, i);
    sums.set(name, (sums.get(name) ?? 0) + Number(item.slice(i + 2)));
  }
  const sorted = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return Object.fromEntries(sorted.map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}

/**
 * Kernel time of one forward and one forward+backward call: tf.time's kernelMs, median of `runs`
 * after one warm-up. On webgpu that is the sum of every dispatch's GPU time (timestamp queries;
 * Dawn rounds them to ~66 µs on some drivers) — no host, submit or readback time. On cpu/wasm it
 * is tfjs's own kernel timing. Each timed dispatch is submitted on its own, so run this after the
 * wall-clock runs, never between them.
 */
export async function kernelTimes(fn: OpFn, inp: PreparedInputs, w: tf.Tensor, runs = 5): Promise<{ kernel_fwd_ms: number; kernel_fwd_bwd_ms: number; kernel_top_fwd_bwd?: Record<string, number> }> {
  await timeKernels(() => forward(fn, inp));
  await timeKernels(() => forwardBackward(fn, inp, w));
  const f: number[] = [];
  const fb: number[] = [];
  let last: TimingInfo | undefined;
  for (let i = 0; i < runs; i++) {
    f.push((await timeKernels(() => forward(fn, inp))).kernelMs as number);
    last = await timeKernels(() => forwardBackward(fn, inp, w));
    fb.push(last.kernelMs as number);
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const extra = last?.getExtraProfileInfo?.();
  return {
    kernel_fwd_ms: round(median(f)), kernel_fwd_bwd_ms: round(median(fb)),
    ...(extra ? { kernel_top_fwd_bwd: kernelBreakdown(extra) } : {}),
  };
}
