import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { addValueWeight, buildWidth } from '../lti/common';
import { rmsNormalize } from '../norm/common';
import { MambaCore } from '../mamba/mambaCore';
import { fmtShape } from '../../util/validate';
import { mixerConfig, resolveMambaMixerConfig, type MambaMixerConfig, type MambaMixerOptions } from './mambaMixerConfig';

export interface MambaMixerArgs extends LayerArgs, MambaMixerOptions {}

const NAME = 'MambaMixer';
/** eps of the per-mixer pre-norm RMSNorm (as RMSNorm's default). */
const NORM_EPS = 1e-5;

/** One bidirectional selective mixer: its pre-norm gain and the two Mamba directions (separate weights). */
interface BiMixer {
  gamma: LayerVariable;
  fwd: MambaCore;
  bwd: MambaCore;
}

/** The prefix of mixer m's weights: even m mix tokens, odd m mix channels. */
export const mixerPrefix = (m: number): string => `mixer${m}_${m % 2 === 0 ? 'token' : 'channel'}/`;

/**
 * MambaMixer (Behrouz et al. 2024; ALGORITHMS §1.9): nLayers pairs of (selective token mixer,
 * selective channel mixer). Each mixer is a pre-norm residual bidirectional Mamba (BiMamba, §1.8:
 * Mamba_f(h) + flip(Mamba_b(flip(h))), conv and gating as in Mamba, separate weights per direction):
 *   token mixer m:   y_m = u_m + BiMamba(RMSNorm(u_m))                  along L, width dModel
 *   channel mixer m: y_m = u_m + BiMamba(RMSNorm(u_mᵀ))ᵀ, u_mᵀ (b, dModel, L): a sequence of length
 *                    dModel with L features (so L is fixed at build; RMSNorm over those L features).
 * Dense weighted-average connections: with y_0 = x (the embedding), the input of mixer m (0-based)
 * is u_m = Σ_{j<=m} α_m[j] y_j and the layer output is Σ_{j<=2·nLayers} α_out[j] y_j. The α are plain
 * learned scalars (no softmax, so a mixer may also take differences), initialised one-hot on the
 * latest output: at init the layer is exactly the usual pre-norm residual stack.
 * Weights: `${mixerPrefix(m)}norm_gamma`, `${mixerPrefix(m)}fwd/…`, `…bwd/…` (MambaCore names,
 * ssm_ prefix on A_log, D, dt_bias), `dense_avg_${m}` and `dense_avg_out`.
 * Not causal (the channel mixer sees every token), so no step mode; no masks (padding would leak
 * into real tokens through the channel mixer).
 */
export class MambaMixer extends tfl.layers.Layer {
  static className = NAME;
  readonly config: MambaMixerConfig;
  private mixers: BiMixer[] = [];
  private alphas: LayerVariable[] = [];

  constructor(args: MambaMixerArgs) {
    super(args ?? {});
    this.config = resolveMambaMixerConfig(NAME, args);
  }

  /** The sequence length the layer was built for (null before build when not configured). */
  get seqLen(): number | null {
    return this.config.seqLen;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const { dModel, nLayers } = this.config;
    buildWidth(NAME, inputShape, dModel);
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const L = this.config.seqLen ?? shape[1];
    if (L == null) {
      throw new Error(`${NAME}: the channel mixer's width is the sequence length L; give option 'seqLen' or an input shape with a known L, received shape [${shape.map(String).join(', ')}]`);
    }
    if (shape[1] != null && shape[1] !== L) {
      throw new Error(`${NAME}: input length must equal option 'seqLen'=${L} (the channel mixer's width), received shape [${shape.map(String).join(', ')}]`);
    }
    this.config.seqLen = L;
    const tokenCfg = mixerConfig(NAME, this.config, dModel);
    let channelCfg;
    try {
      channelCfg = mixerConfig(NAME, this.config, L);
    } catch (e) {
      throw new Error(`${(e as Error).message} (channel mixer: its 'dModel' is the sequence length L=${L})`);
    }
    for (let m = 0; m < 2 * nLayers; m++) {
      const [cfg, width, p] = [m % 2 === 0 ? tokenCfg : channelCfg, m % 2 === 0 ? dModel : L, mixerPrefix(m)];
      // Seed streams: MambaCore uses base + 0..6, so bases 10 apart keep every direction of every mixer distinct.
      const mixer = { gamma: addValueWeight(this, `${p}norm_gamma`, [width], new Float32Array(width).fill(1)),
        fwd: new MambaCore(NAME, cfg, `${p}fwd/`, 20 * m), bwd: new MambaCore(NAME, cfg, `${p}bwd/`, 20 * m + 10) };
      mixer.fwd.build(this);
      mixer.bwd.build(this);
      this.mixers.push(mixer);
    }
    for (let m = 0; m <= 2 * nLayers; m++) {
      const init = new Float32Array(m + 1);
      init[m] = 1; // one-hot on the latest output (softmax-free scalars)
      this.alphas.push(addValueWeight(this, m < 2 * nLayers ? `dense_avg_${m}` : 'dense_avg_out', [m + 1], init));
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs?.mask != null) throw new Error(`${NAME}: masks are not supported (the channel mixer mixes all tokens, so padding would reach real tokens); received a mask`);
    const L = this.config.seqLen as number;
    if (!(x instanceof tf.Tensor) || x.rank !== 3 || x.shape[1] !== L || x.shape[2] !== this.config.dModel) {
      const got = x instanceof tf.Tensor ? `shape ${fmtShape(x.shape)}` : String(x);
      throw new Error(`${NAME}: input must have shape (batch, L=${L}, dModel=${this.config.dModel}) (L is fixed at build: it is the channel mixer's width), received ${got}`);
    }
    return tf.tidy(() => {
      const outs: tf.Tensor[] = [x];
      this.mixers.forEach((mixer, m) => {
        const u = this.average(m, outs);
        const tokens = m % 2 === 0;
        const seq = tokens ? u : tf.transpose(u, [0, 2, 1]);
        const h = tf.mul(rmsNormalize(seq, NORM_EPS), mixer.gamma.read());
        const mixed = tf.add(mixer.fwd.forward(h), tf.reverse(mixer.bwd.forward(tf.reverse(h, 1)), 1));
        outs.push(tf.add(u, tokens ? mixed : tf.transpose(mixed, [0, 2, 1])));
      });
      return this.average(this.mixers.length, outs);
    });
  }

  /** Σ_j α_k[j] · outs[j] over the outputs so far (k = mixer index, or 2·nLayers for the layer output). */
  private average(k: number, outs: tf.Tensor[]): tf.Tensor {
    // One stack + weighted sum (tf.unstack's gradient fails when some pieces get no gradient).
    return tf.sum(tf.mul(tf.stack(outs, -1), this.alphas[k].read()), -1);
  }

  initialState(): never {
    throw new Error(`${NAME}: no step mode: the layer is not causal (the channel mixer sees all L tokens at once); call it on the whole sequence`);
  }

  step(): never {
    return this.initialState();
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as tfl.Shape) : inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}
tf.serialization.registerClass(MambaMixer, 'statespace');

export function mambaMixer(args: MambaMixerArgs): MambaMixer {
  return new MambaMixer(args);
}
