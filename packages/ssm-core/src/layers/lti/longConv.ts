import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { fftConv } from '../../ops/fft-conv/fftConv';
import type { Rng } from '../../train/seed';
import {
  addValueWeight, buildWidth, checkInput, checkPositiveInt, checkRate, dimsOf, dropout, gauss, gelu, glorot, linearGlu, maskedInput,
  resolveSeed, subRng,
} from './common';

export interface LongConvArgs extends LayerArgs {
  dModel?: number;
  d_model?: number;
  /** Kernel length Lk; default the input length L at build (which must then be known). */
  kernelLength?: number;
  /** Squash threshold λ: K ← sign(K)·relu(|K| − λ). Default 1e-3. */
  lambda?: number;
  /** Dropout on the kernel entries in training. Default 0.2. */
  kernelDropout?: number;
  /** Dropout after the GELU in training. Default 0. */
  dropout?: number;
  seed?: number;
}

const NAME = 'LongConv';

/**
 * Simple long convolution (Fu et al. 2023, ALGORITHMS §1.5): a directly learned causal kernel
 * ssm_kernel (H, Lk) ~ N(0, 0.002²), squashed K ← sign(K)·relu(|K| − λ) for smoothness and
 * dropped out in training, applied with fftConv (+ ssm_D skip) → GELU → dropout → linear H→2H → GLU.
 * Inputs longer than Lk see a kernel of length Lk; shorter ones its first L taps.
 * Step mode keeps the last Lk − 1 inputs as state: cost per chunk is bounded by the kernel length
 * (O((Lk + T) log(Lk + T)) for a chunk of T), not constant like the SSM layers.
 */
export class LongConv extends tfl.layers.Layer {
  static className = NAME;
  readonly dModel: number | null;
  kernelLength: number | null;
  readonly lambda: number;
  readonly kernelDropout: number;
  readonly dropoutRate: number;
  readonly seed: number;
  private readonly kRng: Rng;
  private readonly dropRng: Rng;
  private w: Record<string, LayerVariable> = {};

  constructor(args: LongConvArgs = {}) {
    super(args);
    this.dModel = args.dModel ?? args.d_model ?? null;
    if (this.dModel != null) checkPositiveInt(NAME, 'dModel', this.dModel);
    this.kernelLength = args.kernelLength ?? null;
    if (this.kernelLength != null) checkPositiveInt(NAME, 'kernelLength', this.kernelLength);
    this.lambda = args.lambda ?? 1e-3;
    if (typeof this.lambda !== 'number' || !(this.lambda >= 0) || !Number.isFinite(this.lambda)) {
      throw new Error(`${NAME}: option 'lambda' must be a finite number >= 0, received ${String(args.lambda)}`);
    }
    this.kernelDropout = checkRate(NAME, 'kernelDropout', args.kernelDropout ?? 0.2);
    this.dropoutRate = checkRate(NAME, 'dropout', args.dropout ?? 0);
    this.seed = resolveSeed(NAME, args.seed);
    this.kRng = subRng(this.seed, 5);
    this.dropRng = subRng(this.seed, 4);
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const H = buildWidth(NAME, inputShape, this.dModel ?? undefined);
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (this.kernelLength == null) {
      const L = shape[1];
      if (L == null) throw new Error(`${NAME}: option 'kernelLength' is required when the input length is unknown, received input shape [${shape.map(String).join(', ')}]`);
      this.kernelLength = L;
    }
    const Lk = this.kernelLength;
    const rng = subRng(this.seed, 0);
    this.w.ssm_kernel = addValueWeight(this, 'ssm_kernel', [H, Lk], Float32Array.from({ length: H * Lk }, () => 0.002 * gauss(rng)));
    const dRng = subRng(this.seed, 2);
    this.w.ssm_D = addValueWeight(this, 'ssm_D', [H], Float32Array.from({ length: H }, () => gauss(dRng)));
    this.w.out_kernel = addValueWeight(this, 'out_kernel', [H, 2 * H], glorot(H, 2 * H, subRng(this.seed, 3)));
    this.w.out_bias = addValueWeight(this, 'out_bias', [2 * H], new Float32Array(2 * H));
    this.built = true;
  }

  /** The squashed kernel sign(K)·relu(|K| − λ), first `len` taps, (H, len). */
  kernel(len?: number): tf.Tensor2D {
    return tf.tidy(() => {
      const K = this.w.ssm_kernel.read();
      const [H, Lk] = dimsOf(this.w.ssm_kernel);
      const n = Math.min(len ?? Lk, Lk);
      const Kn = n === Lk ? K : tf.slice(K, [0, 0], [H, n]);
      return tf.mul(tf.sign(Kn), tf.relu(tf.sub(tf.abs(Kn), this.lambda))) as tf.Tensor2D;
    });
  }

  private conv(x: tf.Tensor, training: boolean): tf.Tensor {
    const L = x.shape[1] as number;
    const k0 = this.kernel(L);
    const k = training ? dropout(k0, this.kernelDropout, this.kRng) : k0;
    const y = fftConv({ u: tf.transpose(x, [0, 2, 1]) as tf.Tensor3D, k: k as tf.Tensor2D, D: this.w.ssm_D.read() as tf.Tensor1D });
    return tf.transpose(y, [0, 2, 1]);
  }

  private head(y: tf.Tensor, training: boolean): tf.Tensor {
    const g = gelu(y);
    return linearGlu(training ? dropout(g, this.dropoutRate, this.dropRng) : g, this.w.out_kernel, this.w.out_bias);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const { x, m } = maskedInput(NAME, inputs, kwargs?.mask, dimsOf(this.w.ssm_D)[0]);
      const training = kwargs?.training === true;
      const out = this.head(this.conv(x, training), training);
      return m ? tf.mul(out, m) : out;
    });
  }

  /** State: the last Lk − 1 inputs, (batch, Lk − 1, H), zeros at the start. */
  initialState(batch: number): tf.Tensor[] {
    if (!this.built) throw new Error(`${NAME}: build the layer (apply it once) before step()/initialState()`);
    const [H, Lk] = dimsOf(this.w.ssm_kernel);
    return [tf.zeros([batch, Lk - 1, H])];
  }

  /** Inference over a chunk x (batch, T, H); equals the full forward on the concatenated chunks. */
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    if (!this.built) throw new Error(`${NAME}: build the layer (apply it once) before step()/initialState()`);
    const [H, Lk] = dimsOf(this.w.ssm_kernel);
    const [batch, T] = checkInput(NAME, x, H);
    const s = state?.[0];
    if (state?.length !== 1 || s.rank !== 3 || s.shape[0] !== batch || s.shape[1] !== Lk - 1 || s.shape[2] !== H) {
      throw new Error(`${NAME}: step 'state' must be [inputs] of shape (batch=${batch}, Lk-1=${Lk - 1}, H=${H}), received ${state?.map((t) => `[${t.shape}]`).join(', ')}`);
    }
    return tf.tidy(() => {
      const all = tf.concat([s, x], 1);
      const n = Lk - 1 + T;
      const y = tf.slice(this.conv(all, false), [0, Lk - 1, 0], [batch, T, H]);
      return { y: this.head(y, false), state: [tf.slice(all, [0, n - (Lk - 1), 0], [batch, Lk - 1, H])] };
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), dModel: this.dModel, kernelLength: this.kernelLength, lambda: this.lambda,
      kernelDropout: this.kernelDropout, dropout: this.dropoutRate, seed: this.seed,
    };
  }
}
tf.serialization.registerClass(LongConv, 'statespace');

export function longConv(args?: LongConvArgs): LongConv {
  return new LongConv(args);
}
