import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../testing/backends';
import { expectClose, rand } from '../../testing/compare';
import { expectFileSystemRoundTrip, expectGradsReachEveryWeight } from '../../testing/layerChecks';
import { geluTanh, Linear, type LinearActivation } from './linearLayer';

/** Independent oracle: plain tf.matMul (tfjs' own gradient) + bias, then the activation in plain tf. */
function oracle(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, act: LinearActivation): tf.Tensor {
  return tf.tidy(() => {
    const k = kernel.shape[0] as number;
    const y = tf.add(tf.reshape(tf.matMul(tf.reshape(x, [-1, k]), kernel), [...x.shape.slice(0, -1), kernel.shape[1] as number]), bias);
    if (act === 'relu') return tf.relu(y);
    // x·Φ(x) through erf; 'geluTanh' is checked against this within its approximation error below.
    if (act === 'gelu' || act === 'geluTanh') return tf.mul(y, tf.mul(0.5, tf.add(1, tf.erf(tf.div(y, Math.SQRT2)))));
    return y;
  });
}

describe.each(['cpu', 'wasm'])('Linear layer on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it.each<LinearActivation>(['linear', 'relu', 'gelu', 'geluTanh'])('matches plain tf.matMul (+%s) in values and every gradient, no leak', (act) => {
    const x = rand([2, 5, 6], 1);
    const layer = new Linear({ units: 4, activation: act, seed: 3 });
    layer.apply(x);
    const [k, b] = layer.getWeights();
    const b2 = tf.add(b, rand([4], 2));
    layer.setWeights([k, b2]);
    const tol = act === 'geluTanh' ? 1e-3 : 1e-5;
    const w = rand([2, 5, 4], 4);
    const f = (fn: (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) => tf.Tensor) => (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor): tf.Scalar => tf.sum(tf.mul(fn(xx, kk, bb), w));
    const mine = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor): tf.Tensor => {
      layer.setWeights([kk, bb]);
      return layer.apply(xx) as tf.Tensor;
    };
    // gradients wrt x through the layer, wrt the weights through tf.grads of the same maths
    const gx = tf.grad((xx: tf.Tensor) => f(mine)(xx, k, b2))(x);
    const gxRef = tf.grad((xx: tf.Tensor) => f((a, kk, bb) => oracle(a, kk, bb, act))(xx, k, b2))(x);
    expectClose(gx, gxRef, tol, tol, `${act} dx`);
    expectClose(mine(x, k, b2), oracle(x, k, b2, act), tol, tol, `${act} value`);
    layer.setWeights([k, b2]);
    const [gkRef, gbRef] = tf.grads((kk: tf.Tensor, bb: tf.Tensor) => f((a, k2, b3) => oracle(a, k2, b3, act))(x, kk, bb))([k, b2]);
    const before = tf.memory().numTensors;
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar);
    const [kv, bv] = layer.trainableWeights.map((v) => v.name);
    expectClose(grads[kv], gkRef, tol, tol, `${act} dkernel`);
    expectClose(grads[bv], gbRef, tol, tol, `${act} dbias`);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, k, b, b2, w, gx, gxRef, gkRef, gbRef]);
  });

  it('gradients reach kernel and bias; useBias false drops the bias', () => {
    const x = rand([3, 6], 5);
    const w = rand([3, 2], 6);
    expectGradsReachEveryWeight(new Linear({ units: 2, activation: 'relu', seed: 1 }), x, w, ['kernel', 'bias']);
    expectGradsReachEveryWeight(new Linear({ units: 2, useBias: false }), x, w, ['kernel']);
    tf.dispose([x, w]);
  });
});

describe('Linear layer: init, config, errors', () => {
  beforeAll(async () => useBackend('cpu'));

  it('seeded Glorot-uniform kernel: same seed same weights, bounded by sqrt(6/(in+out))', () => {
    const k = (seed: number): Float32Array => {
      const l = new Linear({ units: 30, seed });
      l.build([null, 20]);
      return l.getWeights()[0].dataSync() as Float32Array;
    };
    expect(Array.from(k(7))).toEqual(Array.from(k(7)));
    expect(Array.from(k(7))).not.toEqual(Array.from(k(8)));
    const lim = Math.sqrt(6 / 50);
    expect(Math.max(...k(7).map(Math.abs))).toBeLessThanOrEqual(lim);
    expect(Math.max(...k(7).map(Math.abs))).toBeGreaterThan(0.9 * lim);
  });

  it('geluTanh equals the textbook tanh form (computed with tf.tanh)', () => {
    const x = tf.linspace(-6, 6, 241);
    const d = tf.tidy(() => {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      const textbook = tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
      return tf.max(tf.abs(tf.sub(geluTanh(x), textbook))).dataSync()[0];
    });
    expect(d).toBeLessThan(1e-5);
    x.dispose();
  });

  it('geluTanh stays within 5e-4 of the erf GELU', () => {
    const x = tf.linspace(-6, 6, 241);
    const d = tf.tidy(() => {
      const exact = tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))));
      return tf.max(tf.abs(tf.sub(geluTanh(x), exact))).dataSync()[0];
    });
    expect(d).toBeLessThan(5e-4);
    x.dispose();
  });

  it('round-trips through getConfig and fileSystemIO', async () => {
    const inp = tfl.input({ shape: [4, 3] });
    const out = new Linear({ units: 5, activation: 'geluTanh', seed: 2, name: 'lin' }).apply(inp) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: inp, outputs: out });
    const x = rand([2, 4, 3], 9);
    const y = model.predict(x) as tf.Tensor;
    await expectFileSystemRoundTrip(model, x, y);
    tf.dispose([x, y]);
  });

  it('names the option on bad arguments', () => {
    expect(() => new Linear({ units: 0 })).toThrow(/Linear: option 'units' expects an integer >= 1, received 0/);
    expect(() => new Linear({ units: 2, activation: 'tanh' as LinearActivation })).toThrow(/option 'activation' expects one of linear, relu, gelu, geluTanh, received 'tanh'/);
  });
});
