import type { KernelConfig } from '@tensorflow/tfjs-core';
import { registerGradientOnce, registerKernelOnce } from '../dispatch';
import { conv2DBackpropFilterWasm } from './convBackpropFilter';
import { depthwiseBackpropFilterWasm, depthwiseBackpropInputWasm } from './depthwiseBackprop';
import { unsortedSegmentSumWasm } from './unsortedSegmentSum';
import { complexAbsWasm, complexWasm, imagWasm, realWasm } from './complex';
import { fftWasm, ifftWasm } from './fft';
import { einsumWasm } from './einsum';
import { einsumGradConfig } from './einsumGrad';

/**
 * Kernels the cpu backend has and tfjs-backend-wasm 4.22 lacks, that training needs: conv and
 * depthwise-conv gradients, UnsortedSegmentSum (gradient of gather/embeddings), Einsum, and
 * complex64 + FFT for tf.spectral. (Not added: Draw, Ragged*, StaticRegexReplace.)
 */
export const WASM_EXTRA_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterWasm,
  depthwiseBackpropInputWasm,
  depthwiseBackpropFilterWasm,
  unsortedSegmentSumWasm,
  complexWasm,
  realWasm,
  imagWasm,
  complexAbsWasm,
  fftWasm,
  ifftWasm,
  einsumWasm,
];

/**
 * Registers WASM_EXTRA_KERNELS on 'wasm' (each only if still missing there), and the Einsum
 * gradient tfjs lacks on every backend. Idempotent.
 */
export function registerWasmExtraKernels(): void {
  for (const k of WASM_EXTRA_KERNELS) registerKernelOnce(k, ['wasm']);
  registerGradientOnce(einsumGradConfig);
}
