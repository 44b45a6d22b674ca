import type * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, batchIndices, fit, mulberry32, ssmParameterGroup, stratifiedKFold, timeAwareCosine, type Rng } from '@statespace/ssm-core';
import type { GraphDataset, LabeledGraph } from '../data/dataset';
import { buildGraphModel } from '../models/buildModel';
import { evalRepeats, resolveGraphConfig, type GraphModelConfig } from '../models/config';
import { buildGraphsBatch, disposeBatch, withEncodings, type GraphBatch } from './batch';
import { argmaxRows, averagedProbabilities, crossEntropy, logits, type TrainOptions } from './common';

export interface GraphFoldResult {
  fold: number;
  testAccuracy: number;
  trainSeconds: number;
  /** Epochs trained (fewer than planned when the time budget ended the fold; the last may be partial). */
  epochs: number;
}

interface Prepared { graphs: LabeledGraph[]; config: GraphModelConfig }

export function prepareGraphs(ds: GraphDataset, model: GraphModelConfig['model'], configName: string, overrides: Partial<GraphModelConfig>, seed: number): Prepared {
  const probe = resolveGraphConfig(configName, { model, task: 'graph', numFeatures: ds.numFeatures, numClasses: ds.numClasses }, overrides);
  const config = resolveGraphConfig(configName, { model, task: 'graph', numFeatures: ds.numFeatures + probe.lapPE + probe.rwse, numClasses: ds.numClasses }, { ...overrides, seed });
  const graphs = ds.graphs.map((g) => ({ ...g, features: withEncodings(g.graph, g.features, ds.numFeatures, config.lapPE, config.rwse) }));
  return { graphs, config };
}

function makeBatch(p: Prepared, idx: ArrayLike<number>, rng: Rng, noisy: boolean): GraphBatch {
  return buildGraphsBatch(p.config, Array.from(idx, (i) => p.graphs[i]), rng, noisy);
}

/** Accuracy of `model` on graphs `idx` (Graph-Mamba: averaged over noisy degree orders). */
export function evaluateGraphs(model: tfl.LayersModel, p: Prepared, idx: Int32Array, batch = 128): number {
  let ok = 0;
  for (let s = 0; s < idx.length; s += batch) {
    const part = idx.subarray(s, s + batch);
    const reps = evalRepeats(p.config);
    const batches = Array.from({ length: reps }, (_, k) => makeBatch(p, part, mulberry32(20_000 + k), p.config.model === 'graph-mamba'));
    const pred = argmaxRows(averagedProbabilities(model, p.config, batches), p.config.numClasses);
    batches.forEach((b) => disposeBatch(b));
    part.forEach((g, i) => (ok += pred[i] === p.graphs[g].label ? 1 : 0));
  }
  return ok / idx.length;
}

/** Trains one fold (fixed epochs, no test peeking) and returns its test accuracy. */
export async function trainGraphFold(p: Prepared, train: Int32Array, test: Int32Array, fold: number, o: TrainOptions & { batchSize?: number }): Promise<GraphFoldResult & { model: tfl.LayersModel }> {
  const net = buildGraphModel(p.config);
  const bs = o.batchSize ?? 32;
  const labelsOf = (idx: ArrayLike<number>): Int32Array => Int32Array.from(idx, (i) => p.graphs[i].label);
  const lr = o.lr ?? 0.005;
  const weightDecay = o.weightDecay ?? 1e-2;
  const batchesPerEpoch = Math.ceil(train.length / bs);
  // Under a time budget the cosine also follows wall time, so a fold cut by the budget still ends its decay.
  const optimizer = o.maxSeconds != null && o.maxSeconds > 0
    ? new AdamW({ lr: timeAwareCosine({ peakLr: lr, warmupSteps: 0, totalSteps: o.epochs * batchesPerEpoch, maxSeconds: o.maxSeconds }), weightDecay, groups: [ssmParameterGroup()] })
    : undefined;
  const result = await fit<{ b: GraphBatch; y: Int32Array }>({
    model: net,
    optimizer,
    lr,
    weightDecay,
    epochs: o.epochs,
    batchesPerEpoch,
    seed: (o.seed ?? 0) * 100 + fold,
    trainBatches: (_e, rng) => batchIndices(train.length, bs, rng).map((ix) => {
      const idx = Array.from(ix, (k) => train[k]);
      return { b: makeBatch(p, idx, rng, true), y: labelsOf(idx) };
    }),
    loss: (m, { b, y }, training) => crossEntropy(logits(m, p.config, b, training), y, null, p.config.numClasses),
    disposeBatch: ({ b }) => disposeBatch(b),
    checkpointDir: o.checkpointDir,
    resume: o.resume,
    maxSeconds: o.maxSeconds,
    progress: o.progress ?? false,
    onEpochEnd: o.onEpochEnd,
    extraState: { config: p.config, fold },
  }).finally(() => optimizer?.dispose());
  return { fold, testAccuracy: evaluateGraphs(net, p, test), trainSeconds: result.trainSeconds, epochs: result.history.length, model: net };
}

/** 10-fold (or k-fold) stratified cross-validation with a fixed seed. */
export async function crossValidateGraphs(ds: GraphDataset, model: GraphModelConfig['model'], configName: string, overrides: Partial<GraphModelConfig>,
  o: TrainOptions & { folds?: number; batchSize?: number; onFold?: (r: GraphFoldResult) => void }): Promise<GraphFoldResult[]> {
  const p = prepareGraphs(ds, model, configName, overrides, o.seed ?? 0);
  const folds = stratifiedKFold(ds.graphs.map((g) => g.label), o.folds ?? 10, o.seed ?? 0);
  const out: GraphFoldResult[] = [];
  for (let k = 0; k < folds.length; k++) {
    const r = await trainGraphFold(p, folds[k].train, folds[k].test, k, { ...o, checkpointDir: o.checkpointDir ? `${o.checkpointDir}/fold${k}` : undefined });
    r.model.dispose();
    const res = { fold: r.fold, testAccuracy: r.testAccuracy, trainSeconds: r.trainSeconds, epochs: r.epochs };
    o.onFold?.(res);
    out.push(res);
  }
  return out;
}
