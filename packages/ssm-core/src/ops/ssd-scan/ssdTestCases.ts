import * as tf from '@tensorflow/tfjs-core';
import { rand } from '../../testing/compare';
import type { SsdScanArgs, SsdScanResult } from './ssdScan';

/** Shapes and options the ssdScan tests sweep (fused vs chunked, oracle, gradients). */
export interface SsdCase {
  name: string;
  Bt: number;
  L: number;
  H: number;
  P: number;
  G: number;
  N: number;
  D?: 'H' | 'HP';
  z?: boolean;
  dtBias?: boolean;
  softplus?: boolean;
  init?: boolean;
  last?: boolean;
  chunkSize?: number;
  /** segment lengths (sum L) for batch row 0; row b uses them rotated by b; ids alternate 5, 2, 5, … */
  segments?: number[];
}

export const SSD_CASES: SsdCase[] = [
  { name: 'L=1, D (H), z', Bt: 2, L: 1, H: 2, P: 3, G: 1, N: 4, D: 'H', z: true },
  { name: 'N=1, P=1, G=2, dtBias+softplus', Bt: 1, L: 7, H: 2, P: 1, G: 2, N: 1, dtBias: true, softplus: true },
  {
    name: 'L=37 Q=8 (partial chunk), all options, D (H,P)',
    Bt: 2, L: 37, H: 4, P: 5, G: 2, N: 6, D: 'HP', z: true, dtBias: true, softplus: true, init: true, last: true, chunkSize: 8,
  },
  { name: 'Q=32 > L=13, G=1, init + last', Bt: 1, L: 13, H: 2, P: 4, G: 1, N: 8, init: true, last: true, chunkSize: 32 },
  { name: 'plain, G=H=3, last only', Bt: 2, L: 20, H: 3, P: 8, G: 3, N: 5, last: true, chunkSize: 16 },
  { name: 'softplus without bias, D (H), P=6', Bt: 1, L: 70, H: 2, P: 6, G: 1, N: 16, D: 'H', softplus: true },
  // L = 300: the fused backward's checkpoint interval is 18, so 17 chunks, the last partial.
  { name: 'L=300, many checkpoints, init + last', Bt: 1, L: 300, H: 2, P: 4, G: 1, N: 4, init: true, last: true, chunkSize: 64 },
];

/** The (Bt, L) int32 segment ids of a case (rows differ; an id may recur after a change). */
export function segmentIdsFor(c: SsdCase): Int32Array | undefined {
  if (!c.segments) return undefined;
  const ids = new Int32Array(c.Bt * c.L);
  for (let b = 0; b < c.Bt; b++) {
    const lens = c.segments.map((_, i, a) => a[(i + b) % a.length]);
    let t = 0;
    lens.forEach((len, s) => {
      for (let k = 0; k < len; k++) ids[b * c.L + t++] = s % 2 === 0 ? 5 : 2;
    });
    if (t !== c.L) throw new Error(`segmentIdsFor: segments of ${c.name} sum to ${t}, expected L=${c.L}`);
  }
  return ids;
}

/** Tensor arguments of a case in a fixed order (the order tf.grads sees them). */
export function makeInputs(c: SsdCase, seed = 1): { names: string[]; tensors: tf.Tensor[] } {
  const names = ['x', 'dt', 'A', 'B', 'C'];
  const tensors = [
    rand([c.Bt, c.L, c.H, c.P], seed),
    c.softplus ? rand([c.Bt, c.L, c.H], seed + 1, -2, 0.5) : rand([c.Bt, c.L, c.H], seed + 1, 0.02, 0.6),
    rand([c.H], seed + 2, -1.5, -0.1),
    rand([c.Bt, c.L, c.G, c.N], seed + 3),
    rand([c.Bt, c.L, c.G, c.N], seed + 4),
  ];
  const add = (name: string, t: tf.Tensor) => {
    names.push(name);
    tensors.push(t);
  };
  if (c.D === 'H') add('D', rand([c.H], seed + 5));
  if (c.D === 'HP') add('D', rand([c.H, c.P], seed + 5));
  if (c.z) add('z', rand([c.Bt, c.L, c.H, c.P], seed + 6, -2, 2));
  if (c.dtBias) add('dtBias', rand([c.H], seed + 7, -1, 0.5));
  if (c.init) add('initialState', rand([c.Bt, c.H, c.P, c.N], seed + 8));
  return { names, tensors };
}

/** Passing `seg` (segment ids, not differentiated) adds it as segmentIds. */
export function toArgs(c: SsdCase, names: string[], xs: tf.Tensor[], seg?: tf.Tensor2D): SsdScanArgs {
  const args: Record<string, unknown> = {};
  if (seg) args.segmentIds = seg;
  names.forEach((n, i) => (args[n] = xs[i]));
  if (c.softplus) args.dtSoftplus = true;
  if (c.last) args.returnLastState = true;
  if (c.chunkSize) args.chunkSize = c.chunkSize;
  return args as unknown as SsdScanArgs;
}

/**
 * A scalar loss Σ y·w (+ Σ lastState·w2) with fixed random cotangents, so every gradient,
 * the lastState one included, is exercised.
 */
export function projectedLoss(_c: SsdCase, out: tf.Tensor | SsdScanResult): tf.Scalar {
  const res = out instanceof tf.Tensor ? { y: out, lastState: undefined } : out;
  const w = rand(res.y.shape, 99);
  let loss = tf.sum(tf.mul(res.y, w));
  if (res.lastState) loss = tf.add(loss, tf.sum(tf.mul(res.lastState, rand(res.lastState.shape, 98))));
  return loss as tf.Scalar;
}

/** y and (when asked) lastState of a case's output, for comparisons. */
export function outputs(out: tf.Tensor | SsdScanResult): tf.Tensor[] {
  return out instanceof tf.Tensor ? [out] : [out.y, out.lastState];
}

export function caseDims(c: SsdCase): { Bt: number; L: number; H: number; P: number; G: number; N: number } {
  return { Bt: c.Bt, L: c.L, H: c.H, P: c.P, G: c.G, N: c.N };
}
