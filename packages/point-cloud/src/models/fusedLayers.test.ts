import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Linear } from '@statespace/ssm-core';
import { expectClose as expectCloseAR } from '../../../ssm-core/src/testing/compare';
import { batchGather, batchGatherReference, repeatAxis } from './gather';
import { PcGroupEmbed } from './groupEmbed';
import { maxOverAxis, PcGroup } from './pointLayers';
import { expectNoTensorLeak } from '../testing/data';

const expectClose = (a: tf.Tensor, b: tf.Tensor, tol: number) => expectCloseAR(a, b, tol, tol);

/** A (B, M, 1 + k) index table of random anchors and neighbours (repeats allowed: they must be counted twice). */
function indexTable(B: number, N: number, M: number, k: number, seed: number): tf.Tensor {
  let s = seed;
  const next = () => { s = (s * 1103515245 + 12345) % 2147483648; return s % N; };
  return tf.tensor3d(Int32Array.from({ length: B * M * (1 + k) }, next), [B, M, 1 + k], 'int32');
}

/** Values and gradients (wrt every input listed in `wrt`) of sum(f(...) · probe) for a fixed random probe. */
function valueAndGrads(f: (...x: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], seed: number) {
  const value = f(...xs);
  const probe = tf.randomNormal(value.shape, 0, 1, 'float32', seed);
  const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), probe)))(xs);
  probe.dispose();
  return { value, grads };
}

// the backends the fused kernels are registered on (ssm-core's testing TEST_BACKENDS)
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused point layers against their reference twins (${backend})`, () => {
    beforeAll(async () => { await initBackend({ backend }); });

    it('batchGather equals tf.gather (values and gradient), repeatAxis equals tf.tile', () => {
      const x = tf.randomNormal([3, 7, 5], 0, 1, 'float32', 1);
      const idx = tf.slice(indexTable(3, 7, 4, 2, 5), [0, 0, 0], [-1, -1, 3]);
      const a = valueAndGrads((t) => batchGather(t, idx), [x], 2), b = valueAndGrads((t) => batchGatherReference(t, idx), [x], 2);
      expectClose(a.value, b.value, 1e-6);
      expectClose(a.grads[0], b.grads[0], 1e-5);
      const r = repeatAxis(x, 2, 4);
      expectClose(r, tf.tile(tf.expandDims(x, 2), [1, 1, 4, 1]), 1e-7);
      const ga = tf.grad((t: tf.Tensor) => tf.sum(tf.square(repeatAxis(t, 1, 3))))(x);
      expectClose(ga, tf.mul(x, 6), 1e-5);
      tf.dispose([x, idx, a.value, b.value, ...a.grads, ...b.grads, r, ga]);
    });

    it('maxOverAxis has tf.max\'s values and gradient (ties included)', () => {
      const x = tf.concat([tf.randomNormal([4, 5, 6], 0, 1, 'float32', 3), tf.ones([4, 2, 6])], 1); // rows of ties
      for (const axis of [1, 2]) {
        const a = valueAndGrads((t) => maxOverAxis(t, axis), [x], 4), b = valueAndGrads((t) => tf.max(t, axis), [x], 4);
        expectClose(a.value, b.value, 1e-7);
        expectClose(a.grads[0], b.grads[0], 1e-6);
        tf.dispose([a.value, b.value, ...a.grads, ...b.grads]);
      }
      expectNoTensorLeak(() => { const g = tf.grad((t: tf.Tensor) => tf.sum(maxOverAxis(t, 1)))(x); g.dispose(); });
      x.dispose();
    });

    it('PcGroupEmbed equals PcGroup → Dense with the same weights: values and the gradient of every input and weight', () => {
      const B = 2, N = 20, C = 5, M = 6, k = 4, U = 7;
      const xyz = tf.randomNormal([B, N, 3], 0, 1, 'float32', 7), feat = tf.randomNormal([B, N, C], 0.3, 1, 'float32', 8);
      const idx = indexTable(B, N, M, k, 11);
      const fused = new PcGroupEmbed({ k, units: U, seed: 4 });
      fused.apply([xyz, feat, idx]);
      const group = new PcGroup({ k }), dense = new Linear({ units: U });
      dense.apply(group.apply([xyz, feat, idx]) as tf.Tensor);
      const alpha = tf.randomUniform([C + 3], 0.5, 1.5, 'float32', 9), beta = tf.randomNormal([C + 3], 0, 0.3, 'float32', 10);
      const W = fused.getWeights()[2], bias = tf.randomNormal([U], 0, 0.1, 'float32', 12);
      fused.setWeights([alpha, beta, W, bias]);
      group.setWeights([alpha, beta]);
      dense.setWeights([W, bias]);
      const px = tf.variable(xyz), pf = tf.variable(feat);
      const probe = tf.randomNormal([B, M, k, U], 0, 1, 'float32', 13);
      const run = (f: () => tf.Tensor, weights: tf.Variable[]) => {
        const value = f();
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(), probe)), [px, pf, ...weights]);
        return { value, grads: [px, pf, ...weights].map((v) => grads[v.name]) };
      };
      const vars = (l: { trainableWeights: { read(): tf.Tensor }[] }) => l.trainableWeights.map((w) => w.read() as tf.Variable);
      const a = run(() => fused.apply([px, pf, idx]) as tf.Tensor, vars(fused));
      const r = run(() => dense.apply(group.apply([px, pf, idx]) as tf.Tensor) as tf.Tensor, [...vars(group), ...vars(dense)]);
      expect(a.value.shape).toEqual([B, M, k, U]);
      expectClose(a.value, r.value, 1e-4);
      a.grads.forEach((g, i) => expectClose(g, r.grads[i], 2e-3));
      expect(() => new PcGroupEmbed({ k: 2, units: 0 })).toThrow(/PcGroupEmbed: option 'units' must be an integer >= 1, received 0/);
      expectNoTensorLeak(() => { const y = fused.apply([xyz, feat, idx]) as tf.Tensor; y.dispose(); });
      tf.dispose([xyz, feat, px, pf, probe, idx, alpha, beta, bias, a.value, r.value, ...a.grads, ...r.grads]);
    });
  });
}
