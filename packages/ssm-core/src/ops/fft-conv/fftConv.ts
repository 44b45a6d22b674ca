import * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel } from '../../kernels/dispatch';
import { registerFusedKernels } from '../../kernels/registerAll';
import { assertDtype, assertRank, assertShape, assertTensor, fmtShape } from '../../util/validate';
import { FFT_CONV_KERNEL } from './cpu/fftConvKernels';
import { FFT_CONV_MODES, FftConvMode } from './plan';
import { fftConvReference } from './reference';

export type { FftConvMode } from './plan';

const OP = 'fftConv';

export interface FftConvArgs {
  /** (Bt, H, L) float32 input. */
  u: tf.Tensor3D;
  /** causal: (H, Lk) with 1 <= Lk <= L; two-sided: (H, 2L-1), index j is lag j-(L-1). */
  k: tf.Tensor2D;
  /** (H) skip: y += D[h] * u. */
  D?: tf.Tensor1D;
  /** Default 'causal'. */
  mode?: FftConvMode;
}

/**
 * Long convolution along the last axis via a real FFT padded to a power of two (no circular
 * wrap-around):
 *   causal:    y[b,h,l] = Σ_{j=0}^{min(l,Lk-1)} k[h,j] u[b,h,l-j]   (+ D[h] u[b,h,l])
 *   two-sided: y[b,h,l] = Σ_{m=0}^{L-1} k[h, l-m+L-1] u[b,h,m]     (+ D[h] u[b,h,l])
 * Runs the fused SIMD kernel on cpu and wasm, WGSL kernels on webgpu (a Toeplitz or a Stockham FFT
 * form, chosen per call: webgpu/formChoice.ts), the reference twin (tf.spectral ops) elsewhere.
 * Differentiable in u, k and D.
 */
export function fftConv(args: FftConvArgs): tf.Tensor3D {
  if (args == null || typeof args !== 'object') throw new Error(`${OP}: expected an arguments object {u, k, D?, mode?}, received ${String(args)}`);
  const { u, k, D } = args;
  const mode = args.mode ?? 'causal';
  if (!FFT_CONV_MODES.includes(mode)) {
    throw new Error(`${OP}: option 'mode' must be one of ${FFT_CONV_MODES.map((m) => `'${m}'`).join(', ')}, received ${JSON.stringify(mode)}`);
  }
  assertTensor(OP, 'u', u);
  assertTensor(OP, 'k', k);
  assertRank(OP, 'u', u, [3], '(Bt, H, L)');
  assertRank(OP, 'k', k, [2], mode === 'causal' ? '(H, Lk)' : '(H, 2L-1)');
  assertDtype(OP, 'u', u, 'float32');
  assertDtype(OP, 'k', k, 'float32');
  const [, H, L] = u.shape;
  if (L < 1 || H < 1) throw new Error(`${OP}: argument 'u' must have H >= 1 and L >= 1, received shape ${fmtShape(u.shape)}`);
  if (k.shape[0] !== H) {
    throw new Error(`${OP}: argument 'k' must have H=${H} rows (u's channels), received shape ${fmtShape(k.shape)}`);
  }
  const Lk = k.shape[1];
  if (mode === 'causal' && (Lk < 1 || Lk > L)) {
    throw new Error(`${OP}: argument 'k' in causal mode must have length Lk in [1, L=${L}], received shape ${fmtShape(k.shape)}`);
  }
  if (mode === 'two-sided' && Lk !== 2 * L - 1) {
    throw new Error(`${OP}: argument 'k' in two-sided mode must have length 2L-1=${2 * L - 1}, received shape ${fmtShape(k.shape)}`);
  }
  if (D != null) {
    assertTensor(OP, 'D', D);
    assertShape(OP, 'D', D, [H], ['H']);
    assertDtype(OP, 'D', D, 'float32');
  }
  registerFusedKernels();
  if (!hasFusedKernel(FFT_CONV_KERNEL)) return fftConvReference({ u, k, D, mode });
  if (u.size === 0) return tf.zeros(u.shape) as tf.Tensor3D;
  const attrs = { mode, hasD: D != null };
  if (D != null) return tf.engine().runKernel(FFT_CONV_KERNEL, { u, k, D }, attrs as never) as tf.Tensor3D;
  return tf.tidy(() => tf.engine().runKernel(FFT_CONV_KERNEL, { u, k, D: tf.zeros([H]) }, attrs as never) as tf.Tensor3D);
}
