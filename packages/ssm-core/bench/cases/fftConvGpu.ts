import { fftConv } from '../../src/ops/fft-conv/fftConv';
import { fftConvReference } from '../../src/ops/fft-conv/reference';
import { BenchCase, Impl, OpFn } from '../types';
import { uniform } from './inputs';

/**
 * fftConv at the GPU benchmark shape {B 8, H 768, L 16384} (op fftConv, not in --quick):
 * the same inputs and distributions as bench/cases/fftConv.ts, in a file of its own so that the
 * GPU shapes (with selectiveScan's) stay together. On cpu/wasm the time cap usually skips it.
 */
function prepare(s: Record<string, number>) {
  const { B, H, L } = s;
  return {
    tensors: { u: uniform([B, H, L], -1, 1, 21), k: uniform([H, L], -0.05, 0.05, 22), D: uniform([H], 0, 1, 23) },
    options: {},
  };
}

function load(impl: Impl): OpFn {
  return (impl === 'fused' ? fftConv : fftConvReference) as unknown as OpFn;
}

export const fftConvGpuCases: BenchCase[] = [
  { op: 'fftConv', shape: { B: 8, H: 768, L: 16384 }, quick: false, load, prepare, probe: { shape: { B: 8, H: 768, L: 1024 }, factor: 16 } },
];
