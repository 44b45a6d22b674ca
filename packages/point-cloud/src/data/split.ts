import { mulberry32 } from '@statespace/ssm-core';

/**
 * Seeded stratified hold-out: from each class, round(fraction · count) shapes (at least 1 when the class has 2+)
 * go to `holdout`, chosen by a Fisher–Yates shuffle of the class's indices. Both lists come back sorted.
 */
export function stratifiedHoldout(labels: ArrayLike<number>, fraction: number, seed: number): { train: Int32Array; holdout: Int32Array } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`stratifiedHoldout: 'fraction' must be in (0, 1), received ${fraction}`);
  const rng = mulberry32(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const train: number[] = [], hold: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = byClass.get(c)!;
    for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    const k = idx.length < 2 ? 0 : Math.max(1, Math.round(fraction * idx.length));
    hold.push(...idx.slice(0, k));
    train.push(...idx.slice(k));
  }
  return { train: Int32Array.from(train.sort((a, b) => a - b)), holdout: Int32Array.from(hold.sort((a, b) => a - b)) };
}

/** The shapes at `idx` of a flat (S, N, 3) array. */
export function selectShapes(points: Float32Array, numPoints: number, idx: ArrayLike<number>): Float32Array {
  const per = numPoints * 3;
  const out = new Float32Array(idx.length * per);
  for (let j = 0; j < idx.length; j++) out.set(points.subarray(idx[j] * per, (idx[j] + 1) * per), j * per);
  return out;
}
