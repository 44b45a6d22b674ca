import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { webgpuAdapter } from '../../../backend/webgpu/startWebgpu';
import { registerKernelOnce } from '../../../kernels/dispatch';
import { disposeInfos } from '../../../kernels/webgpu/wgslProgram';
import { FFT_CONV_GRAD_KERNEL, FFT_CONV_KERNEL, FftConvAttrs } from '../cpu/fftConvKernels';
import { fftConvShift, fftConvSize } from '../plan';
import { FftRunner, makePlan, workgroupPoints } from './fftPasses';
import { chooseFftConvForm, getFftConvWebgpuOptions } from './formChoice';
import { gradD, toeplitzBackward, toeplitzForward } from './toeplitz';

/**
 * fftConv on webgpu: the direct (Toeplitz) WGSL kernel or the Stockham FFT form, chosen per call
 * by chooseFftConvForm (forward and backward of one call agree: same shapes, same rule).
 */
function runner(be: KernelBackend, u: TensorInfo, k: TensorInfo, a: FftConvAttrs): FftRunner {
  const [Bt, H, L] = u.shape as [number, number, number];
  const Lk = k.shape[1] as number;
  const shift = fftConvShift(a.mode, L);
  const n = fftConvSize(L, Lk, shift);
  const o = getFftConvWebgpuOptions();
  const threads = o.workgroupThreads ?? (webgpuAdapter()?.software ? 64 : 256);
  return new FftRunner(be, makePlan({ Bt, H, L, Lk, shift, n }, workgroupPoints(be, o.maxWorkgroupPoints), threads));
}

function form(u: TensorInfo, k: TensorInfo, a: FftConvAttrs): 'toeplitz' | 'fft' {
  const [Bt, H, L] = u.shape as [number, number, number];
  return chooseFftConvForm(Bt, H, L, k.shape[1] as number, a.mode);
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { u, k, D } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as FftConvAttrs;
  if (form(u, k, a) === 'toeplitz') return toeplitzForward(be, u, k, D, a);
  const r = runner(be, u, k, a);
  const kf = r.spectrum(k);
  const y = r.convolve(u, kf, false, a.hasD ? D : null);
  disposeInfos(be, [kf]);
  return y;
};

/** Outputs [du, dk, dD] as the cpu kernel (dD is computed even without D: the op then ignores it). */
const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { u, k, D, dy } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as FftConvAttrs;
  const dD = gradD(be, u, dy);
  if (form(u, k, a) === 'toeplitz') return [...toeplitzBackward(be, u, k, D, dy, a), dD];
  const r = runner(be, u, k, a);
  const kf = r.spectrum(k);
  const du = r.convolve(dy, kf, true, a.hasD ? D : null);
  disposeInfos(be, [kf]);
  return [du, r.correlate(dy, u), dD];
};

export function registerFftConvWebgpu(): void {
  registerKernelOnce({ kernelName: FFT_CONV_KERNEL, backendName: 'webgpu', kernelFunc: forward }, ['webgpu']);
  registerKernelOnce({ kernelName: FFT_CONV_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: backward }, ['webgpu']);
}
