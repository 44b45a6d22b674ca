import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { fftConv, linear } from '@statespace/ssm-core';
import { addValueWeight } from '@statespace/ssm-core';
import { checkPosInt, gaussians, one } from './common';
import { channelKernels, companionKernel, companionMatrices, krylovColumns, krylovRows, normalizeL1 } from './companion';

export interface CompanionSSMArgs {
  /** 'companion' (learned last column a) or 'shift' (a = 0: a learned FIR of length kernelDim). */
  kind?: 'companion' | 'shift';
  nKernels?: number;
  kernelDim?: number;
  /** L1-normalize a (default true). */
  normalize?: boolean;
  seed?: number;
  name?: string;
}

type Var = tfl.LayerVariable;

/** Shared weights of both SpaceTime SSM layers: a, b, c per kernel (ssm_* names: own lr, no weight decay). */
abstract class CompanionBase extends tfl.layers.Layer {
  readonly kind: 'companion' | 'shift';
  readonly nKernels: number;
  readonly kernelDim: number;
  readonly normalize: boolean;
  readonly seed: number;
  protected a: Var | null = null;
  protected b!: Var;
  protected c!: Var;
  protected width = 0;

  constructor(layer: string, args: CompanionSSMArgs) {
    super(args);
    this.kind = args.kind ?? 'companion';
    if (this.kind !== 'companion' && this.kind !== 'shift') throw new Error(`${layer}: option 'kind' expects 'companion' or 'shift', received '${String(this.kind)}'`);
    this.nKernels = checkPosInt(layer, 'nKernels', args.nKernels ?? 4);
    this.kernelDim = checkPosInt(layer, 'kernelDim', args.kernelDim ?? 32);
    this.normalize = args.normalize ?? true;
    this.seed = args.seed ?? 0;
  }

  protected buildCommon(layer: string, inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const D = s[s.length - 1];
    if (D == null || D % this.nKernels !== 0) throw new Error(`${layer}: input width ${String(D)} must be a multiple of nKernels ${this.nKernels}`);
    this.width = D;
    const [nK, d] = [this.nKernels, this.kernelDim];
    if (this.kind === 'companion') this.a = addValueWeight(this, 'ssm_a', [nK, d], gaussians(nK * d, this.seed * 7 + 1, 1 / Math.sqrt(d)));
    this.b = addValueWeight(this, 'ssm_b', [nK, d], gaussians(nK * d, this.seed * 7 + 2, 1));
    this.c = addValueWeight(this, 'ssm_c', [nK, d], gaussians(nK * d, this.seed * 7 + 3, 1 / Math.sqrt(d)));
  }

  /** The state matrices A (nK, d, d). */
  protected matrices(): tf.Tensor3D {
    const a = this.a ? (this.a.read() as tf.Tensor2D) : null;
    return companionMatrices(a && this.normalize ? normalizeL1(a) : a, this.nKernels, this.kernelDim);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kind: this.kind, nKernels: this.nKernels, kernelDim: this.kernelDim, normalize: this.normalize, seed: this.seed };
  }
}

/**
 * SpaceTime's companion (or shift) SSM as a causal convolution: per kernel k_l = cᵀ A^l b, repeated over
 * D / nKernels channels, applied with ssm-core's fftConv, plus a D skip. (batch, L, D) → (batch, L, D).
 */
export class TsCompanionSSM extends CompanionBase {
  static className = 'TsCompanionSSM';
  private skip!: Var;
  constructor(args: CompanionSSMArgs = {}) {
    super('TsCompanionSSM', args);
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.buildCommon('TsCompanionSSM', inputShape);
    this.skip = addValueWeight(this, 'ssm_D', [this.width], gaussians(this.width, this.seed * 7 + 4, 1));
    this.built = true;
  }
  /** The kernels (D, len) the layer applies, one row per channel. */
  kernels(len: number): tf.Tensor2D {
    return tf.tidy(() => tf.gather(companionKernel(this.matrices(), this.b.read() as tf.Tensor2D, this.c.read() as tf.Tensor2D, len), channelKernels(this.width, this.nKernels)));
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const L = x.shape[1] as number;
      const u = tf.transpose(x, [0, 2, 1]) as tf.Tensor3D;
      const y = fftConv({ u, k: this.kernels(L), D: this.skip.read() as tf.Tensor1D });
      return tf.transpose(y, [0, 2, 1]);
    });
  }
}

/**
 * tf.unstack along axis 0, except that one slice is a reshape: tfjs hands the gradient of a one-output Unpack to
 * its Stack gradient as a bare tensor, which throws ("must be a Tensor[]") when nKernels is 1.
 */
function unstack0(t: tf.Tensor): tf.Tensor[] {
  return t.shape[0] === 1 ? [tf.reshape(t, t.shape.slice(1))] : tf.unstack(t);
}

/**
 * SpaceTime's closed-loop decoder (§2.1). Over the lookback the state follows x_{t+1} = A x_t + b u_t; then the
 * layer feeds its own next-input prediction u = Kx back, x_{t+1} = (A + bK) x_t, and emits y = c x for each of
 * the `horizon` steps. One forward pass: x_L = Σ_l A^{L−1−l} b u_l (Krylov columns), forecasts c (A + bK)^h x_L
 * (Krylov rows). (batch, L, D) → (batch, horizon, D).
 */
