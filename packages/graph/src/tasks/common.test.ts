import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../ssm-core/src/testing/backends';
import { csrFromEdges } from '../data/graph';
import { buildGraphModel } from '../models/buildModel';
import { evalRepeats, resolveGraphConfig } from '../models/config';
import { featureKernel, withL2 } from './common';
import { trainNodeClassifier } from './nodeTask';

describe('node-task L2 and evaluation repeats', () => {
  beforeAll(() => useBackend('cpu'));

  it('featureKernel finds the (numFeatures, units) projection; withL2 adds l2·||W||² and is the identity at 0', () => {
    const c = resolveGraphConfig('micro', { model: 'gmn', task: 'node', numFeatures: 5, numClasses: 3 });
    const net = buildGraphModel(c);
    const k = featureKernel(net, 5);
    expect(k.shape).toEqual([5, c.hidden]);
    const w = Array.from(k.read().dataSync() as Float32Array);
    const loss = tf.scalar(1.5);
    const out = withL2(loss, k, 0.01);
    expect(out.dataSync()[0]).toBeCloseTo(1.5 + 0.01 * w.reduce((a, v) => a + v * v, 0), 5);
    expect(withL2(loss, k, 0)).toBe(loss);
    expect(withL2(loss, null, 0.01)).toBe(loss);
    expect(() => featureKernel(net, 7)).toThrow(/l2: no \(7, units\) feature-projection kernel/);
    tf.dispose([loss, out]);
    net.dispose();
  });

  it('evalRepeats: Graph-Mamba noisy orders, GMN token samplings, GCN one pass', () => {
    const fixed = { task: 'node' as const, numFeatures: 2, numClasses: 2 };
    expect(evalRepeats(resolveGraphConfig('tiny', { ...fixed, model: 'gmn' }, { evalTokenSamples: 3 }))).toBe(3);
    expect(evalRepeats(resolveGraphConfig('tiny', { ...fixed, model: 'graph-mamba' }, { evalPermutations: 5, evalTokenSamples: 3 }))).toBe(5);
    expect(evalRepeats(resolveGraphConfig('tiny', { ...fixed, model: 'gcn' }, { evalTokenSamples: 3 }))).toBe(1);
    expect(() => resolveGraphConfig('tiny', { ...fixed, model: 'gmn' }, { evalTokenSamples: 0 })).toThrow(/'evalTokenSamples' must be an integer >= 1, received 0/);
  });

  it('trainNodeClassifier rejects a negative l2 with the option named', async () => {
    const g = csrFromEdges(4, [0, 1, 2], [1, 2, 3]);
    const ds = { name: 't', graph: g, features: new Float32Array(8), numFeatures: 2, labels: Int32Array.from([0, 1, 0, 1]), numClasses: 2,
      splits: [{ train: Int32Array.from([0, 1]), val: Int32Array.from([2]), test: Int32Array.from([3]) }] };
    await expect(trainNodeClassifier(ds, ds.splits[0], 'gcn', 'micro', {}, { epochs: 1, l2: -1 })).rejects.toThrow(/trainNodeClassifier: 'l2' must be a number >= 0, received -1/);
  });
});
