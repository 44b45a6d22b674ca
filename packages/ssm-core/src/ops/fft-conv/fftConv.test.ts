// tfjs-core's cjs bundle registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectNoLeak } from '../../testing/compare';
import { FFT_CONV_KERNEL } from './cpu/fftConvKernels';
import { fftConv } from './fftConv';
import { fftConvReference } from './reference';
import { CaseData, CaseResult, ConvCase, caseName, directResult, expectResultClose, makeCase, referenceOnCpu, runOp } from './testData';

// Shapes: L = 1, Lk < L, odd and non-power-of-two L, Bt > 1, both modes, with and without D.
// They also cover every FFT path (N = n/2): N < 8 (scalar), N = 8 (two radix-2 first stages),
// N >= 16 with even and odd log2 N (a final radix-2 stage when odd).
const CASES: ConvCase[] = [
  { B: 1, H: 1, L: 1, Lk: 1, mode: 'causal', withD: true },
  { B: 2, H: 1, L: 1, Lk: 1, mode: 'two-sided', withD: false },
  { B: 1, H: 2, L: 5, Lk: 3, mode: 'causal', withD: false },
  { B: 2, H: 1, L: 8, Lk: 8, mode: 'causal', withD: true },
  { B: 1, H: 2, L: 16, Lk: 31, mode: 'two-sided', withD: true },
  { B: 2, H: 3, L: 37, Lk: 37, mode: 'causal', withD: true },
  { B: 1, H: 2, L: 100, Lk: 17, mode: 'causal', withD: true },
  { B: 3, H: 2, L: 37, Lk: 73, mode: 'two-sided', withD: true },
  { B: 1, H: 2, L: 100, Lk: 199, mode: 'two-sided', withD: false },
  { B: 2, H: 2, L: 64, Lk: 64, mode: 'causal', withD: false },
  { B: 1, H: 3, L: 513, Lk: 500, mode: 'causal', withD: true },
];

// float32 FFT round-off grows ~ sqrt(log n) per sum; values are O(1) sums of <= 1025 products.
const ATOL = 1e-4;
const RTOL = 1e-4;

/** The reference twin runs where the backend has FFT kernels (wasm gets them from wasm-extra). */
function referenceRunsOn(backend: string): boolean {
  return ['FFT', 'IFFT', 'Complex', 'Real', 'Imag'].every((k) => tf.getKernel(k, backend) != null);
}

const data: CaseData[] = CASES.map((c, i) => makeCase(c, 100 + 10 * i));
const direct: CaseResult[] = data.map(directResult);
const cpuReference: CaseResult[] = [];

beforeAll(async () => {
  await useBackend('cpu');
  for (const d of data) cpuReference.push(await referenceOnCpu(d));
});

test('reference twin on cpu matches the direct oracle (forward and every gradient)', () => {
  data.forEach((d, i) => expectResultClose(cpuReference[i], direct[i], d.c, ATOL, RTOL, `cpu reference ${caseName(d.c)}`));
});

describe.each(TEST_BACKENDS)('fftConv fused on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('the fused kernel is registered', () => {
    expect(tf.getKernel(FFT_CONV_KERNEL, backend)).toBeDefined();
  });

  test.each(CASES.map((c, i) => [caseName(c), i] as const))('%s: fused vs direct oracle and cpu reference', (_name, i) => {
    const d = data[i];
    const fused = runOp(fftConv, d);
    expectResultClose(fused, direct[i], d.c, ATOL, RTOL, `fused vs direct`);
    expectResultClose(fused, cpuReference[i], d.c, ATOL, RTOL, `fused vs cpu reference`);
  });

  test('reference twin on this backend matches the direct oracle (when the backend has FFT kernels)', () => {
    if (backend === 'cpu') return; // covered by the first test (cpuReference)
    if (!referenceRunsOn(backend)) {
      console.warn(`fftConv: ${backend} has no FFT/Complex kernels yet; reference-on-${backend} cases skipped`);
      return;
    }
    data.forEach((d, i) => expectResultClose(runOp(fftConvReference, d), direct[i], d.c, ATOL, RTOL, `${backend} reference ${caseName(d.c)}`));
  });

  test('no tensors leak in the forward or the backward', () => {
    const u = tf.randomUniform([2, 3, 37], -1, 1, 'float32', 5) as tf.Tensor3D;
    const k = tf.randomUniform([3, 73], -1, 1, 'float32', 6) as tf.Tensor2D;
    const kc = tf.randomUniform([3, 20], -1, 1, 'float32', 6) as tf.Tensor2D;
    const D = tf.randomUniform([3], -1, 1, 'float32', 7) as tf.Tensor1D;
    expectNoLeak(() => fftConv({ u, k, D, mode: 'two-sided' }).dispose(), 'forward +D');
    expectNoLeak(() => fftConv({ u, k: kc }).dispose(), 'forward without D');
    expectNoLeak(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(fftConv({ u: a as tf.Tensor3D, k: b as tf.Tensor2D, D: c as tf.Tensor1D, mode: 'two-sided' })))([u, k, D]);
      g.forEach((t) => t.dispose());
    }, 'backward +D');
    expectNoLeak(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(fftConv({ u: a as tf.Tensor3D, k: b as tf.Tensor2D })))([u, kc]);
      g.forEach((t) => t.dispose());
    }, 'backward without D');
    tf.dispose([u, k, kc, D]);
  });
});
