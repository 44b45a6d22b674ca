import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { csrFromEdges } from '../data/graph';
import type { GraphDataset } from '../data/dataset';
import { crossValidateGraphs } from './graphTask';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** 8 three-node graphs: paths (class 0) and triangles (class 1), one constant feature. */
function toy(): GraphDataset {
  const graphs = Array.from({ length: 8 }, (_, g) => {
    const tri = g % 2 === 1;
    const graph = csrFromEdges(3, tri ? [0, 1, 2] : [0, 1], tri ? [1, 2, 0] : [1, 2]);
    return { graph, features: new Float32Array([1, 1, 1]), label: tri ? 1 : 0 };
  });
  return { name: 'toy', graphs, numFeatures: 1, numClasses: 2, classValues: [0, 1] };
}

it('crossValidateGraphs reports each fold: accuracy, seconds and the epochs it trained, without leaks', async () => {
  const n0 = tf.memory().numTensors;
  const folds: number[] = [];
  const res = await crossValidateGraphs(toy(), 'gmn', 'micro', {}, { epochs: 2, folds: 2, seed: 0, onFold: (r) => folds.push(r.fold) });
  expect(folds).toEqual([0, 1]);
  for (const r of res) {
    expect(r.epochs).toBe(2);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.testAccuracy).toBeLessThanOrEqual(1);
    expect(r.trainSeconds).toBeGreaterThan(0);
  }
  expect(tf.memory().numTensors).toBe(n0);
});
