import { checkPositiveInt, resolveSeed } from '../lti/common';
import { resolveMambaConfig, type MambaConfig } from '../mamba/mambaConfig';

/** Options of the MambaMixer layer (ALGORITHMS §1.9). */
export interface MambaMixerOptions {
  /** Input and output width (required). */
  dModel: number;
  /** Sequence length L, the width of the channel mixer; taken from the input shape at build when absent. */
  seqLen?: number | null;
  /** Number of (token mixer, channel mixer) pairs (default 2). */
  nLayers?: number;
  /** N, the SSM state size of every mixer (default 16). */
  dState?: number;
  /** d_inner = expand · width of each mixer (default 2). */
  expand?: number;
  /** Width of the depthwise causal convolution of each direction (default 4, at most 8). */
  dConv?: number;
  /** Seed of the initial weights; a random one is drawn (and saved in the config) when absent. */
  seed?: number;
}

/** Resolved options, as saved in getConfig (seqLen null until known). */
export interface MambaMixerConfig {
  dModel: number;
  seqLen: number | null;
  nLayers: number;
  dState: number;
  expand: number;
  dConv: number;
  seed: number;
}

/** Checks and fills in defaults; errors name the layer, the option, what was expected and what was received. */
export function resolveMambaMixerConfig(layer: string, o: Partial<MambaMixerOptions> | undefined): MambaMixerConfig {
  if (o == null || typeof o !== 'object') throw new Error(`${layer}: expected an options object with 'dModel', received ${String(o)}`);
  if (o.dModel == null) throw new Error(`${layer}: option 'dModel' is required (an integer >= 1), received ${String(o.dModel)}`);
  const seqLen = o.seqLen == null ? null : checkPositiveInt(layer, 'seqLen', o.seqLen);
  const nLayers = checkPositiveInt(layer, 'nLayers', o.nLayers ?? 2);
  const seed = resolveSeed(layer, o.seed);
  // The per-mixer checks (dModel, dState, dConv, expand) are Mamba's; run them once now so errors come at construction.
  const m = resolveMambaConfig(layer, { dModel: o.dModel, dState: o.dState, dConv: o.dConv, expand: o.expand, seed });
  if (seqLen != null) resolveMambaConfig(layer, { dModel: seqLen, dState: m.dState, dConv: m.dConv, expand: m.expand, seed });
  return { dModel: m.dModel, seqLen, nLayers, dState: m.dState, expand: m.expand, dConv: m.dConv, seed };
}

/** The Mamba config of one mixer direction of width `width` (dModel for token mixers, L for channel mixers). */
export function mixerConfig(layer: string, c: MambaMixerConfig, width: number): MambaConfig {
  return resolveMambaConfig(layer, { dModel: width, dState: c.dState, dConv: c.dConv, expand: c.expand, seed: c.seed });
}
