import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileSystemIO } from '../io/fileSystemIO';
import { TEST_BACKENDS, useBackend } from '../testing/backends';
import { expectNoLeak } from '../testing/compare';
import { AdamW, ssmParameterGroup } from './adamw';
import { warmupCosine } from './schedule';

let uid = 0;
const fresh = (name: string, values: number[]) => tf.variable(tf.tensor1d(values), true, `t${++uid}/${name}`);
const vals = (v: tf.Tensor) => Array.from(v.dataSync());
/** |a − e| ≤ tol·max(1, |e|): float32 resolution grows with magnitude. */
function expectNear(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])))) throw new Error(`index ${i}: actual ${a}, expected ${expected[i]} (tol ${tol})`);
  });
}

/** Independent float64 AdamW (PyTorch form) on loss Σ c·p²  (gradient 2·c·p). */
function referenceAdamW(p0: number[], c: number[], steps: number, lr: (t: number) => number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const a = lr(t);
    for (let i = 0; i < p.length; i++) {
      const g = 2 * c[i] * p[i];
      p[i] *= 1 - a * wd;
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      p[i] -= (a * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
  }
  return p;
}

const quadLoss = (vars: Array<[tf.Variable, number[]]>) => () =>
  tf.addN(vars.map(([v, c]) => tf.sum(tf.mul(tf.tensor1d(c), tf.square(v))))) as tf.Scalar;

beforeAll(() => useBackend('cpu'));

describe('AdamW', () => {
  it.each(TEST_BACKENDS)('matches a hand-computed 3-step reference (decay on weights, none on the bias) on %s', async (backend) => {
    await useBackend(backend);
    const w0 = [0.5, -1.25, 2];
    const b0 = [0.3, -0.7];
    const cw = [1, 0.5, 2];
    const cb = [3, 1];
    const w = fresh('kernel', w0);
    const b = fresh('bias', b0);
    const opt = new AdamW({ lr: 0.1, weightDecay: 0.2 });
    for (let s = 0; s < 3; s++) opt.minimize(quadLoss([[w, cw], [b, cb]]), false, [w, b]);
    expectNear(vals(w), referenceAdamW(w0, cw, 3, () => 0.1, 0.2), 2e-6);
    expectNear(vals(b), referenceAdamW(b0, cb, 3, () => 0.1, 0), 2e-6);
    expect(opt.iterations).toBe(3);
    opt.dispose();
    tf.dispose([w, b]);
    await useBackend('cpu');
  });

  it('saves with the model (includeOptimizer) and loads back as AdamW with its state', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-adamw-'));
    try {
      const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
      model.compile({ optimizer: new AdamW({ lr: 0.01, groups: [ssmParameterGroup(0.002)] }), loss: 'meanSquaredError' });
      const xs = tf.ones([4, 2]);
      const ys = tf.zeros([4, 1]);
      await model.fit(xs, ys, { epochs: 2, verbose: 0 });
      const before = tf.memory().numTensors;
      await model.save(fileSystemIO(dir), { includeOptimizer: true });
      await model.save(fileSystemIO(dir), { includeOptimizer: true });
      expect(tf.memory().numTensors).toBe(before + 3); // the step scalars of the last getWeights()
      const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
      const opt = loaded.optimizer as AdamW;
      expect(opt).toBeInstanceOf(AdamW);
      expect(opt.getConfig()).toEqual((model.optimizer as AdamW).getConfig());
      expect(opt.iterations).toBe(2);
      const [orig, back] = [await (model.optimizer as AdamW).getWeights(), await opt.getWeights()];
      expect(back.map((w) => w.name)).toEqual(orig.map((w) => w.name));
      back.forEach((w, i) => expect(vals(w.tensor)).toEqual(vals(orig[i].tensor)));
      tf.dispose([xs, ys]);
      model.optimizer.dispose();
      model.dispose();
      loaded.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows a schedule with the 1-based step, through applyGradients(NamedTensorMap)', () => {
    const p0 = [1, -2, 0.25];
    const c = [0.5, 1, 4];
    const sched = warmupCosine({ peakLr: 0.05, warmupSteps: 2, totalSteps: 5, minLr: 0.001 });
    const p = fresh('kernel', p0);
    const opt = new AdamW({ lr: sched, weightDecay: 0.1 });
    for (let s = 0; s < 4; s++) {
      const { grads, value } = tf.variableGrads(quadLoss([[p, c]]));
      opt.applyGradients(grads);
      tf.dispose([value, grads[p.name]]);
    }
    expectNear(vals(p), referenceAdamW(p0, c, 4, sched, 0.1), 2e-6);
    opt.dispose();
    p.dispose();
  });

  it('decays decoupled: with zero gradient p shrinks by (1 − lr·wd) per step; L2-in-gradient does not', () => {
    const p0 = [20, -0.1];
    const p = fresh('kernel', p0);
    const lr = 0.01;
    const wd = 0.5;
    const opt = new AdamW({ lr, weightDecay: wd });
    for (let s = 0; s < 3; s++) opt.applyGradients({ [p.name]: tf.zeros([2]) });
    expectNear(vals(p), p0.map((x) => x * (1 - lr * wd) ** 3), 1e-6);

    // L2 in the gradient (g = wd·p, i.e. loss ½·wd·p²) passes through Adam's normalisation instead.
    const q = fresh('kernel', p0);
    const adamL2 = new AdamW({ lr, weightDecay: 0 });
    for (let s = 0; s < 3; s++) tf.tidy(() => adamL2.applyGradients({ [q.name]: tf.mul(q, wd) }));
    expectNear(vals(q), referenceAdamW(p0, [wd / 2, wd / 2], 3, () => lr, 0), 1e-6);
    expect(Math.abs(vals(q)[0] - vals(p)[0])).toBeGreaterThan(0.1);
    expect(Math.abs(vals(q)[1] - vals(p)[1])).toBeGreaterThan(0.01);
    [opt, adamL2].forEach((o) => o.dispose());
    tf.dispose([p, q]);
  });

  it('applies parameter groups: ssm_ variables use their lr and no decay; first matching group wins', () => {
    const ssm = fresh('ssm_A_log', [1, -1]);
    const kern = fresh('kernel', [1, -1]);
    const other = fresh('special_w', [1, -1]);
    const opt = new AdamW({
      lr: 0.01, weightDecay: 0.5,
      groups: [ssmParameterGroup(0.1), { match: (n) => n.endsWith('/special_w'), lr: 0.2, weightDecay: 0.25 }, { match: /special/, lr: 99 }],
    });
    expect(opt.settingsFor(ssm.name)).toMatchObject({ lr: 0.1, weightDecay: 0, group: 0 });
    expect(opt.settingsFor(kern.name)).toMatchObject({ lr: 0.01, weightDecay: 0.5, group: -1 });
    expect(opt.settingsFor(other.name)).toMatchObject({ lr: 0.2, weightDecay: 0.25, group: 1 });
    // Gradient +1 everywhere: the first Adam step is lr·m̂/(sqrt(v̂)+eps) = lr·1/(1+eps).
    opt.applyGradients({ [ssm.name]: tf.ones([2]), [kern.name]: tf.ones([2]), [other.name]: tf.ones([2]) });
    expectNear(vals(ssm), [1 - 0.1, -1 - 0.1], 1e-6);
    expectNear(vals(kern), [1 * (1 - 0.01 * 0.5) - 0.01, -1 * (1 - 0.01 * 0.5) - 0.01], 1e-6);
    expectNear(vals(other), [1 * (1 - 0.2 * 0.25) - 0.2, -1 * (1 - 0.2 * 0.25) - 0.2], 1e-6);
    opt.dispose();
    tf.dispose([ssm, kern, other]);
  });

  it('noDecay: biases and norm weights are not decayed by default; null turns it off; custom RegExp', () => {
    const names = ['dense_Dense1/bias', 'rms_norm_RMSNorm1/gamma', 'layer_norm/beta', 'dense_Dense1/kernel'];
    const dflt = new AdamW({ weightDecay: 0.1 });
    expect(names.map((n) => dflt.settingsFor(n).weightDecay)).toEqual([0, 0, 0, 0.1]);
    const off = new AdamW({ weightDecay: 0.1, noDecay: null });
    expect(names.map((n) => off.settingsFor(n).weightDecay)).toEqual([0.1, 0.1, 0.1, 0.1]);
    const custom = new AdamW({ weightDecay: 0.1, noDecay: /kernel$/g });
    expect(names.map((n) => custom.settingsFor(n).weightDecay)).toEqual([0.1, 0.1, 0.1, 0]);
    expect(custom.settingsFor(names[3]).weightDecay).toBe(0); // /g RegExp state does not leak between calls

    const bias = fresh('bias', [3]);
    dflt.applyGradients({ [bias.name]: tf.zeros([1]) });
    expect(vals(bias)).toEqual([3]);
    [dflt, off, custom].forEach((o) => o.dispose());
    bias.dispose();
  });

  it('trains a layers model via compile/fit, leaks nothing per step, and saves/restores its state', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 1 })] });
    const opt = new AdamW({ lr: 0.05, weightDecay: 0.01 });
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const xs = tf.randomUniform([32, 3], -1, 1, 'float32', 3);
    const ys = tf.tidy(() => tf.matMul(xs, tf.tensor2d([[1], [-2], [0.5]])));
    const h1 = await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const h2 = await model.fit(xs, ys, { epochs: 30, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(h2.history.loss[29] as number).toBeLessThan((h1.history.loss[0] as number) * 0.5);

    // Restore state into a fresh optimizer: the next step must match the original's.
    const weights = await opt.getWeights();
    const clone = new AdamW({ lr: 0.05, weightDecay: 0.01 });
    await clone.setWeights(weights.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })));
    expect(clone.iterations).toBe(opt.iterations);
    const varSnap = model.trainableWeights.map((w) => w.read().clone());
    const step = (o: AdamW) => o.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor) as tf.Scalar, false,
      model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    step(opt);
    const afterOrig = model.trainableWeights.map((w) => vals(w.read()));
    model.trainableWeights.forEach((w, i) => w.write(varSnap[i]));
    step(clone);
    model.trainableWeights.forEach((w, i) => expectNear(vals(w.read()), afterOrig[i], 1e-7));
    tf.dispose([xs, ys, ...varSnap]);
    [opt, clone].forEach((o) => o.dispose());
    model.dispose();
  });

  it('applyGradients leaks nothing after the first step, and dispose frees the state', () => {
    const p = fresh('kernel', [1, 2, 3]);
    const base = tf.memory().numTensors;
    const opt = new AdamW();
    const g = tf.ones([3]);
    opt.applyGradients({ [p.name]: g });
    expect(tf.memory().numTensors).toBe(base + 3); // g, m, v
    expectNoLeak(() => opt.applyGradients({ [p.name]: g }), 'AdamW step');
    opt.dispose();
    expect(tf.memory().numTensors).toBe(base + 1);
    tf.dispose([g, p]);
  });

  it('serializes its config (numbers and RegExp groups) and refuses functions clearly', () => {
    const opt = new AdamW({ lr: 0.002, beta2: 0.95, weightDecay: 0.05, groups: [ssmParameterGroup(0.001)], noDecay: /bias/i });
    const copy = AdamW.fromConfig(AdamW, opt.getConfig()) as AdamW;
    expect(copy.getConfig()).toEqual(opt.getConfig());
    expect(copy.settingsFor('blk/ssm_D')).toMatchObject({ lr: 0.001, weightDecay: 0 });
    expect(tf.serialization.SerializationMap.getMap().classNameMap['AdamW']).toBeDefined();
    expect(() => new AdamW({ lr: () => 1 }).getConfig()).toThrow(/lr is a schedule function/);
    expect(() => new AdamW({ groups: [{ match: () => true }] }).getConfig()).toThrow(/groups\[0\]\.match is a function/);
  });

  it('rejects bad options with messages naming the option and the value', () => {
    expect(() => new AdamW({ lr: -1 })).toThrow(/option 'lr' must be a finite number >= 0 .*received -1/);
    expect(() => new AdamW({ beta1: 1 })).toThrow(/option 'beta1' must be a number in \[0, 1\), received 1/);
    expect(() => new AdamW({ eps: 0 })).toThrow(/option 'eps' must be a finite number > 0, received 0/);
    expect(() => new AdamW({ weightDecay: NaN })).toThrow(/option 'weightDecay' .*received NaN/);
    expect(() => new AdamW({ groups: [{ match: 'ssm' as unknown as RegExp }] })).toThrow(/groups\[0\]\.match' must be a RegExp or a function.*received ssm/);
    expect(() => new AdamW({ groups: [{ match: /x/, weightDecay: -1 }] })).toThrow(/groups\[0\]\.weightDecay' must be a finite number >= 0, received -1/);
    const p = fresh('kernel', [1]);
    const bad = new AdamW({ lr: () => NaN });
    expect(() => bad.applyGradients({ [p.name]: tf.ones([1]) })).toThrow(/schedule for variable '.*kernel' returned NaN at step 1/);
    expect(() => bad.applyGradients({ nope: tf.ones([1]) })).toThrow(/gradient for 'nope', which is not a registered tf.Variable/);
    bad.dispose();
    p.dispose();
  });
});
