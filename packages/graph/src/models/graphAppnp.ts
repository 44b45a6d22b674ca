import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { propagate } from '../ops/messagePassing';

/**
 * Personalized-PageRank propagation of node predictions (APPNP, Gasteiger et al. 2019), no weights:
 * inputs [z0 (N, C), src (E), dst (E), weight (E)] → z_K with z_{k+1} = (1 − α) Â z_k + α z0.
 * With α = 0 it is Â^K z0. The teleport term keeps each node's own prediction in the mix, so K can be
 * large without over-smoothing.
 */
export class GraphAppnp extends tfl.layers.Layer {
  static className = 'GraphAppnp';
  readonly hops: number;
  readonly alpha: number;
  constructor(args: LayerArgs & { hops: number; alpha: number }) {
    super(args);
    if (!Number.isInteger(args.hops) || args.hops < 1) throw new Error(`GraphAppnp: 'hops' must be an integer >= 1, received ${String(args.hops)}`);
    if (!(args.alpha >= 0 && args.alpha < 1)) throw new Error(`GraphAppnp: 'alpha' must be in [0, 1), received ${String(args.alpha)}`);
    this.hops = args.hops;
    this.alpha = args.alpha;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    if (xs.length !== 4) throw new Error(`GraphAppnp: expected 4 inputs [z0, src, dst, weight], received ${xs.length}`);
    const [z0, src, dst, w] = xs as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    return tf.tidy(() => {
      let z = z0;
      for (let k = 0; k < this.hops; k++) {
        const p = propagate(z, src, dst, w, z0.shape[0]);
        z = this.alpha > 0 ? (tf.add(tf.mul(p, 1 - this.alpha), tf.mul(z0, this.alpha)) as tf.Tensor2D) : p;
      }
      return z;
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (Array.isArray(s[0]) ? s[0] : s) as tfl.Shape;
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), hops: this.hops, alpha: this.alpha };
  }
}
tf.serialization.registerClass(GraphAppnp);
