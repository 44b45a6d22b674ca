import * as tf from '@tensorflow/tfjs-core';

export type Impl = 'fused' | 'reference';

/** An op entry point as the benchmark calls it: one config object in, one tensor out. */
export type OpFn = (args: Record<string, unknown>) => tf.Tensor;

/** Inputs for one run: the float tensors (all differentiated in fwd_bwd) and fixed options. */
export interface PreparedInputs {
  tensors: Record<string, tf.Tensor>;
  options: Record<string, unknown>;
}

export interface BenchCase {
  op: string;
  shape: Record<string, number>;
  /** Included in --quick. */
  quick: boolean;
  /** The implementation to time (a string: the reason it is unavailable). */
  load(impl: Impl): OpFn | string;
  /** Builds inputs for `shape` (deterministic seeds). */
  prepare(shape: Record<string, number>): PreparedInputs;
  /**
   * A smaller shape and how many times more work the real shape is: used to estimate a slow
   * implementation's time before running it at full size.
   */
  probe?: { shape: Record<string, number>; factor: number };
  /** Where the reference twin is fastest (default: the --backend choice). */
  referenceBackend?: string;
  /** Extra fields for the result line at a shape (e.g. which fftConv form `auto` would pick). */
  annotate?(shape: Record<string, number>): Partial<BenchResult>;
}

export interface BenchResult {
  op: string;
  impl: Impl | 'pytorch';
  backend: string;
  shape: Record<string, number>;
  fwd_ms?: number;
  fwd_bwd_ms?: number;
  peak_bytes?: number;
  peak_bytes_fwd_bwd?: number;
  runs?: number;
  skipped?: string;
  leaked_tensors?: number;
  /** Fewest bytes the op must read + write, forward / forward+backward (bench/bandwidth.ts). */
  bytes?: number;
  bytes_fwd_bwd?: number;
  /** With --peak-gbps: that bandwidth, and bytes ÷ bandwidth in ms. */
  peak_gbps?: number;
  bound_ms?: number;
  bound_fwd_bwd_ms?: number;
  /** With --kernel-time: tf.time's kernelMs (webgpu: GPU time of every dispatch), median of 5. */
  kernel_fwd_ms?: number;
  kernel_fwd_bwd_ms?: number;
  /** With --kernel-time: the programs with the most GPU time in one fwd+bwd call, ms. */
  kernel_top_fwd_bwd?: Record<string, number>;
  /** fftConv forms (bench/cases/fftConv.ts): the form `auto` picks and both roofline estimates (flop units). */
  auto_picks?: string;
  estimates?: { toeplitz: number; fft: number };
}
