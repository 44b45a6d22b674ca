import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectJsonRoundTrip, expectRightPaddingIgnored } from '../../testing/layerChecks';
import { LongConv } from './longConv';
import { jsConvLayer, maxAbs, weightsByName } from './testUtil';
import { stepInChunks } from '../../testing/stepInChunks';

/** Layer forward in float64 JS from its weights: squash, causal conv of length Lk, D, GELU, GLU. */
function jsForward(layer: LongConv, x: tf.Tensor): tf.Tensor {
  const [b, l, h] = x.shape;
  const w = weightsByName(layer);
  const Lk = layer.kernelLength as number;
  const sq = (v: number) => Math.sign(v) * Math.max(0, Math.abs(v) - layer.lambda);
  const kern = (c: number, lag: number) => (lag >= 0 && lag < Lk ? sq(w.ssm_kernel[c * Lk + lag]) : 0);
  return tf.tensor(jsConvLayer(x.dataSync(), b, l, h, kern, w.ssm_D, w.out_kernel, w.out_bias), x.shape);
}

describe.each(TEST_BACKENDS)('LongConv on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([[undefined], [4]])('forward (kernelLength %s) matches the float64 JS layer; no leaks', (kernelLength) => {
    // λ = 0.01 with a kernel scaled up so both squashed and surviving taps occur.
    const layer = new LongConv({ kernelLength, lambda: 0.01, seed: 1 });
    const x = rand([2, 7, 3], 31);
    layer.apply(x);
    const w = layer.getWeights();
    const scaled = tf.mul(w[0], 10);
    layer.setWeights([scaled, ...w.slice(1)]);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 7, 3]);
    expect(layer.kernelLength).toBe(kernelLength ?? 7);
    const want = jsForward(layer, x);
    expectClose(y, want, 1e-5, 1e-4, 'LongConv');
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'LongConv forward');
    const short = tf.slice(x, [0, 0, 0], [2, 3, 3]); // shorter than the kernel: first taps only
    const ys = layer.apply(short) as tf.Tensor;
    const wantS = jsForward(layer, short);
    expectClose(ys, wantS, 1e-5, 1e-4, 'LongConv short input');
    tf.dispose([x, y, want, scaled, short, ys, wantS]);
    layer.dispose();
  });

  it('gradients reach every weight; kernel dropout acts in training only; no leaks', () => {
    const layer = new LongConv({ seed: 2, lambda: 1e-4, dropout: 0.1 });
    const x = rand([2, 8, 4], 32);
    const yInf = layer.apply(x) as tf.Tensor;
    const yInf2 = layer.apply(x) as tf.Tensor;
    const yTr = layer.apply(x, { training: true }) as tf.Tensor;
    expectClose(yInf2, yInf, 1e-7, 0, 'inference is deterministic');
    const diff = tf.sub(yTr, yInf);
    expect(maxAbs(diff)).toBeGreaterThan(0);
    diff.dispose();
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, x)) as tf.Scalar);
    expect(layer.trainableWeights.map((v) => v.name.split('/').pop()).sort()).toEqual(['out_bias', 'out_kernel', 'ssm_D', 'ssm_kernel']);
    for (const v of layer.trainableWeights) expect(maxAbs(grads[v.name])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, yInf, yInf2, yTr]);
    layer.dispose();
  });

  it('step over chunks of 1, 3 and the rest equals the full forward (state = last Lk−1 inputs)', () => {
    const layer = new LongConv({ kernelLength: 5, seed: 3, lambda: 0 });
    const x = rand([2, 10, 3], 33);
    const full = layer.apply(x) as tf.Tensor;
    const y = stepInChunks(layer, x, (state) => expect(state[0].shape).toEqual([2, 4, 3]));
    expectClose(y, full, 1e-4, 1e-4, 'LongConv step');
    tf.dispose([x, full, y]);
    layer.dispose();
  });

  it('padding mask: pads output zero, garbage in pads does not reach real tokens', () => {
    const layer = new LongConv({ kernelLength: 6, seed: 4, lambda: 0 });
    const real = rand([1, 4, 2], 34);
    expectRightPaddingIgnored(layer, real, 2, 35);
    real.dispose();
    layer.dispose();
  });
});

describe('LongConv: init, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('kernel init is N(0, 0.002²); the squash zeroes |K| ≤ λ', () => {
    const layer = new LongConv({ seed: 5 });
    layer.apply(tf.zeros([1, 512, 8]));
    const k = weightsByName(layer).ssm_kernel;
    const mean = k.reduce((s, v) => s + v, 0) / k.length;
    const std = Math.sqrt(k.reduce((s, v) => s + (v - mean) ** 2, 0) / k.length);
    expect(Math.abs(std - 0.002)).toBeLessThan(0.0001);
    expect(Math.abs(mean)).toBeLessThan(0.0001);
    const sq = layer.kernel().dataSync();
    const zeroFrac = Array.from(sq).filter((v) => v === 0).length / sq.length;
    expect(Math.abs(zeroFrac - 0.383)).toBeLessThan(0.03); // P(|N(0,1)| ≤ 0.5) = 0.383
    layer.dispose();
  });

  it('round-trips through model JSON with the same outputs', async () => {
    const model = tfl.sequential({ layers: [new LongConv({ inputShape: [6, 3], lambda: 2e-3, kernelDropout: 0.1, seed: 9 })] });
    const x = rand([2, 6, 3], 36);
    const copy = await expectJsonRoundTrip(model, x);
    const l = copy.layers[0] as LongConv;
    expect([l.getClassName(), l.kernelLength, l.lambda, l.kernelDropout, l.seed]).toEqual(['LongConv', 6, 2e-3, 0.1, 9]);
    x.dispose();
    model.dispose();
    copy.dispose();
  });

  it('rejects bad configs and inputs', () => {
    expect(() => new LongConv({ kernelLength: 0 })).toThrow(/LongConv: option 'kernelLength' must be an integer >= 1, received 0/);
    expect(() => new LongConv({ lambda: -1 })).toThrow(/option 'lambda' must be a finite number >= 0, received -1/);
    expect(() => new LongConv({ kernelDropout: 1.5 })).toThrow(/option 'kernelDropout' must be a number in \[0, 1\), received 1.5/);
    const xi = tfl.input({ shape: [null, 3] });
    expect(() => new LongConv().apply(xi)).toThrow(/option 'kernelLength' is required when the input length is unknown/);
    const layer = new LongConv({ dModel: 3 });
    expect(() => layer.apply(tf.zeros([1, 4, 2]))).toThrow(/LongConv: input must have last dimension d_model=3, received shape \[1, 4, 2\]/);
    expect(() => layer.apply(tf.zeros([4, 3]))).toThrow(/LongConv: input must have shape \(batch, L, H\), received shape \[4, 3\]/);
  });
});
