import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { fftConv } from '../../ops/fft-conv/fftConv';
import type { Rng } from '../../train/seed';
import {
  addValueWeight, buildWidth, checkInput, checkRate, dimsOf, dropout, gelu, glorot, linearGlu, maskedInput, subRng,
} from './common';
import { DiagOptionsLayer, type DiagSsmOptionArgs } from './diagOptions';
import { discretize, recurrenceChunk, vandermondeKernel, type DiagDiscrete } from './diagKernel';

export interface DiagSSMArgs extends LayerArgs, DiagSsmOptionArgs {
  dropout?: number;
  /** Non-causal: a second C gives a backward kernel; the two make a two-sided convolution. No step mode. */
  bidirectional?: boolean;
  seed?: number;
}

/** Initial SSM values (row-major, M modes); C has (directions, H, M) values. */
export interface DiagInit {
  M: number;
  logNegARe: ArrayLike<number>;
  aIm: ArrayLike<number>;
  cRe: ArrayLike<number>;
  cIm: ArrayLike<number>;
  bRe?: ArrayLike<number>;
  bIm?: ArrayLike<number>;
}

/** Seed streams: 0 SSM init, 1 dt, 2 D, 3 output projection, 4 dropout. */
const STREAM = { init: 0, dt: 1, D: 2, out: 3, drop: 4 };

/**
 * Shared body of S4D and S4 (PTD): a diagonal SSM per channel whose kernel is the Vandermonde
 * product of diagKernel.ts, applied with fftConv (+ D skip), then GELU, dropout, and a 1×1 linear
 * H → 2H with GLU. Subclasses provide the initial A, C (and B).
 */
export abstract class DiagonalSSMBase extends DiagOptionsLayer {
  readonly dropoutRate: number;
  readonly bidirectional: boolean;
  protected readonly dropRng: Rng;
  protected w: Record<string, LayerVariable> = {};
  protected abstract readonly layerName: string;

  constructor(args: DiagSSMArgs, layerName: string) {
    super(args, layerName);
    this.dropoutRate = checkRate(layerName, 'dropout', args.dropout ?? 0);
    this.bidirectional = args.bidirectional ?? false;
    this.dropRng = subRng(this.seed, STREAM.drop);
  }

