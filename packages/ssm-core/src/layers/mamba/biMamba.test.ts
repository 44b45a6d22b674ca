import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectFileSystemRoundTrip } from '../../testing/layerChecks';
import { maxAbs } from '../lti/testUtil';
import { BiMamba, type BiMambaCombine } from './biMamba';
import { flipL, jsMamba, mixerWeights } from './testUtil';

const [B, H, N] = [2, 4, 3];

/** combine(Mamba_f(x), flip(Mamba_b(flip(x)))) from the two weight sets, in float64 JS. */
function oracle(layer: BiMamba, x: tf.Tensor, combine: BiMambaCombine, seg?: number[]): tf.Tensor {
  const [b, l, h] = x.shape;
  const xs = x.dataSync();
  const W = layer.config.dConv;
  const f = jsMamba(xs, b, l, h, mixerWeights(layer, 'fwd/'), N, W, seg);
  const segRev = seg ? flipL(seg, b, l, 1) : undefined;
  const r = flipL(jsMamba(flipL(xs, b, l, h), b, l, h, mixerWeights(layer, 'bwd/'), N, W, segRev), b, l, h);
  if (combine !== 'concat') return tf.tensor(f.map((v, i) => (combine === 'sum' ? v + r[i] : (v + r[i]) / 2)), x.shape);
  return tf.concat([tf.tensor(f, x.shape), tf.tensor(r, x.shape)], 2);
}

