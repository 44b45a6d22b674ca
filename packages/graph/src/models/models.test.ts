import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemIO, mulberry32 } from '@statespace/ssm-core';
import { TEST_BACKENDS, useBackend } from '../../../ssm-core/src/testing/backends';
import { expectClose } from '../../../ssm-core/src/testing/compare';
import { tmpDir } from '../testing/testUtil';
import { csrFromEdges } from '../data/graph';
import { gcnNormEdges } from '../ops/gcnNorm';
import { buildGraphModel } from './buildModel';
import { MODEL_KINDS, resolveGraphConfig, type GraphTask } from './config';
import { buildBatch, buildGraphsBatch, disposeBatch, inputsInOrder, sparseTriples } from '../tasks/batch';
import { GraphSparseDense } from './graphLayers';

const G = csrFromEdges(7, [0, 1, 2, 2, 3, 1], [1, 2, 0, 3, 4, 5]);
const F = 5;
const X = Float32Array.from({ length: 7 * F }, (_, i) => Math.sin(i));

describe.each(TEST_BACKENDS)('graph models on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  for (const model of MODEL_KINDS) {
    for (const task of ['node', 'graph'] as GraphTask[]) {
      it(`${model} / ${task}: output shape, gradients reach every weight, no leak, save/load round trip`, async () => {
        const c = resolveGraphConfig('micro', { model, task, numFeatures: F, numClasses: 3 }, { nodeMamba: model === 'gmn', outputHops: model === 'gmn' ? 2 : 0, seed: 1 });
        const net = buildGraphModel(c);
        const b = task === 'node'
          ? buildBatch(c, G, X, mulberry32(0), true)
          : buildGraphsBatch(c, [{ graph: G, features: X }, { graph: csrFromEdges(3, [0, 1], [1, 2]), features: X.slice(0, 3 * F) }], mulberry32(0), true);
        const out = net.apply(inputsInOrder(c, b), { training: false }) as tf.Tensor;
        expect(out.shape).toEqual([task === 'node' ? 7 : 2, 3]);
        const before = tf.memory().numTensors;
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(inputsInOrder(c, b), { training: true }) as tf.Tensor)) as tf.Scalar);
        for (const w of net.trainableWeights) {
          const g = grads[w.originalName] ?? grads[w.name];
          expect(g).toBeDefined();
          expect(Number.isFinite(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]))).toBe(true);
        }
        const nonzero = Object.values(grads).filter((g) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) > 0).length;
        expect(nonzero).toBeGreaterThan(net.trainableWeights.length * 0.8);
        tf.dispose([value, ...Object.values(grads)]);
        expect(tf.memory().numTensors).toBe(before);
        const dir = tmpDir('graph-model-');
        await net.save(fileSystemIO(dir));
        const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
        expectClose(loaded.apply(inputsInOrder(c, b, loaded), { training: false }) as tf.Tensor, out, 1e-6, 1e-6, `${model} round trip`);
        disposeBatch(b);
        net.dispose();
        loaded.dispose();
      });
    }
  }

  it('sparse-input projection equals the dense product; sparse-input GCN/GMN train and round-trip', async () => {
    const xs = Float32Array.from(X, (v, i) => (i % 3 === 0 ? 0 : v));
    const t = sparseTriples(xs, 7, F);
    const layer = new GraphSparseDense({ units: 4, inputDim: F, seed: 3 });
    const ins = [tf.tensor1d(t.featRows, 'int32'), tf.tensor1d(t.featCols, 'int32'), tf.tensor1d(t.featVals), tf.zeros([7])];
    const y = layer.apply(ins) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    expectClose(y, tf.add(tf.matMul(tf.tensor2d(xs, [7, F]), kernel), bias), 1e-5, 1e-5, 'sparse dense');
    for (const model of ['gcn', 'gmn'] as const) {
      const c = resolveGraphConfig('micro', { model, task: 'node', numFeatures: F, numClasses: 3 }, { sparseInput: true });
      const net = buildGraphModel(c);
      const b = buildBatch(c, G, xs, mulberry32(0), true);
      const out = net.apply(inputsInOrder(c, b, net), { training: false }) as tf.Tensor;
      expect(out.shape).toEqual([7, 3]);
      const dir = tmpDir('graph-sparse-');
      await net.save(fileSystemIO(dir));
      const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
      expectClose(loaded.apply(inputsInOrder(c, b, loaded), { training: false }) as tf.Tensor, out, 1e-6, 1e-6, `${model} sparse round trip`);
      disposeBatch(b);
      net.dispose();
      loaded.dispose();
    }
  });

  it('outputHops k: the dense logits propagated k hops with personalized PageRank (α = outputAlpha), against a dense Â', () => {
    const e = gcnNormEdges(G);
    const a = new Float32Array(49);
    for (let k = 0; k < e.src.length; k++) a[e.dst[k] * 7 + e.src[k]] += e.weight[k]; // out[dst] += w · h[src]
    for (const [model, alpha] of [['gmn', 0.1], ['graph-mamba', 0]] as const) {
      const c = resolveGraphConfig('micro', { model, task: 'node', numFeatures: F, numClasses: 3 }, { outputHops: 4, outputAlpha: alpha, seed: 2 });
      const net = buildGraphModel(c);
      const b = buildBatch(c, G, X, mulberry32(0), false);
      const ins = inputsInOrder(c, b, net);
      const out = net.apply(ins, { training: false }) as tf.Tensor2D;
      const logitsLayer = net.getLayer('logits');
      const dense = tfl.model({ inputs: net.inputs, outputs: logitsLayer.output as tfl.SymbolicTensor });
      const expected = tf.tidy(() => {
        const adj = tf.tensor2d(a, [7, 7]);
        const z0 = dense.apply(ins, { training: false }) as tf.Tensor2D;
        let z: tf.Tensor2D = z0;
        for (let k = 0; k < 4; k++) z = tf.add(tf.mul(tf.matMul(adj, z), 1 - alpha), tf.mul(z0, alpha));
        // The test can fail: propagation must change the logits on this graph.
        expect(tf.max(tf.abs(tf.sub(z, z0))).dataSync()[0]).toBeGreaterThan(1e-3);
        return z;
      });
      expectClose(out, expected, 1e-5, 1e-5, `${model} output propagation`);
      const plain = buildGraphModel({ ...c, outputHops: 0 });
      expect(plain.layers.some((l) => l.getClassName() === 'GraphAppnp')).toBe(false);
      tf.dispose([out, expected]);
      disposeBatch(b);
      net.dispose();
      plain.dispose();
    }
    expect(() => resolveGraphConfig('micro', { model: 'gmn', task: 'node', numFeatures: 2, numClasses: 3 }, { outputHops: -1 })).toThrow(/'outputHops' must be an integer >= 0, received -1/);
    expect(() => resolveGraphConfig('micro', { model: 'gmn', task: 'node', numFeatures: 2, numClasses: 3 }, { outputAlpha: 1 })).toThrow(/'outputAlpha' must be in \[0, 1\), received 1/);
  });

  it('rejects a bad config with the option named', () => {
    expect(() => resolveGraphConfig('micro', { model: 'gmn', task: 'node', numFeatures: 0, numClasses: 3 })).toThrow(/'numFeatures' must be an integer >= 1, received 0/);
    expect(() => resolveGraphConfig('huge', { model: 'gmn', task: 'node', numFeatures: 2, numClasses: 3 })).toThrow(/unknown config 'huge'/);
    expect(() => resolveGraphConfig('micro', { model: 'gat' as never, task: 'node', numFeatures: 2, numClasses: 3 })).toThrow(/'model' must be one of gcn, gmn, graph-mamba/);
    expect(() => resolveGraphConfig('micro', { model: 'gmn', task: 'node', numFeatures: 2, numClasses: 3 }, { expand: 0 })).toThrow(/'expand' must be an integer >= 1, received 0/);
  });
});