export class TsClosedLoopSSM extends CompanionBase {
  static className = 'TsClosedLoopSSM';
  readonly horizon: number;
  private k!: Var;
  constructor(args: CompanionSSMArgs & { horizon?: number } = {}) {
    super('TsClosedLoopSSM', args);
    this.horizon = checkPosInt('TsClosedLoopSSM', 'horizon', args.horizon);
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.buildCommon('TsClosedLoopSSM', inputShape);
    // K starts at 0 (the loop starts as the open-loop SSM): a random K can make A + bK unstable over 720 steps.
    this.k = addValueWeight(this, 'ssm_k', [this.nKernels, this.kernelDim], new Float32Array(this.nKernels * this.kernelDim));
    this.built = true;
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0], this.horizon, s[2]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [B, L, D] = x.shape as number[];
      const [nK, d, H] = [this.nKernels, this.kernelDim, this.horizon];
      const rep = D / nK;
      const A = this.matrices();
      const b = tf.reshape(this.b.read(), [nK, d, 1]) as tf.Tensor3D;
      // Per kernel: x_L = u · (reversed Krylov columns)ᵀ, forecasts = x_L · (Krylov rows of A + bK)ᵀ. One 2-D
      // `linear` per kernel over all (batch, channel) rows of that kernel. Why not a gather to per-channel
      // matrices and one batched matmul: tfjs-wasm runs batched (and transposed) BatchMatMul and GatherV2
      // outside XNNPACK, ~9× slower (this layer was ~15% of a SpaceTime step).
      const colsT = unstack0(tf.transpose(tf.reverse(krylovColumns(A, b, L), 2), [0, 2, 1])); // nK × (L, d)
      const M = tf.add(A, tf.matMul(b, tf.reshape(this.k.read(), [nK, 1, d]))) as tf.Tensor3D;
      const rowsT = unstack0(tf.transpose(krylovRows(M, tf.reshape(this.c.read(), [nK, 1, d]), H), [0, 2, 1])); // nK × (d, H)
      const u = unstack0(tf.reshape(tf.transpose(tf.reshape(x, [B, L, nK, rep]), [2, 0, 3, 1]), [nK, B * rep, L]));
      const y = tf.stack(u.map((uk, k) => linear(linear(uk, colsT[k]), rowsT[k]))); // (nK, B·rep, H)
      return tf.reshape(tf.transpose(tf.reshape(y, [nK, B, rep, H]), [1, 3, 0, 2]), [B, H, D]);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), horizon: this.horizon };
  }
}

/**
 * SpaceTime's frozen preprocessing kernels: differencing of orders `diffOrders` ((1 − z)^n) and moving averages
 * of widths `maWindows`, applied causally to each input variate and concatenated after the raw input.
 * (batch, L, V) → (batch, L, V · (1 + #kernels)). No trainable weights.
 */
export class TsPreprocessKernels extends tfl.layers.Layer {
  static className = 'TsPreprocessKernels';
  readonly diffOrders: number[];
  readonly maWindows: number[];
  constructor(args: { diffOrders?: number[]; maWindows?: number[]; name?: string } = {}) {
    super(args);
    this.diffOrders = args.diffOrders ?? [1, 2];
    this.maWindows = args.maWindows ?? [4, 24];
    for (const n of this.diffOrders) if (!Number.isInteger(n) || n < 1 || n > 4) throw new Error(`TsPreprocessKernels: diffOrders expects integers in 1..4, received ${n}`);
    for (const w of this.maWindows) checkPosInt('TsPreprocessKernels', 'maWindows', w);
  }
  /** The fixed kernels, one row each (index 0 = lag 0). */
  kernelRows(): number[][] {
    const binom = (n: number, k: number): number => (k === 0 ? 1 : (binom(n, k - 1) * (n - k + 1)) / k);
    const diff = this.diffOrders.map((n) => Array.from({ length: n + 1 }, (_, k) => (k % 2 ? -1 : 1) * binom(n, k)));
    const ma = this.maWindows.map((w) => new Array(w).fill(1 / w));
    return [...diff, ...ma];
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = inputShape as tfl.Shape;
    return [s[0], s[1], (s[2] as number) * (1 + this.kernelRows().length)];
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [, L, V] = x.shape as number[];
      const rows = this.kernelRows();
      if (rows.length === 0) return x;
      const Lk = Math.max(...rows.map((r) => r.length));
      if (Lk > L) throw new Error(`TsPreprocessKernels: kernel length ${Lk} exceeds the input length ${L}`);
      const k = new Float32Array(rows.length * V * Lk);
      rows.forEach((r, j) => { for (let v = 0; v < V; v++) k.set(r, (j * V + v) * Lk); });
      const xt = tf.transpose(x, [0, 2, 1]);
      const u = tf.concat(rows.map(() => xt), 1) as tf.Tensor3D; // not tf.tile: ~20× slower on wasm
      const y = fftConv({ u, k: tf.tensor2d(k, [rows.length * V, Lk]) });
      return tf.concat([x, tf.transpose(y, [0, 2, 1])], 2);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), diffOrders: this.diffOrders, maWindows: this.maWindows };
  }
}

tf.serialization.registerClass(TsCompanionSSM, 'statespace');
tf.serialization.registerClass(TsClosedLoopSSM, 'statespace');
tf.serialization.registerClass(TsPreprocessKernels, 'statespace');
