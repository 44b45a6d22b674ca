import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { buildWidth } from '../lti/common';
import { MambaCore } from './mambaCore';
import { SegmentedMixer } from './segmentedMixer';
import { resolveMambaConfig, type MambaConfig, type MambaOptions } from './mambaConfig';

export interface MambaArgs extends LayerArgs, MambaOptions {}

const NAME = 'Mamba';

export { firstMask, splitInputs } from '../maskPassingLayer';

/**
 * Mamba mixer (Gu & Dao 2023; ALGORITHMS §1.6): in_proj → (x, z); depthwise causal conv + SiLU on
 * x; x_proj → (Δ, B, C); dt_proj; selective scan with softplus(Δ + ssm_dt_bias), A = −exp(ssm_A_log),
 * skip ssm_D and gate silu(z); out_proj. Input and output (batch, L, dModel).
 * Padding: kwargs.mask (batch, L) zeroes padded tokens, resets the state and conv taps at mask
 * changes (so padding anywhere never reaches real tokens) and zeroes the padded outputs.
 * Packed sequences: `callWithSegments(x, segmentIds)` or apply([x, segmentIds]) (int32 (batch, L)).
 * Inference: `initialState(batch)` and `step(state, x (batch, T, dModel))`.
 */
export class Mamba extends SegmentedMixer {
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

  protected override checkMixerInput(x: tf.Tensor): [number, number] {
    return this.core.checkInput(x);
  }

  protected override mix(x: tf.Tensor, segmentIds: tf.Tensor2D | undefined): tf.Tensor {
    return this.core.forward(x, segmentIds);
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

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}
tf.serialization.registerClass(Mamba, 'statespace');

export function mamba(args: MambaArgs): Mamba {
  return new Mamba(args);
}
