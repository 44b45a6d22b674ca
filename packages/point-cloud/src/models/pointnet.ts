import * as tfl from '@tensorflow/tfjs-layers';
import { RMSNorm, SeededDropout } from '@statespace/ssm-core';
import { resolvePointNetConfig, type PointNetConfig } from './config';
import { PcMaxPool } from './pointLayers';

type SymT = tfl.SymbolicTensor;

/**
 * PointNet baseline (vanilla: shared per-point MLP, max-pool, MLP head; no T-Nets, and RMSNorm instead of
 * BatchNorm). Input 'points' (B, N, 3) → logits. Trains through the same API as PCM (its input builder simply has
 * no stages).
 */
export function buildPointNet(name = 'pointnet', overrides: Partial<PointNetConfig> = {}): tfl.LayersModel {
  const c = resolvePointNetConfig(name, overrides);
  let seed = c.seed * 1000;
  const dense = (units: number, activation?: 'relu', n?: string) =>
    tfl.layers.dense({ units, activation, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }), name: n });
  const points = tfl.input({ shape: [c.numPoints, 3], name: 'points' });
  let h: SymT = points;
  c.widths.forEach((w, i) => {
    h = dense(w, undefined, `mlp${i}`).apply(h) as SymT;
    h = new RMSNorm({ name: `mlp${i}_ln` }).apply(h) as SymT;
    h = tfl.layers.activation({ activation: 'relu' }).apply(h) as SymT;
  });
  let g = new PcMaxPool({ axis: 1, name: 'global_pool' }).apply(h) as SymT;
  g = dense(c.headHidden, 'relu', 'head_hidden').apply(g) as SymT;
  if (c.dropout > 0) g = new SeededDropout({ rate: c.dropout, seed: seed++, name: 'head_dropout' }).apply(g) as SymT;
  const logits = dense(c.numClasses, undefined, 'logits').apply(g) as SymT;
  return tfl.model({ inputs: points, outputs: logits, name: `pointnet_${name}` });
}
