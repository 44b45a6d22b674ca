#!/usr/bin/env node
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { CliError, loadCheckpoint, meanAndStd, runCli, type CliSpec, type ParsedCli } from '@statespace/ssm-core';
import { loadAnyDataset } from '../data/loadAny';
import { evalRepeats, MODEL_KINDS, GRAPH_CONFIGS, type GraphModelConfig, type GraphModelKind } from '../models/config';
import { trainNodeClassifier } from '../tasks/nodeTask';
import { crossValidateGraphs, evaluateGraphs, prepareGraphs } from '../tasks/graphTask';
import { buildBatch, disposeBatch, withEncodings } from '../tasks/batch';
import { accuracy, argmaxRows, averagedProbabilities } from '../tasks/common';
import { mulberry32 } from '@statespace/ssm-core';
import { runBenchmark } from '../eval/benchmark';

const DATA_FLAGS = {
  data: { type: 'string', required: true, help: 'dataset file or folder (Planetoid .json / raw folder, TU folder, Geom-GCN folder, .npz, .content, node .csv)' },
  edges: { type: 'string', help: 'edge CSV (with a node CSV as --data)' },
  task: { type: 'string', choices: ['node', 'graph'], help: 'node or graph classification (default: from the dataset)' },
  split: { type: 'integer', min: 0, default: 0, help: 'node task: which of the dataset splits' },
} as const;

export const CLI_SPEC: CliSpec = {
  name: 'statespace-graph',
  commands: {
    train: {
      help: 'train GMN / Graph-Mamba / GCN; node task: test accuracy at the best validation epoch; graph task: k-fold CV',
      flags: {
        ...DATA_FLAGS,
        model: { type: 'string', choices: MODEL_KINDS, default: 'gmn', help: 'model' },
        config: { type: 'string', choices: Object.keys(GRAPH_CONFIGS), default: 'tiny', help: 'named model size' },
        folds: { type: 'integer', min: 2, default: 10, help: 'graph task: stratified folds' },
        seeds: { type: 'integer', min: 1, default: 1, help: 'node task: runs with seeds seed..seed+N-1' },
        epochs: { type: 'integer', min: 1, default: 200, help: 'training epochs' },
        l2: { type: 'number', min: 0, help: 'node task: L2 penalty on the feature projection, added to the loss (default 0; the benchmark uses 5e-3 for gmn)' },
        'output-hops': { type: 'integer', min: 0, help: 'node task, gmn / graph-mamba: logits propagated over k hops with personalized PageRank (default: 10 when the training labels are homophilous, else 0)' },
      },
    },
    evaluate: {
      help: 'evaluate the best checkpoint in --out (node task: on the split\'s test nodes; graph task: on all graphs)',
      flags: { ...DATA_FLAGS },
    },
    bench: {
      help: 'the package benchmark (Cora, texas, MUTAG, PROTEINS); one JSON line per result on stdout',
      flags: {
        quick: { type: 'boolean', default: false, help: '1 seed / 3 folds, few epochs' },
        only: { type: 'list', help: 'datasets: cora,texas,mutag,proteins' },
        models: { type: 'list', help: 'models: gmn,gcn,graph-mamba' },
      },
    },
  },
};

type Flags = ParsedCli['flags'];

