import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { gatherSegmentSum, linear } from '@statespace/ssm-core';
import { batchGather, flatRowIndex, indexColumns } from './gather';

type Shape = tfl.Shape;

export interface PcGroupEmbedArgs extends LayerArgs { k: number; units: number; seed?: number }

/**
 * PcGroup (kNN grouping with PointMLP's anchor normalization) followed by the first Dense of the pre-extraction MLP,
 * computed without materialising the (B, M, k, 2C+3) grouped tensor. Same function and weights as
 * PcGroup → Dense(units) (tested against that composition): with z = [f, p] per point,
 *   (α ⊙ (z_j − z_a)/σ + β) · W_n + f_a · W_a + b = (P_j − P_a)/σ + β·W_n + f_a · W_a + b,  P = z · (α ⊙ W_n),
 * so the projection runs once per point (B·N rows) before the gather instead of once per neighbour (B·M·k rows),
 * and σ (the per-sample std of all z_j − z_a) comes from neighbour sums Σ_j z_j and Σ_j |z_j|² (fused
 * gather-segment-sums). Why: on wasm, the grouped tensor's concat/split, elementwise ops and matmuls were over
 * half of a PCM-tiny training step. Inputs [xyz (B,N,3), feat (B,N,C), idx (B,M,W)] → (B, M, k, units).
 */
export class PcGroupEmbed extends tfl.layers.Layer {
  static className = 'PcGroupEmbed';
  readonly k: number;
  readonly units: number;
  readonly seed: number;
  private alpha: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  constructor(args: PcGroupEmbedArgs) {
    super(args);
    for (const key of ['k', 'units'] as const) {
      if (!Number.isInteger(args?.[key]) || args[key] < 1) throw new Error(`PcGroupEmbed: option '${key}' must be an integer >= 1, received ${String(args?.[key])}`);
    }
    this.k = args.k;
    this.units = args.units;
    this.seed = args.seed ?? 0;
  }
  override build(s: Shape | Shape[]): void {
    const C = (s as Shape[])[1][2] as number;
    this.alpha = this.addWeight('affine_alpha', [C + 3], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('affine_beta', [C + 3], 'float32', tfl.initializers.zeros());
    // rows: the normalized [f, p] of a neighbour (C + 3), then the anchor's own feature f_a (C) — PcGroup's layout
    this.kernel = this.addWeight('kernel', [2 * C + 3, this.units], 'float32', tfl.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [xyz, feat, idx] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      const [B, N, C] = feat.shape as number[];
      const M = idx.shape[1] as number, k = this.k, U = this.units;
      const W = this.kernel!.read();
      const Wn = tf.mul(tf.slice(W, [0, 0], [C + 3, U]), tf.reshape(this.alpha!.read(), [C + 3, 1]));
      const P = tf.add(linear(feat, tf.slice(Wn, [0, 0], [C, U])), linear(xyz, tf.slice(Wn, [C, 0], [3, U]))); // (B, N, U)
      const anchorIdx = indexColumns(idx, 0, 1, true); // (B, M)
      const nbrIdx = indexColumns(idx, 1, k); // (B, M, k)
      const sigma = this.groupStd(B, N, M, C + 3, [feat, xyz], anchorIdx, nbrIdx);
      const inv = tf.reshape(tf.div(1, tf.add(sigma, 1e-5)), [B, 1, 1]);
      const shiftC = tf.add(linear(tf.reshape(this.beta!.read(), [1, C + 3]), tf.slice(W, [0, 0], [C + 3, U])), this.bias!.read()); // (1, U)
      const fa = linear(batchGather(feat, anchorIdx), tf.slice(W, [C + 3, 0], [C, U])); // (B, M, U)
      const perAnchor = tf.sub(tf.add(fa, shiftC), tf.mul(batchGather(P, anchorIdx), inv)); // (B, M, U)
      const G = batchGather(P, nbrIdx); // (B, M, k, U)
      return tf.add(tf.mul(G, tf.reshape(inv, [B, 1, 1, 1])), tf.expandDims(perAnchor, 2));
    });
  }
  /** Per-sample population std of all (z_j − z_a) over anchors, neighbours and the channels of `parts`: (B). */
  private groupStd(B: number, N: number, M: number, width: number, parts: tf.Tensor[], anchorIdx: tf.Tensor, nbrIdx: tf.Tensor): tf.Tensor {
    const k = this.k;
    const src = flatRowIndex(B, N, nbrIdx);
    const dst = tf.reshape(repeatRows(B * M, k), [-1]) as tf.Tensor1D;
    let s1: tf.Tensor = tf.zeros([B * M]), s2: tf.Tensor = tf.zeros([B * M]);
    for (const x of parts) {
      const D = x.shape[2] as number;
      const flat = tf.reshape(x, [B * N, D]) as tf.Tensor2D;
      const nbrSum = gatherSegmentSum({ h: flat, src, dst, numSegments: B * M }); // Σ_j z_j (B·M, D)
      const nbrSq = gatherSegmentSum({ h: tf.sum(tf.square(flat), 1, true) as tf.Tensor2D, src, dst, numSegments: B * M }); // Σ_j |z_j|²
      const za = tf.reshape(batchGather(x, anchorIdx), [B * M, D]);
      s1 = tf.add(s1, tf.sub(tf.sum(nbrSum, 1), tf.mul(k, tf.sum(za, 1))));
      s2 = tf.add(s2, tf.add(tf.sub(tf.reshape(nbrSq, [B * M]), tf.mul(2, tf.sum(tf.mul(za, nbrSum), 1))), tf.mul(k, tf.sum(tf.square(za), 1))));
    }
    const count = M * k * width;
    const mean = tf.div(tf.sum(tf.reshape(s1, [B, M]), 1), count);
    const meanSq = tf.div(tf.sum(tf.reshape(s2, [B, M]), 1), count);
    return tf.sqrt(tf.relu(tf.sub(meanSq, tf.square(mean)))); // relu: E[x²] − E[x]² can round below 0
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const [, f, i] = s as Shape[];
    return [f[0], i[1], this.k, this.units];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), k: this.k, units: this.units, seed: this.seed };
  }
}
tf.serialization.registerClass(PcGroupEmbed, 'statespace');

/** int32 (rows, times): row r repeated `times` times (segment ids of the neighbours of each anchor). */
function repeatRows(rows: number, times: number): tf.Tensor {
  const v = new Int32Array(rows * times);
  for (let r = 0; r < rows; r++) v.fill(r, r * times, (r + 1) * times);
  return tf.tensor2d(v, [rows, times], 'int32');
}
