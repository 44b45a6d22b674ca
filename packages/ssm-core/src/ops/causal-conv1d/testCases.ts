import * as tf from '@tensorflow/tfjs-core';
import { rand } from '../../testing/compare';
import type { CausalConv1dArgs } from './causalConv1d';

/** Shapes and options the causalConv1d tests sweep (fused vs reference, forward and gradients). */
export interface ConvCase {
  name: string;
  batch: number;
  dim: number;
  len: number;
  width: number;
  bias?: boolean;
  silu?: boolean;
  segments?: boolean;
  state?: boolean;
}

export const CASES: ConvCase[] = [
  { name: 'L=1 W=4 bias silu state', batch: 2, dim: 3, len: 1, width: 4, bias: true, silu: true, state: true },
  { name: 'W=1 odd L', batch: 1, dim: 5, len: 17, width: 1 },
  { name: 'W=1 state segments bias', batch: 2, dim: 3, len: 9, width: 1, bias: true, segments: true, state: true },
  { name: 'W=8 all options', batch: 2, dim: 4, len: 37, width: 8, bias: true, silu: true, segments: true, state: true },
  { name: 'W=4 segments state no bias', batch: 3, dim: 6, len: 50, width: 4, segments: true, state: true },
  { name: 'W=3 bias L=100', batch: 2, dim: 8, len: 100, width: 3, bias: true },
  { name: 'L < W-1 (L=5 W=8) state silu', batch: 1, dim: 2, len: 5, width: 8, silu: true, state: true },
  { name: 'W=2 segments silu L=131', batch: 2, dim: 3, len: 131, width: 2, silu: true, segments: true, bias: true },
];

/** Random runs of length 1..5 with ids that may recur non-adjacently (e.g. 0 0 1 0 0). */
export function randomSegmentIds(batch: number, len: number, seed: number): tf.Tensor2D {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const ids = new Int32Array(batch * len);
  for (let b = 0; b < batch; b++) {
    let id = Math.floor(next() * 3);
    let left = 1 + Math.floor(next() * 5);
    for (let l = 0; l < len; l++) {
      if (left === 0) {
        id = (id + 1 + Math.floor(next() * 2)) % 3;
        left = 1 + Math.floor(next() * 5);
      }
      ids[b * len + l] = id;
      left--;
    }
  }
  return tf.tensor2d(ids, [batch, len], 'int32');
}

/** Float inputs in a fixed order: x, weight, then bias and initialConvState when present. */
export function makeInputs(c: ConvCase, seed: number): { floats: tf.Tensor[]; segmentIds?: tf.Tensor2D } {
  const floats = [rand([c.batch, c.dim, c.len], seed), rand([c.dim, c.width], seed + 1)];
  if (c.bias) floats.push(rand([c.dim], seed + 2));
  if (c.state) floats.push(rand([c.batch, c.dim, c.width - 1], seed + 3));
  return { floats, segmentIds: c.segments ? randomSegmentIds(c.batch, c.len, seed + 4) : undefined };
}

/** Builds the op arguments from the float inputs produced by makeInputs. */
export function toArgs(c: ConvCase, floats: tf.Tensor[], segmentIds?: tf.Tensor2D): CausalConv1dArgs {
  let i = 2;
  return {
    x: floats[0] as tf.Tensor3D,
    weight: floats[1] as tf.Tensor2D,
    bias: c.bias ? (floats[i++] as tf.Tensor1D) : undefined,
    initialConvState: c.state ? (floats[i++] as tf.Tensor3D) : undefined,
    activation: c.silu ? 'silu' : 'none',
    segmentIds,
  };
}

/**
 * Independent scalar oracle (plain loops): a tap from l to p counts when no id changes in
 * (p, l]; the state (p < 0) counts as part of the first run.
 */
export function naiveConv(c: ConvCase, x: Float32Array, w: Float32Array, bias?: Float32Array, st?: Float32Array, seg?: Int32Array): Float32Array {
  const { batch, dim, len, width: W } = c;
  const y = new Float32Array(batch * dim * len);
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < dim; d++) {
      for (let l = 0; l < len; l++) {
        let z = bias ? bias[d] as number : 0;
        for (let j = 0; j < W; j++) {
          const p = l + j - (W - 1);
          let ok = true;
          if (seg) for (let q = Math.max(p, 0) + 1; q <= l; q++) if (seg[b * len + q] !== seg[b * len + q - 1]) ok = false;
          if (!ok) continue;
          const v = p >= 0 ? (x[(b * dim + d) * len + p] as number) : st ? (st[(b * dim + d) * (W - 1) + p + W - 1] as number) : 0;
          z += (w[d * W + j] as number) * v;
        }
        y[(b * dim + d) * len + l] = c.silu ? z / (1 + Math.exp(-z)) : z;
      }
    }
  }
  return y;
}

/** Independent scalar gradients of Σ y·cot (float64 loops over every valid tap). */
export function naiveConvGrads(c: ConvCase, cot: Float32Array, x: Float32Array, w: Float32Array, bias?: Float32Array, st?: Float32Array, seg?: Int32Array) {
  const { batch, dim, len, width: W } = c;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const db = new Float64Array(dim);
  const dst = new Float64Array(batch * dim * (W - 1));
  for (let b = 0; b < batch; b++) {
    let start = 0; // first position of the run containing l (0 for the first run: it continues the state)
    for (let l = 0; l < len; l++) {
      if (seg && l > 0 && seg[b * len + l] !== seg[b * len + l - 1]) start = l;
      const lo = start === 0 ? -W : start;
      for (let d = 0; d < dim; d++) {
        const row = b * dim + d;
        let z = bias ? (bias[d] as number) : 0;
        for (let j = 0; j < W; j++) {
          const p = l + j - W + 1;
          if (p < lo) continue;
          z += (w[d * W + j] as number) * (p >= 0 ? (x[row * len + p] as number) : st ? (st[row * (W - 1) + p + W - 1] as number) : 0);
        }
        const s = 1 / (1 + Math.exp(-z));
        const g = (cot[row * len + l] as number) * (c.silu ? s * (1 + z * (1 - s)) : 1);
        db[d] += g;
        for (let j = 0; j < W; j++) {
          const p = l + j - W + 1;
          if (p < lo) continue;
          const xv = p >= 0 ? (x[row * len + p] as number) : st ? (st[row * (W - 1) + p + W - 1] as number) : 0;
          dw[d * W + j] += g * xv;
          if (p >= 0) dx[row * len + p] += g * (w[d * W + j] as number);
          else dst[row * (W - 1) + p + W - 1] += g * (w[d * W + j] as number);
        }
      }
    }
  }
  return { dx, dw, db, dst };
}
