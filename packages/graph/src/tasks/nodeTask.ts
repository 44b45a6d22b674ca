import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fit, mulberry32, type FitResult } from '@statespace/ssm-core';
import type { NodeDataset, NodeSplit } from '../data/dataset';
import { buildGraphModel } from '../models/buildModel';
import { evalRepeats, resolveGraphConfig, type GraphModelConfig } from '../models/config';
import { autoOutputHops } from '../ops/homophily';
import { buildBatch, disposeBatch, withEncodings, type GraphBatch } from './batch';
import { accuracy, argmaxRows, averagedProbabilities, crossEntropy, featureKernel, logits, withL2, type TrainOptions } from './common';

export interface NodeRunResult {
  valAccuracy: number;
  /** Test accuracy at the epoch with the best validation accuracy. */
  testAccuracy: number;
  bestEpoch: number;
  trainSeconds: number;
  fit: FitResult;
  model: tfl.LayersModel;
  config: GraphModelConfig;
}

/** Full-batch node classification on one split; model selection by validation accuracy. */
export async function trainNodeClassifier(ds: NodeDataset, split: NodeSplit, model: GraphModelConfig['model'], configName: string,
  overrides: Partial<GraphModelConfig>, o: TrainOptions): Promise<NodeRunResult> {
  if (o.l2 != null && !(o.l2 >= 0)) throw new Error(`trainNodeClassifier: 'l2' must be a number >= 0, received ${String(o.l2)}`);
  const probe = resolveGraphConfig(configName, { model, task: 'node', numFeatures: ds.numFeatures, numClasses: ds.numClasses }, overrides);
  const features = withEncodings(ds.graph, ds.features, ds.numFeatures, probe.lapPE, probe.rwse);
  // Opt-in: under load on wasm the gather/segment-sum projection measured slower than the dense one for Cora.
  const sparseInput = overrides.sparseInput ?? false;
  // Unless set, GCN-style output propagation is switched on for graphs whose training labels are homophilous.
  const outputHops = overrides.outputHops ?? autoOutputHops(ds.graph, ds.labels, split.train);
  const c = resolveGraphConfig(configName, { model, task: 'node', numFeatures: ds.numFeatures + probe.lapPE + probe.rwse, numClasses: ds.numClasses },
    { ...overrides, sparseInput, outputHops, seed: o.seed ?? overrides.seed ?? 0 });
  const net = buildGraphModel(c);
  const l2Kernel = o.l2 ? featureKernel(net, c.numFeatures) : null;
  const trainRows = tf.tensor1d(split.train, 'int32');
  const trainLabels = Int32Array.from(split.train, (i) => ds.labels[i]);
  // The feature matrix is uploaded once and shared by every epoch's batch (Cora's is 2708 × 1433).
  const x = c.sparseInput ? features : tf.tensor2d(features, [ds.graph.numNodes, c.numFeatures]);
  const keep = x instanceof tf.Tensor ? x : undefined;
  // Evaluation inputs are fixed (seeded) so validation is comparable across epochs.
  const evalBatches: GraphBatch[] = Array.from({ length: evalRepeats(c) }, (_, k) =>
    buildBatch(c, ds.graph, x, mulberry32(10_000 + k), c.model === 'graph-mamba'));
  let best = { val: -1, test: 0, epoch: 0 };
  let epoch = 0;
  try {
    const result = await fit<GraphBatch>({
      model: net,
      lr: o.lr ?? 0.01,
      weightDecay: o.weightDecay ?? 5e-3,
      schedule: 'constant',
      epochs: o.epochs,
      batchesPerEpoch: 1,
      seed: o.seed ?? 0,
      trainBatches: (_e, rng) => [buildBatch(c, ds.graph, x, rng, true)],
      loss: (m, b, training) => withL2(crossEntropy(logits(m, c, b, training), trainLabels, trainRows, c.numClasses), l2Kernel, o.l2 ?? 0),
      disposeBatch: (b) => disposeBatch(b, keep),
      validate: (m) => {
        epoch++;
        const pred = argmaxRows(averagedProbabilities(m, c, evalBatches), c.numClasses);
        const val = accuracy(pred, ds.labels, split.val);
        const test = accuracy(pred, ds.labels, split.test);
        if (val > best.val) best = { val, test, epoch };
        return { valAcc: val, testAcc: test };
      },
      monitor: { metric: 'valAcc', mode: 'max' },
      patience: o.patience,
      checkpointDir: o.checkpointDir,
      resume: o.resume,
      maxSeconds: o.maxSeconds,
      progress: o.progress ?? false,
    onEpochEnd: o.onEpochEnd,
      extraState: { config: c, dataset: ds.name },
    });
    if (result.resumedFrom != null) {
      // After a resume the pre-resume epochs are in the history; take the best of all.
      for (const r of result.history) if (r.val && r.val.valAcc > best.val) best = { val: r.val.valAcc, test: r.val.testAcc, epoch: r.epoch };
    }
    return { valAccuracy: best.val, testAccuracy: best.test, bestEpoch: best.epoch, trainSeconds: result.trainSeconds, fit: result, model: net, config: c };
  } finally {
    trainRows.dispose();
    evalBatches.forEach((b) => disposeBatch(b, keep));
    keep?.dispose();
  }
}
