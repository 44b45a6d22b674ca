import * as tfl from '@tensorflow/tfjs-layers';
import { Linear, SeededDropout } from '@statespace/ssm-core';
import { PcBatchNorm } from './batchNorm';
import { resolvePointNetConfig, type PointNetConfig } from './config';
import { PcMaxPool } from './pointLayers';

type SymT = tfl.SymbolicTensor;

/**
 * PointNet baseline (vanilla: shared per-point MLP with batch norm, max-pool, MLP head; no T-Nets). Input 'points' (B, N, 3) → logits. Trains through the same API as PCM (its input builder simply has
 * no stages).
 */
export function buildPointNet(name = 'pointnet', overrides: Partial<PointNetConfig> = {}): tfl.LayersModel {
  const c = resolvePointNetConfig(name, overrides);
  let seed = c.seed * 1000;
  const dense = (units: number, activation?: 'relu', layerName?: string) => new Linear({ units, activation, seed: seed++, name: layerName });
  const points = tfl.input({ shape: [c.numPoints, 3], name: 'points' });
  let h: SymT = points;
  c.widths.forEach((w, i) => {
    h = dense(w, undefined, `mlp${i}`).apply(h) as SymT;
    h = new PcBatchNorm({ name: `mlp${i}_bn` }).apply(h) as SymT;
    h = tfl.layers.activation({ activation: 'relu' }).apply(h) as SymT;
  });
  let g = new PcMaxPool({ axis: 1, name: 'global_pool' }).apply(h) as SymT;
  g = dense(c.headHidden, undefined, 'head_hidden').apply(g) as SymT;
  g = new PcBatchNorm({ name: 'head_bn' }).apply(g) as SymT;
  g = tfl.layers.activation({ activation: 'relu' }).apply(g) as SymT;
  if (c.dropout > 0) g = new SeededDropout({ rate: c.dropout, seed: seed++, name: 'head_dropout' }).apply(g) as SymT;
  const logits = dense(c.numClasses, undefined, 'logits').apply(g) as SymT;
  return tfl.model({ inputs: points, outputs: logits, name: `pointnet_${name}` });
}
