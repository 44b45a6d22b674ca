import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { expectFileSystemRoundTrip, expectStepMatchesForward } from '../../testing/layerChecks';
import { S4D } from '../lti/s4d';
import { maxAbs } from '../lti/testUtil';
import { BiMamba } from './biMamba';
import { Block } from './block';
import { Mamba } from './mamba';
import { jsMamba, mixerWeights } from './testUtil';

const [B, H, N] = [2, 4, 3];

/** x + Mamba(RMSNorm(x)·gamma) in float64 JS from the block's weights. */
function oracle(block: Block, x: tf.Tensor): tf.Tensor {
  const [b, l, h] = x.shape;
  const xs = x.dataSync();
  const gamma = block.weights.find((w) => w.originalName.endsWith('/norm_gamma'))!.read().dataSync();
  const xn: number[] = [];
  for (let r = 0; r < b * l; r++) {
    let ms = 0;
    for (let c = 0; c < h; c++) ms += xs[r * h + c] ** 2 / h;
    for (let c = 0; c < h; c++) xn.push((xs[r * h + c] / Math.sqrt(ms + block.eps)) * gamma[c]);
  }
  const m = jsMamba(xn, b, l, h, mixerWeights(block), N, (block.mixer as Mamba).config.dConv);
  return tf.tensor(m.map((v, i) => v + xs[i]), x.shape);
}

/** Sets norm_gamma to random values so the test sees it. */
function randomGamma(block: Block, seed: number): void {
  const g = block.weights.find((w) => w.originalName.endsWith('/norm_gamma'))!;
  g.write(rand([H], seed, 0.5, 1.5));
}

describe.each(TEST_BACKENDS)('Block on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('Block(Mamba) = x + Mamba(RMSNorm(x)) against float64 JS; no leaks', () => {
    const block = new Block({ mixer: new Mamba({ dModel: H, dState: N, seed: 3 }) });
    const x = rand([B, 7, H], 11);
    block.apply(x);
    randomGamma(block, 12);
    const y = block.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([B, 7, H]);
    expectClose(y, oracle(block, x), 1e-5, 1e-4, 'Block(Mamba)');
    expectNoLeak(() => (block.apply(x) as tf.Tensor).dispose(), 'Block forward');
    block.dispose();
  });

  it('step forwards to the mixer: chunks of 1, 3 and the rest equal the full forward', () => {
    const block = new Block({ mixer: new Mamba({ dModel: H, dState: N, seed: 4 }) });
    const T = 9;
    const x = rand([B, T, H], 13);
    block.apply(x);
    randomGamma(block, 14);
    expectStepMatchesForward(block, x);
    block.dispose();
  });

  it('gradients reach norm_gamma and every mixer weight; masks and segments pass to the mixer', () => {
    const block = new Block({ mixer: new BiMamba({ dModel: H, dState: N, seed: 5 }) });
    const x = rand([1, 6, H], 15);
    block.apply(x);
    expect(block.trainableWeights.length).toBe(19);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(block.apply(x) as tf.Tensor, rand([1, 6, H], 16))) as tf.Scalar);
    for (const v of block.trainableWeights) expect(maxAbs(grads[v.name])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    // Right padding with garbage: real outputs equal the unpadded run (the backward direction too).
    const real = tf.slice(x, [0, 0, 0], [1, 4, H]);
    const yr = block.apply(real) as tf.Tensor;
    const yp = block.apply(tf.concat([real, rand([1, 2, H], 17, 4, 9)], 1), { mask: tf.tensor2d([[1, 1, 1, 1, 0, 0]]) }) as tf.Tensor;
    expectClose(tf.slice(yp, [0, 0, 0], [1, 4, H]), yr, 1e-5, 1e-4, 'Block mask');
    const seg = tf.tensor2d([[0, 0, 0, 0, 1, 1]], [1, 6], 'int32');
    const ys = block.callWithSegments(x, seg);
    expectClose(tf.slice(ys, [0, 0, 0], [1, 4, H]), yr, 1e-5, 1e-4, 'Block segments');
    block.dispose();
  });
});

