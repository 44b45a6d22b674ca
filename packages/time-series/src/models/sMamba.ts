import * as tfl from '@tensorflow/tfjs-layers';
import { BiMamba } from '@statespace/ssm-core';
import { layerNorm } from './layerNorm';
import { checkPosInt, checkRate, dense, resolvePreset } from './common';
import { outputHead, TsInstanceNorm } from './instanceNorm';
import type { ForecastShape } from './shape';

/** S-Mamba (ALGORITHMS §2.2): variates as tokens, bidirectional Mamba over the variate axis, FFN. */
export interface SMambaConfig {
  dModel: number; // E: token width
  dFF: number;
  eLayers: number;
  dState: number;
  dConv: number;
  expand: number;
  dropout: number;
  useNorm: boolean; // instance normalization of the lookback (de-normalized at the output)
  seed: number;
}

/** 'paper' is the ETTh1 script (E = d_ff = 256, 2 layers, N = 2, d_conv 2, expand 1); smaller presets for tests and demos. */
export const S_MAMBA_PRESETS: Record<string, SMambaConfig> = {
  paper: { dModel: 256, dFF: 256, eLayers: 2, dState: 2, dConv: 2, expand: 1, dropout: 0.1, useNorm: true, seed: 0 },
  small: { dModel: 128, dFF: 128, eLayers: 2, dState: 2, dConv: 2, expand: 1, dropout: 0.1, useNorm: true, seed: 0 },
  micro: { dModel: 16, dFF: 16, eLayers: 1, dState: 2, dConv: 2, expand: 1, dropout: 0, useNorm: true, seed: 0 },
};

export function resolveSMambaConfig(preset = 'paper', overrides: Partial<SMambaConfig> = {}): SMambaConfig {
  const c = resolvePreset('S-Mamba', S_MAMBA_PRESETS, preset, overrides);
  for (const k of ['dModel', 'dFF', 'eLayers', 'dState', 'dConv', 'expand'] as const) checkPosInt('S-Mamba', k, c[k]);
  checkRate('S-Mamba', 'dropout', c.dropout);
  return c;
}

/** (batch, lookback, inputs) → (batch, horizon, targets). */
export function buildSMamba(shape: ForecastShape, preset = 'paper', overrides: Partial<SMambaConfig> = {}): tfl.LayersModel {
  const c = resolveSMambaConfig(preset, overrides);
  const { lookback: L, horizon: H, nInputs: V, targetChannels } = shape;
  const x = tfl.input({ shape: [L, V], name: 'window' });
  let h = c.useNorm ? (new TsInstanceNorm({ name: 'instance_norm' }).apply(x) as tfl.SymbolicTensor) : x;
  h = tfl.layers.permute({ dims: [2, 1], name: 'to_variate_tokens' }).apply(h) as tfl.SymbolicTensor; // (V, L)
  let e = dense('embed', c.dModel, c.seed + 1000).apply(h) as tfl.SymbolicTensor; // one token per variate
  for (let i = 0; i < c.eLayers; i++) {
    const mix = new BiMamba({ dModel: c.dModel, dState: c.dState, dConv: c.dConv, expand: c.expand, seed: c.seed + 17 * i, name: `bimamba_${i}` });
    let m = mix.apply(e) as tfl.SymbolicTensor;
    if (c.dropout > 0) m = tfl.layers.dropout({ rate: c.dropout, name: `drop_mix_${i}` }).apply(m) as tfl.SymbolicTensor;
    e = tfl.layers.add({ name: `res_mix_${i}` }).apply([e, m]) as tfl.SymbolicTensor;
    e = layerNorm(`norm1_${i}`).apply(e) as tfl.SymbolicTensor;
    let f = dense(`ffn1_${i}`, c.dFF, c.seed + 1001 + 10 * i, 'gelu').apply(e) as tfl.SymbolicTensor;
    if (c.dropout > 0) f = tfl.layers.dropout({ rate: c.dropout, name: `drop_ffn_${i}` }).apply(f) as tfl.SymbolicTensor;
    f = dense(`ffn2_${i}`, c.dModel, c.seed + 1002 + 10 * i).apply(f) as tfl.SymbolicTensor;
    e = tfl.layers.add({ name: `res_ffn_${i}` }).apply([e, f]) as tfl.SymbolicTensor;
    e = layerNorm(`norm2_${i}`).apply(e) as tfl.SymbolicTensor;
  }
  e = layerNorm('encoder_norm').apply(e) as tfl.SymbolicTensor;
  let y = dense('project', H, c.seed + 1999).apply(e) as tfl.SymbolicTensor; // (V, H)
  y = tfl.layers.permute({ dims: [2, 1], name: 'to_time' }).apply(y) as tfl.SymbolicTensor; // (H, V)
  const out = outputHead(y, x, c.useNorm, targetChannels);
  return tfl.model({ inputs: x, outputs: out, name: 's_mamba' });
}
