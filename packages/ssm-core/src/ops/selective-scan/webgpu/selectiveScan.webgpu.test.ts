import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { useBackend } from '../../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../../testing/compare';
import { reportSkip, useWebgpu } from '../../../testing/webgpu';
import { hasFusedKernel } from '../../../kernels/dispatch';
import { selectiveScan } from '../selectiveScan';
import { selectiveScanReference } from '../reference';
import { SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD } from '../kernelNames';
import type { SelectiveScanArgs } from '../types';
import { ScanCase, disposeArgs, makeArgs, projectedLoss } from '../testCases';
import { chunkLength } from './scanPasses';

// The oracle is the reference twin on the cpu backend; the WGSL kernel runs on webgpu (SwiftShader
// in CI: a CPU emulation, so shapes stay small). Chunks are ≥ 4 steps, so L ≥ 9 spans several
// chunks and tests the carries combined across chunks.
const FWD = [1e-4, 1e-3] as const;
const GRAD = [5e-4, 5e-3] as const;

const CASES: ScanCase[] = [
  { name: 'L=1 N=1', Bt: 1, D: 2, L: 1, N: 1 },
  { name: 'odd L, D/z/bias/softplus', Bt: 2, D: 3, L: 37, N: 3, skip: true, gate: true, bias: true, softplus: true },
  { name: 'grouped G=2, initial + last state', Bt: 2, D: 4, L: 16, N: 4, G: 2, init: true, last: true },
  { name: 'reverse + segments + groups, everything', Bt: 2, D: 4, L: 23, N: 2, G: 2, reverse: true, segments: [7, 3, 13], init: true, last: true, gate: true, bias: true, softplus: true, skip: true },
  { name: 'segments, forward', Bt: 1, D: 2, L: 41, N: 16, segments: [5, 11, 1, 20], init: true, last: true },
];

type Arrays = Record<string, { values: Float32Array | Int32Array; shape: number[]; dtype: tf.DataType }>;

function snapshot(args: SelectiveScanArgs): Arrays {
  const out: Arrays = {};
  for (const [k, v] of Object.entries(args)) if (v instanceof tf.Tensor) out[k] = { values: v.dataSync() as Float32Array, shape: v.shape, dtype: v.dtype };
  return out;
}
function restore(args: SelectiveScanArgs, arr: Arrays): SelectiveScanArgs {
  const a: Record<string, unknown> = { ...args };
  for (const [k, v] of Object.entries(arr)) a[k] = tf.tensor(v.values, v.shape, v.dtype);
  return a as unknown as SelectiveScanArgs;
}

/** y (and lastState) and every gradient of sum(y·w) + sum(lastState·w2), as plain arrays. */
function run(fn: typeof selectiveScan, args: SelectiveScanArgs, w: tf.Tensor, w2: tf.Tensor | null) {
  return tf.tidy(() => {
    const out = fn(args) as tf.Tensor | { y: tf.Tensor; lastState: tf.Tensor };
    const vals = out instanceof tf.Tensor ? [out] : [out.y, out.lastState];
    const l = projectedLoss(fn, args, w, w2);
    const grads = tf.grads(l.f)(l.xs);
    return { keys: l.keys, outs: vals.map((t) => tf.keep(t.clone())), grads: grads.map((g) => tf.keep(g)) };
  });
}

let skipReason: string | null = null;
beforeAll(async () => {
  skipReason = await useWebgpu();
  if (skipReason) reportSkip('selectiveScan.webgpu.test.ts', skipReason);
}, 60_000);

describe('selectiveScan WGSL kernel on webgpu', () => {
  it('chunk length: several chunks for short sequences, T·N ≤ 512', () => {
    expect(chunkLength(37, 3)).toBe(4);
    expect(chunkLength(16384, 16)).toBe(32);
    expect(chunkLength(100, 1024)).toBe(1);
  });

  it('is registered and dispatched on webgpu', () => {
    if (skipReason) return;
    expect(hasFusedKernel(SELECTIVE_SCAN)).toBe(true);
    expect(hasFusedKernel(SELECTIVE_SCAN_GRAD)).toBe(true);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('values and every gradient match the reference twin: %s', async (_n, c) => {
    if (skipReason) return;
    await useBackend('cpu');
    const cpuArgs = makeArgs(c, 7);
    const wArr = rand([c.Bt, c.D, c.L], 101).dataSync() as Float32Array;
    const w2Arr = c.last ? (rand([c.Bt, c.D, c.N], 102).dataSync() as Float32Array) : null;
    const ref = run(selectiveScanReference, cpuArgs, tf.tensor(wArr, [c.Bt, c.D, c.L]), w2Arr ? tf.tensor(w2Arr, [c.Bt, c.D, c.N]) : null);
    const refOuts = ref.outs.map((t) => ({ v: t.dataSync(), s: t.shape }));
    const refGrads = ref.grads.map((t) => ({ v: t.dataSync(), s: t.shape }));
    const arrays = snapshot(cpuArgs);
    disposeArgs(cpuArgs);

    await tf.setBackend('webgpu');
    const args = restore(cpuArgs, arrays);
    const w = tf.tensor(wArr, [c.Bt, c.D, c.L]);
    const w2 = w2Arr ? tf.tensor(w2Arr, [c.Bt, c.D, c.N]) : null;
    const gpu = run(selectiveScan, args, w, w2);
    // webgpu has no readSync in Node (no OffscreenCanvas): read asynchronously, compare on cpu.
    const gpuOuts = await Promise.all(gpu.outs.map((t) => t.data()));
    const gpuGrads = await Promise.all(gpu.grads.map((t) => t.data()));
    await tf.setBackend('cpu');
    const cmp = (a: tf.TypedArray, s: number[], b: { v: tf.TypedArray; s: number[] }, tol: readonly [number, number], label: string) =>
      tf.tidy(() => expectClose(tf.tensor(a, s), tf.tensor(b.v, b.s), tol[0], tol[1], label));
    gpuOuts.forEach((v, i) => cmp(v, gpu.outs[i].shape, refOuts[i], FWD, i === 0 ? 'y' : 'lastState'));
    gpu.keys.forEach((k, i) => cmp(gpuGrads[i], (gpu.grads[i] as tf.Tensor).shape, refGrads[i], GRAD, `d${k}`));
    await tf.setBackend('webgpu');
    expectNoLeak(() => {
      const r = run(selectiveScan, args, w, w2);
      tf.dispose([...r.outs, ...r.grads]);
    }, 'forward + backward');
    tf.dispose([...gpu.outs, ...gpu.grads, w]);
    w2?.dispose();
    disposeArgs(args);
  });
});
