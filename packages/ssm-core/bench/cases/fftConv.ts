import { fftConv } from '../../src/ops/fft-conv/fftConv';
import { fftConvReference } from '../../src/ops/fft-conv/reference';
import { BenchCase, Impl, OpFn } from '../types';
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
