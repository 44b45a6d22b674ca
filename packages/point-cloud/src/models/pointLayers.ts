import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { batchGather, indexColumns, repeatAxis } from './gather';

type Shape = tfl.Shape;
const shapes = (s: Shape | Shape[]) => s as Shape[];

/** Anchor coordinates of a stage: xyz (B, N, 3) at index column 0 of idx (B, M, W) → (B, M, 3). */
export class PcSampleXyz extends tfl.layers.Layer {
  static className = 'PcSampleXyz';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [xyz, idx] = inputs as tf.Tensor[];
    return tf.tidy(() => batchGather(xyz, indexColumns(idx, 0, 1, true)));
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const [x, i] = shapes(s);
    return [x[0], i[1], 3];
  }
}
tf.serialization.registerClass(PcSampleXyz, 'statespace');

export interface PcGroupArgs extends LayerArgs { k: number }

/**
 * kNN grouping with anchor normalization (PointMLP's geometric affine module, as PCM uses it): for anchor m with
 * features a = [f_m, p_m] and neighbours g_j = [f_j, p_j] (index columns 1..k), out = [α ⊙ (g_j − a) / (σ + 1e-5) + β, f_m],
 * σ the standard deviation of all (g − a) of the sample. Inputs [xyz (B,N,3), feat (B,N,C), idx (B,M,W)] → (B, M, k, 2C+3).
 */
export class PcGroup extends tfl.layers.Layer {
  static className = 'PcGroup';
  readonly k: number;
  private alpha: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  constructor(args: PcGroupArgs) {
    super(args);
    if (!Number.isInteger(args?.k) || args.k < 1) throw new Error(`PcGroup: option 'k' must be an integer >= 1, received ${String(args?.k)}`);
    this.k = args.k;
  }
  override build(s: Shape | Shape[]): void {
    const C = shapes(s)[1][2] as number;
    this.alpha = this.addWeight('affine_alpha', [C + 3], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('affine_beta', [C + 3], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [xyz, feat, idx] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      const B = idx.shape[0];
      const both = tf.concat([feat, xyz], 2); // (B, N, C+3)
      const anchor = batchGather(both, indexColumns(idx, 0, 1, true)); // (B, M, C+3)
      const nbr = batchGather(both, indexColumns(idx, 1, this.k)); // (B, M, k, C+3)
      const rel = tf.sub(nbr, tf.expandDims(anchor, 2));
      const std = tf.sqrt(tf.moments(tf.reshape(rel, [B, -1]), 1, true).variance); // (B, 1)
      const normed = tf.add(tf.mul(tf.div(rel, tf.add(tf.reshape(std, [B, 1, 1, 1]), 1e-5)), this.alpha!.read()), this.beta!.read());
      const C = feat.shape[2] as number;
      const fAnchor = repeatAxis(tf.slice(anchor, [0, 0, 0], [-1, -1, C]), 2, this.k);
      return tf.concat([normed, fAnchor], 3);
    });
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const [, f, i] = shapes(s);
    return [f[0], i[1], this.k, 2 * (f[2] as number) + 3];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), k: this.k };
  }
}
tf.serialization.registerClass(PcGroup, 'statespace');

/**
 * tf.max(x, axis) with a cheaper gradient: dy flows to every entry equal to the max (as tf.max's gradient), with the
 * mask built as 1 − step(max − x) by broadcasting. Why: tfjs' own gradient uses Equal on a broadcast, which
 * tfjs-backend-wasm ran ~30× slower (435 ms for a (2048, 12, 48) max-pool here) than these elementwise ops.
 */
export function maxOverAxis(x: tf.Tensor, axis: number): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = tf.max(t, axis, true);
    save([t, y]);
    return {
      value: tf.squeeze(y, [axis]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [st, sy] = saved;
        const mask = tf.sub(1, tf.step(tf.sub(sy, st)));
        return [tf.mul(mask, tf.expandDims(dy, axis))];
      },
    };
  });
  return op(x);
}

export interface PcMaxPoolArgs extends LayerArgs { axis: number }

/** Max over one axis (the k neighbours of a group, or all points of a cloud). */
export class PcMaxPool extends tfl.layers.Layer {
  static className = 'PcMaxPool';
  readonly axis: number;
  constructor(args: PcMaxPoolArgs) {
    super(args);
    if (!Number.isInteger(args?.axis) || args.axis < 1) throw new Error(`PcMaxPool: option 'axis' must be an integer >= 1, received ${String(args?.axis)}`);
    this.axis = args.axis;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return maxOverAxis(x, this.axis);
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const x = s as Shape;
    return x.filter((_, i) => i !== this.axis);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
tf.serialization.registerClass(PcMaxPool, 'statespace');
