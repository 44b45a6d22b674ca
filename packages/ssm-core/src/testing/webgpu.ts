import * as tf from '@tensorflow/tfjs-core';
import '../backend/registerGradients';
import { setupSwiftShader } from '../backend/webgpu/swiftShader';
import { startWebgpu, webgpuAdapter } from '../backend/webgpu/startWebgpu';
import { registerFusedKernels } from '../kernels/registerAll';
import { useBackend } from './backends';

/**
 * Starts the webgpu backend for a test: on this project's CI that is chromium's SwiftShader
 * (set up here when VK_ICD_FILENAMES is unset, so `npm test` needs no extra environment).
 * Returns null when running, else why no WebGPU adapter exists (the only allowed reason to skip).
 */
export async function useWebgpu(): Promise<string | null> {
  registerFusedKernels();
  if (tf.getBackend() === 'webgpu') return null;
  setupSwiftShader();
  const err = await startWebgpu(true);
  if (err !== undefined) return err;
  return null;
}

/** Prints why a WebGPU test file is skipped (jest has no runtime skip with a reason). */
export function reportSkip(file: string, reason: string): void {
  const why = reason.startsWith('no WebGPU adapter') ? reason : `no WebGPU adapter: ${reason}`;
  process.stdout.write(`SKIPPED ${file}: ${why}\n`);
}

/** What a WebGPU test file asks its suite: whether to skip (no adapter, the reason already printed). */
export interface WebgpuSuite {
  skip(): boolean;
}

/**
 * The setup every *.webgpu.test.ts shares: a beforeAll that registers the kernels on cpu, starts
 * webgpu and, only when no adapter exists, prints why the file's tests skip. Call at the top level;
 * each GPU test starts with `if (gpu.skip()) return;`.
 */
export function webgpuSuite(file: string): WebgpuSuite {
  let reason: string | null = null;
  beforeAll(async () => {
    await useBackend('cpu');
    reason = await useWebgpu();
    if (reason) reportSkip(file, reason);
  }, 60_000);
  return { skip: () => reason !== null };
}

export { webgpuAdapter };

export interface HostTensor {
  values: tf.TypedArray;
  shape: number[];
  dtype: tf.DataType;
}

export function toHost(t: tf.Tensor): HostTensor {
  return { values: t.dataSync(), shape: t.shape, dtype: t.dtype };
}

/**
 * On `backend`: y = fn(xs) and the gradients of Σ y·w (w fixed, w_i = sin(0.7 i + 0.3)) with
 * respect to the first `nGrad` inputs, read back asynchronously (webgpu has no readSync in Node).
 * Also asserts forward + backward leave no tensors behind.
 */
export async function valueAndGrads(backend: string, inputs: HostTensor[], nGrad: number, fn: (xs: tf.Tensor[]) => tf.Tensor): Promise<HostTensor[]> {
  await tf.setBackend(backend);
  const xs = inputs.map((h) => tf.tensor(h.values, h.shape, h.dtype));
  const compute = () =>
    tf.tidy(() => {
      const y = fn(xs);
      const w = tf.tensor(Float32Array.from({ length: y.size }, (_, i) => Math.sin(0.7 * i + 0.3)), y.shape);
      const loss = (...g: tf.Tensor[]) => tf.sum(tf.mul(fn([...g, ...xs.slice(nGrad)]), w)) as tf.Scalar;
      return [y, ...tf.grads(loss)(xs.slice(0, nGrad))];
    });
  const before = tf.memory().numTensors;
  tf.dispose(compute());
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`forward + backward on ${backend} leaked ${after - before} tensors`);
  const outs = compute();
  const vals = await Promise.all(outs.map((t) => t.data()));
  const res = outs.map((t, i) => ({ values: vals[i] as tf.TypedArray, shape: t.shape, dtype: t.dtype }));
  tf.dispose([...outs, ...xs]);
  return res;
}

/** Compares results elementwise on the cpu backend (label 0 is the value, then d<name>). */
export async function expectHostClose(actual: HostTensor[], expected: HostTensor[], labels: string[], tol: { fwd: [number, number]; grad: [number, number] }): Promise<void> {
  const { expectClose } = await import('./compare');
  await tf.setBackend('cpu');
  expected.forEach((e, i) => {
    const [atol, rtol] = i === 0 ? tol.fwd : tol.grad;
    tf.tidy(() => expectClose(tf.tensor(actual[i].values, actual[i].shape), tf.tensor(e.values, e.shape), atol, rtol, labels[i]));
  });
}
