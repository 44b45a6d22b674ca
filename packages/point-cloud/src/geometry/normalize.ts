import type { Rng } from '@statespace/ssm-core';
import { checkCount, checkXyz, farthestPointSample as farthest } from './fps';

/** Centres a cloud on its centroid and scales it so the farthest point is at distance 1 (in place; returns it). */
export function normalizeToUnitSphere(xyz: Float32Array): Float32Array {
  const n = checkXyz('normalizeToUnitSphere', xyz);
  if (n === 0) return xyz;
  let cx = 0, cy = 0, cz = 0;
  for (let i = 0; i < n; i++) { cx += xyz[3 * i]; cy += xyz[3 * i + 1]; cz += xyz[3 * i + 2]; }
  cx /= n; cy /= n; cz /= n;
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    const dx = xyz[3 * i] - cx, dy = xyz[3 * i + 1] - cy, dz = xyz[3 * i + 2] - cz;
    r2 = Math.max(r2, dx * dx + dy * dy + dz * dz);
  }
  if (!Number.isFinite(r2)) throw new Error('normalizeToUnitSphere: the cloud has non-finite coordinates');
  const s = r2 > 0 ? 1 / Math.sqrt(r2) : 1;
  for (let i = 0; i < n; i++) {
    xyz[3 * i] = (xyz[3 * i] - cx) * s; xyz[3 * i + 1] = (xyz[3 * i + 1] - cy) * s; xyz[3 * i + 2] = (xyz[3 * i + 2] - cz) * s;
  }
  return xyz;
}

/**
 * Resamples a cloud of N points to exactly `count`: 'fps' keeps the farthest-point subset (count ≤ N) ,
 * 'random' draws without replacement; with count > N the cloud is padded by drawing random points again
 * (with an rng) or repeating points cyclically (without one). Channels per point: `channels` (3, or 6 with normals).
 */
export function resample(points: Float32Array, count: number, o: { rng?: Rng; method?: 'random' | 'fps' | 'first'; channels?: number } = {}): Float32Array {
  const c = o.channels ?? 3;
  if (points.length % c !== 0) throw new Error(`resample: points length ${points.length} is not a multiple of channels=${c}`);
  const n = points.length / c;
  if (n === 0) throw new Error('resample: the cloud is empty');
  checkCount('resample', 'count', count, 1);
  let idx: Int32Array;
  if (count <= n && o.method === 'fps') {
    const xyz = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) xyz[3 * i + a] = points[i * c + a];
    idx = farthest(xyz, count);
  } else {
    idx = new Int32Array(count);
    if (o.rng && o.method !== 'first') {
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(o.rng() * (i + 1)); const t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
      for (let j = 0; j < count; j++) idx[j] = j < n ? perm[j] : perm[Math.floor(o.rng() * n)];
    } else {
      for (let j = 0; j < count; j++) idx[j] = j % n;
    }
  }
  const out = new Float32Array(count * c);
  for (let j = 0; j < count; j++) for (let a = 0; a < c; a++) out[j * c + a] = points[idx[j] * c + a];
  return out;
}
