import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { fftInPlace } from '../../util/fft';
import { complexView, makeComplexOutput } from './complex';

/**
 * FFT / IFFT (used by tf.spectral.fft/ifft/rfft/irfft) for the wasm backend, over the interleaved
 * complex64 layout of complex.ts. Transforms the innermost dimension of each row with
 * `fftInPlace` (float64). IFFT divides by n, as tfjs does.
 * Note: tfjs registers no gradient for FFT/IFFT/Complex/Real/Imag on any backend, so rfft/irfft
 * are forward-only in tfjs; trainable spectral convolutions use fftConv's own fused kernel.
 */
function fftKernel(name: string, inverse: boolean): KernelConfig {
  return {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: be }) => {
    const backend = be as KernelBackend;
      const { input } = inputs as { input: TensorInfo };
      const n = input.shape[input.shape.length - 1];
      const rows = n === 0 ? 0 : input.shape.reduce((p, q) => p * q, 1) / n;
      const src = complexView(backend, input).slice();
      const re = new Float64Array(n);
      const im = new Float64Array(n);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < n; k++) {
          re[k] = src[2 * (r * n + k)];
          im[k] = src[2 * (r * n + k) + 1];
        }
        fftInPlace(re, im, inverse);
        for (let k = 0; k < n; k++) {
          src[2 * (r * n + k)] = re[k];
          src[2 * (r * n + k) + 1] = im[k];
        }
      }
      return makeComplexOutput(backend, input.shape, (v) => v.set(src));
    },
  };
}

export const fftWasm = fftKernel(tf.FFT, false);
export const ifftWasm = fftKernel(tf.IFFT, true);
