import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { fileSystemIO } from '../../io/fileSystemIO';
import { AdamW, ssmParameterGroup } from '../../train/adamw';
import { maxAbs } from '../lti/testUtil';
import { Mamba } from './mamba';
import { jsMamba, mixerWeights } from './testUtil';
import { stepInChunks } from '../../testing/stepInChunks';

const [B, H, N, W] = [2, 5, 4, 4];

function oracle(layer: Mamba, x: tf.Tensor, seg?: tf.Tensor): tf.Tensor {
  const [b, l, h] = x.shape;
  return tf.tensor(jsMamba(x.dataSync(), b, l, h, mixerWeights(layer), layer.config.dState, layer.config.dConv, seg?.dataSync()), x.shape);
}

describe.each(TEST_BACKENDS)('Mamba on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([1, 7, 13])('forward (L=%i) matches the float64 JS mixer; shapes; no leaks', (L) => {
    const layer = new Mamba({ dModel: H, dState: N, dConv: W, seed: 3, dtMin: 0.01, dtMax: 0.5 });
    const x = rand([B, L, H], 11);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([B, L, H]);
    expect(layer.dInner).toBe(2 * H);
    const want = oracle(layer, x);
    expectClose(y, want, 1e-5, 1e-4, `Mamba L=${L}`);
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'Mamba forward');
    tf.dispose([x, y, want]);
    layer.dispose();
  });

  it('gradients reach every weight (non-zero); no tensors left', () => {
    const layer = new Mamba({ dModel: H, dState: N, seed: 7, dtRank: 2 });
    const x = rand([B, 6, H], 12);
    const w = rand([B, 6, H], 13);
    layer.apply(x);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar);
    const names = layer.trainableWeights.map((v) => v.name.split('/').pop()).sort();
    expect(names).toEqual(['conv_bias', 'conv_kernel', 'dt_proj_kernel', 'in_proj_kernel', 'out_proj_kernel', 'ssm_A_log', 'ssm_D', 'ssm_dt_bias', 'x_proj_kernel']);
    for (const v of layer.trainableWeights) expect(maxAbs(grads[v.name])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
    layer.dispose();
  });

  it('step over chunks of 1, 3 and the rest equals the full forward; no leaks', () => {
    const layer = new Mamba({ dModel: H, dState: N, dConv: W, seed: 9, dtMin: 0.05, dtMax: 0.5 });
    const T = 11;
    const x = rand([B, T, H], 14);
    const full = layer.apply(x) as tf.Tensor;
    const before = tf.memory().numTensors;
    const y = stepInChunks(layer, x, (state) => expect(state.map((s) => s.shape)).toEqual([[B, 2 * H, W - 1], [B, 2 * H, N]]));
    expectClose(y, full, 1e-4, 1e-4, 'step vs forward');
    tf.dispose(y);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, full]);
    layer.dispose();
  });

  it('segment ids: matches the oracle with resets; changing segment 1 leaves segment 2 unchanged', () => {
    const layer = new Mamba({ dModel: H, dState: N, seed: 4 });
    const L = 9;
    const seg = tf.tensor2d([[0, 0, 0, 0, 1, 1, 1, 1, 1], [3, 3, 5, 5, 5, 5, 5, 5, 5]], [2, L], 'int32');
    const x = rand([2, L, H], 15);
    const y = layer.callWithSegments(x, seg);
    const want = oracle(layer, x, seg);
    expectClose(y, want, 1e-5, 1e-4, 'segments');
    // The [x, segmentIds] input form gives the same.
    const y2 = layer.apply([x, seg]) as tf.Tensor;
    expectClose(y2, y, 1e-7, 0, '[x, seg] form');
    // New tokens in segment 1 of row 0 (positions 0..3): positions 4.. unchanged.
    const x2 = tf.concat([rand([2, 4, H], 16, -3, 3), tf.slice(x, [0, 4, 0], [2, L - 4, H])], 1);
    const y3 = layer.callWithSegments(x2, seg);
    const tail = (t: tf.Tensor) => tf.slice(t, [0, 4, 0], [1, L - 4, H]);
    expectClose(tail(y3), tail(y), 1e-6, 1e-6, 'segment isolation');
    expect(maxAbs(tf.sub(tf.slice(y3, [0, 0, 0], [1, 4, H]), tf.slice(y, [0, 0, 0], [1, 4, H])))).toBeGreaterThan(1e-3);
    // The second segment alone equals its run as its own sequence.
    const alone = layer.apply(tf.slice(x, [0, 4, 0], [1, L - 4, H])) as tf.Tensor;
    expectClose(tail(y), alone, 1e-5, 1e-4, 'segment == own sequence');
    expectNoLeak(() => layer.callWithSegments(x, seg).dispose(), 'segments');
    layer.dispose();
  });

  it('padding mask: padded garbage never changes real outputs (right and left padding); pads output 0', () => {
    const layer = new Mamba({ dModel: H, dState: N, seed: 5 });
    const real = rand([1, 4, H], 17);
    const yr = layer.apply(real) as tf.Tensor;
    const garbage = rand([1, 3, H], 18, 5, 9);
    const right = layer.apply(tf.concat([real, garbage], 1), { mask: tf.tensor2d([[1, 1, 1, 1, 0, 0, 0]]) }) as tf.Tensor;
    expectClose(tf.slice(right, [0, 0, 0], [1, 4, H]), yr, 1e-6, 1e-5, 'right padding');
    expect(maxAbs(tf.slice(right, [0, 4, 0], [1, 3, H]))).toBe(0);
    const left = layer.apply(tf.concat([garbage, real], 1), { mask: tf.tensor2d([[0, 0, 0, 1, 1, 1, 1]]) }) as tf.Tensor;
    expectClose(tf.slice(left, [0, 3, 0], [1, 4, H]), yr, 1e-5, 1e-4, 'left padding');
    // Through a model: tfl Masking supplies the mask.
    const xi = tfl.input({ shape: [7, H] });
    const model = tfl.model({ inputs: xi, outputs: layer.apply(tfl.layers.masking({ maskValue: 0 }).apply(xi)) as tfl.SymbolicTensor });
    const yp = model.predict(tf.concat([real, tf.zeros([1, 3, H])], 1)) as tf.Tensor;
    expectClose(tf.slice(yp, [0, 0, 0], [1, 4, H]), yr, 1e-6, 1e-5, 'Masking layer');
    layer.dispose();
  });

  it('segment ids and a padding mask together: each packed sequence is exact; pads output 0', () => {
    const layer = new Mamba({ dModel: H, dState: N, seed: 6 });
    const a = rand([1, 3, H], 19);
    const b = rand([1, 2, H], 20);
    const x = tf.concat([a, b, rand([1, 2, H], 21, 5, 9)], 1);
    const seg = tf.tensor2d([[0, 0, 0, 1, 1, 1, 1]], [1, 7], 'int32');
    const y = layer.callWithSegments(x, seg, tf.tensor2d([[1, 1, 1, 1, 1, 0, 0]]));
    expectClose(tf.slice(y, [0, 0, 0], [1, 3, H]), layer.apply(a) as tf.Tensor, 1e-5, 1e-4, 'first sequence');
    expectClose(tf.slice(y, [0, 3, 0], [1, 2, H]), layer.apply(b) as tf.Tensor, 1e-5, 1e-4, 'second sequence');
    expect(maxAbs(tf.slice(y, [0, 5, 0], [1, 2, H]))).toBe(0);
    layer.dispose();
  });
});

