import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, regressionMetrics } from '@statespace/ssm-core';
import { loadForecastData } from '../data/forecastData';
import { DATA_DIR, hasData, syntheticCsv, tempDir } from '../data/testUtil';
import { choleskySolve, LinearPeer } from './linearPeer';
import { MetricAccumulator } from './metrics';
import { forecastSvg } from './plots';

const dir = tempDir();
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('the accumulator equals the kit regressionMetrics on the same values, in batches', () => {
  const truth = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i) + 2);
  const pred = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i) + 2 + 0.1 * Math.cos(3 * i));
  const acc = new MetricAccumulator();
  acc.add(truth.subarray(0, 25), pred.subarray(0, 25), 5);
  acc.add(truth.subarray(25), pred.subarray(25), 7);
  const want = regressionMetrics(truth, pred);
  const got = acc.result();
  expect(got.mse).toBeCloseTo(want.mse, 10);
  expect(got.mae).toBeCloseTo(want.mae, 10);
  expect(got.rmse).toBeCloseTo(want.rmse, 10);
  expect(got.windows).toBe(12);
  expect(() => acc.add([1], [NaN], 1)).toThrow(/non-finite prediction/);
});

it('choleskySolve solves a known system', () => {
  const A = Float64Array.from([4, 2, 2, 3]);
  const X = choleskySolve(A, Float64Array.from([2, 1]), 2, 1); // 4x+2y=2, 2x+3y=1 → x=0.5, y=0
  expect(X[0]).toBeCloseTo(0.5, 12);
  expect(X[1]).toBeCloseTo(0, 12);
});

it('the linear peer recovers an exactly linear process, and the forecast plot renders', async () => {
  // A sampled sinusoid obeys x_t = 2cos(ω) x_{t−1} − x_{t−2} exactly: a linear forecaster from the window exists.
  const vals = Array.from({ length: 3000 }, (_, t) => Math.sin(0.37 * t + 0.2) + 3);
  const file = syntheticCsv(dir, 'ar.csv', 3000, 1, (t) => vals[t]);
  const d = await loadForecastData(file, { lookback: 8, horizon: 1 });
  const peer = LinearPeer.fit(d.train, 1e-6);
  expect(peer.evaluate(d.test).mse).toBeLessThan(1e-6);
  const svg = forecastSvg(d.test, d.scaler, (x) => tf.tensor3d(peer.predict(x.dataSync() as Float32Array, 1, d.test.inputCols, d.test.targetCols), [1, 1, 1]), { columnNames: d.series.columns });
  expect(svg).toContain('<svg');
  expect(svg).toContain('forecast');
});

const real = hasData('ett', 'ETTh1.csv');
(real ? it : it.skip)('ETTh1-96: the linear peer reproduces the reference MSE 0.383 / MAE 0.392 (protocol check)', async () => {
  const d = await loadForecastData(path.join(DATA_DIR, 'ett', 'ETTh1.csv'), { lookback: 96, horizon: 96 });
  const m = LinearPeer.fit(d.train, 0.1).evaluate(d.test);
  expect(m.mse).toBeCloseTo(0.383, 2);
  expect(m.mae).toBeCloseTo(0.392, 2);
});

it('MAPE is in original units and skips near-zero truths', async () => {
  const { StandardScaler } = await import('../data/splits');
  const scaler = new StandardScaler(Float64Array.from([10]), Float64Array.from([2])); // original = 2·scaled + 10
  const acc = new MetricAccumulator(scaler, [0]);
  // truths 12 and 0.001 (scaled 1 and −4.9995), predictions 13 and 5 (scaled 1.5 and −2.5)
  acc.add([1, -4.9995], [1.5, -2.5], 1);
  const m = acc.result();
  expect(m.mape).toBeCloseTo(1 / 12, 10); // only the first entry counts
  expect(m.mse).toBeCloseTo((0.25 + 2.4995 ** 2) / 2, 10);
});
