import { mulberry32 } from '@statespace/ssm-core';
import type { AudioDataset, AudioItem } from './layouts';

export interface SplitItems {
  train: AudioItem[];
  validation: AudioItem[];
  test: AudioItem[];
}

export interface SplitOptions {
  /** Hold these speakers out as the test set (speaker-independent evaluation). */
  testSpeakers?: string[];
  /** Fraction of train held out for validation when the data has none (default 0). */
  validationFraction?: number;
  /** Test fraction used when the data has no split at all (default 0.2, stratified by label). */
  testFraction?: number;
  seed?: number;
}

/** Seeded stratified holdout: `fraction` of each label's items go to the second array. */
export function stratifiedHoldout(items: AudioItem[], fraction: number, seed: number): [AudioItem[], AudioItem[]] {
  const rng = mulberry32(seed);
  const byLabel = new Map<string, AudioItem[]>();
  for (const it of items) byLabel.set(it.label, [...(byLabel.get(it.label) ?? []), it]);
  const keep: AudioItem[] = [];
  const out: AudioItem[] = [];
  for (const group of byLabel.values()) {
    const g = [...group];
    for (let i = g.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [g[i], g[j]] = [g[j], g[i]];
    }
    const k = Math.round(g.length * fraction);
    out.push(...g.slice(0, k));
    keep.push(...g.slice(k));
  }
  return [keep, out];
}

/**
 * Train/validation/test items: the data's own split, or (testSpeakers) every item of those
 * speakers as test and the others' as train, or a stratified random split when the data has none.
 */
export function splitDataset(ds: AudioDataset, o: SplitOptions = {}): SplitItems {
  const seed = o.seed ?? 0;
  let train: AudioItem[];
  let validation: AudioItem[] = [];
  let test: AudioItem[];
  if (o.testSpeakers && o.testSpeakers.length > 0) {
    const known = new Set(ds.items.map((i) => i.speaker).filter((s): s is string => s != null));
    for (const s of o.testSpeakers) {
      if (!known.has(s)) throw new Error(`splitDataset: test speaker '${s}' is not in ${ds.root}; speakers: ${[...known].sort().join(', ') || '(none recorded)'}`);
    }
    const held = new Set(o.testSpeakers);
    test = ds.items.filter((i) => i.speaker != null && held.has(i.speaker));
    train = ds.items.filter((i) => !(i.speaker != null && held.has(i.speaker)));
  } else if (ds.items.some((i) => i.split === 'test')) {
    test = ds.items.filter((i) => i.split === 'test');
    validation = ds.items.filter((i) => i.split === 'validation');
    train = ds.items.filter((i) => i.split !== 'test' && i.split !== 'validation');
  } else {
    [train, test] = stratifiedHoldout(ds.items, o.testFraction ?? 0.2, seed);
  }
  if (validation.length === 0 && (o.validationFraction ?? 0) > 0) [train, validation] = stratifiedHoldout(train, o.validationFraction ?? 0, seed + 1);
  return { train, validation, test };
}

/** Distinct speakers of a dataset (sorted). */
export function speakersOf(ds: AudioDataset): string[] {
  return [...new Set(ds.items.map((i) => i.speaker).filter((s): s is string => s != null))].sort();
}