async function train(p: ParsedCli): Promise<object> {
  const f: Flags = p.flags;
  const ds = loadAnyDataset(f.data, f.edges);
  const task = f.task ?? ds.kind;
  if (task !== ds.kind) throw new CliError(`statespace-graph train: --task ${task} does not fit ${f.data} (a ${ds.kind}-classification dataset)`, 2);
  const model = f.model as GraphModelKind;
  const ckpt = f.out ? path.join(f.out, 'checkpoints') : undefined;
  const common = { epochs: f.epochs, lr: f.lr, l2: f.l2, patience: f.patience, resume: f.resume, progress: !f.quiet, maxSeconds: f.maxMinutes != null ? f.maxMinutes * 60 : undefined };
  if (ds.kind === 'node') {
    const d = ds.data;
    if (!d.splits.length) throw new CliError(`statespace-graph train: ${f.data} has no train/val/test split`, 2);
    const accs: number[] = [];
    let secs = 0;
    for (let s = 0; s < f.seeds; s++) {
      const r = await trainNodeClassifier(d, d.splits[f.split % d.splits.length], model, f.config, f.outputHops != null ? { outputHops: f.outputHops } : {}, { ...common, seed: f.seed + s, checkpointDir: ckpt && (f.seeds > 1 ? `${ckpt}/seed${f.seed + s}` : ckpt) });
      accs.push(r.testAccuracy);
      secs += r.trainSeconds;
      process.stderr.write(`seed ${f.seed + s}: val ${r.valAccuracy.toFixed(4)} test ${r.testAccuracy.toFixed(4)} (best epoch ${r.bestEpoch})\n`);
      r.model.dispose();
    }
    const { mean, std } = accs.length > 1 ? meanAndStd(accs) : { mean: accs[0], std: 0 };
    return { dataset: d.name, model, task, accuracy: mean, std, seeds_or_folds: accs.length, train_seconds: secs };
  }
  const res = await crossValidateGraphs(ds.data, model, f.config, {}, { ...common, seed: f.seed, folds: f.folds, checkpointDir: ckpt, batchSize: f.batch,
    onFold: (r) => process.stderr.write(`fold ${r.fold}: test ${r.testAccuracy.toFixed(4)}\n`) });
  const accs = res.map((r) => r.testAccuracy);
  const { mean, std } = meanAndStd(accs);
  return { dataset: ds.data.name, model, task, accuracy: mean, std, seeds_or_folds: accs.length, train_seconds: res.reduce((s, r) => s + r.trainSeconds, 0) };
}

async function evaluate(p: ParsedCli): Promise<object> {
  const f: Flags = p.flags;
  if (!f.out) throw new CliError('statespace-graph evaluate: --out (the training output folder) is required', 2);
  const ds = loadAnyDataset(f.data, f.edges);
  const dir = ds.kind === 'graph' ? path.join(f.out, 'checkpoints', 'fold0') : path.join(f.out, 'checkpoints');
  const { model, state } = await loadCheckpoint(dir, 'best').catch(() => loadCheckpoint(dir, 'last'));
  const c = (state.extraState as { config: GraphModelConfig }).config;
  let acc: number;
  if (ds.kind === 'node') {
    const d = ds.data;
    const x = withEncodings(d.graph, d.features, d.numFeatures, c.lapPE, c.rwse);
    const batches = Array.from({ length: evalRepeats(c) }, (_, k) => buildBatch(c, d.graph, x, mulberry32(10_000 + k), c.model === 'graph-mamba'));
    const pred = argmaxRows(averagedProbabilities(model, c, batches), c.numClasses);
    batches.forEach((b) => disposeBatch(b));
    acc = accuracy(pred, d.labels, d.splits[f.split % d.splits.length].test);
  } else {
    const prepared = prepareGraphs(ds.data, c.model, 'tiny', c, c.seed);
    acc = evaluateGraphs(model, { ...prepared, config: c }, Int32Array.from(ds.data.graphs.keys()));
  }
  model.dispose();
  tf.disposeVariables();
  return { dataset: ds.data.name, model: c.model, task: ds.kind, accuracy: acc, std: 0, seeds_or_folds: 1, train_seconds: 0 };
}

async function bench(p: ParsedCli): Promise<object> {
  const results = await runBenchmark({ quick: p.flags.quick, only: p.flags.only, models: p.flags.models, seeds: undefined, epochs: p.flags.epochs,
    maxMinutes: p.flags.maxMinutes, emit: (r) => process.stderr.write(`${JSON.stringify(r)}\n`) });
  return { results };
}

export function main(argv: string[]): Promise<number> {
  return runCli(CLI_SPEC, argv, { train, evaluate, bench });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
