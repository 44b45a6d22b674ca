import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { useBackend } from '../../../testing/backends';
import { rand } from '../../../testing/compare';
import { HostTensor, expectHostClose, reportSkip, toHost, useWebgpu, valueAndGrads } from '../../../testing/webgpu';
import { hasFusedKernel } from '../../../kernels/dispatch';
import { fftConv, FftConvMode } from '../fftConv';
import { fftConvReference } from '../reference';
import { FFT_CONV_GRAD_KERNEL, FFT_CONV_KERNEL } from '../cpu/fftConvKernels';

// WGSL (direct form) on webgpu vs the reference twin (tf.spectral) on cpu: values and every gradient.
const TOL = { fwd: [1e-4, 1e-3] as [number, number], grad: [1e-3, 1e-3] as [number, number] };
const CASES: { name: string; B: number; H: number; L: number; Lk: number; mode: FftConvMode; D: boolean }[] = [
  { name: 'causal full kernel + D', B: 2, H: 3, L: 33, Lk: 33, mode: 'causal', D: true },
  { name: 'causal short kernel', B: 1, H: 2, L: 20, Lk: 5, mode: 'causal', D: false },
  { name: 'two-sided + D', B: 2, H: 2, L: 17, Lk: 33, mode: 'two-sided', D: true },
];

let skipReason: string | null = null;
beforeAll(async () => {
  await useBackend('cpu');
  skipReason = await useWebgpu();
  if (skipReason) reportSkip('fftConv.webgpu.test.ts', skipReason);
}, 60_000);

describe('fftConv WGSL kernel on webgpu', () => {
  it('is registered and dispatched on webgpu', async () => {
    if (skipReason) return;
    await tf.setBackend('webgpu');
    expect(hasFusedKernel(FFT_CONV_KERNEL)).toBe(true);
    expect(hasFusedKernel(FFT_CONV_GRAD_KERNEL)).toBe(true);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('matches the reference twin: %s', async (_n, c) => {
    if (skipReason) return;
    await tf.setBackend('cpu');
    const ts = [rand([c.B, c.H, c.L], 3), rand([c.H, c.Lk], 4), ...(c.D ? [rand([c.H], 5)] : [])];
    const host: HostTensor[] = ts.map(toHost);
    tf.dispose(ts);
    const call = (op: typeof fftConv) => (xs: tf.Tensor[]) =>
      op({ u: xs[0] as tf.Tensor3D, k: xs[1] as tf.Tensor2D, D: c.D ? (xs[2] as tf.Tensor1D) : undefined, mode: c.mode });
    const ref = await valueAndGrads('cpu', host, host.length, call(fftConvReference));
    const gpu = await valueAndGrads('webgpu', host, host.length, call(fftConv));
    await expectHostClose(gpu, ref, ['y', 'du', 'dk', 'dD'].slice(0, host.length + 1), TOL);
  });
});
