import * as fs from 'fs';
import * as path from 'path';
import { loadForecastData, resolveColumns } from './forecastData';
import { splitBorders } from './splits';
import { planStreaming, streamWindowBatches } from './streamWindows';
import { DATA_DIR, hasData, syntheticCsv, tempDir } from './testUtil';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ETT protocol (ALGORITHMS §2.3) on a synthetic CSV', () => {
  // cell (t, j) = t + 0.001 j, so every unscaled value names its row.
  const file = syntheticCsv(dir, 'ETTh1.csv', 14500, 3, (t, j) => t + 0.001 * j);
  it('has the exact borders, train-only scaler and stride-1 windows', async () => {
    const L = 96, H = 24;
    const d = await loadForecastData(file, { lookback: L, horizon: H });
    expect(d.protocol).toBe('ett-hour');
    expect(d.borders).toEqual({ train: [0, 8640], val: [8640 - L, 11520], test: [11520 - L, 14400] });
    // Train rows are 0..8639 → mean 4319.5, population std sqrt((8640² − 1) / 12).
    expect(d.scaler.mean[0]).toBeCloseTo(4319.5, 6);
    expect(d.scaler.std[0]).toBeCloseTo(Math.sqrt((8640 * 8640 - 1) / 12), 6);
    expect(d.train.count).toBe(8640 - L - H + 1);
    expect(d.test.count).toBe(14400 - (11520 - L) - L - H + 1);
    const unscale = (v: number) => v * d.scaler.std[0] + d.scaler.mean[0];
    const { x, y } = d.test.gather([0, 1, d.test.count - 1]);
    const C = 3;
    expect(unscale(x[0])).toBeCloseTo(11520 - L, 1); // first test window's history starts at 11520 − L
    expect(unscale(y[0])).toBeCloseTo(11520, 1); // and its first target is row 11520
    expect(unscale(x[L * C])).toBeCloseTo(11520 - L + 1, 1); // stride 1
    expect(unscale(y[(2 * H + H - 1) * C])).toBeCloseTo(14399, 1); // the last target is the last test row
    const v = d.val.gather([0]);
    expect(unscale(v.y[0])).toBeCloseTo(8640, 1);
  });
  it('15-minute borders are ×4, and a too-short file is refused', () => {
    expect(splitBorders('ett-minute', 57600, 96)).toEqual({ train: [0, 34560], val: [34560 - 96, 46080], test: [46080 - 96, 57600] });
    expect(() => splitBorders('ett-hour', 14000, 96)).toThrow(/needs at least 14400 rows.*has 14000/);
  });
});

describe('70/10/20 split, modes, errors', () => {
  const file = syntheticCsv(dir, 'other.csv', 1000, 4, (t, j) => Math.sin(t / (j + 2)) + j);
  it('splits by time 70/10/20 with val/test starting lookback early', async () => {
    const d = await loadForecastData(file, { lookback: 24, horizon: 12 });
    expect(d.protocol).toBe('ratio');
    expect(d.borders).toEqual({ train: [0, 700], val: [676, 800], test: [776, 1000] });
    expect(d.train.count).toBe(700 - 36 + 1);
  });
  it('modes M, S, MS pick inputs and targets', () => {
    const cols = ['c0', 'c1', 'c2', 'OT'];
    expect(resolveColumns(cols, 'M')).toEqual({ inputCols: [0, 1, 2, 3], targetCols: [0, 1, 2, 3] });
    expect(resolveColumns(cols, 'S')).toEqual({ inputCols: [3], targetCols: [3] });
    expect(resolveColumns(cols, 'MS', ['c1'])).toEqual({ inputCols: [0, 1, 2, 3], targetCols: [1] });
    expect(() => resolveColumns(cols, 'MS', ['zz'])).toThrow(/unknown target column 'zz'; available: c0, c1, c2, OT/);
    expect(() => resolveColumns(cols, 'X' as never)).toThrow(/mode: expected one of M, S, MS, received 'X'/);
  });
  it('refuses a series shorter than lookback + horizon', async () => {
    const short = syntheticCsv(dir, 'short.csv', 100, 2, (t) => t);
    await expect(loadForecastData(short, { lookback: 96, horizon: 96 })).rejects.toThrow(/train split has 70 rows.*lookback \+ horizon = 192/);
  });
  it('seeded shuffled batches: reproducible, a permutation, different per seed', async () => {
    const d = await loadForecastData(file, { lookback: 24, horizon: 12 });
    const a = d.train.batchIndices(32, (await import('@statespace/ssm-core')).mulberry32(5));
    const b = d.train.batchIndices(32, (await import('@statespace/ssm-core')).mulberry32(5));
    const c = d.train.batchIndices(32, (await import('@statespace/ssm-core')).mulberry32(6));
    const flat = (x: Int32Array[]) => x.flatMap((y) => Array.from(y));
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    expect(flat(a).sort((p, q) => p - q)).toEqual(Array.from({ length: d.train.count }, (_, i) => i));
  });
  it('streamed windows equal the in-memory ones (files larger than memory)', async () => {
    const d = await loadForecastData(file, { lookback: 24, horizon: 12, mode: 'MS' });
    const plan = await planStreaming(file, 24);
    expect(plan.borders).toEqual(d.borders);
    for (let j = 0; j < 4; j++) {
      expect(plan.scaler.mean[j]).toBeCloseTo(d.scaler.mean[j], 5);
      expect(plan.scaler.std[j]).toBeCloseTo(d.scaler.std[j], 5);
    }
    let seen = 0;
    for await (const b of streamWindowBatches(file, { lookback: 24, horizon: 12, range: d.borders.test, scaler: d.scaler, inputCols: [0, 1, 2, 3], targetCols: [3], batch: 50 })) {
      const want = d.test.gather(Array.from({ length: b.count }, (_, i) => b.first + i));
      expect(Array.from(b.x)).toEqual(Array.from(want.x));
      expect(Array.from(b.y)).toEqual(Array.from(want.y));
      seen += b.count;
    }
    expect(seen).toBe(d.test.count);
  });
});

const real = hasData('ett', 'ETTh1.csv');
(real ? it : it.skip)('ETTh1: 8449 / 2785 / 2785 windows at L = H = 96, scaler from train rows', async () => {
  const file = path.join(DATA_DIR, 'ett', 'ETTh1.csv');
  const d = await loadForecastData(file, { lookback: 96, horizon: 96 });
  expect([d.train.count, d.val.count, d.test.count]).toEqual([8449, 2785, 2785]);
  const ot = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1, 8641).map((l) => Number(l.split(',')[7]));
  const mean = ot.reduce((a, b) => a + b, 0) / ot.length;
  expect(d.scaler.mean[6]).toBeCloseTo(mean, 4);
});
