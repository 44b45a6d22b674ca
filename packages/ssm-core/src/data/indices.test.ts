import * as path from 'path';
import { mulberry32 } from '../train/seed';
import { shuffledIndices, batchIndices, stratifiedKFold } from './indices';
import { resolveDataDir } from './resolveDataDir';

const sorted = (a: Int32Array) => Array.from(a).sort((x, y) => x - y);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('data helpers', () => {
  it('shuffledIndices is a seeded permutation and roughly uniform', () => {
    const a = shuffledIndices(50, mulberry32(1));
    expect(sorted(a)).toEqual(range(50));
    expect(Array.from(shuffledIndices(50, mulberry32(1)))).toEqual(Array.from(a));
    expect(Array.from(shuffledIndices(50, mulberry32(2)))).not.toEqual(Array.from(a));
    // Uniformity: over many shuffles of 3 items, each of the 6 permutations appears ~1/6 of the time.
    const rng = mulberry32(3);
    const counts = new Map<string, number>();
    const trials = 6000;
    for (let t = 0; t < trials; t++) {
      const k = Array.from(shuffledIndices(3, rng)).join('');
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(shuffledIndices(0, rng).length).toBe(0);
    expect(() => shuffledIndices(-1, rng)).toThrow(/argument 'n' must be an integer >= 0, received -1/);
  });

  it('batchIndices covers every index once, keeps or drops the ragged batch', () => {
    const plain = batchIndices(10, 4);
    expect(plain.map((b) => Array.from(b))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const shuffled = batchIndices(10, 4, mulberry32(5));
    expect(shuffled.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(shuffled.flatMap((b) => Array.from(b)).sort((x, y) => x - y)).toEqual(range(10));
    expect(batchIndices(10, 4, mulberry32(5), true).map((b) => b.length)).toEqual([4, 4]);
    expect(() => batchIndices(10, 0)).toThrow(/argument 'batch' must be an integer >= 1, received 0/);
  });

  it('stratifiedKFold: disjoint test folds covering all, class proportions kept, seeded', () => {
    const labels = [...Array(30).fill(0), ...Array(12).fill(1), ...Array(6).fill(2)];
    const folds = stratifiedKFold(labels, 3, 7);
    expect(folds).toHaveLength(3);
    const allTest = folds.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
    expect(allTest).toEqual(range(labels.length));
    for (const f of folds) {
      expect(f.test.length + f.train.length).toBe(labels.length);
      const inTest = new Set(f.test);
      expect(Array.from(f.train).some((i) => inTest.has(i))).toBe(false);
      // Independent count: each class contributes exactly 1/3 of its members to each fold.
      for (const [cls, total] of [[0, 30], [1, 12], [2, 6]]) {
        expect(Array.from(f.test).filter((i) => labels[i] === cls).length).toBe(total / 3);
      }
    }
    expect(stratifiedKFold(labels, 3, 7)).toEqual(folds);
    expect(stratifiedKFold(labels, 3, 8)).not.toEqual(folds);
    // Ragged class sizes: fold sizes still differ by at most one.
    const sizes = stratifiedKFold([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2], 4, 1).map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(() => stratifiedKFold([0, 1], 3, 0)).toThrow(/argument 'k' \(3\) must be <= the number of samples \(2\)/);
    expect(() => stratifiedKFold([0, 1.5, 1], 2, 0)).toThrow(/labels\[1\] must be an integer, received 1.5/);
  });

  it('resolveDataDir: $STATESPACE_DATA, else <repo>/../shared/datasets', () => {
    const saved = process.env.STATESPACE_DATA;
    try {
      process.env.STATESPACE_DATA = '/tmp/somewhere';
      expect(resolveDataDir('a', 'b.csv')).toBe(path.join('/tmp/somewhere', 'a', 'b.csv'));
      delete process.env.STATESPACE_DATA;
      const repo = path.resolve(__dirname, '..', '..', '..', '..');
      expect(resolveDataDir('x')).toBe(path.resolve(repo, '..', 'shared', 'datasets', 'x'));
    } finally {
      if (saved === undefined) delete process.env.STATESPACE_DATA;
      else process.env.STATESPACE_DATA = saved;
    }
  });
});
