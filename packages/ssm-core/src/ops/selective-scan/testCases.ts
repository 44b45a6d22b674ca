// Shared fixtures for the selectiveScan tests (not a test file; imports nothing from src/testing
// so the package build, which compiles it, stays free of test helpers).
import * as tf from '@tensorflow/tfjs-core';
import type { SelectiveScanArgs } from './types';

export interface ScanCase {
  name: string;
  Bt: number;
  D: number;
  L: number;
  N: number;
  G?: number; // grouped B/C (rank 4) when set
  skip?: boolean;
  gate?: boolean;
  bias?: boolean;
  softplus?: boolean;
  init?: boolean;
  last?: boolean;
  reverse?: boolean;
  segments?: number[]; // segment lengths, cycled along L
}

/** Every differentiable argument name, in a fixed order. */
export const GRAD_KEYS = ['u', 'delta', 'A', 'B', 'C', 'D', 'z', 'deltaBias', 'initialState'] as const;

/** Segment ids (Bt, L): row b uses the lengths rotated by b, so rows differ. */
export function segmentIds(Bt: number, L: number, lengths: number[]): tf.Tensor2D {
  const ids: number[] = [];
  for (let b = 0; b < Bt; b++) {
    let id = 0;
    let left = lengths[b % lengths.length] as number;
    for (let t = 0; t < L; t++) {
      if (left === 0) {
        id++;
        left = lengths[(b + id) % lengths.length] as number;
      }
      ids.push(id);
      left--;
    }
  }
  return tf.tensor2d(ids, [Bt, L], 'int32');
}

/** Random arguments for a case (seeded; delta is raw when softplus, else already positive). */
export function makeArgs(c: ScanCase, seed = 1): SelectiveScanArgs {
  const { Bt, D, L, N } = c;
  const bcShape = c.G ? [Bt, c.G, N, L] : [Bt, N, L];
  return {
    u: rand([Bt, D, L], seed) as tf.Tensor3D,
    delta: (c.softplus ? rand([Bt, D, L], seed + 1, -3, 1) : rand([Bt, D, L], seed + 1, 0.05, 0.8)) as tf.Tensor3D,
    A: tf.neg(tf.exp(rand([D, N], seed + 2, -1, 1))) as tf.Tensor2D,
    B: rand(bcShape, seed + 3),
    C: rand(bcShape, seed + 4),
    D: c.skip ? (rand([D], seed + 5) as tf.Tensor1D) : undefined,
    z: c.gate ? (rand([Bt, D, L], seed + 6, -2, 2) as tf.Tensor3D) : undefined,
    deltaBias: c.bias ? (rand([D], seed + 7, -0.5, 0.5) as tf.Tensor1D) : undefined,
    deltaSoftplus: c.softplus,
    initialState: c.init ? (rand([Bt, D, N], seed + 8) as tf.Tensor3D) : undefined,
    returnLastState: c.last,
    reverse: c.reverse,
    segmentIds: c.segments ? segmentIds(Bt, L, c.segments) : undefined,
  };
}

function rand(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.randomUniform(shape, lo, hi, 'float32', seed);
}

export function disposeArgs(a: SelectiveScanArgs): void {
  for (const v of Object.values(a)) if (v instanceof tf.Tensor) v.dispose();
}

type ScanFn = (args: SelectiveScanArgs) => tf.Tensor | { y: tf.Tensor; lastState: tf.Tensor };

/**
 * The scalar loss sum(y·w) (+ sum(lastState·w2)) as a function of the present differentiable
 * arguments, for tf.grads; returns it with the keys it takes, in order.
 */
export function projectedLoss(fn: ScanFn, args: SelectiveScanArgs, w: tf.Tensor, w2: tf.Tensor | null, yWeight = 1) {
  const keys = GRAD_KEYS.filter((k) => args[k] != null);
  const f = (...xs: tf.Tensor[]): tf.Scalar => {
    const a: Record<string, unknown> = { ...args };
    keys.forEach((k, i) => (a[k] = xs[i]));
    const out = fn(a as unknown as SelectiveScanArgs);
    const y = out instanceof tf.Tensor ? out : out.y;
    let loss = tf.mul(tf.sum(tf.mul(y, w)), yWeight);
    if (w2 && !(out instanceof tf.Tensor)) loss = tf.add(loss, tf.sum(tf.mul(out.lastState, w2)));
    return loss as tf.Scalar;
  };
  return { keys, f, xs: keys.map((k) => args[k] as tf.Tensor) };
}
