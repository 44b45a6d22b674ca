import '@tensorflow/tfjs-layers';
import { webgpuSuite } from '../../../testing/webgpu';
import { WebgpuCase, expectMatchesReference } from './testCases';

// The FFT form's multi-pass path (global radix-2 stages, one dispatch each, around workgroup
// blocks), forced on short rows by capping a workgroup's block at a few points.
const CASES: [WebgpuCase, number][] = [
  [{ name: 'causal + D, L=33 (n=128), blocks of 8 (4 stages)', B: 3, H: 2, L: 33, Lk: 33, mode: 'causal', D: true }, 8],
  [{ name: 'two-sided, L=20 (n=64), blocks of 2 (5 stages)', B: 2, H: 3, L: 20, Lk: 39, mode: 'two-sided', D: false }, 2],
  [{ name: 'causal short kernel, L=50 (n=64), blocks of 32 (1 stage)', B: 1, H: 2, L: 50, Lk: 7, mode: 'causal', D: true }, 32],
];

const webgpu = webgpuSuite('fftConvMultipass.webgpu.test.ts');

describe('fftConv FFT form, multi-pass (rows longer than a workgroup block)', () => {
  it.each(CASES.map(([c, m]) => [c.name, c, m] as const))('matches the reference twin: %s', async (_n, c, m) => {
    if (webgpu.skip()) return;
    await expectMatchesReference(c, { form: 'fft', maxWorkgroupPoints: m });
  });

});
