import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerFusedKernels, startWebgpu, useReferenceOnHostBackends, webgpuAdapter } from '../../ssm-core/src/browser';

export type DemoBackend = 'webgpu' | 'wasm' | 'cpu';

export interface DemoBackendChoice {
  backend: DemoBackend;
  /** Why this backend, in words (shown on the page). */
  reason: string;
  /** The WebGPU adapter, e.g. "google swiftshader (…)", and whether it is a CPU emulation. */
  adapter?: { name: string; software: boolean };
  /** Which kernels the ops run on this backend (shown on the page). */
  kernels: string;
}

const FUSED_WGSL = 'ssm-core\'s WGSL kernels: selectiveScan (from the carried state) and causalConv1d (the conv step); projections and norms as tfjs-webgpu ops';
const REFERENCE = 'reference twins (plain tf ops): the fused AssemblyScript kernels of ssm-core need Node (fs, worker_threads) and are not loaded in the browser';

/**
 * WebGPU first on a real GPU (automatic choice skips SwiftShader / fallback adapters, as ssm-core's
 * initBackend does: there wasm is ~50x faster), else wasm, else cpu. `?backend=webgpu` forces
 * WebGPU on any adapter, SwiftShader included (the page labels it). `wanted` ('?backend=' on the page) forces one. `wasmPath`: the folder
 * that serves tfjs-backend-wasm's .wasm binaries.
 */
export async function chooseBackend(wanted: DemoBackend | 'auto', wasmPath: string): Promise<DemoBackendChoice> {
  registerFusedKernels();
  useReferenceOnHostBackends();
  const tried: string[] = [];
  if (wanted === 'auto' || wanted === 'webgpu') {
    const err = await startWebgpu(wanted === 'webgpu');
    const adapter = webgpuAdapter();
    if (err === undefined && adapter) {
      const how = wanted === 'webgpu' ? 'requested with ?backend=webgpu' : 'WebGPU adapter found';
      const soft = adapter.software ? ' — a CPU emulation of a GPU (SwiftShader): slow, shown only to prove the path' : '';
      return { backend: 'webgpu', reason: `${how}: ${adapter.name}${soft}`, adapter, kernels: FUSED_WGSL };
    }
    if (wanted === 'webgpu') throw new Error(`?backend=webgpu: WebGPU could not start: ${err}`);
    tried.push(`webgpu unavailable (${err})`);
  }
  if (wanted === 'auto' || wanted === 'wasm') {
    setWasmPaths(wasmPath);
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
        const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : 'single thread';
        const how = wanted === 'wasm' ? 'requested with ?backend=wasm' : tried.join('; ');
        return { backend: 'wasm', reason: `${how} → tfjs wasm (${simd}, ${threads})`, kernels: REFERENCE };
      }
      tried.push('wasm failed to initialize');
    } catch (e) {
      if (wanted === 'wasm') throw new Error(`?backend=wasm: the wasm backend could not start: ${(e as Error).message}`);
      tried.push(`wasm failed (${(e as Error).message})`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { backend: 'cpu', reason: wanted === 'cpu' ? 'requested with ?backend=cpu' : `${tried.join('; ')} → cpu`, kernels: REFERENCE };
}
