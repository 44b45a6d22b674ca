/**
 * Direct O(L·Lk) convolution on typed arrays (float64 accumulation): an independent oracle for
 * the tests only. y[b,h,l] = Σ_j k[h,j] u[b,h,l+shift-j] over valid indices (+ D[h] u[b,h,l]),
 * shift = 0 (causal) or L - 1 (two-sided).
 */
export interface DirectDims {
  B: number;
  H: number;
  L: number;
  Lk: number;
  shift: number;
}

export function directConv(u: ArrayLike<number>, k: ArrayLike<number>, D: ArrayLike<number> | null, dims: DirectDims): Float64Array {
  const { B, H, L, Lk, shift } = dims;
  const y = new Float64Array(B * H * L);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const row = (b * H + h) * L;
      for (let l = 0; l < L; l++) {
        let s = D ? D[h] * u[row + l] : 0;
        for (let j = 0; j < Lk; j++) {
          const m = l + shift - j;
          if (m >= 0 && m < L) s += k[h * Lk + j] * u[row + m];
        }
        y[row + l] = s;
      }
    }
  }
  return y;
}

/** Gradients of directConv's output against cotangent dy, written out term by term. */
export function directConvGrads(
  u: ArrayLike<number>,
  k: ArrayLike<number>,
  D: ArrayLike<number> | null,
  dy: ArrayLike<number>,
  dims: DirectDims,
): { du: Float64Array; dk: Float64Array; dD: Float64Array } {
  const { B, H, L, Lk, shift } = dims;
  const du = new Float64Array(B * H * L);
  const dk = new Float64Array(H * Lk);
  const dD = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const row = (b * H + h) * L;
      for (let l = 0; l < L; l++) {
        const g = dy[row + l];
        dD[h] += g * u[row + l];
        if (D) du[row + l] += D[h] * g;
        for (let j = 0; j < Lk; j++) {
          const m = l + shift - j;
          if (m < 0 || m >= L) continue;
          du[row + m] += g * k[h * Lk + j];
          dk[h * Lk + j] += g * u[row + m];
        }
      }
    }
  }
  return { du, dk, dD };
}
