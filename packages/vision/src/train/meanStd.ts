import type { ImageSource } from '../data/source';
import { makeBatch } from '../data/dataset';

/** Per-channel mean and std of up to `n` evenly spaced training images (for input normalization). */
export async function estimateMeanStd(source: ImageSource, channels: number, size: number, n = 512): Promise<{ mean: number[]; std: number[] }> {
  const step = Math.max(1, Math.floor(source.size / n));
  const idx = Array.from({ length: Math.min(n, source.size) }, (_, i) => i * step).filter((i) => i < source.size);
  const b = await makeBatch(source, idx, { size: Math.min(size, source.height), channels });
  const sum = new Array(channels).fill(0);
  const sq = new Array(channels).fill(0);
  for (let i = 0; i < b.x.length; i++) { sum[i % channels] += b.x[i]; sq[i % channels] += b.x[i] * b.x[i]; }
  const count = b.x.length / channels;
  const mean = sum.map((s) => s / count);
  const std = sq.map((s, c) => Math.max(1e-3, Math.sqrt(s / count - mean[c] * mean[c])));
  return { mean, std };
}
