import * as fs from 'fs';
import * as path from 'path';
import { loadCsvSeries } from './series';
import { arSeries, stableArCoefficients, writeDemoCsv } from './synthetic';
import { tempDir } from './testUtil';

it('AR(p) coefficients are stable and the series follows its recursion', () => {
  for (const p of [1, 2, 4, 8]) {
    const phi = stableArCoefficients(p, 7);
    expect(phi.length).toBe(p);
    const x = arSeries(phi, 3000, 3);
    const v = x.reduce((s, a) => s + a * a, 0) / x.length;
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0.5); // at least the unit noise variance
    expect(v).toBeLessThan(1e4); // stable: no blow-up
    // residuals x_t − Σ φ_i x_{t−i} are the unit-variance noise
    let r2 = 0;
    for (let t = p; t < x.length; t++) {
      let e = x[t];
      for (let i = 0; i < p; i++) e -= phi[i] * x[t - 1 - i];
      r2 += e * e;
    }
    expect(r2 / (x.length - p)).toBeCloseTo(1, 0);
  }
});

it('AR(p) roots lie in the asked modulus range; bad arguments are clear errors', () => {
  // p = 2: φ = (2 r cos θ, −r²), so r = √(−φ₂) must fall in [minRadius, radius].
  for (let seed = 0; seed < 20; seed++) {
    const r = Math.sqrt(-stableArCoefficients(2, seed, 0.99, 0.9)[1]);
    expect(r).toBeGreaterThanOrEqual(0.9 - 1e-12);
    expect(r).toBeLessThanOrEqual(0.99 + 1e-12);
  }
  // p = 1: the one real root is ±r with r in the range.
  const a = Math.abs(stableArCoefficients(1, 3, 0.99, 0.9)[0]);
  expect(a).toBeGreaterThanOrEqual(0.9);
  expect(a).toBeLessThanOrEqual(0.99);
  expect(() => stableArCoefficients(0, 1)).toThrow(/stableArCoefficients: p expects an integer >= 1, received 0/);
  expect(() => stableArCoefficients(2, 1, 1.2)).toThrow(/expected 0 <= minRadius <= radius < 1, received minRadius 0.72, radius 1.2/);
  expect(() => stableArCoefficients(2, 1, 0.9, 0.95)).toThrow(/received minRadius 0.95, radius 0.9/);
});

it('the demo CSV loads with a date column and OT', async () => {
  const dir = tempDir();
  const f = path.join(dir, 'demo.csv');
  writeDemoCsv(f, 500);
  const s = await loadCsvSeries(f);
  expect(s.columns).toEqual(['load', 'temp', 'humidity', 'OT']);
  expect(s.length).toBe(500);
  fs.rmSync(dir, { recursive: true, force: true });
});
