import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasm } from './convBackpropFilter';
import { depthwiseBackpropFilterWasm, depthwiseBackpropInputWasm } from './depthwiseBackprop';
import { unsortedSegmentSumWasm } from './unsortedSegmentSum';
import { einsumWasm } from './einsum';

/**
 * The host-generic kernels of this folder (they read and write through hostIO, so they run on
 * cpu as well). The cpu backend's own versions are far slower: Conv2DBackpropFilter goes through
 * TensorBuffer.get per element, UnsortedSegmentSum does one masked sum over x per segment; and
 * the cpu Einsum returns wrong results when a label is summed from one operand only (tfjs#8227).
 */
export const CPU_REPLACEABLE_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterWasm,
  depthwiseBackpropInputWasm,
  depthwiseBackpropFilterWasm,
  unsortedSegmentSumWasm,
  einsumWasm,
];

/**
 * Opt-in (not called by registerFusedKernels): replaces those cpu kernels with the fused loops.
 * Idempotent. It changes a built-in kernel of the cpu backend for the whole process.
 */
export function useFusedGradKernelsOnCpu(): void {
  for (const k of CPU_REPLACEABLE_KERNELS) {
    if (tf.getKernel(k.kernelName, 'cpu')?.kernelFunc === k.kernelFunc) continue;
    if (tf.getKernel(k.kernelName, 'cpu') != null) tf.unregisterKernel(k.kernelName, 'cpu');
    tf.registerKernel({ ...k, backendName: 'cpu' });
  }
}