  /** Initial A, C (and B) for H channels and `dirs` C's, from the layer's init stream. */
  protected abstract ssmInit(H: number, dirs: number, rng: Rng): DiagInit;

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const H = buildWidth(this.layerName, inputShape, this.dModel ?? undefined);
    const dirs = this.bidirectional ? 2 : 1;
    const init = this.ssmInit(H, dirs, subRng(this.seed, STREAM.init));
    const M = init.M;
    const dtRng = subRng(this.seed, STREAM.dt);
    const [lo, hi] = [Math.log(this.dtMin), Math.log(this.dtMax)];
    const logDt = Array.from({ length: H }, () => lo + (hi - lo) * dtRng());
    const dRng = subRng(this.seed, STREAM.D);
    const D = Array.from({ length: H }, () => Math.sqrt(-2 * Math.log(1 - dRng())) * Math.cos(2 * Math.PI * dRng()));
    const add = (name: string, shape: number[], v: ArrayLike<number>) => (this.w[name] = addValueWeight(this, name, shape, v));
    add('ssm_log_dt', [H], logDt);
    add('ssm_log_A_re', [H, M], init.logNegARe);
    add('ssm_A_im', [H, M], init.aIm);
    add('ssm_C_re', [dirs, H, M], init.cRe);
    add('ssm_C_im', [dirs, H, M], init.cIm);
    if (init.bRe && init.bIm) {
      add('ssm_B_re', [H, M], init.bRe);
      add('ssm_B_im', [H, M], init.bIm);
    }
    add('ssm_D', [H], D);
    add('out_kernel', [H, 2 * H], glorot(H, 2 * H, subRng(this.seed, STREAM.out)));
    add('out_bias', [2 * H], new Float32Array(2 * H));
    this.built = true;
  }

  /** The discretized system (dispose it): log dA and the output weights, from the current weights. */
  discrete(): DiagDiscrete {
    const r = (n: string) => this.w[n]?.read();
    return discretize({
      logDt: r('ssm_log_dt'), logNegARe: r('ssm_log_A_re'), aIm: r('ssm_A_im'),
      cRe: r('ssm_C_re'), cIm: r('ssm_C_im'), bRe: r('ssm_B_re'), bIm: r('ssm_B_im'),
    }, this.disc);
  }

  /** Causal (H, L) kernel, or for a bidirectional layer the (H, 2L−1) two-sided kernel of fftConv. */
  kernel(L: number): tf.Tensor2D {
    return tf.tidy(() => {
      const k = vandermondeKernel(this.discrete(), L); // (dirs, H, L)
      const H = k.shape[1] as number;
      const fwd = tf.reshape(tf.slice(k, [0, 0, 0], [1, H, L]), [H, L]);
      if (!this.bidirectional) return fwd as tf.Tensor2D;
      // Backward kernel kb[j] acts at lag −(j+1) (as S4's bidirectional kernel); index j of the
      // two-sided kernel is lag j − (L − 1).
      const bwd = tf.reshape(tf.slice(k, [1, 0, 0], [1, H, L - 1]), [H, L - 1]);
      return tf.concat([tf.reverse(bwd, 1), fwd], 1) as tf.Tensor2D;
    });
  }

  /** GELU → dropout (training) → linear H→2H → GLU, on (..., H). */
  protected head(y: tf.Tensor, training: boolean): tf.Tensor {
    const g = gelu(y);
    const d = training ? dropout(g, this.dropoutRate, this.dropRng) : g;
    return linearGlu(d, this.w.out_kernel, this.w.out_bias);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const H = dimsOf(this.w.ssm_D)[0];
      const { x, m, L } = maskedInput(this.layerName, inputs, kwargs?.mask, H);
      const u = tf.transpose(x, [0, 2, 1]) as tf.Tensor3D;
      const k = this.kernel(L);
      const y = fftConv({ u, k, D: this.w.ssm_D.read() as tf.Tensor1D, mode: this.bidirectional ? 'two-sided' : 'causal' });
      const out = this.head(tf.transpose(y, [0, 2, 1]), kwargs?.training === true);
      return m ? tf.mul(out, m) : out;
    });
  }

  /** Zero state [re, im], each (batch, H, M). */
  initialState(batch: number): tf.Tensor[] {
    this.assertStepReady();
    const [H, M] = dimsOf(this.w.ssm_A_im);
    return [tf.zeros([batch, H, M]), tf.zeros([batch, H, M])];
  }

  /**
   * Inference step over a chunk x (batch, T, H), T ≥ 1, from `state` (from initialState or a
   * previous step; not disposed here): equals the full forward on the concatenated chunks. Cost
   * per token is O(H·M·T) for the chunk (constant in the tokens already seen).
   */
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    this.assertStepReady();
    const H = dimsOf(this.w.ssm_D)[0];
    const [batch, T] = checkInput(this.layerName, x, H);
    const M = dimsOf(this.w.ssm_A_im)[1];
    if (state?.length !== 2 || state.some((s) => s.rank !== 3 || s.shape[0] !== batch || s.shape[1] !== H || s.shape[2] !== M)) {
      throw new Error(`${this.layerName}: step 'state' must be [re, im] of shape (batch=${batch}, H=${H}, M=${M}), received ${state?.map((s) => `[${s.shape}]`).join(', ')}`);
    }
    return tf.tidy(() => {
      const d0 = this.discrete();
      const [, Hh, M0] = d0.wre.shape as number[];
      const first = (t: tf.Tensor) => tf.reshape(tf.slice(t, [0, 0, 0], [1, Hh, M0]), [Hh, M0]);
      const d = { ...d0, wre: first(d0.wre), wim: first(d0.wim) };
      const u = tf.transpose(x, [0, 2, 1]) as tf.Tensor3D;
      const { yState, re, im } = recurrenceChunk(d, state[0], state[1], u);
      const k = vandermondeKernel(d, T) as tf.Tensor2D;
      const yConv = fftConv({ u, k, D: this.w.ssm_D.read() as tf.Tensor1D });
      const y = this.head(tf.transpose(tf.add(yConv, yState), [0, 2, 1]), false);
      return { y, state: [re, im] };
    });
  }

  private assertStepReady(): void {
    if (!this.built) throw new Error(`${this.layerName}: build the layer (apply it once) before step()/initialState()`);
    if (this.bidirectional) throw new Error(`${this.layerName}: step() needs a causal layer, received bidirectional=true`);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dropout: this.dropoutRate, bidirectional: this.bidirectional };
  }
}
