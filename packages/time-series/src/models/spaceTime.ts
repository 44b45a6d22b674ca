import * as tfl from '@tensorflow/tfjs-layers';
import { layerNorm } from './layerNorm';
import { checkPosInt, checkRate, dense, resolvePreset } from './common';
import { TsClosedLoopSSM, TsCompanionSSM, TsPreprocessKernels } from './companionLayers';
import { outputHead, TsInstanceNorm } from './instanceNorm';
import type { ForecastShape } from './shape';

/**
 * SpaceTime (ALGORITHMS §2.1): frozen preprocessing kernels → linear embedding → encoder blocks (first a shift
 * SSM, then companion SSMs; each pre-norm residual SSM sublayer + MLP sublayer) → closed-loop companion decoder
 * that forecasts the whole horizon in one pass → linear output. Instance normalization of the window is our
 * recipe choice (as for S-Mamba), switchable.
 */
export interface SpaceTimeConfig {
  dModel: number;
  encoderLayers: number;
  nKernels: number; // kernels per SSM, each repeated over dModel / nKernels channels ("heads")
  kernelDim: number; // d: companion matrices are d × d
  dFF: number;
  dropout: number;
  diffOrders: number[];
  maWindows: number[];
  normalizeA: boolean;
  useNorm: boolean;
  /** LayerNorm before the closed-loop decoder (paper: yes). Off in the linear `ar` preset: a LayerNorm over the channels is not linear in the input. */
  decoderNorm: boolean;
  /** The closed loop's A: 'companion' (paper) or 'shift' (a = 0; A + bK is then exactly a companion matrix with last row K). */
  decoderKind: 'companion' | 'shift';
  seed: number;
}

export const SPACETIME_PRESETS: Record<string, SpaceTimeConfig> = {
  // Paper defaults: encoder 3 blocks of width 128, 32 × 32 companion matrices, 4 heads; decoder 1 closed-loop block.
  paper: { dModel: 128, encoderLayers: 3, nKernels: 4, kernelDim: 32, dFF: 256, dropout: 0.1, diffOrders: [1, 2], maWindows: [4, 24], normalizeA: true, useNorm: true, decoderNorm: true, decoderKind: 'companion', seed: 0 },
  micro: { dModel: 16, encoderLayers: 1, nKernels: 2, kernelDim: 8, dFF: 16, dropout: 0, diffOrders: [1], maWindows: [4], normalizeA: true, useNorm: true, decoderNorm: true, decoderKind: 'companion', seed: 0 },
  // The model of the paper's AR(p) proposition: no encoder, one closed-loop companion SSM of state size d ≥ p
  // between scalar input and output maps, nothing nonlinear; it can represent the AR(p) forecast exactly.
  ar: { dModel: 1, encoderLayers: 0, nKernels: 1, kernelDim: 16, dFF: 1, dropout: 0, diffOrders: [], maWindows: [], normalizeA: false, useNorm: false, decoderNorm: false, decoderKind: 'companion', seed: 0 },
};

export function resolveSpaceTimeConfig(preset = 'paper', overrides: Partial<SpaceTimeConfig> = {}): SpaceTimeConfig {
  const c = resolvePreset('SpaceTime', SPACETIME_PRESETS, preset, overrides);
  for (const k of ['dModel', 'nKernels', 'kernelDim', 'dFF'] as const) checkPosInt('SpaceTime', k, c[k]);
  if (!Number.isInteger(c.encoderLayers) || c.encoderLayers < 0) throw new Error(`SpaceTime: option 'encoderLayers' expects an integer >= 0, received ${String(c.encoderLayers)}`);
  checkRate('SpaceTime', 'dropout', c.dropout);
  if (c.decoderKind !== 'companion' && c.decoderKind !== 'shift') throw new Error(`SpaceTime: option 'decoderKind' expects 'companion' or 'shift', received '${String(c.decoderKind)}'`);
  for (const k of ['decoderNorm', 'normalizeA', 'useNorm'] as const) {
    if (typeof c[k] !== 'boolean') throw new Error(`SpaceTime: option '${k}' expects true or false, received ${String(c[k])}`);
  }
  if (c.dModel % c.nKernels !== 0) throw new Error(`SpaceTime: dModel ${c.dModel} must be a multiple of nKernels ${c.nKernels}`);
  return c;
}

type T = tfl.SymbolicTensor;

export function buildSpaceTime(shape: ForecastShape, preset = 'paper', overrides: Partial<SpaceTimeConfig> = {}): tfl.LayersModel {
  const c = resolveSpaceTimeConfig(preset, overrides);
  const { lookback: L, horizon: H, nInputs: V, targetChannels } = shape;
  const x = tfl.input({ shape: [L, V], name: 'window' });
  let h: T = c.useNorm ? (new TsInstanceNorm({ name: 'instance_norm' }).apply(x) as T) : x;
  h = new TsPreprocessKernels({ diffOrders: c.diffOrders, maWindows: c.maWindows, name: 'preprocess' }).apply(h) as T;
  h = dense('embed', c.dModel, c.seed + 1000).apply(h) as T;
  const ssm = { nKernels: c.nKernels, kernelDim: c.kernelDim, normalize: c.normalizeA };
  for (let i = 0; i < c.encoderLayers; i++) {
    let s = layerNorm(`enc${i}_norm1`).apply(h) as T;
    s = new TsCompanionSSM({ ...ssm, kind: i === 0 ? 'shift' : 'companion', seed: c.seed + 11 * i + 1, name: `enc${i}_ssm` }).apply(s) as T;
    s = dense(`enc${i}_ssm_out`, c.dModel, c.seed + 1001 + 10 * i, 'gelu').apply(s) as T;
    if (c.dropout > 0) s = tfl.layers.dropout({ rate: c.dropout, name: `enc${i}_drop1` }).apply(s) as T;
    h = tfl.layers.add({ name: `enc${i}_res1` }).apply([h, s]) as T;
    let f = layerNorm(`enc${i}_norm2`).apply(h) as T;
    f = dense(`enc${i}_mlp1`, c.dFF, c.seed + 1002 + 10 * i, 'gelu').apply(f) as T;
    f = dense(`enc${i}_mlp2`, c.dModel, c.seed + 1003 + 10 * i).apply(f) as T;
    if (c.dropout > 0) f = tfl.layers.dropout({ rate: c.dropout, name: `enc${i}_drop2` }).apply(f) as T;
    h = tfl.layers.add({ name: `enc${i}_res2` }).apply([h, f]) as T;
  }
  let d = c.decoderNorm ? (layerNorm('dec_norm').apply(h) as T) : h;
  d = new TsClosedLoopSSM({ ...ssm, kind: c.decoderKind, horizon: H, seed: c.seed + 101, name: 'dec_closed_loop' }).apply(d) as T;
  const y = dense('project', V, c.seed + 1999).apply(d) as T; // (H, V)
  return tfl.model({ inputs: x, outputs: outputHead(y, x, c.useNorm, targetChannels), name: 'spacetime' });
}
