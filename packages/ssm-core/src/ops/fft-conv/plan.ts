/**
 * Shared sizing for fftConv: the circular convolution length n (a power of two) and the kernel's
 * rotation. Both the fused kernel and the reference store the kernel rotated, k[j] at index
 * (j - shift) mod n, so y[l] is the circular convolution at index l in both modes.
 */
export type FftConvMode = 'causal' | 'two-sided';

export const FFT_CONV_MODES: readonly FftConvMode[] = ['causal', 'two-sided'];

/** Index of y[0] in the kernel's lag axis: 0 (causal) or L - 1 (two-sided, index j is lag j-(L-1)). */
export function fftConvShift(mode: FftConvMode, L: number): number {
  return mode === 'two-sided' ? L - 1 : 0;
}

/**
 * Smallest power of two n >= 2 with no circular wrap-around into y[0..L): the linear convolution
 * has L + Lk - 1 terms and we read indices shift..shift+L-1, so n >= L + Lk - 1 - shift and
 * n >= L + shift. For two-sided kernels and full-length causal kernels this is the next power of
 * two >= 2L (the usual choice); shorter causal kernels get a smaller n.
 */
export function fftConvSize(L: number, Lk: number, shift: number): number {
  const need = Math.max(L + Lk - 1 - shift, L + shift, 2);
  let n = 2;
  while (n < need) n *= 2;
  return n;
}
