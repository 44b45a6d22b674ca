import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';

export interface PcBatchNormArgs extends LayerArgs {
  /** Weight of the old value in the running statistics (default 0.9). */
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalization over every axis but the last (per channel, across the batch and all points / neighbours), as
 * PointNet and PointMLP use it: training normalizes with the batch's statistics and updates running ones, inference
 * uses the running ones. Why not a per-point norm (RMSNorm/LayerNorm): normalizing each point's feature vector
 * divides out its magnitude, which after a linear map of the coordinates is the point's distance — PointNet with
 * RMSNorm could not fit 64 shapes in 60 steps (loss 1.8), with batch norm it could (0.4). Why not tfjs-layers'
 * BatchNormalization: its gradient ran ~10× slower on wasm here; this one is plain broadcasting ops.
 */
export class PcBatchNorm extends tfl.layers.Layer {
  static className = 'PcBatchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private movingMean: LayerVariable | null = null;
  private movingVar: LayerVariable | null = null;
  constructor(args: PcBatchNormArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new Error(`PcBatchNorm: option 'momentum' must be in [0, 1), received ${this.momentum}`);
    if (!(this.epsilon > 0)) throw new Error(`PcBatchNorm: option 'epsilon' must be > 0, received ${this.epsilon}`);
  }
  override build(s: tfl.Shape | tfl.Shape[]): void {
    const shape = s as tfl.Shape;
    const C = shape[shape.length - 1] as number;
    this.gamma = this.addWeight('gamma', [C], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [C], 'float32', tfl.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [C], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVar = this.addWeight('moving_variance', [C], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const C = x.shape[x.rank - 1] as number;
      const gamma = this.gamma!.read(), beta = this.beta!.read();
      if (kwargs?.training !== true) {
        const scale = tf.mul(tf.rsqrt(tf.add(this.movingVar!.read(), this.epsilon)), gamma);
        return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(this.movingMean!.read(), scale)));
      }
      const flat = tf.reshape(x, [-1, C]) as tf.Tensor2D;
      const m = this.momentum;
      const y = batchNormTrain(flat, gamma as tf.Tensor1D, beta as tf.Tensor1D, this.epsilon, (mean, variance) => {
        // running statistics (as tfjs-layers' BatchNormalization updates them: a write inside the tidy)
        this.movingMean!.write(tf.add(tf.mul(this.movingMean!.read(), m), tf.mul(mean, 1 - m)));
        this.movingVar!.write(tf.add(tf.mul(this.movingVar!.read(), m), tf.mul(variance, 1 - m)));
      });
      return tf.reshape(y, x.shape);
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return s as tfl.Shape;
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(PcBatchNorm, 'statespace');

/**
 * Column sums of x (R, C) as (C): summed in blocks of G rows first. Why: tfjs reduces a non-last axis through a full
 * transpose (~11 ms for 24576 × 48 on wasm), and a 1ᵀx matmul repacks x as XNNPACK weights on every call (~25 ms);
 * two reductions over (R/G, G, C) took ~5 ms.
 */
function columnSums(x: tf.Tensor): tf.Tensor1D {
  const [R, C] = x.shape as [number, number];
  const G = [64, 32, 16, 8, 4, 2].find((g) => R % g === 0) ?? 1;
  return tf.sum(tf.sum(tf.reshape(x, [R / G, G, C]), 1), 0) as tf.Tensor1D;
}

/**
 * Training-mode batch norm of x (R, C) with its analytic gradient:
 *   dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)).
 * Why hand-written: tfjs differentiates the reductions through transposes and broadcast sums, which made the norms
 * ~20% of a PCM-tiny step on wasm; here there are two column sums forward and two backward. Checked against the same
 * function in plain tf ops (values and all three gradients) in batchNorm.test.ts.
 */
export function batchNormTrain(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number,
  onMoments?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, g, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const R = xi.shape[0];
    const mean = tf.div(columnSums(xi), R) as tf.Tensor1D;
    const centered = tf.sub(xi, mean);
    const variance = tf.div(columnSums(tf.square(centered)), R) as tf.Tensor1D;
    onMoments?.(mean, variance);
    const inv = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(centered, inv);
    save([xhat, inv, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, si, sg] = saved;
        const sumDy = columnSums(dy);
        const sumDyX = columnSums(tf.mul(dy, sx));
        const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(sumDy, R)), tf.mul(sx, tf.div(sumDyX, R))), tf.mul(sg, si));
        return [dx, sumDyX, sumDy];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}
