import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { addValueWeight, DropPath, layerNormalize, subRng } from '@statespace/ssm-core';
import { SCAN_KINDS, SS2DCore, type ScanKind } from './ss2dCore';
import { depthwise, gelu, linear, uniformValues } from './weights';

export const BLOCK_VARIANTS = ['vmamba', 'efficient', 'group', 'multiscale'] as const;
export type BlockVariant = (typeof BLOCK_VARIANTS)[number];
const SCAN_OF: Record<BlockVariant, ScanKind> = { vmamba: 'cross', efficient: 'atrous', group: 'grouped', multiscale: 'multiscale' };

export interface VSSBlockOptions {
  dim: number;
  variant?: BlockVariant; // 'vmamba'
  dState?: number; // 1 (VMamba-T)
  ssmRatio?: number; // 2
  dtRank?: number | 'auto'; // ceil(dim / 16)
  mlpRatio?: number; // 4; 0 = no MLP
  dropPath?: number; // 0
  atrousStride?: number; // 2 (efficient)
  ss2d?: boolean; // true; false = MLP-only block (after a token mixer from ssm-core)
  seed?: number; // 0
}
export interface VSSBlockArgs extends LayerArgs, VSSBlockOptions {}

const NAME = 'VisionVSSBlock';

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${NAME}: option '${name}' must be an integer >= 1, received ${String(v)}`);
  return v;
}
function nonNegative(name: string, v: unknown, max = Infinity): number {
  if (typeof v !== 'number' || !(v >= 0 && v < max)) throw new Error(`${NAME}: option '${name}' must be a number in [0, ${max}), received ${String(v)}`);
  return v;
}

/**
 * VMamba's VSS block (ALGORITHMS §3.1) on channels-last maps (B, H, W, dim):
 * x += DropPath(SS2D(LN(x))); x += DropPath(MLP(LN(x))) (GELU). Variants change the mixer:
 * 'efficient' (EfficientVMamba EVSS: atrous SS2D plus a local depthwise-conv + squeeze-excite branch),
 * 'group' (GroupMamba: per-group directions + channel-affinity modulation), 'multiscale'
 * (MSVMamba: multi-scale SS2D and a convolutional FFN, a depthwise 3×3 conv inside the MLP).
 */
export class VisionVSSBlock extends tfl.layers.Layer {
  static className = NAME;
  readonly opts: Required<VSSBlockOptions> & { dtRank: number };
  private core: SS2DCore | null = null;
  private readonly drop: DropPath;
  private w: Record<string, LayerVariable> = {};

  constructor(args: VSSBlockArgs) {
    super(args ?? {});
    const dim = positiveInt('dim', args?.dim);
    const variant = args.variant ?? 'vmamba';
    if (!BLOCK_VARIANTS.includes(variant)) throw new Error(`${NAME}: option 'variant' must be one of ${BLOCK_VARIANTS.join(', ')}, received ${String(variant)}`);
    const dtRank = args.dtRank == null || args.dtRank === 'auto' ? Math.ceil(dim / 16) : positiveInt('dtRank', args.dtRank);
    this.opts = {
      dim, variant, dtRank,
      dState: positiveInt('dState', args.dState ?? 1),
      ssmRatio: nonNegative('ssmRatio', args.ssmRatio ?? 2),
      mlpRatio: nonNegative('mlpRatio', args.mlpRatio ?? 4),
      dropPath: nonNegative('dropPath', args.dropPath ?? 0, 1),
      atrousStride: positiveInt('atrousStride', args.atrousStride ?? 2),
      ss2d: args.ss2d ?? true,
      seed: args.seed ?? 0,
    };
    if (!Number.isInteger(this.opts.seed)) throw new Error(`${NAME}: option 'seed' must be an integer, received ${String(args.seed)}`);
    if (this.opts.ss2d && this.opts.ssmRatio <= 0) throw new Error(`${NAME}: option 'ssmRatio' must be > 0 with an SS2D mixer, received ${this.opts.ssmRatio}`);
    this.drop = new DropPath({ rate: this.opts.dropPath, seed: this.opts.seed + 7 });
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const { dim, mlpRatio, variant, seed } = this.opts;
    if (s.length !== 4 || s[3] !== dim) throw new Error(`${NAME}: input must have shape (batch, H, W, dim=${dim}), received [${s.join(', ')}]`);
    const rng = (k: number) => subRng(seed, k);
    const add = (name: string, shape: number[], v: ArrayLike<number>) => (this.w[name] = addValueWeight(this, name, shape, v));
    if (this.opts.ss2d) {
      add('norm1_gamma', [dim], new Float32Array(dim).fill(1));
      add('norm1_beta', [dim], new Float32Array(dim));
      this.core = new SS2DCore({ dim, dState: this.opts.dState, ssmRatio: this.opts.ssmRatio, dtRank: this.opts.dtRank, scan: SCAN_OF[variant], atrousStride: this.opts.atrousStride, seed }, 'ss2d/');
      this.core.build(this);
      if (variant === 'efficient') {
        const r = Math.max(4, dim >> 2);
        add('local_conv_kernel', [3, 3, dim, 1], uniformValues(9 * dim, 1 / 3, rng(1)));
        add('local_conv_bias', [dim], new Float32Array(dim));
        add('se_fc1_kernel', [dim, r], uniformValues(dim * r, 1 / Math.sqrt(dim), rng(2)));
        add('se_fc2_kernel', [r, dim], uniformValues(r * dim, 1 / Math.sqrt(r), rng(3)));
      }
    }
    if (mlpRatio > 0) {
      const hid = Math.max(1, Math.round(mlpRatio * dim));
      add('norm2_gamma', [dim], new Float32Array(dim).fill(1));
      add('norm2_beta', [dim], new Float32Array(dim));
      add('fc1_kernel', [dim, hid], uniformValues(dim * hid, 1 / Math.sqrt(dim), rng(4)));
      add('fc1_bias', [hid], uniformValues(hid, 1 / Math.sqrt(dim), rng(5)));
      add('fc2_kernel', [hid, dim], uniformValues(hid * dim, 1 / Math.sqrt(hid), rng(6)));
      add('fc2_bias', [dim], uniformValues(dim, 1 / Math.sqrt(hid), rng(7)));
      if (variant === 'multiscale') {
        add('ffn_conv_kernel', [3, 3, hid, 1], uniformValues(9 * hid, 1 / 3, rng(8)));
        add('ffn_conv_bias', [hid], new Float32Array(hid));
      }
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = kwargs?.training === true;
    return tf.tidy(() => {
      let x = x0;
      if (this.core) {
        const h = layerNormalize(x, this.w.norm1_gamma.read(), this.w.norm1_beta.read());
        let y = this.core.forward(h);
        if (this.opts.variant === 'efficient') y = tf.add(y, this.localBranch(h));
        x = tf.add(x, this.drop.call(y, { training }));
      }
      if (this.opts.mlpRatio > 0) {
        const h = layerNormalize(x, this.w.norm2_gamma.read(), this.w.norm2_beta.read());
        let m = linear(h, this.w.fc1_kernel, this.w.fc1_bias);
        if (this.opts.variant === 'multiscale') m = depthwise(m, this.w.ffn_conv_kernel, this.w.ffn_conv_bias);
        x = tf.add(x, this.drop.call(linear(gelu(m), this.w.fc2_kernel, this.w.fc2_bias), { training }));
      }
      return x;
    });
  }

  /** EfficientVMamba's local branch: depthwise 3×3 conv, then squeeze-excite over channels. */
  private localBranch(h: tf.Tensor): tf.Tensor {
    const c = depthwise(h, this.w.local_conv_kernel, this.w.local_conv_bias);
    const act = tf.mul(c, tf.sigmoid(c));
    const s = tf.mean(act, [1, 2]);
    const gate = tf.sigmoid(linear(tf.relu(linear(s, this.w.se_fc1_kernel)), this.w.se_fc2_kernel));
    return tf.mul(act, tf.reshape(gate, [gate.shape[0], 1, 1, this.opts.dim]));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.opts };
  }
}
tf.serialization.registerClass(VisionVSSBlock, 'statespace');

export { SCAN_KINDS };
