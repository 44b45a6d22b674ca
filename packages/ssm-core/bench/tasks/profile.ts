import * as tf from '@tensorflow/tfjs-core';
import { AdamW, ssmParameterGroup } from '../../src/train/adamw';
import { disposeBatch, generate, toTensors, vocabSizeOf } from './data';
import type { TaskOptions } from './args';
import { TaskModel } from './model';
import { trainStep } from './step';

/** Per-kernel totals over the profiled steps; `nested` rows (custom-gradient scopes, `*__op` wrappers) contain other kernels' time. */
export interface KernelRow { kernel: string; ms_per_step: number; calls_per_step: number; share: number; nested: boolean }

/** tf.profile records wrappers as well as the kernels they run; their time is not added to the total. */
export const isNestedRecord = (name: string): boolean => name === 'unnamed scope' || name.endsWith('__op');

/** Sums kernel time and calls per kernel name (tf.profile's records), per step, largest first. */
export function aggregateKernels(kernels: { name: string; kernelTimeMs: unknown }[], steps: number): KernelRow[] {
  const by = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (const k of kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    by.set(k.name, e);
    if (!isNestedRecord(k.name)) total += ms;
  }
  return [...by.entries()]
    .map(([kernel, e]) => ({ kernel, ms_per_step: e.ms / steps, calls_per_step: e.calls / steps, share: total > 0 ? e.ms / total : 0, nested: isNestedRecord(kernel) }))
    .sort((a, b) => b.ms_per_step - a.ms_per_step);
}

const round = (v: number, d = 3): number => Number(v.toFixed(d));

/**
 * `bench --tasks --profile`: one training step (forward + backward + AdamW) of the task model at the
 * task shape (Selective Copying, --task-len, --batch (default 8), --d-model, ...), on the chosen backend.
 * Prints JSON lines: the median wall time of `steps` unprofiled steps, then tf.profile's kernel time
 * per kernel name (largest first). Load on a shared machine inflates both; compare runs taken together.
 */
export async function profileTaskStep(o: TaskOptions, steps = 5): Promise<void> {
  const task = 'selective-copying';
  const mixer = o.mixers[0];
  const batch = o.batch || 8;
  const vocab = vocabSizeOf(task);
  const model = new TaskModel({ mixer, vocabSize: vocab, dModel: o.dModel, nLayers: o.nLayers, dState: o.dState, expand: o.expand, seed: o.seed });
  const opt = new AdamW({ lr: 1e-3, weightDecay: 0.1, groups: [ssmParameterGroup(1e-3)] });
  const batchAt = (i: number) => toTensors(generate(task, batch, o.seqLen, o.seed + i));
  const first = batchAt(0);
  tf.tidy(() => { model.logitsAt(first.tokens, first.positions); });
  const vars = model.variables();
  const run = (i: number): void => {
    const b = i === 0 ? first : batchAt(i);
    trainStep(model, opt, vars, b, vocab);
    disposeBatch(b);
  };
  for (let i = 0; i < 2; i++) run(i); // warm-up (kernel compilation, arenas)
  const wall: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    run(2 + i);
    wall.push(performance.now() - t0);
  }
  wall.sort((a, b) => a - b);
  const info = await tf.profile(() => { for (let i = 0; i < steps; i++) run(2 + steps + i); });
  const rows = aggregateKernels(info.kernels, steps);
  const flat = rows.filter((r) => !r.nested);
  const kernelMs = flat.reduce((s, r) => s + r.ms_per_step, 0);
  console.log(JSON.stringify({
    profile: 'step', backend: tf.getBackend(), model: mixer, layers: o.nLayers, d_model: o.dModel, d_state: o.dState, expand: o.expand,
    batch, seq_len: o.seqLen, steps, wall_ms_median: round(wall[Math.floor(steps / 2)], 1), wall_ms_min: round(wall[0], 1),
    kernel_ms_total: round(kernelMs, 1), kernel_calls: round(flat.reduce((s, r) => s + r.calls_per_step, 0), 0),
  }));
  for (const r of rows) {
    console.log(JSON.stringify({ profile: 'kernel', kernel: r.kernel, ms_per_step: round(r.ms_per_step), calls_per_step: r.calls_per_step, share: round(r.share, 4), ...(r.nested ? { nested: true } : {}) }));
  }
  model.dispose();
  opt.dispose();
}
