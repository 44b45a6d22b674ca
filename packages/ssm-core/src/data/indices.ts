import { mulberry32, type Rng } from '../train/seed';

function assertCount(op: string, name: string, v: unknown, min: number): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${op}: argument '${name}' must be an integer >= ${min}, received ${String(v)}`);
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates with the given generator). */
export function shuffledIndices(n: number, rng: Rng): Int32Array {
  assertCount('shuffledIndices', 'n', n, 0);
  if (typeof rng !== 'function') throw new Error(`shuffledIndices: argument 'rng' must be a function returning [0, 1), received ${typeof rng}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * 0..n-1 cut into batches of `batch` (shuffled first when `rng` is given). The last batch is smaller
 * unless `dropLast`, which drops it (so every batch has exactly `batch` items).
 */
export function batchIndices(n: number, batch: number, rng?: Rng, dropLast = false): Int32Array[] {
  assertCount('batchIndices', 'n', n, 0);
  assertCount('batchIndices', 'batch', batch, 1);
  let order: Int32Array;
  if (rng) order = shuffledIndices(n, rng);
  else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    if (dropLast && e - s < batch) break;
    out.push(order.slice(s, e));
  }
  return out;
}

/**
 * k folds that keep class proportions: each class's indices are shuffled (seeded) and dealt to the
 * folds in turn, continuing the turn across classes so fold sizes differ by at most one. Each index is
 * in exactly one test fold. train/test lists are sorted ascending.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): { train: Int32Array; test: Int32Array }[] {
  const OP = 'stratifiedKFold';
  if (labels == null || typeof labels.length !== 'number') throw new Error(`${OP}: argument 'labels' must be an array of integer labels, received ${String(labels)}`);
  assertCount(OP, 'k', k, 2);
  const n = labels.length;
  if (k > n) throw new Error(`${OP}: argument 'k' (${k}) must be <= the number of samples (${n})`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y)) throw new Error(`${OP}: labels[${i}] must be an integer, received ${String(y)}`);
    const list = byClass.get(y) ?? [];
    list.push(i);
    byClass.set(y, list);
  }
  const rng = mulberry32(seed);
  const foldOf = new Int32Array(n);
  let turn = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(cls)!;
    const order = shuffledIndices(members.length, rng);
    for (const j of order) {
      foldOf[members[j]] = turn;
      turn = (turn + 1) % k;
    }
  }
  const folds: { train: Int32Array; test: Int32Array }[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}
