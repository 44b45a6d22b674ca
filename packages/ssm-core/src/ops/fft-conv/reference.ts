import * as tf from '@tensorflow/tfjs-core';
import { FftConvMode, fftConvShift, fftConvSize } from './plan';

/**
 * Reference twin of fftConv from plain tf ops (tf.spectral.rfft / irfft): the test oracle and the
 * fallback on backends without the fused kernel (webgpu, tensorflow). tfjs registers no gradients
 * for FFT, Complex, Real or Imag, so the circular convolution core carries its adjoint through
 * tf.customGrad, itself written with the same plain ops (correlations via conjugate spectra).
 * Arguments are validated by fftConv; call this directly only with checked arguments.
 */
export function fftConvReference(args: {
  u: tf.Tensor3D;
  k: tf.Tensor2D;
  D?: tf.Tensor1D;
  mode?: FftConvMode;
}): tf.Tensor3D {
  const { u, k, D } = args;
  const mode = args.mode ?? 'causal';
  const [, H, L] = u.shape;
  const Lk = k.shape[1];
  const shift = fftConvShift(mode, L);
  const n = fftConvSize(L, Lk, shift);
  return tf.tidy(() => {
    // Rotated kernel buffer: k[j] at index (j - shift) mod n.
    const parts: tf.Tensor2D[] = [tf.slice(k, [0, shift], [H, Lk - shift])];
    if (n > Lk) parts.push(tf.zeros([H, n - Lk]));
    if (shift > 0) parts.push(tf.slice(k, [0, 0], [H, shift]));
    const kb = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    let y = circularConv(n)(u, kb) as tf.Tensor3D;
    if (D) y = tf.add(y, tf.mul(tf.reshape(D, [1, H, 1]), u));
    return y;
  });
}

/** a · b (conjB: a · conj(b)) for complex tensors, broadcasting b; via real ops. */
function cmul(a: tf.Tensor, b: tf.Tensor, conjB: boolean): tf.Tensor {
  const ar = tf.real(a);
  const ai = tf.imag(a);
  const br = tf.real(b);
  const bi = conjB ? tf.neg(tf.imag(b)) : tf.imag(b);
  return tf.complex(tf.sub(tf.mul(ar, br), tf.mul(ai, bi)), tf.add(tf.mul(ar, bi), tf.mul(ai, br)));
}

/** First `len` samples of irfft(spectrum) (length n) along the last axis. */
function irfftHead(spec: tf.Tensor, len: number): tf.Tensor {
  const full = tf.spectral.irfft(spec);
  const begin = full.shape.map(() => 0);
  const size = full.shape.map((s, i) => (i === full.rank - 1 ? len : s));
  return tf.slice(full, begin, size);
}

/**
 * y[b,h,l] = Σ_m u[b,h,m] kb[h,(l-m) mod n] for l < L (u zero-padded to n), with its adjoint:
 * du = irfft(DY · conj(KB))[:L], dkb[h] = Σ_b irfft(DY · conj(U)).
 */
function circularConv(n: number): (u: tf.Tensor, kb: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...xs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [u, kb, save] = xs as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([u, kb]);
    const L = u.shape[2] as number;
    const value = irfftHead(cmul(tf.spectral.rfft(u, n), tf.spectral.rfft(kb), false), L);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [su, skb] = saved;
      const DY = tf.spectral.rfft(dy, n);
      const du = irfftHead(cmul(DY, tf.spectral.rfft(skb), true), L);
      const dkb = tf.sum(tf.spectral.irfft(cmul(DY, tf.spectral.rfft(su, n), true)), 0);
      return [du, dkb];
    };
    return { value, gradFunc };
  }) as (u: tf.Tensor, kb: tf.Tensor) => tf.Tensor;
}
