import { registerCausalConv1dWebgpu } from '../ops/causal-conv1d/webgpu/register';
import { registerFftConvWebgpu } from '../ops/fft-conv/webgpu/register';
import { registerSelectiveScanWebgpu } from '../ops/selective-scan/webgpu/register';

/**
 * WGSL kernels for tfjs-backend-webgpu, under the same kernel names as the cpu/wasm kernels (so
 * the ops' hasFusedKernel dispatch and the shared gradient configs pick them up). Registering
 * needs no GPU: the webgpu backend itself starts only in initBackend.
 */
export function registerWebgpuKernels(): void {
  registerSelectiveScanWebgpu();
  registerCausalConv1dWebgpu();
  registerFftConvWebgpu();
}
