import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { buildWidth } from '../lti/common';
import { combineSegments, MambaCore } from './mambaCore';
import { resolveMambaConfig, type MambaConfig, type MambaOptions } from './mambaConfig';

export interface MambaArgs extends LayerArgs, MambaOptions {}

const NAME = 'Mamba';

/** The (batch, L) mask of the first input, whatever form tfl passes it in. */
export function firstMask(mask: unknown): tf.Tensor | null {
  const m = Array.isArray(mask) ? mask[0] : mask;
  return m instanceof tf.Tensor ? m : null;
}

/** Splits call inputs into x and optional segment ids ([x, segmentIds] form). */
export function splitInputs(inputs: tf.Tensor | tf.Tensor[]): [tf.Tensor, tf.Tensor2D | undefined] {
  if (!Array.isArray(inputs)) return [inputs, undefined];
  return [inputs[0], inputs[1] as tf.Tensor2D | undefined];
}

/**
 * Mamba mixer (Gu & Dao 2023; ALGORITHMS §1.6): in_proj → (x, z); depthwise causal conv + SiLU on
 * x; x_proj → (Δ, B, C); dt_proj; selective scan with softplus(Δ + ssm_dt_bias), A = −exp(ssm_A_log),
 * skip ssm_D and gate silu(z); out_proj. Input and output (batch, L, dModel).
 * Padding: kwargs.mask (batch, L) zeroes padded tokens, resets the state and conv taps at mask
 * changes (so padding anywhere never reaches real tokens) and zeroes the padded outputs.
 * Packed sequences: `callWithSegments(x, segmentIds)` or apply([x, segmentIds]) (int32 (batch, L)).
 * Inference: `initialState(batch)` and `step(state, x (batch, T, dModel))`.
 */
export class Mamba extends tfl.layers.Layer {
  static className = NAME;
  readonly config: MambaConfig;
  readonly core: MambaCore;

  constructor(args: MambaArgs) {
    super(args ?? {});
    this.config = resolveMambaConfig(NAME, args);
    this.core = new MambaCore(NAME, this.config, '', 0);
    this.supportsMasking = true;
  }

  get dInner(): number {
    return this.core.dInner;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    buildWidth(NAME, inputShape, this.config.dModel);
    this.core.build(this);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const [x, seg] = splitInputs(inputs);
    return this.forward(x, seg, firstMask(kwargs?.mask));
  }

  /** Forward over packed sequences: the state and the conv never cross a change of segment id. */
  callWithSegments(x: tf.Tensor, segmentIds: tf.Tensor2D, mask?: tf.Tensor): tf.Tensor {
    // apply() builds the weights under the layer's name scope on first use.
    return this.apply([x, segmentIds], mask ? { mask } : {}) as tf.Tensor;
  }

  private forward(x: tf.Tensor, segmentIds: tf.Tensor2D | undefined, mask: tf.Tensor | null): tf.Tensor {
    const [batch, L] = this.core.checkInput(x);
    return tf.tidy(() => {
      const seg = combineSegments(NAME, batch, L, segmentIds, mask);
      const m = mask == null ? null : tf.reshape(tf.cast(tf.notEqual(mask, 0), 'float32'), [batch, L, 1]);
      const y = this.core.forward(m ? tf.mul(x, m) : x, seg);
      return m ? tf.mul(y, m) : y;
    });
  }

  /** [convState (batch, dInner, dConv−1), ssmState (batch, dInner, dState)], zeros. */
  initialState(batch: number): tf.Tensor[] {
    this.assertBuilt();
    return this.core.initialState(batch);
  }

  /** Runs T >= 1 tokens from `state` (not disposed); chunked steps equal the full forward. */
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    this.assertBuilt();
    return this.core.step(state, x);
  }

  private assertBuilt(): void {
    if (!this.built) throw new Error(`${NAME}: build the layer (apply it once) before step()/initialState()`);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as tfl.Shape) : inputShape;
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return firstMask(mask) as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}
tf.serialization.registerClass(Mamba, 'statespace');

export function mamba(args: MambaArgs): Mamba {
  return new Mamba(args);
}
