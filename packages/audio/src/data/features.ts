import * as fs from 'fs';
import { readWav } from './wav';
import { resample } from './resample';
import { fbank } from './fbank';
import { normalize, type FeatureStats } from './augment';

/** How a clip becomes model input; stored with checkpoints so `evaluate`/`predict` featurize the same way. */
export interface FeatureConfig {
  kind: 'fbank' | 'raw';
  /** Rate everything is resampled to (fbank default 16000, raw default 8000). */
  sampleRate: number;
  /** fbank: frames kept (pad/crop, default 100 = 1 s); raw: samples kept (default 8000). */
  length: number;
  numMelBins: number;
  /** fbank normalization (dataset mean and std of the training features); raw clips are RMS-normalized. */
  stats?: FeatureStats;
}

export function featureConfig(kind: 'fbank' | 'raw', o: Partial<FeatureConfig> = {}): FeatureConfig {
  const c: FeatureConfig = kind === 'fbank'
    ? { kind, sampleRate: 16000, length: 100, numMelBins: 128, ...o }
    : { kind, sampleRate: 8000, length: 8000, numMelBins: 0, ...o };
  if (!Number.isInteger(c.sampleRate) || c.sampleRate < 1000) throw new Error(`features: sampleRate must be an integer >= 1000, received ${String(c.sampleRate)}`);
  if (!Number.isInteger(c.length) || c.length < 1) throw new Error(`features: length must be an integer >= 1, received ${String(c.length)}`);
  return c;
}

/** Centre crop or zero pad (at the end) to `length` rows of `width` values. */
export function fitLength(x: Float32Array, rows: number, width: number, length: number): Float32Array {
  const out = new Float32Array(length * width);
  if (rows >= length) {
    const start = Math.floor((rows - length) / 2);
    out.set(x.subarray(start * width, (start + length) * width));
  } else out.set(x.subarray(0, rows * width));
  return out;
}

/** Mono samples of `file` at `rate`. */
export function loadAudio(file: string, rate: number): Float32Array {
  const a = readWav(file);
  return a.sampleRate === rate ? a.samples : resample(a.samples, a.sampleRate, rate);
}

/**
 * Per-process cache of un-normalized features by (file, size, config): the benchmark featurizes
 * the same clips for several runs. Entries are never handed out for mutation (callers copy).
 */
const cache = new Map<string, { mtimeMs: number; x: Float32Array }>();
let cachedValues = 0;
const CACHE_LIMIT = 64 * 1024 * 1024; // values (256 MB)

/** Un-normalized features of one file: fbank (length × bins) or a raw clip (length) scaled to unit RMS. Do not mutate. */
export function rawFeatures(file: string, c: FeatureConfig): Float32Array {
  const key = `${file}|${c.kind}|${c.sampleRate}|${c.length}|${c.numMelBins}`;
  let mtimeMs = 0;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    // readWav below reports the missing file
  }
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.x;
  const x = computeFeatures(file, c);
  if (cachedValues + x.length <= CACHE_LIMIT) {
    cache.set(key, { mtimeMs, x });
    cachedValues += x.length;
  }
  return x;
}

function computeFeatures(file: string, c: FeatureConfig): Float32Array {
  const x = loadAudio(file, c.sampleRate);
  if (c.kind === 'raw') {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    const scale = 1 / Math.max(Math.sqrt(s / Math.max(x.length, 1)), 1e-4);
    const y = fitLength(x, x.length, 1, c.length);
    for (let i = 0; i < y.length; i++) y[i] *= scale;
    return y;
  }
  const f = fbank(x, { sampleRate: c.sampleRate, numMelBins: c.numMelBins });
  if (f.frames === 0) throw new Error(`features: ${file} is too short for one 25 ms frame (${x.length} samples at ${c.sampleRate} Hz)`);
  return fitLength(f.data, f.frames, f.bins, c.length);
}

/** Normalized model input of one file (stats required for fbank). */
export function fileFeatures(file: string, c: FeatureConfig): Float32Array {
  const x = rawFeatures(file, c);
  if (c.kind === 'raw') return x;
  if (!c.stats) throw new Error('features: fbank features need dataset stats (mean, std); compute them on the training set first');
  return normalize(x, c.stats);
}
