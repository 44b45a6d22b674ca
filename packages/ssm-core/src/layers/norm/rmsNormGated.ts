import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { assertEps, lastDim, rmsNormalize } from './common';

export interface RMSNormGatedArgs extends LayerArgs {
  /** Default 1e-5, > 0. */
  eps?: number;
  /** Normalise over groups of this many channels (Mamba-2 `ngroups` = D / groupSize); default all D. */
  groupSize?: number;
  /** false (Mamba-2 default): y = RMSNorm(x·silu(z)); true: y = RMSNorm(x)·silu(z). */
  normBeforeGate?: boolean;
}

const NAME = 'RMSNormGated';

/** Mamba-2's gated RMSNorm. Inputs [x, z] of equal shape [..., D]; gamma [D] initialised to ones. */
export class RMSNormGated extends tfl.layers.Layer {
  static className = NAME;
  readonly eps: number;
  readonly groupSize: number | null;
  readonly normBeforeGate: boolean;
  private gamma: LayerVariable | null = null;

  constructor(args: RMSNormGatedArgs = {}) {
    super(args);
    this.eps = args.eps ?? 1e-5;
    assertEps(NAME, this.eps);
    this.groupSize = args.groupSize ?? null;
    if (this.groupSize !== null && !(Number.isInteger(this.groupSize) && this.groupSize > 0)) {
      throw new Error(`${NAME}: option 'groupSize' must be an integer > 0, received ${String(this.groupSize)}`);
    }
    this.normBeforeGate = args.normBeforeGate ?? false;
  }

  private shapes(inputShape: tfl.Shape | tfl.Shape[]): [tfl.Shape, tfl.Shape] {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new Error(`${NAME}: expects two inputs [x, z], received ${Array.isArray(inputShape[0]) ? inputShape.length : 1}`);
    }
    return inputShape as [tfl.Shape, tfl.Shape];
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const [xs, zs] = this.shapes(inputShape);
    const d = lastDim(NAME, 'x', xs);
    if (lastDim(NAME, 'z', zs) !== d) {
      throw new Error(`${NAME}: inputs 'x' and 'z' must have the same last dimension, received [${xs.join(', ')}] and [${zs.join(', ')}]`);
    }
    if (this.groupSize !== null && d % this.groupSize !== 0) {
      throw new Error(`${NAME}: option 'groupSize' must divide the last dimension ${d}, received ${this.groupSize}`);
    }
    this.gamma = this.addWeight('gamma', [d], 'float32', tfl.initializers.ones());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new Error(`${NAME}: expects two inputs [x, z], received ${Array.isArray(inputs) ? inputs.length : 1}`);
      }
      const [x, z] = inputs;
      if (x.shape.join(',') !== z.shape.join(',') || x.shape[x.rank - 1] !== this.gamma!.shape[0]) {
        throw new Error(`${NAME}: inputs 'x' and 'z' must both have shape [..., ${this.gamma!.shape[0]}], received [${x.shape.join(', ')}] and [${z.shape.join(', ')}]`);
      }
      const gate = tf.mul(z, tf.sigmoid(z)); // silu
      const g = this.groupSize ?? undefined;
      const y = this.normBeforeGate ? tf.mul(rmsNormalize(x, this.eps, g), gate) : rmsNormalize(tf.mul(x, gate), this.eps, g);
      return tf.mul(y, this.gamma!.read());
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return this.shapes(inputShape)[0];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), eps: this.eps, groupSize: this.groupSize, normBeforeGate: this.normBeforeGate };
  }
}
tf.serialization.registerClass(RMSNormGated, 'statespace');

export function rmsNormGated(args?: RMSNormGatedArgs): RMSNormGated {
  return new RMSNormGated(args);
}
