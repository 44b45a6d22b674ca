import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { makeF32Output, readF32 } from '../hostIO';

/**
 * complex64 on the wasm backend. tfjs-backend-wasm has no complex kernels, but its storage is
 * dtype-agnostic: `makeOutput(shape, 'complex64')` mallocs 8 bytes per element and Reshape only
 * shares the buffer. We store complex64 interleaved (re, im, re, im, ...) and register Complex,
 * Real, Imag and ComplexAbs (here) and FFT/IFFT (fft.ts) over that layout. Limitation: the wasm
 * backend's readSync (dataSync/array) and Identity (clone) reject complex64; read tf.real/tf.imag.
 */
interface WasmInternals {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): TensorInfo;
}

const sizeOf = (shape: number[]): number => shape.reduce((p, q) => p * q, 1);

/** Interleaved float32 view (length 2·size) of a complex64 tensor's heap memory. */
export function complexView(backend: KernelBackend, t: TensorInfo): Float32Array {
  if (t.dtype !== 'complex64') throw new Error(`complexView: expected a complex64 tensor, received ${t.dtype}`);
  const b = backend as unknown as WasmInternals;
  const offset = b.dataIdMap.get(t.dataId).memoryOffset;
  return new Float32Array(b.wasm.HEAPU8.buffer, offset, 2 * sizeOf(t.shape));
}

/** New complex64 output filled from `fill(view)` (interleaved); inputs must already be read. */
export function makeComplexOutput(backend: KernelBackend, shape: number[], fill: (v: Float32Array) => void): TensorInfo {
  const out = (backend as unknown as WasmInternals).makeOutput(shape, 'complex64');
  fill(complexView(backend, out));
  return out;
}

export const complexWasm: KernelConfig = {
  kernelName: tf.Complex,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be }) => {
    const backend = be as KernelBackend;
    const { real, imag } = inputs as { real: TensorInfo; imag: TensorInfo };
    if (real.shape.join(',') !== imag.shape.join(',')) {
      throw new Error(`Complex: real shape [${real.shape}] and imag shape [${imag.shape}] must match`);
    }
    const n = sizeOf(real.shape);
    const re = readF32(backend, real).slice();
    const im = readF32(backend, imag).slice();
    return makeComplexOutput(backend, real.shape, (v) => {
      for (let i = 0; i < n; i++) {
        v[2 * i] = re[i];
        v[2 * i + 1] = im[i];
      }
    });
  },
};

/** Float32 output computed elementwise from (re, im) of a complex64 input. */
function complexToReal(name: string, f: (re: number, im: number) => number): KernelConfig {
  return {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: be }) => {
    const backend = be as KernelBackend;
      const { input, x } = inputs as { input?: TensorInfo; x?: TensorInfo };
      const t = (input ?? x) as TensorInfo;
      const n = sizeOf(t.shape);
      const src = complexView(backend, t).slice();
      return makeF32Output(backend, t.shape, (out) => {
        for (let i = 0; i < n; i++) out[i] = f(src[2 * i], src[2 * i + 1]);
      });
    },
  };
}

export const realWasm = complexToReal(tf.Real, (re) => re);
export const imagWasm = complexToReal(tf.Imag, (_re, im) => im);
export const complexAbsWasm = complexToReal(tf.ComplexAbs, (re, im) => Math.hypot(re, im));
