import * as tfl from '@tensorflow/tfjs-layers';
import { Linear, SeededDropout } from '@statespace/ssm-core';
import { PcBatchNorm } from './batchNorm';
import { resolvePcmConfig, type PcmConfig } from './config';
import { PcMaxPool, PcSampleXyz } from './pointLayers';
import { PcGroupEmbed } from './groupEmbed';
import { PcOrderedMamba } from './orderedMamba';

type SymT = tfl.SymbolicTensor;

/** Index-table width of a stage: anchor index, k neighbours, then (order, inverse) per Mamba layer. */
export const stageIndexWidth = (k: number, layers: number) => 1 + k + 2 * layers;

/**
 * Point Cloud Mamba (ALGORITHMS.md §4). Inputs: 'points' (B, N, 3) and per stage s an int32 index table
 * 'stage{s}_index' (B, M_s, 1 + k + 2·layers) built on the CPU by `buildPointInputs` (FPS anchor, kNN, and each
 * layer's order and inverse). Embedding: Dense, BN, ReLU per point. Per stage: PcSampleXyz + PcGroupEmbed
 * (anchor-normalized kNN grouping fused with the pre-extraction MLP's first Dense) → BN, ReLU, Dense, BN, ReLU →
 * max over neighbours → PcOrderedMamba layers (layer ℓ uses variant ℓ mod 6 of the serialization, i.e. the 6 CTS
 * axis orders in turn). Then max-pool over points and a head (Dense, BN, ReLU, dropout, Dense) → logits. BN is
 * PcBatchNorm (PointMLP's batch norm; see there why not a per-point norm); the Mamba layers keep RMSNorm per token.
 */
export function buildPcm(name = 'pcm-tiny', overrides: Partial<PcmConfig> = {}): tfl.LayersModel {
  const c = resolvePcmConfig(name, overrides);
  let seed = c.seed * 1000;
  const dense = (units: number, activation?: 'relu', layerName?: string) => new Linear({ units, activation, seed: seed++, name: layerName });
  const points = tfl.input({ shape: [c.numPoints, 3], name: 'points' });
  let xyz: SymT = points;
  const bnRelu = (x: SymT, layerName: string) =>
    tfl.layers.activation({ activation: 'relu' }).apply(new PcBatchNorm({ name: layerName }).apply(x)) as SymT;
  let feat = bnRelu(dense(c.embedDim, undefined, 'embed').apply(points) as SymT, 'embed_bn');
  const inputs: SymT[] = [points];
  let layerIndex = 0;
  c.stages.forEach((s, si) => {
    const idx = tfl.input({ shape: [s.anchors, stageIndexWidth(s.k, s.layers)], dtype: 'int32', name: `stage${si}_index` });
    inputs.push(idx);
    // grouping + the pre-extraction MLP's first Dense, fused (PcGroupEmbed ≡ PcGroup → Dense, without the grouped tensor)
    let h = new PcGroupEmbed({ k: s.k, units: s.dim, seed: seed++, name: `stage${si}_group` }).apply([xyz, feat, idx]) as SymT;
    h = bnRelu(h, `stage${si}_bn1`);
    h = bnRelu(dense(s.dim, undefined, `stage${si}_pre2`).apply(h) as SymT, `stage${si}_bn2`);
    feat = new PcMaxPool({ axis: 2, name: `stage${si}_pool` }).apply(h) as SymT;
    xyz = new PcSampleXyz({ name: `stage${si}_xyz` }).apply([xyz, idx]) as SymT;
    const gridSize = c.gridSizes?.[si] ?? 1.6 / Math.sqrt(s.anchors);
    for (let j = 0; j < s.layers; j++) {
      feat = new PcOrderedMamba({
        name: `stage${si}_mamba${j}`, dModel: s.dim, orderColumn: 1 + s.k + 2 * j, serialization: c.serialization,
        variant: layerIndex++ % 6, gridSize, numPrompts: c.numPrompts, dState: c.dState, expand: c.expand, seed: c.seed * 1000 + 100 + layerIndex,
      }).apply([feat, xyz, idx]) as SymT;
    }
  });
  let g = new PcMaxPool({ axis: 1, name: 'global_pool' }).apply(feat) as SymT;
  g = bnRelu(dense(c.headHidden, undefined, 'head_hidden').apply(g) as SymT, 'head_bn');
  if (c.dropout > 0) g = new SeededDropout({ rate: c.dropout, seed: seed++, name: 'head_dropout' }).apply(g) as SymT;
  const logits = dense(c.numClasses, undefined, 'logits').apply(g) as SymT;
  return tfl.model({ inputs, outputs: logits, name: `pcm_${name}` });
}
