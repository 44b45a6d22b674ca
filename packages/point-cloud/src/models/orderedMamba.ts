import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { BiMamba, linear, SeededInitializer } from '@statespace/ssm-core';
import { batchGather, indexColumns, repeatAxis } from './gather';
import { SERIALIZATIONS, type Serialization } from '../serialize/orders';

export interface PcOrderedMambaArgs extends LayerArgs {
  dModel: number;
  /** Index-table column holding this layer's order; the next column holds its inverse. */
  orderColumn: number;
  /** Which serialization the order comes from, and its variant (0..5): recorded so the input builder can rebuild it. */
  serialization: Serialization;
  variant: number;
  gridSize: number;
  /** Learned order-prompt tokens placed before and after the sequence (PCM), 0 for none. */
  numPrompts?: number;
  dState?: number;
  expand?: number;
  dConv?: number;
  seed?: number;
}

/**
 * One PCM layer (ALGORITHMS.md §4): x ← x + Linear(3→C)(xyz) (coordinate positional encoding); the tokens are put
 * in this layer's own order (a CTS / z-order / Hilbert / random traversal computed on the CPU and passed in the
 * int32 index table); its order prompts go before and after; then a pre-norm residual bidirectional Mamba
 * (RMSNorm, BiMamba with separate forward/backward weights); the prompts are dropped and the inverse order scatters
 * the tokens back. (The BiMamba's two directions are run through its cores with gathers instead of flips: same
 * function and weights, checked against `mixer.apply` in the tests.) Inputs [x (B,M,C), xyz (B,M,3), idx (B,M,W)] → (B, M, C).
 */
export class PcOrderedMamba extends tfl.layers.Layer {
  static className = 'PcOrderedMamba';
  readonly opts: Required<Omit<PcOrderedMambaArgs, keyof LayerArgs>>;
  readonly mixer: BiMamba;
  private peKernel: LayerVariable | null = null;
  private peBias: LayerVariable | null = null;
  private gamma: LayerVariable | null = null;
  private prompts: LayerVariable | null = null;

  constructor(args: PcOrderedMambaArgs) {
    super(args);
    const a = args ?? ({} as PcOrderedMambaArgs);
    const int = (name: string, v: unknown, min: number) => {
      if (!Number.isInteger(v) || (v as number) < min) throw new Error(`PcOrderedMamba: option '${name}' must be an integer >= ${min}, received ${String(v)}`);
      return v as number;
    };
    if (!(SERIALIZATIONS as readonly string[]).includes(a.serialization)) {
      throw new Error(`PcOrderedMamba: option 'serialization' must be one of ${SERIALIZATIONS.join(', ')}, received ${String(a.serialization)}`);
    }
    if (!(a.gridSize > 0)) throw new Error(`PcOrderedMamba: option 'gridSize' must be > 0, received ${String(a.gridSize)}`);
    this.opts = {
      dModel: int('dModel', a.dModel, 1), orderColumn: int('orderColumn', a.orderColumn, 1), serialization: a.serialization,
      variant: int('variant', a.variant, 0), gridSize: a.gridSize, numPrompts: int('numPrompts', a.numPrompts ?? 2, 0),
      dState: int('dState', a.dState ?? 16, 1), expand: a.expand ?? 2, dConv: int('dConv', a.dConv ?? 4, 1), seed: a.seed ?? 0,
    };
    const o = this.opts;
    this.mixer = new BiMamba({ dModel: o.dModel, dState: o.dState, expand: o.expand, dConv: o.dConv, seed: o.seed, combine: 'sum' });
  }

  override build(): void {
    const { dModel: C, seed, numPrompts } = this.opts;
    const b = Math.sqrt(6 / (3 + C));
    this.peKernel = this.addWeight('pos_embed_kernel', [3, C], 'float32', new SeededInitializer({ distribution: 'uniform', seed: seed + 1, minval: -b, maxval: b }) as never);
    this.peBias = this.addWeight('pos_embed_bias', [C], 'float32', tfl.initializers.zeros());
    this.gamma = this.addWeight('norm_gamma', [C], 'float32', tfl.initializers.ones());
    if (numPrompts > 0) {
      this.prompts = this.addWeight('order_prompts', [numPrompts, C], 'float32', new SeededInitializer({ distribution: 'normal', seed: seed + 2, stddev: 0.02 }) as never);
    }
    this.mixer.build([null, null, C]);
    this.mixer.built = true;
    const self = this as unknown as { _trainableWeights: LayerVariable[] };
    self._trainableWeights.push(...this.mixer.trainableWeights);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, xyz, idx] = inputs as tf.Tensor[];
    const { orderColumn, numPrompts: P } = this.opts;
    return tf.tidy(() => {
      const M = x.shape[1] as number;
      const xp = tf.add(x, tf.add(linear(xyz, this.peKernel!.read()), this.peBias!.read()));
      const norm = (t: tf.Tensor) => tf.mul(tf.mul(t, tf.rsqrt(tf.add(tf.mean(tf.square(t), -1, true), 1e-5))), this.gamma!.read());
      // RMSNorm is per token, so it commutes with the reordering: normalize once, then gather each direction's order.
      // BiMamba's backward direction reads flip([prompts, x_order, prompts]); gathering x in the reversed order (and
      // scattering back with M−1−inverse) gives the same result without tf.reverse on the activations (slow on wasm).
      const n = norm(xp);
      const order = indexColumns(idx, orderColumn, 1, true), inverse = indexColumns(idx, orderColumn + 1, 1, true);
      const withPrompts = (seq: tf.Tensor, reversed: boolean) => {
        if (!this.prompts) return seq;
        const np = norm(this.prompts.read());
        const p = repeatAxis(reversed ? tf.reverse(np, 0) : np, 0, x.shape[0]);
        return tf.concat([p, seq, p], 1);
      };
      const body = (y: tf.Tensor) => (P > 0 ? tf.slice(y, [0, P, 0], [-1, M, -1]) : y);
      const yf = body(this.mixer.forwardCore.forward(withPrompts(batchGather(n, order), false)));
      const yb = body(this.mixer.backwardCore.forward(withPrompts(batchGather(n, tf.reverse(order, 1)), true)));
      const inverseRev = tf.sub(tf.scalar(M - 1, 'int32'), inverse);
      return tf.add(xp, tf.add(batchGather(yf, inverse), batchGather(yb, inverseRev)));
    });
  }

  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (s as tfl.Shape[])[0];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.opts };
  }
}
tf.serialization.registerClass(PcOrderedMamba, 'statespace');