describe('Block: DropPath, serialization, errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('DropPath in training keeps or drops whole samples (x or x + branch/(1−p)); identity branch at inference', () => {
    const block = new Block({ mixer: new Mamba({ dModel: H, dState: N, seed: 6 }), dropPath: 0.5, seed: 1 });
    const x = rand([16, 3, H], 18);
    const inf = block.apply(x) as tf.Tensor;
    const tr = block.apply(x, { training: true }) as tf.Tensor;
    let [kept, dropped] = [0, 0];
    for (let i = 0; i < 16; i++) {
      const s = (t: tf.Tensor) => tf.slice(t, [i, 0, 0], [1, 3, H]);
      if (maxAbs(tf.sub(s(tr), s(x))) === 0) dropped++;
      else {
        expectClose(s(tr), tf.add(s(x), tf.mul(tf.sub(s(inf), s(x)), 2)), 1e-5, 1e-5, 'kept sample');
        kept++;
      }
    }
    expect(kept).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    block.dispose();
  });

  it('toJSON → modelFromJSON and fileSystemIO save/load rebuild the mixers (Mamba, BiMamba, S4D) with the same outputs', async () => {
    const model = tfl.sequential({ layers: [
      new Block({ inputShape: [6, H], mixer: new Mamba({ dModel: H, dState: N, seed: 1 }), dropPath: 0.1, seed: 2 }),
      new Block({ mixer: { className: 'BiMamba', config: { dModel: H, dState: N, seed: 3, combine: 'mean' } } }),
      new Block({ mixer: new S4D({ dState: 4, seed: 4 }) }),
    ] });
    const x = rand([2, 6, H], 19);
    const a = model.predict(x) as tf.Tensor;
    const json = model.toJSON(null, false) as never;
    const copy = await tfl.models.modelFromJSON(json);
    expect(copy.layers.map((l) => (l as Block).mixer.getClassName())).toEqual(['Mamba', 'BiMamba', 'S4D']);
    expect(((copy.layers[1] as Block).mixer as BiMamba).combine).toBe('mean');
    expect((copy.layers[0] as Block).dropPathRate).toBe(0.1);
    copy.setWeights(model.getWeights());
    expectClose(copy.predict(x) as tf.Tensor, a, 1e-7, 1e-6, 'JSON round trip');
    await expectFileSystemRoundTrip(model, x, a);
    model.dispose();
    copy.dispose();
  });

  it('rejects bad options and unsupported calls with clear errors', () => {
    expect(() => new Block({ mixer: { className: 'Nope', config: {} } })).toThrow(/Block: option 'mixer' names an unregistered class, received className "Nope"/);
    expect(() => new Block({ mixer: 3 as never })).toThrow(/Block: option 'mixer' must be a Layer or \{ className, config \}, received 3/);
    expect(() => new Block({ mixer: new Mamba({ dModel: H }), eps: 0 })).toThrow(/Block: option 'eps' must be a finite number > 0, received 0/);
    expect(() => new Block({ mixer: new Mamba({ dModel: H }), dropPath: 1 })).toThrow(/Block: option 'dropPath' must be a number in \[0, 1\), received 1/);
    const notBuilt = new Block({ mixer: new Mamba({ dModel: H }) });
    expect(() => notBuilt.initialState(1)).toThrow(/Block: build the layer/);
    const concat = new Block({ mixer: new BiMamba({ dModel: H, combine: 'concat' }) });
    expect(() => concat.apply(tf.zeros([1, 2, H]))).toThrow(/Block: the mixer must keep the width \(residual\), expected output width 4, received BiMamba output shape \[1, 2, 8\]/);
    const bi = new Block({ mixer: new BiMamba({ dModel: H, dState: 2 }) });
    bi.apply(tf.zeros([1, 2, H]));
    expect(() => bi.step([], tf.zeros([1, 1, H]))).toThrow(/Block: step\(\) needs a mixer with step\(\)\/initialState\(\), received BiMamba/);
    const s4d = new Block({ mixer: new S4D({ dState: 2 }) });
    expect(() => s4d.callWithSegments(tf.zeros([1, 2, H]), tf.zeros([1, 2], 'int32') as tf.Tensor2D)).toThrow(/Block: segment ids given, but mixer S4D has no callWithSegments\(\)/);
    [bi, s4d].forEach((b) => b.dispose());
  });
});
