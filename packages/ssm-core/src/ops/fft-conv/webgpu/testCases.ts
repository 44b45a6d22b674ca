import * as tf from '@tensorflow/tfjs-core';
import { rand } from '../../../testing/compare';
import { HostTensor, expectHostClose, toHost, valueAndGrads } from '../../../testing/webgpu';
import { fftConv, FftConvMode } from '../fftConv';
import { fftConvReference } from '../reference';
import { cachedTwiddleTables } from './fftPasses';
import { FftConvWebgpuOptions, setFftConvWebgpuOptions } from './formChoice';

/** Shared by the fftConv webgpu tests: one case = shapes, mode and whether D is used. */
export interface WebgpuCase {
  name: string;
  B: number;
  H: number;
  L: number;
  Lk: number;
  mode: FftConvMode;
  D: boolean;
}

const TOL = { fwd: [1e-4, 1e-3] as [number, number], grad: [1e-3, 1e-3] as [number, number] };

type BackendWithIds = { numDataIds(): number };

/**
 * Runs the case on webgpu with `options` (form, workgroup cap) and compares y, du, dk (, dD) with
 * the reference twin (tf.spectral) on cpu. valueAndGrads checks that no tensor leaks; this also
 * checks that no intermediate GPU buffer (FFT passes, spectra) stays allocated — only the twiddle
 * tables, which the backend keeps once per FFT size.
 */
export async function expectMatchesReference(c: WebgpuCase, options: Partial<FftConvWebgpuOptions>): Promise<void> {
  await tf.setBackend('cpu');
  const ts = [rand([c.B, c.H, c.L], 3), rand([c.H, c.Lk], 4), ...(c.D ? [rand([c.H], 5)] : [])];
  const host: HostTensor[] = ts.map(toHost);
  tf.dispose(ts);
  const call = (op: typeof fftConv) => (xs: tf.Tensor[]) =>
    op({ u: xs[0] as tf.Tensor3D, k: xs[1] as tf.Tensor2D, D: c.D ? (xs[2] as tf.Tensor1D) : undefined, mode: c.mode });
  const ref = await valueAndGrads('cpu', host, host.length, call(fftConvReference));
  const prev = setFftConvWebgpuOptions(options);
  try {
    await tf.setBackend('webgpu');
    const backend = tf.backend() as unknown as BackendWithIds;
    const ids = backend.numDataIds();
    const tables = cachedTwiddleTables(tf.backend());
    const gpu = await valueAndGrads('webgpu', host, host.length, call(fftConv));
    await tf.setBackend('webgpu');
    expect(backend.numDataIds() - ids).toBe(cachedTwiddleTables(tf.backend()) - tables);
    await expectHostClose(gpu, ref, ['y', 'du', 'dk', 'dD'].slice(0, host.length + 1), TOL);
  } finally {
    setFftConvWebgpuOptions(prev);
  }
}
