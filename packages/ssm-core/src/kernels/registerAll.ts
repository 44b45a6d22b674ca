import { registerSelectiveScanKernels } from '../ops/selective-scan/cpu/register';
import { registerSsdScanKernels } from '../ops/ssd-scan/cpu/register';
import { registerFftConvKernels } from '../ops/fft-conv/cpu/register';
import { registerCausalConv1dKernels } from '../ops/causal-conv1d/cpu/register';
import { registerWasmExtraKernels } from './wasm-extra/register';
import { registerWebgpuKernels } from './registerWebgpu';

/**
 * Registers every fused kernel and gradient with tfjs. Idempotent; each op also calls it on
 * first use, so users who never call initBackend still get the fused kernels.
 */
let done = false;
export function registerFusedKernels(): void {
  if (done) return;
  done = true;
  registerSelectiveScanKernels();
  registerSsdScanKernels();
  registerFftConvKernels();
  registerCausalConv1dKernels();
  registerWasmExtraKernels();
  registerWebgpuKernels();
}
