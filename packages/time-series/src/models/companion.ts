import * as tf from '@tensorflow/tfjs-core';

/**
 * Companion-matrix SSM maths shared by the SpaceTime layers (ALGORITHMS §2.1). A = S + a e_dᵀ: S is the
 * sub-diagonal shift (S x)_i = x_{i−1}, a the learned last column. Kernels are built with Krylov doubling
 * ([X, A^n X], A^n ← A^{2n}: log2 ℓ batched matmuls), all plain tf ops so every gradient comes from autodiff.
 * Why not the paper's O(d + ℓ) FFT/Woodbury evaluation: on 2 CPU cores with d = 32–64 and ℓ ≤ 1 K the matmul
 * doubling is cheap (d²ℓ per kernel), exact in float32 for the stable (normalized) matrices, and needs no
 * complex arithmetic on backends where complex kernels are emulated.
 */
export function shiftMatrix(d: number): tf.Tensor2D {
  const s = new Float32Array(d * d);
  for (let i = 1; i < d; i++) s[i * d + i - 1] = 1;
  return tf.tensor2d(s, [d, d]);
}

/** a / ‖a‖₁ per kernel (SpaceTime's normalized last column: keeps the companion roots in the unit disk). */
export function normalizeL1(a: tf.Tensor2D): tf.Tensor2D {
  return tf.div(a, tf.add(tf.sum(tf.abs(a), 1, true), 1e-6));
}

/** Companion matrices (nK, d, d) from last columns a (nK, d); a null a gives the shift SSM (A = S). */
export function companionMatrices(a: tf.Tensor2D | null, nK: number, d: number): tf.Tensor3D {
  const S = tf.broadcastTo(shiftMatrix(d), [nK, d, d]) as tf.Tensor3D;
  if (a == null) return S;
  const lastCol = tf.reshape(tf.oneHot(tf.tensor1d([d - 1], 'int32'), d), [1, 1, d]); // e_dᵀ as a row
  return tf.add(S, tf.mul(tf.reshape(a, [nK, d, 1]), lastCol));
}

/** Columns A^l x0 for l < len: (nK, d, len). */
export function krylovColumns(A: tf.Tensor3D, x0: tf.Tensor3D, len: number): tf.Tensor3D {
  let X = x0;
  let P = A;
  while (X.shape[2] < len) {
    X = tf.concat([X, tf.matMul(P, X)], 2) as tf.Tensor3D;
    if (X.shape[2] < len) P = tf.matMul(P, P) as tf.Tensor3D;
  }
  return tf.slice(X, [0, 0, 0], [-1, -1, len]);
}

/** Rows r0 M^h for h < len: (nK, len, d). */
export function krylovRows(M: tf.Tensor3D, r0: tf.Tensor3D, len: number): tf.Tensor3D {
  let R = r0;
  let P = M;
  while (R.shape[1] < len) {
    R = tf.concat([R, tf.matMul(R, P)], 1) as tf.Tensor3D;
    if (R.shape[1] < len) P = tf.matMul(P, P) as tf.Tensor3D;
  }
  return tf.slice(R, [0, 0, 0], [-1, len, -1]);
}

/** Kernel k_l = cᵀ A^l b (nK, len). */
export function companionKernel(A: tf.Tensor3D, b: tf.Tensor2D, c: tf.Tensor2D, len: number): tf.Tensor2D {
  const [nK, d] = b.shape;
  const X = krylovColumns(A, tf.reshape(b, [nK, d, 1]), len);
  return tf.reshape(tf.matMul(tf.reshape(c, [nK, 1, d]), X), [nK, len]);
}

/** Channel → kernel index (channel ch uses kernel ⌊ch / (D / nK)⌋, SpaceTime's kernel repeat). */
export function channelKernels(D: number, nK: number): tf.Tensor1D {
  const rep = D / nK;
  return tf.tensor1d(Array.from({ length: D }, (_, ch) => Math.floor(ch / rep)), 'int32');
}
