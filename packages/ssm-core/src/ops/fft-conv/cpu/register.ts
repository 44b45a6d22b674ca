import { HOST_BACKENDS } from '../../../kernels/hostIO';
import { registerGradientOnce, registerKernelOnce } from '../../../kernels/dispatch';
import { FFT_CONV_GRAD_KERNEL, FFT_CONV_KERNEL, fftConvForwardKernel, fftConvGradConfig, fftConvGradKernel } from './fftConvKernels';

/** Registers the fused fftConv kernels and gradient for the cpu and wasm backends. */
// backendName is replaced per backend by registerKernelOnce.
export function registerFftConvKernels(): void {
  registerKernelOnce({ kernelName: FFT_CONV_KERNEL, backendName: 'cpu', kernelFunc: fftConvForwardKernel }, HOST_BACKENDS);
  registerKernelOnce({ kernelName: FFT_CONV_GRAD_KERNEL, backendName: 'cpu', kernelFunc: fftConvGradKernel }, HOST_BACKENDS);
  registerGradientOnce(fftConvGradConfig);
}
