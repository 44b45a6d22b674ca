import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { runArExperiment } from '../bench/arExperiment';
import { arSeries, stableArCoefficients } from '../data/synthetic';
import { buildSpaceTime, resolveSpaceTimeConfig } from './spaceTime';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Sets a weight of the model by its path suffix (e.g. 'dec_closed_loop/ssm_k'). */
function setWeight(model: ReturnType<typeof buildSpaceTime>, suffix: string, values: number[]): void {
  const w = model.weights.find((v) => v.originalName.endsWith(suffix));
  if (!w) throw new Error(`no weight ${suffix}: ${model.weights.map((v) => v.originalName).join(', ')}`);
  w.write(tf.tensor(values, w.shape as number[]));
}

describe("SpaceTime's `ar` preset (the AR(p) proposition)", () => {
  it.each([2, 5, 8])('represents the AR(%i) forecast exactly: a = 0, b = e1, c = K = φ reproduce the true recursion', (p) => {
    const [L, H, d] = [24, 12, 10];
    const phi = stableArCoefficients(p, 40 + p, 0.99, 0.9);
    const x = arSeries(phi, L + 5, 9 + p);
    const model = buildSpaceTime({ lookback: L, horizon: H, nInputs: 1, targetChannels: null }, 'ar', { kernelDim: d });
    const pad = (v: number[]) => [...v, ...new Array(d - v.length).fill(0)];
    setWeight(model, 'embed/kernel', [1]);
    setWeight(model, 'embed/bias', [0]);
    setWeight(model, 'project/kernel', [1]);
    setWeight(model, 'project/bias', [0]);
    setWeight(model, 'dec_closed_loop/ssm_a', new Array(d).fill(0));
    setWeight(model, 'dec_closed_loop/ssm_b', pad([1]));
    setWeight(model, 'dec_closed_loop/ssm_c', pad(phi));
    setWeight(model, 'dec_closed_loop/ssm_k', pad(phi));
    const win = Array.from(x.subarray(0, L));
    const y = tf.tidy(() => model.predict(tf.tensor3d(win, [1, L, 1])) as tf.Tensor).dataSync();
    const hist = [...win];
    for (let h = 0; h < H; h++) {
      const pred = phi.reduce((s, f, j) => s + f * hist[hist.length - 1 - j], 0);
      hist.push(pred);
      expect(y[h]).toBeCloseTo(pred, 3);
    }
    expect(model.countParams()).toBe(2 + 4 * d + 2);
    model.dispose();
  });

  it('is linear: no LayerNorm, encoder or nonlinearity, and encoderLayers must be >= 0', () => {
    const m = buildSpaceTime({ lookback: 16, horizon: 4, nInputs: 1, targetChannels: null }, 'ar');
    expect(m.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'TsPreprocessKernels', 'Linear', 'TsClosedLoopSSM', 'Linear']);
    m.dispose();
    expect(() => resolveSpaceTimeConfig('ar', { encoderLayers: -1 })).toThrow(/SpaceTime: option 'encoderLayers' expects an integer >= 0, received -1/);
    expect(() => resolveSpaceTimeConfig('ar', { decoderKind: 'diagonal' as never })).toThrow(/SpaceTime: option 'decoderKind' expects 'companion' or 'shift', received 'diagonal'/);
    expect(() => resolveSpaceTimeConfig('paper', { decoderNorm: 'yes' as never })).toThrow(/SpaceTime: option 'decoderNorm' expects true or false, received yes/);
  });
});

describe('runArExperiment', () => {
  it('scores every model on each process against the true predictor, without leaks', async () => {
    const n0 = tf.memory().numTensors;
    const r = await runArExperiment({ orders: [2], processes: 1, lookback: 16, horizon: 4, stateSize: 4, epochs: 1, batches: 2 });
    expect(r.map((x) => x.model)).toEqual(['spacetime', 's4d', 's4d-deep']);
    for (const x of r) {
      expect(x.relative_mse).toBeCloseTo(x.mse / x.oracle_mse, 10);
      expect(x.oracle_mse).toBeGreaterThan(0);
      expect(x.state_size).toBe(4);
    }
    expect(tf.memory().numTensors).toBe(n0);
    await expect(runArExperiment({ orders: [8], stateSize: 4 })).rejects.toThrow(/order p = 8 exceeds the state size 4/);
    await expect(runArExperiment({ models: ['lstm' as never] })).rejects.toThrow(/option 'models' expects some of spacetime, s4d, s4d-deep, received 'lstm'/);
  });
});
