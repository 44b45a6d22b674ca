import { ProgressBar } from '@statespace/ssm-core';
import { computeStats, normalize } from '../data/augment';
import { fileFeatures, rawFeatures, type FeatureConfig } from '../data/features';
import type { AudioItem } from '../data/layouts';

/** Featurized examples: one normalized Float32Array per clip and integer labels (−1 = unknown label). */
export interface FeatureSet {
  x: Float32Array[];
  y: Int32Array;
  files: string[];
}

export function labelIds(items: AudioItem[], classes: string[]): Int32Array {
  const index = new Map(classes.map((c, i) => [c, i]));
  return Int32Array.from(items, (it) => index.get(it.label) ?? -1);
}

/**
 * Featurizes the training items and computes the dataset mean/std on them (fbank), returning a
 * FeatureConfig carrying the stats, so the other splits and `predict` normalize the same way.
 */
export function featurizeTrain(items: AudioItem[], classes: string[], cfg: FeatureConfig, quiet = true): { set: FeatureSet; cfg: FeatureConfig } {
  const bar = new ProgressBar({ total: items.length, label: 'features', quiet });
  const raw = items.map((it) => {
    const f = rawFeatures(it.file, cfg);
    bar.tick();
    return f;
  });
  bar.done();
  const withStats: FeatureConfig = cfg.kind === 'fbank' ? { ...cfg, stats: computeStats(raw) } : cfg;
  const x = cfg.kind === 'fbank' ? raw.map((r) => normalize(r, withStats.stats!)) : raw;
  return { set: { x, y: labelIds(items, classes), files: items.map((i) => i.file) }, cfg: withStats };
}

/** Featurizes files with a config that already has its stats. */
export function featurize(items: AudioItem[], classes: string[], cfg: FeatureConfig, quiet = true): FeatureSet {
  const bar = new ProgressBar({ total: items.length, label: 'features', quiet });
  const x = items.map((it) => {
    const f = fileFeatures(it.file, cfg);
    bar.tick();
    return f;
  });
  bar.done();
  return { x, y: labelIds(items, classes), files: items.map((i) => i.file) };
}
