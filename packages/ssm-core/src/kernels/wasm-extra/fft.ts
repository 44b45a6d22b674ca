import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { complexView, makeComplexOutput } from './complex';

/**
 * FFT / IFFT (used by tf.spectral.fft/ifft/rfft/irfft) for the wasm backend, over the interleaved
 * complex64 layout of complex.ts. Transforms the innermost dimension of each row, in float64:
 * iterative radix-2 when the length is a power of two, else a direct DFT with a precomputed
 * twiddle table (O(n²), as the cpu backend). IFFT divides by n, as tfjs does.
 * Note: tfjs registers no gradient for FFT/IFFT/Complex/Real/Imag on any backend, so rfft/irfft
 * are forward-only in tfjs; trainable spectral convolutions use fftConv's own fused kernel.
 */
function transformRow(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  const sign = inverse ? 1 : -1;
  if ((n & (n - 1)) === 0) {
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        [re[i], re[j]] = [re[j], re[i]];
        [im[i], im[j]] = [im[j], im[i]];
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const ang = (sign * 2 * Math.PI) / len;
      const half = len >> 1;
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        for (let s = k; s < n; s += len) {
          const t = s + half;
          const xr = re[t] * wr - im[t] * wi;
          const xi = re[t] * wi + im[t] * wr;
          re[t] = re[s] - xr;
          im[t] = im[s] - xi;
          re[s] += xr;
          im[s] += xi;
        }
      }
    }
  } else {
    const cr = new Float64Array(n);
    const ci = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      cr[k] = Math.cos((2 * Math.PI * k) / n);
      ci[k] = sign * Math.sin((2 * Math.PI * k) / n);
    }
    const outR = new Float64Array(n);
    const outI = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0, idx = 0; t < n; t++, idx = (idx + k) % n) {
        sr += re[t] * cr[idx] - im[t] * ci[idx];
        si += re[t] * ci[idx] + im[t] * cr[idx];
      }
      outR[k] = sr;
      outI[k] = si;
    }
    re.set(outR);
    im.set(outI);
  }
  if (inverse) {
    for (let k = 0; k < n; k++) {
      re[k] /= n;
      im[k] /= n;
    }
  }
}

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
        transformRow(re, im, inverse);
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
