import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { causalConv1d } from '../../ops/causal-conv1d/causalConv1d';
import { linear } from '../../ops/linear/linear';
import { ssdScan } from '../../ops/ssd-scan/ssdScan';
import { addValueWeight, checkInput, maskFactor, subRng } from '../lti/common';
import { dense, gatedRmsNorm, splitLast, torchUniform } from './common';
import { Mamba2, type Mamba2Args } from './mamba2';

export type HydraArgs = Mamba2Args;

const NAME = 'Hydra';

/** Inputs of the quasiseparable mixer, all after the conv: x (b, L, H, P), per direction dt (b, L, H), B/C (b, L, G, N). */
export interface QuasiseparableArgs {
  x: tf.Tensor4D;
  dtF: tf.Tensor3D;
  dtB: tf.Tensor3D;
  BF: tf.Tensor4D;
  CF: tf.Tensor4D;
  BB: tf.Tensor4D;
  CB: tf.Tensor4D;
  /** (H) negative */
  A: tf.Tensor1D;
  /** (H) shared by both directions */
  dtBias: tf.Tensor1D;
  /** (H·P, H): diagonal weights, diag(x W_D + D) per head */
  WD: tf.Tensor2D;
  /** (H) */
  D: tf.Tensor1D;
  chunkSize?: number;
}

/** y[t] = y[t − 1] along axis 1, y[0] = 0. */
function shiftRight(y: tf.Tensor4D): tf.Tensor4D {
  const [b, L, H, P] = y.shape;
  if (L === 1) return tf.zerosLike(y);
  return tf.concat([tf.zeros([b, 1, H, P]), tf.slice(y, [0, 0, 0, 0], [b, L - 1, H, P])], 1);
}

/**
 * Hydra's QS(X) = shift(SS(X)) + flip(shift(SS(flip(X)))) + diag(X W_D + D) X (ALGORITHMS §1.8).
 * Both SSD directions run as one ssdScan over the batch [forward; flipped] (shared A and dt bias,
 * as in Hydra); the shift keeps each direction strictly off the diagonal, so the current token
 * reaches its own output only through the diagonal term. Returns (b, L, H, P), before the norm.
 */
export function quasiseparable(a: QuasiseparableArgs): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, L, H, P] = a.x.shape;
    const flip = <T extends tf.Tensor>(t: T) => tf.reverse(t, 1) as T;
    const y = ssdScan({
      x: tf.concat([a.x, flip(a.x)], 0), dt: tf.concat([a.dtF, flip(a.dtB)], 0), A: a.A,
      B: tf.concat([a.BF, flip(a.BB)], 0), C: tf.concat([a.CF, flip(a.CB)], 0),
      dtBias: a.dtBias, dtSoftplus: true, chunkSize: a.chunkSize,
    });
    const ys = shiftRight(y);
    const yF = tf.slice(ys, [0, 0, 0, 0], [b, L, H, P]);
    const yB = flip(tf.slice(ys, [b, 0, 0, 0], [b, L, H, P]));
    const diag = tf.add(tf.reshape(linear(tf.reshape(a.x, [b * L, H * P]), a.WD), [b, L, H, 1]), tf.reshape(a.D, [H, 1]));
    return tf.add(tf.add(yF, yB), tf.mul(diag, a.x)) as tf.Tensor4D;
  });
}

/**
 * Hydra (Hwang et al. 2024) quasiseparable mixer, non-causal, (batch, L, dModel) → same.
 * Reading of §1.8 / the reference hydra.py: ONE in_proj gives [z, xBC, dt] with xBC = [x, B_f, C_f,
 * B_b, C_b] and dt = [dt_f, dt_b]: x (and the conv, norm, out_proj, A_log, dt_bias) are shared
 * by the two directions, B, C and dt are separate per direction. Conv: depthwise, width dConv
 * (odd, default 7), 'same' zero padding, SiLU — the fused causal conv on the input padded with
 * (dConv−1)/2 trailing zeros, its output shifted back. Diagonal: fc_D (dInner → nHeads, no bias,
 * U(±1/sqrt(dInner))) plus ssm_D (ones). As hydra.py (unlike Mamba-2): A_log starts at 0 (A = −1;
 * ALogInitRange default [1, 1]) and the gated norm is norm-before-gate, RMSNorm(y)·silu(z), over all
 * dInner channels. Masks: right padding (pads are zeroed before and after the conv so the backward
 * scan starts from a zero state at the last real token). No step mode.
 */
