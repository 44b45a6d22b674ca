import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { webgpuSuite } from '../../../testing/webgpu';
import { hasFusedKernel } from '../../../kernels/dispatch';
import { FFT_CONV_GRAD_KERNEL, FFT_CONV_KERNEL } from '../cpu/fftConvKernels';
import { chooseFftConvForm, setFftConvWebgpuOptions } from './formChoice';
import { WebgpuCase, expectMatchesReference } from './testCases';

// Both WGSL forms (direct Toeplitz and Stockham FFT, a row per workgroup) on webgpu vs the
// reference twin (tf.spectral) on cpu: values and every gradient, no leaks.
const CASES: WebgpuCase[] = [
  { name: 'causal full kernel + D, L=33', B: 2, H: 3, L: 33, Lk: 33, mode: 'causal', D: true },
  { name: 'causal short kernel, B=3 (an unpaired row)', B: 3, H: 2, L: 20, Lk: 5, mode: 'causal', D: false },
  { name: 'two-sided + D', B: 2, H: 2, L: 17, Lk: 33, mode: 'two-sided', D: true },
  { name: 'L=1, B=1', B: 1, H: 2, L: 1, Lk: 1, mode: 'causal', D: true },
  { name: 'L=100 (n=256), B=4', B: 4, H: 2, L: 100, Lk: 100, mode: 'causal', D: true },
];

const webgpu = webgpuSuite('fftConv.webgpu.test.ts');

describe('fftConv WGSL kernels on webgpu', () => {
  it('are registered and dispatched on webgpu', async () => {
    if (webgpu.skip()) return;
    await tf.setBackend('webgpu');
    expect(hasFusedKernel(FFT_CONV_KERNEL)).toBe(true);
    expect(hasFusedKernel(FFT_CONV_GRAD_KERNEL)).toBe(true);
  });

  it('auto picks the direct form for short rows and the FFT for long ones; forcing works', () => {
    expect(chooseFftConvForm(8, 64, 64, 64, 'causal')).toBe('toeplitz');
    expect(chooseFftConvForm(8, 768, 16384, 16384, 'causal')).toBe('fft');
    const prev = setFftConvWebgpuOptions({ form: 'fft' });
    expect(chooseFftConvForm(1, 1, 4, 4, 'causal')).toBe('fft');
    setFftConvWebgpuOptions(prev);
    expect(() => setFftConvWebgpuOptions({ form: 'fast' as never })).toThrow(/option 'form' must be one of 'auto', 'toeplitz', 'fft', received "fast"/);
    expect(() => setFftConvWebgpuOptions({ maxWorkgroupPoints: 6 })).toThrow(/maxWorkgroupPoints' must be a power of two/);
    expect(() => setFftConvWebgpuOptions({ workgroupThreads: 512 })).toThrow(/workgroupThreads' must be a power of two in \[1, 256\], received 512/);
  });

  for (const form of ['toeplitz', 'fft'] as const) {
    it.each(CASES.map((c) => [c.name, c] as const))(`${form} form matches the reference twin: %s`, async (_n, c) => {
      if (webgpu.skip()) return;
      await expectMatchesReference(c, { form });
    });
  }

  // SwiftShader runs the FFT with 16 threads per workgroup; a GPU with 256 (several butterflies each).
  it.each([[256, 300], [64, 100]] as const)('fft form with %i threads per workgroup (L=%i)', async (threads, L) => {
    if (webgpu.skip()) return;
    await expectMatchesReference({ name: '', B: 2, H: 1, L, Lk: L, mode: 'causal', D: true }, { form: 'fft', workgroupThreads: threads });
  });
});