describe('Mamba: init, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));
  const w8 = (layer: Mamba) => mixerWeights(layer);

  it('init: softplus(ssm_dt_bias) in [max(dtMin, floor), dtMax] and log-uniform; A_log = log(1..N); D = 1; dt_proj bound', () => {
    const cfg = { dModel: 64, dState: 16, seed: 1, dtScale: 2 };
    const layer = new Mamba(cfg);
    layer.apply(tf.zeros([1, 2, 64]));
    const w = w8(layer);
    const dt = w.ssm_dt_bias.map((b) => Math.log1p(Math.exp(b)));
    expect(Math.min(...dt)).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-4));
    expect(Math.max(...dt)).toBeLessThanOrEqual(1e-1 * (1 + 1e-4));
    const meanLog = dt.reduce((s, v) => s + Math.log(v), 0) / dt.length; // log-uniform: mean of ln = midpoint
    expect(Math.abs(meanLog - (Math.log(1e-3) + Math.log(1e-1)) / 2)).toBeLessThan(0.4);
    for (let d = 0; d < 128; d++) for (let n = 0; n < 16; n++) expect(w.ssm_A_log[d * 16 + n]).toBeCloseTo(Math.log(n + 1), 6);
    expect(w.ssm_D.every((v) => v === 1)).toBe(true);
    const bound = 2 / Math.sqrt(4); // dtScale · dtRank^-0.5, dtRank = ceil(64/16) = 4
    const absMax = Math.max(...w.dt_proj_kernel.map(Math.abs));
    expect(absMax).toBeLessThanOrEqual(bound);
    expect(absMax).toBeGreaterThan(0.9 * bound);
    expect(Math.max(...w.in_proj_kernel.map(Math.abs))).toBeLessThanOrEqual(1 / 8); // nn.Linear U(±1/sqrt(64))
    // The floor: dtMin below it gives no Δ under it.
    const floored = new Mamba({ dModel: 16, dState: 2, seed: 2, dtMin: 1e-6, dtMax: 2e-4, dtInitFloor: 1e-4 });
    floored.apply(tf.zeros([1, 1, 16]));
    const dtF = w8(floored).ssm_dt_bias.map((b) => Math.log1p(Math.exp(b)));
    expect(Math.min(...dtF)).toBeGreaterThanOrEqual(1e-4 * (1 - 1e-3));
    expect(dtF.filter((v) => Math.abs(v - 1e-4) < 1e-7).length).toBeGreaterThan(10);
    layer.dispose();
    floored.dispose();
  });

  it('same seed → same weights; toJSON → modelFromJSON and fileSystemIO save/load give the same outputs', async () => {
    const mk = () => tfl.sequential({ layers: [new Mamba({ inputShape: [6, 4], dModel: 4, dState: 3, dConv: 3, expand: 1.5, dtRank: 2, seed: 42 })] });
    const model = mk();
    const x = rand([2, 6, 4], 19);
    const a = model.predict(x) as tf.Tensor;
    const again = mk();
    expectClose(again.predict(x) as tf.Tensor, a, 1e-30, 0, 'seeded');
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    const l = copy.layers[0] as Mamba;
    expect(l.getClassName()).toBe('Mamba');
    expect(l.config).toEqual((model.layers[0] as Mamba).config);
    copy.setWeights(model.getWeights());
    expectClose(copy.predict(x) as tf.Tensor, a, 1e-7, 1e-6, 'JSON round trip');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-mamba-'));
    try {
      await model.save(fileSystemIO(dir));
      const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
      expectClose(loaded.predict(x) as tf.Tensor, a, 1e-30, 0, 'fileSystemIO round trip');
      loaded.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    [model, again, copy].forEach((m) => m.dispose());
  });

  it('trains with AdamW: ssm_ weights get the SSM group; every weight changes', async () => {
    const model = tfl.sequential({ layers: [new Mamba({ inputShape: [5, 4], dModel: 4, dState: 2, seed: 1 })] });
    const opt = new AdamW({ lr: 0.01, weightDecay: 0.1, groups: [ssmParameterGroup(0.001)] });
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const ssm = model.trainableWeights.map((v) => v.name).filter((n) => /\/ssm_/.test(n));
    expect(ssm.length).toBe(3);
    for (const n of ssm) expect(opt.settingsFor(n)).toMatchObject({ lr: 0.001, weightDecay: 0 });
    const before = model.getWeights().map((t) => t.dataSync().slice());
    await model.fit(rand([4, 5, 4], 20), rand([4, 5, 4], 21), { epochs: 2, batchSize: 4, verbose: 0 });
    const after = model.getWeights().map((t) => t.dataSync());
    expect(model.weights.filter((_, i) => !after[i].some((v, j) => v !== before[i][j])).map((v) => v.name)).toEqual([]);
    model.dispose();
  });

  it('rejects bad configs, inputs, states, masks and segment ids with clear errors', () => {
    expect(() => new Mamba({} as never)).toThrow(/Mamba: option 'dModel' is required.*received undefined/);
    expect(() => new Mamba({ dModel: 0 })).toThrow(/Mamba: option 'dModel' must be an integer >= 1, received 0/);
    expect(() => new Mamba({ dModel: 4, dState: 1.5 })).toThrow(/option 'dState' must be an integer >= 1, received 1.5/);
    expect(() => new Mamba({ dModel: 4, dConv: 9 })).toThrow(/option 'dConv' must be an integer in \[1, 8\], received 9/);
    expect(() => new Mamba({ dModel: 3, expand: 1.5 })).toThrow(/'expand' times dModel must be an integer.*expand=1.5, dModel=3/);
    expect(() => new Mamba({ dModel: 4, dtRank: 'big' as never })).toThrow(/option 'dtRank' must be an integer >= 1, received big/);
    expect(() => new Mamba({ dModel: 4, dtMin: 0.2, dtMax: 0.1 })).toThrow(/'dtMin' <= 'dtMax'.*dtMin=0.2, dtMax=0.1/);
    expect(() => new Mamba({ dModel: 4, dtScale: -1 })).toThrow(/option 'dtScale' must be a finite number > 0, received -1/);
    expect(() => new Mamba({ dModel: 4, seed: 0.5 })).toThrow(/option 'seed' must be an integer, received 0.5/);
    const layer = new Mamba({ dModel: 4, dState: 2 });
    expect(() => layer.initialState(1)).toThrow(/Mamba: build the layer/);
    expect(() => layer.apply(tf.zeros([1, 3, 5]))).toThrow(/d_model=4, received shape \[1, 3, 5\]/);
    layer.apply(tf.zeros([1, 3, 4]));
    expect(() => layer.apply(tf.zeros([2, 3]))).toThrow(/Mamba: input must have shape \(batch, L, dModel=4\), received shape \[2,3\]|received shape \[2, 3\]/);
    expect(() => layer.apply(tf.zeros([1, 3, 4]), { mask: tf.ones([1, 2]) })).toThrow(/Mamba: mask must have shape \(batch=1, L=3\), received shape \[1,2\]|\[1, 2\]/);
    expect(() => layer.callWithSegments(tf.zeros([1, 3, 4]), tf.zeros([1, 3]) as tf.Tensor2D)).toThrow(/segmentIds must be int32, received dtype float32/);
    const s = layer.initialState(2);
    expect(() => layer.step(s, tf.zeros([1, 2, 4]))).toThrow(/step 'state' must be \[convState \[1, ?8, ?3\], ssmState \[1, ?8, ?2\]\], received \[\[2, ?8, ?3\], \[2, ?8, ?2\]\]/);
    tf.dispose(s);
    layer.dispose();
  });
});
