import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { useBackend } from '../../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../../testing/compare';
import { webgpuSuite } from '../../../testing/webgpu';
import { hasFusedKernel } from '../../../kernels/dispatch';
import { selectiveScan } from '../selectiveScan';
import { selectiveScanReference } from '../reference';
import { SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD } from '../kernelNames';
import type { SelectiveScanArgs } from '../types';
import { ScanCase, disposeArgs, makeArgs, projectedLoss } from '../testCases';
import { chunkLength } from './scanPasses';
import { channelParts, scanBuffers, setScanHooksForTests } from './scanPlan';

// The oracle is the reference twin on the cpu backend; the WGSL kernel runs on webgpu (SwiftShader
// in CI: a CPU emulation, so shapes stay small). Chunks are ≥ 4 steps, so L ≥ 9 spans several
// chunks and tests the carries combined across chunks; every case below has a partial last chunk.
// threadTarget shrinks the thread count the dB/dC/dA pass aims for, so that its channel loop
// runs over several channels per part (and one part is empty: 6 channels in 4 parts of 2).
const FWD = [1e-4, 1e-3] as const;
const GRAD = [5e-4, 5e-3] as const;

type GpuCase = ScanCase & { threadTarget?: number };

const CASES: GpuCase[] = [
  { name: 'L=1 N=1', Bt: 1, D: 2, L: 1, N: 1 },
  { name: 'odd L, D/z/bias/softplus', Bt: 2, D: 3, L: 37, N: 3, skip: true, gate: true, bias: true, softplus: true },
  { name: 'grouped G=2, initial + last state', Bt: 2, D: 4, L: 16, N: 4, G: 2, init: true, last: true },
  { name: 'reverse + segments + groups, everything', Bt: 2, D: 4, L: 23, N: 2, G: 2, reverse: true, segments: [7, 3, 13], init: true, last: true, gate: true, bias: true, softplus: true, skip: true },
  { name: 'segments, forward', Bt: 1, D: 2, L: 41, N: 16, segments: [5, 11, 1, 20], init: true, last: true },
  { name: '8 chunks (last partial), 2 channels per dB/dC part, everything', Bt: 2, D: 6, L: 30, N: 4, threadTarget: 256, init: true, last: true, gate: true, bias: true, softplus: true, skip: true },
  { name: 'reverse, segments, 3 channels per part of a group', Bt: 1, D: 6, L: 19, N: 2, G: 2, threadTarget: 8, reverse: true, segments: [4, 9], init: true, last: true, skip: true },
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

const webgpu = webgpuSuite('selectiveScan.webgpu.test.ts');

describe('selectiveScan WGSL kernel on webgpu', () => {
  it('chunk length: several chunks for short sequences, T·N ≤ 512', () => {
    expect(chunkLength(37, 3)).toBe(4);
    expect(chunkLength(16384, 16)).toBe(32);
    expect(chunkLength(100, 1024)).toBe(1);
  });

  it('is registered and dispatched on webgpu', () => {
    if (webgpu.skip()) return;
    expect(hasFusedKernel(SELECTIVE_SCAN)).toBe(true);
    expect(hasFusedKernel(SELECTIVE_SCAN_GRAD)).toBe(true);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('values and every gradient match the reference twin: %s', async (_n, c) => {
    if (webgpu.skip()) return;
    setScanHooksForTests({ threadTarget: c.threadTarget ?? 65536 });
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
    setScanHooksForTests({ threadTarget: 65536 });
  });

  it('the test cases split channels into parts as intended', () => {
    try {
      setScanHooksForTests({ threadTarget: 256 });
      expect(channelParts({ Bt: 2, D: 6, L: 30, N: 4, G: 1 }, 8)).toBe(4); // 2 channels per part, the last part empty
      setScanHooksForTests({ threadTarget: 8 });
      expect(channelParts({ Bt: 1, D: 6, L: 19, N: 2, G: 2 }, 5)).toBe(1); // the group's 3 channels in one part
    } finally {
      setScanHooksForTests({ threadTarget: 65536 });
    }
    expect(channelParts({ Bt: 8, D: 1024, L: 4096, N: 16, G: 1 }, 128)).toBe(4);
  });

  it('throws a clear error naming the shape and the device limit before dispatching too large a buffer', async () => {
    if (webgpu.skip()) return;
    await tf.setBackend('webgpu');
    const c: ScanCase = { name: 'guard', Bt: 1, D: 8, L: 64, N: 4, skip: true };
    const dims = { Bt: 1, D: 8, L: 64, N: 4, G: 1 };
    const fwdMax = Math.max(...scanBuffers(dims, false).map((b) => b.floats));
    const bwdMax = Math.max(...scanBuffers(dims, true).map((b) => b.floats));
    expect(bwdMax).toBeGreaterThan(fwdMax); // the dB/dC/dA partials
    const args = makeArgs(c, 3);
    const before = tf.memory().numTensors;
    try {
      setScanHooksForTests({ limitBytes: 1024 });
      expect(() => selectiveScan(args)).toThrow(/selectiveScan \(webgpu forward\): at shape \{Bt: 1, D: 8, L: 64, N: 4, G: 1\}.*'u, delta, z, y \(Bt, D, L\)' needs 2048 bytes.*maxStorageBufferBindingSize = 1024 bytes/);
      // Between the forward's and the backward's largest buffer: the forward runs, the backward throws.
      setScanHooksForTests({ limitBytes: 4 * fwdMax });
      const y = selectiveScan(args) as tf.Tensor;
      await y.data();
      y.dispose();
      expect(tf.memory().numTensors).toBe(before); // (tfjs keeps a throwing backward's saved tensors: checked here)
      expect(() => tf.tidy(() => tf.grads((u: tf.Tensor) => tf.sum(selectiveScan({ ...args, u: u as tf.Tensor3D }) as tf.Tensor))([args.u])))
        .toThrow(/selectiveScan \(webgpu backward\): at shape \{Bt: 1, D: 8, L: 64, N: 4, G: 1\}.*'dB, dC partials and dA partials' needs \d+ bytes.*maxStorageBufferBindingSize/);
    } finally {
      setScanHooksForTests({ limitBytes: null });
    }
    disposeArgs(args);
  });
});
