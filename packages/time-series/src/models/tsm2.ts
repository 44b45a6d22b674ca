import * as tfl from '@tensorflow/tfjs-layers';
import { MambaMixer } from '@statespace/ssm-core';
import { layerNorm } from './layerNorm';
import { checkPosInt, dense, resolvePreset } from './common';
import { outputHead, TsInstanceNorm } from './instanceNorm';
import type { ForecastShape } from './shape';

/**
 * TSM2 (MambaMixer for time series, ALGORITHMS §1.9): instance norm → each variate's window embedded as a token
 * (Linear L → E) → ssm-core's MambaMixer (selective token mixer over variates + selective channel mixer over the
 * embedding, weighted-average skips) → Linear E → horizon → de-normalize.
 */
export interface Tsm2Config {
  dModel: number;
  nLayers: number;
  dState: number;
  expand: number;
  dConv: number;
  useNorm: boolean;
  seed: number;
}

export const TSM2_PRESETS: Record<string, Tsm2Config> = {
  paper: { dModel: 128, nLayers: 2, dState: 16, expand: 1, dConv: 2, useNorm: true, seed: 0 },
  micro: { dModel: 16, nLayers: 1, dState: 4, expand: 1, dConv: 2, useNorm: true, seed: 0 },
};

export function buildTsm2(shape: ForecastShape, preset = 'paper', overrides: Partial<Tsm2Config> = {}): tfl.LayersModel {
  const c = resolvePreset('TSM2', TSM2_PRESETS, preset, overrides);
  for (const k of ['dModel', 'nLayers', 'dState', 'expand', 'dConv'] as const) checkPosInt('TSM2', k, c[k]);
  const { lookback: L, horizon: H, nInputs: V, targetChannels } = shape;
  const x = tfl.input({ shape: [L, V], name: 'window' });
  let h = c.useNorm ? (new TsInstanceNorm({ name: 'instance_norm' }).apply(x) as tfl.SymbolicTensor) : x;
  h = tfl.layers.permute({ dims: [2, 1], name: 'to_variate_tokens' }).apply(h) as tfl.SymbolicTensor;
  h = dense('embed', c.dModel, c.seed + 1000).apply(h) as tfl.SymbolicTensor;
  h = new MambaMixer({ dModel: c.dModel, seqLen: V, nLayers: c.nLayers, dState: c.dState, expand: c.expand, dConv: c.dConv, seed: c.seed, name: 'mixer' }).apply(h) as tfl.SymbolicTensor;
  h = layerNorm('out_norm').apply(h) as tfl.SymbolicTensor;
  let y = dense('project', H, c.seed + 1999).apply(h) as tfl.SymbolicTensor;
  y = tfl.layers.permute({ dims: [2, 1], name: 'to_time' }).apply(y) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: outputHead(y, x, c.useNorm, targetChannels), name: 'tsm2' });
}
