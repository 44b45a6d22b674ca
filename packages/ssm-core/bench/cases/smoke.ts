import * as tf from '@tensorflow/tfjs-core';
import { BenchCase, OpFn } from '../types';
import { uniform } from './inputs';

/**
 * A harness self-test built from plain tf ops (not run by default: `--op smoke`): "fused" is
 * one matMul, "reference" the same product from broadcast multiply + sum.
 */
const fused: OpFn = (a) => tf.matMul(a.x as tf.Tensor2D, a.y as tf.Tensor2D);
const reference: OpFn = (a) =>
  tf.tidy(() => tf.sum(tf.mul(tf.expandDims(a.x as tf.Tensor, 2), tf.expandDims(a.y as tf.Tensor, 0)), 1));

export const smokeCases: BenchCase[] = [
  {
    op: 'smoke', shape: { M: 128, K: 128, N: 128 }, quick: true,
    load: (impl) => (impl === 'fused' ? fused : reference),
    prepare: (s) => ({ tensors: { x: uniform([s.M, s.K], -1, 1, 41), y: uniform([s.K, s.N], -1, 1, 42) }, options: {} }),
  },
];
