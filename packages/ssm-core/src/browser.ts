/**
 * Browser-safe entry (for bundlers such as Vite): the layers, the models and the webgpu start-up,
 * without the Node-only parts of the root index (file-system io, sharp plots, CLI flag parsing).
 * The fused cpu/wasm kernels are registered too, but they load their AssemblyScript modules with
 * fs and run worker_threads, so in a browser call `useReferenceOnHostBackends()` after
 * `registerFusedKernels()`: the ops then run their reference twins (plain tf ops) on cpu/wasm.
 * The bundler must stub Node's fs/path/os/worker_threads (never called on the browser paths).
 */
import * as tf from '@tensorflow/tfjs-core';
import './backend/registerGradients';
import { HOST_BACKENDS } from './kernels/hostIO';

export { registerFusedKernels } from './kernels/registerAll';
export { startWebgpu, webgpuAdapter } from './backend/webgpu/startWebgpu';
export type { AdapterReport } from './backend/webgpu/gpuAdapter';
export * from './layers/norm';
export * from './layers/mamba';
export { buildSequenceModel, generate, MIXER_KINDS, CAUSAL_MIXERS } from './models';
export type { MixerKind, SequenceModelOptions } from './models';
export { mulberry32 } from './train/seed';
export type { Rng } from './train/seed';

/**
 * Unregisters statespace's fused kernels on cpu and wasm (their host code needs Node), so that
 * every op falls back to its reference twin there. The WGSL kernels on webgpu stay. Returns the
 * kernel names removed.
 */
export function useReferenceOnHostBackends(): string[] {
  const removed: string[] = [];
  for (const backend of HOST_BACKENDS) {
    for (const k of tf.getKernelsForBackend(backend)) {
      if (k.kernelName.startsWith('Statespace')) {
        tf.unregisterKernel(k.kernelName, backend);
        removed.push(`${k.kernelName}@${backend}`);
      }
    }
  }
  return removed;
}
