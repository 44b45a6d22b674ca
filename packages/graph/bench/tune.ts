import * as path from 'path';
import { initBackend, meanAndStd, resolveDataDir, stratifiedKFold } from '@statespace/ssm-core';
import { loadGeomGcn, loadHeterophilyNpz, loadPlanetoidJson, loadTU } from '../src/data';
import type { NodeDataset } from '../src/data/dataset';
import type { GraphModelConfig, GraphModelKind } from '../src/models/config';
import { trainNodeClassifier } from '../src/tasks/nodeTask';
import { prepareGraphs, trainGraphFold } from '../src/tasks/graphTask';

/**
 * Short tuning probe (not a counted benchmark): one model/recipe on a few folds or splits, printing the per-epoch
 * training loss and the final accuracy as JSON lines.
 * `node dist-bench/bench/tune.js --data mutag --model gmn --folds 0,1 --epochs 40 --lr 0.005 --wd 0.01
 *   --batch 32 --overrides '{"dropout":0.2}' [--max-minutes 3]`
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const num = (name: string): number | undefined => (arg(name) === undefined ? undefined : Number(arg(name)));

function nodeData(data: string, name: string): NodeDataset {
  if (name === 'cora') return loadPlanetoidJson(path.join(data, 'planetoid/json/cora.gcn.json'));
  if (name === 'chameleon' || name === 'squirrel') return loadHeterophilyNpz(path.join(data, `graphs/${name}_filtered/${name}_filtered.npz`));
  return loadGeomGcn(path.join(data, 'graphs', name));
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: arg('backend') as never });
  const name = arg('data') ?? 'mutag';
  const model = (arg('model') ?? 'gmn') as GraphModelKind;
  const overrides = JSON.parse(arg('overrides') ?? '{}') as Partial<GraphModelConfig>;
  const runs = (arg('folds') ?? '0').split(',').map(Number);
  const maxSeconds = num('max-minutes') ? (num('max-minutes') as number) * 60 / runs.length : undefined;
  const train = { epochs: num('epochs') ?? 40, lr: num('lr'), weightDecay: num('wd'), l2: num('l2'), patience: num('patience'), maxSeconds,
    onEpochEnd: (e: { epoch: number; trainLoss: number; seconds: number; val?: Record<string, number> }) =>
      console.log(JSON.stringify({ epoch: e.epoch, loss: +e.trainLoss.toFixed(4), s: +e.seconds.toFixed(2), ...(e.val ?? {}) })) };
  const data = resolveDataDir();
  const accs: number[] = [];
  let secs = 0;
  const tu = ['mutag', 'proteins', 'enzymes'].includes(name);
  if (tu) {
    const ds = loadTU(path.join(data, 'graphs', name.toUpperCase()));
    const p = prepareGraphs(ds, model, 'tiny', overrides, 0);
    const folds = stratifiedKFold(ds.graphs.map((g) => g.label), 10, 0);
    for (const k of runs) {
      const r = await trainGraphFold(p, folds[k].train, folds[k].test, k, { ...train, batchSize: num('batch') });
      r.model.dispose();
      accs.push(r.testAccuracy);
      secs += r.trainSeconds;
    }
  } else {
    const ds = nodeData(data, name);
    for (const s of runs) {
      const r = await trainNodeClassifier(ds, ds.splits[s % ds.splits.length], model, 'tiny', overrides, { ...train, seed: s });
      r.model.dispose();
      accs.push(r.testAccuracy);
      secs += r.trainSeconds;
      console.log(JSON.stringify({ run: s, val: r.valAccuracy, test: r.testAccuracy, bestEpoch: r.bestEpoch }));
    }
  }
  const { mean, std } = accs.length > 1 ? meanAndStd(accs) : { mean: accs[0], std: 0 };
  console.log(JSON.stringify({ dataset: name, model, overrides, lr: train.lr, wd: train.weightDecay, epochs: train.epochs, accuracy: mean, std, per_run: accs, train_seconds: secs, backend: backend.backend }));
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
