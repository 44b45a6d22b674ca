import { causalConv1d } from '../../src/ops/causal-conv1d/causalConv1d';
import { causalConv1dReference } from '../../src/ops/causal-conv1d/reference';
import { BenchCase, Impl, OpFn } from '../types';
import { uniform } from './inputs';

type Shape = { B: number; D: number; L: number; W: number };

/** The Mamba block's depthwise causal conv: width 4, with bias, SiLU. */
function prepare(s: Record<string, number>) {
  const { B, D, L, W } = s as Shape;
  return {
    tensors: {
      x: uniform([B, D, L], -1, 1, 31),
      weight: uniform([D, W], -0.5, 0.5, 32),
      bias: uniform([D], -0.1, 0.1, 33),
    },
    options: { activation: 'silu' },
  };
}

function load(impl: Impl): OpFn {
  return (impl === 'fused' ? causalConv1d : causalConv1dReference) as unknown as OpFn;
}

export const causalConv1dCases: BenchCase[] = [
  {
    op: 'causalConv1d', shape: { B: 8, D: 512, L: 2048, W: 4 }, quick: true, load, prepare,
    probe: { shape: { B: 8, D: 512, L: 256, W: 4 }, factor: 8 },
  },
];
