import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, fileSystemIO, initBackend } from '@statespace/ssm-core';
import { expectNoLeak } from '../../../ssm-core/src/testing/compare';
import { tempDir } from '../data/testUtil';
import { forecastLoss } from '../train/loss';
import { buildForecastModel, FORECAST_MODELS, type ForecastModelKind } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Noisy sines per variate (a learnable, non-trivial forecasting task). */
function sineBatch(B: number, L: number, H: number, V: number, seed: number): { x: tf.Tensor3D; y: tf.Tensor3D } {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const all = new Float32Array(B * (L + H) * V);
  for (let b = 0; b < B; b++) {
    const ph = 6.28 * r();
    for (let t = 0; t < L + H; t++) for (let v = 0; v < V; v++) all[(b * (L + H) + t) * V + v] = Math.sin(0.3 * t * (v + 1) + ph) + 0.5 * v;
  }
  const t = tf.tensor3d(all, [B, L + H, V]);
  const out = { x: tf.slice(t, [0, 0, 0], [B, L, V]) as tf.Tensor3D, y: tf.slice(t, [0, L, 0], [B, H, V]) as tf.Tensor3D };
  t.dispose();
  return out;
}

describe.each(FORECAST_MODELS)('%s (micro)', (kind: ForecastModelKind) => {
  const [L, H, V] = [24, 8, 3];
  it('maps (batch, L, V) to (batch, H, V) in mode M and to (batch, H, 1) in MS', () => {
    const m = buildForecastModel(kind, { lookback: L, horizon: H, nInputs: V, targetChannels: null }, 'micro');
    const ms = buildForecastModel(kind, { lookback: L, horizon: H, nInputs: V, targetChannels: [2] }, 'micro');
    const x = tf.randomNormal([2, L, V]);
    expect((m.predict(x) as tf.Tensor).shape).toEqual([2, H, V]);
    expect((ms.predict(x) as tf.Tensor).shape).toEqual([2, H, 1]);
  });

  it('overfits a tiny batch (loss falls), saves and loads with identical outputs, leaks nothing', async () => {
    const model = buildForecastModel(kind, { lookback: L, horizon: H, nInputs: V, targetChannels: null }, 'micro');
    const batch = sineBatch(8, L, H, V, 3);
    const opt = new AdamW({ lr: 3e-3, weightDecay: 0 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => forecastLoss(model, batch, true), vars);
        opt.applyGradients(grads);
        return value;
      });
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    expect(losses[39]).toBeLessThan(0.5 * losses[0]);
    expectNoLeak(() => {
      const g = tf.variableGrads(() => forecastLoss(model, batch, true), vars);
      tf.dispose([g.value, ...Object.values(g.grads)]);
    }, kind);
    const d = `${dir}/${kind}`;
    await model.save(fileSystemIO(d));
    const loaded = await tfl.loadLayersModel(fileSystemIO(d));
    const a = (model.predict(batch.x) as tf.Tensor).dataSync();
    const b = (loaded.predict(batch.x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

it('bad configs are clear errors', () => {
  const shape = { lookback: 24, horizon: 8, nInputs: 3, targetChannels: null };
  expect(() => buildForecastModel('s-mamba', shape, 'huge')).toThrow(/S-Mamba: unknown config 'huge'; known: paper, small, micro/);
  expect(() => buildForecastModel('spacetime', shape, 'micro', { dModel: 0 })).toThrow(/SpaceTime: option 'dModel' expects an integer >= 1, received 0/);
  expect(() => buildForecastModel('spacetime', shape, 'micro', { colour: 1 })).toThrow(/SpaceTime: unknown option 'colour'/);
  expect(() => buildForecastModel('lstm' as never, shape)).toThrow(/model: expected one of s-mamba, spacetime, tsm2, received 'lstm'/);
});
