import { FftConvMode, fftConvShift, fftConvSize } from '../plan';

/**
 * Which form fftConv runs on webgpu: 'toeplitz' (direct, O(L·Lk) per row) or 'fft' (Stockham,
 * O(n log n)); 'auto' picks per call by operation counts (docs/gpu.md has the measured table).
 * `maxWorkgroupPoints` caps the FFT block a workgroup transforms (default: what the device's
 * workgroup memory holds, ≤ 4096); tests set it small to run the multi-pass path on short rows.
 */
export type FftConvWebgpuForm = 'auto' | 'toeplitz' | 'fft';

export interface FftConvWebgpuOptions {
  form: FftConvWebgpuForm;
  maxWorkgroupPoints?: number;
  /**
   * Threads per FFT workgroup (a power of two ≤ 256; default 256 on a GPU, 64 on a CPU emulation
   * such as SwiftShader, which runs a workgroup's threads as coroutines switched at every barrier:
   * 3.5× faster there with 64 than with 256; fewer threads unroll into huge shaders at 4096 points).
   */
  workgroupThreads?: number;
}

const FORMS: readonly FftConvWebgpuForm[] = ['auto', 'toeplitz', 'fft'];
let current: FftConvWebgpuOptions = { form: 'auto' };

/** Sets the webgpu fftConv options (for tests and benchmarks); returns the previous ones. */
export function setFftConvWebgpuOptions(options: Partial<FftConvWebgpuOptions>): FftConvWebgpuOptions {
  const prev = current;
  const next = { ...current, ...options };
  if (!FORMS.includes(next.form)) {
    throw new Error(`setFftConvWebgpuOptions: option 'form' must be one of ${FORMS.map((f) => `'${f}'`).join(', ')}, received ${JSON.stringify(next.form)}`);
  }
  const m = next.maxWorkgroupPoints;
  if (m != null && !(Number.isInteger(m) && m >= 2 && (m & (m - 1)) === 0)) {
    throw new Error(`setFftConvWebgpuOptions: option 'maxWorkgroupPoints' must be a power of two ≥ 2, received ${String(m)}`);
  }
  const t = next.workgroupThreads;
  if (t != null && !(Number.isInteger(t) && t >= 1 && t <= 256 && (t & (t - 1)) === 0)) {
    throw new Error(`setFftConvWebgpuOptions: option 'workgroupThreads' must be a power of two in [1, 256], received ${String(t)}`);
  }
  current = next;
  return prev;
}

export function getFftConvWebgpuOptions(): FftConvWebgpuOptions {
  return current;
}

export interface FormCost {
  /** Floating-point operations of forward + backward. */
  flops: number;
  /** Bytes the passes must read and write (global memory), forward + backward. */
  bytes: number;
}

/**
 * Operation and byte counts of both forms, forward + backward (du, dk; dD is common), for
 * Bt×H rows of length L and a kernel of Lk taps.
 * Toeplitz: 2 flops per multiply-add, the same count for y, du and dk; bytes: u, k, y, dy, du, dk
 * once each (caches serve the re-reads).
 * FFT: a complex radix-2 FFT of n points costs 5·n·log2(n) flops; two real rows share a complex
 * row (pairs = ⌈Bt/2⌉·H); transforms: the kernel's spectrum (H rows, forward and backward), y and
 * du (2 per pair each), dk (2 per pair forward, H inverse); 6 flops per complex product. Bytes: the
 * real tensors (dk reads u and dy again), the spectrum written and read per pair row, and, when
 * n exceeds a workgroup block, a read + write of the complex rows per global stage.
 */
export function fftConvCosts(Bt: number, H: number, L: number, Lk: number, mode: FftConvMode, maxPoints = 4096): { toeplitz: FormCost; fft: FormCost } {
  const shift = fftConvShift(mode, L);
  // Multiply-adds per row: taps j with 0 ≤ l + shift − j < L, summed over l.
  let macs = 0;
  for (let j = 0; j < Lk; j++) macs += Math.max(0, Math.min(L - 1, L - 1 + j - shift) - Math.max(0, j - shift) + 1);
  const rows = Bt * H;
  const toeplitz = { flops: 3 * 2 * macs * rows, bytes: 4 * (5 * rows * L + 3 * H * Lk) };
  const n = fftConvSize(L, Lk, shift);
  const pairs = Math.ceil(Bt / 2) * H;
  const transforms = 2 * H + 6 * pairs + H;
  const flops = 5 * n * Math.log2(n) * transforms + 6 * n * 3 * pairs;
  const stages = Math.log2(n / Math.min(n, maxPoints));
  const bytes = 4 * (7 * rows * L + 3 * H * Lk) + 16 * n * (H + pairs) + 16 * n * stages * (2 * H + 6 * pairs);
  return { toeplitz, fft: { flops, bytes } };
}

/**
 * A GPU's fp32 flops per byte of memory bandwidth (H100 SXM: 67 TFLOP/s ÷ 3.35 TB/s ≈ 20; most
 * GPUs lie between 10 and 80): a form's time is taken as max(flops, FLOPS_PER_BYTE · bytes).
 */
export const FLOPS_PER_BYTE = 20;

/** The roofline estimate of both forms, in flop units (docs/gpu.md compares it with SwiftShader). */
export function fftConvEstimates(Bt: number, H: number, L: number, Lk: number, mode: FftConvMode): { toeplitz: number; fft: number } {
  const c = fftConvCosts(Bt, H, L, Lk, mode);
  const est = (f: FormCost) => Math.max(f.flops, FLOPS_PER_BYTE * f.bytes);
  return { toeplitz: est(c.toeplitz), fft: est(c.fft) };
}

/**
 * 'auto': the form with the smaller roofline estimate (the direct form wins while its O(L·Lk)
 * flops stay under the FFT's memory traffic: short rows or short kernels).
 */
export function chooseFftConvForm(Bt: number, H: number, L: number, Lk: number, mode: FftConvMode): 'toeplitz' | 'fft' {
  const form = current.form;
  if (form !== 'auto') return form;
  const e = fftConvEstimates(Bt, H, L, Lk, mode);
  return e.toeplitz <= e.fft ? 'toeplitz' : 'fft';
}