describe.each(TEST_BACKENDS)('BiMamba on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(['sum', 'mean', 'concat'] as const)('combine %s matches the float64 JS pair of mixers; shapes; no leaks', (combine) => {
    const layer = new BiMamba({ dModel: H, dState: N, seed: 3, combine, dtMin: 0.02, dtMax: 0.4 });
    const x = rand([B, 7, H], 11);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([B, 7, combine === 'concat' ? 2 * H : H]);
    expectClose(y, oracle(layer, x, combine), 1e-5, 1e-4, `BiMamba ${combine}`);
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'BiMamba forward');
    layer.dispose();
  });

  it('the two directions have separate weights, and gradients reach all of them', () => {
    const layer = new BiMamba({ dModel: H, dState: N, seed: 7 });
    const x = rand([B, 5, H], 12);
    const w = rand([B, 5, H], 13);
    layer.apply(x);
    expect(layer.trainableWeights.length).toBe(18);
    expect(maxAbs(tf.sub(tf.tensor(mixerWeights(layer, 'fwd/').in_proj_kernel), tf.tensor(mixerWeights(layer, 'bwd/').in_proj_kernel)))).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar);
    for (const v of layer.trainableWeights) expect(maxAbs(grads[v.name])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    layer.dispose();
  });

  it('right padding: garbage in the pads changes no real output in either direction; pads output 0', () => {
    const layer = new BiMamba({ dModel: H, dState: N, seed: 5 });
    const real = rand([1, 4, H], 14);
    const yr = layer.apply(real) as tf.Tensor;
    for (const seed of [15, 16]) {
      const padded = tf.concat([real, rand([1, 3, H], seed, 4, 9)], 1);
      const y = layer.apply(padded, { mask: tf.tensor2d([[1, 1, 1, 1, 0, 0, 0]]) }) as tf.Tensor;
      expectClose(tf.slice(y, [0, 0, 0], [1, 4, H]), yr, 1e-5, 1e-4, `masked (garbage seed ${seed})`);
      expect(maxAbs(tf.slice(y, [0, 4, 0], [1, 3, H]))).toBe(0);
    }
    // Without the mask the backward direction does see the pads (the test can fail).
    const unmasked = layer.apply(tf.concat([real, rand([1, 3, H], 15, 4, 9)], 1)) as tf.Tensor;
    expect(maxAbs(tf.sub(tf.slice(unmasked, [0, 0, 0], [1, 4, H]), yr))).toBeGreaterThan(1e-3);
    layer.dispose();
  });

  it('segment ids: matches the oracle; changing segment 2 leaves segment 1 unchanged (backward leak check)', () => {
    const layer = new BiMamba({ dModel: H, dState: N, seed: 6 });
    const L = 8;
    const ids = [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 7, 7];
    const seg = tf.tensor2d(ids, [2, L], 'int32');
    const x = rand([2, L, H], 17);
    const y = layer.callWithSegments(x, seg);
    expectClose(y, oracle(layer, x, 'sum', ids), 1e-5, 1e-4, 'segments');
    const x2 = tf.concat([tf.slice(x, [0, 0, 0], [2, 3, H]), rand([2, L - 3, H], 18, -3, 3)], 1);
    const y2 = layer.callWithSegments(x2, seg);
    const head = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [1, 3, H]);
    expectClose(head(y2), head(y), 1e-6, 1e-6, 'segment isolation');
    expectNoLeak(() => layer.callWithSegments(x, seg).dispose(), 'BiMamba segments');
    layer.dispose();
  });

  it.each(['sum', 'concat'] as const)("outputMode 'last' (combine %s) equals the last position of the full output: values and every gradient", (combine) => {
    const L = 6;
    const full = new BiMamba({ dModel: H, dState: N, seed: 8, combine, dtMin: 0.02, dtMax: 0.4 });
    const last = new BiMamba({ dModel: H, dState: N, seed: 99, combine, outputMode: 'last' });
    const x = rand([3, L, H], 21);
    full.apply(x);
    last.apply(x);
    last.setWeights(full.getWeights());
    const width = combine === 'concat' ? 2 * H : H;
    const sliceLast = (t: tf.Tensor) => tf.reshape(tf.slice(t, [0, L - 1, 0], [3, 1, width]), [3, width]);
    const y = last.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([3, width]);
    expectClose(y, sliceLast(full.apply(x) as tf.Tensor), 1e-6, 1e-5, `last ${combine}`);
    const w = rand([3, width], 22);
    const gradsOf = (layer: BiMamba, pick: (t: tf.Tensor) => tf.Tensor) =>
      tf.grads((xx: tf.Tensor, ...ws: tf.Tensor[]) => {
        void ws;
        return tf.sum(tf.mul(pick(layer.apply(xx) as tf.Tensor), w));
      })([x]);
    expectClose(gradsOf(last, (t) => t)[0], gradsOf(full, sliceLast)[0], 1e-5, 1e-4, 'd/dx');
    const vg = (layer: BiMamba, pick: (t: tf.Tensor) => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.mul(pick(layer.apply(x) as tf.Tensor), w)) as tf.Scalar).grads;
    const ga = vg(last, (t) => t);
    const gb = vg(full, sliceLast);
    const names = (l: BiMamba) => l.trainableWeights.map((v) => v.name);
    names(last).forEach((n, i) => expectClose(ga[n], gb[names(full)[i]], 1e-5, 1e-4, `d/d${n}`));
    // With segment ids too (the forward direction resets; the backward sees only the last token either way).
    const seg = tf.tensor2d([0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 3, 4, 4, 4, 5, 5], [3, L], 'int32');
    expectClose(last.callWithSegments(x, seg), sliceLast(full.callWithSegments(x, seg)), 1e-6, 1e-5, 'last with segments');
    expectNoLeak(() => (last.apply(x) as tf.Tensor).dispose(), "BiMamba outputMode 'last'");
    expect(() => last.apply(x, { mask: tf.ones([3, L]) })).toThrow(/BiMamba: outputMode 'last' does not take a padding mask/);
    full.dispose();
    last.dispose();
  });
});

describe('BiMamba: serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('toJSON → modelFromJSON and fileSystemIO save/load give the same outputs', async () => {
    const model = tfl.sequential({ layers: [new BiMamba({ inputShape: [6, 4], dModel: 4, dState: 3, combine: 'concat', seed: 9 })] });
    const x = rand([2, 6, 4], 19);
    const a = model.predict(x) as tf.Tensor;
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    expect((copy.layers[0] as BiMamba).combine).toBe('concat');
    copy.setWeights(model.getWeights());
    expectClose(copy.predict(x) as tf.Tensor, a, 1e-7, 1e-6, 'JSON round trip');
    await expectFileSystemRoundTrip(model, x, a);
    model.dispose();
    copy.dispose();
  });

  it('rejects bad options with clear errors', () => {
    expect(() => new BiMamba({ dModel: 4, combine: 'max' as never })).toThrow(/BiMamba: option 'combine' must be one of 'sum', 'mean', 'concat', received "max"/);
    expect(() => new BiMamba({ dModel: 4, outputMode: 'first' as never })).toThrow(/BiMamba: option 'outputMode' must be one of 'sequence', 'last', received "first"/);
    expect(() => new BiMamba({ dModel: -1 })).toThrow(/BiMamba: option 'dModel' must be an integer >= 1, received -1/);
  });
});
