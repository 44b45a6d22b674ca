import type { Serialization } from '../serialize/orders';
import { SERIALIZATIONS } from '../serialize/orders';

export interface PcmStage {
  /** Anchors kept by farthest point sampling. */
  anchors: number;
  /** Neighbours per anchor (kNN). */
  k: number;
  /** Feature width of the stage. */
  dim: number;
  /** Bidirectional Mamba layers in the stage, each with its own order. */
  layers: number;
}

export interface PcmConfig {
  numPoints: number;
  numClasses: number;
  /** Width of the per-point embedding before the first stage. */
  embedDim: number;
  stages: PcmStage[];
  serialization: Serialization;
  /** CTS grid cell (in unit-sphere units) per stage; default 1.6 / sqrt(anchors) (≈ the anchor spacing on a surface). */
  gridSizes?: number[];
  numPrompts: number;
  dState: number;
  expand: number;
  headHidden: number;
  dropout: number;
  seed: number;
}

export interface PointNetConfig {
  numPoints: number;
  numClasses: number;
  widths: number[];
  headHidden: number;
  dropout: number;
  seed: number;
}

const PCM_BASE = { numPoints: 1024, numClasses: 10, serialization: 'cts' as Serialization, dState: 16, headHidden: 256, dropout: 0.5, seed: 0 };

/** Named PCM configurations. 'pcm' follows the paper's layout at reduced width; 'pcm-tiny' trains on a 2-core CPU. */
export const PCM_CONFIGS: Record<string, PcmConfig> = {
  pcm: { ...PCM_BASE, embedDim: 64, numPrompts: 6, expand: 2,
    stages: [{ anchors: 512, k: 12, dim: 96, layers: 1 }, { anchors: 256, k: 12, dim: 128, layers: 1 }, { anchors: 128, k: 12, dim: 192, layers: 2 }, { anchors: 64, k: 12, dim: 256, layers: 2 }] },
  // Sized for a shared 2-core CPU: ~1/3 of the work per cloud of a 256/64-anchor, 64/128-wide version.
  'pcm-tiny': { ...PCM_BASE, embedDim: 32, numPrompts: 2, expand: 1, dState: 8, headHidden: 128,
    stages: [{ anchors: 128, k: 12, dim: 48, layers: 1 }, { anchors: 32, k: 12, dim: 96, layers: 2 }] },
  micro: { ...PCM_BASE, numPoints: 64, numClasses: 3, embedDim: 8, numPrompts: 1, expand: 1, dState: 4, headHidden: 16, dropout: 0,
    stages: [{ anchors: 16, k: 4, dim: 8, layers: 1 }, { anchors: 8, k: 4, dim: 12, layers: 1 }] },
};

export const POINTNET_CONFIGS: Record<string, PointNetConfig> = {
  pointnet: { numPoints: 1024, numClasses: 10, widths: [64, 64, 128, 512], headHidden: 256, dropout: 0.5, seed: 0 },
  // the width PCM-tiny can be compared with on this machine
  'pointnet-small': { numPoints: 1024, numClasses: 10, widths: [32, 64, 128], headHidden: 128, dropout: 0.5, seed: 0 },
  micro: { numPoints: 64, numClasses: 3, widths: [8, 16], headHidden: 8, dropout: 0, seed: 0 },
};

const posInt = (where: string, name: string, v: unknown) => {
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${where}: '${name}' must be an integer >= 1, received ${JSON.stringify(v)}`);
};

function pick<T>(where: string, table: Record<string, T>, name: string): T {
  const c = table[name];
  if (!c) throw new Error(`${where}: unknown config '${name}', expected one of ${Object.keys(table).join(', ')}`);
  return c;
}

export function resolvePcmConfig(name: string, overrides: Partial<PcmConfig> = {}): PcmConfig {
  const c = { ...pick('buildPcm', PCM_CONFIGS, name), ...overrides };
  for (const k of ['numPoints', 'numClasses', 'embedDim', 'dState', 'headHidden'] as const) posInt('buildPcm', k, c[k]);
  if (!(SERIALIZATIONS as readonly string[]).includes(c.serialization)) throw new Error(`buildPcm: 'serialization' must be one of ${SERIALIZATIONS.join(', ')}, received ${c.serialization}`);
  if (!Array.isArray(c.stages) || c.stages.length === 0) throw new Error("buildPcm: 'stages' must be a non-empty array");
  let prev = c.numPoints;
  c.stages.forEach((s, i) => {
    for (const k of ['anchors', 'k', 'dim'] as const) posInt('buildPcm', `stages[${i}].${k}`, s[k]);
    if (!Number.isInteger(s.layers) || s.layers < 0) throw new Error(`buildPcm: 'stages[${i}].layers' must be an integer >= 0, received ${s.layers}`);
    if (s.anchors > prev) throw new Error(`buildPcm: 'stages[${i}].anchors' (${s.anchors}) must not exceed the previous level's ${prev} points`);
    if (s.k > prev) throw new Error(`buildPcm: 'stages[${i}].k' (${s.k}) must not exceed the previous level's ${prev} points`);
    prev = s.anchors;
  });
  if (c.gridSizes && c.gridSizes.length !== c.stages.length) throw new Error(`buildPcm: 'gridSizes' needs one entry per stage (${c.stages.length}), received ${c.gridSizes.length}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`buildPcm: 'dropout' must be in [0, 1), received ${c.dropout}`);
  return c;
}

export function resolvePointNetConfig(name: string, overrides: Partial<PointNetConfig> = {}): PointNetConfig {
  const c = { ...pick('buildPointNet', POINTNET_CONFIGS, name), ...overrides };
  for (const k of ['numPoints', 'numClasses', 'headHidden'] as const) posInt('buildPointNet', k, c[k]);
  if (!Array.isArray(c.widths) || c.widths.length === 0) throw new Error("buildPointNet: 'widths' must be a non-empty array of integers");
  c.widths.forEach((w, i) => posInt('buildPointNet', `widths[${i}]`, w));
  return c;
}
