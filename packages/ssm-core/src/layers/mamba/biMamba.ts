import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { firstMask } from '../maskPassingLayer';
import { buildWidth, checkOneOf } from '../lti/common';
import { MambaCore } from './mambaCore';
import { SegmentedMixer } from './segmentedMixer';
import { resolveMambaConfig, type MambaConfig, type MambaOptions } from './mambaConfig';

export type BiMambaCombine = 'sum' | 'mean' | 'concat';
export const BI_MAMBA_COMBINES: readonly BiMambaCombine[] = ['sum', 'mean', 'concat'];
export type BiMambaOutput = 'sequence' | 'last';
export const BI_MAMBA_OUTPUTS: readonly BiMambaOutput[] = ['sequence', 'last'];

export interface BiMambaArgs extends LayerArgs, MambaOptions {
  /** How the two directions are merged: 'sum' (default), 'mean', or 'concat' (output width 2·dModel). */
  combine?: BiMambaCombine;
  /**
   * 'sequence' (default): (batch, L, width). 'last': only the last position, (batch, width), computed cheaply: the
   * backward mixer's output there depends on the last token alone (it is the first step of the reversed scan from a
   * zero state), so that direction runs on one token instead of L, and out_proj runs on one row per sequence.
   * Equal to the last position of 'sequence' (tested). Padding masks are refused in this mode (the last position
   * could be padding); segment ids are fine.
   */
  outputMode?: BiMambaOutput;
}

const NAME = 'BiMamba';
/** Seed streams of the backward mixer start here, so the two directions get different weights. */
const BACKWARD_STREAMS = 100;

/**
 * Bidirectional Mamba (Vim / S-Mamba / SSAMBA / PCM; ALGORITHMS §1.8):
 * out = combine(Mamba_f(x), flip(Mamba_b(flip(x)))), two mixers with separate weights (named
 * `fwd/...` and `bwd/...`). The backward direction flips the input with tf.reverse rather than
 * using selectiveScan's `reverse` option: the causal conv has no reverse mode, and flipping the
 * whole mixer input keeps the backward mixer an exact Mamba on the reversed sequence.
 * Padding: a mask (or segment ids) is flipped with the input and turned into segment ids, so after
 * the flip the (now leading) padding is its own segment and never reaches real tokens.
 */
export class BiMamba extends SegmentedMixer {
  static className = NAME;
  readonly config: MambaConfig;
  readonly combine: BiMambaCombine;
  readonly outputMode: BiMambaOutput;
  readonly forwardCore: MambaCore;
  readonly backwardCore: MambaCore;

  constructor(args: BiMambaArgs) {
    super(args ?? {});
    this.config = resolveMambaConfig(NAME, args);
    this.combine = checkOneOf(NAME, 'combine', args.combine ?? 'sum', BI_MAMBA_COMBINES);
    this.outputMode = checkOneOf(NAME, 'outputMode', args.outputMode ?? 'sequence', BI_MAMBA_OUTPUTS);
    this.forwardCore = new MambaCore(NAME, this.config, 'fwd/', 0);
    this.backwardCore = new MambaCore(NAME, this.config, 'bwd/', BACKWARD_STREAMS);
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    buildWidth(NAME, inputShape, this.config.dModel);
    this.forwardCore.build(this);
    this.backwardCore.build(this);
    this.built = true;
  }

  protected override checkMixerInput(x: tf.Tensor): [number, number] {
    return this.forwardCore.checkInput(x);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    if (this.outputMode === 'last' && firstMask(kwargs?.mask) != null) {
      throw new Error(`${NAME}: outputMode 'last' does not take a padding mask (the last position could be padding), received one; pass unpadded sequences or segment ids`);
    }
    return super.call(inputs, kwargs);
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return (this.outputMode === 'last' ? null : super.computeMask(inputs, mask)) as tf.Tensor;
  }

  protected override mix(x: tf.Tensor, segmentIds: tf.Tensor2D | undefined): tf.Tensor {
    if (this.outputMode === 'last') {
      const [b, L, d] = x.shape as [number, number, number];
      const yf = this.forwardCore.forward(x, segmentIds, true);
      const yb = tf.reshape(this.backwardCore.forward(tf.slice(x, [0, L - 1, 0], [b, 1, d])), [b, d]);
      return this.combine === 'concat' ? tf.concat([yf, yb], 1) : this.combine === 'mean' ? tf.mul(tf.add(yf, yb), 0.5) : tf.add(yf, yb);
    }
    const yf = this.forwardCore.forward(x, segmentIds);
    const segRev = segmentIds ? (tf.reverse(segmentIds, 1) as tf.Tensor2D) : undefined;
    const yb = tf.reverse(this.backwardCore.forward(tf.reverse(x, 1), segRev), 1);
    return this.combine === 'concat' ? tf.concat([yf, yb], 2) : this.combine === 'mean' ? tf.mul(tf.add(yf, yb), 0.5) : tf.add(yf, yb);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const width = this.combine === 'concat' ? 2 * this.config.dModel : this.config.dModel;
    return this.outputMode === 'last' ? [s[0], width] : [...s.slice(0, -1), width];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config, combine: this.combine, outputMode: this.outputMode };
  }
}
tf.serialization.registerClass(BiMamba, 'statespace');

export function biMamba(args: BiMambaArgs): BiMamba {
  return new BiMamba(args);
}