export class Hydra extends Mamba2 {
  static override className = NAME;

  constructor(args: HydraArgs = {}) {
    super({ ...args, dConv: args.dConv ?? 7, ALogInitRange: args.ALogInitRange ?? [1, 1] }, NAME);
    if (this.dConv % 2 !== 1) throw new Error(`${NAME}: option 'dConv' must be odd (a centred, 'same' convolution), received ${this.dConv}`);
  }

  override get convDim(): number {
    const d = this.builtDims();
    return d.dInner + 4 * d.nGroups * d.dState;
  }

  protected override get dtWidth(): number {
    return 2 * this.builtDims().nHeads;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    super.build(inputShape);
    const d = this.builtDims();
    this.w.fc_D_kernel = addValueWeight(this, 'fc_D_kernel', [d.dInner, d.nHeads], torchUniform(d.dInner * d.nHeads, d.dInner, subRng(this.seed, 26)));
  }

  /** Depthwise conv with 'same' zero padding, SiLU; xBC (b, C, L). */
  private sameConv(xBC: tf.Tensor3D): tf.Tensor3D {
    const [b, c, L] = xBC.shape;
    const half = (this.dConv - 1) / 2;
    if (half === 0) return causalConv1d({ x: xBC, weight: this.w.conv_weight.read() as tf.Tensor2D, bias: this.w.conv_bias.read() as tf.Tensor1D, activation: 'silu' });
    const padded = tf.concat([xBC, tf.zeros([b, c, half])], 2) as tf.Tensor3D;
    const y = causalConv1d({ x: padded, weight: this.w.conv_weight.read() as tf.Tensor2D, bias: this.w.conv_bias.read() as tf.Tensor1D, activation: 'silu' });
    return tf.slice(y, [0, 0, half], [b, c, L]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
      const d = this.builtDims();
      const [b, L] = checkInput(NAME, x0, d.dModel);
      const m = maskFactor(kwargs?.mask, b, L, NAME);
      const { z, xBC, dt } = this.project(m ? tf.mul(x0, m) : x0);
      const conv = tf.transpose(this.sameConv(xBC), [0, 2, 1]);
      const xBCc = m ? tf.mul(conv, m) : conv;
      const gn = d.nGroups * d.dState;
      const [xs, BF, CF, BB, CB] = splitLast(xBCc, [d.dInner, gn, gn, gn, gn]);
      const [dtF, dtB] = splitLast(dt, [d.nHeads, d.nHeads]);
      const g = (t: tf.Tensor) => tf.reshape(t, [b, L, d.nGroups, d.dState]) as tf.Tensor4D;
      const y = quasiseparable({
        x: tf.reshape(xs, [b, L, d.nHeads, d.headDim]) as tf.Tensor4D, dtF: dtF as tf.Tensor3D, dtB: dtB as tf.Tensor3D,
        BF: g(BF), CF: g(CF), BB: g(BB), CB: g(CB), A: tf.neg(tf.exp(this.w.ssm_A_log.read())) as tf.Tensor1D,
        dtBias: this.w.ssm_dt_bias.read() as tf.Tensor1D, WD: this.w.fc_D_kernel.read() as tf.Tensor2D, D: this.w.ssm_D.read() as tf.Tensor1D,
        chunkSize: this.chunkSize,
      });
      const yn = gatedRmsNorm(tf.reshape(y, [b, L, d.dInner]), z, this.w.norm_weight, d.dInner, true);
      const out = dense(yn, this.w.out_proj_kernel);
      return m ? tf.mul(out, m) : out;
    });
  }

  override initialState(_batch: number): tf.Tensor[] {
    throw new Error(`${NAME}: is non-causal (it reads future tokens), so it has no step mode; initialState()/step() are not supported`);
  }

  override step(_state: tf.Tensor[], _x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    throw new Error(`${NAME}: is non-causal (it reads future tokens), so it has no step mode; initialState()/step() are not supported`);
  }
}
tf.serialization.registerClass(Hydra, 'statespace');

export function hydra(args?: HydraArgs): Hydra {
  return new Hydra(args);
}
