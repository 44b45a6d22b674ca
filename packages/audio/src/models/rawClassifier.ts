import * as tfl from '@tensorflow/tfjs-layers';
import { Block, Mamba, RMSNorm, S4D } from '@statespace/ssm-core';

export interface RawClassifierConfig {
  /** Samples per clip (8,000–16,000 for the LSSL/S4 task). */
  length: number;
  dModel: number;
  depth: number;
  dState: number;
  mixer: 's4d' | 'mamba';
  dropout: number;
  /**
   * Samples per token (default 1: every sample is a step, as in LSSL/S4). A value > 1 embeds
   * non-overlapping frames of that many samples with one Dense, so the SSM runs on length/frame
   * steps: on 2 CPU cores the full-rate model is ~30 s per batch of 16 (measured), too slow to train here.
   */
  frame: number;
  seed: number;
}

export const RAW_SIZES: Record<string, Pick<RawClassifierConfig, 'dModel' | 'depth' | 'dState'>> = {
  nano: { dModel: 8, depth: 1, dState: 4 },
  micro: { dModel: 32, depth: 4, dState: 32 },
  tiny: { dModel: 64, depth: 6, dState: 64 },
};

export function rawClassifierConfig(size = 'micro', o: Partial<RawClassifierConfig> = {}): RawClassifierConfig {
  const base = RAW_SIZES[size];
  if (!base) throw new Error(`s4d-raw: size must be one of ${Object.keys(RAW_SIZES).join(', ')}, received '${size}'`);
  const c: RawClassifierConfig = { length: 8000, mixer: 's4d', dropout: 0, frame: 1, seed: 0, ...base, ...o };
  for (const k of ['length', 'dModel', 'depth', 'dState', 'frame'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`s4d-raw: option '${k}' must be an integer >= 1, received ${String(c[k])}`);
  }
  if (c.mixer !== 's4d' && c.mixer !== 'mamba') throw new Error(`s4d-raw: option 'mixer' must be 's4d' or 'mamba', received '${String(c.mixer)}'`);
  if (c.length % c.frame !== 0) throw new Error(`s4d-raw: option 'length' (${c.length}) must be a multiple of 'frame' (${c.frame})`);
  if (c.mixer === 's4d' && c.dState % 2 !== 0) throw new Error(`s4d-raw: option 'dState' must be even for S4D, received ${c.dState}`);
  return c;
}

/**
 * Raw-waveform classifier (the LSSL/S4 Speech Commands task): samples (B, L, 1) → Dense(dModel) →
 * depth × Block(S4D or Mamba) over all L samples → RMSNorm → mean over time → Dense(numClasses).
 * S4D's FFT convolution keeps a layer O(L log L), so 16,000-sample clips run without pooling.
 */
export function buildRawClassifier(c: RawClassifierConfig, numClasses: number): tfl.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`s4d-raw: numClasses must be an integer >= 2, received ${String(numClasses)}`);
  const input = tfl.input({ shape: [c.length, 1], name: 'waveform' });
  const framed = c.frame > 1 ? tfl.layers.reshape({ targetShape: [c.length / c.frame, c.frame], name: 'raw_frames' }).apply(input) as tfl.SymbolicTensor : input;
  let h = tfl.layers.dense({ units: c.dModel, name: 'raw_in', kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed }) }).apply(framed) as tfl.SymbolicTensor;
  for (let i = 0; i < c.depth; i++) {
    const seed = c.seed + 1 + i;
    const mixer = c.mixer === 's4d' ? new S4D({ dModel: c.dModel, dState: c.dState, dropout: c.dropout, seed }) : new Mamba({ dModel: c.dModel, dState: c.dState, seed });
    h = new Block({ mixer, name: `raw_block_${i}` }).apply(h) as tfl.SymbolicTensor;
  }
  h = new RMSNorm({ name: 'raw_norm' }).apply(h) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling1d({ name: 'raw_pool' }).apply(h) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: numClasses, name: 'raw_classifier', kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed + 99 }) })
    .apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'raw_classifier_model' });
}
