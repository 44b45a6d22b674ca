import { fftConv } from '../../src/ops/fft-conv/fftConv';
import { fftConvReference } from '../../src/ops/fft-conv/reference';
import { chooseFftConvForm, fftConvEstimates, setFftConvWebgpuOptions } from '../../src/ops/fft-conv/webgpu/formChoice';
import { BenchCase, BenchResult, Impl, OpFn } from '../types';
import { uniform } from './inputs';

type Shape = { B: number; H: number; L: number };

/** A long convolution as H3 / S4 use it: one kernel per channel, with a D skip. */
function prepare(s: Record<string, number>) {
  const { B, H, L } = s as Shape;
  return {
    tensors: {
      u: uniform([B, H, L], -1, 1, 21),
      k: uniform([H, L], -0.05, 0.05, 22),
      D: uniform([H], 0, 1, 23),
    },
    options: {},
  };
}

function load(impl: Impl): OpFn {
  return (impl === 'fused' ? fftConv : fftConvReference) as unknown as OpFn;
}

function make(shape: Shape, quick: boolean, probeL?: number): BenchCase {
  return {
    op: 'fftConv', shape, quick, load, prepare,
    probe: probeL ? { shape: { ...shape, L: probeL }, factor: shape.L / probeL } : undefined,
  };
}

export const fftConvCases: BenchCase[] = [
  make({ B: 4, H: 64, L: 4096 }, true, 512),
  make({ B: 1, H: 64, L: 65536 }, false, 4096),
];

/**
 * The two webgpu forms of the fused kernel, each forced (fftConvToeplitz, fftConvFft; named with
 * --op, fused only): the sweep over L behind chooseFftConvForm's rule (docs/gpu.md). On other
 * backends the option is ignored (both names then time the same cpu/wasm kernel).
 */
function forced(form: 'toeplitz' | 'fft'): (impl: Impl) => OpFn | string {
  return (impl) => {
    if (impl === 'reference') return 'the reference twin has no forms: see op fftConv';
    return ((args: Record<string, unknown>) => {
      const prev = setFftConvWebgpuOptions({ form });
      try {
        return fftConv(args as never);
      } finally {
        setFftConvWebgpuOptions(prev);
      }
    }) as OpFn;
  };
}

/** What `auto` picks at this shape (full-length causal kernel) and both roofline estimates. */
function autoChoice(s: Record<string, number>): Partial<BenchResult> {
  return { auto_picks: chooseFftConvForm(s.B, s.H, s.L, s.L, 'causal'), estimates: fftConvEstimates(s.B, s.H, s.L, s.L, 'causal') };
}

const SWEEP_L = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

export const fftConvFormCases: BenchCase[] = (['toeplitz', 'fft'] as const).flatMap((form) =>
  SWEEP_L.map((L) => ({
    op: form === 'fft' ? 'fftConvFft' : 'fftConvToeplitz', shape: { B: 2, H: 16, L }, quick: false, load: forced(form), prepare,
    probe: L > 1024 ? { shape: { B: 2, H: 16, L: 1024 }, factor: form === 'fft' ? L / 1024 : (L / 1024) ** 2 } : undefined,
    annotate: autoChoice,
  })),
);
