import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { fftConv } from '../../ops/fft-conv/fftConv';
import { linear } from '../../ops/linear/linear';
import { addValueWeight, buildWidth, checkInput, dimsOf, gauss, glorot, maskedInput, subRng } from './common';
import { DiagOptionsLayer, type DiagSsmOptionArgs } from './diagOptions';
import { discretize, recurrenceChunk, vandermondeKernel, type DiagDiscrete } from './diagKernel';
import { complexNormal, s4dModes } from './s4d';

/** dState (N, default 64): taps of the shift SSM's FIR, and the diagonal SSM's state size (N/2 complex modes). */
export interface H3Args extends LayerArgs, DiagSsmOptionArgs {}

const NAME = 'H3';

/**
 * H3 (Fu et al. 2023, "Hungry Hungry Hippos", ALGORITHMS §1.5), single-head form (head dim 1):
 * [q, k, v] = x W_in + b_in; s = SSM_shift(k), a learned causal FIR of N taps (ssm_shift_kernel,
 * init N(0, 1/N), with ssm_shift_D skip) through fftConv; z = SSM_diag(s ⊙ v), an S4D-Lin diagonal
 * SSM (ssm_log_dt, ssm_log_A_re, ssm_A_im, ssm_C_re/ssm_C_im, ssm_D); y = (q ⊙ z) W_out + b_out.
 * Multi-head H3 (head dim > 1, outer-product states) is not implemented.
 * Step state: [last N−1 values of k (batch, N−1, H), diagonal state re, im (batch, H, N/2)];
 * cost per token is O(H·N) plus the FIR over N−1 + T values.
 */
export class H3 extends DiagOptionsLayer {
  static className = NAME;
  private w: Record<string, LayerVariable> = {};

  constructor(args: H3Args = {}) {
    super(args, NAME);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const H = buildWidth(NAME, inputShape, this.dModel ?? undefined);
    const N = this.dState;
    const M = N / 2;
    const add = (name: string, shape: number[], v: ArrayLike<number>) => (this.w[name] = addValueWeight(this, name, shape, v));
    add('in_kernel', [H, 3 * H], glorot(H, 3 * H, subRng(this.seed, 10)));
    add('in_bias', [3 * H], new Float32Array(3 * H));
    const sRng = subRng(this.seed, 11);
    add('ssm_shift_kernel', [H, N], Float32Array.from({ length: H * N }, () => gauss(sRng) / Math.sqrt(N)));
    const dRng = subRng(this.seed, 2);
    add('ssm_shift_D', [H], Float32Array.from({ length: H }, () => gauss(dRng)));
    add('ssm_D', [H], Float32Array.from({ length: H }, () => gauss(dRng)));
    const tRng = subRng(this.seed, 1);
    const [lo, hi] = [Math.log(this.dtMin), Math.log(this.dtMax)];
    add('ssm_log_dt', [H], Float32Array.from({ length: H }, () => lo + (hi - lo) * tRng()));
    const { negRe, im } = s4dModes('lin', N);
    add('ssm_log_A_re', [H, M], Float32Array.from({ length: H * M }, (_, i) => Math.log(negRe[i % M])));
    add('ssm_A_im', [H, M], Float32Array.from({ length: H * M }, (_, i) => im[i % M]));
    const c = complexNormal(H * M, subRng(this.seed, 0));
    add('ssm_C_re', [H, M], c.re);
    add('ssm_C_im', [H, M], c.im);
    add('out_kernel', [H, H], glorot(H, H, subRng(this.seed, 3)));
    add('out_bias', [H], new Float32Array(H));
    this.built = true;
  }

  private discrete(): DiagDiscrete {
    const r = (n: string) => this.w[n].read();
    return discretize({ logDt: r('ssm_log_dt'), logNegARe: r('ssm_log_A_re'), aIm: r('ssm_A_im'), cRe: r('ssm_C_re'), cIm: r('ssm_C_im') }, this.disc);
  }

