import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerVariable } from '@tensorflow/tfjs-layers';

export interface PatchGrid {
  frames: number; // spectrogram time frames
  bins: number; // mel bins
  patch: number; // square patch side (16)
  tstride: number;
  fstride: number;
}

export interface AudioPatchEmbedArgs extends LayerArgs, PatchGrid {
  dModel: number;
  seed?: number;
}

const NAME = 'AudioPatchEmbed';

/** Patch counts along time and frequency of a (frames, bins) spectrogram. */
export function gridShape(g: PatchGrid): { nt: number; nf: number; count: number } {
  const nt = Math.floor((g.frames - g.patch) / g.tstride) + 1;
  const nf = Math.floor((g.bins - g.patch) / g.fstride) + 1;
  if (nt < 1 || nf < 1) throw new Error(`${NAME}: a ${g.frames}×${g.bins} spectrogram holds no ${g.patch}×${g.patch} patch`);
  return { nt, nf, count: nt * nf };
}

function checkInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${NAME}: option '${name}' must be an integer >= 1, received ${String(v)}`);
  return v;
}

/**
 * SSAST/SSAMBA patch embedding (ALGORITHMS §5): a (frames, bins) log-mel spectrogram is cut into
 * patch×patch patches by a strided conv (time stride, frequency stride), giving tokens in
 * time-major order; with a second input mask (batch, P) of 0/1 the masked tokens are replaced by a
 * learned mask embedding (self-supervised pretraining). A learned cls token is prepended and
 * learned position embeddings (P + 1, dModel) are added. Output (batch, P + 1, dModel).
 */
export class AudioPatchEmbed extends tfl.layers.Layer {
  static className = NAME;
  readonly grid: PatchGrid;
  readonly dModel: number;
  readonly seed: number;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  private pos: LayerVariable | null = null;
  private cls: LayerVariable | null = null;
  private maskEmb: LayerVariable | null = null;

  constructor(args: AudioPatchEmbedArgs) {
    super(args);
    this.grid = {
      frames: checkInt('frames', args.frames), bins: checkInt('bins', args.bins), patch: checkInt('patch', args.patch),
      tstride: checkInt('tstride', args.tstride), fstride: checkInt('fstride', args.fstride),
    };
    this.dModel = checkInt('dModel', args.dModel);
    this.seed = args.seed ?? 0;
    gridShape(this.grid);
  }

  override build(): void {
    const { patch } = this.grid;
    const d = this.dModel;
    const P = gridShape(this.grid).count;
    this.kernel = this.addWeight('proj_kernel', [patch, patch, 1, d], 'float32', tfl.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('proj_bias', [d], 'float32', tfl.initializers.zeros());
    // Truncated-normal(0.02) as in AST/SSAST for pos, cls and mask embeddings.
    this.pos = this.addWeight('pos_embedding', [P + 1, d], 'float32', tfl.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed + 1 }));
    this.cls = this.addWeight('cls_token', [1, d], 'float32', tfl.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed + 2 }));
    this.maskEmb = this.addWeight('mask_embedding', [1, d], 'float32', tfl.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed + 3 }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [spec, mask] = Array.isArray(inputs) ? inputs : [inputs, undefined];
    const { frames, bins, tstride, fstride } = this.grid;
    if (spec.rank !== 3 || spec.shape[1] !== frames || spec.shape[2] !== bins) {
      throw new Error(`${NAME}: input must be (batch, ${frames}, ${bins}) log-mel features, received shape [${spec.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const B = spec.shape[0];
      const P = gridShape(this.grid).count;
      const x4 = tf.reshape(spec, [B, frames, bins, 1]) as tf.Tensor4D;
      const conv = tf.add(tf.conv2d(x4, this.kernel!.read() as tf.Tensor4D, [tstride, fstride], 'valid'), this.bias!.read());
      let tokens = tf.reshape(conv, [B, P, this.dModel]);
      if (mask) {
        const m = tf.reshape(tf.cast(mask, 'float32'), [B, P, 1]);
        tokens = tf.add(tf.mul(tokens, tf.sub(1, m)), tf.mul(m, this.maskEmb!.read()));
      }
      const cls = tf.tile(tf.reshape(this.cls!.read(), [1, 1, this.dModel]), [B, 1, 1]);
      return tf.add(tf.concat([cls, tokens], 1), this.pos!.read());
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0], gridShape(this.grid).count + 1, this.dModel];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.grid, dModel: this.dModel, seed: this.seed };
  }
}
tf.serialization.registerClass(AudioPatchEmbed, 'statespace');

/** Drops the cls token and averages the patch tokens (SSAMBA's fine-tuning pooling): (B, 1+P, D) → (B, D). */
export class AudioMeanTokenPool extends tfl.layers.Layer {
  static className = 'AudioMeanTokenPool';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.mean(tf.slice(x, [0, 1, 0], [-1, -1, -1]), 1));
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0], s[2]];
  }
}
tf.serialization.registerClass(AudioMeanTokenPool, 'statespace');

/**
 * Cuts a normalized spectrogram batch (B, frames, bins) into the non-overlapping patch×patch
 * patches of the pretraining grid, flattened: (B, P, patch²) in the conv's token order. These are
 * the targets of the generative and discriminative heads.
 */
export function patchify(spec: tf.Tensor3D, g: PatchGrid): tf.Tensor3D {
  if (g.tstride !== g.patch || g.fstride !== g.patch) throw new Error(`patchify: pretraining needs non-overlapping patches (strides = patch = ${g.patch}), received tstride ${g.tstride}, fstride ${g.fstride}`);
  const { nt, nf } = gridShape(g);
  const p = g.patch;
  return tf.tidy(() => {
    const B = spec.shape[0];
    const crop = tf.slice(spec, [0, 0, 0], [B, nt * p, nf * p]);
    const r = tf.reshape(crop, [B, nt, p, nf, p]);
    return tf.reshape(tf.transpose(r, [0, 1, 3, 2, 4]), [B, nt * nf, p * p]) as tf.Tensor3D;
  });
}
