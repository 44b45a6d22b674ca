import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BiMamba, Block, RMSNorm } from '@statespace/ssm-core';
import { AudioMeanTokenPool, AudioPatchEmbed, gridShape, type PatchGrid } from './patchEmbed';

export interface SsambaConfig extends PatchGrid {
  dModel: number;
  depth: number;
  dState: number;
  dropPath: number;
  seed: number;
}

/** Named sizes: tiny is the paper's (width 192, depth 24); micro, mini and nano fit 2 CPU cores and tests. */
export const SSAMBA_SIZES: Record<string, Pick<SsambaConfig, 'dModel' | 'depth' | 'dState'>> = {
  nano: { dModel: 16, depth: 1, dState: 4 },
  mini: { dModel: 64, depth: 2, dState: 16 },
  micro: { dModel: 64, depth: 4, dState: 16 },
  tiny: { dModel: 192, depth: 24, dState: 16 },
  small: { dModel: 384, depth: 24, dState: 16 },
};

const OP = 'ssamba';

/** Resolves a named size plus overrides; input defaults: 100 frames (1 s) × 128 mel bins, 16×16 patches, stride 16. */
export function ssambaConfig(size = 'tiny', o: Partial<SsambaConfig> = {}): SsambaConfig {
  const base = SSAMBA_SIZES[size];
  if (!base) throw new Error(`${OP}: size must be one of ${Object.keys(SSAMBA_SIZES).join(', ')}, received '${size}'`);
  const c: SsambaConfig = { frames: 100, bins: 128, patch: 16, tstride: 16, fstride: 16, dropPath: 0, seed: 0, ...base, ...o };
  for (const k of ['frames', 'bins', 'patch', 'tstride', 'fstride', 'dModel', 'depth', 'dState'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`${OP}: option '${k}' must be an integer >= 1, received ${String(c[k])}`);
  }
  if (!(c.dropPath >= 0 && c.dropPath < 1)) throw new Error(`${OP}: option 'dropPath' must be in [0, 1), received ${c.dropPath}`);
  gridShape(c);
  return c;
}

/** patch embed → depth × Block(BiMamba) → RMSNorm, as layer names shared by the pretraining and fine-tuning models. */
function encoder(c: SsambaConfig, inputs: tfl.SymbolicTensor | tfl.SymbolicTensor[]): tfl.SymbolicTensor {
  const embed = new AudioPatchEmbed({ ...c, name: 'ssamba_patch_embed', seed: c.seed });
  let h = embed.apply(inputs) as tfl.SymbolicTensor;
  for (let i = 0; i < c.depth; i++) {
    const mixer = new BiMamba({ dModel: c.dModel, dState: c.dState, seed: c.seed + 10 + i });
    // Stochastic depth grows linearly with depth, as in Vim/SSAMBA.
    const dropPath = c.depth > 1 ? (c.dropPath * i) / (c.depth - 1) : c.dropPath;
    h = new Block({ mixer, dropPath, seed: c.seed + 100 + i, name: `ssamba_block_${i}` }).apply(h) as tfl.SymbolicTensor;
  }
  return new RMSNorm({ name: 'ssamba_norm' }).apply(h) as tfl.SymbolicTensor;
}

/**
 * SSAMBA pretraining model: inputs [spectrogram (B, frames, bins), mask (B, P) 0/1] → outputs
 * [discriminative head, generative head], each (B, 1 + P, patch²) (token 0 is cls; losses use the masked tokens).
 */
export function buildSsambaPretrainModel(c: SsambaConfig): tfl.LayersModel {
  const P = gridShape(c).count;
  const spec = tfl.input({ shape: [c.frames, c.bins], name: 'spectrogram' });
  const mask = tfl.input({ shape: [P], name: 'patch_mask' });
  const h = encoder(c, [spec, mask]);
  const p2 = c.patch * c.patch;
  const disc = tfl.layers.dense({ units: p2, name: 'ssamba_disc_head', kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed + 7 }) }).apply(h) as tfl.SymbolicTensor;
  const gen = tfl.layers.dense({ units: p2, name: 'ssamba_gen_head', kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed + 8 }) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [spec, mask], outputs: [disc, gen], name: 'ssamba_pretrain' });
}

/** SSAMBA classifier: spectrogram → encoder → mean of the patch tokens → Dense(numClasses) logits. */
export function buildSsambaClassifier(c: SsambaConfig, numClasses: number): tfl.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`${OP}: numClasses must be an integer >= 2, received ${String(numClasses)}`);
  const spec = tfl.input({ shape: [c.frames, c.bins], name: 'spectrogram' });
  const pooled = new AudioMeanTokenPool({ name: 'ssamba_pool' }).apply(encoder(c, spec)) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: numClasses, name: 'ssamba_classifier', kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed + 9 }) })
    .apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: spec, outputs: logits, name: 'ssamba_classifier_model' });
}

/**
 * Copies the encoder weights of a pretrained model into `target` by layer name (SSAST-style
 * transfer). Position embeddings of a different patch grid are resized bilinearly over the
 * (time, frequency) grid; the cls slot is kept. Returns the names of the layers copied.
 */
export function transferEncoderWeights(source: tfl.LayersModel, target: tfl.LayersModel): string[] {
  const copied: string[] = [];
  for (const layer of target.layers) {
    if (!layer.name.startsWith('ssamba_') || layer.name.includes('head') || layer.name === 'ssamba_classifier') continue;
    let src: tfl.layers.Layer;
    try {
      src = source.getLayer(layer.name);
    } catch {
      continue;
    }
    const sw = src.getWeights();
    const tw = layer.getWeights();
    if (sw.length !== tw.length) throw new Error(`transferEncoderWeights: layer ${layer.name} has ${sw.length} weights in the source and ${tw.length} in the target`);
    const values = sw.map((w, i) => {
      if (w.shape.join() === tw[i].shape.join()) return w.clone();
      if (layer instanceof AudioPatchEmbed && src instanceof AudioPatchEmbed && w.rank === 2) return resizePositions(w as tf.Tensor2D, src, layer);
      throw new Error(`transferEncoderWeights: weight ${i} of ${layer.name} is [${w.shape}] in the source but [${tw[i].shape}] in the target`);
    });
    layer.setWeights(values);
    values.forEach((v) => v.dispose());
    copied.push(layer.name);
  }
  if (copied.length === 0) throw new Error('transferEncoderWeights: the source model has no SSAMBA encoder layers (ssamba_patch_embed, ssamba_block_*)');
  return copied;
}

function resizePositions(pos: tf.Tensor2D, src: AudioPatchEmbed, dst: AudioPatchEmbed): tf.Tensor2D {
  const a = gridShape(src.grid);
  const b = gridShape(dst.grid);
  return tf.tidy(() => {
    const d = pos.shape[1];
    const cls = tf.slice(pos, [0, 0], [1, d]);
    const grid = tf.reshape(tf.slice(pos, [1, 0], [a.count, d]), [1, a.nt, a.nf, d]) as tf.Tensor4D;
    const resized = tf.reshape(tf.image.resizeBilinear(grid, [b.nt, b.nf], true), [b.count, d]);
    return tf.concat([cls, resized], 0) as tf.Tensor2D;
  });
}