  /** (batch, L, H) → q, k, v each (batch, H, L). */
  private project(x: tf.Tensor): tf.Tensor3D[] {
    const [batch, L, H] = x.shape as number[];
    const z = tf.add(linear(tf.reshape(x, [batch * L, H]), this.w.in_kernel.read()), this.w.in_bias.read());
    return tf.split(tf.reshape(z, [batch, L, 3 * H]), 3, 2).map((t) => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D);
  }

  /** Shift SSM on k (batch, H, L): causal FIR with the first min(N, L) taps, + D skip. */
  private shift(k: tf.Tensor3D): tf.Tensor3D {
    const [H, N] = dimsOf(this.w.ssm_shift_kernel);
    const L = k.shape[2];
    const taps = L >= N ? this.w.ssm_shift_kernel.read() : tf.slice(this.w.ssm_shift_kernel.read(), [0, 0], [H, L]);
    return fftConv({ u: k, k: taps as tf.Tensor2D, D: this.w.ssm_shift_D.read() as tf.Tensor1D });
  }

  private outProj(q: tf.Tensor, z: tf.Tensor): tf.Tensor {
    const [batch, H, L] = q.shape as number[];
    const g = tf.reshape(tf.transpose(tf.mul(q, z), [0, 2, 1]), [batch * L, H]);
    return tf.reshape(tf.add(linear(g, this.w.out_kernel.read()), this.w.out_bias.read()), [batch, L, H]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const { x, m, L } = maskedInput(NAME, inputs, kwargs?.mask, dimsOf(this.w.ssm_D)[0]);
      const [q, k, v] = this.project(x);
      const sv = tf.mul(this.shift(k), v) as tf.Tensor3D;
      const kd = vandermondeKernel(this.discrete(), L) as tf.Tensor2D;
      const z = fftConv({ u: sv, k: kd, D: this.w.ssm_D.read() as tf.Tensor1D });
      const out = this.outProj(q, z);
      return m ? tf.mul(out, m) : out;
    });
  }

  /** [k history (batch, N−1, H), diagonal state re, im (batch, H, N/2)], all zeros. */
  initialState(batch: number): tf.Tensor[] {
    if (!this.built) throw new Error(`${NAME}: build the layer (apply it once) before step()/initialState()`);
    const [H, M] = dimsOf(this.w.ssm_A_im);
    return [tf.zeros([batch, this.dState - 1, H]), tf.zeros([batch, H, M]), tf.zeros([batch, H, M])];
  }

  /** Inference over a chunk x (batch, T, H); equals the full forward on the concatenated chunks. */
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    if (!this.built) throw new Error(`${NAME}: build the layer (apply it once) before step()/initialState()`);
    const [H, M] = dimsOf(this.w.ssm_A_im);
    const N = this.dState;
    const [batch, T] = checkInput(NAME, x, H);
    const want = [[batch, N - 1, H], [batch, H, M], [batch, H, M]];
    if (state?.length !== 3 || state.some((s, i) => s.shape.join(',') !== want[i].join(','))) {
      throw new Error(`${NAME}: step 'state' must have shapes ${want.map((s) => `[${s}]`).join(', ')}, received ${state?.map((s) => `[${s.shape}]`).join(', ')}`);
    }
    return tf.tidy(() => {
      const [q, k, v] = this.project(x);
      const hist = tf.concat([tf.transpose(state[0], [0, 2, 1]), k], 2) as tf.Tensor3D; // (batch, H, N−1+T)
      const s = tf.slice(this.shift(hist), [0, 0, N - 1], [batch, H, T]);
      const sv = tf.mul(s, v);
      const d0 = this.discrete();
      const { yState, re, im } = recurrenceChunk(d0, state[1], state[2], sv);
      const kd = vandermondeKernel(d0, T) as tf.Tensor2D;
      const z = tf.add(fftConv({ u: sv as tf.Tensor3D, k: kd, D: this.w.ssm_D.read() as tf.Tensor1D }), yState);
      const newHist = tf.transpose(tf.slice(hist, [0, 0, T], [batch, H, N - 1]), [0, 2, 1]);
      return { y: this.outProj(q, z), state: [newHist, re, im] };
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

}
tf.serialization.registerClass(H3, 'statespace');

export function h3(args?: H3Args): H3 {
  return new H3(args);
}
